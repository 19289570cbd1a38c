/* File-system and descriptor system calls in the (empty, private) working
 * directory: open/creat, write/pwrite/writev, read/pread/readv, lseek,
 * fstat/stat/lstat, ftruncate, dup/dup2/dup3, fcntl, pipe2, rename, link,
 * symlink/readlink, unlink, mkdir/rmdir, getdents (readdir, sorted),
 * access, getcwd, chdir, file-backed mmap (private and shared), stdio on
 * files. Every step prints its result and the program carries on after a
 * failure, so the first differing line names the first missing piece. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

static void step(const char *what, long r)
{
	if (r < 0)
		printf("%-28s -> -1 (%s)\n", what, strerrorname_np(errno) ? strerrorname_np(errno) : "?");
	else
		printf("%-28s -> %ld\n", what, r);
}

static int cmpstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void listdir(const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		printf("opendir(%s) failed: %s\n", path, strerrorname_np(errno));
		return;
	}
	char *names[64];
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 64)
		names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, (size_t)n, sizeof names[0], cmpstr);
	printf("ls %s:", path);
	for (int i = 0; i < n; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

int main(void)
{
	char buf[256];
	struct stat st;

	umask(022);

	char cwd[4096];
	if (getcwd(cwd, sizeof cwd)) {
		const char *base = strrchr(cwd, '/');
		printf("cwd basename %s\n", base ? base + 1 : cwd);
	} else
		printf("getcwd failed: %s\n", strerrorname_np(errno));

	int fd = open("data.bin", O_CREAT | O_RDWR | O_TRUNC, 0644);
	step("open(data.bin, O_CREAT)", fd);
	step("write 11", write(fd, "hello world", 11));
	struct iovec iov[3] = {{"-abc", 4}, {"-de", 3}, {"-fghij\n", 7}};
	step("writev 14", writev(fd, iov, 3));
	step("pwrite at 100", pwrite(fd, "far", 3, 100));
	step("lseek(0, SEEK_END)", lseek(fd, 0, SEEK_END));
	step("lseek(6, SEEK_SET)", lseek(fd, 6, SEEK_SET));
	memset(buf, 0, sizeof buf);
	step("read 5", read(fd, buf, 5));
	printf("  read: %s\n", buf);
	step("lseek(-3, SEEK_CUR)", lseek(fd, -3, SEEK_CUR));
	memset(buf, 0, sizeof buf);
	char a[4] = {0}, b[8] = {0};
	struct iovec riov[2] = {{a, 3}, {b, 7}};
	step("readv 10", readv(fd, riov, 2));
	printf("  readv: [%s] [%s]\n", a, b);
	step("pread 3 at 100", pread(fd, buf, 3, 100));
	printf("  pread: %.3s\n", buf);
	step("pread at 50 (hole)", pread(fd, buf, 4, 50));
	printf("  hole bytes: %d %d %d %d\n", buf[0], buf[1], buf[2], buf[3]);
	if (fstat(fd, &st) == 0)
		printf("fstat: size %lld regular %d mode %o nlink %ld\n", (long long)st.st_size, S_ISREG(st.st_mode),
		       st.st_mode & 0777, (long)st.st_nlink);
	else
		printf("fstat failed: %s\n", strerrorname_np(errno));
	step("ftruncate 20", ftruncate(fd, 20));
	step("lseek(0, SEEK_END)", lseek(fd, 0, SEEK_END));

	int d = dup(fd);
	step("dup", d >= 0 ? 0 : -1);
	step("lseek via dup shares offset", lseek(d, 3, SEEK_SET) == 3 ? lseek(fd, 0, SEEK_CUR) : -1);
	step("dup2 to 10", dup2(fd, 10));
	step("dup3 to 11 O_CLOEXEC", dup3(fd, 11, O_CLOEXEC));
	step("fcntl(11, F_GETFD)", fcntl(11, F_GETFD));
	step("fcntl(fd, F_GETFL)&O_ACCMODE", fcntl(fd, F_GETFL) & O_ACCMODE);
	step("fcntl F_DUPFD >= 20", fcntl(fd, F_DUPFD, 20));
	step("close 10", close(10));
	step("close 10 again", close(10));
	step("close 11", close(11));
	step("close 20", close(20));
	step("close dup", close(d));
	step("close fd", close(fd));
	step("read closed fd", read(fd, buf, 1));

	/* stdio on files */
	FILE *f = fopen("text.txt", "w+");
	if (f) {
		for (int i = 0; i < 100; i++)
			fprintf(f, "line %d: %d\n", i, i * i);
		printf("ftell after writing %ld\n", ftell(f));
		rewind(f);
		int lines = 0;
		long sum = 0;
		while (fgets(buf, sizeof buf, f)) {
			int k, v;
			if (sscanf(buf, "line %d: %d", &k, &v) == 2)
				sum += v;
			lines++;
		}
		printf("fgets: %d lines, sum %ld, eof %d\n", lines, sum, feof(f));
		fseek(f, -12, SEEK_END);
		printf("tail: %s", fgets(buf, sizeof buf, f) ? buf : "(null)\n");
		fclose(f);
	} else
		printf("fopen failed: %s\n", strerrorname_np(errno));

	/* names */
	step("mkdir sub", mkdir("sub", 0755));
	step("mkdir sub again", mkdir("sub", 0755));
	step("rename text.txt", rename("text.txt", "sub/moved.txt"));
	step("link", link("data.bin", "sub/hard.bin"));
	step("symlink", symlink("../data.bin", "sub/soft"));
	memset(buf, 0, sizeof buf);
	step("readlink", readlink("sub/soft", buf, sizeof buf - 1));
	printf("  readlink: %s\n", buf);
	if (stat("sub/soft", &st) == 0)
		printf("stat via symlink: size %lld nlink %ld\n", (long long)st.st_size, (long)st.st_nlink);
	else
		printf("stat failed: %s\n", strerrorname_np(errno));
	if (lstat("sub/soft", &st) == 0)
		printf("lstat: symlink %d size %lld\n", S_ISLNK(st.st_mode), (long long)st.st_size);
	else
		printf("lstat failed: %s\n", strerrorname_np(errno));
	step("access(data.bin, R_OK)", access("data.bin", R_OK));
	step("access(missing, F_OK)", access("missing", F_OK));
	step("open(missing, O_RDONLY)", open("missing", O_RDONLY));
	step("open(sub, O_DIRECTORY)", open("sub", O_RDONLY | O_DIRECTORY) >= 0 ? 0 : -1);
	listdir(".");
	listdir("sub");

	/* file-backed mmap */
	fd = open("data.bin", O_RDWR);
	char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (m != MAP_FAILED) {
		printf("mmap private: %.11s\n", m);
		m[0] = 'J';
		munmap(m, 4096);
		pread(fd, buf, 5, 0);
		printf("  file after private write: %.5s\n", buf);
	} else
		printf("mmap private failed: %s\n", strerrorname_np(errno));
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m != MAP_FAILED) {
		m[0] = 'Y';
		msync(m, 4096, MS_SYNC);
		munmap(m, 4096);
		pread(fd, buf, 5, 0);
		printf("mmap shared: file now %.5s\n", buf);
	} else
		printf("mmap shared failed: %s\n", strerrorname_np(errno));
	close(fd);

	/* pipes */
	int p[2];
	step("pipe2", pipe2(p, O_CLOEXEC));
	step("write pipe", write(p[1], "through a pipe", 14));
	step("close write end", close(p[1]));
	memset(buf, 0, sizeof buf);
	step("read pipe", read(p[0], buf, sizeof buf));
	printf("  pipe: %s\n", buf);
	step("read pipe at EOF", read(p[0], buf, sizeof buf));
	close(p[0]);

	/* chdir and cleanup */
	step("chdir sub", chdir("sub"));
	step("unlink moved.txt", unlink("moved.txt"));
	step("unlink hard.bin", unlink("hard.bin"));
	step("unlink soft", unlink("soft"));
	step("chdir ..", chdir(".."));
	step("rmdir sub", rmdir("sub"));
	step("unlink data.bin", unlink("data.bin"));
	step("rmdir nonempty .", rmdir("."));
	listdir(".");
	return 0;
}
