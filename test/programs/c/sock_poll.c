// Readiness of sockets through poll, select and epoll: fresh sockets, a
// listener with a pending connection, data, urgent data (POLLPRI), half
// and full close (POLLRDHUP, POLLHUP, POLLERR) for TCP and AF_UNIX,
// edge-triggered re-arming on new data, EPOLLOUT when a non-blocking
// connect completes or is refused, and blocking calls interrupted by a
// signal with and without SA_RESTART (a socket timeout defeats it).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *ename(int e) {
	switch (e) {
	case 0: return "ok";
	case EINTR: return "EINTR";
	case EAGAIN: return "EAGAIN";
	case EINPROGRESS: return "EINPROGRESS";
	case ECONNREFUSED: return "ECONNREFUSED";
	}
	return "other";
}

static const char *yes(int b) { return b ? "yes" : "no"; }

// revents is poll's answer for fd after waiting up to ms for any of
// events.
static int revents(int fd, short events, int ms) {
	struct pollfd p = {fd, events, 0};
	if (poll(&p, 1, ms) < 0)
		return -1;
	return p.revents;
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

static int epoll_one(int ep, int ms, const char *what) {
	struct epoll_event ev = {0};
	int n = epoll_wait(ep, &ev, 1, ms);
	printf("%s: epoll %d events %#x\n", what, n, n > 0 ? ev.events : 0);
	return n;
}

static int alarms;
static void on_alarm(int s) { (void)s; alarms++; }

static void arm(int restart) {
	struct sigaction sa = {.sa_handler = on_alarm, .sa_flags = restart ? SA_RESTART : 0};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = {.it_value = {0, 50000}};
	setitimer(ITIMER_REAL, &it, NULL);
}

// later forks a child that connects to a after 300ms (well after the
// 50ms alarm), sends a byte, another 300ms later a second, and waits for
// the parent to hang up.
static pid_t later(struct sockaddr_in *a) {
	pid_t c = fork();
	if (c == 0) {
		usleep(300000);
		int s = socket(AF_INET, SOCK_STREAM, 0);
		connect(s, (struct sockaddr *)a, sizeof *a);
		send(s, "z", 1, 0);
		usleep(300000);
		send(s, "y", 1, 0);
		char b;
		recv(s, &b, 1, 0);
		_exit(0);
	}
	return c;
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("== fresh sockets\n");
	int t = socket(AF_INET, SOCK_STREAM, 0), u = socket(AF_INET, SOCK_DGRAM, 0), x = socket(AF_UNIX, SOCK_STREAM, 0);
	short all = POLLIN | POLLOUT | POLLPRI | POLLRDHUP;
	printf("tcp %#x udp %#x unix stream %#x\n", revents(t, all, 0), revents(u, all, 0), revents(x, all, 0));
	close(t);
	close(u);
	close(x);

	printf("== listener\n");
	struct sockaddr_in a;
	int l = tcp_listener(&a);
	printf("idle listener: %#x\n", revents(l, all, 0));
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 1};
	epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev);
	epoll_one(ep, 0, "idle listener");
	int c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&a, sizeof a);
	printf("pending connection: %#x\n", revents(l, POLLIN, 5000));
	epoll_one(ep, 5000, "pending connection");
	fd_set rd, wr, ex;
	FD_ZERO(&rd);
	FD_SET(l, &rd);
	struct timeval tv = {5, 0};
	int n = select(l + 1, &rd, NULL, NULL, &tv);
	printf("select: %d listener readable %s\n", n, yes(FD_ISSET(l, &rd)));
	int s = accept(l, NULL, NULL);
	epoll_one(ep, 0, "accepted");
	epoll_ctl(ep, EPOLL_CTL_DEL, l, NULL);

	printf("== data\n");
	printf("connected, nothing sent: %#x\n", revents(c, all, 0));
	send(s, "data", 4, 0);
	printf("data arrived: %#x\n", revents(c, POLLIN, 5000) | revents(c, all, 0));
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(c, &rd);
	FD_SET(c, &wr);
	tv = (struct timeval){0, 0};
	n = select(c + 1, &rd, &wr, NULL, &tv);
	printf("select: %d readable %s writable %s\n", n, yes(FD_ISSET(c, &rd)), yes(FD_ISSET(c, &wr)));
	char buf[64];
	recv(c, buf, sizeof buf, 0);
	send(s, "!", 1, MSG_OOB);
	printf("urgent data: %#x\n", revents(c, POLLPRI, 5000));
	FD_ZERO(&ex);
	FD_SET(c, &ex);
	tv = (struct timeval){0, 0};
	n = select(c + 1, NULL, NULL, &ex, &tv);
	printf("select exceptfds: %d %s\n", n, yes(FD_ISSET(c, &ex)));
	ev = (struct epoll_event){.events = EPOLLPRI, .data.u32 = 2};
	epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
	epoll_one(ep, 0, "EPOLLPRI");
	epoll_ctl(ep, EPOLL_CTL_DEL, c, NULL);
	ssize_t r = recv(c, buf, 1, MSG_OOB);
	printf("recv MSG_OOB: %zd %c\n", r, buf[0]);

	printf("== edge-triggered\n");
	ev = (struct epoll_event){.events = EPOLLIN | EPOLLET, .data.u32 = 3};
	epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
	epoll_one(ep, 0, "nothing new");
	send(s, "a", 1, 0);
	epoll_one(ep, 5000, "first byte");
	epoll_one(ep, 0, "again, unread");
	send(s, "b", 1, 0);
	epoll_one(ep, 5000, "second byte re-arms");
	printf("read %zd\n", recv(c, buf, sizeof buf, 0));
	epoll_one(ep, 0, "drained");
	epoll_ctl(ep, EPOLL_CTL_DEL, c, NULL);

	printf("== half and full close, TCP\n");
	ev = (struct epoll_event){.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP, .data.u32 = 4};
	epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
	shutdown(s, SHUT_WR);
	printf("peer SHUT_WR: %#x\n", revents(c, POLLRDHUP, 5000) | revents(c, all, 0));
	epoll_one(ep, 0, "peer SHUT_WR");
	shutdown(c, SHUT_WR);
	revents(s, POLLRDHUP, 5000);
	printf("both directions shut: %#x\n", revents(c, all, 0));
	epoll_one(ep, 0, "both directions shut");
	close(c);
	close(s);
	c = socket(AF_INET, SOCK_STREAM, 0);
	connect(c, (struct sockaddr *)&a, sizeof a);
	s = accept(l, NULL, NULL);
	close(s);
	printf("peer closed: %#x\n", revents(c, POLLRDHUP, 5000) | revents(c, all, 0));
	send(c, "x", 1, MSG_NOSIGNAL);
	usleep(50000);
	printf("reset after sending to it: %#x\n", revents(c, all, 0));
	close(c);

	printf("== close, AF_UNIX\n");
	int sv[2];
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	printf("connected pair: %#x\n", revents(sv[0], all, 0));
	shutdown(sv[1], SHUT_WR);
	printf("peer SHUT_WR: %#x\n", revents(sv[0], all, 0));
	close(sv[1]);
	printf("peer closed: %#x\n", revents(sv[0], all, 0));
	ev = (struct epoll_event){.events = EPOLLIN | EPOLLRDHUP, .data.u32 = 5};
	epoll_ctl(ep, EPOLL_CTL_ADD, sv[0], &ev);
	epoll_one(ep, 0, "peer closed");
	close(sv[0]);
	socketpair(AF_UNIX, SOCK_DGRAM, 0, sv);
	close(sv[1]);
	printf("datagram pair, peer closed: %#x\n", revents(sv[0], all, 0));
	close(sv[0]);

	printf("== non-blocking connect\n");
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	errno = 0;
	printf("connect: %s\n", connect(c, (struct sockaddr *)&a, sizeof a) < 0 ? ename(errno) : "ok");
	ev = (struct epoll_event){.events = EPOLLOUT | EPOLLET, .data.u32 = 6};
	epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
	epoll_one(ep, 5000, "completed");
	close(accept(l, NULL, NULL));
	close(c);
	int dead = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in d = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(dead, (struct sockaddr *)&d, sizeof d);
	socklen_t dl = sizeof d;
	getsockname(dead, (struct sockaddr *)&d, &dl);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	errno = 0;
	printf("connect to no listener: %s\n", connect(c, (struct sockaddr *)&d, sizeof d) < 0 ? ename(errno) : "ok");
	ev = (struct epoll_event){.events = EPOLLOUT | EPOLLET, .data.u32 = 7};
	epoll_ctl(ep, EPOLL_CTL_ADD, c, &ev);
	epoll_one(ep, 5000, "refused");
	close(c);
	close(dead);

	printf("== interrupted\n");
	errno = 0;
	arm(0);
	n = accept(l, NULL, NULL);
	printf("accept, no SA_RESTART: %d %s, alarms %d\n", n, ename(errno), alarms);
	pid_t k = later(&a);
	arm(1);
	errno = 0;
	n = accept(l, NULL, NULL);
	printf("accept, SA_RESTART: %s, alarms %d\n", n >= 0 ? "ok" : ename(errno), alarms);
	s = n;
	char z = 0;
	n = recv(s, &z, 1, 0);
	printf("first byte: %d %c\n", n, z);
	arm(1);
	errno = 0;
	n = recv(s, &z, 1, 0);
	printf("recv again, SA_RESTART, data comes later: %d %c %s, alarms %d\n", n, z, ename(errno), alarms);
	close(s);
	waitpid(k, NULL, 0);
	k = later(&a);
	tv = (struct timeval){5, 0};
	setsockopt(l, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	arm(1);
	errno = 0;
	n = accept(l, NULL, NULL);
	printf("accept, SA_RESTART, SO_RCVTIMEO set: %d %s, alarms %d\n", n, ename(errno), alarms);
	s = accept(l, NULL, NULL);
	recv(s, &z, 1, 0);
	close(s);
	waitpid(k, NULL, 0);
	arm(1);
	errno = 0;
	n = poll(&(struct pollfd){l, POLLIN, 0}, 1, 5000);
	printf("poll, SA_RESTART: %d %s, alarms %d\n", n, ename(errno), alarms);
	arm(1);
	errno = 0;
	n = epoll_wait(ep, &ev, 1, 5000);
	printf("epoll_wait, SA_RESTART: %d %s, alarms %d\n", n, ename(errno), alarms);
	return 0;
}
