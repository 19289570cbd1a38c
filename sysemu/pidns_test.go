package sysemu

import (
	"os"
	"os/exec"
	"testing"
)

func TestPidNSAllocBindTranslate(t *testing.T) {
	ns, err := createPidNS()
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(ns.dir)
	for want := 2; want < 6; want++ {
		got, err := ns.alloc()
		if err != nil || got != want {
			t.Fatalf("alloc = %d, %v; want %d", got, err, want)
		}
	}
	other, err := openPidNS(ns.dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := other.alloc(); got != 6 {
		t.Fatalf("alloc through a second handle = %d, want 6 (one counter)", got)
	}
	self := os.Getpid()
	if err := ns.bind(1, self); err != nil {
		t.Fatal(err)
	}
	if h, ok := other.host(1); !ok || h != self {
		t.Fatalf("host(1) = %d, %v; want %d", h, ok, self)
	}
	if g, ok := other.guest(self); !ok || g != 1 {
		t.Fatalf("guest(%d) = %d, %v; want 1", self, g, ok)
	}
	// A process that ended is not a member, even before it unbinds.
	cmd := exec.Command("true")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	hp := cmd.Process.Pid
	if err := ns.bind(7, hp); err != nil {
		t.Fatal(err)
	}
	if m := ns.members(); m[1] != self || m[7] != hp {
		t.Fatalf("members %v, want 1→%d and 7→%d", m, self, hp)
	}
	cmd.Wait()
	if _, ok := ns.host(7); ok {
		t.Fatal("host(7) found a process that was reaped")
	}
	if _, ok := ns.guest(hp); ok {
		t.Fatal("guest() found a process that was reaped")
	}
	ns.unbind(1, self)
	if _, ok := ns.host(1); ok {
		t.Fatal("host(1) after unbind")
	}
	if _, ok := ns.host(0); ok {
		t.Fatal("host(0) is never a process")
	}
}
