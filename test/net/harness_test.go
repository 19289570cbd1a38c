//go:build linux

package net

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/carrick-go/carrick/test/programs"
)

// emulator is how a guest runs: the reference or the emulator under test.
type emulator string

const (
	qemu    emulator = "qemu"
	carrick emulator = "carrick"
)

// The fixture roots, by name.
const (
	busybox = "busybox"
	debian  = "debian"
)

// guestEnv is the guest's whole environment under both emulators.
var guestEnv = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/root", "LANG=C"}

var (
	top      string // the module root
	fixtures string // test/fixtures/out or CARRICK_FIXTURES
	carrickB string // the carrick binary under test
	tmpTop   string // this test binary's scratch directory
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	var err error
	if top, err = moduleRoot(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fixtures = os.Getenv("CARRICK_FIXTURES")
	if fixtures == "" {
		fixtures = filepath.Join(top, "test", "fixtures", "out")
	}
	fixtures, _ = filepath.Abs(fixtures)
	if tmpTop, err = os.MkdirTemp("", "carrick-net-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(tmpTop)
	carrickB = os.Getenv("CARRICK_BIN")
	if carrickB == "" {
		carrickB = filepath.Join(tmpTop, "carrick")
		if err := goBuild(carrickB, "./cmd/carrick", false); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	code := m.Run()
	// Every guest was killed by its test; a survivor is a bug of the test
	// or of carrick's process handling. (Only for a binary of our own:
	// another user of CARRICK_BIN may be running.)
	if left := programs.Survivors(carrickB); os.Getenv("CARRICK_BIN") == "" && len(left) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: guest processes left behind: %v\n", left)
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		code = 1
	}
	return code
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
	}
}

// goBuild builds the package pkg of this module into out, for linux/arm64
// when arm64 is set.
func goBuild(out, pkg string, arm64 bool) error {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Dir = top
	cmd.Env = os.Environ()
	if arm64 {
		cmd.Env = append(cmd.Env, "CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64")
	}
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build %s: %v\n%s", pkg, err, b)
	}
	return nil
}

// emulators returns the emulators a test runs under: both, the reference
// first, unless CARRICK_NET_EMU names one.
func emulators() []emulator {
	switch e := emulator(os.Getenv("CARRICK_NET_EMU")); e {
	case qemu, carrick:
		return []emulator{e}
	}
	return []emulator{qemu, carrick}
}

// rootPath returns the host path of the fixture root name, failing the test
// when it was not built.
func rootPath(t *testing.T, name string) string {
	t.Helper()
	root := filepath.Join(fixtures, "rootfs", name)
	// Reading the stamp makes go test's cache depend on the root.
	if _, err := os.ReadFile(root + ".stamp"); err != nil {
		t.Fatalf("rootfs %s is missing (%v): build it with `make fixtures`", name, err)
	}
	return root
}

func requireTools(t *testing.T, tools ...string) {
	t.Helper()
	programs.StatSources(t, top)
	if os.Geteuid() != 0 {
		t.Fatal("test/net must run as root: the reference runs in mount and PID namespaces of its own; CI runs as root")
	}
	for _, tool := range append([]string{"qemu-aarch64-static", "unshare", "mount"}, tools...) {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("test/net needs %s on PATH (.ci/run installs it); the suite never skips", tool)
		}
	}
}

// lockedBuffer is an output buffer a test may read while the guest writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.b.Len() > 16<<20 {
		return len(p), nil
	}
	return b.b.Write(p)
}

func (b *lockedBuffer) Bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.b.Bytes())
}

// guest is one running guest program.
type guest struct {
	emu            emulator
	argv           []string
	cmd            *exec.Cmd
	stdout, stderr lockedBuffer
	done           chan struct{} // closed when the process was reaped
	status         int           // exit code or 128+signal, once done
}

// qemuScript runs in new mount and PID namespaces (the shell is PID 1, the
// guest its child, so the guest dies with it): the root read-only, the run's
// work and tmp directories on /work and /tmp, a procfs, a small /dev; then
// the command that chroots into the root and starts qemu. As test/oracle.
// $1 ROOT, $2 WORK, $3 TMP.
const qemuScript = `
set -eu
root=$1 work=$2 tmp=$3
shift 3
mount --make-rprivate /
mount --bind "$root" "$root"
mount -o remount,bind,ro "$root"
mount --bind "$work" "$root/work"
mount --bind "$tmp" "$root/tmp"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t tmpfs -o mode=0755,size=1m,nosuid tmpfs "$root/dev"
for d in null zero full random urandom; do
	: >"$root/dev/$d"
	mount --bind "/dev/$d" "$root/dev/$d"
done
ln -s /proc/self/fd "$root/dev/fd"
"$@"
`

