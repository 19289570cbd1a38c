package sysemu

import (
	"sync"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// signalState is a process's signal dispositions, its process-directed
// pending signals and its real-time interval timer (Linux keeps the timer
// in the signal struct too).
type signalState struct {
	mu sync.Mutex
	// actions are the raw arm64 struct sigaction of each signal; guarded by mu.
	actions [abi.NSIG + 1][4]uint64
	// pending are the process-directed pending signals; guarded by mu.
	// (Each Task's pending set and sigmask are guarded by mu too.)
	pending pendingSet
	// queued counts the siginfos queued in every pending set of the
	// process, against RLIMIT_SIGPENDING; guarded by mu.
	queued int
	// realTimer is ITIMER_REAL; guarded by mu.
	realTimer itimer
	// posted changes whenever a signal becomes pending (signalfd's
	// readiness).
	posted notifier
}

// sysRtSigaction implements rt_sigaction(2) bookkeeping.
func sysRtSigaction(t *Task, a [6]uint64) uint64 {
	sig, act, old, size := a[0], a[1], a[2], a[3]
	if size != 8 {
		return errno(abi.EINVAL)
	}
	if sig < 1 || sig > abi.NSIG {
		return errno(abi.EINVAL)
	}
	var newAct [4]uint64
	if act != 0 {
		if sig == abi.SIGKILL || sig == abi.SIGSTOP {
			return errno(abi.EINVAL)
		}
		for i := range newAct {
			v, err := t.readU64(act + uint64(i)*8)
			if err != nil {
				return errno(abi.EFAULT)
			}
			newAct[i] = v
		}
	}
	s := &t.p.sig
	s.mu.Lock()
	prev := s.actions[sig]
	if act != 0 {
		s.actions[sig] = newAct
		// An action that ignores the signal discards its pending
		// instances, blocked or not (POSIX, and Linux's do_sigaction).
		if sigHandlerIgnores(newAct[0], int(sig)) {
			t.p.flushPendingLocked(sigBit(int(sig)))
		}
	}
	s.mu.Unlock()
	if old != 0 {
		for i, v := range prev {
			if t.writeU64(old+uint64(i)*8, v) != nil {
				return errno(abi.EFAULT)
			}
		}
	}
	return 0
}

const (
	sigBlock   = 0
	sigUnblock = 1
	sigSetmask = 2
	// SIGKILL and SIGSTOP can never be blocked.
	unblockable = 1<<(abi.SIGKILL-1) | 1<<(abi.SIGSTOP-1)
)

// sysRtSigprocmask implements rt_sigprocmask(2) bookkeeping.
func sysRtSigprocmask(t *Task, a [6]uint64) uint64 {
	how, set, old, size := a[0], a[1], a[2], a[3]
	if size != 8 {
		return errno(abi.EINVAL)
	}
	var v uint64
	if set != 0 {
		var err error
		if v, err = t.readU64(set); err != nil {
			return errno(abi.EFAULT)
		}
		if how > sigSetmask {
			return errno(abi.EINVAL)
		}
	}
	s := &t.p.sig
	s.mu.Lock()
	prev := t.sigmask
	if set != 0 {
		switch how {
		case sigBlock:
			t.sigmask |= v
		case sigUnblock:
			t.sigmask &^= v
		case sigSetmask:
			t.sigmask = v
		}
		t.sigmask &^= unblockable
	}
	s.mu.Unlock()
	if old != 0 && t.writeU64(old, prev) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// sysSigaltstack implements sigaltstack(2) bookkeeping.
func sysSigaltstack(t *Task, a [6]uint64) uint64 {
	ss, old := a[0], a[1]
	prev := t.altstack
	onStack := t.onAltStack(t.regs.SP)
	if ss != 0 {
		var v [3]uint64
		for i := range v {
			x, err := t.readU64(ss + uint64(i)*8)
			if err != nil {
				return errno(abi.EFAULT)
			}
			v[i] = x
		}
		if onStack {
			return errno(abi.EPERM) // not while running on it
		}
		const ssAutodisarm = 1 << 31
		flags := v[1] & 0xffffffff
		switch flags &^ ssAutodisarm {
		case 0, abi.SS_ONSTACK: // SS_ONSTACK is accepted as 0, as Linux does
			if v[2] < 5120 { // MINSIGSTKSZ
				return errno(abi.ENOMEM)
			}
			flags &= ssAutodisarm
		case abi.SS_DISABLE:
			v[0], v[2], flags = 0, 0, abi.SS_DISABLE
		default:
			return errno(abi.EINVAL)
		}
		t.altstack = [3]uint64{v[0], flags, v[2]}
	}
	if old != 0 {
		// ss_flags says whether the thread is running on the stack now.
		prevFlags := prev[1] &^ abi.SS_DISABLE
		switch {
		case prev[2] == 0:
			prevFlags = abi.SS_DISABLE
		case onStack:
			prevFlags |= abi.SS_ONSTACK
		}
		for i, x := range []uint64{prev[0], prevFlags, prev[2]} {
			if t.writeU64(old+uint64(i)*8, x) != nil {
				return errno(abi.EFAULT)
			}
		}
	}
	return 0
}
