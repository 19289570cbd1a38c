/* sigsuspend: a blocked signal raised before the wait is delivered by it,
 * the handler runs with the suspend mask, and the old mask (blocking the
 * signal again) is back afterwards. */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
static volatile int got, blocked_in_handler;
static void h(int s) {
	sigset_t cur; sigprocmask(SIG_BLOCK, 0, &cur);
	got = s; blocked_in_handler = sigismember(&cur, SIGUSR2);
}
int main(void) {
	signal(SIGUSR1, h);
	sigset_t block, wait, after;
	sigemptyset(&block); sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, 0);
	raise(SIGUSR1);
	printf("before: got %d\n", got);
	sigemptyset(&wait); sigaddset(&wait, SIGUSR2);
	int r = sigsuspend(&wait);
	sigprocmask(SIG_BLOCK, 0, &after);
	printf("sigsuspend %d, got %d, USR2 blocked in handler %d, USR1 blocked after %d\n", r, got,
	       blocked_in_handler, sigismember(&after, SIGUSR1));
	return 0;
}
