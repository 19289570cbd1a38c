// SIGCHLD: the siginfo a child's exit, death, stop and continue send
// (si_code CLD_*, si_pid, si_status), taken by a handler and by
// sigwaitinfo; a wait that reports a change leaves its SIGCHLD pending;
// SIGCHLD ignored (children reaped unseen: wait blocks until they end,
// then fails with ECHILD). SA_NOCLDSTOP and SA_NOCLDWAIT are checked
// against the host kernel in cmd/carrick (qemu-user does not pass them
// on).
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *code(int c) {
	switch (c) {
	case CLD_EXITED: return "CLD_EXITED";
	case CLD_KILLED: return "CLD_KILLED";
	case CLD_DUMPED: return "CLD_DUMPED";
	case CLD_STOPPED: return "CLD_STOPPED";
	case CLD_CONTINUED: return "CLD_CONTINUED";
	}
	return "?";
}

static volatile sig_atomic_t got, got_code, got_status, got_pid;

static void handler(int sig, siginfo_t *si, void *uc) {
	got++;
	got_code = si->si_code;
	got_status = si->si_status;
	got_pid = si->si_pid;
}

static void take(const char *what, sigset_t *set, pid_t want) {
	siginfo_t si;
	memset(&si, 0, sizeof si);
	int sig = sigwaitinfo(set, &si);
	printf("%s: sig %d code %s pid-ok %d status %d\n", what, sig, code(si.si_code), si.si_pid == want,
	       si.si_status);
}

// child_wait runs until the parent writes a byte, then exits with code.
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

static int chld_pending(void) {
	sigset_t pend;
	sigpending(&pend);
	return sigismember(&pend, SIGCHLD);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	sigset_t chld, none;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigemptyset(&none);
	int st, p[2];
	pid_t pid, w;

	// A handler with SA_SIGINFO, run while sigsuspend waits.
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = handler;
	sa.sa_flags = SA_SIGINFO;
	sigaction(SIGCHLD, &sa, NULL);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	pid = fork();
	if (pid == 0)
		_exit(5);
	while (!got)
		sigsuspend(&none);
	printf("handler: calls %d code %s pid-ok %d status %d\n", got, code(got_code), got_pid == pid, got_status);
	w = waitpid(pid, &st, 0);
	printf("reaped: %d status %d\n", w == pid, WEXITSTATUS(st));

	// sigwaitinfo: a death by signal, a stop, a continue and an exit.
	pid = fork();
	if (pid == 0) {
		raise(SIGTERM);
		_exit(1);
	}
	take("killed", &chld, pid);
	waitpid(pid, &st, 0);
	pid = child_wait(p, 6);
	kill(pid, SIGSTOP);
	take("stopped", &chld, pid);
	kill(pid, SIGCONT);
	take("continued", &chld, pid);
	write(p[1], "x", 1);
	take("exited", &chld, pid);
	w = waitpid(pid, &st, 0);
	printf("reaped: %d status %d\n", w == pid, WEXITSTATUS(st));
	close(p[1]);

	// A wait that reports a change leaves that change's SIGCHLD pending.
	pid = child_wait(p, 7);
	kill(pid, SIGSTOP);
	w = waitpid(pid, &st, WUNTRACED);
	printf("stop seen by waitpid: %d, SIGCHLD pending %d\n", WIFSTOPPED(st), chld_pending());
	take("its SIGCHLD", &chld, pid);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	take("kill's SIGCHLD", &chld, pid);
	close(p[1]);

	// SIGCHLD ignored: the child is reaped as it ends.
	signal(SIGCHLD, SIG_IGN);
	sigprocmask(SIG_UNBLOCK, &chld, NULL);
	pid = fork();
	if (pid == 0)
		_exit(9);
	errno = 0;
	w = waitpid(pid, &st, 0);
	const char *e = strerror(errno);
	printf("SIG_IGN: waitpid %d %s; kill(pid, 0) %d\n", w, e, kill(pid, 0));
	return 0;
}
