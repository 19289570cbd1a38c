// Opening /dev/fd/N and /proc/self/fd/N opens the file behind fd N again:
// a pipe (bash process substitution), and a regular file with an offset of
// its own.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(void) {
	int p[2];
	pipe(p);
	write(p[1], "through the pipe\n", 17);
	close(p[1]);
	char path[32], buf[64];
	snprintf(path, sizeof path, "/dev/fd/%d", p[0]);
	int fd = open(path, O_RDONLY);
	int n = fd >= 0 ? read(fd, buf, sizeof buf) : -1;
	printf("open %s: %d, read %d: %.*s", path, fd >= 0, n, n > 0 ? n : 0, buf);
	// A regular file opened again has an offset of its own.
	int f = open("devfd.tmp", O_RDWR | O_CREAT | O_TRUNC, 0600);
	write(f, "0123456789", 10);
	snprintf(path, sizeof path, "/proc/self/fd/%d", f);
	int g = open(path, O_RDONLY);
	n = read(g, buf, 4);
	printf("reopened file reads from 0: %.*s, original offset %ld\n", n, buf, (long)lseek(f, 0, SEEK_CUR));
	unlink("devfd.tmp");
	printf("no such fd: %d\n", open("/dev/fd/99", O_RDONLY));
	return 0;
}
