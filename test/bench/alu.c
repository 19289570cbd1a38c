/* Integer ALU loop: 8 data-processing instructions (register and
 * immediate forms, shifted operands, flags-free) + SUBS + B.NE = exactly
 * 10 instructions per iteration. */
#include "bench.h"

int main(int argc, char **argv)
{
	uint64_t n = iterations(argc, argv, 30000000);
	uint64_t a = 1, b = 2, c = 3, d = 4, cnt = n;
	uint64_t t0 = now_ns();
	__asm__ volatile("1:\n"
			 "add  %0, %0, %1\n"
			 "eor  %1, %1, %2, lsr #3\n"
			 "orr  %2, %2, %0\n"
			 "sub  %3, %3, %2, lsl #1\n"
			 "add  %1, %1, #13\n"
			 "and  %2, %2, %3\n"
			 "eor  %0, %0, %3, ror #7\n"
			 "add  %3, %3, %0\n"
			 "subs %4, %4, #1\n"
			 "b.ne 1b\n"
			 : "+r"(a), "+r"(b), "+r"(c), "+r"(d), "+r"(cnt)
			 :
			 : "cc");
	uint64_t t1 = now_ns();
	report("alu", n, 10 * n, t1 - t0, a ^ b ^ c ^ d);
	return 0;
}
