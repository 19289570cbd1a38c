/* Memory copy loop (loads and stores): copies a 16 KiB buffer with
 * LDP/STP of 16 bytes (post-indexed) + SUBS + B.NE = 4 instructions per
 * 16 bytes; the outer loop re-arms three registers and branches
 * (5 instructions per pass). */
#include "bench.h"

#define BUFSZ 16384
static uint64_t src[BUFSZ / 8], dst[BUFSZ / 8];

int main(int argc, char **argv)
{
	uint64_t passes = iterations(argc, argv, 40000);
	for (int i = 0; i < BUFSZ / 8; i++)
		src[i] = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
	uint64_t inner = BUFSZ / 16, cnt = passes;
	uint64_t t0 = now_ns();
	__asm__ volatile("1:\n"
			 "mov  x9, %1\n"
			 "mov  x10, %2\n"
			 "mov  x11, %3\n"
			 "2:\n"
			 "ldp  x12, x13, [x9], #16\n"
			 "stp  x12, x13, [x10], #16\n"
			 "subs x11, x11, #1\n"
			 "b.ne 2b\n"
			 "subs %0, %0, #1\n"
			 "b.ne 1b\n"
			 : "+r"(cnt)
			 : "r"(src), "r"(dst), "r"(inner)
			 : "x9", "x10", "x11", "x12", "x13", "cc", "memory");
	uint64_t t1 = now_ns();
	uint64_t sum = 0;
	for (int i = 0; i < BUFSZ / 8; i++)
		sum = sum * 31 + dst[i];
	report("memcopy", passes, passes * (inner * 4 + 5), t1 - t0, sum);
	printf("bytes=%" PRIu64 "\n", passes * BUFSZ);
	return 0;
}
