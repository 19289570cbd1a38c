// /proc/<pid> of another process: a forked child is listed in /proc, and
// its stat and status agree with what fork and getpid said. (Names and
// command lines are not compared: under qemu-user another process's /proc
// entries are qemu's own.)
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static int read_file(const char *path, char *buf, size_t n) {
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t got = fread(buf, 1, n - 1, f);
	buf[got] = 0;
	fclose(f);
	return (int)got;
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	int p[2], q[2];
	pipe(p);
	pipe(q);
	pid_t child = fork();
	if (child == 0) {
		char c;
		close(p[1]);
		write(q[1], "r", 1);
		read(p[0], &c, 1); // wait until the parent looked
		_exit(0);
	}
	char c;
	read(q[0], &c, 1);
	int listed = 0;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while ((e = readdir(d)))
		if (atoi(e->d_name) == child)
			listed = 1;
	closedir(d);
	printf("child listed in /proc: %d\n", listed);
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/%d/stat", child);
	int pid = 0, ppid = 0;
	char state = 0;
	if (read_file(path, buf, sizeof buf) > 0) {
		char *r = strrchr(buf, ')');
		pid = atoi(buf);
		if (r)
			sscanf(r + 2, "%c %d", &state, &ppid);
	}
	printf("stat: pid matches %d, ppid is us %d, state known %d\n", pid == child, ppid == getpid(), state != 0);
	snprintf(path, sizeof path, "/proc/%d/status", child);
	int sppid = -1;
	if (read_file(path, buf, sizeof buf) > 0) {
		char *l = strstr(buf, "\nPPid:");
		if (l)
			sppid = atoi(l + 6);
	}
	printf("status: ppid is us %d\n", sppid == getpid());
	snprintf(path, sizeof path, "/proc/%d/cmdline", child);
	printf("cmdline readable: %d\n", read_file(path, buf, sizeof buf) > 0);
	write(p[1], "x", 1);
	// Exited, not reaped yet: a zombie, still listed.
	siginfo_t si;
	waitid(P_PID, child, &si, WEXITED | WNOWAIT);
	snprintf(path, sizeof path, "/proc/%d/stat", child);
	state = 0;
	if (read_file(path, buf, sizeof buf) > 0) {
		char *r = strrchr(buf, ')');
		if (r)
			state = r[2];
	}
	printf("exited, not reaped: state %c\n", state);
	int st;
	waitpid(child, &st, 0);
	snprintf(path, sizeof path, "/proc/%d/stat", child);
	printf("after reaping, gone: %d\n", access(path, F_OK) != 0);
	return 0;
}
