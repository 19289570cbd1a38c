/* Big-integer arithmetic: 64-bit multiply/divide edge cases (signed and
 * unsigned, UMULH/SMULH via __int128), 128-bit division, mulmod-based
 * Miller-Rabin, and arbitrary precision factorial / power / Fibonacci with
 * base-10^9 limbs, printed in decimal. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef __int128 s128;

static void print_u128(u128 v)
{
	char buf[64];
	int i = 63;
	buf[i] = 0;
	if (v == 0)
		buf[--i] = '0';
	while (v) {
		buf[--i] = (char)('0' + (int)(v % 10));
		v /= 10;
	}
	fputs(buf + i, stdout);
}
static void print_s128(s128 v)
{
	if (v < 0) {
		putchar('-');
		print_u128(-(u128)v);
	} else
		print_u128((u128)v);
}

static uint64_t mulmod(uint64_t a, uint64_t b, uint64_t m) { return (uint64_t)((u128)a * b % m); }
static uint64_t powmod(uint64_t a, uint64_t e, uint64_t m)
{
	uint64_t r = 1;
	a %= m;
	while (e) {
		if (e & 1)
			r = mulmod(r, a, m);
		a = mulmod(a, a, m);
		e >>= 1;
	}
	return r;
}
static int is_prime(uint64_t n)
{
	if (n < 2)
		return 0;
	static const uint64_t bases[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
	for (int i = 0; i < 12; i++)
		if (n % bases[i] == 0)
			return n == bases[i];
	uint64_t d = n - 1;
	int s = 0;
	while (!(d & 1))
		d >>= 1, s++;
	for (int i = 0; i < 12; i++) {
		uint64_t x = powmod(bases[i], d, n);
		if (x == 1 || x == n - 1)
			continue;
		int comp = 1;
		for (int r = 1; r < s; r++) {
			x = mulmod(x, x, n);
			if (x == n - 1) {
				comp = 0;
				break;
			}
		}
		if (comp)
			return 0;
	}
	return 1;
}

/* little-endian base 1e9 bignum */
#define LIMBS 1200
typedef struct {
	int n;
	uint32_t d[LIMBS];
} big;

