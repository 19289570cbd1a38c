// timerfd: relative and absolute expiry, periodic counts, gettime,
// settime's old value, disarming, readiness through poll and epoll, and
// the errors. Prints facts, not times, so that it reads the same on any
// machine.
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static struct itimerspec ms(long value, long interval) {
	struct itimerspec its = {{interval / 1000, interval % 1000 * 1000000}, {value / 1000, value % 1000 * 1000000}};
	return its;
}

static double secs(struct timespec ts) { return ts.tv_sec + ts.tv_nsec / 1e9; }

int main(void) {
	uint64_t n = 0;
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	printf("create: %d\n", fd >= 0);
	printf("read unarmed: %zd errno %s\n", read(fd, &n, 8), errno == EAGAIN ? "EAGAIN" : "other");

	struct itimerspec its = ms(30, 0), old;
	printf("settime relative: %d\n", timerfd_settime(fd, 0, &its, NULL));
	struct pollfd p = {fd, POLLIN, 0};
	printf("poll: %d revents POLLIN %d\n", poll(&p, 1, 5000), p.revents == POLLIN);
	printf("read: %zd count %llu\n", read(fd, &n, 8), (unsigned long long)n);
	timerfd_gettime(fd, &its);
	printf("after one-shot: value %g interval %g\n", secs(its.it_value), secs(its.it_interval));

	its = ms(10, 10);
	timerfd_settime(fd, 0, &its, NULL);
	usleep(120000);
	read(fd, &n, 8);
	printf("periodic: at least 5 expirations %d\n", n >= 5);
	timerfd_gettime(fd, &its);
	printf("periodic gettime: interval %g, value within it %d\n", secs(its.it_interval), secs(its.it_value) > 0 && secs(its.it_value) <= 0.010);

	its = ms(1000, 0);
	timerfd_settime(fd, 0, &its, NULL);
	its = ms(2000, 0);
	timerfd_settime(fd, 0, &its, &old);
	printf("old value about 1 s: %d, old interval %g\n", secs(old.it_value) > 0.5 && secs(old.it_value) <= 1.0, secs(old.it_interval));
	its = ms(0, 0);
	timerfd_settime(fd, 0, &its, &old);
	printf("disarm: old about 2 s %d\n", secs(old.it_value) > 1.5 && secs(old.it_value) <= 2.0);
	printf("read disarmed: %zd errno %s\n", read(fd, &n, 8), errno == EAGAIN ? "EAGAIN" : "other");

	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	its.it_interval = (struct timespec){0, 0};
	its.it_value = now;
	its.it_value.tv_nsec += 20000000;
	if (its.it_value.tv_nsec >= 1000000000) {
		its.it_value.tv_sec++;
		its.it_value.tv_nsec -= 1000000000;
	}
	int bfd = timerfd_create(CLOCK_MONOTONIC, 0);
	printf("settime absolute: %d\n", timerfd_settime(bfd, TFD_TIMER_ABSTIME, &its, NULL));
	printf("blocking read: %zd count %llu\n", read(bfd, &n, 8), (unsigned long long)n);
	its.it_value = now; // in the past: due at once
	timerfd_settime(bfd, TFD_TIMER_ABSTIME, &its, NULL);
	printf("past absolute: %zd count %llu\n", read(bfd, &n, 8), (unsigned long long)n);

	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 42}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	its = ms(20, 0);
	timerfd_settime(fd, 0, &its, NULL);
	int k = epoll_wait(ep, &out, 1, 5000);
	printf("epoll: %d data %llu EPOLLIN %d\n", k, (unsigned long long)out.data.u64, out.events == EPOLLIN);
	read(fd, &n, 8);
	printf("after read epoll: %d\n", epoll_wait(ep, &out, 1, 0));

	int rfd = timerfd_create(CLOCK_REALTIME, 0);
	clock_gettime(CLOCK_REALTIME, &now);
	its.it_value = now;
	its.it_value.tv_sec += 100;
	printf("cancel-on-set accepted: %d\n", timerfd_settime(rfd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &its, NULL));

	errno = 0;
	printf("bad clock: %d %s\n", timerfd_create(12345, 0), errno == EINVAL ? "EINVAL" : "other");
	errno = 0;
	printf("bad flags: %d %s\n", timerfd_create(CLOCK_MONOTONIC, 0x1), errno == EINVAL ? "EINVAL" : "other");
	its = ms(10, 0);
	its.it_value.tv_nsec = 1000000000;
	errno = 0;
	printf("bad nsec: %d %s\n", timerfd_settime(fd, 0, &its, NULL), errno == EINVAL ? "EINVAL" : "other");
	int pfd[2];
	pipe(pfd);
	its = ms(10, 0);
	errno = 0;
	printf("not a timerfd: %d %s\n", timerfd_settime(pfd[0], 0, &its, NULL), errno == EINVAL ? "EINVAL" : "other");
	errno = 0;
	printf("bad fd: %d %s\n", timerfd_gettime(999, &its), errno == EBADF ? "EBADF" : "other");
	uint32_t small;
	errno = 0;
	printf("short read: %zd %s\n", read(fd, &small, 4), errno == EINVAL ? "EINVAL" : "other");
	errno = 0;
	printf("write: %zd %s\n", write(fd, &n, 8), errno == EINVAL ? "EINVAL" : "other");
	return 0;
}
