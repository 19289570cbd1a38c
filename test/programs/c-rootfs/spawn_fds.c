// posix_spawn (glibc: clone with CLONE_VM|CLONE_VFORK, then execve) hands
// the new program its fds as files of the same kind: /dev/null opened
// read-write stays writable, a regular file keeps its shared offset and
// its path, a directory stays a directory. The child's chdir (addchdir_np)
// must leave the parent's working directory alone.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
extern char **environ;

static int child(void) {
	char buf[64];
	// fd 1 is /dev/null, opened O_RDWR by the parent.
	int w = write(1, "discarded\n", 10);
	fprintf(stderr, "child: write to /dev/null %d\n", w);
	// fd 5: the parent's regular file, at offset 6 (shared).
	int n = read(5, buf, 5);
	buf[n > 0 ? n : 0] = 0;
	fprintf(stderr, "child: read %d from fd 5: %s\n", n, buf);
	// fd 6: a directory.
	struct stat st;
	fstat(6, &st);
	fprintf(stderr, "child: fd 6 is a directory: %d\n", S_ISDIR(st.st_mode));
	int f = openat(6, "data.txt", O_RDONLY);
	fprintf(stderr, "child: openat(fd 6, data.txt): %s\n", f >= 0 ? "ok" : strerror(errno));
	char cwd[256];
	fprintf(stderr, "child: cwd ends with /sub: %d\n",
		getcwd(cwd, sizeof cwd) && strlen(cwd) >= 4 && strcmp(cwd + strlen(cwd) - 4, "/sub") == 0);
	return 7;
}

int main(int argc, char **argv) {
	if (argc > 1 && strcmp(argv[1], "child") == 0) return child();
	mkdir("sub", 0755);
	int d = open("data.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(d, "hello world\n", 12);
	lseek(d, 6, SEEK_SET);
	int null = open("/dev/null", O_RDWR);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	// Out of the way of the child's fds 1, 5 and 6.
	d = fcntl(d, F_DUPFD_CLOEXEC, 20);
	null = fcntl(null, F_DUPFD_CLOEXEC, 20);
	dir = fcntl(dir, F_DUPFD_CLOEXEC, 20);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, null, 1);
	posix_spawn_file_actions_adddup2(&fa, d, 5);
	posix_spawn_file_actions_adddup2(&fa, dir, 6);
	posix_spawn_file_actions_addchdir_np(&fa, "sub");
	char *cargv[] = {argv[0], "child", NULL};
	pid_t pid;
	int e = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, cargv, environ);
	if (e != 0) {
		printf("posix_spawn: %s\n", strerror(e));
		return 1;
	}
	int st;
	waitpid(pid, &st, 0);
	printf("child exit %d\n", WEXITSTATUS(st));
	printf("offset after the child read: %ld\n", (long)lseek(d, 0, SEEK_CUR));
	// The parent's working directory is still its own.
	int again = open("data.txt", O_RDONLY);
	printf("parent opens data.txt again: %s\n", again >= 0 ? "ok" : strerror(errno));
	struct stat st2;
	printf("parent stat(\".\"): %s\n", stat(".", &st2) == 0 ? "ok" : strerror(errno));
	return 0;
}
