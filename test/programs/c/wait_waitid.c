// waitid: P_PID, P_PGID, P_ALL; WEXITED, WSTOPPED, WCONTINUED, WNOHANG,
// WNOWAIT; the siginfo it fills (si_signo, si_code CLD_*, si_pid, si_uid,
// si_status); and its errors. (waitid's rusage is not printed: qemu-user
// does not pass it on.)
#include <errno.h>
#include <fcntl.h>
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
	case 0: return "0";
	}
	return "?";
}

static void show(const char *what, int ret, siginfo_t *si, pid_t want) {
	printf("%s: ret %d", what, ret);
	if (ret < 0) {
		printf(" %s\n", strerror(errno));
		return;
	}
	printf(" signo %d code %s pid-ok %d uid-ok %d status %d\n", si->si_signo, code(si->si_code),
	       si->si_pid == want, si->si_uid == getuid(), si->si_status);
}

static void quiet(void) {
	int fd = open("/dev/null", O_WRONLY);
	dup2(fd, 2);
	close(fd);
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

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	siginfo_t si;
	int ret, p[2];
	pid_t pid;

	// An exit, peeked at with WNOWAIT twice, then reaped.
	pid = fork();
	if (pid == 0)
		_exit(7);
	memset(&si, 0, sizeof si);
	ret = waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	show("WNOWAIT", ret, &si, pid);
	memset(&si, 0, sizeof si);
	ret = waitid(P_ALL, 0, &si, WEXITED | WNOWAIT);
	show("WNOWAIT again", ret, &si, pid);
	memset(&si, 0, sizeof si);
	ret = waitid(P_PID, pid, &si, WEXITED);
	show("reaped", ret, &si, pid);
	errno = 0;
	ret = waitid(P_PID, pid, &si, WEXITED | WNOHANG);
	show("gone", ret, &si, pid);

	// Deaths by signal.
	int sigs[] = {SIGUSR1, SIGABRT, SIGKILL};
	for (int i = 0; i < 3; i++) {
		pid = fork();
		if (pid == 0) {
			quiet();
			if (sigs[i] == SIGABRT)
				abort();
			raise(sigs[i]);
			_exit(1);
		}
		memset(&si, 0, sizeof si);
		ret = waitid(P_PID, pid, &si, WEXITED);
		show("killed", ret, &si, pid);
	}

	// WNOHANG with nothing to report: 0, and si_pid stays 0.
	pid = child_wait(p, 9);
	memset(&si, 0, sizeof si);
	ret = waitid(P_PID, pid, &si, WEXITED | WNOHANG);
	printf("WNOHANG running: ret %d si_pid %d\n", ret, si.si_pid);

	// Stops and continues, each reported once, with WNOWAIT keeping them.
	kill(pid, SIGSTOP);
	memset(&si, 0, sizeof si);
	ret = waitid(P_PID, pid, &si, WSTOPPED | WNOWAIT);
	show("stopped (peek)", ret, &si, pid);
	memset(&si, 0, sizeof si);
	ret = waitid(P_PID, pid, &si, WSTOPPED);
	show("stopped", ret, &si, pid);
	memset(&si, 0, sizeof si);
	ret = waitid(P_PID, pid, &si, WSTOPPED | WNOHANG);
	printf("stop reported once: ret %d si_pid %d\n", ret, si.si_pid);
	kill(pid, SIGCONT);
	memset(&si, 0, sizeof si);
	ret = waitid(P_PID, pid, &si, WCONTINUED);
	show("continued", ret, &si, pid);
	write(p[1], "x", 1);
	// The child ends; a wait for stops only does not report (nor reap) it.
	memset(&si, 0, sizeof si);
	ret = waitid(P_PID, pid, &si, WEXITED | WNOWAIT); // until it has ended
	errno = 0;
	ret = waitid(P_PID, pid, &si, WSTOPPED | WCONTINUED | WNOHANG);
	printf("ended, waiting for stops: ret %d %s\n", ret, strerror(errno));
	memset(&si, 0, sizeof si);
	ret = waitid(P_PID, pid, &si, WEXITED);
	show("ended", ret, &si, pid);
	close(p[1]);

	// P_PGID: a child in a group of its own, and id 0 (the caller's group).
	int ready[2], pa[2];
	pipe(ready);
	pipe(pa);
	pid_t a = fork();
	if (a == 0) {
		close(pa[1]);
		setpgid(0, 0);
		write(ready[1], "a", 1);
		char c;
		read(pa[0], &c, 1);
		_exit(21);
	}
	close(pa[0]);
	char c;
	read(ready[0], &c, 1);
	pid_t b = child_wait(p, 22);
	write(pa[1], "x", 1);
	write(p[1], "x", 1);
	memset(&si, 0, sizeof si);
	ret = waitid(P_PGID, 0, &si, WEXITED);
	show("P_PGID 0", ret, &si, b);
	errno = 0;
	ret = waitid(P_PGID, 0, &si, WEXITED);
	show("P_PGID 0 again", ret, &si, b);
	memset(&si, 0, sizeof si);
	ret = waitid(P_PGID, a, &si, WEXITED);
	show("P_PGID a", ret, &si, a);

	// Errors.
	struct {
		const char *what;
		idtype_t type;
		id_t id;
		int options;
	} bad[] = {
		{"no children", P_ALL, 0, WEXITED},
		{"no options", P_ALL, 0, 0},
		{"WNOHANG only", P_ALL, 0, WNOHANG},
		{"bad option", P_ALL, 0, WEXITED | 0x100},
		{"P_PID 0", P_PID, 0, WEXITED},
		{"P_PID -1", P_PID, (id_t)-1, WEXITED},
		{"P_PGID -1", P_PGID, (id_t)-1, WEXITED},
		{"bad idtype", (idtype_t)7, 0, WEXITED},
		{"P_PIDFD not a pidfd", (idtype_t)3, 0, WEXITED},
		{"P_PIDFD closed fd", (idtype_t)3, 99, WEXITED},
	};
	for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		ret = waitid(bad[i].type, bad[i].id, &si, bad[i].options);
		printf("%s: ret %d %s\n", bad[i].what, ret, strerror(errno));
	}
	return 0;
}
