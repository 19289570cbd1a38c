/* pthreads beyond counters: a bounded producer/consumer queue with a mutex
 * and two condition variables, thread-local storage, pthread_once,
 * rwlocks, POSIX semaphores, a barrier-separated multi-phase computation,
 * thread return values and per-thread stacks of different sizes. Results
 * are independent of the interleaving. */
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QCAP 16
static struct {
	pthread_mutex_t mu;
	pthread_cond_t notfull, notempty;
	uint64_t buf[QCAP];
	int head, len, producers_left;
} q = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, {0}, 0, 0, 0};

static void put(uint64_t v)
{
	pthread_mutex_lock(&q.mu);
	while (q.len == QCAP)
		pthread_cond_wait(&q.notfull, &q.mu);
	q.buf[(q.head + q.len) % QCAP] = v;
	q.len++;
	pthread_cond_signal(&q.notempty);
	pthread_mutex_unlock(&q.mu);
}

/* returns 0 when all producers are done and the queue is empty */
static int get(uint64_t *v)
{
	pthread_mutex_lock(&q.mu);
	while (q.len == 0 && q.producers_left > 0)
		pthread_cond_wait(&q.notempty, &q.mu);
	if (q.len == 0) {
		pthread_mutex_unlock(&q.mu);
		return 0;
	}
	*v = q.buf[q.head];
	q.head = (q.head + 1) % QCAP;
	q.len--;
	pthread_cond_signal(&q.notfull);
	pthread_mutex_unlock(&q.mu);
	return 1;
}

static void *producer(void *arg)
{
	uint64_t id = (uint64_t)(uintptr_t)arg;
	for (uint64_t i = 1; i <= 20000; i++)
		put(id * 1000000 + i);
	pthread_mutex_lock(&q.mu);
	q.producers_left--;
	pthread_cond_broadcast(&q.notempty);
	pthread_mutex_unlock(&q.mu);
	return NULL;
}

struct consumed {
	uint64_t count, sum, xorv;
};

static void *consumer(void *arg)
{
	(void)arg;
	struct consumed *c = calloc(1, sizeof *c);
	uint64_t v;
	while (get(&v)) {
		c->count++;
		c->sum += v;
		c->xorv ^= v * 0x9e3779b97f4a7c15ULL;
	}
	return c; /* returned through pthread_join */
}

static __thread uint64_t tls_counter = 100;
static __thread char tls_name[16];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int once_runs;
static void init_once(void) { once_runs++; }

static void *tls_worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	pthread_once(&once, init_once);
	snprintf(tls_name, sizeof tls_name, "worker-%d", id);
	for (int i = 0; i < 1000 * (id + 1); i++)
		tls_counter += (uint64_t)id;
	char *res = malloc(64);
	snprintf(res, 64, "%s tls=%llu", tls_name, (unsigned long long)tls_counter);
	return res;
}

static pthread_rwlock_t rw = PTHREAD_RWLOCK_INITIALIZER;
static uint64_t table[64];
static sem_t slots;
static int in_section, max_in_section;
static pthread_mutex_t sec_mu = PTHREAD_MUTEX_INITIALIZER;

static void *rw_worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	uint64_t seen = 0;
	for (int i = 0; i < 3000; i++) {
		if (i % 10 == id % 10) {
			pthread_rwlock_wrlock(&rw);
			for (int k = 0; k < 64; k++)
				table[k] += (uint64_t)k;
			pthread_rwlock_unlock(&rw);
		} else {
			pthread_rwlock_rdlock(&rw);
			uint64_t first = table[0];
			for (int k = 1; k < 64; k++)
				if (table[k] != first + (uint64_t)k * (table[1] - first))
					seen++; /* a torn view: must never happen */
			pthread_rwlock_unlock(&rw);
		}
		if (i % 100 == 0) {
			sem_wait(&slots);
			pthread_mutex_lock(&sec_mu);
			if (++in_section > max_in_section)
				max_in_section = in_section;
			pthread_mutex_unlock(&sec_mu);
			pthread_mutex_lock(&sec_mu);
			in_section--;
			pthread_mutex_unlock(&sec_mu);
			sem_post(&slots);
		}
	}
	return (void *)(uintptr_t)seen;
}

#define PHASES 6
#define PW 4
static pthread_barrier_t bar;
static double grid[2][PW * 256];

static void *phase_worker(void *arg)
{
	int id = (int)(intptr_t)arg;
	for (int ph = 0; ph < PHASES; ph++) {
		double *src = grid[ph & 1], *dst = grid[(ph + 1) & 1];
		for (int i = id * 256; i < (id + 1) * 256; i++) {
			int l = (i + PW * 256 - 1) % (PW * 256), r = (i + 1) % (PW * 256);
			dst[i] = 0.25 * src[l] + 0.5 * src[i] + 0.25 * src[r];
		}
		pthread_barrier_wait(&bar);
	}
	return NULL;
}

int main(void)
{
	pthread_t prod[3], cons[4];
	q.producers_left = 3;
	for (int i = 0; i < 4; i++)
		pthread_create(&cons[i], NULL, consumer, NULL);
	for (int i = 0; i < 3; i++)
		pthread_create(&prod[i], NULL, producer, (void *)(uintptr_t)(i + 1));
	for (int i = 0; i < 3; i++)
		pthread_join(prod[i], NULL);
	struct consumed total = {0, 0, 0};
	for (int i = 0; i < 4; i++) {
		void *r;
		pthread_join(cons[i], &r);
		struct consumed *c = r;
		total.count += c->count;
		total.sum += c->sum;
		total.xorv ^= c->xorv;
		free(c);
	}
	printf("queue: count %llu sum %llu xor %016llx\n", (unsigned long long)total.count,
	       (unsigned long long)total.sum, (unsigned long long)total.xorv);

	pthread_t tw[5];
	for (int i = 0; i < 5; i++) {
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, (size_t)(64 + 64 * i) * 1024);
		pthread_create(&tw[i], &attr, tls_worker, (void *)(intptr_t)i);
		pthread_attr_destroy(&attr);
	}
	for (int i = 0; i < 5; i++) {
		void *r;
		pthread_join(tw[i], &r);
		printf("%s\n", (char *)r);
		free(r);
	}
	printf("main tls=%llu once_runs=%d\n", (unsigned long long)tls_counter, once_runs);

	sem_init(&slots, 0, 2);
	pthread_t rwt[6];
	for (int i = 0; i < 6; i++)
		pthread_create(&rwt[i], NULL, rw_worker, (void *)(intptr_t)i);
	uint64_t torn = 0;
	for (int i = 0; i < 6; i++) {
		void *r;
		pthread_join(rwt[i], &r);
		torn += (uint64_t)(uintptr_t)r;
	}
	printf("rwlock: table[63]=%llu torn=%llu sem max %s\n", (unsigned long long)table[63],
	       (unsigned long long)torn, max_in_section <= 2 ? "<= 2" : "EXCEEDED");

	for (int i = 0; i < PW * 256; i++)
		grid[0][i] = (i % 97 == 0) ? 1000.0 : (double)(i % 7);
	pthread_barrier_init(&bar, NULL, PW);
	pthread_t pw[PW];
	for (int i = 0; i < PW; i++)
		pthread_create(&pw[i], NULL, phase_worker, (void *)(intptr_t)i);
	for (int i = 0; i < PW; i++)
		pthread_join(pw[i], NULL);
	double s = 0;
	for (int i = 0; i < PW * 256; i++)
		s += grid[PHASES & 1][i] * (double)(i + 1);
	printf("stencil: %.17g %a\n", s, grid[PHASES & 1][97]);
	return 0;
}
