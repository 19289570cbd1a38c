// A stack overflow (unbounded recursion) raises SIGSEGV, which a handler
// can only run on an alternate signal stack; it leaves with siglongjmp and
// the program goes on, twice.
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static sigjmp_buf env;
static volatile int on_alt;

static void handler(int sig) {
	stack_t ss;
	sigaltstack(NULL, &ss);
	on_alt = (ss.ss_flags & SS_ONSTACK) != 0;
	siglongjmp(env, sig);
}

static int deep(int n) {
	volatile char pad[512];
	pad[0] = (char)n;
	return deep(n + 1) + pad[0];
}

int main(void) {
	stack_t ss = {.ss_sp = malloc(1 << 16), .ss_size = 1 << 16};
	sigaltstack(&ss, NULL);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = handler;
	sa.sa_flags = SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	for (int round = 0; round < 2; round++) {
		int sig = sigsetjmp(env, 1);
		if (sig == 0) {
			deep(0);
			printf("no overflow?\n");
		} else {
			printf("round %d: recovered from signal %d, handler on the alternate stack %d\n", round, sig, on_alt);
		}
	}
	return 0;
}
