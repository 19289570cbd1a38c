// inotify: the exact event sequences of file operations on watched
// directories and files (create, open, read, write, close, attributes,
// links, renames within and across directories with their cookies,
// delete, rmdir of a watched directory), watch descriptors, IN_ONESHOT,
// IN_MASK_ADD/IN_MASK_CREATE, rm_watch and IN_IGNORED, the errors, short
// buffers, FIONREAD, coalescing, queue overflow, poll/epoll readiness, a
// blocking read woken from another process, and events made by a fork()ed
// child read by the parent after waitpid. Prints names and masks, never
// inode numbers or cookie values (only whether cookies match).
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static int in;

static const char *ename(int e) {
	switch (e) {
	case 0: return "0";
	case EAGAIN: return "EAGAIN";
	case EINVAL: return "EINVAL";
	case EBADF: return "EBADF";
	case ENOENT: return "ENOENT";
	case ENOTDIR: return "ENOTDIR";
	case EEXIST: return "EEXIST";
	case EACCES: return "EACCES";
	}
	return "other";
}

static void masks(uint32_t m) {
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{IN_ACCESS, "ACCESS"}, {IN_MODIFY, "MODIFY"}, {IN_ATTRIB, "ATTRIB"},
		{IN_CLOSE_WRITE, "CLOSE_WRITE"}, {IN_CLOSE_NOWRITE, "CLOSE_NOWRITE"}, {IN_OPEN, "OPEN"},
		{IN_MOVED_FROM, "MOVED_FROM"}, {IN_MOVED_TO, "MOVED_TO"}, {IN_CREATE, "CREATE"},
		{IN_DELETE, "DELETE"}, {IN_DELETE_SELF, "DELETE_SELF"}, {IN_MOVE_SELF, "MOVE_SELF"},
		{IN_UNMOUNT, "UNMOUNT"}, {IN_Q_OVERFLOW, "Q_OVERFLOW"}, {IN_IGNORED, "IGNORED"},
		{IN_ISDIR, "ISDIR"},
	};
	const char *sep = "";
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (m & names[i].bit) {
			printf("%s%s", sep, names[i].name);
			sep = "|";
			m &= ~names[i].bit;
		}
	}
	if (m)
		printf("%s0x%x", sep, m);
}

// Cookies are printed as the order in which they first appear.
static uint32_t cookies[64];
static int ncookies;

static int cookie_no(uint32_t c) {
	if (c == 0)
		return 0;
	for (int i = 0; i < ncookies; i++)
		if (cookies[i] == c)
			return i + 1;
	if (ncookies < 64)
		cookies[ncookies++] = c;
	return ncookies;
}

// drain prints every queued event (the fd is non-blocking).
static void drain(const char *what) {
	char buf[4096] __attribute__((aligned(8)));
	int avail = -1;
	ioctl(in, FIONREAD, &avail);
	printf("%s: (FIONREAD %d)\n", what, avail);
	int total = 0;
	for (;;) {
		ssize_t n = read(in, buf, sizeof buf);
		if (n < 0) {
			if (errno != EAGAIN)
				printf("  read: %s\n", ename(errno));
			break;
		}
		total += n;
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			printf("  wd %d ", ev->wd);
			masks(ev->mask);
			if (ev->len)
				printf(" \"%s\" len %u", ev->name, ev->len);
			if (ev->cookie)
				printf(" cookie #%d", cookie_no(ev->cookie));
			printf("\n");
			p += sizeof *ev + ev->len;
		}
	}
	if (avail != total)
		printf("  FIONREAD %d but read %d bytes\n", avail, total);
}

static void touch(const char *p) { close(open(p, O_WRONLY | O_CREAT, 0644)); }

static void put(const char *p, const char *s) {
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(fd, s, strlen(s));
	close(fd);
}

static int add(const char *p, uint32_t m) {
	int wd = inotify_add_watch(in, p, m);
	if (wd < 0)
		printf("add_watch %s: %s\n", p, ename(errno));
	else
		printf("add_watch %s: wd %d\n", p, wd);
	return wd;
}

