package sysemu

import (
	"encoding/binary"
	"math/bits"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Pending signals as Linux keeps them: a set per thread and one per
// process, each a mask plus a queue of siginfos per signal. A standard
// signal (below SIGRTMIN) already pending merges with the new one; every
// instance of a real-time signal is queued, up to RLIMIT_SIGPENDING.

// sigInfo is the siginfo of a pending signal. Which fields the guest sees
// follows the signal and si_code (Linux's siginfo_layout); raw, when set,
// is the union exactly as rt_sigqueueinfo's caller gave it.
type sigInfo struct {
	errno  int32
	code   int32
	pid    uint32 // _kill, _rt, _sigchld: si_pid
	uid    uint32 // si_uid
	addr   uint64 // _sigfault: si_addr
	value  uint64 // _rt, _timer: si_value
	status int32  // _sigchld: si_status
	utime  uint64 // _sigchld: si_utime, si_stime (clock ticks)
	stime  uint64
	raw    *[abi.SizeofKernelSiginfo - abi.OffsetofSifields]byte
}

// encode writes the siginfo of sig as the guest reads it into b (at least
// SizeofKernelSiginfo bytes, zeroed by the caller).
func (si *sigInfo) encode(sig int, b []byte) {
	le := binary.LittleEndian
	le.PutUint32(b[0:], uint32(sig))
	le.PutUint32(b[4:], uint32(si.errno))
	le.PutUint32(b[8:], uint32(si.code))
	u := b[abi.OffsetofSifields:]
	if si.raw != nil {
		copy(u, si.raw[:])
		return
	}
	switch siginfoLayout(sig, si.code) {
	case layoutFault:
		le.PutUint64(u[0:], si.addr)
	case layoutChld:
		le.PutUint32(u[0:], si.pid)
		le.PutUint32(u[4:], si.uid)
		le.PutUint32(u[8:], uint32(si.status))
		le.PutUint64(u[16:], si.utime)
		le.PutUint64(u[24:], si.stime)
	case layoutRT, layoutTimer:
		le.PutUint32(u[0:], si.pid) // si_tid for timers
		le.PutUint32(u[4:], si.uid) // si_overrun for timers
		le.PutUint64(u[8:], si.value)
	default: // kill
		le.PutUint32(u[0:], si.pid)
		le.PutUint32(u[4:], si.uid)
	}
}

type siginfoLayoutKind int

const (
	layoutKill siginfoLayoutKind = iota
	layoutFault
	layoutChld
	layoutRT
	layoutTimer
)

// siginfoLayout picks the union member by signal and code, as Linux does:
// positive codes below SI_KERNEL are the signal's own (faults, SIGCHLD),
// SI_TIMER is a timer, other negative codes carry a value.
func siginfoLayout(sig int, code int32) siginfoLayoutKind {
	if code > 0 && code < abi.SI_KERNEL {
		switch sig {
		case abi.SIGILL, abi.SIGFPE, abi.SIGSEGV, abi.SIGBUS, abi.SIGTRAP:
			return layoutFault
		case abi.SIGCHLD:
			return layoutChld
		}
		return layoutKill
	}
	switch {
	case code == abi.SI_TIMER:
		return layoutTimer
	case code < 0 && code != abi.SI_SIGIO:
		return layoutRT
	}
	return layoutKill
}

// pendingSet is one pending set. Each queued siginfo counts against
// RLIMIT_SIGPENDING; a signal pending without a queued siginfo (the queue
// was full) is delivered with an empty SI_USER one, as on Linux.
type pendingSet struct {
	mask uint64
	q    [abi.NSIG + 1][]sigInfo
}

// add makes sig pending with si. It reports false when a real-time signal
// does not fit in the queue and must be refused (EAGAIN). Preconditions:
// the signal state's mu is held; queued counts the process's entries.
func (ps *pendingSet) add(sig int, si sigInfo, queued *int, limit uint64) bool {
	bit := sigBit(sig)
	if sig < abi.SIGRTMIN && ps.mask&bit != 0 {
		return true // a standard signal merges with the pending one
	}
	// Standard signals sent by a user or the kernel may exceed the limit
	// (Linux's override_rlimit); real-time ones never do.
	if uint64(*queued) < limit || (sig < abi.SIGRTMIN && si.code >= 0) {
		ps.q[sig] = append(ps.q[sig], si)
		*queued++
	} else if sig >= abi.SIGRTMIN && si.code != abi.SI_USER {
		return false
	}
	ps.mask |= bit
	return true
}

// take removes the first instance of sig and returns its siginfo.
// Preconditions: as add.
func (ps *pendingSet) take(sig int, queued *int) sigInfo {
	q := ps.q[sig]
	if len(q) == 0 {
		ps.mask &^= sigBit(sig)
		return sigInfo{code: abi.SI_USER}
	}
	si := q[0]
	q[0] = sigInfo{}
	ps.q[sig] = q[1:]
	*queued--
	if len(ps.q[sig]) == 0 {
		ps.q[sig] = nil
		ps.mask &^= sigBit(sig)
	}
	return si
}

// flush discards every pending instance of the signals in set.
func (ps *pendingSet) flush(set uint64, queued *int) {
	for m := ps.mask & set; m != 0; m &= m - 1 {
		sig := bits.TrailingZeros64(m) + 1
		*queued -= len(ps.q[sig])
		ps.q[sig] = nil
	}
	ps.mask &^= set
}

func sigBit(sig int) uint64 { return 1 << (sig - 1) }

// syncSignals are taken before any other pending signal, as Linux's
// next_signal does: they come from the instruction stream.
const syncSignals = 1<<(abi.SIGSEGV-1) | 1<<(abi.SIGBUS-1) | 1<<(abi.SIGILL-1) |
	1<<(abi.SIGTRAP-1) | 1<<(abi.SIGFPE-1) | 1<<(abi.SIGSYS-1)

// nextSignal picks from a ready mask: synchronous signals first, then the
// lowest number. It returns 0 for an empty mask.
func nextSignal(ready uint64) int {
	if ready == 0 {
		return 0
	}
	if ready&syncSignals != 0 {
		ready &= syncSignals
	}
	return bits.TrailingZeros64(ready) + 1
}

// dequeueLocked takes the next pending signal in allowed: the thread's own
// set first, then the process's (Linux's dequeue_signal). It returns 0
// when there is none. Preconditions: t.p.sig.mu is held.
func (t *Task) dequeueLocked(allowed uint64) (int, sigInfo) {
	s := &t.p.sig
	for _, ps := range [2]*pendingSet{&t.pending, &s.pending} {
		if sig := nextSignal(ps.mask & allowed); sig != 0 {
			return sig, ps.take(sig, &s.queued)
		}
	}
	return 0, sigInfo{}
}

// sigpendingLimit is RLIMIT_SIGPENDING's soft limit.
func (p *Process) sigpendingLimit() uint64 {
	p.rlim.mu.Lock()
	defer p.rlim.mu.Unlock()
	return p.rlim.lim[abi.RLIMIT_SIGPENDING].Cur
}
