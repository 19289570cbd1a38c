// fork in a multithreaded process: only the calling thread exists in the
// child, which sees the memory as it was, can start threads of its own,
// and the parent's threads go on. pthread_atfork handlers run in order.
// (/proc/self/task is not compared: qemu-user shows its own threads there.)
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static atomic_long counters[4];
static atomic_int stop;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long guarded;
static char order[16];
static int norder;

static void prepare(void) { order[norder++] = 'p'; pthread_mutex_lock(&mu); }
static void parent(void) { order[norder++] = 'P'; pthread_mutex_unlock(&mu); }
static void child(void) { order[norder++] = 'C'; pthread_mutex_unlock(&mu); }

static void *spin(void *arg) {
	long i = (long)arg;
	while (!atomic_load(&stop)) {
		atomic_fetch_add(&counters[i], 1);
		pthread_mutex_lock(&mu);
		guarded++;
		pthread_mutex_unlock(&mu);
	}
	return NULL;
}

static void *add(void *arg) {
	for (int i = 0; i < 1000; i++) {
		pthread_mutex_lock(&mu);
		guarded++;
		pthread_mutex_unlock(&mu);
	}
	return arg;
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	pthread_atfork(prepare, parent, child);
	pthread_t th[4];
	for (long i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, spin, (void *)i);
	while (atomic_load(&counters[3]) < 1000)
		sched_yield();
	for (int round = 0; round < 3; round++) {
		pid_t pid = fork();
		if (pid == 0) {
			int ok = 1;
			for (int i = 0; i < 4; i++)
				ok &= atomic_load(&counters[i]) > 0;
			long before = guarded;
			pthread_t t2[2];
			for (int i = 0; i < 2; i++)
				pthread_create(&t2[i], NULL, add, NULL);
			for (int i = 0; i < 2; i++)
				pthread_join(t2[i], NULL);
			// Counters frozen in the child: the spinning threads are gone.
			long c0 = atomic_load(&counters[0]);
			usleep(1000);
			ok &= atomic_load(&counters[0]) == c0;
			printf("child %d: counters seen and frozen %d, threads added %ld, atfork %.*s\n",
			       round, ok, guarded - before, norder, order);
			_exit(round);
		}
		int st;
		waitpid(pid, &st, 0);
		printf("parent: child %d exited %d\n", round, WEXITSTATUS(st));
	}
	long c3 = atomic_load(&counters[3]);
	while (atomic_load(&counters[3]) < c3 + 1000)
		sched_yield();
	atomic_store(&stop, 1);
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	printf("parent threads went on; atfork %.*s\n", norder, order);
	return 0;
}
