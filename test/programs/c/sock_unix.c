// AF_UNIX: stream, datagram and seqpacket through socketpair, path names
// (the socket file bind creates, its errors, the exact name lengths), the
// abstract namespace and autobind, SO_PEERCRED, message boundaries and
// truncation. Control messages and fork are in sock_unix_cmsg.c. Paths are
// relative to the fresh working directory; abstract names carry the pid
// (they are host-wide under qemu) and are only compared, never printed.
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

// abstract fills a with a per-process abstract name (no trailing NUL).
static socklen_t abstract(struct sockaddr_un *a, const char *tag) {
	memset(a, 0, sizeof *a);
	a->sun_family = AF_UNIX;
	int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "carrick-probe-%d-%s", getpid(), tag);
	return offsetof(struct sockaddr_un, sun_path) + 1 + n;
}

static int opt(int fd, int o) {
	int v = -1;
	socklen_t l = sizeof v;
	if (getsockopt(fd, SOL_SOCKET, o, &v, &l) < 0)
		return -1000 - errno;
	return v;
}

static socklen_t name_of(int fd, int peer, struct sockaddr_un *a) {
	socklen_t l = sizeof *a;
	memset(a, 0x55, sizeof *a);
	errno = 0;
	if ((peer ? getpeername : getsockname)(fd, SA(a), &l) < 0)
		return 1000 + errno;
	return l;
}

static void pairs(void) {
	printf("== socketpair\n");
	int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
	for (int i = 0; i < 3; i++) {
		int sv[2];
		TRY("socketpair", socketpair(AF_UNIX, types[i], 0, sv) < 0 ? -1 : 0);
		struct sockaddr_un a;
		socklen_t n = name_of(sv[0], 0, &a), p = name_of(sv[0], 1, &a);
		printf("  SO_TYPE %d SO_DOMAIN %d SO_PROTOCOL %d SO_ACCEPTCONN %d; name len %u, peer len %u, family %d\n",
		       opt(sv[0], SO_TYPE), opt(sv[0], SO_DOMAIN), opt(sv[0], SO_PROTOCOL), opt(sv[0], SO_ACCEPTCONN), n, p,
		       a.sun_family);
		struct ucred uc;
		socklen_t ul = sizeof uc;
		getsockopt(sv[1], SOL_SOCKET, SO_PEERCRED, &uc, &ul);
		printf("  SO_PEERCRED len %u pid is me %s uid %s gid %s\n", ul, yes(uc.pid == getpid()), yes(uc.uid == getuid()),
		       yes(uc.gid == getgid()));
		close(sv[0]);
		close(sv[1]);
	}
	TRY("socketpair(AF_INET)", socketpair(AF_INET, SOCK_STREAM, 0, (int[2]){0}));
	TRY("socketpair(AF_UNIX, proto PF_UNIX)", socketpair(AF_UNIX, SOCK_STREAM, PF_UNIX, (int[2]){0}));
	TRY("socketpair(AF_UNIX, proto 2)", socketpair(AF_UNIX, SOCK_STREAM, 2, (int[2]){0}));
	int raw = socket(AF_UNIX, SOCK_RAW, 0);
	printf("socket(AF_UNIX, SOCK_RAW): %s, SO_TYPE %d\n", yes(raw >= 0), opt(raw, SO_TYPE));
	close(raw);
	int sv[2];
	socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
	send(sv[0], "abc", 3, 0);
	send(sv[0], "defgh", 5, MSG_EOR);
	send(sv[0], "", 0, 0);
	send(sv[0], "ij", 2, 0);
	char buf[16] = {0};
	TRY("seqpacket recv 16", recv(sv[1], buf, sizeof buf, 0));
	struct iovec iov = {buf, 2};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	TRY("seqpacket recvmsg into 2", recvmsg(sv[1], &mh, 0));
	printf("  %.2s flags %#x\n", buf, mh.msg_flags);
	TRY("seqpacket zero-length", recv(sv[1], buf, sizeof buf, 0));
	TRY("seqpacket recv MSG_TRUNC into 1", recv(sv[1], buf, 1, MSG_TRUNC));
	close(sv[0]);
	TRY("seqpacket after the peer closed", recv(sv[1], buf, sizeof buf, 0));
	TRY("seqpacket send to a closed peer", send(sv[1], "x", 1, MSG_NOSIGNAL));
	close(sv[1]);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	send(sv[0], "0123456789", 10, 0);
	TRY("dgram recv MSG_TRUNC into 4", recv(sv[1], buf, 4, MSG_TRUNC));
	close(sv[0]);
	TRY("dgram recv after the peer closed", recv(sv[1], buf, sizeof buf, MSG_DONTWAIT));
	close(sv[1]);
}

