// FUTEX_CMP_REQUEUE between threads: three waiters on one word, one woken
// and two moved to a second word (as a condition variable's broadcast
// once did), a stale expected value refused with EAGAIN, and the moved
// waiters woken from the second word.
#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static _Atomic unsigned a, b;
static atomic_int ready, done;

static long futex(_Atomic unsigned *w, int op, unsigned val, unsigned long val2, _Atomic unsigned *w2, unsigned val3) {
	return syscall(SYS_futex, w, op, val, val2, w2, val3);
}

static void *waiter(void *arg) {
	atomic_fetch_add(&ready, 1);
	while (atomic_load(&a) == 0)
		if (futex(&a, FUTEX_WAIT_PRIVATE, 0, 0, NULL, 0) == 0)
			break; // woken (directly, or after a requeue)
	atomic_fetch_add(&done, 1);
	return arg;
}

int main(void) {
	pthread_t th[3];
	for (int i = 0; i < 3; i++)
		pthread_create(&th[i], NULL, waiter, NULL);
	while (atomic_load(&ready) < 3)
		usleep(1000);
	usleep(100000); // all three are asleep in the kernel by now
	errno = 0;
	long r = futex(&a, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, &b, 7);
	printf("stale value: %ld EAGAIN %d\n", r, errno == EAGAIN);
	r = futex(&a, FUTEX_CMP_REQUEUE_PRIVATE, 1, 2, &b, 0);
	printf("requeue: %ld (one woken, two moved)\n", r);
	while (atomic_load(&done) < 1)
		usleep(1000);
	usleep(50000);
	printf("done after the requeue: %d\n", atomic_load(&done));
	printf("wake on the first word: %ld\n", futex(&a, FUTEX_WAKE_PRIVATE, 10, 0, NULL, 0));
	printf("wake on the second word: %ld\n", futex(&b, FUTEX_WAKE_PRIVATE, 10, 0, NULL, 0));
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	printf("all done: %d\n", atomic_load(&done));
	return 0;
}
