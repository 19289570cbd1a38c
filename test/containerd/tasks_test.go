//go:build linux

package containerd_test

import (
	"bufio"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

func TestRunEcho(t *testing.T) {
	e := daemon(t)
	out, code := e.run(t, ourShim, "echo1", "echo", "hi")
	if code != 0 || out != "hi\n" {
		t.Fatalf("ctr run echo hi: exit %d, output %q", code, out)
	}
}

// TestSnapshotters: the overlayfs snapshotter's overlay is mounted on the
// bundle's rootfs; the native snapshotter's bind is too (Linux) — and
// two containers of one image never see each other's writes.
func TestSnapshotters(t *testing.T) {
	e := daemon(t)
	for _, sn := range []string{"overlayfs", "native"} {
		rt := append([]string{"--snapshotter", sn}, ourShim...)
		out, code := e.run(t, rt, "w1-"+sn, "sh", "-c", "echo one > /etc/written && cat /etc/written && cat /etc/passwd | head -1")
		if code != 0 || out != "one\nroot:x:0:0:root:/root:/bin/sh\n" {
			t.Fatalf("%s: first container: exit %d, %q", sn, code, out)
		}
		out, code = e.run(t, rt, "w2-"+sn, "sh", "-c", "cat /etc/written 2>&1; echo $?")
		if code != 0 || !strings.HasSuffix(out, "1\n") {
			t.Fatalf("%s: the second container sees the first one's file: exit %d, %q", sn, code, out)
		}
	}
}

func TestExitCode(t *testing.T) {
	e := daemon(t)
	if out, code := e.run(t, ourShim, "exit3", "sh", "-c", "echo bye; exit 3"); code != 3 || out != "bye\n" {
		t.Fatalf("init exiting 3: ctr exit %d, output %q", code, out)
	}
}

// TestKill: a task killed by ctr reports 128+signal to the ctr that runs
// it, through each exit path.
func TestKill(t *testing.T) {
	e := daemon(t)
	for _, c := range []struct {
		name string
		rt   []string
	}{{"subreaper", ourShim}, {"records", []string{"--runtime", filepath.Join(e.bin, "containerd-shim-carrickrec-v2")}}} {
		t.Run(c.name, func(t *testing.T) {
			id := "kill-" + c.name
			args := append([]string{"--address", e.sock, "-n", ns, "run", "--rm", "--platform", "linux/arm64"}, c.rt...)
			cmd := exec.Command("ctr", append(args, image, id, "sleep", "100")...)
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			e.waitStatus(t, id, "RUNNING")
			e.mustCtr(t, "task", "kill", "-s", "KILL", id)
			err := cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != 137 {
				t.Fatalf("killed by SIGKILL: ctr run exit %d (%v), want 137", code, err)
			}
		})
	}
}

// TestExitRecords: the shim as it runs on macOS (no subreaper) gets exit
// codes right too.
func TestExitRecords(t *testing.T) {
	e := daemon(t)
	rt := []string{"--runtime", filepath.Join(e.bin, "containerd-shim-carrickrec-v2")}
	if out, code := e.run(t, rt, "rec1", "sh", "-c", "echo rec; exit 3"); code != 3 || out != "rec\n" {
		t.Fatalf("exit 3 through exit records: ctr exit %d, output %q", code, out)
	}
}

// TestStockShim: containerd's own runc shim with carrick-runtime as its
// runc binary.
func TestStockShim(t *testing.T) {
	e := daemon(t)
	rt := []string{"--runtime", "io.containerd.runc.v2", "--runc-binary", filepath.Join(e.bin, "carrick-runtime")}
	if out, code := e.run(t, rt, "stock1", "sh", "-c", "echo stock; exit 3"); code != 3 || out != "stock\n" {
		t.Fatalf("stock shim: ctr exit %d, output %q", code, out)
	}
	if out, code := e.run(t, rt, "stock2", "cat", "/etc/hostname", "/proc/1/cmdline"); code != 0 || !strings.Contains(out, "cat\x00/etc/hostname") {
		t.Fatalf("stock shim: ctr exit %d, output %q", code, out)
	}
}

// TestExecAndTaskCommands: a detached container; exec with and without a
// terminal, ps, metrics, pause/resume, kill, delete.
func TestExecAndTaskCommands(t *testing.T) {
	e := daemon(t)
	const id = "tasks1"
	e.mustCtr(t, append(append([]string{"run", "-d", "--platform", "linux/arm64"}, ourShim...), image, id, "sleep", "1000")...)
	defer e.ctrRaw("task", "kill", "-s", "KILL", id)
	e.waitStatus(t, id, "RUNNING")

	out, code := e.ctr(t, "task", "exec", "--exec-id", "e1", id, "sh", "-c", "echo in exec; ps -o comm | grep -c '^sleep$'; exit 4")
	if code != 4 || out != "in exec\n1\n" {
		t.Fatalf("exec: exit %d, output %q", code, out)
	}

	out, code = ptyRun(t, []string{"--address", e.sock, "-n", ns, "task", "exec", "-t", "--exec-id", "e2", id, "sh", "-c", "tty; exit 6"}, nil)
	if code != 6 || !regexp.MustCompile(`/dev/pts/\d+`).MatchString(out) {
		t.Fatalf("exec -t: exit %d, output %q", code, out)
	}

	ps := e.mustCtr(t, "task", "ps", id)
	ls := e.mustCtr(t, "task", "ls")
	pid := regexp.MustCompile(`(?m)^` + id + `\s+(\d+)\s+RUNNING`).FindStringSubmatch(ls)
	if pid == nil || !regexp.MustCompile(`(?m)^`+pid[1]+`\b`).MatchString(ps) {
		t.Fatalf("task ps does not list the init's pid:\n%s\n%s", ls, ps)
	}
	if m := e.mustCtr(t, "task", "metrics", id); !regexp.MustCompile(`pids.current\s+1\b`).MatchString(m) {
		t.Fatalf("task metrics:\n%s", m)
	}

	e.mustCtr(t, "task", "pause", id)
	e.waitStatus(t, id, "PAUSED")
	e.mustCtr(t, "task", "resume", id)
	e.waitStatus(t, id, "RUNNING")

	e.mustCtr(t, "task", "kill", "-s", "KILL", id)
	e.waitStatus(t, id, "STOPPED")
	e.mustCtr(t, "task", "delete", id)
	e.mustCtr(t, "container", "rm", id)
	if st := e.taskStatus(t, id); st != "" {
		t.Fatalf("task still listed after delete: %s", st)
	}
	left, _ := os.ReadDir(filepath.Join(e.dir, "state", "carrick", ns))
	for _, d := range left {
		if d.Name() == id {
			t.Fatalf("carrick-runtime state of %s left behind", id)
		}
	}
}

// TestTerminal: `ctr run -t` driven through a pty: a shell's prompt,
// a command's output, the terminal's name, the exit code.
func TestTerminal(t *testing.T) {
	e := daemon(t)
	args := append(append([]string{"--address", e.sock, "-n", ns, "run", "-t", "--rm", "--platform", "linux/arm64"}, ourShim...), image, "tty1", "sh")
	script := []step{
		{wait: "/ # ", send: "echo $((6*7))\r"},
		{wait: "42", send: "tty\r"},
		{wait: "/dev/pts/", send: "stty size\r"},
		{wait: "24 80", send: "exit 5\r"},
	}
	out, code := ptyRun(t, args, script)
	if code != 5 {
		t.Fatalf("ctr run -t: exit %d, output %q", code, out)
	}
}

// TestEvents: the task's events reach containerd in the contract's order.
func TestEvents(t *testing.T) {
	e := daemon(t)
	cmd := exec.Command("ctr", "--address", e.sock, "events")
	r, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var mu sync.Mutex
	var topics []string
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			// "DATE TIME ZONE ZONE NAMESPACE TOPIC EVENT"
			if f := strings.Fields(sc.Text()); len(f) >= 6 && strings.Contains(sc.Text(), `"ev1"`) {
				mu.Lock()
				topics = append(topics, f[5])
				mu.Unlock()
			}
		}
	}()
	time.Sleep(300 * time.Millisecond)
	e.mustCtr(t, "task", "ls") // the subscription is up
	if _, code := e.run(t, ourShim, "ev1", "true"); code != 0 {
		t.Fatal("ctr run true failed")
	}
	want := []string{"/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"}
	for i := 0; i < 50; i++ {
		mu.Lock()
		got := strings.Join(filterTasks(topics), " ")
		mu.Unlock()
		if got == strings.Join(want, " ") {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	t.Fatalf("task events %v, want %v", filterTasks(topics), want)
}

func filterTasks(topics []string) []string {
	var out []string
	for _, tp := range topics {
		if strings.HasPrefix(tp, "/tasks/") {
			out = append(out, tp)
		}
	}
	return out
}

type step struct{ wait, send string }

// ptyRun runs ctr on a new pty of 24x80, plays the script (wait for
// text, then type), and returns everything it printed and its exit code.
func ptyRun(t *testing.T, args []string, script []step) (string, int) {
	t.Helper()
	cmd := exec.Command("ctr", args...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var mu sync.Mutex
	var buf strings.Builder
	done := make(chan struct{})
	go func() {
		b := make([]byte, 4096)
		for {
			n, err := f.Read(b)
			mu.Lock()
			buf.Write(b[:n])
			mu.Unlock()
			if err != nil {
				if err != io.EOF {
					close(done)
					return
				}
			}
		}
	}()
	output := func() string { mu.Lock(); defer mu.Unlock(); return buf.String() }
	seen := 0
	for _, s := range script {
		deadline := time.Now().Add(60 * time.Second)
		for {
			o := output()
			if i := strings.Index(o[seen:], s.wait); i >= 0 {
				seen += i + len(s.wait)
				break
			}
			if time.Now().After(deadline) {
				ps, _ := exec.Command("ps", "-eo", "pid,ppid,pgid,sid,tpgid,stat,wchan:20,args").Output()
				ps = append(ps, ttyQueues()...)
				cmd.Process.Kill()
				t.Fatalf("waited for %q; the terminal shows %q\nprocesses:\n%s", s.wait, o, ps)
			}
			time.Sleep(20 * time.Millisecond)
		}
		f.Write([]byte(s.send))
	}
	waited := make(chan struct{})
	go func() { cmd.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-waited
		t.Fatalf("ctr did not exit; the terminal shows %q", output())
	}
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
	return output(), cmd.ProcessState.ExitCode()
}

// ttyQueues reports, for a failure, how many bytes wait in the input
// queue of each container init's terminal.
func ttyQueues() []byte {
	var out []byte
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, c := range procs {
		b, _ := os.ReadFile(c)
		if !strings.Contains(string(b), "internal-init") {
			continue
		}
		dir := filepath.Dir(c)
		tty, err := os.Readlink(dir + "/fd/0")
		if err != nil || !strings.HasPrefix(tty, "/dev/pts/") {
			continue
		}
		f, err := os.OpenFile(tty, os.O_RDONLY|syscall.O_NOCTTY|syscall.O_NONBLOCK, 0)
		if err != nil {
			continue
		}
		n, err := unix.IoctlGetInt(int(f.Fd()), unix.TIOCINQ)
		f.Close()
		out = append(out, fmt.Sprintf("%s: %s input queue %d (%v)\n", dir, tty, n, err)...)
	}
	return out
}