static void paths(void) {
	printf("== path names\n");
	umask(022);
	struct sockaddr_un a, b;
	socklen_t al = path(&a, "stream.sock");
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	TRY("bind with sizeof(sockaddr_un)", bind(l, SA(&a), sizeof a));
	struct stat st;
	TRY("stat", stat("stream.sock", &st));
	printf("S_ISSOCK %s mode %o size %lld\n", yes(S_ISSOCK(st.st_mode)), st.st_mode & 07777, (long long)st.st_size);
	socklen_t n = name_of(l, 0, &b);
	printf("getsockname len %u (path + NUL: %u) same path %s\n", n, al, yes(strcmp(b.sun_path, a.sun_path) == 0));
	TRY("bind the same socket again", bind(l, SA(&a), al));
	int x = socket(AF_UNIX, SOCK_STREAM, 0);
	TRY("bind another socket to the path", bind(x, SA(&a), al));
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	TRY("connect before listen", connect(c, SA(&a), al));
	TRY("listen", listen(l, 4));
	printf("SO_ACCEPTCONN %d\n", opt(l, SO_ACCEPTCONN));
	TRY("connect", connect(c, SA(&a), al));
	TRY("connect again", connect(c, SA(&a), al));
	struct sockaddr_un pa;
	socklen_t pl = sizeof pa;
	memset(&pa, 0x55, sizeof pa);
	int s = accept(l, SA(&pa), &pl);
	printf("accept: peer len %u family %d\n", pl, pa.sun_family);
	n = name_of(c, 1, &b);
	printf("client getpeername len %u same path %s", n, yes(strcmp(b.sun_path, "stream.sock") == 0));
	printf("; client getsockname len %u\n", name_of(c, 0, &b));
	n = name_of(s, 0, &b);
	printf("accepted getsockname len %u same path %s\n", n, yes(strcmp(b.sun_path, "stream.sock") == 0));
	struct ucred uc;
	socklen_t ul = sizeof uc;
	getsockopt(s, SOL_SOCKET, SO_PEERCRED, &uc, &ul);
	printf("SO_PEERCRED on the accepted end: pid is me %s\n", yes(uc.pid == getpid()));
	ul = sizeof uc;
	getsockopt(x, SOL_SOCKET, SO_PEERCRED, &uc, &ul);
	printf("SO_PEERCRED unconnected: pid %d uid %d gid %d\n", uc.pid, (int)uc.uid, (int)uc.gid);
	send(c, "over a path", 11, 0);
	char buf[64] = {0};
	TRY("recv", recv(s, buf, sizeof buf, 0));
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	TRY("datagram socket to a stream listener", connect(d, SA(&a), al));
	TRY("send on an unconnected stream socket", send(x, "x", 1, MSG_NOSIGNAL));
	close(s);
	close(c);
	close(l);
	TRY("connect after the listener closed", connect(x, SA(&a), al));
	TRY("unlink", unlink("stream.sock"));
	TRY("bind after unlink", bind(x, SA(&a), al));
	close(x);

	socklen_t el = path(&a, "exact.sock") - 1;
	x = socket(AF_UNIX, SOCK_STREAM, 0);
	TRY("bind without the NUL in the length", bind(x, SA(&a), el));
	printf("getsockname len %u\n", name_of(x, 0, &b));
	close(x);
	x = socket(AF_UNIX, SOCK_STREAM, 0);
	TRY("bind addrlen too long", bind(x, SA(&a), sizeof a + 1));
	TRY("bind addrlen 1", bind(x, SA(&a), 1));
	close(open("plain.txt", O_CREAT | O_WRONLY, 0644));
	al = path(&a, "plain.txt");
	TRY("bind over a regular file", bind(x, SA(&a), al));
	TRY("connect to a regular file", connect(x, SA(&a), al));
	al = path(&a, "missing.sock");
	TRY("connect to a missing path", connect(x, SA(&a), al));
	al = path(&a, "nodir/x.sock");
	TRY("bind in a missing directory", bind(x, SA(&a), al));
	close(x);

	printf("-- datagrams by path\n");
	al = path(&a, "dgram.sock");
	int r = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(r, SA(&a), al);
	int u = socket(AF_UNIX, SOCK_DGRAM, 0);
	TRY("sendto from an unnamed socket", sendto(u, "anon", 4, 0, SA(&a), al));
	pl = sizeof pa;
	memset(&pa, 0x55, sizeof pa);
	TRY("recvfrom", recvfrom(r, buf, sizeof buf, 0, SA(&pa), &pl));
	printf("from len %u\n", pl);
	socklen_t bl = path(&b, "sender.sock");
	bind(u, SA(&b), bl);
	sendto(u, "named", 5, 0, SA(&a), al);
	pl = sizeof pa;
	TRY("recvfrom a named sender", recvfrom(r, buf, sizeof buf, 0, SA(&pa), &pl));
	printf("from len %u path %s\n", pl, pl > 2 ? pa.sun_path : "");
	TRY("send unconnected without address", send(u, "x", 1, 0));
	TRY("connect", connect(u, SA(&a), al));
	TRY("send connected", send(u, "one", 3, 0));
	TRY("send connected", send(u, "three", 5, 0));
	TRY("recv keeps boundaries", recv(r, buf, sizeof buf, 0));
	TRY("recv keeps boundaries", recv(r, buf, sizeof buf, 0));
	close(r);
	TRY("send after the receiver closed", send(u, "x", 1, 0));
	int w = socket(AF_UNIX, SOCK_DGRAM, 0);
	TRY("sendto a path whose socket closed", sendto(w, "x", 1, 0, SA(&a), al));
	al = path(&a, "missing.sock");
	TRY("sendto a missing path", sendto(w, "x", 1, 0, SA(&a), al));
	close(u);
	close(w);

	printf("-- seqpacket by path\n");
	al = path(&a, "seq.sock");
	l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	bind(l, SA(&a), al);
	listen(l, 1);
	c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
	TRY("connect", connect(c, SA(&a), al));
	s = accept(l, NULL, NULL);
	send(c, "first", 5, 0);
	send(c, "second", 6, 0);
	TRY("recv", recv(s, buf, sizeof buf, 0));
	TRY("recv", recv(s, buf, sizeof buf, 0));
	TRY("stream socket to a seqpacket listener", connect(socket(AF_UNIX, SOCK_STREAM, 0), SA(&a), al));
	close(s);
	close(c);
	close(l);
}

