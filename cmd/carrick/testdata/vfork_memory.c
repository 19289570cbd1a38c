// vfork: the child runs on its parent's memory until it execs or exits, so
// the parent, which sleeps meanwhile, sees what the child wrote; the
// child's _exit status reaches waitpid. (qemu-user runs vfork as fork, so
// this is checked against Linux's documented behaviour.)
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile int global = 1;

int main(void) {
	volatile int *heap = malloc(sizeof *heap);
	*heap = 3;
	pid_t c = vfork();
	if (c == 0) {
		global = 10;
		*heap = 30;
		_exit(5);
	}
	int st;
	waitpid(c, &st, 0);
	printf("after the vfork child: global %d heap %d, child exited %d\n", global, *heap, WEXITSTATUS(st));
	return 0;
}
