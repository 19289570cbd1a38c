/* Concurrency proof (a): 4 threads x 200000 increments of one shared
 * counter with an explicit LDXR/STXR retry loop (plus LDAXR/STLXR on a
 * second counter and a 32-bit one). Any lost update shows in the totals. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define THREADS 4
#define ITERS 200000

static uint64_t counter;
static uint64_t counter_acqrel;
static uint32_t counter32;

static inline void inc_llsc(uint64_t *p)
{
	uint64_t tmp;
	uint32_t fail;
	__asm__ volatile("1: ldxr %0, [%2]\n"
			 "   add %0, %0, #1\n"
			 "   stxr %w1, %0, [%2]\n"
			 "   cbnz %w1, 1b\n"
			 : "=&r"(tmp), "=&r"(fail)
			 : "r"(p)
			 : "memory");
}

static inline void add_llsc_acqrel(uint64_t *p, uint64_t v)
{
	uint64_t tmp;
	uint32_t fail;
	__asm__ volatile("1: ldaxr %0, [%2]\n"
			 "   add %0, %0, %3\n"
			 "   stlxr %w1, %0, [%2]\n"
			 "   cbnz %w1, 1b\n"
			 : "=&r"(tmp), "=&r"(fail)
			 : "r"(p), "r"(v)
			 : "memory");
}

static inline void inc_llsc32(uint32_t *p)
{
	uint32_t tmp, fail;
	__asm__ volatile("1: ldxr %w0, [%2]\n"
			 "   add %w0, %w0, #1\n"
			 "   stxr %w1, %w0, [%2]\n"
			 "   cbnz %w1, 1b\n"
			 : "=&r"(tmp), "=&r"(fail)
			 : "r"(p)
			 : "memory");
}

static pthread_barrier_t start;

static void *worker(void *arg)
{
	uint64_t id = (uint64_t)(uintptr_t)arg;
	pthread_barrier_wait(&start);
	for (int i = 0; i < ITERS; i++) {
		inc_llsc(&counter);
		if ((i & 3) == 0) {
			add_llsc_acqrel(&counter_acqrel, id + 1);
			inc_llsc32(&counter32);
		}
	}
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
	uint64_t want = (uint64_t)THREADS * ITERS;
	uint64_t want_acqrel = (uint64_t)(ITERS / 4) * (1 + 2 + 3 + 4);
	printf("ldxr/stxr counter: %llu (expected %llu) %s\n", (unsigned long long)counter, (unsigned long long)want,
	       counter == want ? "OK" : "LOST UPDATES");
	printf("ldaxr/stlxr counter: %llu (expected %llu) %s\n", (unsigned long long)counter_acqrel,
	       (unsigned long long)want_acqrel, counter_acqrel == want_acqrel ? "OK" : "LOST UPDATES");
	printf("32-bit counter: %u (expected %u) %s\n", counter32, THREADS * ITERS / 4,
	       counter32 == THREADS * ITERS / 4 ? "OK" : "LOST UPDATES");
	return counter == want && counter_acqrel == want_acqrel ? 0 : 1;
}
