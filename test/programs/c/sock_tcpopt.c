// TCP-level options and socket ioctls on a loopback connection: the
// keepalive timers, TCP_MAXSEG, TCP_CORK, TCP_QUICKACK, TCP_USER_TIMEOUT,
// TCP_DEFER_ACCEPT (rounded as Linux rounds it), TCP_CONGESTION as a
// string, TCP_INFO's state, TCP_NOTSENT_LOWAT, TCP_FASTOPEN on
// a listener, SO_SNDLOWAT (not settable), and SIOCINQ/SIOCOUTQ/SIOCATMARK.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *ename(int e) {
	static char buf[32];
	switch (e) {
	case 0: return "ok";
	case EINVAL: return "EINVAL";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case ENOENT: return "ENOENT";
	case EPERM: return "EPERM";
	}
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

static void opt(const char *what, int fd, int level, int o, int v) {
	int got = -1;
	socklen_t l = sizeof got;
	errno = 0;
	int r = setsockopt(fd, level, o, &v, sizeof v);
	const char *res = r < 0 ? ename(errno) : "ok";
	errno = 0;
	int g = getsockopt(fd, level, o, &got, &l);
	printf("%s = %d: %s, reads %d (%s, len %u)\n", what, v, res, got, g < 0 ? ename(errno) : "ok", l);
}

static int ioc(int fd, unsigned long req) {
	int v = -1;
	errno = 0;
	if (ioctl(fd, req, &v) < 0)
		return -1000 - errno;
	return v;
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(l, (struct sockaddr *)&a, sizeof a);
	socklen_t al = sizeof a;
	getsockname(l, (struct sockaddr *)&a, &al);
	opt("TCP_DEFER_ACCEPT", l, IPPROTO_TCP, TCP_DEFER_ACCEPT, 5);
	opt("TCP_FASTOPEN", l, IPPROTO_TCP, TCP_FASTOPEN, 16);
	listen(l, 4);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	printf("defaults: KEEPIDLE %d KEEPINTVL %d KEEPCNT %d\n", ({ int v; socklen_t n = 4; getsockopt(c, IPPROTO_TCP, TCP_KEEPIDLE, &v, &n); v; }),
	       ({ int v; socklen_t n = 4; getsockopt(c, IPPROTO_TCP, TCP_KEEPINTVL, &v, &n); v; }),
	       ({ int v; socklen_t n = 4; getsockopt(c, IPPROTO_TCP, TCP_KEEPCNT, &v, &n); v; }));
	opt("TCP_KEEPIDLE", c, IPPROTO_TCP, TCP_KEEPIDLE, 15);
	opt("TCP_KEEPINTVL", c, IPPROTO_TCP, TCP_KEEPINTVL, 5);
	opt("TCP_KEEPCNT", c, IPPROTO_TCP, TCP_KEEPCNT, 3);
	opt("TCP_KEEPIDLE", c, IPPROTO_TCP, TCP_KEEPIDLE, 0);
	opt("TCP_USER_TIMEOUT", c, IPPROTO_TCP, TCP_USER_TIMEOUT, 30000);
	opt("TCP_USER_TIMEOUT", c, IPPROTO_TCP, TCP_USER_TIMEOUT, -1);
	opt("TCP_MAXSEG", c, IPPROTO_TCP, TCP_MAXSEG, 1000);
	opt("TCP_NOTSENT_LOWAT", c, IPPROTO_TCP, TCP_NOTSENT_LOWAT, 16384);
	opt("SO_SNDLOWAT", c, SOL_SOCKET, SO_SNDLOWAT, 100);
	opt("SO_RCVLOWAT", c, SOL_SOCKET, SO_RCVLOWAT, 0);
	char cc[32] = {0};
	socklen_t ccl = sizeof cc;
	getsockopt(c, IPPROTO_TCP, TCP_CONGESTION, cc, &ccl);
	printf("TCP_CONGESTION is a name: %s\n", cc[0] >= 'a' && cc[0] <= 'z' ? "yes" : "no");
	errno = 0;
	int r = setsockopt(c, IPPROTO_TCP, TCP_CONGESTION, "no-such-cc", 10);
	printf("TCP_CONGESTION no-such-cc: %s\n", r < 0 ? ename(errno) : "ok");
	struct tcp_info ti;
	socklen_t til = sizeof ti;
	getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &til);
	printf("TCP_INFO unconnected: state %d (TCP_CLOSE 7)\n", ti.tcpi_state);
	connect(c, (struct sockaddr *)&a, sizeof a);
	send(c, "hello", 5, 0);
	struct pollfd p = {l, POLLIN, 0};
	poll(&p, 1, 5000);
	int s = accept(l, NULL, NULL);
	til = sizeof ti;
	getsockopt(c, IPPROTO_TCP, TCP_INFO, &ti, &til);
	// Only the state: qemu 7.2 copies 4 bytes of TCP_INFO and reports 4.
	printf("TCP_INFO connected: state %d (ESTABLISHED 1)\n", ti.tcpi_state);
	opt("TCP_CORK", c, IPPROTO_TCP, TCP_CORK, 1);
	opt("TCP_CORK", c, IPPROTO_TCP, TCP_CORK, 0);
	opt("TCP_QUICKACK", s, IPPROTO_TCP, TCP_QUICKACK, 1);
	p = (struct pollfd){s, POLLIN, 0};
	poll(&p, 1, 5000);
	printf("SIOCINQ %d SIOCATMARK %d\n", ioc(s, SIOCINQ), ioc(s, SIOCATMARK));
	char buf[8];
	recv(s, buf, sizeof buf, 0);
	printf("after reading: SIOCINQ %d\n", ioc(s, SIOCINQ));
	int waited = 0;
	while (ioc(c, SIOCOUTQ) != 0 && waited++ < 500)
		usleep(10000);
	// (qemu 7.2 does not pass SIOCOUTQNSD.)
	printf("SIOCOUTQ once acknowledged: %d\n", ioc(c, SIOCOUTQ));
	send(c, "!", 1, MSG_OOB);
	p = (struct pollfd){s, POLLPRI, 0};
	poll(&p, 1, 5000);
	printf("urgent byte pending: SIOCATMARK %d\n", ioc(s, SIOCATMARK));
	printf("SIOCINQ on the listener: %d\n", ioc(l, SIOCINQ));
	return 0;
}
