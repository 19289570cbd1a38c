/* sig_wait: sigwaitinfo, sigtimedwait and sigwait take blocked signals
 * with their siginfo, lowest first; a timeout is EAGAIN; another signal
 * whose handler runs makes the wait EINTR; a signal sent while the wait
 * sleeps (from a thread, or to the process) wakes it; an ignored but
 * blocked signal can still be waited for. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *ename(int e) {
	switch (e) {
	case EINTR: return "EINTR";
	case EAGAIN: return "EAGAIN";
	case EINVAL: return "EINVAL";
	}
	static char b[16];
	snprintf(b, sizeof b, "errno %d", e);
	return b;
}

static void show(const char *what, int r, siginfo_t *si) {
	if (r < 0) {
		printf("%s: -1 %s\n", what, ename(errno));
		return;
	}
	printf("%s: %s%d code %d", what, r >= SIGRTMIN ? "RTMIN+" : "", r >= SIGRTMIN ? r - SIGRTMIN : r,
	       si->si_signo == r ? si->si_code : -999);
	if (si->si_code == SI_QUEUE)
		printf(" value %d", si->si_value.sival_int);
	if (si->si_code == SI_USER || si->si_code == SI_QUEUE || si->si_code == SI_TKILL)
		printf(" from self %d", si->si_pid == getpid());
	printf("\n");
}

static volatile int alarms;
static void on_alarm(int s) { alarms++; }

static pthread_t main_thread;
static void *send_later(void *arg) {
	usleep(20000);
	pthread_kill(main_thread, (int)(long)arg);
	return 0;
}

static volatile pid_t waiter_tid;
static volatile int waiter_got;
static void *waiter(void *arg) {
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	siginfo_t si;
	waiter_tid = syscall(SYS_gettid);
	waiter_got = sigwaitinfo(&s, &si);
	return 0;
}

int main(void) {
	sigset_t set, old;
	siginfo_t si;
	struct timespec zero = {0, 0}, short_wait = {0, 30000000}, sec = {1, 0};
	main_thread = pthread_self();

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, &old);

	/* nothing pending */
	show("sigtimedwait, zero timeout", sigtimedwait(&set, &si, &zero), &si);
	show("sigtimedwait, 30 ms", sigtimedwait(&set, &si, &short_wait), &si);
	struct timespec bad = {0, 1000000000};
	show("sigtimedwait, bad timeout", sigtimedwait(&set, &si, &bad), &si);

	/* pending ones, lowest first, with their siginfo */
	sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 42});
	sigqueue(getpid(), SIGRTMIN, (union sigval){.sival_int = 43});
	raise(SIGUSR2);
	kill(getpid(), SIGUSR1);
	for (int i = 0; i < 4; i++) {
		memset(&si, 0, sizeof si);
		show("sigwaitinfo", sigwaitinfo(&set, &si), &si);
	}
	int sig = 0;
	raise(SIGUSR2);
	printf("sigwait: %d sig %d\n", sigwait(&set, &sig), sig);

	/* a waited signal sent while the wait sleeps */
	pthread_t th;
	pthread_create(&th, 0, send_later, (void *)(long)SIGUSR2);
	show("sigtimedwait, SIGUSR2 from a thread", sigtimedwait(&set, &si, &sec), &si);
	pthread_join(th, 0);

	/* another signal with a handler interrupts the wait */
	signal(SIGALRM, on_alarm);
	struct itimerval it = {{0, 0}, {0, 20000}};
	setitimer(ITIMER_REAL, &it, 0);
	show("sigtimedwait, SIGALRM handled", sigtimedwait(&set, &si, &sec), &si);
	printf("  alarms %d\n", alarms);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGALRM, &sa, 0);
	setitimer(ITIMER_REAL, &it, 0);
	show("sigtimedwait, SIGALRM with SA_RESTART", sigtimedwait(&set, &si, &sec), &si);
	printf("  alarms %d\n", alarms);

	/* waiting for a signal that is not blocked: the wait takes it, the
	 * handler does not run */
	signal(SIGALRM, on_alarm);
	sigset_t alrm;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	setitimer(ITIMER_REAL, &it, 0);
	show("sigtimedwait for an unblocked SIGALRM", sigtimedwait(&alrm, &si, &sec), &si);
	printf("  alarms %d\n", alarms);

	/* blocked and ignored: still queued, still waitable */
	signal(SIGUSR2, SIG_IGN);
	raise(SIGUSR2);
	show("sigtimedwait, ignored but blocked", sigtimedwait(&set, &si, &zero), &si);
	signal(SIGUSR2, SIG_DFL);

	/* a process-directed signal reaches the thread that waits for it */
	pthread_create(&th, 0, waiter, 0);
	while (!waiter_tid)
		usleep(1000);
	usleep(20000);
	kill(getpid(), SIGUSR1);
	pthread_join(th, 0);
	printf("waiting thread got %d\n", waiter_got);

	sigset_t pend;
	sigpending(&pend);
	printf("left pending: USR1 %d USR2 %d RTMIN %d\n", sigismember(&pend, SIGUSR1), sigismember(&pend, SIGUSR2),
	       sigismember(&pend, SIGRTMIN));
	return 0;
}
