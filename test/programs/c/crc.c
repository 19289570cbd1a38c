/* Checksums and hashes over generated data: CRC-32 (bitwise and
 * table-driven, must agree), CRC-32C, Adler-32, FNV-1a 32/64, MurmurHash3
 * x86_32, SipHash-2-4 and a small SHA-256. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static uint32_t crc32_bitwise(const uint8_t *p, size_t n, uint32_t poly)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (poly & -(c & 1));
	}
	return ~c;
}

static uint32_t table[256];
static uint32_t crc32_table(const uint8_t *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++)
		c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return ~c;
}

static uint32_t adler32(const uint8_t *p, size_t n)
{
	uint32_t a = 1, b = 0;
	for (size_t i = 0; i < n; i++) {
		a = (a + p[i]) % 65521;
		b = (b + a) % 65521;
	}
	return b << 16 | a;
}

static uint32_t rotl32(uint32_t x, int r) { return x << r | x >> (32 - r); }
static uint64_t rotl64(uint64_t x, int r) { return x << r | x >> (64 - r); }

static uint32_t murmur3(const uint8_t *data, size_t len, uint32_t seed)
{
	uint32_t h = seed, c1 = 0xcc9e2d51, c2 = 0x1b873593;
	size_t nb = len / 4;
	for (size_t i = 0; i < nb; i++) {
		uint32_t k;
		memcpy(&k, data + 4 * i, 4);
		k *= c1;
		k = rotl32(k, 15);
		k *= c2;
		h ^= k;
		h = rotl32(h, 13);
		h = h * 5 + 0xe6546b64;
	}
	const uint8_t *tail = data + nb * 4;
	uint32_t k = 0;
	switch (len & 3) {
	case 3:
		k ^= (uint32_t)tail[2] << 16; /* fall through */
	case 2:
		k ^= (uint32_t)tail[1] << 8; /* fall through */
	case 1:
		k ^= tail[0];
		k *= c1;
		k = rotl32(k, 15);
		k *= c2;
		h ^= k;
	}
	h ^= (uint32_t)len;
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

#define SIPROUND                                                                                                       \
	do {                                                                                                           \
		v0 += v1;                                                                                              \
		v1 = rotl64(v1, 13);                                                                                   \
		v1 ^= v0;                                                                                              \
		v0 = rotl64(v0, 32);                                                                                   \
		v2 += v3;                                                                                              \
		v3 = rotl64(v3, 16);                                                                                   \
		v3 ^= v2;                                                                                              \
		v0 += v3;                                                                                              \
		v3 = rotl64(v3, 21);                                                                                   \
		v3 ^= v0;                                                                                              \
		v2 += v1;                                                                                              \
		v1 = rotl64(v1, 17);                                                                                   \
		v1 ^= v2;                                                                                              \
		v2 = rotl64(v2, 32);                                                                                   \
	} while (0)

static uint64_t siphash(const uint8_t *in, size_t len, uint64_t k0, uint64_t k1)
{
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	size_t end = len - len % 8;
	for (size_t i = 0; i < end; i += 8) {
		uint64_t m;
		memcpy(&m, in + i, 8);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	uint64_t b = (uint64_t)len << 56;
	for (size_t i = 0; i < len % 8; i++)
		b |= (uint64_t)in[end + i] << (8 * i);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
	0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
	0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
	0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2};

static uint32_t ror(uint32_t x, int r) { return x >> r | x << (32 - r); }

static void sha256_block(uint32_t st[8], const uint8_t *b)
{
	uint32_t w[64];
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 | (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	uint32_t a = st[0], bb = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & bb) ^ (a & c) ^ (bb & c));
		h = g;
		g = f;
		f = e;
		e = d + t1;
		d = c;
		c = bb;
		bb = a;
		a = t1 + t2;
	}
	st[0] += a, st[1] += bb, st[2] += c, st[3] += d, st[4] += e, st[5] += f, st[6] += g, st[7] += h;
}

static void sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
	uint32_t st[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
	size_t i = 0;
	for (; i + 64 <= n; i += 64)
		sha256_block(st, p + i);
	uint8_t last[128] = {0};
	size_t r = n - i;
	memcpy(last, p + i, r);
	last[r] = 0x80;
	size_t tot = r + 9 <= 64 ? 64 : 128;
	uint64_t bitlen = (uint64_t)n * 8;
	for (int k = 0; k < 8; k++)
		last[tot - 1 - k] = (uint8_t)(bitlen >> (8 * k));
	sha256_block(st, last);
	if (tot == 128)
		sha256_block(st, last + 64);
	for (int k = 0; k < 8; k++)
		for (int j = 0; j < 4; j++)
			out[4 * k + j] = (uint8_t)(st[k] >> (24 - 8 * j));
}

static uint8_t data[1 << 18];

int main(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & -(c & 1));
		table[i] = c;
	}
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof data; i++) {
		x = x * 1664525u + 1013904223u;
		data[i] = (uint8_t)(x >> 24);
	}
	const char *msg = "The quick brown fox jumps over the lazy dog";
	printf("crc32(fox) = %08x\n", crc32_table((const uint8_t *)msg, strlen(msg)));
	printf("crc32c(fox) = %08x\n", crc32_bitwise((const uint8_t *)msg, strlen(msg), 0x82F63B78u));
	printf("adler32(fox) = %08x\n", adler32((const uint8_t *)msg, strlen(msg)));
	uint8_t d[32];
	sha256((const uint8_t *)msg, strlen(msg), d);
	printf("sha256(fox) = ");
	for (int i = 0; i < 32; i++)
		printf("%02x", d[i]);
	printf("\nsha256(\"\") = ");
	sha256((const uint8_t *)"", 0, d);
	for (int i = 0; i < 32; i++)
		printf("%02x", d[i]);
	printf("\n");

	static const size_t lens[] = {0, 1, 3, 7, 8, 55, 56, 63, 64, 65, 1000, 4096, 65536, 1 << 18};
	for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
		size_t n = lens[li];
		uint32_t a = crc32_table(data, n);
		if (n <= 65536) {
			uint32_t b = crc32_bitwise(data, n, 0xEDB88320u);
			if (a != b)
				printf("crc mismatch at %zu: %08x vs %08x\n", n, a, b);
		}
		uint32_t fnv32 = 2166136261u;
		uint64_t fnv64 = 14695981039346656037ULL;
		for (size_t i = 0; i < n; i++) {
			fnv32 = (fnv32 ^ data[i]) * 16777619u;
			fnv64 = (fnv64 ^ data[i]) * 1099511628211ULL;
		}
		sha256(data, n, d);
		printf("len %6zu crc32 %08x adler %08x fnv32 %08x fnv64 %016llx murmur %08x sip %016llx sha256 "
		       "%02x%02x%02x%02x%02x%02x%02x%02x\n",
		       n, a, adler32(data, n), fnv32, (unsigned long long)fnv64, murmur3(data, n, 0x9747b28c),
		       (unsigned long long)siphash(data, n, 0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL), d[0], d[1],
		       d[2], d[3], d[4], d[5], d[6], d[7]);
	}
	return 0;
}
