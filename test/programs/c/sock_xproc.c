// Sockets shared between processes: abstract names bound by a child and
// reached by the parent (and the names recvfrom reports for a child's
// abstract or autobound sender), file descriptors of every kind passed to
// a child with SCM_RIGHTS (pipe, file with a shared offset, memfd, a
// listening socket) and back, SCM_CREDENTIALS from a child,
// O_NONBLOCK set by a child on an inherited socket, an inherited listener
// accepting in the child, and 4 MiB streamed each way.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define SA(a) ((struct sockaddr *)(a))

static const char *yes(int b) { return b ? "yes" : "no"; }

static socklen_t abstract(struct sockaddr_un *a, pid_t owner, const char *tag) {
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "carrick-xproc-%d-%s", owner, tag);
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

static void send_fds(int sock, const int *fds, int n) {
	char ctl[CMSG_SPACE(8 * sizeof(int))] = {0};
	struct iovec iov = {"F", 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = CMSG_SPACE(n * sizeof(int))};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	*cm = (struct cmsghdr){.cmsg_len = CMSG_LEN(n * sizeof(int)), .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS};
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	sendmsg(sock, &mh, 0);
}

static int recv_fds(int sock, int *fds) {
	char ctl[CMSG_SPACE(8 * sizeof(int))], d;
	struct iovec iov = {&d, 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
	if (recvmsg(sock, &mh, 0) < 0)
		return -1;
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return 0;
	int n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
	memcpy(fds, CMSG_DATA(cm), n * sizeof(int));
	return n;
}

// report sends a line of text from the child to the parent, who prints it.
static void report(int sock, const char *s) { send(sock, s, strlen(s), 0); }

static void relay(int sock) {
	char buf[256];
	ssize_t n;
	while ((n = recv(sock, buf, sizeof buf, 0)) > 0)
		fwrite(buf, 1, n, stdout);
}

static void abstract_names(void) {
	printf("== abstract names across processes\n");
	int sync[2];
	pipe(sync);
	pid_t me = getpid();
	struct sockaddr_un a, b;
	pid_t c = fork();
	if (c == 0) {
		socklen_t al = abstract(&a, me, "child-stream");
		int l = socket(AF_UNIX, SOCK_STREAM, 0);
		bind(l, SA(&a), al);
		listen(l, 1);
		socklen_t dl = abstract(&a, me, "child-dgram");
		int d = socket(AF_UNIX, SOCK_DGRAM, 0);
		bind(d, SA(&a), dl);
		int e = socket(AF_UNIX, SOCK_DGRAM, 0);
		bind(e, SA(&a), sizeof(sa_family_t));
		write(sync[1], "r", 1);
		int s = accept(l, NULL, NULL);
		char buf[32] = {0};
		recv(s, buf, sizeof buf, 0);
		send(s, buf, strlen(buf), 0);
		socklen_t pl = abstract(&b, me, "parent-dgram");
		sendto(d, "from abstract", 13, 0, SA(&b), pl);
		sendto(e, "from autobind", 13, 0, SA(&b), pl);
		char r[16] = {0};
		recv(e, r, sizeof r, 0);
		send(s, r, strlen(r), 0);
		recv(s, buf, 1, 0);
		_exit(0);
	}
	int pd = socket(AF_UNIX, SOCK_DGRAM, 0);
	socklen_t pl = abstract(&b, me, "parent-dgram");
	bind(pd, SA(&b), pl);
	char z;
	read(sync[0], &z, 1);
	socklen_t al = abstract(&a, me, "child-stream");
	int s = socket(AF_UNIX, SOCK_STREAM, 0);
	printf("connect to the child's name: %s\n", connect(s, SA(&a), al) == 0 ? "ok" : strerror(errno));
	socklen_t gl = sizeof b;
	getpeername(s, SA(&b), &gl);
	printf("getpeername is that name: %s\n", yes(gl == al && memcmp(&a, &b, al) == 0));
	send(s, "echo", 4, 0);
	char buf[32] = {0};
	recv(s, buf, sizeof buf, 0);
	printf("echoed: %s\n", buf);
	struct sockaddr_un from;
	socklen_t fl = sizeof from;
	memset(buf, 0, sizeof buf);
	recvfrom(pd, buf, sizeof buf, 0, SA(&from), &fl);
	socklen_t dl = abstract(&a, me, "child-dgram");
	printf("%s: source is the child's abstract name %s\n", buf, yes(fl == dl && memcmp(&from, &a, dl) == 0));
	fl = sizeof from;
	memset(buf, 0, sizeof buf);
	recvfrom(pd, buf, sizeof buf, 0, SA(&from), &fl);
	printf("%s: source len %u leading NUL %s\n", buf, fl, yes(from.sun_path[0] == 0));
	sendto(pd, "reply", 5, 0, SA(&from), fl);
	memset(buf, 0, sizeof buf);
	recv(s, buf, sizeof buf, 0);
	printf("the child's autobound socket got: %s\n", buf);
	close(s);
	waitpid(c, NULL, 0);
	close(pd);
}

static void passing(void) {
	printf("== SCM_RIGHTS to a child and back\n");
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	int p[2];
	pipe(p);
	int f = open("shared.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
	write(f, "0123456789", 10);
	lseek(f, 2, SEEK_SET);
	int m = memfd_create("probe", 0);
	write(m, "memfd data", 10);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(l, SA(&a), sizeof a);
	socklen_t al = sizeof a;
	getsockname(l, SA(&a), &al);
	listen(l, 1);
	pid_t c = fork();
	if (c == 0) {
		close(sv[0]);
		close(p[0]);
		close(f);
		close(m);
		close(l);
		int got[8] = {0};
		char line[128], buf[32];
		int n = recv_fds(sv[1], got);
		snprintf(line, sizeof line, "child received %d fds\n", n);
		report(sv[1], line);
		memset(buf, 0, sizeof buf);
		read(got[0], buf, 8);
		snprintf(line, sizeof line, "pipe: %s\n", buf);
		report(sv[1], line);
		memset(buf, 0, sizeof buf);
		read(got[1], buf, 3);
		snprintf(line, sizeof line, "file from the shared offset: %s\n", buf);
		report(sv[1], line);
		memset(buf, 0, sizeof buf);
		pread(got[2], buf, 10, 0);
		snprintf(line, sizeof line, "memfd: %s\n", buf);
		report(sv[1], line);
		int s = accept(got[3], NULL, NULL);
		send(s, "accepted by the child", 21, 0);
		close(s);
		int q[2];
		pipe(q);
		send_fds(sv[1], &q[1], 1);
		close(q[1]);
		memset(buf, 0, sizeof buf);
		read(q[0], buf, sizeof buf);
		snprintf(line, sizeof line, "the child read from its pipe: %s\n", buf);
		report(sv[1], line);
		_exit(0);
	}
	close(sv[1]);
	send_fds(sv[0], (int[]){p[0], f, m, l}, 4);
	close(p[0]);
	write(p[1], "via pipe", 8);
	char buf[64] = {0};
	for (int i = 0; i < 4; i++) {
		// One line per report; the child writes them in order.
		int k = 0;
		while (k < (int)sizeof buf - 1 && recv(sv[0], buf + k, 1, 0) == 1 && buf[k++] != '\n')
			;
		buf[k] = 0;
		fputs(buf, stdout);
	}
	printf("file offset after the child's read: %lld\n", (long long)lseek(f, 0, SEEK_CUR));
	int t = socket(AF_INET, SOCK_STREAM, 0);
	connect(t, SA(&a), sizeof a);
	// A bounded wait: a failure shows as a line, not as a hang.
	setsockopt(t, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){5, 0}, sizeof(struct timeval));
	memset(buf, 0, sizeof buf);
	recv(t, buf, sizeof buf, MSG_WAITALL);
	printf("from the listener passed to the child: %s\n", buf);
	close(t);
	int back[8];
	printf("fds back from the child: %d\n", recv_fds(sv[0], back));
	write(back[0], "written by the parent", 21);
	close(back[0]);
	relay(sv[0]);
	waitpid(c, NULL, 0);
	close(sv[0]);
}

static void creds_and_flags(void) {
	printf("== credentials and shared flags\n");
	int sv[2];
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &(int){1}, sizeof(int));
	int st[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, st);
	pid_t c = fork();
	if (c == 0) {
		send(sv[1], "hi", 2, 0);
		fcntl(st[1], F_SETFL, O_NONBLOCK);
		_exit(0);
	}
	char ctl[64], d[4];
	struct iovec iov = {d, sizeof d};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
	recvmsg(sv[0], &mh, 0);
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	struct ucred uc = {0};
	if (cm && cm->cmsg_type == SCM_CREDENTIALS)
		memcpy(&uc, CMSG_DATA(cm), sizeof uc);
	printf("SCM_CREDENTIALS pid is the child: %s uid %s\n", yes(uc.pid == c), yes(uc.uid == getuid()));
	waitpid(c, NULL, 0);
	printf("O_NONBLOCK the child set on the inherited socket: %s\n", yes(fcntl(st[1], F_GETFL) & O_NONBLOCK));
	close(sv[0]);
	close(sv[1]);
	close(st[0]);
	close(st[1]);
}

