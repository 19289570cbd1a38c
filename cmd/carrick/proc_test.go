package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Guest processes seen from the host: a forked guest process is a host
// process (ps shows it, with its parent), kill from a host shell reaches its
// handler, and nothing is left behind.

// forkTree is a guest that forks a child which installs a SIGTERM handler,
// reports its pid and waits; the parent waits for it and reports how it
// ended.
const forkTree = `#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
static volatile sig_atomic_t got;
static void h(int s) { got = s; }
int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	int p[2];
	pipe(p);
	pid_t c = fork();
	if (c == 0) {
		signal(SIGTERM, h);
		write(p[1], "x", 1);
		while (!got) pause();
		printf("child caught %d\n", got);
		_exit(7);
	}
	char x;
	read(p[0], &x, 1);
	printf("child %d\n", c);
	int st;
	waitpid(c, &st, 0);
	printf("parent: child exited %d\n", WEXITSTATUS(st));
	return 0;
}`

// hostParent reads a host process's parent pid from /proc.
func hostParent(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatalf("host /proc/%d/stat: %v", pid, err)
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

func TestForkFromTheHost(t *testing.T) {
	bin := buildCarrick(t)
	probe := cc(t, t.TempDir(), "forktree", forkTree)
	cmd := exec.Command(bin, "run-elf", probe)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(out)
	line, err := r.ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		t.Fatalf("no child line: %v", err)
	}
	child, _ := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(line), "child "))
	// The guest child is a host child of the carrick process, and ps
	// lists it.
	if pp := hostParent(t, child); pp != cmd.Process.Pid {
		cmd.Process.Kill()
		t.Fatalf("guest child %d has host parent %d, want carrick %d", child, pp, cmd.Process.Pid)
	}
	ps, err := exec.Command("ps", "-o", "pid=", "--ppid", strconv.Itoa(cmd.Process.Pid)).Output()
	if err != nil || !strings.Contains(" "+strings.Join(strings.Fields(string(ps)), " ")+" ", " "+strconv.Itoa(child)+" ") {
		cmd.Process.Kill()
		t.Fatalf("ps --ppid %d: %q %v, want %d listed", cmd.Process.Pid, ps, err, child)
	}
	// kill -TERM from the host reaches the child's handler.
	if err := syscall.Kill(child, syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := bufio.NewReader(r).ReadString(0)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("carrick: %v", err)
	}
	want := "child caught 15\nparent: child exited 7\n"
	if rest != want {
		t.Fatalf("after kill -TERM of the child: %q, want %q", rest, want)
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", child)); err == nil {
		t.Fatalf("guest child %d still exists", child)
	}
}

// pidnsProbe prints what a process learns about pids in a new pid
// namespace, as relations (qemu-user's own threads take pids too, so the
// numbers themselves differ from a kernel's).
const pidnsProbe = `#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("init: pid %d ppid %d\n", getpid(), getppid());
	int p[2];
	pipe(p);
	pid_t c = fork();
	if (c == 0) {
		char buf[64];
		int n = snprintf(buf, sizeof buf, "%d %d\n", getpid(), getppid());
		write(p[1], buf, n);
		pid_t g = fork();
		if (g == 0) {
			usleep(300000);
			printf("orphan: parent is init %d\n", getppid() == 1);
			_exit(3);
		}
		_exit(5);
	}
	int cpid = 0, cppid = 0;
	FILE *f = fdopen(p[0], "r");
	fscanf(f, "%d %d", &cpid, &cppid);
	printf("child: fork returned its pid %d, its parent is init %d, pid above 1 %d\n", cpid == c, cppid == 1, c > 1);
	int st;
	printf("waitpid returns the child %d, status %d\n", waitpid(c, &st, 0) == c, WEXITSTATUS(st));
	printf("kill of the reaped child: %d\n", kill(c, 0));
	pid_t o = wait(&st);
	printf("init reaps the orphan: %d, status %d\n", o > 1 && o != c, WEXITSTATUS(st));
	printf("wait with no children left: %d\n", wait(&st));
	return 0;
}`

// TestPidNamespace compares run-elf --pid private with qemu in a real
// Linux pid namespace (unshare --pid --fork).
func TestPidNamespace(t *testing.T) {
	if _, err := exec.LookPath("unshare"); err != nil {
		t.Fatal("unshare (util-linux) not found")
	}
	bin := buildCarrick(t)
	probe := cc(t, t.TempDir(), "pidns", pidnsProbe)
	oracle := exec.Command("unshare", "--pid", "--fork", "qemu-aarch64-static", probe)
	want, err := oracle.CombinedOutput()
	if err != nil {
		t.Fatalf("oracle: %v\n%s", err, want)
	}
	tmp := t.TempDir()
	cmd := exec.Command(bin, "run-elf", "--pid", "private", probe)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("carrick: %v\n%s", err, got)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("carrick --pid private:\n%s\nqemu in a pid namespace:\n%s", got, want)
	}
	// The tree's shared directories went with its last process.
	if left, _ := filepath.Glob(filepath.Join(tmp, "carrick-*")); len(left) != 0 {
		t.Fatalf("left behind: %v", left)
	}
}

