// A parent puts its forked child in a process group of its own (as a shell
// does for a job), before the child execs: the child sees the new group.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	int p[2], q[2];
	pipe(p);
	pipe(q);
	pid_t c = fork();
	if (c == 0) {
		char x;
		read(p[0], &x, 1);
		char r = getpgrp() == getpid() ? 'y' : 'n';
		write(q[1], &r, 1);
		_exit(0);
	}
	int r = setpgid(c, c);
	printf("setpgid(child, child): %d, child's group is the child: %d\n", r, getpgid(c) == c);
	write(p[1], "g", 1);
	char x;
	read(q[0], &x, 1);
	printf("the child sees itself as its group's leader: %c\n", x);
	int st;
	waitpid(c, &st, 0);
	printf("our group unchanged: %d\n", getpgrp() == getpgid(0));
	return 0;
}