static void errors(void) {

	printf("add_watch bad fd: %d %s\n", inotify_add_watch(-1, ".", IN_ALL_EVENTS), ename(errno));
	printf("add_watch not inotify: %d %s\n", inotify_add_watch(0, ".", IN_ALL_EVENTS), ename(errno));
	printf("add_watch empty mask: %d %s\n", inotify_add_watch(in, ".", 0), ename(errno));
	printf("add_watch unknown bit: %d %s\n", inotify_add_watch(in, ".", IN_MODIFY | 0x00010000), ename(errno));
	printf("add_watch OPEN_EXEC bit: %d %s\n", inotify_add_watch(in, ".", IN_MODIFY | 0x00001000), ename(errno));
	printf("add_watch MASK_ADD|MASK_CREATE: %d %s\n",
	       inotify_add_watch(in, ".", IN_MODIFY | IN_MASK_ADD | IN_MASK_CREATE), ename(errno));
	printf("add_watch missing: %d %s\n", inotify_add_watch(in, "nonexistent", IN_MODIFY), ename(errno));
	printf("rm_watch bad wd: %d %s\n", inotify_rm_watch(in, 999), ename(errno));
	printf("rm_watch bad fd: %d %s\n", inotify_rm_watch(-1, 1), ename(errno));
	printf("rm_watch not inotify: %d %s\n", inotify_rm_watch(0, 1), ename(errno));
	printf("write: %zd %s\n", write(in, "x", 1), ename(errno));
	printf("lseek: %ld\n", (long)lseek(in, 0, SEEK_SET));
}

static void readiness(void) {
	struct pollfd p = {in, POLLIN, 0};
	printf("poll empty: %d\n", poll(&p, 1, 0));
	int ep = epoll_create1(0);
	struct epoll_event ee = {.events = EPOLLIN, .data.u32 = 7}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, in, &ee);
	printf("epoll empty: %d\n", epoll_wait(ep, &out, 1, 0));
	touch("d/ready");
	p.revents = 0;
	printf("poll after event: %d revents %s\n", poll(&p, 1, 1000), p.revents == POLLIN ? "POLLIN" : "other");
	printf("epoll after event: %d data %u events %s\n", epoll_wait(ep, &out, 1, 1000), out.data.u32,
	       out.events == EPOLLIN ? "EPOLLIN" : "other");
	drain("readiness events");
	printf("epoll drained: %d\n", epoll_wait(ep, &out, 1, 0));

	// A waiter in epoll_wait is woken by a change made by another process.
	pid_t c = fork();
	if (c == 0) {
		usleep(100000);
		touch("d/from-child");
		_exit(0);
	}
	printf("epoll wait for child: %d\n", epoll_wait(ep, &out, 1, 5000));
	waitpid(c, NULL, 0);
	drain("child's events");
	close(ep);
}

static void small_buffer(void) {
	touch("d/a-longer-name");
	char buf[64] __attribute__((aligned(8)));
	printf("read 0 bytes: %zd %s\n", read(in, buf, 0), ename(errno));
	printf("read 16 bytes: %zd %s\n", read(in, buf, 16), ename(errno));
	struct inotify_event *ev = (struct inotify_event *)buf;
	// The first event (OPEN or CREATE) needs 16 + 16 bytes: it fits, the
	// next does not.
	ssize_t n = read(in, buf, 40);
	printf("read 40 bytes: %zd len %u\n", n, n > 0 ? ev->len : 0);
	drain("rest");
}

static void blocking_read(void) {
	int flags = fcntl(in, F_GETFL);
	fcntl(in, F_SETFL, flags & ~O_NONBLOCK);
	pid_t c = fork();
	if (c == 0) {
		usleep(100000);
		mkdir("d/blocker", 0755);
		_exit(0);
	}
	char buf[256] __attribute__((aligned(8)));
	ssize_t n = read(in, buf, sizeof buf);
	struct inotify_event *ev = (struct inotify_event *)buf;
	printf("blocking read: %zd bytes, ", n);
	masks(ev->mask);
	printf(" \"%s\"\n", ev->name);
	waitpid(c, NULL, 0);
	fcntl(in, F_SETFL, flags);
	drain("after blocking read");
}

static void overflow(void) {
	// Alternate two events so that none coalesces: 8200 opens and closes
	// are 16400 events, more than the 16384 Linux queues.
	for (int i = 0; i < 8200; i++)
		close(open("d", O_RDONLY | O_DIRECTORY));
	int avail = 0;
	ioctl(in, FIONREAD, &avail);
	printf("overflow: FIONREAD %d\n", avail);
	char buf[4096] __attribute__((aligned(8)));
	int events = 0, overflows = 0, after = 0;
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0) {
		for (char *p = buf; p < buf + n;) {
			struct inotify_event *ev = (struct inotify_event *)p;
			if (ev->mask & IN_Q_OVERFLOW) {
				overflows++;
				printf("  Q_OVERFLOW after %d events, wd %d\n", events, ev->wd);
			} else if (overflows) {
				after++;
			}
			events++;
			p += sizeof *ev + ev->len;
		}
	}
	printf("overflow: %d events read, %d overflow, %d after it\n", events, overflows, after);
	touch("d/after-overflow");
	drain("queue works again");
}

