package sysemu

import (
	"github.com/carrick-go/carrick/sysemu/abi"
)

// Sending signals: kill, tgkill, tkill.

// sysKill implements kill(2) for this process (pid 0, -1, its own pid or
// process group). Other processes arrive with the process model.
func sysKill(t *Task, a [6]uint64) uint64 {
	pid, sig := int32(a[0]), a[1]
	if !sigValid(sig) {
		return errno(abi.EINVAL)
	}
	self := int32(t.p.pid)
	if pid != 0 && pid != -1 && pid != self && pid != -self {
		t.p.compat.Record("syscall:kill (other process)")
		return errno(abi.ESRCH)
	}
	if sig != 0 {
		t.p.post(nil, int(sig), sigInfo{code: abi.SI_USER, pid: uint32(t.p.pid)})
	}
	return 0
}

// sysTgkill implements tgkill(2).
func sysTgkill(t *Task, a [6]uint64) uint64 {
	if int32(a[0]) != int32(t.p.pid) {
		return errno(abi.ESRCH)
	}
	return t.tkill(int32(a[1]), a[2])
}

// sysTkill implements tkill(2).
func sysTkill(t *Task, a [6]uint64) uint64 { return t.tkill(int32(a[0]), a[1]) }

func (t *Task) tkill(tid int32, sig uint64) uint64 {
	if !sigValid(sig) || tid <= 0 {
		return errno(abi.EINVAL)
	}
	t.p.tmu.Lock()
	target := t.p.tasks[int(tid)]
	t.p.tmu.Unlock()
	if target == nil {
		return errno(abi.ESRCH)
	}
	if sig != 0 {
		t.p.post(target, int(sig), sigInfo{code: abi.SI_TKILL, pid: uint32(t.p.pid)})
	}
	return 0
}
