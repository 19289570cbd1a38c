/* setjmp/longjmp: non-local exits from deep recursion, through several
 * frames, preserving volatile locals and callee-saved FP registers, plus a
 * coroutine-like ping-pong between two jmp_bufs. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>

static jmp_buf env;
static int depth_reached;

static int recurse(int n, int limit)
{
	volatile char pad[64];
	pad[n % 64] = (char)n;
	depth_reached = n;
	if (n == limit)
		longjmp(env, limit);
	if (n > 100000)
		return 0;
	return recurse(n + 1, limit) + pad[n % 64];
}

static double fpwork(double x, int bail)
{
	double a = x * 1.5, b = x / 3.0, c = x + 0.25;
	if (bail)
		longjmp(env, 77);
	return a + b + c;
}

/* A tiny exception mechanism */
static jmp_buf *handler;
static void throw_(int code) { longjmp(*handler, code); }

static int parse_digit(char c)
{
	if (c < '0' || c > '9')
		throw_(c);
	return c - '0';
}

static long parse(const char *s)
{
	long v = 0;
	for (; *s; s++)
		v = v * 10 + parse_digit(*s);
	return v;
}

int main(void)
{
	for (int limit = 1; limit <= 2000; limit *= 3) {
		volatile int tries = 0;
		int r = setjmp(env);
		tries++;
		if (r == 0)
			recurse(0, limit);
		printf("longjmp from depth %d returned %d (tries %d)\n", depth_reached, r, tries);
	}

	volatile double keep = 2.75;
	register double d8 asm("d8") = 1.25; /* callee-saved, restored by longjmp */
	int r = setjmp(env);
	if (r == 0) {
		keep = 3.5;
		fpwork(keep, 1);
	}
	__asm__ volatile("" : "+w"(d8));
	printf("fp: r=%d keep=%g d8=%g work=%g\n", r, keep, d8, fpwork(keep, 0));

	const char *inputs[] = {"12345", "99x1", "", "000777", "12.5", "9223372036854775807"};
	for (int i = 0; i < 6; i++) {
		jmp_buf local;
		jmp_buf *saved = handler;
		handler = &local;
		int code = setjmp(local);
		if (code == 0)
			printf("parse(\"%s\") = %ld\n", inputs[i], parse(inputs[i]));
		else
			printf("parse(\"%s\") threw '%c'\n", inputs[i], code);
		handler = saved;
	}

	/* sigsetjmp without mask saving */
	sigjmp_buf sj;
	volatile int count = 0;
	if (sigsetjmp(sj, 0) < 5) {
		count++;
		siglongjmp(sj, count);
	}
	printf("sigsetjmp loop count %d\n", count);
	return 0;
}
