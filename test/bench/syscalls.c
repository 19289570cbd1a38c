/* Syscall round trips: host nanoseconds per call of getpid (raw, not
 * cached by libc), a 4 KiB pread, openat+close, and fstatat, each timed
 * inside the guest over many calls. Prints one line per syscall:
 *   syscall NAME calls=N ns_per_call=X */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "bench.h"

static void line(const char *name, uint64_t n, uint64_t ns)
{
	printf("syscall %s calls=%llu ns_per_call=%.1f\n", name, (unsigned long long)n, (double)ns / (double)n);
}

int main(int argc, char **argv)
{
	uint64_t n = iterations(argc, argv, 20000);
	char buf[4096];
	memset(buf, 7, sizeof buf);
	int fd = open("bench-file", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, buf, sizeof buf) != sizeof buf)
		return 1;
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		syscall(SYS_getpid);
	line("getpid", n, now_ns() - t0);
	t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		if (pread(fd, buf, sizeof buf, 0) != sizeof buf)
			return 2;
	line("pread-4k", n, now_ns() - t0);
	t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		close(open("bench-file", O_RDONLY));
	line("openat+close", n, now_ns() - t0);
	struct stat st;
	t0 = now_ns();
	for (uint64_t i = 0; i < n; i++)
		if (stat("bench-file", &st) != 0)
			return 3;
	line("fstatat", n, now_ns() - t0);
	close(fd);
	unlink("bench-file");
	return 0;
}
