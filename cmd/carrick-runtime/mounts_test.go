package main

import (
	"os"
	"path/filepath"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestTmpfsMount: a tmpfs mount is the container's own directory, with
// the mode asked, shared by its processes and exec'd ones, never written
// to the root below it, and gone after delete.
func TestTmpfsMount(t *testing.T) {
	r := newRT(t)
	b, _ := bundle(t, "sleep", "60")
	editSpec(t, b, func(s *specs.Spec) {
		s.Mounts = append(s.Mounts,
			specs.Mount{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "mode=1777", "size=65536k"}},
			specs.Mount{Destination: "/proc", Type: "proc", Source: "proc"},
			specs.Mount{Destination: "/dev/pts", Type: "devpts", Source: "devpts"})
	})
	r.ok("create", "--bundle", b, "tm")
	r.ok("start", "tm")
	if o := r.ok("exec", "tm", "sh", "-c", `echo x > /tmp/carrick-tmpfs-probe; sh -c 'cat /tmp/carrick-tmpfs-probe'; stat -c %A /tmp`); o != "x\ndrwxrwxrwt\n" {
		t.Fatalf("exec printed %q", o)
	}
	if o := r.ok("exec", "tm", "cat", "/tmp/carrick-tmpfs-probe"); o != "x\n" {
		t.Fatalf("a second exec sees %q", o)
	}
	if _, err := os.Stat(filepath.Join(busybox(t), "tmp", "carrick-tmpfs-probe")); err == nil {
		t.Fatal("the tmpfs write reached the root file system")
	}
	r.ok("kill", "tm", "KILL")
	waitStatus(t, r, "tm", "stopped")
	r.ok("delete", "tm")
	if _, err := os.Stat(filepath.Join(r.root, "tm")); err == nil {
		t.Fatal("the container's state (and its tmpfs) outlived delete")
	}
}
