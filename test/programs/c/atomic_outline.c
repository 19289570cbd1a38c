// cflags: -moutline-atomics
/* Concurrency proof (c): 4 threads x 200000 increments of one shared
 * counter with __atomic_fetch_add, compiled with -moutline-atomics (calls
 * to __aarch64_ldadd8_* helpers that pick LSE or LL/SC at run time from
 * AT_HWCAP), plus 8/16/32-bit fetch-ops, compare-exchange, exchange and a
 * pthread mutex protected counter. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>

#define THREADS 4
#define ITERS 200000

static uint64_t counter;
static uint32_t c32;
static uint16_t c16;
static uint8_t c8;
static uint64_t cas_counter, xor_acc, or_acc;
static uint64_t mutex_counter;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t start;

static void *worker(void *arg)
{
	uint64_t id = (uint64_t)(uintptr_t)arg;
	pthread_barrier_wait(&start);
	for (int i = 0; i < ITERS; i++) {
		__atomic_fetch_add(&counter, 1, __ATOMIC_SEQ_CST);
		if ((i & 3) == 0) {
			__atomic_fetch_add(&c32, 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&c16, 1, __ATOMIC_ACQ_REL);
			__atomic_fetch_add(&c8, 1, __ATOMIC_RELEASE);
			__atomic_fetch_xor(&xor_acc, (uint64_t)i * 2654435761u + id, __ATOMIC_ACQUIRE);
			__atomic_fetch_or(&or_acc, 1ULL << ((i + id) % 64), __ATOMIC_RELAXED);
			uint64_t cur = __atomic_load_n(&cas_counter, __ATOMIC_RELAXED);
			while (!__atomic_compare_exchange_n(&cas_counter, &cur, cur + 1, 1, __ATOMIC_ACQ_REL,
							    __ATOMIC_RELAXED))
				;
		}
		if ((i & 15) == 0) {
			pthread_mutex_lock(&mu);
			mutex_counter++;
			pthread_mutex_unlock(&mu);
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
	uint64_t want = (uint64_t)THREADS * ITERS, want4 = want / 4;
	uint64_t xor_want = 0;
	for (uint64_t id = 0; id < THREADS; id++)
		for (int i = 0; i < ITERS; i += 4)
			xor_want ^= (uint64_t)i * 2654435761u + id;
	printf("__atomic_fetch_add counter: %llu (expected %llu) %s\n", (unsigned long long)counter,
	       (unsigned long long)want, counter == want ? "OK" : "LOST UPDATES");
	printf("32-bit %u, 16-bit %u (mod 65536 expected %llu), 8-bit %u (expected %llu)\n", c32, c16,
	       (unsigned long long)(want4 % 65536), c8, (unsigned long long)(want4 % 256));
	printf("cas counter %llu %s, xor %s, or %016llx\n", (unsigned long long)cas_counter,
	       cas_counter == want4 ? "OK" : "LOST UPDATES", xor_acc == xor_want ? "OK" : "WRONG",
	       (unsigned long long)or_acc);
	printf("mutex counter %llu (expected %llu)\n", (unsigned long long)mutex_counter,
	       (unsigned long long)(want / 16));
	uint64_t old = __atomic_exchange_n(&counter, 7, __ATOMIC_SEQ_CST);
	printf("exchange returned %llu, now %llu\n", (unsigned long long)old, (unsigned long long)counter);
	return 0;
}
