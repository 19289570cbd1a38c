// TCP over 127.0.0.1 and ::1: bind/listen/accept4/connect and the names
// each end sees, send/recv with MSG_PEEK, MSG_DONTWAIT and MSG_WAITALL,
// half-close, the socket options with their Linux defaults and readback
// (buffers doubled, timeouts, linger, IPV6_V6ONLY and v4-mapped peers),
// non-blocking connect (completed and refused), EPIPE/SIGPIPE, and the
// errno of each misuse. Ports are never printed, only compared.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e) {
	static char buf[32];
	switch (e) {
	case 0: return "ok";
	case EAGAIN: return "EAGAIN";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case EPIPE: return "EPIPE";
	case ENOTSOCK: return "ENOTSOCK";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case EADDRINUSE: return "EADDRINUSE";
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case ENOTCONN: return "ENOTCONN";
	case EISCONN: return "EISCONN";
	case EINPROGRESS: return "EINPROGRESS";
	case EALREADY: return "EALREADY";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case EFAULT: return "EFAULT";
	}
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

// say prints a call's outcome: "ok" or its errno (values that vary, such
// as fds, are never printed).
static void say(const char *what, long r) {
	if (r < 0)
		printf("%s: -1 %s\n", what, ename(errno));
	else
		printf("%s: ok\n", what);
}
#define TRY(what, expr) do { errno = 0; say(what, (long)(expr)); } while (0)

static socklen_t loopback(int fam, struct sockaddr_storage *ss, int port) {
	memset(ss, 0, sizeof *ss);
	if (fam == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;
		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		s->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof *s;
	}
	struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
	s->sin6_family = AF_INET6;
	s->sin6_port = htons(port);
	s->sin6_addr = in6addr_loopback;
	return sizeof *s;
}

static int port(const struct sockaddr_storage *ss) {
	return ss->ss_family == AF_INET ? ntohs(((struct sockaddr_in *)ss)->sin_port)
	                                : ntohs(((struct sockaddr_in6 *)ss)->sin6_port);
}

static const char *yes(int b) { return b ? "yes" : "no"; }

static int geti(int fd, int level, int opt, socklen_t *len) {
	int v = -12345;
	socklen_t l = sizeof v;
	errno = 0;
	if (getsockopt(fd, level, opt, &v, &l) < 0)
		return -1000 - errno;
	if (len)
		*len = l;
	return v;
}

static void seti(int fd, int level, int opt, int v) { setsockopt(fd, level, opt, &v, sizeof v); }

static void name_of(int fd, int peer, struct sockaddr_storage *ss, socklen_t *len) {
	*len = sizeof *ss;
	memset(ss, 0, sizeof *ss);
	if ((peer ? getpeername : getsockname)(fd, (struct sockaddr *)ss, len) < 0)
		*len = 0;
}

static int waitall_fd;
static void *trickle(void *arg) {
	send(waitall_fd, "abc", 3, 0);
	usleep(50000);
	send(waitall_fd, "defghij", 7, 0);
	return arg;
}

