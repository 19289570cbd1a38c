// cflags: -fvect-cost-model=dynamic -funroll-loops
/* Loops the compiler auto-vectorizes at -O2 (cost model forced to
 * "dynamic"): element-wise arithmetic on every integer width, saturating
 * and widening patterns, min/max/abs, shifts, conversions int<->float,
 * reductions, conditional updates, interleaved (struct-of-arrays) access
 * and reversed loops, on lengths that exercise the scalar tails. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 1031
static uint8_t u8a[N], u8b[N], u8r[N];
static int8_t s8a[N], s8r[N];
static uint16_t u16a[N], u16r[N];
static int16_t s16a[N], s16b[N], s16r[N];
static int32_t s32a[N], s32b[N], s32r[N];
static uint32_t u32r[N];
static int64_t s64a[N], s64r[N];
static float fa[N], fb[N], fr[N];
static double da[N], dr[N];
static struct {
	int16_t x, y, z;
} pts[N];
static struct {
	float re, im;
} cpx[N], cpr[N];

static uint64_t acc = 1469598103934665603ULL;
static void fold(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		acc = (acc ^ b[i]) * 1099511628211ULL;
}
#define FOLD(a) fold(a, sizeof a)

__attribute__((noinline)) static void kernels(int n, int sh)
{
	for (int i = 0; i < n; i++)
		u8r[i] = (uint8_t)(u8a[i] + u8b[i] * 3);
	FOLD(u8r);
	for (int i = 0; i < n; i++) {
		unsigned s = (unsigned)u8a[i] + u8b[i];
		u8r[i] = s > 255 ? 255 : (uint8_t)s; /* uqadd */
	}
	FOLD(u8r);
	for (int i = 0; i < n; i++)
		u8r[i] = (uint8_t)((u8a[i] + u8b[i] + 1) >> 1); /* urhadd */
	FOLD(u8r);
	for (int i = 0; i < n; i++)
		u8r[i] = u8a[i] > u8b[i] ? u8a[i] - u8b[i] : u8b[i] - u8a[i]; /* uabd */
	FOLD(u8r);
	for (int i = 0; i < n; i++) {
		int v = s8a[i] * 2;
		s8r[i] = (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
	}
	FOLD(s8r);
	for (int i = 0; i < n; i++)
		u16r[i] = (uint16_t)(u8a[i] * u8b[i]); /* umull */
	FOLD(u16r);
	for (int i = 0; i < n; i++)
		s16r[i] = (int16_t)((s16a[i] * s16b[i]) >> 15);
	FOLD(s16r);
	for (int i = 0; i < n; i++)
		s16r[i] = (int16_t)(s16a[i] < s16b[i] ? s16a[i] : s16b[i]);
	FOLD(s16r);
	for (int i = 0; i < n; i++)
		s16r[i] = (int16_t)(s16a[i] < 0 ? -s16a[i] : s16a[i]);
	FOLD(s16r);
	for (int i = 0; i < n; i++)
		u16r[i] = (uint16_t)(u16a[i] >> sh | u16a[i] << (16 - sh));
	FOLD(u16r);
	for (int i = 0; i < n; i++)
		s32r[i] = s32a[i] * s32b[i] + (s32a[i] >> 3) - (s32b[i] << 2);
	FOLD(s32r);
	for (int i = 0; i < n; i++)
		s32r[i] = s32a[i] > s32b[i] ? s32a[i] : s32b[i];
	FOLD(s32r);
	for (int i = 0; i < n; i++)
		s32r[i] = (int32_t)s16a[i] * s16b[i]; /* smull */
	FOLD(s32r);
	for (int i = 0; i < n; i++)
		u32r[i] = (uint32_t)s32a[i] >> (sh & 31);
	FOLD(u32r);
	for (int i = 0; i < n; i++)
		s64r[i] = s64a[i] * 3 + (int64_t)s32a[i];
	FOLD(s64r);
	for (int i = 0; i < n; i++)
		s64r[i] = (int64_t)s32a[i] * s32b[i];
	FOLD(s64r);
	for (int i = 0; i < n; i++)
		s64r[i] = s64a[i] < 0 ? -s64a[i] : s64a[i];
	FOLD(s64r);

	/* floats */
	for (int i = 0; i < n; i++)
		fr[i] = fa[i] * fb[i] + 0.5f * fa[i];
	FOLD(fr);
	for (int i = 0; i < n; i++)
		fr[i] = fa[i] / (fb[i] == 0.0f ? 1.0f : fb[i]);
	FOLD(fr);
	for (int i = 0; i < n; i++)
		fr[i] = fa[i] > fb[i] ? fa[i] : fb[i];
	FOLD(fr);
	for (int i = 0; i < n; i++)
		fr[i] = (float)s32a[i] * (1.0f / 1024);
	FOLD(fr);
	for (int i = 0; i < n; i++)
		s32r[i] = (int32_t)fa[i];
	FOLD(s32r);
	for (int i = 0; i < n; i++)
		dr[i] = da[i] * da[i] - 2.0 * da[i] + (double)fa[i];
	FOLD(dr);
	for (int i = 0; i < n; i++)
		fr[i] = (float)da[i];
	FOLD(fr);
	for (int i = 0; i < n; i++)
		s64r[i] = (int64_t)da[i];
	FOLD(s64r);

	/* reductions (integer: exact regardless of order) */
	uint32_t sum8 = 0;
	int64_t sum32 = 0, dot = 0;
	int32_t mx = INT32_MIN;
	uint64_t x = 0;
	for (int i = 0; i < n; i++)
		sum8 += u8a[i];
	for (int i = 0; i < n; i++)
		sum32 += s32a[i];
	for (int i = 0; i < n; i++)
		dot += (int64_t)s16a[i] * s16b[i];
	for (int i = 0; i < n; i++)
		mx = s32a[i] > mx ? s32a[i] : mx;
	for (int i = 0; i < n; i++)
		x ^= (uint64_t)s64a[i];
	printf("  n=%4d reductions: %u %lld %lld %d %016llx\n", n, sum8, (long long)sum32, (long long)dot, mx,
	       (unsigned long long)x);

	/* conditional update, interleaved structs, reversed copy */
	for (int i = 0; i < n; i++)
		if (s32a[i] & 1)
			s32r[i] = s32b[i];
	FOLD(s32r);
	for (int i = 0; i < n; i++) {
		pts[i].x = (int16_t)(pts[i].x + pts[i].y);
		pts[i].z = (int16_t)(pts[i].z ^ pts[i].x);
	}
	FOLD(pts);
	for (int i = 0; i < n; i++) {
		cpr[i].re = cpx[i].re * cpx[i].re - cpx[i].im * cpx[i].im;
		cpr[i].im = 2.0f * cpx[i].re * cpx[i].im;
	}
	FOLD(cpr);
	for (int i = 0; i < n; i++)
		s16r[i] = s16a[n - 1 - i];
	FOLD(s16r);
}

