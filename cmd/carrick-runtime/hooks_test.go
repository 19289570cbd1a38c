package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestFailingPoststartPoststop: as runc, a failing poststart hook fails
// start and ends the container; a failing poststop hook is delete's error,
// after the container is gone. The hooks after a failing one do not run.
func TestFailingPoststartPoststop(t *testing.T) {
	r := newRT(t)
	b, out := bundle(t, "sleep", "60")
	fail := specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c", "echo hook says no >&2; exit 1"}}
	after := specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c", "touch " + filepath.Join(out, "after")}}
	editSpec(t, b, func(s *specs.Spec) {
		s.Hooks = &specs.Hooks{Poststart: []specs.Hook{fail, after}, Poststop: []specs.Hook{fail}}
	})

	r.ok("create", "--bundle", b, "ps")
	if _, e, code := r.run("start", "ps"); code == 0 || !strings.Contains(e, "poststart hook #0") || !strings.Contains(e, "hook says no") {
		t.Fatalf("start with a failing poststart hook: exit %d, %s", code, e)
	}
	waitStatus(t, r, "ps", "stopped")
	if _, err := os.Stat(filepath.Join(out, "after")); err == nil {
		t.Fatal("the hook after the failing one ran")
	}
	if _, e, code := r.run("delete", "ps"); code == 0 || !strings.Contains(e, "poststop hook #0") {
		t.Fatalf("delete with a failing poststop hook: exit %d, %s", code, e)
	}
	if list := r.ok("list", "-q"); list != "" {
		t.Fatalf("the container outlived delete: %q", list)
	}
}

// TestOOMScoreAdj: process.oomScoreAdj is the container's host processes'
// own.
func TestOOMScoreAdj(t *testing.T) {
	r := newRT(t)
	b, _ := bundle(t, "sleep", "60")
	editSpec(t, b, func(s *specs.Spec) {
		adj := 345
		s.Process.OOMScoreAdj = &adj
	})
	r.ok("create", "--bundle", b, "oom")
	defer r.run("delete", "--force", "oom")
	st := r.state("oom")
	got, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(st.Pid), "oom_score_adj"))
	if err != nil || strings.TrimSpace(string(got)) != "345" {
		t.Fatalf("the init's oom_score_adj is %q (%v)", got, err)
	}
	// An exec'd process has it too, and reads it.
	if o := r.ok("exec", "oom", "cat", "/proc/self/oom_score_adj"); o != "345\n" {
		t.Fatalf("the container reads %q", o)
	}
}

// TestProcessUser: process.user (uid, gid, additionalGids) is the
// container's credentials, for its children and for exec --user too; a
// file it creates is its own and a root-only file is closed to it.
func TestProcessUser(t *testing.T) {
	r := newRT(t)
	b, out := bundle(t, "sh", "-c", `id -u; id -g; id -G; touch /out/mine; cat /etc/shadow >/dev/null 2>&1 || echo denied; sh -c 'id -u'; sleep 60`)
	os.Chmod(out, 0o777)
	editSpec(t, b, func(s *specs.Spec) {
		s.Process.User = specs.User{UID: 1000, GID: 1001, AdditionalGids: []uint32{27, 1001}}
	})
	log := filepath.Join(t.TempDir(), "stdout")
	f, _ := os.Create(log)
	defer f.Close()
	cmd := exec.Command(binary, "--root", r.root, "create", "--bundle", b, "usr")
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	defer r.run("delete", "--force", "usr")
	r.ok("start", "usr")
	want := "1000\n1001\n1001 27\ndenied\n1000\n"
	for i := 0; i < 500; i++ {
		if got, _ := os.ReadFile(log); string(got) == want {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got, _ := os.ReadFile(log); string(got) != want {
		t.Fatalf("the container printed %q, want %q", got, want)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(filepath.Join(out, "mine"), &st); err != nil || st.Uid != 1000 || st.Gid != 1001 {
		t.Fatalf("the container's file is %d:%d (%v)", st.Uid, st.Gid, err)
	}
	if o := r.ok("exec", "--user", "0:0", "usr", "id", "-u"); o != "0\n" {
		t.Fatalf("exec --user 0:0 printed %q", o)
	}
	if o := r.ok("exec", "--user", "2000:2001", "usr", "sh", "-c", "id -u; id -g"); o != "2000\n2001\n" {
		t.Fatalf("exec --user 2000:2001 printed %q", o)
	}
}

// TestCapabilities: process.capabilities are what the container's
// processes see in /proc/self/status (modeled: privilege follows the ids).
func TestCapabilities(t *testing.T) {
	r := newRT(t)
	b, _ := bundle(t, "sh", "-c", "grep ^Cap /proc/self/status")
	editSpec(t, b, func(s *specs.Spec) {
		s.Process.Capabilities = &specs.LinuxCapabilities{Bounding: []string{"CAP_CHOWN", "CAP_KILL"},
			Effective: []string{"CAP_CHOWN"}, Permitted: []string{"CAP_CHOWN", "CAP_KILL"}, Inheritable: []string{"CAP_KILL"}}
	})
	o, e, code := r.run("run", "--bundle", b, "caps")
	want := "CapInh:\t0000000000000020\nCapPrm:\t0000000000000021\nCapEff:\t0000000000000001\nCapBnd:\t0000000000000021\nCapAmb:\t0000000000000000\n"
	if code != 0 || o != want {
		t.Fatalf("exit %d, stderr %q\ngot:\n%s\nwant:\n%s", code, e, o, want)
	}
}
