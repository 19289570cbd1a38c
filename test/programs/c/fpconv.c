/* Float <-> integer conversion edge cases (the hardware saturates; the
 * binary is the same under both emulators so out-of-range results are
 * whatever FCVTZS/FCVTZU produce), int -> float rounding, float <-> double
 * <-> half conversions, and the ACLE rounding conversions. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* noinline wrappers: each forces a runtime conversion instruction */
#define CONV(name, from, to)                                                                                           \
	static __attribute__((noinline)) to name(from x) { return (to)x; }
CONV(d2s32, double, int32_t)
CONV(d2u32, double, uint32_t)
CONV(d2s64, double, int64_t)
CONV(d2u64, double, uint64_t)
CONV(f2s32, float, int32_t)
CONV(f2u32, float, uint32_t)
CONV(f2s64, float, int64_t)
CONV(f2u64, float, uint64_t)
CONV(s64d, int64_t, double)
CONV(u64d, uint64_t, double)
CONV(s64f, int64_t, float)
CONV(u64f, uint64_t, float)
CONV(s32f, int32_t, float)
CONV(u32f, uint32_t, float)
CONV(d2f, double, float)
CONV(f2d, float, double)
CONV(d2h, double, __fp16)
CONV(h2f, __fp16, float)
CONV(f2h, float, __fp16)

static uint32_t fbits(float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	return u;
}
static uint64_t dbits(double d)
{
	uint64_t u;
	memcpy(&u, &d, 8);
	return u;
}
static uint16_t hbits(__fp16 h)
{
	uint16_t u;
	memcpy(&u, &h, 2);
	return u;
}

int main(void)
{
	static const double ds[] = {0.0, -0.0, 0.4, 0.5, 0.9999999999999999, 1.0, -1.0, -0.5, -1.5, 2147483647.0,
				    2147483647.5, 2147483648.0, -2147483648.0, -2147483648.9, -2147483649.0,
				    4294967295.0, 4294967296.0, 9.2233720368547748e18, 9.2233720368547758e18,
				    -9.2233720368547758e18, -9.2233720368547779e18, 1.8446744073709550e19,
				    1.8446744073709552e19, 1e30, -1e30, INFINITY, -INFINITY, NAN, -NAN, DBL_MIN,
				    4.9e-324, 123456789.987654321, -987654321.123456789};
	for (size_t i = 0; i < sizeof ds / sizeof ds[0]; i++) {
		double d = ds[i];
		float f = d2f(d);
		printf("%-24.17g s32 %11d u32 %10u s64 %20lld u64 %20llu | f=%08x s32 %11d u32 %10u s64 %20lld u64 "
		       "%20llu\n",
		       d, d2s32(d), d2u32(d), (long long)d2s64(d), (unsigned long long)d2u64(d), fbits(f), f2s32(f),
		       f2u32(f), (long long)f2s64(f), (unsigned long long)f2u64(f));
		printf("    lrint %lld llround %lld lround %ld rint %a round %a trunc %a | h=%04x back %a\n",
		       isfinite(d) && fabs(d) < 9e18 ? (long long)llrint(d) : 0LL,
		       isfinite(d) && fabs(d) < 9e18 ? (long long)llround(d) : 0LL,
		       isfinite(d) && fabs(d) < 9e18 ? lround(d) : 0L, rint(d), round(d), trunc(d), hbits(d2h(d)),
		       (double)h2f(d2h(d)));
	}

	/* integer -> float rounding (round to nearest even at the boundaries) */
	static const int64_t is[] = {0, 1, -1, 16777216, 16777217, 16777218, 16777219, -16777217, 9007199254740992,
				     9007199254740993, 9007199254740995, INT64_MAX, INT64_MIN, INT64_MIN + 1,
				     (int64_t)0x7ffffe0000000000, (int64_t)0x7fffff8000000001};
	for (size_t i = 0; i < sizeof is / sizeof is[0]; i++) {
		int64_t v = is[i];
		printf("%20lld -> d %a f %a | u64 %20llu -> d %a f %a | s32 %d -> f %a u32 -> f %a\n", (long long)v,
		       s64d(v), (double)s64f(v), (unsigned long long)v, u64d((uint64_t)v), (double)u64f((uint64_t)v),
		       (int32_t)v, (double)s32f((int32_t)v), (double)u32f((uint32_t)v));
	}

	/* double -> float rounding, subnormals, overflow */
	static const double dd[] = {1.0 + 0x1p-24, 1.0 + 0x1p-23 + 0x1p-24, 1.0 + 0x1p-24 + 0x1p-60, 3.4028235677973366e38,
				    3.4028234663852886e38 * (1 + 0x1p-25), 1e-40, 1.4e-45, 7e-46, 0x1p-150, 0x1.8p-150,
				    -0x1p-149};
	for (size_t i = 0; i < sizeof dd / sizeof dd[0]; i++) {
		float f = d2f(dd[i]);
		printf("d2f(%a) = %a [%08x] -> %a\n", dd[i], (double)f, fbits(f), f2d(f));
	}
	/* half precision */
	static const float hs[] = {0.0f, 1.0f, 65504.0f, 65520.0f, 1e5f, 6.1e-5f, 5.96e-8f, 2.98e-8f, 1.0009765625f,
				   1.00048828125f, 1.00146484375f, -2.5f, NAN, INFINITY};
	for (size_t i = 0; i < sizeof hs / sizeof hs[0]; i++) {
		__fp16 h = f2h(hs[i]);
		printf("f2h(%a) = %04x -> %a\n", (double)hs[i], hbits(h), (double)h2f(h));
	}

	/* sweep: many values, all conversions folded */
	uint64_t acc = 1469598103934665603ULL;
	double x = -3e19;
	for (int i = 0; i < 20000; i++) {
		x = x * -0.9993 + (double)(i % 17) * 0.37;
		float f = d2f(x);
		uint64_t v = (uint64_t)d2s64(x) ^ d2u64(x) * 3 ^ (uint64_t)d2s32(x) * 5 ^ (uint64_t)d2u32(x) * 7 ^
			     (uint64_t)f2s64(f) * 11 ^ f2u64(f) * 13 ^ (uint64_t)f2s32(f) * 17 ^ (uint64_t)f2u32(f) * 19 ^
			     dbits(s64d((int64_t)dbits(x))) ^ fbits(u64f(dbits(x))) ^ hbits(f2h(f));
		acc = (acc ^ v) * 1099511628211ULL;
	}
	printf("sweep %016llx\n", (unsigned long long)acc);
	return 0;
}
