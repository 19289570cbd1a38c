// Blocked socket calls and what wakes them: shutdown from another thread
// (a blocked accept gets EINVAL, a blocked recv end of file), a full send
// buffer (SO_SNDTIMEO, POLLOUT only after the peer drains it, a blocking
// send that completes as a thread reads), a full AF_UNIX backlog (a
// non-blocking connect EAGAIN, a blocking one that waits for accept),
// SO_RCVTIMEO on accept, MSG_WAITALL cut short by end of file, and
// SO_RCVLOWAT as poll and recv see it.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e) {
	static char buf[32];
	switch (e) {
	case 0: return "ok";
	case EAGAIN: return "EAGAIN";
	case EINVAL: return "EINVAL";
	case EINTR: return "EINTR";
	case ECONNABORTED: return "ECONNABORTED";
	case ENOTCONN: return "ENOTCONN";
	}
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

static const char *yes(int b) { return b ? "yes" : "no"; }

static double now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void timeout(int fd, int opt, long usec) {
	struct timeval tv = {usec / 1000000, usec % 1000000};
	setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof tv);
}

// A blocked call in a thread, its result and errno.
struct call {
	int fd, op;
	long n, err;
	size_t len;
	char *buf;
};

static void *run(void *arg) {
	struct call *c = arg;
	errno = 0;
	switch (c->op) {
	case 0: c->n = accept(c->fd, NULL, NULL); break;
	case 1: c->n = recv(c->fd, c->buf, c->len, 0); break;
	case 2: c->n = recv(c->fd, c->buf, c->len, MSG_WAITALL); break;
	case 3: c->n = send(c->fd, c->buf, c->len, 0); break;
	}
	c->err = errno;
	return NULL;
}

static pthread_t start(struct call *c) {
	pthread_t t;
	pthread_create(&t, NULL, run, c);
	usleep(100000);
	return t;
}

static void finish(pthread_t t, struct call *c, const char *what) {
	pthread_join(t, NULL);
	printf("%s: %ld %s\n", what, c->n < 0 ? -1 : c->n, c->n < 0 ? ename(c->err) : "ok");
}

