package procfs

import (
	"strings"
	"testing"
	"time"
)

func TestHostLinux(t *testing.T) {
	h := HostMachine()
	mi := h.MemInfo()
	if mi["MemTotal"] == 0 || mi["MemFree"] > mi["MemTotal"] {
		t.Errorf("host meminfo %v", mi)
	}
	if b := h.BootTime(); b.After(time.Now()) || b.Before(time.Now().Add(-10*365*24*time.Hour)) || !h.BootTime().Equal(b) {
		t.Errorf("host boot time %v", b)
	}
	if len(h.CPUTimes()) == 0 {
		t.Errorf("no host CPU times")
	}
	if ctxt, _, procs := h.Counters(); ctxt == 0 || procs == 0 {
		t.Errorf("host counters ctxt %d processes %d", ctxt, procs)
	}
	// The real host renders: uptime is positive, meminfo has the arm64
	// VmallocTotal whatever the host.
	pr := NewProc(System{}, &fakeTable{procs: []Process{testProc()}})
	if up := read(t, opener{&pr.tree}, "/uptime"); strings.HasPrefix(up, "0.00 ") {
		t.Errorf("uptime %q", up)
	}
	if mi := read(t, opener{&pr.tree}, "/meminfo"); !strings.Contains(mi, "VmallocTotal:   135288315904 kB\n") {
		t.Errorf("meminfo:\n%s", mi)
	}
}
