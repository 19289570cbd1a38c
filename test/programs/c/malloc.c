/* malloc/calloc/realloc/free churn with content checksums: many sizes,
 * random lifetimes, growing and shrinking reallocs, large (mmap-backed)
 * blocks and aligned allocation. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 512

static uint64_t state = 88172645463325252ULL;
static uint64_t rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

struct slot {
	unsigned char *p;
	size_t n;
	unsigned char tag;
};

static int check(const struct slot *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->p[i] != (unsigned char)(s->tag + i * 7))
			return 0;
	return 1;
}
static void paint(struct slot *s, size_t from)
{
	for (size_t i = from; i < s->n; i++)
		s->p[i] = (unsigned char)(s->tag + i * 7);
}

int main(void)
{
	static struct slot slots[SLOTS];
	uint64_t sum = 0;
	unsigned allocs = 0, frees = 0, reallocs = 0, bad = 0;
	for (int it = 0; it < 15000; it++) {
		struct slot *s = &slots[rnd() % SLOTS];
		uint64_t r = rnd();
		size_t n;
		if (r % 1024 == 0)
			n = 130000 + (size_t)(rnd() % 40000); /* sometimes above the mmap threshold */
		else if (r % 16 < 2)
			n = (size_t)(rnd() % 4096);
		else
			n = (size_t)(rnd() % 256);
		if (s->p == NULL) {
			if (r & 32) {
				s->p = calloc(n + 1, 1);
				for (size_t i = 0; i <= n; i++)
					if (s->p[i]) {
						bad++;
						break;
					}
			} else
				s->p = malloc(n + 1);
			s->n = n;
			s->tag = (unsigned char)r;
			paint(s, 0);
			allocs++;
		} else if (r & 64) {
			if (!check(s))
				bad++;
			size_t old = s->n;
			s->p = realloc(s->p, n + 1);
			s->n = n;
			for (size_t i = 0; i < (old < n ? old : n); i++)
				if (s->p[i] != (unsigned char)(s->tag + i * 7)) {
					bad++;
					break;
				}
			if (n > old)
				paint(s, old);
			reallocs++;
		} else {
			if (!check(s))
				bad++;
			for (size_t i = 0; i < s->n; i++)
				sum += s->p[i];
			free(s->p);
			s->p = NULL;
			frees++;
		}
	}
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].p) {
			if (!check(&slots[i]))
				bad++;
			for (size_t k = 0; k < slots[i].n; k++)
				sum += slots[i].p[k];
			free(slots[i].p);
		}
	printf("allocs %u reallocs %u frees %u bad %u sum %llu\n", allocs, reallocs, frees, bad,
	       (unsigned long long)sum);

	/* linked list built from many small blocks */
	struct node {
		struct node *next;
		int v;
	} *head = NULL;
	for (int i = 0; i < 20000; i++) {
		struct node *n = malloc(sizeof *n);
		n->v = i * i % 1009;
		n->next = head;
		head = n;
	}
	long total = 0;
	int len = 0;
	while (head) {
		struct node *n = head;
		head = n->next;
		total += n->v;
		len++;
		free(n);
	}
	printf("list len %d total %ld\n", len, total);

	/* aligned allocations */
	int misaligned = 0;
	for (size_t al = 16; al <= 65536; al *= 4) {
		void *p = aligned_alloc(al, al * 3);
		void *q = NULL;
		if (posix_memalign(&q, al, 100) != 0)
			misaligned++;
		if ((uintptr_t)p % al || (uintptr_t)q % al)
			misaligned++;
		memset(p, 1, al * 3);
		free(p);
		free(q);
	}
	printf("aligned alloc misaligned %d\n", misaligned);

	/* one big block, touched sparsely */
	size_t bigsz = 8u << 20;
	unsigned char *big = malloc(bigsz);
	uint64_t bs = 0;
	for (size_t i = 0; i < bigsz; i += 4096)
		big[i] = (unsigned char)(i >> 12);
	for (size_t i = 0; i < bigsz; i += 4096)
		bs += big[i];
	big = realloc(big, bigsz * 2);
	for (size_t i = 0; i < bigsz; i += 4096)
		bs += big[i];
	free(big);
	printf("big block sum %llu\n", (unsigned long long)bs);
	return 0;
}
