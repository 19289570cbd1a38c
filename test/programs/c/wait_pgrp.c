// Process groups and sessions between processes: setpgid by a child for
// itself (a group of its own, joining a sibling's group), getpgid/getsid
// of other processes (a zombie included), setsid in a child, and the
// errors (EPERM across sessions or for a group leader's setsid, ESRCH for
// a process that is not a child, EINVAL). (setpgid by the parent on a
// forked child is not here: carrick answers EACCES, docs/processes.md.)
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int up[2];

static void report(const char *fmt, long a, long b) {
	char line[160];
	int n = snprintf(line, sizeof line, fmt, a, b);
	write(up[1], line, n);
}

static void relay(void) {
	char buf[512];
	int n = read(up[0], buf, sizeof buf - 1);
	if (n > 0) {
		buf[n] = 0;
		fputs(buf, stdout);
	}
}

static void result(const char *what, long ret) {
	printf("%s: ret %ld%s%s\n", what, ret, ret < 0 ? " " : "", ret < 0 ? strerror(errno) : "");
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	pipe(up);
	printf("getpgid(0) == getpgrp(): %d\n", getpgid(0) == getpgrp());
	printf("getpgid(self) == getpgrp(): %d\n", getpgid(getpid()) == getpgrp());
	printf("getsid(0) == getsid(self): %d\n", getsid(0) == getsid(getpid()));
	result("own group", setpgid(0, 0));
	printf("group leader: %d\n", getpgrp() == getpid());
	errno = 0;
	result("setsid as a group leader", setsid());

	int go[2];
	pipe(go);
	// a makes a group of its own and waits.
	pid_t a = fork();
	if (a == 0) {
		report("a: setpgid(0, 0) %ld, leader %ld\n", setpgid(0, 0), getpgrp() == getpid());
		char c;
		read(go[0], &c, 1);
		_exit(0);
	}
	relay();
	printf("getpgid(a) == a: %d, getsid(a) == getsid(0): %d\n", getpgid(a) == a, getsid(a) == getsid(0));

	// b joins a's group.
	pid_t b = fork();
	if (b == 0) {
		report("b: setpgid(0, a) %ld, in a's group %ld\n", setpgid(0, a), getpgrp() == a);
		char c;
		read(go[0], &c, 1);
		_exit(0);
	}
	relay();
	printf("getpgid(b) == a: %d\n", getpgid(b) == a);

	// c starts a session and can no longer join this one's groups.
	pid_t me = getpid();
	pid_t c = fork();
	if (c == 0) {
		pid_t sid = setsid();
		int leader = sid == getpid() && getpgrp() == getpid() && getsid(0) == getpid();
		errno = 0;
		long r = setpgid(0, me);
		report(leader ? "c: setsid made a session, setpgid(0, parent's group) %ld errno %ld\n"
			      : "c: setsid failed, setpgid %ld errno %ld\n", r, errno);
		char ch;
		read(go[0], &ch, 1);
		_exit(0);
	}
	relay();
	printf("getsid(c) == c: %d, getpgid(c) == c: %d\n", getsid(c) == c, getpgid(c) == c);

	// d's child is not this process's child.
	int gp[2];
	pipe(gp);
	pid_t d = fork();
	if (d == 0) {
		pid_t g = fork();
		if (g == 0) {
			char ch;
			read(go[0], &ch, 1);
			_exit(0);
		}
		write(gp[1], &g, sizeof g);
		waitpid(g, NULL, 0);
		_exit(0);
	}
	pid_t grandchild;
	read(gp[0], &grandchild, sizeof grandchild);
	errno = 0;
	result("setpgid(grandchild, 0)", setpgid(grandchild, 0));

	// Errors.
	errno = 0;
	result("setpgid(0, -1)", setpgid(0, -1));
	errno = 0;
	result("setpgid(unknown, 0)", setpgid(INT_MAX - 1, 0));
	errno = 0;
	result("setpgid(0, unknown group)", setpgid(0, INT_MAX - 1));
	errno = 0;
	result("setpgid(c, c) across sessions", setpgid(c, c));
	errno = 0;
	result("getpgid(unknown)", getpgid(INT_MAX - 1));
	errno = 0;
	result("getsid(unknown)", getsid(INT_MAX - 1));
	errno = 0;
	result("getpgid(-1)", getpgid(-1));

	// A zombie keeps its group until it is reaped.
	for (int i = 0; i < 4; i++)
		write(go[1], "x", 1);
	siginfo_t si;
	waitid(P_PID, a, &si, WEXITED | WNOWAIT);
	printf("zombie a: getpgid == a %d\n", getpgid(a) == a);
	int st, n = 0;
	while (wait(&st) > 0)
		n++;
	printf("reaped %d children\n", n);
	errno = 0;
	result("getpgid(reaped a)", getpgid(a));
	return 0;
}
