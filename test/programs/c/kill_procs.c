// Signals between processes: kill, tgkill and tkill to a child (standard
// and real-time signals, signal 0), to the process group (pid 0) and to
// another group (-pgid), from a child to its parent, to a zombie, and the
// errors (EINVAL, ESRCH). The program first makes a process group of its
// own, so that pid 0 reaches nothing outside it. (si_pid of a signal from
// another process is not printed: carrick documents that it cannot carry
// it.)
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t last, count;
static int ack[2], cmd[2];

static void handler(int sig, siginfo_t *si, void *uc) {
	last = sig;
	count++;
}

static void catch(int sig) {
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(sig, &sa, NULL);
}

// child: acknowledges every signal it handles with its number; on a 'g'
// command it makes a group of its own; on 'p' it sends SIGUSR2 to its
// parent; on 'q' it exits. It starts with every signal blocked (the
// parent's mask at fork) and takes them only inside pselect.
static void child(void) {
	sigset_t none;
	sigemptyset(&none);
	for (;;) {
		fd_set rd;
		FD_ZERO(&rd);
		FD_SET(cmd[0], &rd);
		// Wait for a command or a signal, with signals unblocked only here.
		int n = pselect(cmd[0] + 1, &rd, NULL, NULL, NULL, &none);
		if (n < 0 && errno == EINTR) {
			unsigned char c = (unsigned char)last;
			write(ack[1], &c, 1);
			continue;
		}
		char c;
		if (read(cmd[0], &c, 1) != 1 || c == 'q')
			_exit(0);
		if (c == 'g')
			setpgid(0, 0);
		if (c == 'p')
			kill(getppid(), SIGUSR2);
		write(ack[1], "k", 1);
	}
}

static int got(void) {
	unsigned char c;
	if (read(ack[0], &c, 1) != 1)
		return -1;
	return c;
}

static void command(char c) {
	write(cmd[1], &c, 1);
	got();
}

static void result(const char *what, int ret) {
	printf("%s: ret %d%s%s\n", what, ret, ret < 0 ? " " : "", ret < 0 ? strerror(errno) : "");
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("own group: %d\n", setpgid(0, 0));
	int rt = SIGRTMIN + 1;
	catch(SIGUSR1);
	catch(SIGUSR2);
	catch(rt);
	pipe(ack);
	pipe(cmd);
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid_t pid = fork();
	if (pid == 0)
		child();
	sigprocmask(SIG_SETMASK, &old, NULL);

	result("kill 0 (exists)", kill(pid, 0));
	result("kill SIGUSR1", kill(pid, SIGUSR1));
	printf("child got %d\n", got());
	result("kill SIGRTMIN+1", kill(pid, rt));
	printf("child got SIGRTMIN+%d\n", got() - SIGRTMIN);
	result("tgkill SIGUSR2", syscall(SYS_tgkill, pid, pid, SIGUSR2));
	printf("child got %d\n", got());
	result("tkill SIGUSR1", syscall(SYS_tkill, pid, SIGUSR1));
	printf("child got %d\n", got());

	// The group: pid 0 reaches the child and this process.
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &old);
	count = 0;
	result("kill group 0", kill(0, SIGUSR1));
	printf("child got %d\n", got());
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("this process got %d (count %d)\n", last, count);

	// The child moves to a group of its own: -pgid reaches it alone.
	command('g');
	printf("child's group is its own: %d\n", getpgid(pid) == pid);
	count = 0;
	result("kill -pgid", kill(-pid, SIGUSR2));
	printf("child got %d; this process count %d\n", got(), count);
	result("kill 0 (own group, now alone)", kill(0, 0));

	// A signal from the child to its parent.
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, &old);
	last = 0;
	command('p');
	sigset_t wait_for = old;
	sigdelset(&wait_for, SIGUSR2);
	while (last != SIGUSR2)
		sigsuspend(&wait_for);
	sigprocmask(SIG_SETMASK, &old, NULL);
	printf("parent got %d from the child\n", last);

	// Errors.
	errno = 0;
	result("signal 65", kill(pid, 65));
	result("unknown pid", kill(INT_MAX - 1, 0));
	result("unknown group", kill(-INT_MAX, SIGUSR1));
	result("INT_MIN", kill(INT_MIN, 0));
	result("tgkill wrong tgid", syscall(SYS_tgkill, INT_MAX - 1, pid, SIGUSR1));
	result("tgkill tid 0", syscall(SYS_tgkill, pid, 0, SIGUSR1));
	result("tkill -1", syscall(SYS_tkill, -1, SIGUSR1));

	// A zombie takes signals (and ignores them); once reaped it is gone.
	write(cmd[1], "q", 1);
	siginfo_t si;
	waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	result("zombie kill 0", kill(pid, 0));
	result("zombie kill SIGUSR1", kill(pid, SIGUSR1));
	int st;
	waitpid(pid, &st, 0);
	printf("child exited %d\n", WEXITSTATUS(st));
	result("reaped kill 0", kill(pid, 0));

	// Death by a signal from the parent.
	pid = fork();
	if (pid == 0) {
		for (;;)
			pause();
	}
	result("kill SIGTERM", kill(pid, SIGTERM));
	waitpid(pid, &st, 0);
	printf("killed by %d\n", WIFSIGNALED(st) ? WTERMSIG(st) : -1);
	return 0;
}
