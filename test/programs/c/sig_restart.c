/* sig_restart: a blocking syscall interrupted by a signal with a handler is
 * restarted when the handler has SA_RESTART and fails with EINTR when it
 * has not; some calls (futex with a timeout, nanosleep, ppoll, pselect,
 * epoll_pwait, sigsuspend) return EINTR either way. A signal that is
 * ignored never interrupts. SIGALRM comes from setitimer (si_code
 * SI_KERNEL) or from a thread with pthread_kill. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { NOTHING, FEED, DRAIN, SETWORD };
static int pfd[2];
static volatile int action, hits, code, word;

static const char *ename(int e) {
	switch (e) {
	case EINTR: return "EINTR";
	case EAGAIN: return "EAGAIN";
	case ETIMEDOUT: return "ETIMEDOUT";
	case ECHILD: return "ECHILD";
	case EINVAL: return "EINVAL";
	}
	static char b[16];
	snprintf(b, sizeof b, "errno %d", e);
	return b;
}

static void handler(int sig, siginfo_t *si, void *uc) {
	hits++;
	code = si->si_code;
	char buf[4096];
	switch (action) {
	case FEED: write(pfd[1], "x", 1); break;
	case DRAIN: while (read(pfd[0], buf, sizeof buf) > 0) {} break;
	case SETWORD: word = 1; break;
	}
}

static void on(int sig, int restart) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO | (restart ? SA_RESTART : 0);
	sigaction(sig, &sa, 0);
}

static void arm(int ms) {
	struct itimerval it = {{0, 0}, {0, ms * 1000}};
	setitimer(ITIMER_REAL, &it, 0);
}

static void report(const char *what, int restart, long r) {
	printf("%-34s %-10s -> %ld %s hits=%d\n", what, restart ? "SA_RESTART" : "no flag", r,
	       r < 0 ? ename(errno) : "", hits);
	hits = 0;
}

static void newpipe(void) { pipe2(pfd, O_CLOEXEC); }

static void closepipe(void) {
	close(pfd[0]);
	close(pfd[1]);
}

static void *kicker(void *arg) {
	usleep(20000);
	pthread_kill(*(pthread_t *)arg, SIGUSR1);
	return 0;
}

int main(void) {
	char c;
	long r;
	for (int restart = 0; restart < 2; restart++) {
		on(SIGALRM, restart);
		on(SIGUSR1, restart);

		/* read on an empty pipe; the handler writes the byte it waits for */
		newpipe();
		action = FEED;
		arm(20);
		r = read(pfd[0], &c, 1);
		report("read(pipe), SIGALRM", restart, r);
		if (r < 0)
			printf("  byte left by the handler: %ld\n", (long)read(pfd[0], &c, 1));
		printf("  si_code %d\n", code);
		closepipe();

		/* the same with SIGUSR1 from another thread */
		newpipe();
		pthread_t self = pthread_self(), th;
		pthread_create(&th, 0, kicker, &self);
		r = read(pfd[0], &c, 1);
		pthread_join(th, 0);
		report("read(pipe), SIGUSR1 by a thread", restart, r);
		printf("  si_code %d\n", code);
		closepipe();

		/* write to a full pipe; the handler empties it */
		newpipe();
		fcntl(pfd[1], F_SETFL, O_NONBLOCK);
		fcntl(pfd[0], F_SETFL, O_NONBLOCK);
		while (write(pfd[1], "0123456789abcdef", 16) > 0) {}
		fcntl(pfd[1], F_SETFL, 0);
		action = DRAIN;
		arm(20);
		r = write(pfd[1], "y", 1);
		report("write(full pipe)", restart, r);
		closepipe();

		/* wait4 for a child that exits after the signal */
		pid_t pid = fork();
		if (pid == 0) {
			usleep(60000);
			_exit(7);
		}
		action = NOTHING;
		arm(20);
		int st = 0;
		r = wait4(pid, &st, 0, 0);
		r = r < 0 ? r : r == pid;
		report("wait4", restart, r);
		if (r < 0)
			r = wait4(pid, &st, 0, 0) == pid;
		printf("  child reaped %ld, exit %d\n", r, WEXITSTATUS(st));

		/* futex wait without a timeout; the handler changes the word */
		action = SETWORD;
		word = 0;
		arm(20);
		r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0);
		report("futex WAIT", restart, r);

		/* futex wait with a timeout: never restarted after a handler */
		word = 0;
		arm(20);
		struct timespec sec = {1, 0};
		r = syscall(SYS_futex, &word, FUTEX_WAIT_PRIVATE, 0, &sec, 0, 0);
		report("futex WAIT with timeout", restart, r);

		action = NOTHING;
		/* nanosleep: EINTR with the time left */
		struct timespec half = {0, 500000000}, rem = {9, 9};
		arm(20);
		r = nanosleep(&half, &rem);
		report("nanosleep", restart, r);
		printf("  rem within (0, 0.5s): %d\n", rem.tv_sec == 0 && rem.tv_nsec > 0 && rem.tv_nsec < 500000000);

		/* clock_nanosleep to an absolute time: EINTR, rem untouched */
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC, &now);
		now.tv_sec += 1;
		rem.tv_sec = 9;
		arm(20);
		r = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, &rem);
		printf("%-34s %-10s -> %s hits=%d rem.tv_sec %ld\n", "clock_nanosleep(TIMER_ABSTIME)",
		       restart ? "SA_RESTART" : "no flag", r ? ename(r) : "0", hits, (long)rem.tv_sec);
		hits = 0;

		/* ppoll, pselect, epoll_pwait, sigsuspend: EINTR either way */
		arm(20);
		r = ppoll(0, 0, &sec, 0);
		report("ppoll", restart, r);
		arm(20);
		r = pselect(0, 0, 0, 0, &sec, 0);
		report("pselect", restart, r);
		int ep = epoll_create1(EPOLL_CLOEXEC);
		struct epoll_event ev;
		arm(20);
		r = epoll_pwait(ep, &ev, 1, 1000, 0);
		report("epoll_pwait", restart, r);
		close(ep);
		sigset_t none;
		sigemptyset(&none);
		arm(20);
		r = sigsuspend(&none);
		report("sigsuspend", restart, r);
	}

	/* A pending ignored signal let in by ppoll's mask restarts the wait
	 * instead of ending it. */
	sigset_t urg, none;
	sigemptyset(&urg);
	sigaddset(&urg, SIGURG);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &urg, 0);
	raise(SIGURG);
	struct timespec tenth = {0, 50000000};
	r = ppoll(0, 0, &tenth, &none);
	report("ppoll, ignored SIGURG let in", 0, r);
	sigset_t pend;
	sigpending(&pend);
	printf("  SIGURG still pending: %d\n", sigismember(&pend, SIGURG));
	sigprocmask(SIG_UNBLOCK, &urg, 0);

	/* interval timer: three periods, then disarmed */
	struct itimerval it = {{0, 10000}, {0, 10000}}, cur;
	setitimer(ITIMER_REAL, &it, 0);
	while (hits < 3)
		sigsuspend(&none);
	getitimer(ITIMER_REAL, &cur);
	printf("periodic: hits=%d interval %ld.%06ld armed %d\n", hits, (long)cur.it_interval.tv_sec,
	       (long)cur.it_interval.tv_usec, cur.it_value.tv_sec != 0 || cur.it_value.tv_usec != 0);
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_REAL, &it, &cur);
	getitimer(ITIMER_REAL, &cur);
	printf("disarmed: %ld %ld %ld %ld\n", (long)cur.it_interval.tv_sec, (long)cur.it_interval.tv_usec,
	       (long)cur.it_value.tv_sec, (long)cur.it_value.tv_usec);
	printf("alarm(10) %u, alarm(0) %u\n", alarm(10), alarm(0));
	struct itimerval bad = {{0, 0}, {0, 1000000}};
	errno = 0;
	printf("setitimer usec 1000000: %d %s\n", setitimer(ITIMER_REAL, &bad, 0), ename(errno));
	errno = 0;
	printf("setitimer which 3: %d %s\n", setitimer(3, &it, 0), ename(errno));
	return 0;
}
