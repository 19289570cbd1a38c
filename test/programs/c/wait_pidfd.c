// pidfds: pidfd_open (close-on-exec, PIDFD_NONBLOCK), poll and epoll
// readiness when the process ends (and hang-up once it is reaped),
// waitid(P_PIDFD), pidfd_send_signal to a child and to itself, read on a
// pidfd, and the errors (EINVAL, ESRCH, EBADF, EAGAIN).
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif

static int pidfd_open(pid_t pid, unsigned flags) { return syscall(SYS_pidfd_open, pid, flags); }

static int pidfd_send_signal(int fd, int sig, siginfo_t *info, unsigned flags) {
	return syscall(SYS_pidfd_send_signal, fd, sig, info, flags);
}

static void result(const char *what, long ret) {
	printf("%s: ret %s%s\n", what, ret < 0 ? "-1 " : ret == 0 ? "0" : "ok",
	       ret < 0 ? strerror(errno) : "");
}

static int ready(int fd) {
	struct pollfd p = {fd, POLLIN, 0};
	int n = poll(&p, 1, 0);
	return n <= 0 ? 0 : p.revents & (POLLIN | POLLHUP);
}

// child_wait runs until the parent writes a byte, then exits with code.
static pid_t child_wait(int p[2], int code) {
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[1]);
		char c;
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(code);
	}
	close(p[0]);
	return pid;
}

