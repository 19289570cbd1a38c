//go:build linux

// Package containerd_test runs carrick under a real containerd: Debian's
// containerd 1.6 started by the test on private sockets, the arm64 busybox
// fixture imported as an OCI image, and ctr driving containers through
// containerd-shim-carrick-v2, through the stock runc shim with
// carrick-runtime as its runc binary, and through our shim in the mode
// macOS uses (exits from exit records, no subreaper).
package containerd_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/carrick-go/carrick/test/ociarchive"
)

const (
	image  = "carrick.test/busybox:latest"
	ns     = "carrick-test"
	shimV2 = "io.containerd.carrick.v2"
)

// env is the package's containerd, shared by the tests.
type env struct {
	dir     string // containerd's config, root, state and sockets
	bin     string // carrick-runtime and the shim
	sock    string
	daemon  *exec.Cmd
	logFile string
}

var (
	setupOnce sync.Once
	theEnv    *env
	setupErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if theEnv != nil {
		theEnv.stop()
	}
	os.Exit(code)
}

// daemon starts (once) containerd with carrick's binaries on its PATH and
// the image imported for both snapshotters.
func daemon(t *testing.T) *env {
	t.Helper()
	for _, tool := range []string{"containerd", "ctr", "containerd-shim-runc-v2"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the containerd suite needs %s on PATH (Debian: apt-get install containerd); CI installs it, the suite never skips", tool)
		}
	}
	if os.Getuid() != 0 {
		t.Fatal("the containerd suite needs root: containerd mounts snapshots")
	}
	setupOnce.Do(func() { theEnv, setupErr = start() })
	if setupErr != nil {
		t.Fatal(setupErr)
	}
	return theEnv
}

func start() (*env, error) {
	top, err := filepath.Abs("../..")
	if err != nil {
		return nil, err
	}
	rootfs := filepath.Join(top, "test/fixtures/out/rootfs/busybox")
	if _, err := os.Stat(filepath.Join(rootfs, "bin/busybox")); err != nil {
		return nil, fmt.Errorf("no busybox fixture (make fixtures): %w", err)
	}
	// Short: the shim's socket path is derived from containerd's.
	dir, err := os.MkdirTemp("", "ctd")
	if err != nil {
		return nil, err
	}
	e := &env{dir: dir, bin: filepath.Join(dir, "bin"), sock: filepath.Join(dir, "c.sock"), logFile: filepath.Join(dir, "containerd.log")}
	for _, c := range []string{"carrick-runtime", "containerd-shim-carrick-v2"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(e.bin, c), "./cmd/"+c)
		cmd.Dir = top
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("build %s: %v\n%s", c, err, out)
		}
	}
	// The shim in macOS's mode: exits from the records the container's
	// processes leave, no subreaper (ctr --runtime accepts a shim path).
	wrapper := filepath.Join(e.bin, "containerd-shim-carrickrec-v2")
	script := "#!/bin/sh\nexec " + filepath.Join(e.bin, "containerd-shim-carrick-v2") + " -no-subreaper \"$@\"\n"
	if err := os.WriteFile(wrapper, []byte(script), 0o755); err != nil {
		return nil, err
	}
	cfg := fmt.Sprintf(`version = 2
root = %q
state = %q
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = %q
`, filepath.Join(dir, "root"), filepath.Join(dir, "state"), e.sock)
	if err := os.WriteFile(filepath.Join(dir, "config.toml"), []byte(cfg), 0o644); err != nil {
		return nil, err
	}
	logf, err := os.Create(e.logFile)
	if err != nil {
		return nil, err
	}
	e.daemon = exec.Command("containerd", "--config", filepath.Join(dir, "config.toml"))
	e.daemon.Env = append(os.Environ(), "PATH="+e.bin+":"+os.Getenv("PATH"))
	e.daemon.Stdout, e.daemon.Stderr = logf, logf
	if err := e.daemon.Start(); err != nil {
		return nil, err
	}
	logf.Close()
	for i := 0; ; i++ {
		if _, _, code := e.ctrRaw("version"); code == 0 {
			break
		}
		if i == 100 {
			e.stop()
			return nil, fmt.Errorf("containerd did not start:\n%s", e.log())
		}
		time.Sleep(100 * time.Millisecond)
	}
	tar := filepath.Join(dir, "busybox.tar")
	f, err := os.Create(tar)
	if err != nil {
		return nil, err
	}
	err = ociarchive.Build(f, rootfs, ociarchive.Options{Ref: image, Cmd: []string{"/bin/sh"},
		Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}})
	f.Close()
	if err != nil {
		return nil, err
	}
	for _, sn := range []string{"overlayfs", "native"} {
		if out, errOut, code := e.ctrRaw("image", "import", "--platform", "linux/arm64", "--snapshotter", sn, tar); code != 0 {
			e.stop()
			return nil, fmt.Errorf("ctr image import (%s): %s%s", sn, out, errOut)
		}
	}
	return e, nil
}

