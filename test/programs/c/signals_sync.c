/* Synchronous signals with handlers: SIGSEGV (unmapped, read-only),
 * SIGILL (udf), SIGTRAP (brk), SIGBUS (misaligned exclusive). Handlers
 * either siglongjmp out or step the PC past the fault and return through
 * rt_sigreturn; registers must survive the round trip. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

static sigjmp_buf env;
static volatile int step; /* 1: skip the faulting instruction, 0: longjmp */
static volatile uintptr_t seen_addr;
static volatile int seen_code, seen_sig;

static void handler(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;
	seen_sig = sig;
	seen_code = si->si_code;
	seen_addr = (uintptr_t)si->si_addr;
	if (step) {
		uc->uc_mcontext.pc += 4;
		uc->uc_mcontext.regs[0] = 0x1234; /* visible after sigreturn */
		return;
	}
	siglongjmp(env, sig);
}

static void report(const char *what, uintptr_t want_addr)
{
	/* qemu 7.2 reports SIGILL with ILL_ILLOPN where Linux (do_el0_undef)
	 * reports ILL_ILLOPC, so the SIGILL code is not printed. */
	printf("%-22s sig=%d code=%d addr=%s\n", what, seen_sig, seen_sig == SIGILL ? -1 : seen_code,
	       seen_addr == want_addr ? "ok" : "WRONG");
}

int main(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, 0);
	sigaction(SIGILL, &sa, 0);
	sigaction(SIGTRAP, &sa, 0);
	sigaction(SIGBUS, &sa, 0);

	/* 1. unmapped read, longjmp out */
	if (sigsetjmp(env, 1) == 0) {
		volatile int *p = (int *)0x10;
		(void)*p;
	}
	report("null read", 0x10);

	/* 2. write to a read-only page, step over it, x0 set by the handler */
	char *ro = mmap(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	step = 1;
	uint64_t x0;
	__asm__ volatile("mov x0, #7\n\tstr x0, [%1]\n\tmov %0, x0" : "=r"(x0) : "r"(ro + 8) : "x0", "memory");
	report("read-only write", (uintptr_t)(ro + 8));
	printf("x0 after sigreturn: %#lx\n", (unsigned long)x0);

	/* 3. udf, step over */
	__asm__ volatile(".inst 0x00000000" ::: "memory");
	report("udf", seen_addr);
	printf("SIGILL addr is the pc: %s\n", seen_addr > 0x400000 ? "yes" : "no");

	/* 4. brk, longjmp */
	step = 0;
	if (sigsetjmp(env, 1) == 0)
		__asm__ volatile("brk #1" ::: "memory");
	report("brk", seen_addr);

	/* 5. misaligned exclusive */
	static uint64_t buf[4];
	if (sigsetjmp(env, 1) == 0) {
		uint64_t v;
		__asm__ volatile("ldxr %0, [%1]" : "=r"(v) : "r"((char *)buf + 1) : "memory");
	}
	report("misaligned ldxr", (uintptr_t)buf + 1);

	/* 6. the mask: SIGSEGV is unblocked again after siglongjmp(…, 1) */
	sigset_t cur;
	sigprocmask(SIG_BLOCK, 0, &cur);
	printf("SIGSEGV blocked after longjmp: %d\n", sigismember(&cur, SIGSEGV));

	/* 7. without a handler, the process dies by SIGSEGV */
	signal(SIGSEGV, SIG_DFL);
	fflush(stdout);
	*(volatile int *)8 = 1;
	return 0;
}
