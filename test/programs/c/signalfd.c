// signalfd: blocked signals read as signalfd_siginfo records (kill from
// itself and from a child, sigqueue's value, several in one read, a
// thread-directed one), readiness through poll and epoll, a new mask on
// the same fd, non-blocking reads, and the errors.
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	printf("signalfd: %d\n", fd >= 0);
	struct signalfd_siginfo si[4];
	printf("empty read: %zd %s\n", read(fd, si, sizeof si[0]), errno == EAGAIN ? "EAGAIN" : "other");

	kill(getpid(), SIGUSR1);
	struct pollfd p = {fd, POLLIN, 0};
	printf("poll: %d POLLIN %d\n", poll(&p, 1, 1000), p.revents == POLLIN);
	ssize_t n = read(fd, si, sizeof si);
	printf("read: %zd signo %u code SI_USER %d pid is me %d\n", n, si[0].ssi_signo, si[0].ssi_code == SI_USER, si[0].ssi_pid == (unsigned)getpid());

	union sigval v = {.sival_int = 4242};
	sigqueue(getpid(), SIGRTMIN, v);
	kill(getpid(), SIGUSR2);
	n = read(fd, si, sizeof si);
	printf("two at once: %zd bytes, first %s, second %s, value %d code SI_QUEUE %d\n", n,
	       si[0].ssi_signo == SIGUSR2 ? "USR2" : "?", si[1].ssi_signo == (unsigned)SIGRTMIN ? "RTMIN" : "?",
	       si[1].ssi_int, si[1].ssi_code == SI_QUEUE);

	pid_t c = fork();
	if (c == 0) {
		kill(getppid(), SIGUSR1);
		_exit(7);
	}
	int ep = epoll_create1(0);
	struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 9}, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	int got_usr1 = 0, got_chld = 0;
	while (!(got_usr1 && got_chld)) {
		if (epoll_wait(ep, &out, 1, 5000) != 1)
			break;
		while (read(fd, si, sizeof si[0]) == sizeof si[0]) {
			if (si[0].ssi_signo == SIGUSR1)
				got_usr1 = si[0].ssi_pid == (unsigned)c;
			if (si[0].ssi_signo == SIGCHLD)
				got_chld = si[0].ssi_pid == (unsigned)c && si[0].ssi_status == 7 && si[0].ssi_code == CLD_EXITED;
		}
	}
	printf("from the child: USR1 with its pid %d, CHLD exited 7 %d\n", got_usr1, got_chld);
	waitpid(c, NULL, 0);

	sigset_t only;
	sigemptyset(&only);
	sigaddset(&only, SIGUSR2);
	printf("new mask same fd: %d\n", signalfd(fd, &only, 0) == fd);
	kill(getpid(), SIGUSR1);
	printf("USR1 not in the mask: %zd %s\n", read(fd, si, sizeof si[0]), errno == EAGAIN ? "EAGAIN" : "other");
	sigset_t pend;
	sigpending(&pend);
	printf("USR1 still pending: %d\n", sigismember(&pend, SIGUSR1));

	errno = 0;
	printf("short buffer: %zd %s\n", read(fd, si, 64), errno == EINVAL ? "EINVAL" : "other");
	int pfd[2];
	pipe(pfd);
	errno = 0;
	printf("not a signalfd: %d %s\n", signalfd(pfd[0], &set, 0), errno == EINVAL ? "EINVAL" : "other");
	errno = 0;
	printf("bad flags: %d %s\n", signalfd(-1, &set, 0x1), errno == EINVAL ? "EINVAL" : "other");
	errno = 0;
	printf("bad fd: %d %s\n", signalfd(999, &set, 0), errno == EBADF ? "EBADF" : "other");
	return 0;
}