static void streaming(void) {
	printf("== 4 MiB each way\n");
	enum { N = 4 << 20 };
	unsigned char *buf = malloc(N);
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	int l = socket(AF_INET6, SOCK_STREAM, 0);
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = in6addr_loopback};
	bind(l, SA(&a), sizeof a);
	socklen_t al = sizeof a;
	getsockname(l, SA(&a), &al);
	listen(l, 1);
	pid_t c = fork();
	if (c == 0) {
		for (int i = 0; i < N; i++)
			buf[i] = (unsigned char)(i * 7 + i / 4096);
		send(sv[1], buf, N, 0);
		int s = accept(l, NULL, NULL);
		ssize_t got = recv(s, buf, N, MSG_WAITALL);
		uint32_t sum = 0;
		for (ssize_t i = 0; i < got; i++)
			sum = sum * 31 + buf[i];
		send(sv[1], &got, sizeof got, 0);
		send(sv[1], &sum, sizeof sum, 0);
		_exit(0);
	}
	ssize_t got = recv(sv[0], buf, N, MSG_WAITALL);
	int ok = got == N;
	for (int i = 0; ok && i < N; i++)
		ok = buf[i] == (unsigned char)(i * 7 + i / 4096);
	printf("unix stream from the child: %zd bytes, pattern intact %s\n", got, yes(ok));
	uint32_t want = 0;
	for (int i = 0; i < N; i++) {
		buf[i] = (unsigned char)(i * 13 + i / 1000);
		want = want * 31 + buf[i];
	}
	int t = socket(AF_INET6, SOCK_STREAM, 0);
	connect(t, SA(&a), sizeof a);
	ssize_t sent = send(t, buf, N, 0);
	ssize_t theirs = 0;
	uint32_t sum = 0;
	recv(sv[0], &theirs, sizeof theirs, MSG_WAITALL);
	recv(sv[0], &sum, sizeof sum, MSG_WAITALL);
	printf("TCP to the child: sent %zd, child got %zd, checksum matches %s\n", sent, theirs, yes(sum == want));
	waitpid(c, NULL, 0);
	free(buf);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	abstract_names();
	passing();
	creds_and_flags();
	streaming();
	return 0;
}
