// epoll over eventfds and pipes: level- and edge-triggered reporting (an
// edge rearms only on new activity), EPOLLONESHOT until EPOLL_CTL_MOD,
// EPOLLRDHUP/EPOLLHUP on a closed pipe, nested epoll, interest removed
// when the last reference closes, eventfd's semaphore mode and limits,
// and epoll_ctl's errors.
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

static int ep, later_fd;

static void *later(void *arg) {
	usleep(30000);
	uint64_t one = 1;
	write(later_fd, &one, 8);
	return arg;
}

static void wait_report(const char *what) {
	struct epoll_event out[4];
	int n = epoll_wait(ep, out, 4, 0);
	printf("%s: %d", what, n);
	for (int i = 0; i < n; i++)
		printf(" [data %llu events %#x]", (unsigned long long)out[i].data.u64, out[i].events);
	printf("\n");
}

int main(void) {
	ep = epoll_create1(EPOLL_CLOEXEC);
	int lt = eventfd(0, EFD_NONBLOCK), et = eventfd(0, EFD_NONBLOCK), os = eventfd(0, EFD_NONBLOCK);
	struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 1};
	epoll_ctl(ep, EPOLL_CTL_ADD, lt, &ev);
	ev = (struct epoll_event){.events = EPOLLIN | EPOLLET, .data.u64 = 2};
	epoll_ctl(ep, EPOLL_CTL_ADD, et, &ev);
	ev = (struct epoll_event){.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 3};
	epoll_ctl(ep, EPOLL_CTL_ADD, os, &ev);
	wait_report("nothing ready");
	uint64_t one = 1, v;
	write(lt, &one, 8);
	write(et, &one, 8);
	write(os, &one, 8);
	wait_report("all three");
	wait_report("again: level only");
	write(et, &one, 8);
	write(os, &one, 8);
	wait_report("new writes: level and edge, not the spent oneshot");
	ev = (struct epoll_event){.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 3};
	epoll_ctl(ep, EPOLL_CTL_MOD, os, &ev);
	wait_report("oneshot rearmed");
	read(lt, &v, 8);
	read(et, &v, 8);
	read(os, &v, 8);
	wait_report("all read");

	int sem = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	for (int i = 0; i < 4; i++) {
		ssize_t r = read(sem, &v, 8);
		printf("semaphore read %d: %zd value %llu%s\n", i, r, (unsigned long long)(r == 8 ? v : 0), r < 0 && errno == EAGAIN ? " EAGAIN" : "");
	}
	uint64_t big = 0xfffffffffffffffeULL;
	int full = eventfd(0, EFD_NONBLOCK);
	printf("write max: %zd\n", write(full, &big, 8));
	printf("write past max: %zd %s\n", write(full, &one, 8), errno == EAGAIN ? "EAGAIN" : "other");
	uint64_t bad = ~0ULL;
	errno = 0;
	printf("write all ones: %zd %s\n", write(full, &bad, 8), errno == EINVAL ? "EINVAL" : "other");
	struct epoll_event oe = {.events = EPOLLOUT, .data.u64 = 4};
	epoll_ctl(ep, EPOLL_CTL_ADD, full, &oe);
	wait_report("full eventfd not writable");
	read(full, &v, 8);
	wait_report("drained: writable");
	epoll_ctl(ep, EPOLL_CTL_DEL, full, NULL);

	int p[2];
	pipe(p);
	ev = (struct epoll_event){.events = EPOLLIN | EPOLLRDHUP, .data.u64 = 5};
	epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
	close(p[1]);
	wait_report("writer closed");
	epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL);

	int inner = epoll_create1(0);
	int x = eventfd(0, EFD_NONBLOCK);
	ev = (struct epoll_event){.events = EPOLLIN, .data.u64 = 7};
	epoll_ctl(inner, EPOLL_CTL_ADD, x, &ev);
	ev = (struct epoll_event){.events = EPOLLIN, .data.u64 = 6};
	epoll_ctl(ep, EPOLL_CTL_ADD, inner, &ev);
	wait_report("nested idle");
	write(x, &one, 8);
	wait_report("nested ready");
	read(x, &v, 8);
	later_fd = x;
	pthread_t th;
	pthread_create(&th, NULL, later, NULL);
	struct epoll_event got;
	int k = epoll_wait(ep, &got, 1, 5000);
	printf("nested, blocking until a thread writes: %d data %llu\n", k, (unsigned long long)got.data.u64);
	pthread_join(th, NULL);
	read(x, &v, 8);
	errno = 0;
	printf("cycle: %d %s\n", epoll_ctl(inner, EPOLL_CTL_ADD, ep, &ev), errno == ELOOP ? "ELOOP" : "other");

	int y = eventfd(0, EFD_NONBLOCK);
	ev = (struct epoll_event){.events = EPOLLIN, .data.u64 = 8};
	epoll_ctl(ep, EPOLL_CTL_ADD, y, &ev);
	int y2 = dup(y);
	close(y);
	write(y2, &one, 8);
	wait_report("dup keeps the interest");
	close(y2);
	wait_report("last reference closed");

	errno = 0;
	printf("add twice: %d %s\n", epoll_ctl(ep, EPOLL_CTL_ADD, lt, &ev), errno == EEXIST ? "EEXIST" : "other");
	errno = 0;
	printf("mod missing: %d %s\n", epoll_ctl(ep, EPOLL_CTL_MOD, x, &ev), errno == ENOENT ? "ENOENT" : "other");
	errno = 0;
	printf("add itself: %d %s\n", epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), errno == EINVAL ? "EINVAL" : "other");
	errno = 0;
	printf("bad op: %d %s\n", epoll_ctl(ep, 99, lt, &ev), errno == EINVAL ? "EINVAL" : "other");
	errno = 0;
	printf("maxevents 0: %d %s\n", epoll_wait(ep, &ev, 0, 0), errno == EINVAL ? "EINVAL" : "other");
	ev = (struct epoll_event){.events = EPOLLIN | EPOLLEXCLUSIVE, .data.u64 = 9};
	int z = eventfd(0, 0);
	printf("exclusive add: %d\n", epoll_ctl(ep, EPOLL_CTL_ADD, z, &ev));
	errno = 0;
	printf("exclusive mod: %d %s\n", epoll_ctl(ep, EPOLL_CTL_MOD, z, &ev), errno == EINVAL ? "EINVAL" : "other");
	return 0;
}
