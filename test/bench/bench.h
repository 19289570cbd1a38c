/* Shared helpers of the guest microbenchmarks: each one times its own
 * inner loop (whose instruction count is known exactly from the inline
 * assembly) with CLOCK_MONOTONIC and prints one line
 *   NAME iterations=N instructions=I ns=T checksum=X
 * that test/bench/run.sh parses. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t iterations(int argc, char **argv, uint64_t def)
{
	if (argc > 1) {
		uint64_t n = strtoull(argv[1], NULL, 0);
		if (n > 0)
			return n;
	}
	return def;
}

static void report(const char *name, uint64_t iters, uint64_t insns, uint64_t ns, uint64_t checksum)
{
	printf("%s iterations=%" PRIu64 " instructions=%" PRIu64 " ns=%" PRIu64 " checksum=%016" PRIx64 "\n", name,
	       iters, insns, ns, checksum);
}
