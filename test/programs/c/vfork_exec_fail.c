// A vfork child whose execve fails writes errno to a close-on-exec pipe
// and _exits: the parent reads it and then sees EOF (Python's subprocess
// reports a missing program this way).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
	int p[2];
	pipe2(p, O_CLOEXEC);
	pid_t c = vfork();
	if (c == 0) {
		char *argv[] = {"/nonexistent", NULL};
		execv(argv[0], argv);
		int e = errno;
		write(p[1], &e, sizeof e);
		_exit(127);
	}
	close(p[1]);
	int e = 0, n, total = 0;
	while ((n = read(p[0], &e, sizeof e)) > 0) total += n;
	int st;
	waitpid(c, &st, 0);
	printf("read %d bytes errno %d, then EOF; child exit %d\n", total, e, WEXITSTATUS(st));
	return 0;
}
