/* Floating-point loop: FMADD, FMUL, FADD, FSUB, FDIV, FSQRT, FMAX and a
 * single-precision FMADD (8 FP instructions) + SUBS + B.NE = exactly 10
 * instructions per iteration. Values stay finite and normal. */
#include <string.h>

#include "bench.h"

int main(int argc, char **argv)
{
	uint64_t n = iterations(argc, argv, 10000000);
	double x = 1.0, half = 0.5, one = 1.0, acc = 0.0, r = 0.0, s = 0.0, m = 0.0, decay = 0.999999;
	float fx = 1.0f, fh = 0.25f, fo = 2.0f;
	uint64_t cnt = n;
	uint64_t t0 = now_ns();
	__asm__ volatile("1:\n"
			 "fmadd %d0, %d0, %d5, %d6\n" /* x = x*0.5 + 1 -> 2 */
			 "fmul  %d1, %d1, %d7\n"      /* acc *= decay */
			 "fadd  %d1, %d1, %d6\n"      /* acc += 1 -> bounded */
			 "fdiv  %d2, %d6, %d0\n"      /* r = 1/x */
			 "fsqrt %d3, %d0\n"           /* s = sqrt(x) */
			 "fsub  %d4, %d3, %d2\n"      /* m = s - r */
			 "fmax  %d4, %d4, %d2\n"
			 "fmadd %s8, %s8, %s9, %s10\n" /* fx = fx*0.25 + 2 */
			 "subs  %11, %11, #1\n"
			 "b.ne  1b\n"
			 : "+w"(x), "+w"(acc), "+w"(r), "+w"(s), "+w"(m), "+w"(half), "+w"(one), "+w"(decay), "+w"(fx),
			   "+w"(fh), "+w"(fo), "+r"(cnt)
			 :
			 : "cc");
	uint64_t t1 = now_ns();
	double all = x + acc + r + s + m + fx;
	uint64_t bits;
	memcpy(&bits, &all, sizeof bits);
	report("fp", n, 10 * n, t1 - t0, bits);
	return 0;
}
