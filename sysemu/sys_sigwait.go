package sysemu

import (
	"encoding/binary"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Taking signals synchronously (rt_sigtimedwait) and sending them with a
// caller's siginfo (rt_sigqueueinfo, rt_tgsigqueueinfo).

// sysRtSigtimedwait implements rt_sigtimedwait(2) (sigwaitinfo,
// sigtimedwait and sigwait in glibc): take a pending signal of the set with
// its siginfo. While it waits the set is unblocked, so a signal of the set
// wakes it; it returns EAGAIN on timeout and EINTR when another signal
// interrupts (never restarted, as on Linux).
func sysRtSigtimedwait(t *Task, a [6]uint64) uint64 {
	if a[3] != 8 {
		return errno(abi.EINVAL)
	}
	set, err := t.readU64(a[0])
	if err != nil {
		return errno(abi.EFAULT)
	}
	set &^= unblockable
	timeout := time.Duration(-1)
	if a[2] != 0 {
		d, e := t.readTimespec(a[2])
		if e != 0 {
			return errno(e)
		}
		timeout = d
	}
	s := &t.p.sig
	s.mu.Lock()
	sig, si := t.dequeueLocked(set)
	interrupted := false
	if sig == 0 && timeout != 0 {
		t.realBlocked = t.sigmask
		t.sigmask &^= set
		s.mu.Unlock()
		interrupted = t.sleepOn(nil, timeout) != 0
		s.mu.Lock()
		t.sigmask = t.realBlocked
		t.realBlocked = 0
		sig, si = t.dequeueLocked(set)
	}
	s.mu.Unlock()
	switch {
	case sig != 0:
	case interrupted:
		return errno(abi.EINTR)
	default:
		return errno(abi.EAGAIN)
	}
	if a[1] != 0 {
		b := make([]byte, abi.SizeofSiginfo)
		si.encode(sig, b)
		if t.copyOut(a[1], b) != nil {
			return errno(abi.EFAULT) // the signal is taken all the same, as on Linux
		}
	}
	return uint64(sig)
}

// readQueuedSiginfo reads the siginfo a rt_sigqueueinfo caller gives. Only
// si_errno, si_code and the union are kept (Linux's kernel_siginfo);
// si_signo becomes the signal sent.
func (t *Task) readQueuedSiginfo(addr uint64) (sigInfo, abi.Errno) {
	b := make([]byte, abi.SizeofKernelSiginfo)
	if t.copyIn(addr, b) != nil {
		return sigInfo{}, abi.EFAULT
	}
	si := sigInfo{
		errno: int32(binary.LittleEndian.Uint32(b[4:])),
		code:  int32(binary.LittleEndian.Uint32(b[8:])),
		raw:   new([abi.SizeofKernelSiginfo - abi.OffsetofSifields]byte),
	}
	copy(si.raw[:], b[abi.OffsetofSifields:])
	return si, 0
}

// sysRtSigqueueinfo implements rt_sigqueueinfo(2) (glibc's sigqueue) for
// the calling process.
func sysRtSigqueueinfo(t *Task, a [6]uint64) uint64 {
	pid, sig := int32(a[0]), a[1]
	si, e := t.readQueuedSiginfo(a[2])
	if e != 0 {
		return errno(e)
	}
	if pid <= 0 {
		return errno(abi.ESRCH)
	}
	if !t.p.ownThread(int(pid)) {
		return t.queueOther(int(pid), int(pid), sig, si)
	}
	return t.queueSignal(int(pid), nil, sig, si)
}

// sysRtTgsigqueueinfo implements rt_tgsigqueueinfo(2) for a thread of the
// calling process.
func sysRtTgsigqueueinfo(t *Task, a [6]uint64) uint64 {
	tgid, tid, sig := int32(a[0]), int32(a[1]), a[2]
	if tgid <= 0 || tid <= 0 {
		return errno(abi.EINVAL)
	}
	si, e := t.readQueuedSiginfo(a[3])
	if e != 0 {
		return errno(e)
	}
	if tgid != int32(t.p.pid) {
		return t.queueOther(int(tgid), int(tid), sig, si)
	}
	t.p.tmu.Lock()
	target := t.p.tasks[int(tid)]
	t.p.tmu.Unlock()
	if target == nil {
		return errno(abi.ESRCH)
	}
	return t.queueSignal(int(tgid), target, sig, si)
}

// claimsKernelCode reports whether a caller's siginfo claims to come from
// the kernel or from kill (si_code >= 0, or SI_TKILL). As Linux, only a
// thread sending to its own id may do that; others get EPERM.
func (t *Task) claimsKernelCode(pid int, si sigInfo) bool {
	return (si.code >= 0 || si.code == abi.SI_TKILL) && t.tid != pid
}

// queueSignal sends sig with a caller's siginfo within the process (target
// nil: the process; pid is the id the caller named).
func (t *Task) queueSignal(pid int, target *Task, sig uint64, si sigInfo) uint64 {
	if t.claimsKernelCode(pid, si) {
		return errno(abi.EPERM)
	}
	if !sigValid(sig) {
		return errno(abi.EINVAL)
	}
	if sig == 0 {
		return 0
	}
	if e := t.p.post(target, int(sig), si); e != 0 {
		return errno(e)
	}
	return 0
}

// queueOther sends sig to another guest process (tid == pid) or one of its
// threads, with the caller's siginfo (sys_kill.go: through the receiver's
// socket; a thread of another process gets it as its process).
func (t *Task) queueOther(pid, tid int, sig uint64, si sigInfo) uint64 {
	if t.claimsKernelCode(pid, si) {
		return errno(abi.EPERM)
	}
	if tid == pid {
		if t.p.vforkZombie(pid) {
			return errno(t.p.killOther(pid, sig))
		}
		h, ok := t.p.hostPidOf(pid)
		if !ok {
			return errno(abi.ESRCH)
		}
		return errno(t.p.killHostInfo(h, sig, si))
	}
	return errno(t.p.killOtherThread(pid, tid, sig))
}
