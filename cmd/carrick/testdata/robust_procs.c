// A process that dies holding a process-shared robust mutex: the next
// locker in another process gets EOWNERDEAD, makes it consistent, and the
// mutex works again. Once by _exit, once by SIGKILL from its parent.
// (qemu-user has no robust futex lists: checked against Linux semantics.)
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
	pthread_mutex_t *m = mmap(NULL, sizeof *m, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(m, &a);
	for (int round = 0; round < 2; round++) {
		int p[2];
		pipe(p);
		pid_t c = fork();
		if (c == 0) {
			pthread_mutex_lock(m);
			write(p[1], "l", 1);
			if (round == 0)
				_exit(0);
			for (;;)
				pause();
		}
		char x;
		read(p[0], &x, 1);
		if (round == 1)
			kill(c, SIGKILL);
		int st;
		waitpid(c, &st, 0);
		int r = pthread_mutex_lock(m);
		printf("round %d: lock after the owner died: %s\n", round, r == EOWNERDEAD ? "EOWNERDEAD" : r == 0 ? "0" : "other");
		if (r == EOWNERDEAD)
			pthread_mutex_consistent(m);
		pthread_mutex_unlock(m);
		printf("round %d: lock again: %d\n", round, pthread_mutex_lock(m));
		pthread_mutex_unlock(m);
	}
	return 0;
}
