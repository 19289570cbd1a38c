package sysemu

import (
	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
)

// Asynchronous signals within one process: posting to the pending sets
// (signal_queue.go), waking a thread that can take them, delivery when a
// thread returns to the guest (after a syscall, or when its vCPU is
// interrupted for it), the default actions, and restarting the syscall a
// signal interrupted.

// defaultIgnored are the signals whose default action is to do nothing.
const defaultIgnored = 1<<(abi.SIGCHLD-1) | 1<<(abi.SIGURG-1) | 1<<(abi.SIGWINCH-1) | 1<<(abi.SIGCONT-1)

// stopSignals stop the process by default.
const stopSignals = 1<<(abi.SIGSTOP-1) | 1<<(abi.SIGTSTP-1) | 1<<(abi.SIGTTIN-1) | 1<<(abi.SIGTTOU-1)

// Restart codes, Linux's ERESTARTSYS family: a blocking handler interrupted
// by a signal returns one, and delivery (resolveRestart) turns it into a
// restart of the syscall or EINTR. They never reach the guest.
const (
	// errRestartSys restarts unless a handler without SA_RESTART runs;
	// sleepOn returns it, so it is what a blocking call gets by default.
	errRestartSys abi.Errno = 512
	// errRestartNoIntr always restarts.
	errRestartNoIntr abi.Errno = 513
	// errRestartNoHand restarts only when no handler runs (sigsuspend,
	// ppoll, pselect6, absolute sleeps).
	errRestartNoHand abi.Errno = 514
	// errRestartBlock is errRestartNoHand through restart_syscall, which
	// calls Task.restartFn (relative sleeps, futex waits with a timeout).
	errRestartBlock abi.Errno = 516
)

func isRestartCode(e abi.Errno) bool {
	return e == errRestartSys || e == errRestartNoIntr || e == errRestartNoHand || e == errRestartBlock
}

// post makes sig pending for target (a thread), or for the process when
// target is nil, and wakes a thread that can take it. It fails with EAGAIN
// when a real-time signal with a caller's siginfo finds the queue full.
func (p *Process) post(target *Task, sig int, si sigInfo) abi.Errno {
	limit := p.sigpendingLimit()
	s := &p.sig
	s.mu.Lock()
	bit := sigBit(sig)
	// A continue signal cancels pending stops and a stop cancels a pending
	// SIGCONT, as Linux's prepare_signal.
	switch {
	case sig == abi.SIGCONT:
		p.flushPendingLocked(stopSignals)
	case stopSignals&bit != 0:
		p.flushPendingLocked(sigBit(abi.SIGCONT))
	}
	if p.sigIgnoredLocked(target, sig) {
		s.mu.Unlock()
		return 0
	}
	ps := &s.pending
	if target != nil {
		ps = &target.pending
	}
	if !ps.add(sig, si, &s.queued, limit) {
		s.mu.Unlock()
		return abi.EAGAIN
	}
	if target == nil {
		// Wake a thread that does not block it (the main thread first).
		p.tmu.Lock()
		target = p.tasks[p.pid]
		for _, t := range p.tasks {
			if t.sigmask&bit == 0 && (target == nil || target.sigmask&bit != 0) {
				target = t
			}
		}
		p.tmu.Unlock()
	}
	s.mu.Unlock()
	s.posted.changed()
	if target != nil {
		target.notify()
	}
	return 0
}

// sigIgnoredLocked reports whether sig would be ignored on arrival and is
// not blocked, so that sending it does nothing (Linux's sig_ignored): an
// ignored signal never interrupts a wait. A blocked one stays pending, since
// the action may change before it is unblocked. A process-directed signal
// is judged by the main thread's mask, as Linux does. Preconditions:
// p.sig.mu is held.
func (p *Process) sigIgnoredLocked(target *Task, sig int) bool {
	if !sigHandlerIgnores(p.sig.actions[sig][0], sig) {
		return false
	}
	if target == nil {
		p.tmu.Lock()
		target = p.tasks[p.pid]
		p.tmu.Unlock()
	}
	return target == nil || (target.sigmask|target.realBlocked)&sigBit(sig) == 0
}

// sigHandlerIgnores reports whether the action handler ignores sig.
func sigHandlerIgnores(handler uint64, sig int) bool {
	return handler == abi.SIG_IGN || (handler == abi.SIG_DFL && defaultIgnored&sigBit(sig) != 0)
}

// flushPendingLocked discards the signals in set from the process's and
// every thread's pending sets. Preconditions: p.sig.mu is held.
func (p *Process) flushPendingLocked(set uint64) {
	s := &p.sig
	s.pending.flush(set, &s.queued)
	p.tmu.Lock()
	for _, t := range p.tasks {
		t.pending.flush(set, &s.queued)
	}
	p.tmu.Unlock()
}

// notify makes the thread look at its pending signals: a running vCPU is
// interrupted, a blocked wait returns.
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