// start runs argv in the fixture root under emu with work as /work (its
// working directory) and a fresh, empty /tmp. stdin nil is /dev/null. The
// guest is killed when the test ends.
func start(t *testing.T, emu emulator, root, work string, stdin io.Reader, argv ...string) *guest {
	t.Helper()
	rootDir := rootPath(t, root)
	tmp := filepath.Join(t.TempDir(), "tmp")
	if err := os.Mkdir(tmp, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(tmp, 0o1777); err != nil {
		t.Fatal(err)
	}
	g := &guest{emu: emu, argv: argv, done: make(chan struct{})}
	switch emu {
	case qemu:
		args := []string{"-c", qemuScript, "net-qemu", rootDir, work, tmp, "env", "-i"}
		// qemu-user hands its environment to the guest in reverse order.
		for i := len(guestEnv) - 1; i >= 0; i-- {
			args = append(args, guestEnv[i])
		}
		args = append(args, "unshare", "--root="+rootDir, "--wd=/work", "--", "/qemu-aarch64-static")
		g.cmd = exec.Command("/bin/sh", append(args, argv...)...)
		g.cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
		g.cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID,
			Setpgid: true, Pdeathsig: syscall.SIGKILL}
	case carrick:
		args := []string{"run-elf", "--rootfs", rootDir, "-v", work + ":/work", "-v", tmp + ":/tmp", "-w", "/work"}
		for _, kv := range guestEnv {
			args = append(args, "-e", kv)
		}
		g.cmd = exec.Command(carrickB, append(args, argv...)...)
		g.cmd.Env = []string{}
		g.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	default:
		t.Fatalf("unknown emulator %q", emu)
	}
	g.cmd.Stdin = stdin
	g.cmd.Stdout, g.cmd.Stderr = &g.stdout, &g.stderr
	if err := g.cmd.Start(); err != nil {
		t.Fatalf("%s: %v", emu, err)
	}
	go func() {
		err := g.cmd.Wait()
		var ee *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &ee):
			if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				g.status = 128 + int(ws.Signal())
			} else {
				g.status = ee.ExitCode()
			}
		default:
			g.status = -1
		}
		close(g.done)
	}()
	t.Cleanup(g.kill)
	return g
}

// kill ends the guest and every process of its process group and waits for
// the guest to be reaped.
func (g *guest) kill() {
	select {
	case <-g.done:
	default:
		syscall.Kill(-g.cmd.Process.Pid, syscall.SIGKILL)
		<-g.done
	}
	// Anything the guest started in its group (carrick's guest processes
	// are host processes) goes too.
	syscall.Kill(-g.cmd.Process.Pid, syscall.SIGKILL)
}

// exited reports whether the guest has ended.
func (g *guest) exited() bool {
	select {
	case <-g.done:
		return true
	default:
		return false
	}
}

// wait waits at most d for the guest to end by itself, then kills it;
// it reports whether the guest ended in time.
func (g *guest) wait(d time.Duration) bool {
	select {
	case <-g.done:
		return true
	case <-time.After(d):
		g.kill()
		return false
	}
}

// describe is the guest's command line, status and output, for a failure
// message.
func (g *guest) describe() string {
	status := "running"
	if g.exited() {
		status = fmt.Sprintf("exit status %d", g.status)
	}
	return fmt.Sprintf("%s: %s (%s)\nstdout:\n%s\nstderr:\n%s", g.emu, strings.Join(g.argv, " "), status,
		programs.Excerpt(g.stdout.Bytes(), 10), programs.Excerpt(g.stderr.Bytes(), 10))
}

// run runs argv to its end (at most timeout) and fails the test if it did
// not end in time.
func run(t *testing.T, emu emulator, root, work string, stdin io.Reader, timeout time.Duration, argv ...string) *guest {
	t.Helper()
	g := start(t, emu, root, work, stdin, argv...)
	if !g.wait(timeout) {
		t.Fatalf("did not end within %v\n%s", timeout, g.describe())
	}
	return g
}

// freePort returns a TCP port of 127.0.0.1 nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// portWait is how long a guest server may take to listen: the python
// interpreter starts slowly under an interpreting emulator.
const portWait = 60 * time.Second

// waitListening waits until 127.0.0.1:port accepts connections, failing the
// test when the guest ends first or the port stays closed.
func waitListening(t *testing.T, g *guest, port int) {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	deadline := time.Now().Add(portWait)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if g.exited() {
			t.Fatalf("the guest server ended before listening on %s\n%s", addr, g.describe())
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %s after %v (%v)\n%s", addr, portWait, err, g.describe())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// sameAsReference checks that what carrick's guest produced equals what
// the reference's did; outputs maps an emulator to the bytes to compare.
func sameAsReference(t *testing.T, what string, outputs map[emulator][]byte) {
	t.Helper()
	want, ok1 := outputs[qemu]
	got, ok2 := outputs[carrick]
	if !ok1 || !ok2 {
		return // one emulator only (CARRICK_NET_EMU), or one failed already
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s differs from qemu's: %s", what, programs.FirstDiff(want, got))
	}
}

// workDir returns a fresh directory for the guest's /work holding the named
// files of testdata/.
func workDir(t *testing.T, testdata ...string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "work")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range testdata {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
