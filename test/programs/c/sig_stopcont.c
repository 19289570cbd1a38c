/* sig_stopcont: stop signals stop the whole process, which the parent sees
 * with waitpid(WUNTRACED); SIGCONT resumes it (WCONTINUED), then runs its
 * handler if it has one; a stop signal with a handler or ignored does not
 * stop; a sleep interrupted by a stop goes on after SIGCONT. The children
 * make their own process group, so that SIGTSTP is not discarded as it is
 * in an orphaned group. qemu-user stops itself with SIGSTOP whatever the
 * stop signal was, so WSTOPSIG is printed for SIGSTOP only. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile int conts;
static void on_cont(int s) { conts++; }
static volatile int tstps;
static void on_tstp(int s) { tstps++; }

static void status(const char *what, int st) {
	if (WIFSTOPPED(st))
		printf("  %s: stopped%s\n", what, WSTOPSIG(st) == SIGSTOP ? " by SIGSTOP" : "");
	else if (WIFCONTINUED(st))
		printf("  %s: continued\n", what);
	else if (WIFEXITED(st))
		printf("  %s: exit %d\n", what, WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		printf("  %s: killed by %d\n", what, WTERMSIG(st));
}

/* wait for the child's next state change and print it */
static void next(pid_t pid, int opts, const char *what) {
	int st = 0;
	pid_t r = waitpid(pid, &st, opts);
	if (r != pid) {
		printf("  %s: waitpid %d %s\n", what, (int)r, strerror(errno));
		return;
	}
	status(what, st);
}

/* the child tells the parent it is about to block, over a pipe */
static int ready[2];
static void tell_ready(void) { write(ready[1], "r", 1); }
static void await_ready(void) {
	char c;
	read(ready[0], &c, 1);
	usleep(20000); /* let it block */
}

static pid_t child(void (*body)(void)) {
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		body();
		_exit(99);
	}
	setpgid(pid, pid);
	return pid;
}

static int go[2];

static void stop_self(void) {
	signal(SIGCONT, on_cont);
	raise(SIGSTOP);
	/* stay until the parent has seen the continue (an exit would hide it) */
	char c;
	read(go[0], &c, 1);
	_exit(10 + conts);
}

static void tstp_self(void) {
	raise(SIGTSTP);
	_exit(20 + conts);
}

static void tstp_handled(void) {
	signal(SIGTSTP, on_tstp);
	raise(SIGTSTP);
	_exit(30 + tstps);
}

static void tstp_ignored(void) {
	signal(SIGTSTP, SIG_IGN);
	signal(SIGTTIN, SIG_IGN);
	raise(SIGTSTP);
	raise(SIGTTIN);
	_exit(40);
}

static void sleeper(void) {
	struct timespec d = {0, 150000000};
	tell_ready();
	int r = nanosleep(&d, 0);
	_exit(r == 0 ? 50 : 51);
}

static void cont_handled(void) {
	signal(SIGCONT, on_cont);
	sigset_t none;
	sigemptyset(&none);
	tell_ready();
	sigsuspend(&none);
	_exit(60 + conts);
}

static void reader(void) {
	/* blocks in read on a pipe nobody writes: a stop and continue must
	 * not make it fail (SA_RESTART or not, no handler runs) */
	int p[2];
	pipe(p);
	char c;
	tell_ready();
	ualarm(200000, 0); /* the way out: default SIGALRM kills */
	ssize_t r = read(p[0], &c, 1);
	_exit(r < 0 && errno == EINTR ? 71 : 70);
}

int main(void) {
	pipe(ready);
	pipe(go);
	setvbuf(stdout, 0, _IONBF, 0);

	printf("raise(SIGSTOP), SIGCONT handler\n");
	pid_t pid = child(stop_self);
	next(pid, WUNTRACED, "stop");
	kill(pid, SIGCONT);
	next(pid, WCONTINUED, "cont");
	write(go[1], "g", 1);
	next(pid, 0, "end");

	printf("raise(SIGTSTP), default\n");
	pid = child(tstp_self);
	next(pid, WUNTRACED, "stop");
	kill(pid, SIGCONT);
	next(pid, 0, "end");

	printf("raise(SIGTSTP), handled\n");
	pid = child(tstp_handled);
	next(pid, WUNTRACED, "end");

	printf("raise(SIGTSTP) and SIGTTIN, ignored\n");
	pid = child(tstp_ignored);
	next(pid, WUNTRACED, "end");

	printf("SIGTSTP during nanosleep\n");
	pid = child(sleeper);
	await_ready();
	kill(pid, SIGTSTP);
	next(pid, WUNTRACED, "stop");
	kill(pid, SIGCONT);
	next(pid, 0, "end");

	printf("SIGSTOP during nanosleep\n");
	pid = child(sleeper);
	await_ready();
	kill(pid, SIGSTOP);
	next(pid, WUNTRACED, "stop");
	kill(pid, SIGCONT);
	next(pid, 0, "end");

	printf("SIGCONT to a running process with a handler\n");
	pid = child(cont_handled);
	await_ready();
	kill(pid, SIGCONT);
	next(pid, WUNTRACED | WCONTINUED, "end");

	printf("SIGTSTP then SIGCONT during read\n");
	pid = child(reader);
	await_ready();
	kill(pid, SIGTSTP);
	next(pid, WUNTRACED, "stop");
	kill(pid, SIGCONT);
	next(pid, 0, "end");
	return 0;
}
