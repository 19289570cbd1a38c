package sysemu

import (
	"math/bits"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
)

// Asynchronous signals within one process: kill/tgkill/tkill to itself,
// pending sets per thread and per process, delivery when a thread returns to
// the guest (after a syscall, or when its vCPU is interrupted for it), and
// the default actions. Signals between processes and from the host arrive
// with the process model.

// sigInfo is the siginfo of a pending signal.
type sigInfo struct {
	code int32
	pid  uint32
	uid  uint32
	addr uint64
}

// pendingSet holds pending standard signals; a second instance of one
// already pending merges with it, as Linux does for signals below SIGRTMIN.
type pendingSet struct {
	mask uint64
	info [abi.NSIG + 1]sigInfo
}

func (ps *pendingSet) add(sig int, si sigInfo) {
	bit := uint64(1) << (sig - 1)
	if ps.mask&bit == 0 {
		ps.mask |= bit
		ps.info[sig] = si
	}
}

func (ps *pendingSet) take(sig int) sigInfo {
	ps.mask &^= 1 << (sig - 1)
	return ps.info[sig]
}

// defaultIgnored are the signals whose default action is to do nothing.
const defaultIgnored = 1<<(abi.SIGCHLD-1) | 1<<(abi.SIGURG-1) | 1<<(28-1) /* SIGWINCH */ | 1<<(18-1) /* SIGCONT */

// stopSignals stop the process by default; job control is not modelled, so
// they are recorded and otherwise ignored.
const stopSignals = 1<<(19-1) | 1<<(20-1) | 1<<(21-1) | 1<<(22-1)

// post makes sig pending for target (a thread), or for the process when
// target is nil, and wakes a thread that can take it.
func (p *Process) post(target *Task, sig int, si sigInfo) {
	s := &p.sig
	s.mu.Lock()
	// An ignored signal that is not blocked is discarded when sent, as
	// Linux's sig_ignored: it never interrupts a wait (SIGCHLD by default).
	bit := uint64(1) << (sig - 1)
	h := s.actions[sig][0]
	ignored := h == abi.SIG_IGN || (h == abi.SIG_DFL && (defaultIgnored|stopSignals)&bit != 0 && sig != 18)
	if ignored {
		blockedBy := target
		if blockedBy == nil {
			p.tmu.Lock()
			blockedBy = p.tasks[p.pid]
			p.tmu.Unlock()
		}
		if blockedBy == nil || blockedBy.sigmask&bit == 0 {
			s.mu.Unlock()
			return
		}
	}
	if target != nil {
		target.pending.add(sig, si)
	} else {
		s.pending.add(sig, si)
		// Wake a thread that does not block it (the main thread first).
		p.tmu.Lock()
		target = p.tasks[p.pid]
		for _, t := range p.tasks {
			if t.sigmask&(1<<(sig-1)) == 0 && (target == nil || target.sigmask&(1<<(sig-1)) != 0) {
				target = t
			}
		}
		p.tmu.Unlock()
	}
	s.mu.Unlock()
	if target != nil {
		target.notify()
	}
}

// notify makes the thread look at its pending signals: a running vCPU is
// interrupted, a blocked wait returns EINTR.
func (t *Task) notify() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
	t.p.tmu.Lock()
	c := t.cpu
	t.p.tmu.Unlock()
	if c != nil {
		c.Interrupt()
	}
}

// signalPending reports whether an unblocked signal waits for t.
func (t *Task) signalPending() bool {
	if t.killed.Load() {
		return true // ends blocked waits like SIGKILL would
	}
	s := &t.p.sig
	s.mu.Lock()
	defer s.mu.Unlock()
	return (t.pending.mask|s.pending.mask)&^t.sigmask != 0
}

// deliverPending delivers at most one pending unblocked signal: it runs the
// default action or sets up the handler's frame. It returns false when the
// process is now dying.
func (t *Task) deliverPending() bool {
	for {
		s := &t.p.sig
		s.mu.Lock()
		ready := (t.pending.mask | s.pending.mask) &^ t.sigmask
		if ready == 0 {
			if t.suspendMask != nil { // no handler ran: the old mask comes back now
				t.sigmask = *t.suspendMask
				t.suspendMask = nil
			}
			s.mu.Unlock()
			return true
		}
		sig := bits.TrailingZeros64(ready) + 1
		var si sigInfo
		if t.pending.mask&(1<<(sig-1)) != 0 {
			si = t.pending.take(sig)
		} else {
			si = s.pending.take(sig)
		}
		handler := s.actions[sig][0]
		s.mu.Unlock()

		switch {
		case handler == abi.SIG_IGN:
			continue
		case handler == abi.SIG_DFL:
			bit := uint64(1) << (sig - 1)
			if defaultIgnored&bit != 0 {
				continue
			}
			if stopSignals&bit != 0 {
				t.p.compat.Record("signal:stop (job control)")
				continue
			}
			t.p.exit(ExitStatus{Signal: sig})
			return false
		}
		fs := faultSignal{sig: sig, code: si.code, addr: si.addr, pid: si.pid, uid: si.uid}
		if !t.deliverSync(fs) {
			t.p.exit(ExitStatus{Signal: abi.SIGSEGV})
			return false
		}
		return true
	}
}

// sigSend validates a signal number for kill-like calls.
func sigValid(sig uint64) bool { return sig <= abi.NSIG }

// sysRtSigpending implements rt_sigpending(2).
func sysRtSigpending(t *Task, a [6]uint64) uint64 {
	if a[1] != 8 {
		return errno(abi.EINVAL)
	}
	s := &t.p.sig
	s.mu.Lock()
	set := (t.pending.mask | s.pending.mask) & t.sigmask
	s.mu.Unlock()
	if t.writeU64(a[0], set) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// afterExit runs when the vCPU stopped for an interrupt: deliver what is
// pending. It returns false when the process is dying.
func (t *Task) afterInterrupt(ex vcpu.Exit) bool { return t.deliverPending() }

// sysRtSigsuspend implements rt_sigsuspend(2): wait with a temporary mask
// until a signal is delivered; the old mask returns when the handler does
// (it is what the signal frame saves).
func sysRtSigsuspend(t *Task, a [6]uint64) uint64 {
	if a[1] != 8 {
		return errno(abi.EINVAL)
	}
	m, err := t.readU64(a[0])
	if err != nil {
		return errno(abi.EFAULT)
	}
	s := &t.p.sig
	s.mu.Lock()
	old := t.sigmask
	t.suspendMask = &old
	t.sigmask = m &^ unblockable
	s.mu.Unlock()
	for {
		if e := t.sleepOn(nil, -1); e != 0 {
			return errno(abi.EINTR)
		}
	}
}
