package main

import (
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Behaviour between processes that qemu-user cannot be the oracle for.

// nocldSrc exercises SA_NOCLDSTOP and SA_NOCLDWAIT, which qemu-user does
// not pass on to the host: the same program runs natively on the host
// kernel (the oracle) and under carrick.
const nocldSrc = `#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
static volatile sig_atomic_t got, code, status;
static void h(int s, siginfo_t *si, void *uc) { got++; code = si->si_code; status = si->si_status; }
int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	sigset_t chld, none, pend;
	sigemptyset(&chld); sigaddset(&chld, SIGCHLD); sigemptyset(&none);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	int p[2]; pipe(p);
	pid_t pid = fork();
	if (pid == 0) { char c; read(p[0], &c, 1); _exit(8); }
	int st;
	kill(pid, SIGSTOP);
	waitpid(pid, &st, WUNTRACED);
	kill(pid, SIGCONT);
	waitpid(pid, &st, WCONTINUED);
	sigpending(&pend);
	printf("SA_NOCLDSTOP: stopped and continued, SIGCHLD pending %d\n", sigismember(&pend, SIGCHLD));
	write(p[1], "x", 1);
	siginfo_t si;
	sigwaitinfo(&chld, &si);
	printf("exit still signalled: code %d status %d\n", si.si_code, si.si_status);
	waitpid(pid, &st, 0);

	sa.sa_flags = SA_SIGINFO | SA_NOCLDWAIT;
	sigaction(SIGCHLD, &sa, NULL);
	pid = fork();
	if (pid == 0) _exit(10);
	errno = 0;
	int w = waitpid(pid, &st, 0);
	const char *e = strerror(errno);
	printf("SA_NOCLDWAIT: waitpid %d %s; kill(pid, 0) %d\n", w, e, kill(pid, 0));
	while (!got) sigsuspend(&none);
	printf("handler: calls %d code %d status %d\n", got, code, status);

	signal(SIGCHLD, SIG_IGN);
	pid = fork();
	if (pid == 0) _exit(11);
	errno = 0;
	w = waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
	printf("SIG_IGN, waitid WNOWAIT: %d %s\n", w, strerror(errno));
	return 0;
}
`

// TestChildSignalFlags: SA_NOCLDSTOP, SA_NOCLDWAIT and SIGCHLD ignored,
// compared with the host kernel running the same program natively.
func TestChildSignalFlags(t *testing.T) {
	bin := buildCarrick(t)
	dir := t.TempDir()
	guest := cc(t, dir, "nocld", nocldSrc)
	native := filepath.Join(dir, "nocld-native")
	if b, err := exec.Command("cc", "-O1", "-o", native, filepath.Join(dir, "nocld.c")).CombinedOutput(); err != nil {
		t.Fatalf("native cc: %v\n%s", err, b)
	}
	want, err := exec.Command(native).Output()
	if err != nil {
		t.Fatalf("native run: %v", err)
	}
	code, out, stderr := run(t, bin, "run-elf", guest)
	if code != 0 || out != string(want) {
		t.Fatalf("carrick: exit %d\n%s\nthe host kernel:\n%s\nstderr: %s", code, out, want, stderr)
	}
}

// confineSrc signals processes it must not reach: its host parent, pid 1,
// a host process in its own process group (argv[1]), and everything with
// kill(-1). Only signal 0 and SIGUSR1 (handled by the guest itself) are
// sent, so a broken confinement harms nothing but the helper.
const confineSrc = `#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
static volatile sig_atomic_t got;
static void h(int s) { got++; }
static void r(const char *what, int ret) { printf("%s: %d %s\n", what, ret, ret < 0 ? strerror(errno) : ""); errno = 0; }
int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IONBF, 0);
	pid_t helper = atoi(argv[1]);
	signal(SIGUSR1, h);
	r("host parent", kill(getppid(), 0));
	r("pid 1", kill(1, 0));
	r("helper in my group", kill(helper, 0));
	r("helper's group is mine", getpgid(0) == helper ? 0 : -1);
	r("getpgid(helper)", getpgid(helper));
	r("kill(-1) alone", kill(-1, 0));
	r("group", kill(0, SIGUSR1));
	printf("handler ran %d\n", got);
	int p[2]; pipe(p);
	pid_t pid = fork();
	if (pid == 0) { char c; read(p[0], &c, 1); _exit(0); }
	r("kill(-1) with a child", kill(-1, 0));
	write(p[1], "x", 1);
	waitpid(pid, NULL, 0);
	return 0;
}
`

// TestKillConfinement: a guest reaches only guest processes. A host
// process sharing its process group survives the guest's kill(0), and the
// host parent, pid 1 and that process are ESRCH to it.
func TestKillConfinement(t *testing.T) {
	bin := buildCarrick(t)
	dir := t.TempDir()
	guest := cc(t, dir, "confine", confineSrc)
	helper := exec.Command("sleep", "60")
	helper.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- helper.Wait() }()
	defer helper.Process.Kill()
	hp := helper.Process.Pid
	cmd := exec.Command(bin, "run-elf", guest, strconv.Itoa(hp))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pgid: hp}
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("carrick: %v\n%s%s", err, out.String(), errb.String())
	}
	want := "host parent: -1 No such process\n" +
		"pid 1: -1 No such process\n" +
		"helper in my group: -1 No such process\n" +
		"helper's group is mine: 0 \n" +
		"getpgid(helper): -1 No such process\n" +
		"kill(-1) alone: -1 No such process\n" +
		"group: 0 \n" +
		"handler ran 1\n" +
		"kill(-1) with a child: 0 \n"
	if out.String() != want {
		t.Fatalf("guest saw:\n%s\nwant:\n%s\nstderr: %s", out.String(), want, errb.String())
	}
	select {
	case err := <-done:
		t.Fatalf("the host process in the guest's group ended: %v", err)
	case <-time.After(100 * time.Millisecond):
	}
	if err := syscall.Kill(hp, 0); err != nil {
		t.Fatalf("helper: %v", err)
	}
}
