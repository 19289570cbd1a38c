/* sig_rtqueue: real-time signals queue every instance with its siginfo
 * (sigqueue's value and SI_QUEUE), standard signals coalesce, delivery goes
 * lowest number first (nested frames run the last one first), the queue is
 * bounded by RLIMIT_SIGPENDING, rt_tgsigqueueinfo reaches one thread, and
 * only the process itself may claim a kernel si_code. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static struct rec {
	int sig, code, value, frompid, tid;
} recs[64];
static volatile int nrec;

static void handler(int sig, siginfo_t *si, void *uc) {
	if (nrec < 64)
		recs[nrec++] = (struct rec){sig, si->si_code, si->si_value.sival_int, si->si_pid == getpid(),
		                            (int)syscall(SYS_gettid)};
}

static void on(int sig, int fullmask) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	if (fullmask)
		sigfillset(&sa.sa_mask);
	sigaction(sig, &sa, 0);
}

static void dump(const char *what) {
	printf("%s:", what);
	for (int i = 0; i < nrec; i++) {
		int s = recs[i].sig;
		if (s >= SIGRTMIN)
			printf(" RTMIN+%d", s - SIGRTMIN);
		else
			printf(" %d", s);
		/* si_value belongs to SI_QUEUE's layout only */
		if (recs[i].code < 0)
			printf("(code %d value %d self %d)", recs[i].code, recs[i].value, recs[i].frompid);
		else
			printf("(code %d self %d)", recs[i].code, recs[i].frompid);
	}
	printf("\n");
	nrec = 0;
}

static int queue(int sig, int v) { return sigqueue(getpid(), sig, (union sigval){.sival_int = v}); }

static void send_all(void) {
	queue(SIGRTMIN + 1, 10);
	queue(SIGRTMIN, 20);
	queue(SIGRTMIN + 1, 11);
	queue(SIGRTMIN, 21);
	queue(SIGUSR1, 1);
	queue(SIGUSR1, 2); /* merges with the first */
	kill(getpid(), SIGRTMIN);
}

static void print_pending(void) {
	sigset_t p;
	sigpending(&p);
	printf("pending: USR1 %d RTMIN %d RTMIN+1 %d RTMIN+2 %d\n", sigismember(&p, SIGUSR1),
	       sigismember(&p, SIGRTMIN), sigismember(&p, SIGRTMIN + 1), sigismember(&p, SIGRTMIN + 2));
}

static volatile pid_t worker_tid;
static volatile int worker_done;

static void *worker(void *arg) {
	siginfo_t si;
	memset(&si, 0, sizeof si);
	si.si_signo = SIGRTMIN + 3;
	si.si_code = SI_USER;
	si.si_pid = getpid();
	errno = 0;
	long r = syscall(SYS_rt_sigqueueinfo, getpid(), SIGRTMIN + 3, &si);
	printf("thread: rt_sigqueueinfo with SI_USER -> %ld %s\n", r, r ? strerror(errno) : "");
	fflush(stdout);
	worker_tid = syscall(SYS_gettid);
	while (!worker_done)
		usleep(1000);
	return 0;
}

