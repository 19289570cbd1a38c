// /proc/self/oom_score_adj: read, raise, lower (as root), a child
// inherits it, out-of-range values are EINVAL.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int get(void) {
	char b[16] = {0};
	int fd = open("/proc/self/oom_score_adj", O_RDONLY);
	read(fd, b, sizeof b - 1);
	close(fd);
	int v;
	return sscanf(b, "%d", &v) == 1 ? v : -9999;
}

static int set(const char *v) {
	int fd = open("/proc/self/oom_score_adj", O_WRONLY);
	int r = write(fd, v, strlen(v));
	int e = errno;
	close(fd);
	errno = e;
	return r;
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	int start = get();
	printf("readable: %d\n", start != -9999);
	printf("set 300: %d, now %d\n", set("300"), get());
	printf("set 250 (lower, as root): %d, now %d\n", set("250"), get());
	pid_t c = fork();
	if (c == 0) {
		printf("child inherits: %d\n", get());
		_exit(0);
	}
	waitpid(c, NULL, 0);
	errno = 0;
	printf("set 1001: %d %s\n", set("1001"), errno == EINVAL ? "EINVAL" : "other");
	errno = 0;
	printf("set junk: %d %s\n", set("x"), errno == EINVAL ? "EINVAL" : "other");
	return 0;
}
