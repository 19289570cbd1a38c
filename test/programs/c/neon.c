// cflags: -march=armv8-a+crc+crypto
/* Advanced SIMD through arm_neon.h intrinsics on generated data: integer
 * lane arithmetic (wrapping, saturating, halving, widening, narrowing),
 * compares and bit selects, shifts, permutes (zip/uzp/trn/ext/rev/tbl),
 * across-lane reductions, float vectors (fma, min/max, sqrt, reciprocal
 * estimates, conversions), plus the CRC32 and AES/SHA-256 instructions.
 * Each group is folded into a checksum that is printed. */
#include <arm_acle.h>
#include <arm_neon.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 4096
static uint8_t b8[N + 64];
static int16_t h16[N + 64];
static int32_t w32[N + 64];
static float f32[N + 64];
static double f64[N + 64];

static uint64_t acc;
static void fold(const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		acc = (acc ^ b[i]) * 1099511628211ULL;
}
#define FOLD(v) fold(&(v), sizeof(v))

static void group(const char *name)
{
	printf("%-10s %016llx\n", name, (unsigned long long)acc);
	acc = 1469598103934665603ULL;
}

int main(void)
{
	uint32_t x = 2463534242u;
	for (int i = 0; i < N + 64; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		b8[i] = (uint8_t)x;
		h16[i] = (int16_t)(x >> 8);
		w32[i] = (int32_t)x;
		f32[i] = (float)(int32_t)x / 65536.0f;
		f64[i] = (double)(int32_t)x / 3.0e6;
	}
	acc = 1469598103934665603ULL;

	/* bytes: wrapping, saturating, halving, abs diff, widening */
	for (int i = 0; i < N; i += 16) {
		uint8x16_t a = vld1q_u8(b8 + i), b = vld1q_u8(b8 + i + 7);
		int8x16_t sa = vreinterpretq_s8_u8(a), sb = vreinterpretq_s8_u8(b);
		uint8x16_t r1 = vaddq_u8(a, b), r2 = vqaddq_u8(a, b), r3 = vqsubq_u8(a, b), r4 = vhaddq_u8(a, b);
		uint8x16_t r5 = vrhaddq_u8(a, b), r6 = vabdq_u8(a, b), r7 = vmulq_u8(a, b), r8 = vmaxq_u8(a, b);
		int8x16_t r9 = vqaddq_s8(sa, sb), r10 = vqsubq_s8(sa, sb), r11 = vabsq_s8(sa), r12 = vqnegq_s8(sa);
		uint16x8_t w1 = vaddl_u8(vget_low_u8(a), vget_low_u8(b)), w2 = vmull_u8(vget_high_u8(a), vget_high_u8(b));
		uint16x8_t w3 = vabal_u8(w1, vget_low_u8(a), vget_high_u8(b));
		uint8x8_t n1 = vqmovn_u16(w2), n2 = vshrn_n_u16(w2, 5), n3 = vraddhn_u16(w1, w2);
		uint8x16_t c1 = vcntq_u8(a), c2 = vclzq_u8(b), c3 = vrbitq_u8(a);
		FOLD(r1), FOLD(r2), FOLD(r3), FOLD(r4), FOLD(r5), FOLD(r6), FOLD(r7), FOLD(r8);
		FOLD(r9), FOLD(r10), FOLD(r11), FOLD(r12), FOLD(w1), FOLD(w2), FOLD(w3), FOLD(n1), FOLD(n2), FOLD(n3);
		FOLD(c1), FOLD(c2), FOLD(c3);
	}
	group("int8");

	/* halfwords and words: multiply-accumulate, doubling, shifts */
	for (int i = 0; i < N; i += 8) {
		int16x8_t a = vld1q_s16(h16 + i), b = vld1q_s16(h16 + i + 3);
		int16x8_t r1 = vmlaq_s16(a, a, b), r2 = vqdmulhq_s16(a, b), r3 = vqrdmulhq_s16(a, b);
		int16x8_t r4 = vshlq_s16(a, vandq_s16(b, vdupq_n_s16(15))), r5 = vqshlq_s16(a, vdupq_n_s16(3));
		int16x8_t r6 = vrshrq_n_s16(a, 4), r7 = vsraq_n_s16(a, b, 2), r8 = vqrshlq_s16(a, vdupq_n_s16(-3));
		int32x4_t l1 = vmull_s16(vget_low_s16(a), vget_low_s16(b)), l2 = vqdmull_high_s16(a, b);
		int32x4_t l3 = vmlal_high_s16(l1, a, b), l4 = vpaddlq_s16(a);
		int16x8_t r9 = vqmovn_high_s32(vqmovn_s32(l1), l2);
		uint16x8_t r10 = vqmovun_high_s32(vqmovun_s32(l3), l4);
		int16x8_t r11 = vmulq_lane_s16(a, vget_low_s16(b), 2), r12 = vmlsq_laneq_s16(a, b, a, 7);
		FOLD(r1), FOLD(r2), FOLD(r3), FOLD(r4), FOLD(r5), FOLD(r6), FOLD(r7), FOLD(r8);
		FOLD(l1), FOLD(l2), FOLD(l3), FOLD(l4), FOLD(r9), FOLD(r10), FOLD(r11), FOLD(r12);
	}
	for (int i = 0; i < N; i += 4) {
		int32x4_t a = vld1q_s32(w32 + i), b = vld1q_s32(w32 + i + 1);
		int32x4_t r1 = vmulq_s32(a, b), r2 = vqaddq_s32(a, b), r3 = vshrq_n_s32(a, 7), r4 = vshlq_n_s32(b, 9);
		uint32x4_t r5 = vcgtq_s32(a, b), r6 = vceqzq_s32(vandq_s32(a, vdupq_n_s32(3))), r7 = vtstq_s32(a, b);
		int32x4_t r8 = vbslq_s32(r5, a, b), r9 = vminq_s32(a, b), r10 = vnegq_s32(a);
		int64x2_t l1 = vmull_high_s32(a, b), l2 = vmovl_s32(vget_low_s32(a)), l3 = vaddw_high_s32(l1, b);
		int64x2_t l4 = vshlq_s64(l1, vdupq_n_s64(-5)), l5 = vsubq_s64(l2, l3);
		uint64x2_t l6 = vcltq_s64(l1, l2);
		int32x4_t r11 = vextq_s32(a, b, 3), r12 = vrev64q_s32(a), r13 = vuzp1q_s32(a, b), r14 = vzip2q_s32(a, b);
		int32x4_t r15 = vtrn1q_s32(a, b), r16 = vclsq_s32(a);
		FOLD(r1), FOLD(r2), FOLD(r3), FOLD(r4), FOLD(r5), FOLD(r6), FOLD(r7), FOLD(r8), FOLD(r9), FOLD(r10);
		FOLD(l1), FOLD(l2), FOLD(l3), FOLD(l4), FOLD(l5), FOLD(l6), FOLD(r11), FOLD(r12), FOLD(r13), FOLD(r14);
		FOLD(r15), FOLD(r16);
	}
	group("int16/32");

	/* reductions and table lookups */
	uint64_t red = 0;
	for (int i = 0; i < N; i += 16) {
		uint8x16_t a = vld1q_u8(b8 + i);
		int16x8_t h = vld1q_s16(h16 + (i / 2));
		int32x4_t w = vld1q_s32(w32 + (i / 4));
		red = red * 31 + vaddvq_u8(a) + vmaxvq_u8(a) + vminvq_u8(a) + (uint64_t)vaddlvq_u8(a);
		red = red * 31 + (uint64_t)vaddvq_s16(h) + (uint64_t)vmaxvq_s16(h) + (uint64_t)vaddlvq_s16(h);
		red = red * 31 + (uint64_t)vaddvq_s32(w) + (uint64_t)vminvq_s32(w) + (uint64_t)vaddlvq_s32(w);
		uint8x16_t idx = vandq_u8(vld1q_u8(b8 + i + 5), vdupq_n_u8(31));
		uint8x16x2_t tbl = {{vld1q_u8(b8 + i + 16), vld1q_u8(b8 + i + 32)}};
		uint8x16_t t1 = vqtbl2q_u8(tbl, idx), t2 = vqtbx1q_u8(a, tbl.val[0], idx), t3 = vqtbl1q_u8(a, idx);
		uint8x16_t p1 = vpaddq_u8(a, t1), p2 = vpmaxq_u8(a, t2);
		FOLD(t1), FOLD(t2), FOLD(t3), FOLD(p1), FOLD(p2);
	}
	FOLD(red);
	group("reduce/tbl");

	/* interleaved loads/stores */
	uint8_t outb[3 * 64];
	for (int i = 0; i < N - 64; i += 48) {
		uint8x16x3_t v = vld3q_u8(b8 + i);
		v.val[0] = vaddq_u8(v.val[0], v.val[2]);
		vst3q_u8(outb, v);
		fold(outb, 48);
		int16x8x4_t h = vld4q_s16(h16 + i);
		h.val[1] = vsubq_s16(h.val[1], h.val[3]);
		int16_t outh[32];
		vst4q_s16(outh, h);
		fold(outh, sizeof outh);
		uint32x4_t one = vld1q_dup_u32((const uint32_t *)(w32 + i));
		uint32x4_t lane = vld1q_lane_u32((const uint32_t *)(w32 + i + 5), one, 2);
		FOLD(lane);
		uint8x16x2_t v2 = vld1q_u8_x2(b8 + i + 3);
		vst2q_u8(outb, v2);
		fold(outb, 32);
	}
	group("ld/st");

	/* floats */
	for (int i = 0; i < N; i += 4) {
		float32x4_t a = vld1q_f32(f32 + i), b = vld1q_f32(f32 + i + 2);
		float32x4_t r1 = vaddq_f32(a, b), r2 = vmulq_f32(a, b), r3 = vfmaq_f32(a, a, b), r4 = vdivq_f32(a, b);
		float32x4_t r5 = vsqrtq_f32(vabsq_f32(a)), r6 = vminnmq_f32(a, b), r7 = vmaxq_f32(a, b);
		float32x4_t r8 = vrecpeq_f32(b), r9 = vrsqrteq_f32(vabsq_f32(b)), r10 = vrecpsq_f32(a, b);
		float32x4_t r11 = vrndnq_f32(a), r12 = vrndmq_f32(b), r13 = vrndaq_f32(a), r14 = vfmsq_laneq_f32(a, b, a, 1);
		int32x4_t c1 = vcvtq_s32_f32(a), c2 = vcvtnq_s32_f32(b), c3 = vcvtq_n_s32_f32(a, 8);
		uint32x4_t c4 = vcvtq_u32_f32(r2), c5 = vcageq_f32(a, b);
		float32x4_t c6 = vcvtq_f32_s32(vld1q_s32(w32 + i)), c7 = vcvtq_n_f32_s32(vld1q_s32(w32 + i), 16);
		float32x4_t p1 = vpaddq_f32(a, b);
		float sum = vaddvq_f32(a), mx = vmaxnmvq_f32(b);
		FOLD(r1), FOLD(r2), FOLD(r3), FOLD(r4), FOLD(r5), FOLD(r6), FOLD(r7), FOLD(r8), FOLD(r9), FOLD(r10);
		FOLD(r11), FOLD(r12), FOLD(r13), FOLD(r14), FOLD(c1), FOLD(c2), FOLD(c3), FOLD(c4), FOLD(c5), FOLD(c6);
		FOLD(c7), FOLD(p1), FOLD(sum), FOLD(mx);
	}
	for (int i = 0; i < N; i += 2) {
		float64x2_t a = vld1q_f64(f64 + i), b = vld1q_f64(f64 + i + 1);
		float64x2_t r1 = vfmaq_f64(a, a, b), r2 = vdivq_f64(a, b), r3 = vsqrtq_f64(vabsq_f64(b));
		float64x2_t r4 = vrndiq_f64(r2), r5 = vmulxq_f64(a, b);
		int64x2_t c1 = vcvtq_s64_f64(r2), c2 = vcvtaq_s64_f64(a);
		float32x2_t n1 = vcvt_f32_f64(r2);
		float64x2_t w1 = vcvt_f64_f32(n1);
		float16x4_t hh = vcvt_f16_f32(vcombine_f32(n1, n1));
		float32x4_t hb = vcvt_f32_f16(hh);
		FOLD(r1), FOLD(r2), FOLD(r3), FOLD(r4), FOLD(r5), FOLD(c1), FOLD(c2), FOLD(n1), FOLD(w1), FOLD(hh), FOLD(hb);
	}
	group("float");

	/* CRC32 instructions */
	uint32_t crc = 0xffffffff, crcc = 0xffffffff;
	for (int i = 0; i < N; i += 8) {
		uint64_t d;
		memcpy(&d, b8 + i, 8);
		crc = __crc32d(crc, d);
		crcc = __crc32cd(crcc, d);
		crc = __crc32b(crc, b8[i]);
		crcc = __crc32ch(crcc, (uint16_t)h16[i]);
		crcc = __crc32cw(crcc, (uint32_t)w32[i]);
	}
	printf("crc32      %08x %08x\n", ~crc, ~crcc);
	const char *fox = "The quick brown fox jumps over the lazy dog";
	uint32_t fc = 0xffffffff;
	for (const char *p = fox; *p; p++)
		fc = __crc32b(fc, (uint8_t)*p);
	printf("crc32(fox) %08x\n", ~fc);

	/* AES rounds, SHA-256 schedule/hash updates, polynomial multiply */
	uint8x16_t st = vld1q_u8(b8), key = vld1q_u8(b8 + 16);
	for (int r = 0; r < 200; r++) {
		st = vaeseq_u8(st, key);
		st = vaesmcq_u8(st);
		key = veorq_u8(key, vld1q_u8(b8 + (r % 64)));
	}
	for (int r = 0; r < 200; r++) {
		st = vaesdq_u8(st, key);
		st = vaesimcq_u8(st);
	}
	FOLD(st);
	uint32x4_t abcd = vld1q_u32((const uint32_t *)w32), efgh = vld1q_u32((const uint32_t *)w32 + 4);
	for (int r = 0; r < 64; r++) {
		uint32x4_t m0 = vld1q_u32((const uint32_t *)w32 + 8 + 4 * r), m1 = vld1q_u32((const uint32_t *)w32 + 12 + 4 * r);
		uint32x4_t m2 = vld1q_u32((const uint32_t *)w32 + 16 + 4 * r), m3 = vld1q_u32((const uint32_t *)w32 + 20 + 4 * r);
		uint32x4_t s = vsha256su1q_u32(vsha256su0q_u32(m0, m1), m2, m3);
		uint32x4_t t = abcd;
		abcd = vsha256hq_u32(abcd, efgh, s);
		efgh = vsha256h2q_u32(efgh, t, s);
	}
	FOLD(abcd), FOLD(efgh);
	uint32_t e = 0x12345678;
	uint32x4_t s1 = vld1q_u32((const uint32_t *)w32 + 3);
	for (int r = 0; r < 50; r++) {
		uint32x4_t w = vld1q_u32((const uint32_t *)w32 + 100 + 4 * r);
		uint32x4_t s1n = vsha1cq_u32(s1, e, w);
		e = vsha1h_u32(vgetq_lane_u32(s1, 0));
		s1 = vsha1su1q_u32(vsha1su0q_u32(s1n, w, s1), w);
		s1 = vsha1pq_u32(s1, e, w);
		s1 = vsha1mq_u32(s1, e, w);
	}
	FOLD(s1), FOLD(e);
	poly128_t pm = vmull_p64((poly64_t)0x87654321deadbeefULL, (poly64_t)0xfedcba9812345678ULL);
	poly16x8_t p8 = vmull_p8(vld1_p8((const poly8_t *)b8), vld1_p8((const poly8_t *)b8 + 8));
	FOLD(pm), FOLD(p8);
	group("crypto");
	return 0;
}
