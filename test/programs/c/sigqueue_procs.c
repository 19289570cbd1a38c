// sigqueue between processes: the receiver's handler sees SI_QUEUE, the
// sender's pid and the value, for standard and real-time signals, and
// real-time instances queue in order.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t n;
static int sigs[8], codes[8], vals[8], pidok[8];

static void h(int s, siginfo_t *si, void *u) {
	if (n < 8) {
		sigs[n] = s;
		codes[n] = si->si_code;
		vals[n] = si->si_value.sival_int;
		pidok[n] = si->si_pid == getppid();
		n++;
	}
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGUSR2, &sa, 0);
	sigaction(SIGRTMIN + 1, &sa, 0);
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigaddset(&block, SIGRTMIN + 1);
	sigprocmask(SIG_BLOCK, &block, &old);
	int p[2], q[2];
	pipe(p);
	pipe(q);
	pid_t c = fork();
	if (c == 0) {
		char x;
		write(q[1], "r", 1);
		read(p[0], &x, 1); // the parent has queued everything
		sigprocmask(SIG_SETMASK, &old, 0);
		for (int i = 0; i < n; i++)
			printf("got %s code %s value %d from parent %d\n", sigs[i] == SIGUSR2 ? "SIGUSR2" : "SIGRTMIN+1",
			       codes[i] == SI_QUEUE ? "SI_QUEUE" : "?", vals[i], pidok[i]);
		_exit(n);
	}
	char x;
	read(q[0], &x, 1);
	for (int i = 1; i <= 3; i++) {
		union sigval v = {.sival_int = 100 + i};
		sigqueue(c, SIGRTMIN + 1, v);
	}
	union sigval v = {.sival_int = 7};
	sigqueue(c, SIGUSR2, v);
	write(p[1], "g", 1);
	int st;
	waitpid(c, &st, 0);
	printf("child took %d signals\n", WEXITSTATUS(st));
	return 0;
}
