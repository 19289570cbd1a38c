package sysemu

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

// The registry lists live processes only: an entry whose start time is not
// the host process's (a stale entry for a reused pid) names nothing.
func TestRegistry(t *testing.T) {
	r, err := CreateRegistry()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Destroy()
	self := os.Getpid()
	if r.Contains(self) {
		t.Fatal("empty registry contains this process")
	}
	if err := r.Add(self, RegistryInfo{Parent: os.Getppid()}); err != nil {
		t.Fatal(err)
	}
	info, ok := r.Lookup(self)
	if !ok || info.Parent != os.Getppid() || info.Start == 0 {
		t.Fatalf("lookup: %+v %v", info, ok)
	}

	// A child that has exited and been reaped: its entry is stale.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	gone := cmd.Process.Pid
	if err := r.Add(gone, RegistryInfo{Parent: self}); err == nil {
		t.Fatalf("added a process that is gone (%d)", gone)
	}
	os.WriteFile(filepath.Join(r.Path(), strconv.Itoa(gone)), []byte("1 12345\n"), 0o600)
	if r.Contains(gone) {
		t.Fatal("a stale entry names a process")
	}
	// An entry for a live process with another start time (pid reuse).
	os.WriteFile(filepath.Join(r.Path(), strconv.Itoa(os.Getppid())), []byte("1 1\n"), 0o600)
	if r.Contains(os.Getppid()) {
		t.Fatal("an entry with the wrong start time names a process")
	}
	if got := r.List(); !reflect.DeepEqual(got, []int{self}) {
		t.Fatalf("List = %v, want [%d]", got, self)
	}

	r2, err := OpenRegistry(r.Path())
	if err != nil || !r2.Contains(self) {
		t.Fatalf("reopened registry: %v", err)
	}
	r2.Remove(self)
	if r.Contains(self) || len(r.List()) != 0 {
		t.Fatal("Remove left the entry")
	}
	if _, err := OpenRegistry(filepath.Join(r.Path(), "missing")); err == nil {
		t.Fatal("opened a missing registry")
	}
}

// Wait statuses and SIGCHLD codes agree with Linux's encoding.
func TestChildEventStatus(t *testing.T) {
	for _, c := range []struct {
		ev   childEvent
		want uint32
	}{
		{childEvent{code: 1, status: 42}, 0x2a00},    // CLD_EXITED
		{childEvent{code: 2, status: 15}, 0x0f},      // CLD_KILLED
		{childEvent{code: 3, status: 6}, 0x86},       // CLD_DUMPED
		{childEvent{code: 5, status: 19}, 0x137f},    // CLD_STOPPED
		{childEvent{code: 6, status: 18}, 0xffff},    // CLD_CONTINUED
		{childEvent{code: 1, status: 0x1ff}, 0xff00}, // exit codes are 8 bits
	} {
		if got := c.ev.waitStatus(); got != c.want {
			t.Errorf("%+v: status %#x, want %#x", c.ev, got, c.want)
		}
	}
	for _, c := range []struct {
		st   uint32
		code int32
		val  int32
	}{{0x2a00, 1, 42}, {0x0f, 2, 15}, {0, 1, 0}} {
		ev := zombieEvent(7, c.st)
		if ev.code != c.code || ev.status != c.val || ev.pid != 7 {
			t.Errorf("zombieEvent(%#x) = %+v", c.st, ev)
		}
	}
}
