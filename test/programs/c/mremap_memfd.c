/* mremap (grow by moving, shrink in place) and memfd_create with a shared mapping. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
int main(void) {
	char *p = mmap(0, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0);
	strcpy(p, "hello"); strcpy(p + 4100, "world");
	char *q = mremap(p, 8192, 1 << 20, MREMAP_MAYMOVE);
	printf("mremap grow: %s %s\n", q, q + 4100);
	q[(1<<20) - 1] = 1;
	char *r = mremap(q, 1 << 20, 4096, 0);
	printf("shrink in place: %d %s\n", r == q, r);
	int fd = memfd_create("test", MFD_CLOEXEC);
	ftruncate(fd, 4096);
	char *m = mmap(0, 4096, PROT_READ|PROT_WRITE, MAP_SHARED, fd, 0);
	strcpy(m, "via mapping");
	char buf[32] = {0};
	pread(fd, buf, 11, 0);
	printf("memfd: %s, size %ld\n", buf, (long)lseek(fd, 0, SEEK_END));
	return 0;
}