int main(void) {
	char dir[] = "inotify.XXXXXX";
	if (!mkdtemp(dir) || chdir(dir) != 0) {
		perror("setup");
		return 1;
	}
	mkdir("d", 0755);
	mkdir("e", 0755);
	in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	printf("init1: %d nonblock %d cloexec %d\n", in >= 0, (fcntl(in, F_GETFL) & O_NONBLOCK) != 0,
	       fcntl(in, F_GETFD) == FD_CLOEXEC);
	char b[64];
	printf("F_GETFL: %#x\n", fcntl(in, F_GETFL));
	printf("read empty: %zd %s\n", read(in, b, sizeof b), ename(errno));
	errors();

	int wd_d = add("d", IN_ALL_EVENTS);
	printf("same dir again: wd %d\n", inotify_add_watch(in, "d", IN_ALL_EVENTS));
	printf("same dir by another name: wd %d\n", inotify_add_watch(in, "./e/../d/", IN_ALL_EVENTS));
	printf("MASK_CREATE on a watched dir: %d %s\n", inotify_add_watch(in, "d", IN_ALL_EVENTS | IN_MASK_CREATE),
	       ename(errno));
	put("plain", "x");
	printf("ONLYDIR on a file: %d %s\n", inotify_add_watch(in, "plain", IN_ALL_EVENTS | IN_ONLYDIR), ename(errno));
	drain("nothing yet");

	int fd = open("d/f", O_WRONLY | O_CREAT | O_EXCL, 0644);
	write(fd, "hello", 5);
	write(fd, "hello", 5);
	pwrite(fd, "x", 1, 0);
	close(fd);
	drain("create, write twice, pwrite, close");

	fd = open("d/f", O_RDONLY);
	read(fd, b, 2);
	read(fd, b, 2);
	read(fd, b, sizeof b); // to EOF
	read(fd, b, sizeof b); // 0 bytes: no event
	close(fd);
	drain("open, read, close");

	fd = open("d/f", O_RDWR | O_TRUNC);
	close(fd);
	drain("open O_TRUNC");

	chmod("d/f", 0600);
	truncate("d/f", 3);
	utimes("d/f", NULL);
	chown("d/f", -1, -1);
	chown("d/f", getuid(), -1);
	drain("chmod, truncate, utimes, chown -1 -1, chown");

	mkdir("d/sub", 0755);
	fd = open("d/sub", O_RDONLY | O_DIRECTORY);
	char dents[1024];
	while (syscall(61 /* getdents64 */, fd, dents, sizeof dents) > 0)
		;
	close(fd);
	symlink("f", "d/sym");
	link("d/f", "d/hard");
	mkfifo("d/fifo", 0644);
	drain("mkdir, list it, symlink, link, mkfifo");

	// Operations on fds opened before the watch existed.
	close(open("d/early", O_WRONLY | O_CREAT, 0644));
	int early_w = open("d/early", O_WRONLY | O_APPEND);
	int early_r = open("d/early", O_RDONLY);
	int wd_early = add("d/early", IN_ALL_EVENTS);
	drain("(setup)");
	write(early_w, "abc", 3);
	fchmod(early_w, 0640);
	ftruncate(early_w, 1);
	fallocate(early_w, 0, 0, 4096);
	struct timespec ts[2] = {{0, UTIME_OMIT}, {5, 0}};
	futimens(early_w, ts);
	ts[0] = (struct timespec){5, 0};
	ts[1] = (struct timespec){0, UTIME_OMIT};
	futimens(early_w, ts);
	ts[0].tv_nsec = UTIME_OMIT;
	futimens(early_w, ts); // changes nothing: no event
	close(early_w);
	close(early_r);
	inotify_rm_watch(in, wd_early);
	drain("fds opened before the watch");

	// A rename onto another link of the same file does nothing.
	link("d/early", "d/early2");
	mkdir("d/xd", 0755);
	drain("(setup)");
	printf("rename onto a link of itself: %d\n", rename("d/early", "d/early2"));
	printf("RENAME_EXCHANGE: %d\n", renameat2(AT_FDCWD, "d/early", AT_FDCWD, "d/xd", RENAME_EXCHANGE));
	drain("rename onto itself, RENAME_EXCHANGE of a file and a dir");
	unlink("d/xd");
	unlink("d/early2");
	rmdir("d/early");
	drain("cleanup");

	rename("d/f", "d/g");
	rename("d/g", "e/g");
	rename("e/g", "d/f");
	drain("renames (e not watched)");

	int wd_e = add("e", IN_ALL_EVENTS);
	rename("d/f", "e/f");
	rename("d/sub", "e/sub");
	drain("renames from d to e");

	int wd_f = add("e/f", IN_ALL_EVENTS);
	printf("file again by another path: wd %d\n", inotify_add_watch(in, "d/../e/f", IN_ALL_EVENTS));
	put("d/over", "o");
	rename("d/over", "e/f"); // replaces the watched file
	drain("rename over a watched file");

	wd_f = add("e/f", IN_ALL_EVENTS);
	rename("e/f", "d/f");
	unlink("d/hard");
	unlink("d/f");
	drain("watched file moved, a link of another removed, then it removed");

	// IN_ONESHOT: one event, then IN_IGNORED.
	put("d/one", "1");
	drain("(setup)");
	add("d/one", IN_MODIFY | IN_ONESHOT);
	put("d/one", "2");
	put("d/one", "3");
	drain("ONESHOT");

	// IN_MASK_ADD adds to the mask, without it the mask is replaced.
	int wd_m = add("d/one", IN_ATTRIB);
	chmod("d/one", 0600);
	put("d/one", "4");
	drain("mask ATTRIB");
	printf("MASK_ADD: wd %d\n", inotify_add_watch(in, "d/one", IN_MODIFY | IN_MASK_ADD));
	chmod("d/one", 0644);
	put("d/one", "5");
	drain("mask ATTRIB|MODIFY");
	printf("replace: wd %d\n", inotify_add_watch(in, "d/one", IN_CLOSE_WRITE));
	chmod("d/one", 0600);
	put("d/one", "6");
	drain("mask CLOSE_WRITE");
	printf("rm_watch: %d\n", inotify_rm_watch(in, wd_m));
	printf("rm_watch again: %d %s\n", inotify_rm_watch(in, wd_m), ename(errno));
	drain("after rm_watch");
	printf("a new watch after rm_watch: wd %d\n", inotify_add_watch(in, "d/one", IN_MODIFY));
	unlink("d/one");
	drain("the watched file removed");

	// A file unlinked while open: its IN_DELETE_SELF comes at the last close.
	fd = open("d/open", O_RDWR | O_CREAT, 0644);
	int fd2 = dup(fd);
	add("d/open", IN_ALL_EVENTS);
	unlink("d/open");
	drain("unlinked while open");
	write(fd, "x", 1);
	close(fd);
	drain("written, one fd closed");
	close(fd2);
	drain("last fd closed");

	// rmdir of watched directories.
	mkdir("e/sub/inner", 0755);
	int wd_sub = add("e/sub", IN_ALL_EVENTS);
	rmdir("e/sub/inner");
	rmdir("e/sub");
	drain("rmdir of a watched dir in a watched dir");
	(void)wd_d, (void)wd_e, (void)wd_f, (void)wd_sub;

	// IN_DONT_FOLLOW watches the link itself.
	symlink("plain", "link");
	int wd_l = add("link", IN_ATTRIB | IN_DONT_FOLLOW);
	int wd_p = add("link", IN_ATTRIB);
	printf("link and target differ: %d\n", wd_l != wd_p);
	chmod("link", 0600); // follows: the target changes
	drain("chmod through a link");
	inotify_rm_watch(in, wd_l);
	inotify_rm_watch(in, wd_p);
	drain("(rm)");

	readiness();
	small_buffer();
	blocking_read();

	// A fork()ed child makes changes; the parent reads after waitpid.
	pid_t c = fork();
	if (c == 0) {
		put("d/child", "c");
		rename("d/child", "e/child");
		unlink("e/child");
		mkdir("d/cdir", 0755);
		rmdir("d/cdir");
		_exit(0);
	}
	int st;
	waitpid(c, &st, 0);
	drain("changes by a forked child");

	overflow();
	printf("close: %d\n", close(in));
	return 0;
}
