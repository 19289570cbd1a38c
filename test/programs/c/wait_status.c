// wait4/waitpid: exit codes, deaths by signal (the core-dump bit as the
// environment decides it: the suite runs with RLIMIT_CORE 0), WNOHANG,
// WUNTRACED/WCONTINUED with SIGSTOP/SIGCONT, waits by process group (pid 0
// and pid < -1), rusage, and the errors (ECHILD, EINVAL, ESRCH).
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static void show(const char *what, pid_t got, pid_t want, int st) {
	printf("%s: pid-ok=%d", what, got == want);
	if (WIFEXITED(st))
		printf(" exited %d", WEXITSTATUS(st));
	if (WIFSIGNALED(st))
		printf(" signaled %d core %d", WTERMSIG(st), WCOREDUMP(st) ? 1 : 0);
	if (WIFSTOPPED(st))
		printf(" stopped %d", WSTOPSIG(st));
	if (WIFCONTINUED(st))
		printf(" continued");
	printf(" raw %#x\n", st);
}

// quiet sends the child's stderr to /dev/null: emulators print their own
// notice when a guest dies by a signal.
static void quiet(void) {
	int fd = open("/dev/null", O_WRONLY);
	dup2(fd, 2);
	close(fd);
}

static pid_t child_exit(int code) {
	pid_t pid = fork();
	if (pid == 0)
		_exit(code);
	return pid;
}

static pid_t child_signal(int sig) {
	pid_t pid = fork();
	if (pid == 0) {
		quiet();
		signal(sig, SIG_DFL);
		if (sig == SIGABRT)
			abort();
		raise(sig);
		_exit(100);
	}
	return pid;
}

// child_wait blocks until the parent writes to the pipe.
static pid_t child_wait(int p[2], int code) {
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		char c;
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(code);
	}
	close(p[0]);
	return pid;
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	int st;
	pid_t pid, got;

	int codes[] = {0, 1, 42, 255};
	for (int i = 0; i < 4; i++) {
		pid = child_exit(codes[i]);
		got = waitpid(pid, &st, 0);
		show("exit", got, pid, st);
	}
	int sigs[] = {SIGTERM, SIGUSR1, SIGKILL, SIGABRT, SIGSEGV, SIGQUIT};
	for (int i = 0; i < 6; i++) {
		pid = child_signal(sigs[i]);
		got = waitpid(pid, &st, 0);
		show("signal", got, pid, st);
	}

	// WNOHANG while the child runs, then a blocking wait.
	int p[2];
	pid = child_wait(p, 3);
	st = 12345;
	got = waitpid(pid, &st, WNOHANG);
	printf("wnohang running: ret %d status untouched %d\n", got, st == 12345);
	got = waitpid(-1, &st, WNOHANG);
	printf("wnohang any running: ret %d\n", got);
	write(p[1], "x", 1);
	got = waitpid(pid, &st, 0);
	show("released", got, pid, st);
	close(p[1]);

	// A stop and a continue; a stop without WUNTRACED is not reported;
	// then death by SIGKILL.
	pid = child_wait(p, 4);
	kill(pid, SIGSTOP);
	got = waitpid(pid, &st, WUNTRACED);
	show("stop", got, pid, st);
	got = waitpid(pid, &st, WUNTRACED | WNOHANG);
	printf("stop reported once: ret %d\n", got);
	kill(pid, SIGCONT);
	got = waitpid(pid, &st, WCONTINUED);
	show("cont", got, pid, st);
	kill(pid, SIGSTOP);
	got = waitpid(pid, &st, WNOHANG);
	printf("stop without WUNTRACED: ret %d\n", got);
	kill(pid, SIGKILL);
	got = waitpid(pid, &st, 0);
	show("killed while stopped", got, pid, st);
	close(p[1]);

	// Waits by process group: a is in a group of its own, b in ours.
	int pa[2], pb[2], ready[2];
	pipe(ready);
	pipe(pa);
	pid_t a = fork();
	if (a == 0) {
		close(pa[1]);
		setpgid(0, 0);
		write(ready[1], "a", 1);
		char c;
		read(pa[0], &c, 1);
		_exit(11);
	}
	close(pa[0]);
	char c;
	read(ready[0], &c, 1);
	printf("a's group is its own: %d\n", getpgid(a) == a);
	pid_t b = child_wait(pb, 12);
	write(pa[1], "x", 1);
	write(pb[1], "x", 1);
	got = waitpid(0, &st, 0);
	printf("pid 0 waits for b: %d status %d\n", got == b, WEXITSTATUS(st));
	errno = 0;
	got = waitpid(0, &st, 0);
	printf("pid 0 again: ret %d %s\n", got, strerror(errno));
	got = waitpid(-a, &st, 0);
	printf("-pgid waits for a: %d status %d\n", got == a, WEXITSTATUS(st));

	// Flags that select no child, and __WALL.
	pid = child_exit(5);
	errno = 0;
	got = waitpid(pid, &st, __WCLONE);
	printf("__WCLONE: ret %d %s\n", got, strerror(errno));
	got = waitpid(pid, &st, __WALL | __WNOTHREAD);
	show("__WALL", got, pid, st);

	// rusage of a child that computed something.
	pid = fork();
	if (pid == 0) {
		volatile unsigned long x = 0;
		for (unsigned long i = 0; i < 3000000; i++)
			x += i * i;
		_exit((int)(x & 1));
	}
	struct rusage ru;
	memset(&ru, 0xff, sizeof ru);
	got = wait4(pid, &st, 0, &ru);
	printf("rusage: pid-ok %d usec-ok %d %d maxrss>0 %d\n", got == pid,
	       ru.ru_utime.tv_usec >= 0 && ru.ru_utime.tv_usec < 1000000,
	       ru.ru_stime.tv_usec >= 0 && ru.ru_stime.tv_usec < 1000000, ru.ru_maxrss > 0);

	// A status pointer the kernel cannot write: EFAULT, and the child is
	// reaped all the same.
	pid = child_exit(6);
	errno = 0;
	got = wait4(pid, (int *)8, 0, NULL);
	printf("bad status pointer: ret %d %s\n", got, strerror(errno));
	errno = 0;
	got = waitpid(pid, &st, WNOHANG);
	printf("after EFAULT: ret %d %s\n", got, strerror(errno));

	// Errors.
	struct {
		const char *what;
		pid_t pid;
		int options;
	} bad[] = {
		{"no children", -1, 0},
		{"self", 0, 0},
		{"unknown group", -INT_MAX, 0},
		{"INT_MIN", INT_MIN, 0},
		{"bad option", -1, 0x100},
		{"WNOWAIT", -1, 0x01000000},
		{"WEXITED", -1, 4},
	};
	bad[1].pid = getpid();
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		got = waitpid(bad[i].pid, &st, bad[i].options);
		printf("%s: ret %d %s\n", bad[i].what, got, strerror(errno));
	}
	return 0;
}