int main(void)
{
	uint64_t s = 0x243f6a8885a308d3ULL;
	for (int i = 0; i < N; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		u8a[i] = (uint8_t)s;
		u8b[i] = (uint8_t)(s >> 8);
		s8a[i] = (int8_t)(s >> 16);
		u16a[i] = (uint16_t)(s >> 20);
		s16a[i] = (int16_t)(s >> 24);
		s16b[i] = (int16_t)(s >> 40);
		s32a[i] = (int32_t)(s >> 13);
		s32b[i] = (int32_t)(s >> 29) % 100000;
		s64a[i] = (int64_t)s;
		fa[i] = (float)(int32_t)(s >> 32) / 1e6f;
		fb[i] = (float)(int16_t)(s >> 3) / 100.0f;
		da[i] = (double)(int64_t)s / 1e15;
		pts[i].x = (int16_t)s, pts[i].y = (int16_t)(s >> 16), pts[i].z = (int16_t)(s >> 32);
		cpx[i].re = (float)(int8_t)s / 16, cpx[i].im = (float)(int8_t)(s >> 8) / 16;
	}
	static const int lens[] = {0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 64, 100, 255, 1000, N};
	for (size_t k = 0; k < sizeof lens / sizeof lens[0]; k++) {
		memset(s32r, 0, sizeof s32r);
		kernels(lens[k], 1 + (int)k % 15);
		printf("n=%4d checksum %016llx\n", lens[k], (unsigned long long)acc);
	}
	return 0;
}