static volatile sig_atomic_t got;
static void handler(int sig) { got = sig; }

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	int p[2];
	siginfo_t si;

	pid_t pid = child_wait(p, 3);
	int fd = pidfd_open(pid, 0);
	result("pidfd_open", fd);
	printf("close-on-exec %d, status flags O_RDWR %d\n", fcntl(fd, F_GETFD) == FD_CLOEXEC,
	       (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	printf("ready while running: %#x\n", ready(fd));
	char b[8];
	errno = 0;
	result("read", read(fd, b, sizeof b));

	int nb = pidfd_open(pid, PIDFD_NONBLOCK);
	printf("nonblock flag %d\n", (fcntl(nb, F_GETFL) & O_NONBLOCK) != 0);
	errno = 0;
	result("waitid P_PIDFD nonblocking, running", waitid(P_PIDFD, nb, &si, WEXITED));
	memset(&si, 0, sizeof si);
	result("waitid P_PIDFD WNOHANG, running", waitid(P_PIDFD, nb, &si, WEXITED | WNOHANG));
	printf("  si_pid %d\n", si.si_pid);

	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 7};
	result("epoll_ctl", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev));
	printf("epoll while running: %d\n", epoll_wait(ep, &ev, 1, 0));

	write(p[1], "x", 1);
	struct pollfd pf = {fd, POLLIN, 0};
	int n = poll(&pf, 1, -1);
	printf("poll after exit: %d revents POLLIN %d\n", n, (pf.revents & POLLIN) != 0);
	memset(&ev, 0, sizeof ev);
	n = epoll_wait(ep, &ev, 1, -1);
	printf("epoll after exit: %d events EPOLLIN %d data %u\n", n, (ev.events & EPOLLIN) != 0, ev.data.u32);
	result("signal 0 to the zombie", pidfd_send_signal(fd, 0, NULL, 0));

	memset(&si, 0, sizeof si);
	result("waitid P_PIDFD", waitid(P_PIDFD, fd, &si, WEXITED));
	printf("  signo %d code %d pid-ok %d status %d\n", si.si_signo, si.si_code, si.si_pid == pid, si.si_status);
	printf("ready after reaping: POLLIN %d POLLHUP %d\n", (ready(fd) & POLLIN) != 0, (ready(fd) & POLLHUP) != 0);
	errno = 0;
	result("signal after reaping", pidfd_send_signal(fd, SIGTERM, NULL, 0));
	errno = 0;
	result("waitid after reaping", waitid(P_PIDFD, fd, &si, WEXITED));
	close(fd);
	close(nb);
	close(p[1]);

	// pidfd_send_signal kills a child; waitid(P_PIDFD) reports it.
	pid = child_wait(p, 4);
	fd = pidfd_open(pid, 0);
	result("pidfd_send_signal SIGTERM", pidfd_send_signal(fd, SIGTERM, NULL, 0));
	memset(&si, 0, sizeof si);
	waitid(P_PIDFD, fd, &si, WEXITED);
	printf("  code %s status %d\n", si.si_code == CLD_KILLED ? "CLD_KILLED" : "?", si.si_status);
	close(fd);
	close(p[1]);

	// To a child, with and without a siginfo: the child takes them with
	// sigwaitinfo and reports what it saw.
	int rep[2];
	pipe(rep);
	sigset_t usr1, oldmask;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, &oldmask);
	pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 2; i++) {
			siginfo_t in;
			sigwaitinfo(&usr1, &in);
			char line[128];
			int n = snprintf(line, sizeof line, "  child: code %s pid-is-parent %d value %d\n",
					 in.si_code == SI_USER ? "SI_USER" : in.si_code == SI_QUEUE ? "SI_QUEUE" : "?",
					 in.si_pid == getppid(), in.si_code == SI_QUEUE ? in.si_value.sival_int : -1);
			write(rep[1], line, n);
		}
		_exit(0);
	}
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	fd = pidfd_open(pid, 0);
	char line[128];
	result("pidfd_send_signal to a child", pidfd_send_signal(fd, SIGUSR1, NULL, 0));
	int k = read(rep[0], line, sizeof line - 1);
	line[k > 0 ? k : 0] = 0;
	fputs(line, stdout);
	memset(&si, 0, sizeof si);
	si.si_signo = SIGUSR1;
	si.si_code = SI_QUEUE;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = 42;
	result("pidfd_send_signal to a child, SI_QUEUE", pidfd_send_signal(fd, SIGUSR1, &si, 0));
	k = read(rep[0], line, sizeof line - 1);
	line[k > 0 ? k : 0] = 0;
	fputs(line, stdout);
	si.si_code = SI_USER;
	errno = 0;
	result("a kernel si_code to a child", pidfd_send_signal(fd, SIGUSR1, &si, 0));
	waitpid(pid, NULL, 0);
	close(fd);

	// To itself, with and without a siginfo.
	signal(SIGUSR1, handler);
	int self = pidfd_open(getpid(), 0);
	printf("self ready: %#x\n", ready(self));
	result("pidfd_send_signal self", pidfd_send_signal(self, SIGUSR1, NULL, 0));
	printf("  handler got %d\n", got);
	memset(&si, 0, sizeof si);
	si.si_signo = SIGUSR1;
	si.si_code = SI_QUEUE;
	si.si_value.sival_int = 5;
	got = 0;
	result("pidfd_send_signal self SI_QUEUE", pidfd_send_signal(self, SIGUSR1, &si, 0));
	printf("  handler got %d\n", got);
	si.si_signo = SIGUSR2;
	errno = 0;
	result("siginfo for another signal", pidfd_send_signal(self, SIGUSR1, &si, 0));
	errno = 0;
	result("bad flags", pidfd_send_signal(self, SIGUSR1, NULL, 8));
	errno = 0;
	result("two scopes", pidfd_send_signal(self, SIGUSR1, NULL, 3));
	errno = 0;
	result("signal 65", pidfd_send_signal(self, 65, NULL, 0));
	errno = 0;
	result("not a pidfd", pidfd_send_signal(0, SIGUSR1, NULL, 0));
	errno = 0;
	result("closed fd", pidfd_send_signal(99, SIGUSR1, NULL, 0));
	errno = 0;
	result("waitid P_PIDFD self", waitid(P_PIDFD, self, &si, WEXITED | WNOHANG));

	// pidfd_open errors.
	errno = 0;
	result("pidfd_open 0", pidfd_open(0, 0));
	errno = 0;
	result("pidfd_open -1", pidfd_open(-1, 0));
	errno = 0;
	result("pidfd_open bad flags", pidfd_open(getpid(), 1));
	errno = 0;
	result("pidfd_open unknown pid", pidfd_open(INT_MAX - 1, 0));
	return 0;
}