int main(void) {
	sigset_t all, old;
	sigfillset(&all);

	/* one at a time: each handler blocks everything */
	on(SIGUSR1, 1);
	on(SIGRTMIN, 1);
	on(SIGRTMIN + 1, 1);
	sigprocmask(SIG_BLOCK, &all, &old);
	send_all();
	print_pending();
	sigprocmask(SIG_SETMASK, &old, 0);
	dump("serial");

	/* nested: a handler blocks only its own signal */
	on(SIGUSR1, 0);
	on(SIGRTMIN, 0);
	on(SIGRTMIN + 1, 0);
	sigprocmask(SIG_BLOCK, &all, &old);
	send_all();
	sigprocmask(SIG_SETMASK, &old, 0);
	dump("nested");

	/* ignoring a signal discards its queued instances */
	on(SIGRTMIN + 2, 1);
	sigprocmask(SIG_BLOCK, &all, &old);
	queue(SIGRTMIN + 2, 1);
	queue(SIGRTMIN + 2, 2);
	print_pending();
	signal(SIGRTMIN + 2, SIG_IGN);
	print_pending();
	on(SIGRTMIN + 2, 1);
	sigprocmask(SIG_SETMASK, &old, 0);
	dump("after SIG_IGN");

	/* The queue is bounded by RLIMIT_SIGPENDING (the count is per user, so
	 * only a limit of 0 gives the same answer whatever else runs): sigqueue
	 * fails with EAGAIN, and a kill is pending without its siginfo. */
	struct rlimit rl, zero;
	getrlimit(RLIMIT_SIGPENDING, &rl);
	zero = (struct rlimit){0, rl.rlim_max};
	setrlimit(RLIMIT_SIGPENDING, &zero);
	sigprocmask(SIG_BLOCK, &all, &old);
	errno = 0;
	printf("limit 0: sigqueue -> %d %s\n", queue(SIGRTMIN, 1), strerror(errno));
	kill(getpid(), SIGRTMIN);
	kill(getpid(), SIGRTMIN);
	sigprocmask(SIG_SETMASK, &old, 0);
	dump("limit 0");
	setrlimit(RLIMIT_SIGPENDING, &rl);
	sigprocmask(SIG_BLOCK, &all, &old);
	int sent = 0;
	for (int i = 0; i < 40; i++)
		sent += queue(SIGRTMIN + (i % 2), i) == 0;
	printf("queued %d\n", sent);
	sigprocmask(SIG_SETMASK, &old, 0);
	dump("40 queued");

	/* kernel codes are the caller's own business only */
	siginfo_t si;
	memset(&si, 0, sizeof si);
	si.si_signo = SIGRTMIN;
	si.si_code = SI_USER;
	si.si_pid = 12345;
	si.si_value.sival_int = 77;
	long r = syscall(SYS_rt_sigqueueinfo, getpid(), SIGRTMIN, &si);
	printf("main: rt_sigqueueinfo with SI_USER -> %ld\n", r);
	dump("SI_USER from main");
	printf("sigqueue(65) -> %d %s\n", queue(65, 0), strerror(errno));

	/* rt_tgsigqueueinfo to one thread */
	on(SIGRTMIN + 3, 1);
	pthread_t th;
	pthread_create(&th, 0, worker, 0);
	while (!worker_tid)
		usleep(1000);
	memset(&si, 0, sizeof si);
	si.si_signo = SIGRTMIN + 3;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_value.sival_int = 5;
	r = syscall(SYS_rt_tgsigqueueinfo, getpid(), worker_tid, SIGRTMIN + 3, &si);
	while (nrec == 0)
		usleep(1000);
	printf("rt_tgsigqueueinfo -> %ld, handled by the worker %d, code %d value %d\n", r,
	       recs[0].tid == worker_tid, recs[0].code, recs[0].value);
	nrec = 0;
	worker_done = 1;
	pthread_join(th, 0);

	/* to another process: the signal arrives (carrick cannot carry the
	 * value across processes, so only the number is checked); a kernel
	 * code is EPERM there */
	int ready[2];
	pipe(ready);
	sigset_t rt4;
	sigemptyset(&rt4);
	sigaddset(&rt4, SIGRTMIN + 4);
	sigprocmask(SIG_BLOCK, &rt4, &old);
	pid_t pid = fork();
	if (pid == 0) {
		write(ready[1], "r", 1);
		int got = sigwaitinfo(&rt4, 0);
		_exit(got - SIGRTMIN);
	}
	sigprocmask(SIG_SETMASK, &old, 0);
	char c;
	read(ready[0], &c, 1);
	memset(&si, 0, sizeof si);
	si.si_signo = SIGRTMIN + 4;
	si.si_code = SI_USER;
	errno = 0;
	r = syscall(SYS_rt_sigqueueinfo, pid, SIGRTMIN + 4, &si);
	printf("to the child with SI_USER -> %ld %s\n", r, strerror(errno));
	printf("sigqueue to the child -> %d\n", sigqueue(pid, SIGRTMIN + 4, (union sigval){.sival_int = 9}));
	int st;
	waitpid(pid, &st, 0);
	printf("child got RTMIN+%d\n", WEXITSTATUS(st));
	return 0;
}
