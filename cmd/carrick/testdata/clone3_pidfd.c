// clone3 and CLONE_PIDFD: a fork through clone3 (exit signal SIGCHLD), a
// pidfd that becomes readable when the child exits, waitid(P_PIDFD), and
// clone(2) with CLONE_PIDFD. (pthread_create goes through clone3 in this
// glibc: the thread probes cover that path.)
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static long clone3_fork(int *pidfd, unsigned long flags) {
	struct clone_args ca;
	memset(&ca, 0, sizeof ca);
	ca.flags = flags;
	ca.pidfd = (uint64_t)(uintptr_t)pidfd;
	ca.exit_signal = SIGCHLD;
	return syscall(SYS_clone3, &ca, sizeof ca);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	int pidfd = -1;
	int p[2];
	pipe(p);
	long c = clone3_fork(&pidfd, CLONE_PIDFD);
	if (c == 0) {
		char x;
		read(p[0], &x, 1);
		_exit(11);
	}
	printf("clone3 returned a pid %d, pidfd %d\n", c > 0, pidfd >= 0);
	struct pollfd pf = {.fd = pidfd, .events = POLLIN};
	printf("readable before exit: %d\n", poll(&pf, 1, 50));
	write(p[1], "x", 1);
	printf("readable after exit: %d\n", poll(&pf, 1, 5000));
	siginfo_t si;
	memset(&si, 0, sizeof si);
	int r = waitid(P_PIDFD, pidfd, &si, WEXITED);
	printf("waitid P_PIDFD %d: code %d status %d pid-ok %d\n", r, si.si_code, si.si_status, si.si_pid == c);
	close(pidfd);

	// clone(2): the pidfd goes where parent_tid would.
	int pfd2 = -1;
	long c2 = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &pfd2, 0, 0);
	if (c2 == 0)
		_exit(12);
	int st;
	waitpid(c2, &st, 0);
	printf("clone CLONE_PIDFD: pidfd %d, child exited %d\n", pfd2 >= 0, WEXITSTATUS(st));
	// CLONE_PIDFD with CLONE_PARENT_SETTID is EINVAL for clone(2).
	errno = 0;
	long c3 = syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &pfd2, 0, 0);
	if (c3 == 0)
		_exit(0);
	printf("clone PIDFD|PARENT_SETTID: %ld errno EINVAL %d\n", c3, errno == EINVAL);
	// Bad clone3 sizes.
	struct clone_args ca;
	memset(&ca, 0, sizeof ca);
	ca.exit_signal = SIGCHLD;
	errno = 0;
	printf("clone3 size 8: %ld errno EINVAL %d\n", syscall(SYS_clone3, &ca, 8), errno == EINVAL);
	return 0;
}
