/* string.h on many lengths and alignments: memcpy, memmove (both overlap
 * directions), memset, memcmp, memchr, strlen, strchr, strrchr, strcmp,
 * strncmp, strstr, strcpy, strncpy, strcat. Every result is folded into a
 * per-function checksum; a few samples are printed verbatim. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BUF 8192
static unsigned char src[BUF + 64], dst[BUF + 64], ref[BUF + 64];

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	for (size_t i = 0; i < n; i++) {
		h ^= b[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static uint64_t mix(uint64_t h, uint64_t v) { return fnv(h, &v, sizeof v); }

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (unsigned char)(seed >> 16);
	}
}

/* non-zero pseudo-random letters, NUL at n */
static void fillstr(char *p, size_t n, unsigned seed, int alpha)
{
	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (char)('a' + (seed >> 16) % (unsigned)alpha);
	}
	p[n] = 0;
}

static const size_t lens[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65,
			       95, 96, 127, 128, 129, 255, 256, 257, 511, 1000, 1024, 4095, 4096, 8000};
#define NLENS (sizeof lens / sizeof lens[0])

int main(void)
{
	uint64_t h;

	/* memcpy */
	h = 14695981039346656037ULL;
	for (size_t li = 0; li < NLENS; li++)
		for (int sa = 0; sa < 16; sa += 3)
			for (int da = 0; da < 16; da += 5) {
				size_t n = lens[li];
				fill(src, BUF + 64, (unsigned)(n * 31 + sa));
				memset(dst, 0xAA, BUF + 64);
				memcpy(dst + da, src + sa, n);
				/* verify byte by byte against a plain loop */
				for (size_t i = 0; i < n; i++)
					if (dst[da + i] != src[sa + i]) {
						printf("memcpy mismatch n=%zu sa=%d da=%d i=%zu\n", n, sa, da, i);
						return 1;
					}
				if (dst[da + n] != 0xAA || (da > 0 && dst[da - 1] != 0xAA)) {
					printf("memcpy overrun n=%zu sa=%d da=%d\n", n, sa, da);
					return 1;
				}
				h = fnv(h, dst, n + 32);
			}
	printf("memcpy   %016llx\n", (unsigned long long)h);

	/* memmove, overlapping forward and backward */
	h = 14695981039346656037ULL;
	for (size_t li = 0; li < NLENS; li++)
		for (int off = -17; off <= 17; off += 2) {
			size_t n = lens[li];
			if (n + 40 > BUF)
				continue;
			fill(dst, BUF + 64, (unsigned)n);
			memcpy(ref, dst, BUF + 64);
			unsigned char *s = dst + 20, *d = dst + 20 + off;
			memmove(d, s, n);
			/* reference: copy through a temporary */
			unsigned char tmp[BUF];
			memcpy(tmp, ref + 20, n);
			memcpy(ref + 20 + off, tmp, n);
			if (memcmp(ref, dst, n + 40) != 0) {
				printf("memmove mismatch n=%zu off=%d\n", n, off);
				return 1;
			}
			h = fnv(h, dst, n + 40);
		}
	printf("memmove  %016llx\n", (unsigned long long)h);

	/* memset */
	h = 14695981039346656037ULL;
	for (size_t li = 0; li < NLENS; li++)
		for (int a = 0; a < 16; a++) {
			size_t n = lens[li];
			memset(dst, 0x11, BUF + 64);
			memset(dst + a, a * 17 + (int)n, n);
			for (size_t i = 0; i < n; i++)
				if (dst[a + i] != (unsigned char)(a * 17 + n)) {
					printf("memset mismatch n=%zu a=%d\n", n, a);
					return 1;
				}
			if (dst[a + n] != 0x11) {
				printf("memset overrun n=%zu a=%d\n", n, a);
				return 1;
			}
			h = fnv(h, dst, n + 24);
		}
	/* memset zero (DC ZVA path for big sizes) */
	memset(dst, 0x5A, BUF + 64);
	memset(dst + 3, 0, BUF - 3);
	h = fnv(h, dst, BUF + 64);
	printf("memset   %016llx\n", (unsigned long long)h);

	/* memcmp: sign of the result at each differing position */
	h = 14695981039346656037ULL;
	for (size_t li = 0; li < NLENS; li++) {
		size_t n = lens[li];
		fill(src, n + 16, 7);
		for (int a = 0; a < 8; a++) {
			memcpy(dst + a, src, n);
			int r = memcmp(dst + a, src, n);
			h = mix(h, (uint64_t)(r > 0) - (uint64_t)(r < 0));
			for (size_t p = 0; p < n; p += 1 + n / 7) {
				dst[a + p] ^= 0x80;
				r = memcmp(dst + a, src, n);
				h = mix(h, (uint64_t)(r > 0) - (uint64_t)(r < 0) + 3 * p);
				dst[a + p] ^= 0x80;
				dst[a + p] += 1;
				r = memcmp(src, dst + a, n);
				h = mix(h, (uint64_t)(r > 0) - (uint64_t)(r < 0) + 5 * p);
				dst[a + p] -= 1;
			}
		}
	}
	printf("memcmp   %016llx\n", (unsigned long long)h);

	/* memchr, strlen, strchr, strrchr */
	h = 14695981039346656037ULL;
	for (size_t li = 0; li < NLENS; li++)
		for (int a = 0; a < 16; a++) {
			size_t n = lens[li];
			char *s = (char *)dst + a;
			fillstr(s, n, (unsigned)(n + a), 20);
			size_t l = strlen(s);
			if (l != n) {
				printf("strlen(%zu, align %d) = %zu\n", n, a, l);
				return 1;
			}
			h = mix(h, l);
			for (int c = 'a'; c < 'a' + 22; c += 3) {
				char *p = strchr(s, c);
				char *q = strrchr(s, c);
				char *m = memchr(s, c, n);
				h = mix(h, p ? (uint64_t)(p - s) : 999999);
				h = mix(h, q ? (uint64_t)(q - s) : 999999);
				h = mix(h, m ? (uint64_t)(m - s) : 999999);
				if (p != m) {
					printf("strchr/memchr disagree n=%zu c=%c\n", n, c);
					return 1;
				}
			}
			h = mix(h, (uint64_t)(strchr(s, 0) - s));
		}
	printf("strchr   %016llx\n", (unsigned long long)h);

	/* strcmp, strncmp */
	h = 14695981039346656037ULL;
	for (size_t li = 0; li < NLENS; li++)
		for (int a = 0; a < 8; a++)
			for (int b = 0; b < 8; b += 3) {
				size_t n = lens[li];
				char *s = (char *)src + a, *t = (char *)dst + b;
				fillstr(s, n, (unsigned)n, 26);
				memcpy(t, s, n + 1);
				int r = strcmp(s, t);
				h = mix(h, (uint64_t)(r > 0) - (uint64_t)(r < 0));
				if (n > 0) {
					size_t p = (n * 5) / 7;
					t[p] = (char)(t[p] + 1);
					r = strcmp(s, t);
					h = mix(h, (uint64_t)(r > 0) - (uint64_t)(r < 0));
					r = strncmp(s, t, p);
					h = mix(h, (uint64_t)r == 0);
					r = strncmp(t, s, p + 1);
					h = mix(h, (uint64_t)(r > 0) - (uint64_t)(r < 0));
					t[p] = 0;
					r = strcmp(s, t);
					h = mix(h, (uint64_t)(r > 0) - (uint64_t)(r < 0));
				}
			}
	printf("strcmp   %016llx\n", (unsigned long long)h);

	/* strstr */
	h = 14695981039346656037ULL;
	{
		char hay[2100], needle[64];
		for (int n = 1; n < 40; n += 3)
			for (int hl = 0; hl < 2000; hl += 97) {
				fillstr(hay, (size_t)hl, (unsigned)(hl + n), 3);
				fillstr(needle, (size_t)n, (unsigned)n * 13, 3);
				char *p = strstr(hay, needle);
				h = mix(h, p ? (uint64_t)(p - hay) : 999999);
				if (hl > n + 10) {
					memcpy(hay + hl - n - 5, needle, (size_t)n);
					p = strstr(hay, needle);
					h = mix(h, p ? (uint64_t)(p - hay) : 999999);
				}
			}
		printf("strstr(\"hello world\", \"o w\") = %s\n", strstr("hello world", "o w"));
		printf("strstr(\"aaaaab\", \"aab\") at %d\n", (int)(strstr("aaaaab", "aab") - "aaaaab"));
	}
	printf("strstr   %016llx\n", (unsigned long long)h);

	/* strcpy, strncpy, strcat */
	h = 14695981039346656037ULL;
	for (size_t li = 0; li < NLENS; li++) {
		size_t n = lens[li];
		if (n > 2000)
			continue;
		for (int a = 0; a < 16; a += 5) {
			char *s = (char *)src + a;
			fillstr(s, n, (unsigned)n + 1, 26);
			memset(dst, 0x33, BUF);
			char *r = strcpy((char *)dst + 1, s);
			h = mix(h, (uint64_t)(r - (char *)dst));
			h = fnv(h, dst, n + 8);
			memset(dst, 0x44, BUF);
			dst[2 + n / 2 + 3] = 0;
			strncpy((char *)dst + 2, s, n / 2 + 3); /* pads with NULs when n/2+3 > n */
			h = fnv(h, dst, n + 8);
			strcat((char *)dst + 2, s);
			h = mix(h, strlen((char *)dst + 2));
			h = fnv(h, dst, 2 * n + 8);
		}
	}
	printf("strcpy   %016llx\n", (unsigned long long)h);
	return 0;
}
