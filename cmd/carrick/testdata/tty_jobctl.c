// Job control on the controlling terminal (stdin, a pty the harness made
// this process's controlling terminal): the foreground group as
// tcgetpgrp names it, moving it with tcsetpgrp, and the SIGTTOU rule for
// a background group changing the terminal. Prints relations, not pids,
// so that it reads the same in a pid namespace.
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("fg is my group: %d\n", tcgetpgrp(0) == getpgrp());
	int go[2], back[2];
	pipe(go);
	pipe(back);
	pid_t c = fork();
	if (c == 0) {
		char x;
		setpgid(0, 0);
		write(back[1], "r", 1);
		read(go[0], &x, 1); // now in the foreground
		printf("child: fg is my group: %d\n", tcgetpgrp(0) == getpgrp());
		signal(SIGTTOU, SIG_IGN);
		printf("child: give fg back: %d\n", tcsetpgrp(0, getppid()));
		struct termios t;
		tcgetattr(0, &t);
		printf("child: background tcsetattr, SIGTTOU ignored: %d\n", tcsetattr(0, TCSANOW, &t));
		signal(SIGTTOU, SIG_DFL);
		write(back[1], "d", 1);
		tcsetattr(0, TCSANOW, &t); // stops here
		printf("child: not stopped\n");
		_exit(0);
	}
	char x;
	read(back[0], &x, 1);
	setpgid(c, c);
	signal(SIGTTOU, SIG_IGN);
	printf("give fg to the child: %d\n", tcsetpgrp(0, c));
	printf("fg is the child's group: %d\n", tcgetpgrp(0) == c);
	write(go[1], "g", 1);
	read(back[0], &x, 1);
	printf("fg is my group again: %d\n", tcgetpgrp(0) == getpgrp());
	int st;
	waitpid(c, &st, WUNTRACED);
	printf("child stopped by SIGTTOU: %d\n", WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTOU);
	kill(c, SIGKILL);
	waitpid(c, &st, 0);
	return 0;
}