static void big_set(big *a, uint32_t v)
{
	a->n = 1;
	a->d[0] = v;
}
static void big_mul_small(big *a, uint32_t m)
{
	uint64_t carry = 0;
	for (int i = 0; i < a->n; i++) {
		uint64_t t = (uint64_t)a->d[i] * m + carry;
		a->d[i] = (uint32_t)(t % 1000000000u);
		carry = t / 1000000000u;
	}
	while (carry) {
		a->d[a->n++] = (uint32_t)(carry % 1000000000u);
		carry /= 1000000000u;
	}
}
static void big_add(big *r, const big *a, const big *b)
{
	uint32_t carry = 0;
	int n = a->n > b->n ? a->n : b->n;
	for (int i = 0; i < n; i++) {
		uint32_t t = (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + carry;
		carry = t >= 1000000000u;
		r->d[i] = carry ? t - 1000000000u : t;
	}
	r->n = n;
	if (carry)
		r->d[r->n++] = 1;
}
static void big_mul(big *r, const big *a, const big *b)
{
	static uint64_t t[2 * LIMBS];
	memset(t, 0, sizeof(uint64_t) * (size_t)(a->n + b->n));
	for (int i = 0; i < a->n; i++) {
		uint64_t carry = 0;
		for (int j = 0; j < b->n; j++) {
			uint64_t v = t[i + j] + (uint64_t)a->d[i] * b->d[j] + carry;
			t[i + j] = v % 1000000000u;
			carry = v / 1000000000u;
		}
		t[i + b->n] += carry;
	}
	r->n = a->n + b->n;
	for (int i = 0; i < r->n; i++)
		r->d[i] = (uint32_t)t[i];
	while (r->n > 1 && r->d[r->n - 1] == 0)
		r->n--;
}
static uint32_t big_divmod_small(big *a, uint32_t m)
{
	uint64_t rem = 0;
	for (int i = a->n - 1; i >= 0; i--) {
		uint64_t cur = a->d[i] + rem * 1000000000u;
		a->d[i] = (uint32_t)(cur / m);
		rem = cur % m;
	}
	while (a->n > 1 && a->d[a->n - 1] == 0)
		a->n--;
	return (uint32_t)rem;
}
static void big_print(const char *label, const big *a)
{
	printf("%s (%d limbs): %u", label, a->n, a->d[a->n - 1]);
	for (int i = a->n - 2; i >= 0; i--)
		printf("%09u", a->d[i]);
	printf("\n");
}
static uint64_t big_digitsum(const big *a)
{
	uint64_t s = 0;
	for (int i = 0; i < a->n; i++)
		for (uint32_t v = a->d[i]; v; v /= 10)
			s += v % 10;
	return s;
}

int main(void)
{
	volatile int64_t sv[] = {0, 1, -1, 2, -2, 3, 7, -7, 1000000007, INT64_MAX, INT64_MIN, INT64_MIN + 1, 0x5555555555555555,
				 -0x123456789abcdef};
	size_t ns = sizeof sv / sizeof sv[0];
	uint64_t h = 0;
	for (size_t i = 0; i < ns; i++)
		for (size_t j = 0; j < ns; j++) {
			int64_t a = sv[i], b = sv[j];
			uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
			uint64_t prod = ua * ub;
			uint64_t umulh = (uint64_t)(((u128)ua * ub) >> 64);
			int64_t smulh = (int64_t)(((s128)a * b) >> 64);
			uint64_t uq = ub ? ua / ub : 0, ur = ub ? ua % ub : 0;
			int64_t q = 0, r = 0;
			if (b != 0 && !(a == INT64_MIN && b == -1)) {
				q = a / b;
				r = a % b;
			}
			h = h * 31 + prod + umulh * 3 + (uint64_t)smulh * 5 + uq * 7 + ur * 11 + (uint64_t)q * 13 + (uint64_t)r * 17;
			if (i == j || j == 9)
				printf("%lld,%lld: mul %llx umulh %llx smulh %lld udiv %llu urem %llu sdiv %lld srem %lld\n",
				       (long long)a, (long long)b, (unsigned long long)prod, (unsigned long long)umulh,
				       (long long)smulh, (unsigned long long)uq, (unsigned long long)ur, (long long)q,
				       (long long)r);
		}
	printf("64-bit table hash %016llx\n", (unsigned long long)h);

	/* 128-bit */
	u128 f = 1;
	for (int i = 1; i <= 34; i++) {
		f *= (u128)i;
		if (i >= 30) {
			printf("%d! = ", i);
			print_u128(f);
			printf("\n");
		}
	}
	volatile u128 big1 = ((u128)0xfedcba9876543210ULL << 64) | 0x0123456789abcdefULL;
	volatile u128 divs[] = {1, 3, 10, 0xffffffffULL, 0x100000000ULL, 0xffffffffffffffffULL, (u128)1 << 64,
				((u128)1 << 64) + 12345, ((u128)0x1234 << 80) | 77, big1 / 2 + 1};
	for (size_t i = 0; i < sizeof divs / sizeof divs[0]; i++) {
		u128 d = divs[i];
		u128 q = big1 / d, r = big1 % d;
		printf("u128 / ");
		print_u128(d);
		printf(" = ");
		print_u128(q);
		printf(" r ");
		print_u128(r);
		printf(" %s\n", q * d + r == big1 ? "ok" : "BAD");
		s128 sn = -(s128)(big1 >> 1);
		s128 sd = (i & 1) ? -(s128)d : (s128)d;
		printf("  s128: ");
		print_s128(sn / sd);
		printf(" r ");
		print_s128(sn % sd);
		printf("\n");
	}

	/* primality */
	static const uint64_t cands[] = {1, 2, 97, 561, 1000000007, 4294967291ULL, 4294967297ULL, 1000000000000000003ULL,
					 18446744073709551557ULL, 18446744073709551615ULL, 3215031751ULL,
					 3825123056546413051ULL};
	for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++)
		printf("is_prime(%llu) = %d\n", (unsigned long long)cands[i], is_prime(cands[i]));
	unsigned cnt = 0;
	for (uint64_t n = 1ULL << 62; n < (1ULL << 62) + 3000; n++)
		cnt += (unsigned)is_prime(n);
	printf("primes in [2^62, 2^62+3000): %u\n", cnt);

	/* bignums */
	static big a, b, c;
	big_set(&a, 1);
	for (uint32_t i = 2; i <= 500; i++)
		big_mul_small(&a, i);
	big_print("500!", &a);
	printf("digit sum %llu\n", (unsigned long long)big_digitsum(&a));
	uint32_t rem = big_divmod_small(&a, 1000003);
	printf("500! / 1000003 remainder %u, quotient digit sum %llu\n", rem, (unsigned long long)big_digitsum(&a));
	big_set(&a, 0);
	big_set(&b, 1);
	for (int i = 0; i < 1000; i++) {
		big_add(&c, &a, &b);
		a = b;
		b = c;
	}
	big_print("fib(1001)", &b);
	big_set(&a, 3);
	for (int i = 0; i < 9; i++) {
		big_mul(&c, &a, &a);
		a = c;
	}
	printf("3^512 digit sum %llu, limbs %d, top %u, low %09u\n", (unsigned long long)big_digitsum(&a), a.n,
	       a.d[a.n - 1], a.d[0]);
	return 0;
}
