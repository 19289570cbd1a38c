// A vfork child that _exits without exec: its SIGCHLD (CLD_EXITED, status)
// arrives before the parent waits, and exactly once.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
static volatile sig_atomic_t got, code, st;
static void h(int s, siginfo_t *si, void *u) { got++; code = si->si_code; st = si->si_status; }
int main(void) {
	struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_sigaction = h; sa.sa_flags = SA_SIGINFO | SA_RESTART;
	sigaction(SIGCHLD, &sa, 0);
	pid_t c = vfork();
	if (c == 0) _exit(4);
	usleep(100000);
	printf("SIGCHLD before wait: %d code %d status %d\n", got, code, st);
	int s; waitpid(c, &s, 0);
	printf("after wait: %d, exit %d\n", got, WEXITSTATUS(s));
	return 0;
}
