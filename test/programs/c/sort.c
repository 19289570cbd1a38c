/* qsort and bsearch on ints, strings and structs (stable order enforced
 * by a tie-breaking key so the output is fully determined). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 2463534242u;
static uint32_t xorshift(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}
static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

struct rec {
	char name[12];
	int age;
	double score;
	unsigned id;
};
static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	if (x->age != y->age)
		return x->age - y->age;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	int c = strcmp(x->name, y->name);
	if (c)
		return c;
	return (x->id > y->id) - (x->id < y->id);
}

static uint64_t hash_ints(const int *v, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint32_t)v[i]) * 1099511628211ULL;
	return h;
}

int main(void)
{
	static int v[20000];
	static const size_t sizes[] = {0, 1, 2, 3, 5, 8, 13, 64, 100, 1000, 20000};
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		size_t n = sizes[s];
		for (size_t i = 0; i < n; i++)
			v[i] = (int)(xorshift() % (n * 2 + 1)) - (int)n;
		qsort(v, n, sizeof v[0], cmp_int);
		for (size_t i = 1; i < n; i++)
			if (v[i - 1] > v[i]) {
				printf("not sorted at %zu\n", i);
				return 1;
			}
		int found = 0, lastidx = 0;
		for (int key = -(int)n - 2; key <= (int)n + 2; key++) {
			int *p = bsearch(&key, v, n, sizeof v[0], cmp_int);
			if (p) {
				if (*p != key) {
					printf("bsearch wrong\n");
					return 1;
				}
				found++;
				lastidx = key;
			}
		}
		printf("n=%zu hash=%016llx min=%d max=%d found=%d last=%d\n", n,
		       (unsigned long long)hash_ints(v, n), n ? v[0] : 0, n ? v[n - 1] : 0, found, lastidx);
		qsort(v, n, sizeof v[0], cmp_int_desc);
		printf("  desc hash=%016llx\n", (unsigned long long)hash_ints(v, n));
	}

	/* already-sorted, reverse-sorted and all-equal inputs */
	for (int i = 0; i < 5000; i++)
		v[i] = i;
	qsort(v, 5000, sizeof v[0], cmp_int_desc);
	qsort(v, 5000, sizeof v[0], cmp_int);
	printf("sorted ok %d %d %d\n", v[0], v[2500], v[4999]);
	for (int i = 0; i < 5000; i++)
		v[i] = 7;
	qsort(v, 5000, sizeof v[0], cmp_int);
	printf("equal ok %d\n", v[4999]);

	/* strings */
	static char pool[3000][10];
	static char *strs[3000];
	for (int i = 0; i < 3000; i++) {
		int len = 1 + xorshift() % 8;
		for (int j = 0; j < len; j++)
			pool[i][j] = (char)('a' + xorshift() % 6);
		pool[i][len] = 0;
		strs[i] = pool[i];
	}
	qsort(strs, 3000, sizeof strs[0], cmp_str);
	for (int i = 0; i < 3000; i += 250)
		printf("strs[%d]=%s\n", i, strs[i]);
	const char *keys[] = {"a", "abc", "fff", "ffffffff", "cab", "zzz", "b"};
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		char **p = bsearch(&keys[k], strs, 3000, sizeof strs[0], cmp_str);
		printf("bsearch %s: %s\n", keys[k], p ? "found" : "missing");
	}

	/* structs */
	static struct rec recs[4000];
	for (unsigned i = 0; i < 4000; i++) {
		snprintf(recs[i].name, sizeof recs[i].name, "n%03u", xorshift() % 500);
		recs[i].age = 18 + (int)(xorshift() % 60);
		recs[i].score = (double)(xorshift() % 1000) / 8.0;
		recs[i].id = i;
	}
	qsort(recs, 4000, sizeof recs[0], cmp_rec);
	uint64_t h = 1469598103934665603ULL;
	for (int i = 0; i < 4000; i++)
		h = (h ^ recs[i].id) * 1099511628211ULL;
	printf("structs hash=%016llx\n", (unsigned long long)h);
	for (int i = 0; i < 4000; i += 400)
		printf("rec[%d] = {%s, %d, %.3f, %u}\n", i, recs[i].name, recs[i].age, recs[i].score, recs[i].id);
	struct rec key = recs[1234];
	struct rec *p = bsearch(&key, recs, 4000, sizeof recs[0], cmp_rec);
	printf("bsearch struct -> index %ld\n", p ? (long)(p - recs) : -1L);
	return 0;
}