static int sigpipes;
static void on_pipe(int s) { (void)s; sigpipes++; }

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void family(int fam) {
	printf("== %s\n", fam == AF_INET ? "AF_INET" : "AF_INET6");
	struct sockaddr_storage a, b, c;
	socklen_t alen = loopback(fam, &a, 0), blen, clen;
	int l = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);
	socklen_t ol = 0;
	printf("SO_ACCEPTCONN before listen: %d\n", geti(l, SOL_SOCKET, SO_ACCEPTCONN, NULL));
	printf("SO_REUSEADDR default: %d\n", geti(l, SOL_SOCKET, SO_REUSEADDR, NULL));
	seti(l, SOL_SOCKET, SO_REUSEADDR, 1);
	printf("SO_REUSEADDR set: %d\n", geti(l, SOL_SOCKET, SO_REUSEADDR, NULL));
	printf("SO_REUSEPORT default: %d\n", geti(l, SOL_SOCKET, SO_REUSEPORT, NULL));
	TRY("bind", bind(l, (struct sockaddr *)&a, alen));
	name_of(l, 0, &b, &blen);
	printf("getsockname len is the address size: %s, port assigned: %s, family same: %s\n",
	       yes(blen == alen), yes(port(&b) != 0), yes(b.ss_family == fam));
	TRY("listen", listen(l, 8));
	printf("SO_ACCEPTCONN listening: %d\n", geti(l, SOL_SOCKET, SO_ACCEPTCONN, &ol));
	printf("int option length: %u\n", ol);
	printf("SO_TYPE %d SO_DOMAIN is family %s SO_PROTOCOL %d SO_ERROR %d\n", geti(l, SOL_SOCKET, SO_TYPE, NULL),
	       yes(geti(l, SOL_SOCKET, SO_DOMAIN, NULL) == fam), geti(l, SOL_SOCKET, SO_PROTOCOL, NULL),
	       geti(l, SOL_SOCKET, SO_ERROR, NULL));

	int x = socket(fam, SOCK_STREAM, 0);
	TRY("bind to the listener's address", bind(x, (struct sockaddr *)&b, blen));
	close(x);

	int cl = socket(fam, SOCK_STREAM, 0);
	errno = 0;
	name_of(cl, 1, &c, &clen);
	printf("getpeername unconnected: len %u %s\n", clen, ename(errno));
	TRY("recv unconnected", recv(cl, &c, 1, MSG_DONTWAIT));
	// Linux fails the shutdown but records it all the same.
	x = socket(fam, SOCK_STREAM, 0);
	TRY("shutdown(SHUT_RD) unconnected", shutdown(x, SHUT_RD));
	errno = 0;
	printf("then recv: %zd %s\n", recv(x, &c, 1, MSG_DONTWAIT), ename(errno));
	close(x);
	TRY("connect", connect(cl, (struct sockaddr *)&b, blen));
	TRY("connect again", connect(cl, (struct sockaddr *)&b, blen));
	TRY("listen on a connected socket", listen(cl, 1));
	struct sockaddr_storage pa;
	socklen_t palen = sizeof pa;
	int s = accept4(l, (struct sockaddr *)&pa, &palen, SOCK_NONBLOCK | SOCK_CLOEXEC);
	say("accept4", s);
	name_of(cl, 0, &c, &clen);
	printf("accepted peer len ok %s, peer port is the client's %s, client bound to loopback %s\n", yes(palen == alen),
	       yes(port(&pa) == port(&c)), yes(clen == alen && memcmp(&c, &pa, alen) == 0));
	printf("accept4 flags: nonblock %s cloexec %s\n", yes(fcntl(s, F_GETFL) & O_NONBLOCK),
	       yes(fcntl(s, F_GETFD) & FD_CLOEXEC));
	name_of(cl, 1, &c, &clen);
	printf("client's peer is the listener: %s\n", yes(clen == blen && memcmp(&c, &b, blen) == 0));
	name_of(s, 0, &c, &clen);
	printf("server end's name is the listener's: %s\n", yes(clen == blen && memcmp(&c, &b, blen) == 0));
	TRY("accept on a connected socket", accept(cl, NULL, NULL));

	char buf[64] = {0};
	TRY("recv MSG_DONTWAIT empty", recv(cl, buf, sizeof buf, MSG_DONTWAIT));
	TRY("recv on a non-blocking socket, empty", recv(s, buf, sizeof buf, 0));
	send(cl, "hello world", 11, 0);
	ssize_t n = recv(s, buf, 5, MSG_PEEK | MSG_WAITALL);
	printf("peek: %zd %.5s\n", n, buf);
	memset(buf, 0, sizeof buf);
	n = recv(s, buf, 11, MSG_WAITALL);
	printf("recv: %zd %.11s\n", n, buf);

	waitall_fd = s;
	pthread_t th;
	pthread_create(&th, NULL, trickle, NULL);
	memset(buf, 0, sizeof buf);
	n = recv(cl, buf, 10, MSG_WAITALL);
	printf("MSG_WAITALL across two sends: %zd %.10s\n", n, buf);
	pthread_join(th, NULL);

	TRY("shutdown(SHUT_WR)", shutdown(cl, SHUT_WR));
	struct pollfd p = {s, POLLIN, 0};
	poll(&p, 1, 5000);
	n = recv(s, buf, sizeof buf, 0);
	printf("server reads after client SHUT_WR: %zd\n", n);
	send(s, "back", 4, 0);
	memset(buf, 0, sizeof buf);
	n = recv(cl, buf, 4, MSG_WAITALL);
	printf("half-closed client still reads: %zd %.4s\n", n, buf);
	TRY("send after own SHUT_WR, MSG_NOSIGNAL", send(cl, "x", 1, MSG_NOSIGNAL));
	printf("sigpipes: %d\n", sigpipes);
	TRY("send after own SHUT_WR", send(cl, "x", 1, 0));
	printf("sigpipes: %d\n", sigpipes);
	close(cl);
	p = (struct pollfd){s, POLLIN, 0};
	poll(&p, 1, 5000);
	printf("recv after the peer closed: %zd\n", recv(s, buf, sizeof buf, 0));
	close(s);

	// Options on a fresh socket.
	int o = socket(fam, SOCK_STREAM, 0);
	printf("TCP_NODELAY default %d", geti(o, IPPROTO_TCP, TCP_NODELAY, NULL));
	seti(o, IPPROTO_TCP, TCP_NODELAY, 1);
	printf(" set %d\n", geti(o, IPPROTO_TCP, TCP_NODELAY, NULL));
	printf("SO_KEEPALIVE default %d", geti(o, SOL_SOCKET, SO_KEEPALIVE, NULL));
	seti(o, SOL_SOCKET, SO_KEEPALIVE, 5);
	printf(" set 5 reads %d\n", geti(o, SOL_SOCKET, SO_KEEPALIVE, NULL));
	seti(o, SOL_SOCKET, SO_REUSEPORT, 1);
	printf("SO_REUSEPORT set %d\n", geti(o, SOL_SOCKET, SO_REUSEPORT, NULL));
	seti(o, SOL_SOCKET, SO_RCVBUF, 4096);
	seti(o, SOL_SOCKET, SO_SNDBUF, 8192);
	printf("SO_RCVBUF set 4096 reads %d, SO_SNDBUF set 8192 reads %d\n", geti(o, SOL_SOCKET, SO_RCVBUF, NULL),
	       geti(o, SOL_SOCKET, SO_SNDBUF, NULL));
	struct linger lg = {7, 7};
	socklen_t lglen = sizeof lg;
	getsockopt(o, SOL_SOCKET, SO_LINGER, &lg, &lglen);
	printf("SO_LINGER default {%d %d} len %u", lg.l_onoff, lg.l_linger, lglen);
	lg = (struct linger){1, 5};
	setsockopt(o, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
	lg = (struct linger){7, 7};
	getsockopt(o, SOL_SOCKET, SO_LINGER, &lg, &lglen);
	printf(", set {1 5} reads {%d %d}\n", lg.l_onoff, lg.l_linger);
	struct timeval tv = {9, 9};
	socklen_t tvlen = sizeof tv;
	getsockopt(o, SOL_SOCKET, SO_RCVTIMEO, &tv, &tvlen);
	printf("SO_RCVTIMEO default {%ld %ld} len %u\n", (long)tv.tv_sec, (long)tv.tv_usec, tvlen);
	if (fam == AF_INET6) {
		printf("IPV6_V6ONLY default %d", geti(o, IPPROTO_IPV6, IPV6_V6ONLY, NULL));
		seti(o, IPPROTO_IPV6, IPV6_V6ONLY, 1);
		printf(" set %d\n", geti(o, IPPROTO_IPV6, IPV6_V6ONLY, NULL));
	} else {
		TRY("IPV6_V6ONLY on AF_INET", setsockopt(o, IPPROTO_IPV6, IPV6_V6ONLY, &(int){1}, sizeof(int)));
	}
	TRY("setsockopt short optlen", setsockopt(o, SOL_SOCKET, SO_KEEPALIVE, &(int){1}, 2));
	printf("getsockopt unknown option: %d\n", geti(o, SOL_SOCKET, 12345, NULL) + 1000 == -ENOPROTOOPT);
	printf("getsockopt unknown level: %d\n", geti(o, 250, 1, NULL) + 1000 == -ENOPROTOOPT ||
	       geti(o, 250, 1, NULL) + 1000 == -EOPNOTSUPP);
	close(o);

	// A receive timeout.
	cl = socket(fam, SOCK_STREAM, 0);
	connect(cl, (struct sockaddr *)&b, blen);
	s = accept(l, NULL, NULL);
	tv = (struct timeval){0, 100000};
	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	tv = (struct timeval){0, 0};
	getsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, &tvlen);
	printf("SO_RCVTIMEO reads {%ld %ld}\n", (long)tv.tv_sec, (long)tv.tv_usec);
	double t0 = now();
	TRY("recv with a 100ms timeout", recv(s, buf, sizeof buf, 0));
	printf("waited at least 90ms: %s\n", yes(now() - t0 >= 0.09));

	// Peer closed: the first send is accepted, the reset answers it, then EPIPE.
	close(s);
	usleep(20000);
	TRY("send to a closed peer", send(cl, "a", 1, 0));
	usleep(50000);
	TRY("send after the reset", send(cl, "b", 1, 0));
	TRY("send again", send(cl, "c", 1, 0));
	printf("sigpipes: %d\n", sigpipes);
	TRY("send again, MSG_NOSIGNAL", send(cl, "d", 1, MSG_NOSIGNAL));
	printf("sigpipes: %d\n", sigpipes);
	close(cl);

	// Non-blocking connect: completes, then refused by a bound port that
	// does not listen.
	cl = socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	TRY("non-blocking connect", connect(cl, (struct sockaddr *)&b, blen));
	p = (struct pollfd){cl, POLLOUT, 0};
	int pr = poll(&p, 1, 5000);
	printf("poll: %d revents %#x SO_ERROR %d\n", pr, p.revents, geti(cl, SOL_SOCKET, SO_ERROR, NULL));
	TRY("connect once connected", connect(cl, (struct sockaddr *)&b, blen));
	close(cl);
	close(accept(l, NULL, NULL));
	int dead = socket(fam, SOCK_STREAM, 0);
	loopback(fam, &c, 0);
	bind(dead, (struct sockaddr *)&c, alen);
	name_of(dead, 0, &c, &clen);
	cl = socket(fam, SOCK_STREAM, 0);
	TRY("connect to a port with no listener", connect(cl, (struct sockaddr *)&c, clen));
	close(cl);
	cl = socket(fam, SOCK_STREAM | SOCK_NONBLOCK, 0);
	TRY("non-blocking connect, no listener", connect(cl, (struct sockaddr *)&c, clen));
	p = (struct pollfd){cl, POLLOUT, 0};
	pr = poll(&p, 1, 5000);
	int e1 = geti(cl, SOL_SOCKET, SO_ERROR, NULL);
	printf("poll: %d revents %#x SO_ERROR %s, then %d\n", pr, p.revents, ename(e1), geti(cl, SOL_SOCKET, SO_ERROR, NULL));
	close(cl);
	close(dead);

	// Address errors.
	x = socket(fam, SOCK_STREAM, 0);
	TRY("bind addrlen 3", bind(x, (struct sockaddr *)&a, 3));
	struct sockaddr_storage w;
	socklen_t wlen = loopback(fam == AF_INET ? AF_INET6 : AF_INET, &w, 0);
	TRY("bind the other family's address", bind(x, (struct sockaddr *)&w, wlen));
	TRY("connect addrlen 3", connect(x, (struct sockaddr *)&b, 3));
	TRY("bind", bind(x, (struct sockaddr *)&a, alen));
	TRY("bind twice", bind(x, (struct sockaddr *)&a, alen));
	TRY("accept without listen", accept(x, NULL, NULL));
	close(x);
	close(l);
}

