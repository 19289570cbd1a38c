/* Bit manipulation: __builtin_clz/ctz/popcount/parity/bswap/clrsb, bit
 * reversal, rotates, bitfield extract/insert, shifts by variable amounts,
 * sign/zero extension, conditional select patterns. */
#include <stdint.h>
#include <stdio.h>

static uint32_t rng = 0x9e3779b9u;
static uint64_t next64(void)
{
	uint64_t r = 0;
	for (int i = 0; i < 2; i++) {
		rng ^= rng << 13;
		rng ^= rng >> 17;
		rng ^= rng << 5;
		r = r << 32 | rng;
	}
	return r;
}

static uint32_t rev32(uint32_t x)
{
	uint32_t r = 0;
	for (int i = 0; i < 32; i++)
		r |= ((x >> i) & 1) << (31 - i);
	return r;
}

struct bf {
	unsigned a : 3;
	signed b : 5;
	unsigned c : 13;
	signed d : 11;
	unsigned long long e : 33;
	signed long long f : 31;
};

int main(void)
{
	volatile uint64_t fixed[] = {0, 1, 2, 3, 0x80, 0xff, 0x8000, 0x80000000ULL, 0xffffffffULL, 0x100000000ULL,
				     0x8000000000000000ULL, 0xffffffffffffffffULL, 0x0123456789abcdefULL,
				     0xf0f0f0f00f0f0f0fULL, 0x7fffffffffffffffULL};
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
		uint64_t x = fixed[i];
		uint32_t w = (uint32_t)x;
		printf("%016llx: clz %d ctz %d pop %d par %d clrsb %d | w clz %d ctz %d pop %d bswap %08x rbit %08x | "
		       "bswap64 %016llx bswap16 %04x\n",
		       (unsigned long long)x, x ? __builtin_clzll(x) : 64, x ? __builtin_ctzll(x) : 64,
		       __builtin_popcountll(x), __builtin_parityll(x), __builtin_clrsbll((long long)x),
		       w ? __builtin_clz(w) : 32, w ? __builtin_ctz(w) : 32, __builtin_popcount(w), __builtin_bswap32(w),
		       rev32(w), (unsigned long long)__builtin_bswap64(x), __builtin_bswap16((uint16_t)x));
	}

	uint64_t h = 0;
	for (int it = 0; it < 200000; it++) {
		uint64_t x = next64(), y = next64();
		unsigned s = (unsigned)(y & 63), s32 = (unsigned)(y & 31);
		uint32_t w = (uint32_t)x;
		uint64_t rotl = (x << s) | (x >> ((64 - s) & 63));
		uint32_t rotr32 = (w >> s32) | (w << ((32 - s32) & 31));
		int64_t sx = (int64_t)x;
		h ^= rotl + rotr32;
		h = h * 0x100000001b3ULL + (uint64_t)(sx >> s) + (x >> s) + (x << s);
		h += (uint64_t)(int64_t)(int8_t)x + (uint64_t)(int64_t)(int16_t)(x >> 8) + (uint64_t)(int64_t)(int32_t)(x >> 3);
		h += (uint64_t)(uint8_t)(x >> 11) + (uint64_t)(uint16_t)(x >> 17);
		h += (uint64_t)__builtin_popcountll(x & y) * 7 + (uint64_t)(x ? __builtin_clzll(x) : 64);
		h += (x ? (uint64_t)__builtin_ctzll(x) : 64) + __builtin_bswap64(y);
		h += (x >> 7 & 0x1fff) | ((y & 0x3f) << 20);                     /* ubfx / bfi */
		h += (uint64_t)(((int64_t)(x << 19)) >> 50);                       /* sbfx */
		h += (x & ~y) ^ (x | ~y) ^ (~(x ^ y));                             /* bic/orn/eon */
		h += (sx < (int64_t)y) ? x : y;                                    /* csel */
		h += (x > y) ? 1 : (uint64_t)-1;                                   /* csinc/csinv */
		h += (w == (uint32_t)y) ? 5 : (uint32_t)-(int32_t)w;               /* csneg */
		h += (uint64_t)(uint32_t)(w * (uint32_t)y) + (uint64_t)(int32_t)(w * (uint32_t)(y >> 32));
	}
	printf("mix hash %016llx\n", (unsigned long long)h);

	/* bitfields */
	struct bf b = {0};
	uint64_t bh = 0;
	for (int i = 0; i < 5000; i++) {
		uint64_t r = next64();
		b.a = (unsigned)r;
		b.b = (int)(r >> 3);
		b.c = (unsigned)(r >> 8);
		b.d = (int)(r >> 21);
		b.e = r >> 17;
		b.f = (long long)(r >> 29);
		bh = bh * 31 + b.a + (uint64_t)(int64_t)b.b + b.c + (uint64_t)(int64_t)b.d + b.e + (uint64_t)b.f;
		if (i < 4)
			printf("bf: a=%u b=%d c=%u d=%d e=%llu f=%lld\n", b.a, b.b, b.c, b.d, (unsigned long long)b.e,
			       (long long)b.f);
	}
	printf("bitfield hash %016llx\n", (unsigned long long)bh);

	/* shift edge cases with volatile amounts */
	volatile unsigned amt[] = {0, 1, 31, 32, 33, 63};
	for (size_t i = 0; i < sizeof amt / sizeof amt[0]; i++) {
		unsigned a = amt[i];
		uint64_t v = 0x8123456789abcdefULL;
		printf("shift %u: lsl %016llx lsr %016llx asr %016llx", a, (unsigned long long)(v << a),
		       (unsigned long long)(v >> a), (unsigned long long)((int64_t)v >> a));
		if (a < 32)
			printf(" w: lsl %08x lsr %08x asr %08x", (uint32_t)v << a, (uint32_t)v >> a,
			       (uint32_t)((int32_t)(uint32_t)v >> a));
		printf("\n");
	}
	return 0;
}