// TestPidNamespaceInitKilled: kill -9 of pid 1 from the host ends every
// process of the namespace, as Linux does.
func TestPidNamespaceInitKilled(t *testing.T) {
	bin := buildCarrick(t)
	probe := cc(t, t.TempDir(), "sleepers", `#include <stdio.h>
#include <unistd.h>
int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	for (int i = 0; i < 2; i++)
		if (fork() == 0) {
			printf("%d\n", getpid());
			for (;;) pause();
		}
	for (;;) pause();
}`)
	tmp := t.TempDir()
	cmd := exec.Command(bin, "run-elf", "--pid", "private", probe)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(out)
	for i := 0; i < 2; i++ {
		if _, err := r.ReadString('\n'); err != nil {
			cmd.Process.Kill()
			t.Fatal(err)
		}
	}
	kids, _ := exec.Command("ps", "-o", "pid=", "--ppid", strconv.Itoa(cmd.Process.Pid)).Output()
	pids := strings.Fields(string(kids))
	if len(pids) != 2 {
		cmd.Process.Kill()
		t.Fatalf("host children of carrick: %q, want the 2 guest children", kids)
	}
	cmd.Process.Kill()
	cmd.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for _, p := range pids {
		for {
			b, err := os.ReadFile("/proc/" + p + "/stat")
			if err != nil || strings.Contains(string(b), ") Z ") {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("guest process %s outlived pid 1", p)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	// The namespace's shared directories went with it.
	for {
		left, _ := filepath.Glob(filepath.Join(tmp, "carrick-*"))
		if len(left) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("left behind after kill -9 of pid 1: %v", left)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestClone3Pidfd checks clone3 and CLONE_PIDFD against Linux's documented
// behaviour (clone3(2), pidfd_open(2), waitid(2)): the oracle cannot run
// this probe, as qemu-user 7.2 answers clone3 with ENOSYS and drops
// CLONE_PIDFD.
func TestClone3Pidfd(t *testing.T) {
	code, out, errOut := runTestdata(t, "clone3_pidfd")
	want := `clone3 returned a pid 1, pidfd 1
readable before exit: 0
readable after exit: 1
waitid P_PIDFD 0: code 1 status 11 pid-ok 1
clone CLONE_PIDFD: pidfd 1, child exited 12
clone PIDFD|PARENT_SETTID: -1 errno EINVAL 1
clone3 size 8: -1 errno EINVAL 1
`
	if code != 0 || out != want {
		t.Fatalf("exit %d, stderr %q\ngot:\n%s\nwant (Linux):\n%s", code, errOut, out, want)
	}
}

// TestVforkSharesMemory: a vfork child writes its parent's memory (Linux's
// vfork(2); qemu-user runs vfork as fork, so it cannot be the oracle).
func TestVforkSharesMemory(t *testing.T) {
	code, out, errOut := runTestdata(t, "vfork_memory")
	want := "after the vfork child: global 10 heap 30, child exited 5\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d, stderr %q: %q, want %q", code, errOut, out, want)
	}
}

// TestRobustMutexAcrossProcesses: the owner of a process-shared robust
// mutex dies (by _exit, then by SIGKILL) and the next locker, in another
// process, gets EOWNERDEAD (pthread_mutexattr_setrobust(3)).
func TestRobustMutexAcrossProcesses(t *testing.T) {
	code, out, errOut := runTestdata(t, "robust_procs")
	want := `round 0: lock after the owner died: EOWNERDEAD
round 0: lock again: 0
round 1: lock after the owner died: EOWNERDEAD
round 1: lock again: 0
`
	if code != 0 || out != want {
		t.Fatalf("exit %d, stderr %q\ngot:\n%s\nwant:\n%s", code, errOut, out, want)
	}
}

// TestPidNamespaceInitSignals: the namespace's init ignores default-action
// signals and SIGKILL from inside its namespace (pid_namespaces(7)).
func TestPidNamespaceInitSignals(t *testing.T) {
	code, out, errOut := runTestdata(t, "pidns_init_signals", "--pid", "private")
	want := `child: kill(1, SIGTERM) 0
child: kill(1, SIGKILL) 0
child: kill(1, SIGUSR1) 0
init alive, handled 10
`
	if code != 0 || out != want {
		t.Fatalf("exit %d, stderr %q\ngot:\n%s\nwant:\n%s", code, errOut, out, want)
	}
}

// runTestdata builds carrick and testdata/NAME.c and runs the probe with
// run-elf and the given flags before it.
func runTestdata(t *testing.T, name string, flags ...string) (int, string, string) {
	t.Helper()
	bin := buildCarrick(t)
	src, err := os.ReadFile("testdata/" + name + ".c")
	if err != nil {
		t.Fatal(err)
	}
	probe := cc(t, t.TempDir(), name, string(src))
	return run(t, bin, append(append([]string{"run-elf"}, flags...), probe)...)
}
