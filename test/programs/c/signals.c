/* Signal handling inside the guest: raise/kill with signal() and
 * sigaction handlers, SA_SIGINFO details (si_signo, si_code, si_addr) of a
 * synchronous SIGSEGV recovered with siglongjmp, blocked and pending
 * signals released by sigprocmask, a handler running on an alternate
 * stack, SA_RESETHAND, and SIG_IGN. */
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t usr1_count, usr2_count, last_sig;
static sigjmp_buf recover;
static volatile uintptr_t fault_addr;
static volatile int fault_code, fault_signo;
static char *altstack;
static volatile int on_altstack;

static void on_usr1(int sig)
{
	usr1_count++;
	last_sig = sig;
}
static void on_usr2(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	usr2_count++;
	last_sig = sig * 100 + (si->si_code == SI_TKILL || si->si_code == SI_USER);
}
static void on_segv(int sig, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_signo = sig;
	fault_code = si->si_code;
	fault_addr = (uintptr_t)si->si_addr;
	char probe;
	on_altstack = &probe >= altstack && &probe < altstack + SIGSTKSZ * 4;
	siglongjmp(recover, 1);
}

int main(void)
{
	signal(SIGUSR1, on_usr1);
	raise(SIGUSR1);
	kill(getpid(), SIGUSR1);
	printf("SIGUSR1 via raise and kill: count %d last %d\n", (int)usr1_count, (int)last_sig);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_usr2;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR2, &sa, NULL);

	sigset_t block, old, pend;
	sigemptyset(&block);
	sigaddset(&block, SIGUSR2);
	sigprocmask(SIG_BLOCK, &block, &old);
	raise(SIGUSR2);
	sigpending(&pend);
	printf("blocked SIGUSR2: delivered %d, pending %d\n", (int)usr2_count, sigismember(&pend, SIGUSR2));
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("after unblock: delivered %d, last %d\n", (int)usr2_count, (int)last_sig);

	/* synchronous SIGSEGV on an alternate stack, recovered */
	altstack = malloc(SIGSTKSZ * 4);
	stack_t ss = {.ss_sp = altstack, .ss_size = SIGSTKSZ * 4, .ss_flags = 0};
	sigaltstack(&ss, NULL);
	sa.sa_sigaction = on_segv;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigaction(SIGSEGV, &sa, NULL);
	for (int i = 0; i < 3; i++) {
		if (sigsetjmp(recover, 1) == 0) {
			volatile int *p = (volatile int *)(uintptr_t)(0x1000 * (i + 1) + 8 * i);
			*p = i;
			printf("no fault?\n");
		} else {
			printf("recovered from signal %d code %d addr %#lx on altstack %d\n", fault_signo, fault_code,
			       (unsigned long)fault_addr, on_altstack);
		}
	}

	/* SA_RESETHAND: the second raise gets the default action... which for
	 * SIGUSR1 would kill us, so switch to SIG_IGN in between. */
	sa.sa_handler = on_usr1;
	sa.sa_flags = SA_RESETHAND;
	sigaction(SIGUSR1, &sa, NULL);
	raise(SIGUSR1);
	struct sigaction cur;
	sigaction(SIGUSR1, NULL, &cur);
	printf("SA_RESETHAND: count %d, handler reset to default %d\n", (int)usr1_count, cur.sa_handler == SIG_DFL);
	signal(SIGUSR1, SIG_IGN);
	raise(SIGUSR1);
	printf("ignored SIGUSR1: count %d\n", (int)usr1_count);
	return 0;
}
