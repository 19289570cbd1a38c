// Process-shared synchronisation on MAP_SHARED memory between forked
// processes: a POSIX semaphore (sem_wait sleeps in a futex until the other
// process posts), and a process-shared mutex and condition variable used
// for a ping-pong of 200 turns. The futex words are shared, so the wake
// must cross processes.
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

struct shared {
	sem_t ready, done;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int turn, count;
};

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	sem_init(&s->ready, 1, 0);
	sem_init(&s->done, 1, 0);
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_setpshared(&ma, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(&s->mu, &ma);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setpshared(&ca, PTHREAD_PROCESS_SHARED);
	pthread_cond_init(&s->cv, &ca);

	pid_t c = fork();
	if (c == 0) {
		usleep(50000); // the parent is asleep in sem_wait by now
		sem_post(&s->ready);
		for (int i = 0; i < 200; i++) {
			pthread_mutex_lock(&s->mu);
			while (s->turn != 1)
				pthread_cond_wait(&s->cv, &s->mu);
			s->count++;
			s->turn = 0;
			pthread_cond_broadcast(&s->cv);
			pthread_mutex_unlock(&s->mu);
		}
		sem_wait(&s->done);
		_exit(0);
	}
	sem_wait(&s->ready);
	printf("semaphore posted by the child woke the parent\n");
	for (int i = 0; i < 200; i++) {
		pthread_mutex_lock(&s->mu);
		while (s->turn != 0)
			pthread_cond_wait(&s->cv, &s->mu);
		s->count++;
		s->turn = 1;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
	}
	pthread_mutex_lock(&s->mu);
	while (s->turn != 0)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
	sem_post(&s->done);
	int st;
	waitpid(c, &st, 0);
	printf("ping-pong turns %d, child exited %d\n", s->count, WEXITSTATUS(st));
	return 0;
}
