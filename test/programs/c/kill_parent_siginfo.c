// kill from a child to its parent: the signal is pending, with the
// sender's pid in si_pid, before the parent reaps the child (Linux makes
// it pending before kill returns).
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
static volatile sig_atomic_t got, from;
static void h(int s, siginfo_t *si, void *u) { got = s; from = si->si_pid; }
int main(void) {
	struct sigaction sa; memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = h; sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGUSR1, &sa, 0);
	int ok = 0;
	for (int i = 0; i < 20; i++) {
		got = 0;
		pid_t c = fork();
		if (c == 0) { kill(getppid(), SIGUSR1); _exit(0); }
		int st; waitpid(c, &st, 0);
		ok += got == SIGUSR1 && from == c;
	}
	printf("signal pending before the child's exit was reaped, with si_pid: %d/20\n", ok);
	return 0;
}