func (e *env) log() string { b, _ := os.ReadFile(e.logFile); return string(b) }

// stop ends containerd and whatever it left, then removes its directory.
func (e *env) stop() {
	if e.daemon != nil && e.daemon.Process != nil {
		e.daemon.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { e.daemon.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			e.daemon.Process.Kill()
			<-done
		}
	}
	// A shim outlives containerd by design; the test's must not outlive
	// the test (nor the containers they run).
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, c := range procs {
		if b, err := os.ReadFile(c); err == nil && strings.Contains(string(b), e.dir+"/") {
			if pid, err := strconv.Atoi(filepath.Base(filepath.Dir(c))); err == nil {
				syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
	// Snapshots containerd mounted and never unmounted would keep the
	// directory busy.
	if data, err := os.ReadFile("/proc/self/mountinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) > 4 && strings.HasPrefix(f[4], e.dir) {
				exec.Command("umount", "-l", f[4]).Run()
			}
		}
	}
	os.RemoveAll(e.dir)
}

func (e *env) ctrRaw(args ...string) (stdout, stderr string, code int) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ctr", append([]string{"--address", e.sock, "-n", ns}, args...)...)
	var o, er bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &er
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		code = -1
		er.WriteString(err.Error())
	}
	return o.String(), er.String(), code
}

// ctr runs ctr and returns its stdout and exit code; a failure to run
// at all fails the test.
func (e *env) ctr(t *testing.T, args ...string) (string, int) {
	t.Helper()
	out, errOut, code := e.ctrRaw(args...)
	if code == -1 {
		t.Fatalf("ctr %s: %s", strings.Join(args, " "), errOut)
	}
	if code != 0 {
		t.Logf("ctr %s: exit %d, stderr: %s", strings.Join(args, " "), code, errOut)
	}
	return out, code
}

// mustCtr runs ctr and fails the test unless it succeeds.
func (e *env) mustCtr(t *testing.T, args ...string) string {
	t.Helper()
	out, errOut, code := e.ctrRaw(args...)
	if code != 0 {
		t.Fatalf("ctr %s: exit %d\nstdout: %s\nstderr: %s\ncontainerd log tail:\n%s", strings.Join(args, " "), code, out, errOut, tail(e.log(), 20))
	}
	return out
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// run is `ctr run --rm` of the image with the given runtime arguments.
func (e *env) run(t *testing.T, runtime []string, id string, cmd ...string) (string, int) {
	t.Helper()
	args := append([]string{"run", "--rm", "--platform", "linux/arm64"}, runtime...)
	args = append(args, image, id)
	return e.ctr(t, append(args, cmd...)...)
}

// taskStatus is the task's status in `ctr task ls`, "" if it has none.
func (e *env) taskStatus(t *testing.T, id string) string {
	t.Helper()
	out := e.mustCtr(t, "task", "ls")
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == id {
			return f[2]
		}
	}
	return ""
}

func (e *env) waitStatus(t *testing.T, id, want string) {
	t.Helper()
	for i := 0; i < 300; i++ {
		if e.taskStatus(t, id) == want {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("task %s never became %s (now %q)", id, want, e.taskStatus(t, id))
}

var ourShim = []string{"--runtime", shimV2}
