/* Sieve of Eratosthenes (byte array and bit array), prime counting,
 * twin primes and a segmented sieve. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 2000000

int main(void)
{
	unsigned char *s = malloc(N + 1);
	memset(s, 1, N + 1);
	s[0] = s[1] = 0;
	for (unsigned i = 2; (uint64_t)i * i <= N; i++)
		if (s[i])
			for (unsigned j = i * i; j <= N; j += i)
				s[j] = 0;
	unsigned count = 0, twins = 0, last = 0;
	uint64_t sum = 0;
	for (unsigned i = 2; i <= N; i++)
		if (s[i]) {
			count++;
			sum += i;
			if (i >= 2 && s[i - 2])
				twins++;
			last = i;
		}
	printf("primes<=%d: %u sum=%llu twins=%u largest=%u\n", N, count, (unsigned long long)sum, twins, last);
	for (unsigned p = 10; p <= N; p *= 10) {
		unsigned c = 0;
		for (unsigned i = 0; i <= p; i++)
			c += s[i];
		printf("pi(%u) = %u\n", p, c);
	}

	/* odd-only bit sieve */
	uint64_t *bits = calloc(N / 128 + 1, sizeof *bits);
	for (uint64_t i = 3; i * i <= N; i += 2)
		if (!(bits[i / 128] >> ((i / 2) % 64) & 1))
			for (uint64_t j = i * i; j <= N; j += 2 * i)
				bits[j / 128] |= 1ULL << ((j / 2) % 64);
	unsigned c2 = 1;
	for (uint64_t i = 3; i <= N; i += 2)
		if (!(bits[i / 128] >> ((i / 2) % 64) & 1))
			c2++;
	printf("bit sieve count %u %s\n", c2, c2 == count ? "agrees" : "DISAGREES");

	/* segmented sieve of [10^12, 10^12 + 100000) */
	uint64_t lo = 1000000000000ULL, span = 100000;
	unsigned char *seg = malloc(span);
	memset(seg, 1, span);
	for (uint64_t p = 2; p * p < lo + span; p++) {
		if (p <= N && !s[p])
			continue;
		uint64_t start = (lo + p - 1) / p * p;
		for (uint64_t j = start; j < lo + span; j += p)
			seg[j - lo] = 0;
	}
	unsigned sc = 0;
	uint64_t first = 0;
	for (uint64_t i = 0; i < span; i++)
		if (seg[i]) {
			if (!sc)
				first = lo + i;
			sc++;
		}
	printf("primes in [1e12, 1e12+1e5): %u, first %llu\n", sc, (unsigned long long)first);
	free(seg);
	free(bits);
	free(s);
	return 0;
}
