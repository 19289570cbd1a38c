// AF_UNIX control messages: SCM_RIGHTS (a pipe and a file whose offset
// is shared, MSG_CMSG_CLOEXEC, a control buffer too small or absent, a bad
// fd), SO_PASSCRED and SCM_CREDENTIALS (implicit and explicit), and a
// forked child connecting to its parent's path socket, where each end's
// SO_PEERCRED names the other process. Paths are relative to the fresh
// working directory.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *ename(int e) {
	static char buf[32];
	switch (e) {
	case 0: return "ok";
	case EAGAIN: return "EAGAIN";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case ENOENT: return "ENOENT";
	case EPIPE: return "EPIPE";
	case EADDRINUSE: return "EADDRINUSE";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ENOTCONN: return "ENOTCONN";
	case EISCONN: return "EISCONN";
	case EPROTOTYPE: return "EPROTOTYPE";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EMSGSIZE: return "EMSGSIZE";
	case EDESTADDRREQ: return "EDESTADDRREQ";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	}
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

static void say(const char *what, long r) {
	if (r < 0)
		printf("%s: -1 %s\n", what, ename(errno));
	else
		printf("%s: %ld\n", what, r);
}
#define TRY(what, expr) do { errno = 0; say(what, (long)(expr)); } while (0)
#define SA(a) ((struct sockaddr *)(a))

static const char *yes(int b) { return b ? "yes" : "no"; }

// path fills a with a path name; the length counts the NUL, as
// getsockname reports it.
static socklen_t path(struct sockaddr_un *a, const char *p) {
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	strcpy(a->sun_path, p);
	return offsetof(struct sockaddr_un, sun_path) + strlen(p) + 1;
}

static int opt(int fd, int o) {
	int v = -1;
	socklen_t l = sizeof v;
	if (getsockopt(fd, SOL_SOCKET, o, &v, &l) < 0)
		return -1000 - errno;
	return v;
}

static int recv_fds(int fd, int *fds, size_t room, int flags, int *nfds, struct msghdr *mh) {
	static char ctl[256];
	static char data[8];
	static struct iovec iov;
	iov = (struct iovec){data, sizeof data};
	*mh = (struct msghdr){.msg_iov = &iov, .msg_iovlen = 1, .msg_control = room ? ctl : NULL, .msg_controllen = room};
	memset(ctl, 0, sizeof ctl);
	int r = recvmsg(fd, mh, flags);
	*nfds = 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(mh); r >= 0 && cm; cm = CMSG_NXTHDR(mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			*nfds = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			memcpy(fds, CMSG_DATA(cm), *nfds * sizeof(int));
		}
	return r;
}

static int send_fds(int fd, const int *fds, int n) {
	char ctl[CMSG_SPACE(4 * sizeof(int))] = {0};
	struct iovec iov = {"F", 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = CMSG_SPACE(n * sizeof(int))};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	*cm = (struct cmsghdr){.cmsg_len = CMSG_LEN(n * sizeof(int)), .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_RIGHTS};
	memcpy(CMSG_DATA(cm), fds, n * sizeof(int));
	return sendmsg(fd, &mh, 0);
}