static int drain_all(int fd) {
	char buf[65536];
	long total = 0, n;
	while ((n = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0)
		total += n;
	return total > 0;
}

static int tcp_listener(struct sockaddr_in *a) {
	int l = socket(AF_INET, SOCK_STREAM, 0);
	*a = (struct sockaddr_in){.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(l, (struct sockaddr *)a, sizeof *a);
	socklen_t n = sizeof *a;
	getsockname(l, (struct sockaddr *)a, &n);
	listen(l, 8);
	return l;
}

static void *slow_reader(void *arg) {
	int fd = *(int *)arg;
	char buf[4096];
	long total = 0, n;
	usleep(50000);
	while ((n = recv(fd, buf, sizeof buf, 0)) > 0)
		total += n;
	*(long *)arg = total;
	return NULL;
}

// fill fills a's send buffer towards b (small buffers for AF_UNIX), then
// checks a blocking 4 MiB send from a2 to b2 while a thread reads.
static void fill(const char *kind, int a, int b, int a2, int b2, int shrink) {
	printf("-- full send buffer, %s\n", kind);
	int small = 4096;
	if (shrink) {
		setsockopt(a, SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
		setsockopt(b, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
	}
	char *chunk = calloc(1, 4 << 20);
	long n, sent = 0;
	while ((n = send(a, chunk, 1 << 16, MSG_DONTWAIT)) > 0)
		sent += n;
	printf("filled without blocking: %s, then %s\n", yes(sent > 0), ename(errno));
	usleep(50000);
	while (send(a, chunk, 1 << 16, MSG_DONTWAIT) > 0)
		;
	printf("poll POLLOUT on the full socket: %d\n", poll(&(struct pollfd){a, POLLOUT, 0}, 1, 0));
	timeout(a, SO_SNDTIMEO, 100000);
	double t0 = now();
	errno = 0;
	n = send(a, chunk, 1, 0);
	printf("blocking send with SO_SNDTIMEO 100ms: %ld %s, waited %s\n", n, ename(errno), yes(now() - t0 >= 0.09));
	int writable = 0;
	for (int i = 0; i < 500 && !writable; i++) {
		drain_all(b);
		writable = poll(&(struct pollfd){a, POLLOUT, 0}, 1, 10) == 1;
	}
	printf("writable once the peer reads: %s\n", yes(writable));
	long got = b2;
	pthread_t t;
	pthread_create(&t, NULL, slow_reader, &got);
	n = send(a2, chunk, 4 << 20, 0);
	shutdown(a2, SHUT_WR);
	pthread_join(t, NULL);
	printf("blocking 4 MiB send while a thread reads: %ld, reader got %ld\n", n, got);
	free(chunk);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGPIPE, SIG_IGN);
	struct sockaddr_in a;
	char buf[64];

	printf("== shutdown wakes a blocked call\n");
	int l = tcp_listener(&a);
	struct call c = {.fd = l, .op = 0};
	pthread_t t = start(&c);
	shutdown(l, SHUT_RDWR);
	finish(t, &c, "TCP accept, listener shut down");
	close(l);
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	c = (struct call){.fd = sv[0], .op = 1, .buf = buf, .len = sizeof buf};
	t = start(&c);
	shutdown(sv[0], SHUT_RD);
	finish(t, &c, "unix recv, own SHUT_RD");
	close(sv[0]);
	close(sv[1]);
	l = tcp_listener(&a);
	int k = socket(AF_INET, SOCK_STREAM, 0);
	connect(k, (struct sockaddr *)&a, sizeof a);
	int s = accept(l, NULL, NULL);
	c = (struct call){.fd = s, .op = 1, .buf = buf, .len = sizeof buf};
	t = start(&c);
	shutdown(s, SHUT_RD);
	finish(t, &c, "TCP recv, own SHUT_RD");
	c = (struct call){.fd = k, .op = 2, .buf = buf, .len = 10};
	t = start(&c);
	send(s, "abc", 3, 0);
	usleep(50000);
	shutdown(s, SHUT_WR);
	finish(t, &c, "TCP MSG_WAITALL for 10, peer sends 3 then SHUT_WR");
	close(k);
	close(s);

	printf("== timeouts and low-water marks\n");
	timeout(l, SO_RCVTIMEO, 100000);
	double t0 = now();
	errno = 0;
	int r = accept(l, NULL, NULL);
	printf("accept with SO_RCVTIMEO 100ms: %d %s, waited %s\n", r, ename(errno), yes(now() - t0 >= 0.09));
	k = socket(AF_INET, SOCK_STREAM, 0);
	connect(k, (struct sockaddr *)&a, sizeof a);
	s = accept(l, NULL, NULL);
	int low = 5;
	setsockopt(s, SOL_SOCKET, SO_RCVLOWAT, &low, sizeof low);
	send(k, "abc", 3, 0);
	usleep(50000);
	printf("SO_RCVLOWAT 5, 3 bytes queued: poll %d\n", poll(&(struct pollfd){s, POLLIN, 0}, 1, 0));
	send(k, "defg", 4, 0);
	printf("7 bytes queued: poll %d\n", poll(&(struct pollfd){s, POLLIN, 0}, 1, 5000));
	printf("recv: %zd\n", recv(s, buf, sizeof buf, 0));
	close(k);
	close(s);

	printf("== AF_UNIX backlog\n");
	struct sockaddr_un u = {.sun_family = AF_UNIX, .sun_path = "backlog.sock"};
	int ul = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(ul, (struct sockaddr *)&u, sizeof u);
	listen(ul, 0);
	int c1 = socket(AF_UNIX, SOCK_STREAM, 0);
	errno = 0;
	printf("first connect: %s\n", connect(c1, (struct sockaddr *)&u, sizeof u) < 0 ? ename(errno) : "ok");
	int c2 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	errno = 0;
	printf("second, non-blocking: %s\n", connect(c2, (struct sockaddr *)&u, sizeof u) < 0 ? ename(errno) : "ok");
	int c3 = socket(AF_UNIX, SOCK_STREAM, 0);
	timeout(c3, SO_SNDTIMEO, 100000);
	t0 = now();
	errno = 0;
	r = connect(c3, (struct sockaddr *)&u, sizeof u);
	printf("blocking with SO_SNDTIMEO 100ms: %s, waited %s\n", r < 0 ? ename(errno) : "ok", yes(now() - t0 >= 0.09));
	timeout(c3, SO_SNDTIMEO, 0);
	c = (struct call){.fd = ul, .op = 0};
	pthread_create(&t, NULL, run, &c);
	usleep(20000);
	errno = 0;
	r = connect(c3, (struct sockaddr *)&u, sizeof u);
	pthread_join(t, NULL);
	printf("blocking, until a thread accepts: %s, accept %s\n", r < 0 ? ename(errno) : "ok", c.n >= 0 ? "ok" : ename(c.err));
	close(c1);
	close(c2);
	close(c3);
	close(ul);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	int sv2[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv2);
	fill("AF_UNIX", sv[0], sv[1], sv2[0], sv2[1], 1);
	k = socket(AF_INET, SOCK_STREAM, 0);
	connect(k, (struct sockaddr *)&a, sizeof a);
	s = accept(l, NULL, NULL);
	int k2 = socket(AF_INET, SOCK_STREAM, 0);
	connect(k2, (struct sockaddr *)&a, sizeof a);
	int s2 = accept(l, NULL, NULL);
	fill("TCP", k, s, k2, s2, 0);
	return 0;
}
