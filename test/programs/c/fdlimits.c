// RLIMIT_NOFILE bounds the fd table: raised to its hard limit, a process
// holds more than 1024 fds; lowered, dup says EMFILE, F_DUPFD and dup3 past
// it say EINVAL and EBADF, poll with more fds than it says EINVAL.
// copy_file_range refuses what Linux refuses (pipes: EINVAL, a directory:
// EISDIR, overlapping ranges of one file: EINVAL); faccessat2 checks its
// flags; PR_SET_KEEPCAPS reads back.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

static const char *err(long r) { return r < 0 ? strerror(errno) : "ok"; }

int main(void) {
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	printf("hard limit above 1200: %d\n", rl.rlim_max > 1200);
	rl.rlim_cur = rl.rlim_max;
	printf("raise soft to hard: %s\n", err(setrlimit(RLIMIT_NOFILE, &rl)));
	int n = 0;
	for (int i = 0; i < 1200; i++)
		if (dup(0) >= 0) n++;
	printf("dups held: %d\n", n);
	printf("F_DUPFD at 1500: %d\n", fcntl(0, F_DUPFD, 1500));
	rl.rlim_cur = 64;
	setrlimit(RLIMIT_NOFILE, &rl);
	printf("dup under a soft limit of 64: %s\n", err(dup(0)));
	printf("F_DUPFD at 100: %s\n", err(fcntl(0, F_DUPFD, 100)));
	printf("dup3 to 100: %s\n", err(dup3(0, 100, 0)));
	struct pollfd pfds[65] = {0};
	printf("poll of 65 fds: %s\n", err(poll(pfds, 65, 0)));
	for (int fd = 3; fd < 1600; fd++) close(fd);
	rl.rlim_cur = 1024;
	setrlimit(RLIMIT_NOFILE, &rl);

	int p[2];
	pipe(p);
	int f = open("cfr.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	write(f, "0123456789abcdef", 16);
	int g = open("cfr2.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
	off64_t in = 0, out = 0;
	printf("copy_file_range pipe to file: %s\n", err(copy_file_range(p[0], NULL, g, NULL, 4, 0)));
	printf("copy_file_range file to pipe: %s\n", err(copy_file_range(f, &in, p[1], NULL, 4, 0)));
	int d = open(".", O_RDONLY | O_DIRECTORY);
	printf("copy_file_range from a directory: %s\n", err(copy_file_range(d, NULL, g, NULL, 4, 0)));
	in = 0, out = 4;
	printf("copy_file_range overlapping in one file: %s\n", err(copy_file_range(f, &in, f, &out, 8, 0)));
	in = 0, out = 8;
	printf("copy_file_range disjoint in one file: %ld\n", (long)copy_file_range(f, &in, f, &out, 8, 0));
	in = 0, out = 0;
	printf("copy_file_range to another file: %ld\n", (long)copy_file_range(f, &in, g, &out, 16, 0));
	printf("copy_file_range bad flags: %s\n", err(copy_file_range(f, &in, g, &out, 1, 1)));
	int pc = open("/proc/self/cmdline", O_RDONLY);
	printf("copy_file_range from /proc: %s\n", err(copy_file_range(pc, NULL, g, NULL, 16, 0)));

	printf("faccessat2 flags 2: %s\n", err(syscall(SYS_faccessat2, AT_FDCWD, "cfr.txt", R_OK, 2)));
	printf("faccessat2 AT_EACCESS: %s\n", err(syscall(SYS_faccessat2, AT_FDCWD, "cfr.txt", R_OK, AT_EACCESS)));
	printf("faccessat2 AT_EMPTY_PATH on a file fd: %s\n", err(syscall(SYS_faccessat2, f, "", R_OK | W_OK, AT_EMPTY_PATH)));
	printf("faccessat2 X_OK on a 0644 file fd: %s\n", err(syscall(SYS_faccessat2, f, "", X_OK, AT_EMPTY_PATH)));

	printf("PR_GET_KEEPCAPS: %d\n", prctl(PR_GET_KEEPCAPS));
	printf("PR_SET_KEEPCAPS 1: %s\n", err(prctl(PR_SET_KEEPCAPS, 1)));
	printf("PR_GET_KEEPCAPS: %d\n", prctl(PR_GET_KEEPCAPS));
	printf("PR_SET_KEEPCAPS 2: %s\n", err(prctl(PR_SET_KEEPCAPS, 2)));
	unlink("cfr.txt");
	unlink("cfr2.txt");
	return 0;
}