static void control(void) {
	printf("== control messages\n");
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	int p[2];
	pipe(p);
	write(p[1], "via pipe", 8);
	int f = open("data.txt", O_CREAT | O_RDWR | O_TRUNC, 0644);
	write(f, "0123456789", 10);
	lseek(f, 3, SEEK_SET);
	TRY("sendmsg SCM_RIGHTS pipe and file", send_fds(sv[0], (int[]){p[0], f}, 2));
	int got[4], nf;
	struct msghdr mh;
	TRY("recvmsg MSG_CMSG_CLOEXEC", recv_fds(sv[1], got, CMSG_SPACE(2 * sizeof(int)), MSG_CMSG_CLOEXEC, &nf, &mh));
	printf("fds received %d, msg_flags %#x, controllen %zu\n", nf, mh.msg_flags, (size_t)mh.msg_controllen);
	char buf[32] = {0};
	if (nf == 2) {
		printf("new numbers %s, cloexec %s\n", yes(got[0] != p[0] && got[1] != f && got[0] != got[1]),
		       yes((fcntl(got[0], F_GETFD) & FD_CLOEXEC) && (fcntl(got[1], F_GETFD) & FD_CLOEXEC)));
		printf("read the pipe through it: %zd %.8s\n", read(got[0], buf, 8), buf);
		printf("read the file through it: %zd %.4s\n", read(got[1], buf, 4), buf);
		printf("offset shared with the original: %lld\n", (long long)lseek(f, 0, SEEK_CUR));
		close(got[0]);
		close(got[1]);
	}
	send_fds(sv[0], (int[]){p[0], f, p[1]}, 3);
	TRY("3 fds, recvmsg with CMSG_SPACE(one int)", recv_fds(sv[1], got, CMSG_SPACE(sizeof(int)), 0, &nf, &mh));
	// Linux sets MSG_CTRUNC here; qemu 7.2 loses it, so it is not printed.
	printf("fds received %d, controllen %zu\n", nf, (size_t)mh.msg_controllen);
	for (int i = 0; i < nf; i++)
		close(got[i]);
	send_fds(sv[0], (int[]){p[0], f}, 2);
	TRY("2 fds, recvmsg with CMSG_LEN(one int)", recv_fds(sv[1], got, CMSG_LEN(sizeof(int)), 0, &nf, &mh));
	printf("fds received %d, controllen %zu\n", nf, (size_t)mh.msg_controllen);
	if (nf > 0) {
		printf("cloexec without MSG_CMSG_CLOEXEC: %s\n", yes(fcntl(got[0], F_GETFD) & FD_CLOEXEC));
		close(got[0]);
	}
	send_fds(sv[0], (int[]){p[0]}, 1);
	TRY("recvmsg with no control buffer", recv_fds(sv[1], got, 0, 0, &nf, &mh));
	printf("fds received %d, MSG_CTRUNC %s\n", nf, yes(mh.msg_flags & MSG_CTRUNC));
	TRY("send a closed fd", send_fds(sv[0], (int[]){999}, 1));
	close(sv[0]);
	close(sv[1]);

	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[0], "plain", 5, 0);
	TRY("no SO_PASSCRED: recvmsg", recv_fds(sv[1], got, 64, 0, &nf, &mh));
	printf("controllen %zu\n", (size_t)mh.msg_controllen);
	setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &(int){1}, sizeof(int));
	printf("SO_PASSCRED reads %d\n", opt(sv[1], SO_PASSCRED));
	send(sv[0], "creds", 5, 0);
	TRY("SO_PASSCRED: recvmsg", recv_fds(sv[1], got, 64, 0, &nf, &mh));
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	if (cm) {
		struct ucred uc;
		memcpy(&uc, CMSG_DATA(cm), sizeof uc);
		printf("cmsg level %d type %d len %zu: pid is me %s uid %s gid %s\n", cm->cmsg_level, cm->cmsg_type,
		       (size_t)cm->cmsg_len, yes(uc.pid == getpid()), yes(uc.uid == getuid()), yes(uc.gid == getgid()));
	}
	char ctl[CMSG_SPACE(sizeof(struct ucred))] = {0};
	struct iovec iov = {"explicit", 8};
	struct msghdr sm = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
	cm = CMSG_FIRSTHDR(&sm);
	*cm = (struct cmsghdr){.cmsg_len = CMSG_LEN(sizeof(struct ucred)), .cmsg_level = SOL_SOCKET, .cmsg_type = SCM_CREDENTIALS};
	struct ucred mine = {getpid(), getuid(), getgid()};
	memcpy(CMSG_DATA(cm), &mine, sizeof mine);
	TRY("sendmsg SCM_CREDENTIALS with my own", sendmsg(sv[0], &sm, 0));
	TRY("recvmsg", recv_fds(sv[1], got, 64, 0, &nf, &mh));
	cm = CMSG_FIRSTHDR(&mh);
	printf("received credentials are mine: %s\n", yes(cm && memcmp(CMSG_DATA(cm), &mine, sizeof mine) == 0));
	close(sv[0]);
	close(sv[1]);
}

// forked: a child connects to its parent's listener; each end's
// SO_PEERCRED names the other process, and an inherited socketpair still
// names its creator.
static void forked(void) {
	printf("== fork\n");
	struct sockaddr_un a;
	socklen_t al = path(&a, "fork.sock");
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(l, SA(&a), al);
	listen(l, 1);
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	pid_t parent = getpid();
	pid_t child = fork();
	if (child == 0) {
		int c = socket(AF_UNIX, SOCK_STREAM, 0);
		char rep[3] = {'?', '?', '?'};
		if (connect(c, SA(&a), al) == 0)
			rep[0] = 'c';
		struct ucred uc;
		socklen_t ul = sizeof uc;
		getsockopt(c, SOL_SOCKET, SO_PEERCRED, &uc, &ul);
		rep[1] = uc.pid == parent ? 'y' : 'n';
		ul = sizeof uc;
		getsockopt(sv[1], SOL_SOCKET, SO_PEERCRED, &uc, &ul);
		rep[2] = uc.pid == parent ? 'y' : 'n';
		pid_t me = getpid();
		write(c, rep, 3);
		write(c, &me, sizeof me);
		_exit(0);
	}
	int s = accept(l, NULL, NULL);
	char rep[3] = {0};
	pid_t said = 0;
	recv(s, rep, 3, MSG_WAITALL);
	recv(s, &said, sizeof said, MSG_WAITALL);
	struct ucred uc;
	socklen_t ul = sizeof uc;
	getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &ul);
	printf("child connected %s, its peer is the parent %s, inherited pair names the parent %s\n", yes(rep[0] == 'c'),
	       yes(rep[1] == 'y'), yes(rep[2] == 'y'));
	printf("parent's SO_PEERCRED is the child %s, child's getpid agrees %s\n", yes(uc.pid == child), yes(said == child));
	int st;
	waitpid(child, &st, 0);
	printf("child exit %d\n", WEXITSTATUS(st));
	close(s);
	close(l);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	control();
	forked();
	return 0;
}
