//go:build linux

package image_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// registry is a docker-registry server on a loopback port, storing on disk.
type registry struct {
	addr string // 127.0.0.1:PORT
	cmd  *exec.Cmd
	log  *bytes.Buffer
}

// startRegistry starts Debian's registry server with its storage and
// config under dir, and waits until /v2/ answers.
func startRegistry(dir string) (*registry, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o755); err != nil {
		return nil, err
	}
	r := &registry{addr: fmt.Sprintf("127.0.0.1:%d", port), log: &bytes.Buffer{}}
	config := fmt.Sprintf(`version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: %s
  delete:
    enabled: true
http:
  addr: %s
`, filepath.Join(dir, "data"), r.addr)
	cfgPath := filepath.Join(dir, "config.yml")
	if err := os.WriteFile(cfgPath, []byte(config), 0o644); err != nil {
		return nil, err
	}
	r.cmd = exec.Command("docker-registry", "serve", cfgPath)
	r.cmd.Stdout, r.cmd.Stderr = r.log, r.log
	r.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := r.cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get("http://" + r.addr + "/v2/")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return r, nil
			}
		}
		if time.Now().After(deadline) {
			r.stop()
			return nil, fmt.Errorf("docker-registry on %s did not answer /v2/ in 20s (%v):\n%s", r.addr, err, r.log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (r *registry) ref(repo string) string { return r.addr + "/" + repo }

func (r *registry) stop() {
	r.cmd.Process.Kill()
	r.cmd.Wait()
}

// freePort is a loopback TCP port nothing listens on right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// result is how one command ended.
type result struct {
	argv           []string
	stdout, stderr string
	status         int // exit status, 128+signal, -1 when it could not run or timed out
}

func (r result) describe() string {
	return fmt.Sprintf("%q: status %d\nstdout: %q\nstderr: %q", r.argv, r.status, r.stdout, r.stderr)
}

// carrickRun runs the carrick binary with CARRICK_HOME=home, stdin nil for
// /dev/null, and kills it (and what it started in its process group) after
// timeout.
func carrickRun(home string, stdin io.Reader, timeout time.Duration, args ...string) result {
	return runCmd(stdin, timeout, []string{"CARRICK_HOME=" + home, "PATH=/usr/sbin:/usr/bin:/sbin:/bin"},
		append([]string{carrickB}, args...)...)
}

func runCmd(stdin io.Reader, timeout time.Duration, env []string, argv ...string) result {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env
	cmd.Stdin = stdin
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	// A detached container's output pipes may stay open in the container
	// after carrick exits; do not wait for them.
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	r := result{argv: argv, stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		r.status = -1
		r.stderr += fmt.Sprintf("\n(killed after %v)", timeout)
	case err == nil:
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.status = 128 + int(ws.Signal())
		} else {
			r.status = ee.ExitCode()
		}
	default:
		r.status = -1
		r.stderr += "\n" + err.Error()
	}
	return r
}

// ctr runs carrick against the shared store and fails the test unless it
// ends with status want; it returns the result.
func ctr(t *testing.T, want int, args ...string) result {
	t.Helper()
	return ctrIn(t, home, want, args...)
}

func ctrIn(t *testing.T, h string, want int, args ...string) result {
	t.Helper()
	r := carrickRun(h, nil, 2*time.Minute, args...)
	if r.status != want {
		t.Fatalf("want status %d: %s", want, r.describe())
	}
	return r
}

// ctrFail runs carrick against the shared store and fails the test unless
// the command fails with a message (docker's status for these is 1).
func ctrFail(t *testing.T, args ...string) result {
	t.Helper()
	r := carrickRun(home, nil, 2*time.Minute, args...)
	if r.status <= 0 || r.stderr == "" {
		t.Fatalf("want a failure with a message: %s", r.describe())
	}
	return r
}

// alive reports whether the process pid exists and is not a zombie.
func alive(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}

// wantOut runs carrick against the shared store, expecting status 0 and
// exactly want on stdout.
func wantOut(t *testing.T, want string, args ...string) {
	t.Helper()
	r := ctr(t, 0, args...)
	if r.stdout != want {
		t.Errorf("stdout %q, want %q: %s", r.stdout, want, r.describe())
	}
}

// oneLineError checks that a failed carrick command ended with one error
// line, "carrick: ...", containing every part (and that a run printed
// nothing on stdout). Lines before it are docker's progress ("Unable to
// find image 'X' locally", "X: pulling from Y").
func oneLineError(t *testing.T, r result, parts ...string) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	msg := lines[len(lines)-1]
	if !strings.HasPrefix(msg, "carrick: ") {
		t.Errorf("want stderr to end with one \"carrick: \" error line: %s", r.describe())
	}
	for _, l := range lines[:len(lines)-1] {
		if strings.HasPrefix(l, "carrick: ") {
			t.Errorf("more than one error line: %s", r.describe())
		}
	}
	for _, p := range parts {
		if !strings.Contains(msg, p) {
			t.Errorf("the error line does not mention %q: %s", p, r.describe())
		}
	}
	if r.argv[1] == "run" && r.stdout != "" {
		t.Errorf("stdout not empty: %s", r.describe())
	}
}

// guestEnv is the environment of the reference runs: the image's.
var guestEnv = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root"}

// oracle runs argv in the fixture root name under qemu-aarch64-static in a
// chroot, the reference for what a guest prints. The host has no binfmt
// entry for arm64, so the reference cannot exec another program: argv
// must be one program (busybox's applets run in process).
func oracle(t *testing.T, name string, argv ...string) result {
	t.Helper()
	root := filepath.Join(fixtures, "rootfs", name)
	// qemu-user runs a path, it does not search PATH: look the program up
	// in the root the way the guest's execvp would.
	prog := argv[0]
	if !strings.Contains(prog, "/") {
		for _, dir := range []string{"/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"} {
			// Lstat: the root's absolute symlinks point into the root, not the host.
			if _, err := os.Lstat(filepath.Join(root, dir, prog)); err == nil {
				prog = dir + "/" + prog
				break
			}
		}
	}
	// qemu hands its environment (the image's, as in the container) to the guest.
	full := append([]string{"chroot", root, "/qemu-aarch64-static", prog}, argv[1:]...)
	r := runCmd(nil, 2*time.Minute, guestEnv, full...)
	if r.status == -1 {
		t.Fatalf("reference: %s", r.describe())
	}
	return r
}

// sameAsOracle runs argv in a new container of image and under the
// reference in root, and checks that both print the same and end the same.
func sameAsOracle(t *testing.T, image, root string, argv ...string) result {
	t.Helper()
	want := oracle(t, root, argv...)
	got := carrickRun(home, nil, 2*time.Minute, append([]string{"run", "--rm", "-w", "/", image}, argv...)...)
	if got.stdout != want.stdout || got.status != want.status {
		t.Errorf("carrick and the reference differ:\ncarrick:   %s\nreference: %s", got.describe(), want.describe())
	}
	return got
}
