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
	if pid != int32(t.p.pid) {
		t.p.compat.Record("syscall:rt_sigqueueinfo (other process)")
		return errno(abi.ESRCH)
	}
	return t.queueSignal(nil, sig, si)
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
		t.p.compat.Record("syscall:rt_tgsigqueueinfo (other process)")
		return errno(abi.ESRCH)
	}
	t.p.tmu.Lock()
	target := t.p.tasks[int(tid)]
	t.p.tmu.Unlock()
	if target == nil {
		return errno(abi.ESRCH)
	}
	return t.queueSignal(target, sig, si)
}

// queueSignal sends sig with a caller's siginfo. As Linux, only the thread
// whose tid equals the target pid may claim a kernel or kill code
// (si_code >= 0, or SI_TKILL); others get EPERM.
func (t *Task) queueSignal(target *Task, sig uint64, si sigInfo) uint64 {
	if !sigValid(sig) {
		return errno(abi.EINVAL)
	}
	if (si.code >= 0 || si.code == abi.SI_TKILL) && t.tid != t.p.pid {
		return errno(abi.EPERM)
	}
	if sig == 0 {
		return 0
	}
	if e := t.p.post(target, int(sig), si); e != 0 {
		return errno(e)
	}
	return 0
}
