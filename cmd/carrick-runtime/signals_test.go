package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestInitSignals: the container's pid 1 gets the signals it handles
// (runc's rule for a pid namespace's init), and ignores the others.
func TestInitSignals(t *testing.T) {
	r := newRT(t)
	b, out := bundle(t, "sh", "-c", `trap 'echo got TERM > /out/sig; exit 3' TERM; echo ready > /out/ready; while :; do sleep 0.1; done`)
	r.ok("create", "--bundle", b, "sig")
	r.ok("start", "sig")
	for i := 0; i < 500; i++ {
		if _, err := os.Stat(filepath.Join(out, "ready")); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	r.ok("kill", "sig", "USR1") // no handler: ignored
	time.Sleep(300 * time.Millisecond)
	waitStatus(t, r, "sig", "running")
	r.ok("kill", "sig", "TERM")
	waitStatus(t, r, "sig", "stopped")
	if got, _ := os.ReadFile(filepath.Join(out, "sig")); string(got) != "got TERM\n" {
		t.Fatalf("the handler wrote %q", got)
	}
	r.ok("delete", "sig")
}

// TestExecPreserveFds: exec --preserve-fds 1 hands the caller's fd 3 to the
// exec'd process as its fd 3.
func TestExecPreserveFds(t *testing.T) {
	r := newRT(t)
	b, _ := bundle(t, "sleep", "60")
	r.ok("create", "--bundle", b, "epf")
	r.ok("start", "epf")
	defer r.run("delete", "--force", "epf")
	f, err := os.Create(filepath.Join(t.TempDir(), "fd3"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(binary, "--root", r.root, "exec", "--preserve-fds", "1", "epf", "sh", "-c", "echo exec-fd3 >&3")
	cmd.ExtraFiles = []*os.File{f}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got, _ := os.ReadFile(f.Name()); string(got) != "exec-fd3\n" {
		t.Fatalf("fd 3 got %q", got)
	}
}
