/* Record locks: OFD locks conflict between two open file descriptions of
 * one file inside one process; process-associated locks do not; F_GETLK
 * reports the conflicting range; flock(2) conflicts between descriptions. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static const char *lt(int t) { return t == F_RDLCK ? "RD" : t == F_WRLCK ? "WR" : t == F_UNLCK ? "UN" : "?"; }

int main(void)
{
	int a = open("locks.tmp", O_RDWR | O_CREAT | O_TRUNC, 0644);
	int b = open("locks.tmp", O_RDWR);
	write(a, "0123456789", 10);
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 2, .l_len = 4};
	printf("OFD setlk on a: %d\n", fcntl(a, F_OFD_SETLK, &fl));
	struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
	printf("OFD getlk on b: %d type %s start %ld len %ld pid %d\n", fcntl(b, F_OFD_GETLK, &q), lt(q.l_type),
	       (long)q.l_start, (long)q.l_len, q.l_pid);
	struct flock w = {.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 3, .l_len = 1};
	int r = fcntl(b, F_OFD_SETLK, &w);
	printf("OFD read lock on b over it: %d (%s)\n", r, r ? (errno == EAGAIN ? "EAGAIN" : strerror(errno)) : "ok");
	struct flock u = {.l_type = F_UNLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
	printf("OFD unlock a: %d, now b: %d\n", fcntl(a, F_OFD_SETLK, &u), fcntl(b, F_OFD_SETLK, &w));
	struct flock p = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 5};
	printf("POSIX setlk a: %d, POSIX setlk b (same process): %d\n", fcntl(a, F_SETLK, &p), fcntl(b, F_SETLK, &p));
	struct flock g = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
	fcntl(a, F_GETLK, &g);
	printf("POSIX getlk sees own lock: %s\n", g.l_type == F_UNLCK ? "no (unlocked)" : "yes");
	printf("flock a EX: %d\n", flock(a, LOCK_EX | LOCK_NB));
	r = flock(b, LOCK_EX | LOCK_NB);
	printf("flock b EX: %d (%s)\n", r, r ? (errno == EWOULDBLOCK ? "EWOULDBLOCK" : strerror(errno)) : "ok");
	struct flock bad = {.l_type = 7};
	r = fcntl(a, F_SETLK, &bad);
	printf("bad type: %d (%s)\n", r, r ? strerror(errno) : "ok");
	unlink("locks.tmp");
	return 0;
}