static void abstracts(void) {
	printf("== abstract and autobind\n");
	struct sockaddr_un a, b;
	socklen_t al = abstract(&a, "stream");
	int l = socket(AF_UNIX, SOCK_STREAM, 0);
	TRY("bind abstract", bind(l, SA(&a), al));
	socklen_t n = name_of(l, 0, &b);
	printf("getsockname same length %s same bytes %s\n", yes(n == al), yes(n == al && memcmp(&a, &b, al) == 0));
	listen(l, 2);
	int x = socket(AF_UNIX, SOCK_STREAM, 0);
	TRY("bind it again", bind(x, SA(&a), al));
	int c = socket(AF_UNIX, SOCK_STREAM, 0);
	TRY("connect", connect(c, SA(&a), al));
	n = name_of(c, 1, &b);
	printf("client getpeername same %s\n", yes(n == al && memcmp(&a, &b, al) == 0));
	int s = accept(l, NULL, NULL);
	send(c, "abs", 3, 0);
	char buf[16];
	TRY("recv", recv(s, buf, sizeof buf, 0));
	TRY("connect to a longer name", connect(x, SA(&a), al + 1));
	close(s);
	close(c);
	close(l);
	TRY("bind the name once its socket closed", bind(x, SA(&a), al));
	close(x);
	x = socket(AF_UNIX, SOCK_STREAM, 0);
	al = abstract(&a, "nobody");
	TRY("connect to an unbound name", connect(x, SA(&a), al));
	close(x);

	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	TRY("autobind", bind(d, SA(&a), sizeof(sa_family_t)));
	n = name_of(d, 0, &b);
	int hex = 1;
	for (int i = 1; i < 6; i++)
		hex &= (b.sun_path[i] >= '0' && b.sun_path[i] <= '9') || (b.sun_path[i] >= 'a' && b.sun_path[i] <= 'f');
	printf("autobound: len %u leading NUL %s five hex digits %s\n", n, yes(b.sun_path[0] == 0), yes(hex));
	int e = socket(AF_UNIX, SOCK_DGRAM, 0);
	sendto(e, "to auto", 7, 0, SA(&b), n);
	TRY("recv on the autobound name", recv(d, buf, sizeof buf, MSG_DONTWAIT));
	close(d);
	close(e);
	l = socket(AF_UNIX, SOCK_STREAM, 0);
	al = abstract(&a, "passcred");
	bind(l, SA(&a), al);
	listen(l, 1);
	c = socket(AF_UNIX, SOCK_STREAM, 0);
	setsockopt(c, SOL_SOCKET, SO_PASSCRED, &(int){1}, sizeof(int));
	connect(c, SA(&a), al);
	printf("SO_PASSCRED client is autobound on connect: len %u\n", name_of(c, 0, &b));
	close(c);
	close(l);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	pairs();
	paths();
	abstracts();
	return 0;
}