// v4mapped: an AF_INET6 listener on :: takes IPv4 connections unless
// IPV6_V6ONLY, and names their peers ::ffff:127.0.0.1.
static void v4mapped(void) {
	printf("== v4-mapped\n");
	for (int only = 0; only < 2; only++) {
		int l = socket(AF_INET6, SOCK_STREAM, 0);
		seti(l, IPPROTO_IPV6, IPV6_V6ONLY, only);
		struct sockaddr_in6 any = {.sin6_family = AF_INET6, .sin6_addr = in6addr_any};
		bind(l, (struct sockaddr *)&any, sizeof any);
		listen(l, 4);
		struct sockaddr_storage n;
		socklen_t nlen;
		name_of(l, 0, &n, &nlen);
		struct sockaddr_storage v4;
		socklen_t v4len = loopback(AF_INET, &v4, port(&n));
		int c = socket(AF_INET, SOCK_STREAM, 0);
		errno = 0;
		int r = connect(c, (struct sockaddr *)&v4, v4len);
		printf("V6ONLY %d: IPv4 connect %s", only, r < 0 ? ename(errno) : "ok");
		if (r == 0) {
			struct sockaddr_in6 pa;
			socklen_t palen = sizeof pa;
			int s = accept(l, (struct sockaddr *)&pa, &palen);
			char txt[64];
			inet_ntop(AF_INET6, &pa.sin6_addr, txt, sizeof txt);
			printf(", peer %s len %u", txt, palen);
			close(s);
		}
		printf("\n");
		close(c);
		close(l);
	}
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, on_pipe);
	family(AF_INET);
	family(AF_INET6);
	v4mapped();
	printf("== errors\n");
	TRY("socket(12345)", socket(12345, SOCK_STREAM, 0));
	TRY("socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)", socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
	int pp[2];
	pipe(pp);
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	TRY("getsockname on a pipe", getsockname(pp[0], (struct sockaddr *)&ss, &sl));
	TRY("send on a pipe", send(pp[1], "x", 1, 0));
	int v;
	TRY("getsockopt on a pipe", getsockopt(pp[0], SOL_SOCKET, SO_TYPE, &v, &sl));
	TRY("getsockname on fd 999", getsockname(999, (struct sockaddr *)&ss, &sl));
	TRY("setsockopt on fd -1", setsockopt(-1, SOL_SOCKET, SO_KEEPALIVE, &sl, sizeof sl));
	return 0;
}