// deliverPending delivers every pending unblocked signal, as Linux does on
// the way back to user mode: default actions run, and each handler gets a
// frame on top of the previous one (so the last set up runs first). The
// first handler decides whether an interrupted syscall restarts. It returns
// false when the process is now dying.
func (t *Task) deliverPending() bool {
	s := &t.p.sig
	for {
		s.mu.Lock()
		sig, si := t.dequeueLocked(^t.sigmask)
		if sig == 0 {
			if t.savedMask != nil { // no handler ran: the old mask comes back now
				t.sigmask = *t.savedMask
				t.savedMask = nil
			}
			s.mu.Unlock()
			t.resolveRestart(false, 0)
			return true
		}
		act := s.actions[sig]
		if h := act[0]; h != abi.SIG_DFL && h != abi.SIG_IGN && act[1]&abi.SA_RESETHAND != 0 {
			s.actions[sig][0] = abi.SIG_DFL
		}
		s.mu.Unlock()

		switch handler := act[0]; {
		case handler == abi.SIG_IGN:
			continue
		case handler == abi.SIG_DFL:
			bit := sigBit(sig)
			if defaultIgnored&bit != 0 {
				continue
			}
			if stopSignals&bit != 0 {
				t.p.stopHost(sig)
				continue
			}
			t.p.exit(ExitStatus{Signal: sig})
			return false
		}
		t.resolveRestart(true, act[1])
		if !t.setupFrame(sig, &si, 0, act) {
			t.p.exit(ExitStatus{Signal: abi.SIGSEGV})
			return false
		}
	}
}

// resolveRestart settles the restart code the last syscall returned, once,
// as Linux's arm64 do_signal: with a handler about to run, NoHand and Block
// become EINTR and Sys does too unless the handler has SA_RESTART; otherwise
// PC goes back to the svc with the original X0 (and restart_syscall in X8
// for Block), so the call runs again.
func (t *Task) resolveRestart(handler bool, flags uint64) {
	code := t.restart
	if code == 0 {
		return
	}
	t.restart = 0
	var r vcpu.Regs
	t.cpu.Regs(&r)
	if handler && (code == errRestartNoHand || code == errRestartBlock ||
		(code == errRestartSys && flags&abi.SA_RESTART == 0)) {
		r.X[0] = errno(abi.EINTR)
		t.restartFn = nil
	} else {
		r.X[0] = t.restartX0
		r.PC -= 4
		if code == errRestartBlock {
			r.X[8] = abi.SYS_RESTART_SYSCALL
		}
	}
	t.cpu.SetRegs(&r)
}

// sysRestartSyscall implements restart_syscall(2): it continues the call
// an ERESTART_RESTARTBLOCK interrupted (the guest never calls it itself;
// without a pending continuation it is EINTR, as Linux's).
func sysRestartSyscall(t *Task, a [6]uint64) uint64 {
	fn := t.restartFn
	t.restartFn = nil
	if fn == nil {
		return errno(abi.EINTR)
	}
	return fn(t)
}

// sigValid validates a signal number for kill-like calls.
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

// afterInterrupt runs when the vCPU stopped for an interrupt: deliver what
// is pending. It returns false when the process is dying.
func (t *Task) afterInterrupt(ex vcpu.Exit) bool { return t.deliverPending() }

// sysRtSigsuspend implements rt_sigsuspend(2): wait with a temporary mask
// until a signal is delivered; the old mask returns when the handler does
// (it is what the signal frame saves). A signal that runs no handler (an
// ignored one the mask let in) restarts the wait.
func sysRtSigsuspend(t *Task, a [6]uint64) uint64 {
	if a[1] != 8 {
		return errno(abi.EINVAL)
	}
	m, err := t.readU64(a[0])
	if err != nil {
		return errno(abi.EFAULT)
	}
	t.setTempMask(m)
	for {
		if e := t.sleepOn(nil, -1); e != 0 {
			return errno(errRestartNoHand)
		}
	}
}

// setTempMask installs a syscall's temporary signal mask (rt_sigsuspend,
// ppoll, pselect6, epoll_pwait) and saves the old one.
func (t *Task) setTempMask(m uint64) {
	s := &t.p.sig
	s.mu.Lock()
	old := t.sigmask
	t.savedMask = &old
	t.sigmask = m &^ unblockable
	s.mu.Unlock()
}

// endTempMask ends a temporary mask. When the call was interrupted the old
// mask stays saved, so the signal is delivered under the temporary mask
// and the handler's frame restores the old one (or delivery does, when no
// handler runs), as Linux's restore_saved_sigmask_unless.
func (t *Task) endTempMask(interrupted bool) {
	if interrupted {
		return
	}
	s := &t.p.sig
	s.mu.Lock()
	if t.savedMask != nil {
		t.sigmask = *t.savedMask
		t.savedMask = nil
	}
	s.mu.Unlock()
}
