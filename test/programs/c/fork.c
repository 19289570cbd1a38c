// fork: copy-on-write memory, shared mappings, inherited fds with shared
// offsets, pipes between parent and child, exit statuses through waitpid.
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int global = 10;

static void status(const char *what, int st) {
	if (WIFEXITED(st))
		printf("%s: exited %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("%s: killed by %d\n", what, WTERMSIG(st));
	else
		printf("%s: status %#x\n", what, st);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	char *heap = malloc(1 << 20);
	memset(heap, 'a', 1 << 20);
	int *shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int *priv = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED || priv == MAP_FAILED)
		return 1;
	*shared = 1;
	*priv = 1;
	int p[2];
	pipe(p);
	char name[] = "forkfileXXXXXX";
	int fd = mkstemp(name);
	unlink(name);
	write(fd, "0123456789", 10);
	lseek(fd, 0, SEEK_SET);

	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		close(p[0]);
		global++;
		heap[12345] = 'b';
		*shared = 42;
		*priv = 99;
		char b[4] = {0};
		read(fd, b, 3); // moves the shared offset
		char msg[128];
		int n = snprintf(msg, sizeof msg, "child: global=%d heap=%c%c shared=%d priv=%d read=%s getppid-ok=%d\n",
				 global, heap[12344], heap[12345], *shared, *priv, b, getppid() > 1);
		write(p[1], msg, n);
		_exit(7);
	}
	close(p[1]);
	char buf[256];
	int n = read(p[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = 0;
	fputs(buf, stdout);
	int st;
	pid_t w = waitpid(pid, &st, 0);
	printf("waited right pid: %d\n", w == pid);
	status("child", st);
	char b[4] = {0};
	read(fd, b, 3);
	printf("parent: global=%d heap=%c shared=%d priv=%d read-after=%s\n", global, heap[12345], *shared, *priv, b);

	// Death by signal, and a second generation.
	pid = fork();
	if (pid == 0) {
		pid_t g = fork();
		if (g == 0)
			_exit(3);
		int s2;
		waitpid(g, &s2, 0);
		if (!WIFEXITED(s2) || WEXITSTATUS(s2) != 3)
			_exit(1);
		kill(getpid(), SIGTERM);
		pause();
	}
	waitpid(pid, &st, 0);
	status("grandparent", st);

	// A chain of forks: memory only the first process wrote is read by the
	// fourth generation, through processes that never touched it.
	{
		unsigned char *data = malloc(3 << 20);
		for (int i = 0; i < (3 << 20); i++)
			data[i] = (unsigned char)(i * 7 + 3);
		int gen = 0;
		while (gen < 3) {
			pid_t c = fork();
			if (c != 0) {
				int s2;
				waitpid(c, &s2, 0);
				if (gen > 0)
					_exit(WIFEXITED(s2) ? WEXITSTATUS(s2) : 99);
				printf("chain: deepest generation's checksum ok %d\n", WIFEXITED(s2) && WEXITSTATUS(s2) == 42);
				break;
			}
			gen++;
		}
		if (gen == 3) {
			unsigned long sum = 0;
			for (int i = 0; i < (3 << 20); i++)
				sum += data[i];
			unsigned long want = 0;
			for (int i = 0; i < (3 << 20); i++)
				want += (unsigned char)(i * 7 + 3);
			_exit(sum == want ? 42 : 1);
		}
	}

	// Many children, reaped in any order, counted.
	int total = 0;
	for (int i = 0; i < 5; i++) {
		if (fork() == 0)
			_exit(i + 1);
	}
	for (int i = 0; i < 5; i++) {
		if (wait(&st) > 0 && WIFEXITED(st))
			total += WEXITSTATUS(st);
	}
	printf("sum of statuses: %d, then wait: %d errno ECHILD: %d\n", total, wait(&st), errno == ECHILD);
	return 0;
}
