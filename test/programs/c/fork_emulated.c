// epoll, eventfd, timerfd and signalfd across fork: the child has them at
// the same fds with their flags and state (a nested epoll's interest list,
// an edge already reported, a one-shot that fired, an eventfd count, an
// armed timer, a signalfd's mask), and the parent's keep working after the
// child exits. Only facts the same whether the child shares the parent's
// descriptions (Linux) or has copies (carrick) are printed.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#include <stdarg.h>
static void say(const char *fmt, ...) {
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	write(1, buf, n);
}

// waitData prints the data of the events epoll_wait returns, sorted.
static void waitData(const char *who, int ep, int timeout) {
	struct epoll_event evs[8];
	int n = epoll_wait(ep, evs, 8, timeout);
	if (n < 0) {
		say("%s: epoll_wait: errno %d\n", who, errno);
		return;
	}
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && evs[j].data.u64 < evs[j - 1].data.u64; j--) {
			struct epoll_event e = evs[j];
			evs[j] = evs[j - 1];
			evs[j - 1] = e;
		}
	say("%s: %d events", who, n);
	for (int i = 0; i < n; i++)
		say(" [%#llx %#x]", (unsigned long long)evs[i].data.u64, evs[i].events);
	say("\n");
}

static void add(int ep, int fd, uint32_t events, uint64_t data) {
	struct epoll_event ev = {.events = events, .data.u64 = data};
	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0)
		say("epoll_ctl add %d: errno %d\n", fd, errno);
}

static void arm(int tfd, time_t isec, long insec, time_t sec, long nsec) {
	struct itimerspec its = {{isec, insec}, {sec, nsec}};
	if (timerfd_settime(tfd, 0, &its, NULL) != 0)
		say("timerfd_settime: errno %d\n", errno);
}

static void readSignal(const char *who, int sfd) {
	struct signalfd_siginfo si;
	ssize_t n = read(sfd, &si, sizeof si);
	say("%s: signalfd read %zd: signo %u code %d from self %d\n", who, n, si.ssi_signo, si.ssi_code,
	    si.ssi_pid == (uint32_t)getpid());
}

int main(void) {
	int p[2], sync[2];
	pipe(p);
	pipe(sync);
	int efd = eventfd(5, EFD_NONBLOCK | EFD_CLOEXEC);
	int efd2 = dup(efd);
	int once = eventfd(1, EFD_NONBLOCK);
	int tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	arm(tfd, 0, 0, 0, 100 * 1000 * 1000);
	int periodic = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	arm(periodic, 3600, 0, 3600, 0);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int sfd = signalfd(-1, &set, SFD_CLOEXEC);

	int outer = epoll_create1(EPOLL_CLOEXEC);
	int inner = epoll_create1(0);
	add(inner, p[0], EPOLLIN, 0x1122334455667788ULL);
	add(outer, inner, EPOLLIN, 7);
	add(outer, efd, EPOLLIN | EPOLLET, 8);
	add(outer, once, EPOLLIN | EPOLLONESHOT, 9);
	waitData("parent before fork", outer, 0);

	pid_t c = fork();
	if (c == 0) {
		say("child: cloexec outer %d inner %d efd %d efd2 %d timer %d periodic %d signalfd %d\n",
		    fcntl(outer, F_GETFD), fcntl(inner, F_GETFD), fcntl(efd, F_GETFD), fcntl(efd2, F_GETFD),
		    fcntl(tfd, F_GETFD), fcntl(periodic, F_GETFD), fcntl(sfd, F_GETFD));
		say("child: nonblock efd %d timer %d periodic %d signalfd %d\n", !!(fcntl(efd, F_GETFL) & O_NONBLOCK),
		    !!(fcntl(tfd, F_GETFL) & O_NONBLOCK), !!(fcntl(periodic, F_GETFL) & O_NONBLOCK),
		    !!(fcntl(sfd, F_GETFL) & O_NONBLOCK));
		// The edge and the one-shot were reported before the fork.
		waitData("child at start", outer, 0);
		write(sync[1], "r", 1);
		waitData("child on the pipe", outer, 5000);
		waitData("child inner", inner, 0);
		char ch;
		say("child: pipe read %zd '%c'\n", read(p[0], &ch, 1), ch);
		struct epoll_event ev = {.events = EPOLLIN | EPOLLONESHOT, .data.u64 = 9};
		say("child: re-arm one-shot %d\n", epoll_ctl(outer, EPOLL_CTL_MOD, once, &ev));
		waitData("child after re-arm", outer, 0);
		waitData("child after one-shot", outer, 0);

		uint64_t v = 0;
		ssize_t n = read(efd2, &v, 8);
		say("child: eventfd read %zd value %llu\n", n, (unsigned long long)v);
		n = read(efd, &v, 8);
		say("child: dup'd eventfd read %zd errno %d\n", n, n < 0 ? errno : 0);

		struct itimerspec its;
		timerfd_gettime(periodic, &its);
		say("child: periodic interval %lld.%09ld, remaining in (0, 1h] %d\n", (long long)its.it_interval.tv_sec,
		    its.it_interval.tv_nsec,
		    (its.it_value.tv_sec > 0 || its.it_value.tv_nsec > 0) && its.it_value.tv_sec <= 3600);
		v = 0;
		n = read(tfd, &v, 8);
		say("child: timer read %zd expirations %llu\n", n, (unsigned long long)v);
		timerfd_gettime(tfd, &its);
		say("child: timer now disarmed %d\n", its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0);

		kill(getpid(), SIGUSR1);
		readSignal("child", sfd);
		_exit(3);
	}
	char ch;
	read(sync[0], &ch, 1);
	write(p[1], "x", 1);
	int st;
	waitpid(c, &st, 0);
	say("parent: child exited %d status %d\n", WIFEXITED(st), WEXITSTATUS(st));

	write(p[1], "y", 1);
	waitData("parent on the pipe", outer, 5000);
	waitData("parent inner", inner, 0);
	say("parent: pipe read %zd '%c'\n", read(p[0], &ch, 1), ch);
	uint64_t two = 2;
	write(efd, &two, 8);
	waitData("parent after eventfd write", outer, 0);
	struct pollfd pfd = {.fd = efd, .events = POLLIN};
	say("parent: poll eventfd %d revents %#x\n", poll(&pfd, 1, 0), pfd.revents);

	arm(tfd, 0, 0, 0, 10 * 1000 * 1000);
	uint64_t v = 0;
	ssize_t n = read(tfd, &v, 8);
	say("parent: re-armed timer read %zd expirations %llu\n", n, (unsigned long long)v);

	kill(getpid(), SIGUSR1);
	readSignal("parent", sfd);
	return 0;
}
