// In a pid namespace, pid 1 gets from the processes of its namespace only
// the signals it has a handler for: SIGTERM (default action) and SIGKILL
// are dropped, SIGUSR1 (handled) arrives (pid_namespaces(7)). qemu-user
// as pid 1 installs handlers for every signal, so it cannot be the oracle.
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
static volatile sig_atomic_t got;
static void h(int s) { got = s; }
int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	signal(SIGUSR1, h);
	pid_t c = fork();
	if (c == 0) {
		printf("child: kill(1, SIGTERM) %d\n", kill(1, SIGTERM));
		printf("child: kill(1, SIGKILL) %d\n", kill(1, SIGKILL));
		printf("child: kill(1, SIGUSR1) %d\n", kill(1, SIGUSR1));
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	usleep(100000);
	printf("init alive, handled %d\n", got);
	return 0;
}
