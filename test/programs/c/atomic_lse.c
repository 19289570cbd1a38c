// cflags: -march=armv8.1-a
/* Concurrency proof (b): 4 threads x 200000 increments of one shared
 * counter with the ARMv8.1 LSE instruction LDADD (plus LDADDAL on a second
 * counter, a CASAL retry loop on a third and SWPAL as a spin lock around a
 * plain counter). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define THREADS 4
#define ITERS 200000

static uint64_t counter, counter_al, counter_cas, counter_locked;
static uint32_t lock;

static inline uint64_t ldadd(uint64_t *p, uint64_t v)
{
	uint64_t old;
	__asm__ volatile("ldadd %1, %0, [%2]" : "=r"(old) : "r"(v), "r"(p) : "memory");
	return old;
}
static inline uint64_t ldaddal(uint64_t *p, uint64_t v)
{
	uint64_t old;
	__asm__ volatile("ldaddal %1, %0, [%2]" : "=r"(old) : "r"(v), "r"(p) : "memory");
	return old;
}
static inline void cas_inc(uint64_t *p)
{
	uint64_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);
	for (;;) {
		uint64_t expected = cur;
		__asm__ volatile("casal %0, %2, [%1]" : "+r"(cur) : "r"(p), "r"(expected + 1) : "memory");
		if (cur == expected)
			return;
	}
}
static inline void spin_lock(uint32_t *l)
{
	uint32_t old;
	for (;;) {
		__asm__ volatile("swpal %w1, %w0, [%2]" : "=r"(old) : "r"(1u), "r"(l) : "memory");
		if (old == 0)
			return;
		while (__atomic_load_n(l, __ATOMIC_RELAXED))
			__asm__ volatile("yield");
	}
}
static inline void spin_unlock(uint32_t *l)
{
	__asm__ volatile("stlr wzr, [%0]" : : "r"(l) : "memory");
}

static pthread_barrier_t start;
static uint64_t olds[THREADS];

static void *worker(void *arg)
{
	uintptr_t id = (uintptr_t)arg;
	uint64_t maxold = 0;
	pthread_barrier_wait(&start);
	for (int i = 0; i < ITERS; i++) {
		uint64_t o = ldadd(&counter, 1);
		if (o > maxold)
			maxold = o;
		if ((i & 7) == 0) {
			ldaddal(&counter_al, 3);
			cas_inc(&counter_cas);
			spin_lock(&lock);
			counter_locked++;
			spin_unlock(&lock);
		}
	}
	olds[id] = maxold;
	return NULL;
}

int main(void)
{
	pthread_t th[THREADS];
	pthread_barrier_init(&start, NULL, THREADS);
	for (uintptr_t i = 0; i < THREADS; i++)
		if (pthread_create(&th[i], NULL, worker, (void *)i) != 0) {
			printf("pthread_create failed\n");
			return 1;
		}
	for (int i = 0; i < THREADS; i++)
		pthread_join(th[i], NULL);
	uint64_t want = (uint64_t)THREADS * ITERS, want8 = (uint64_t)THREADS * ITERS / 8;
	uint64_t maxold = 0;
	for (int i = 0; i < THREADS; i++)
		if (olds[i] > maxold)
			maxold = olds[i];
	printf("ldadd counter: %llu (expected %llu) %s; largest old value %s\n", (unsigned long long)counter,
	       (unsigned long long)want, counter == want ? "OK" : "LOST UPDATES", maxold == want - 1 ? "OK" : "WRONG");
	printf("ldaddal counter: %llu (expected %llu) %s\n", (unsigned long long)counter_al,
	       (unsigned long long)(3 * want8), counter_al == 3 * want8 ? "OK" : "LOST UPDATES");
	printf("casal counter: %llu (expected %llu) %s\n", (unsigned long long)counter_cas, (unsigned long long)want8,
	       counter_cas == want8 ? "OK" : "LOST UPDATES");
	printf("swpal-locked counter: %llu (expected %llu) %s\n", (unsigned long long)counter_locked,
	       (unsigned long long)want8, counter_locked == want8 ? "OK" : "LOST UPDATES");
	return 0;
}
