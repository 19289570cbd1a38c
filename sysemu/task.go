package sysemu

import (
	"fmt"
	"sync/atomic"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
)

// Task is one guest thread: a vCPU and the per-thread kernel state.
type Task struct {
	p   *Process
	tid int
	cpu vcpu.VCPU // set on the task's goroutine before it runs

	start   vcpu.Regs    // registers to start with
	startFP *vcpu.FPRegs // FP state to start with (threads inherit it)

	clearTID   uint64 // CLONE_CHILD_CLEARTID / set_tid_address
	robustList uint64 // set_robust_list head
	// sigmask and pending are guarded by p.sig.mu (other threads post
	// signals and pick targets by mask).
	sigmask uint64
	pending pendingSet
	// savedMask is the mask a temporary one (rt_sigsuspend, ppoll, …)
	// replaced, restored when the handler it woke for returns (or at once
	// if none runs). realBlocked is the mask rt_sigtimedwait replaced
	// while it waits: those signals still count as blocked.
	savedMask   *uint64
	realBlocked uint64
	wake        chan struct{} // a signal was posted: blocked waits return EINTR
	wake2       [2]int        // hostSleep's pipe (hostwait.go), the thread's own
	altstack    [3]uint64     // ss_sp, ss_flags, ss_size

	// restart is the restart code the current syscall returned, with the
	// X0 it was called with (resolveRestart); restartFn continues an
	// errRestartBlock call through restart_syscall. Used by the task's
	// own goroutine only.
	restart   abi.Errno
	restartX0 uint64
	restartFn func(t *Task) uint64

	regs         vcpu.Regs // scratch for syscall handling
	gone         bool      // the thread has exited
	regsReplaced bool      // the handler replaced t.regs wholesale (rt_sigreturn)
	name         [16]byte  // PR_SET_NAME
	keepCaps     bool      // PR_SET_KEEPCAPS
	// killed ends this thread alone (another thread's execve); ended is
	// closed when its goroutine has stopped.
	killed atomic.Bool
	ended  chan struct{}
	// inGuest is set while the thread runs guest code (fork waits for
	// such threads to stop before it copies memory).
	inGuest atomic.Bool
}

// run creates the task's vCPU on this goroutine and runs the thread until it
// or its process exits. ready, when not nil, is closed once the vCPU exists.
func (t *Task) run(ready chan<- error) {
	defer t.p.running.Done()
	defer close(t.ended)
	// However the thread ends (exit, exit_group, a fatal signal, another
	// thread's execve), the robust mutexes it holds are marked owner-dead,
	// as Linux's exit_robust_list does (a no-op after exit(2) walked it).
	defer t.exitRobustList()
	defer t.closeWakePipe()
	cpu, err := t.p.machine.NewVCPU()
	if ready != nil {
		ready <- err
	}
	if err != nil {
		fmt.Fprintf(t.p.log, "carrick: thread %d: %v\n", t.tid, err)
		t.p.exit(ExitStatus{Signal: abi.SIGKILL})
		return
	}
	defer cpu.Close()
	t.p.tmu.Lock()
	t.cpu = cpu
	t.p.tmu.Unlock()
	cpu.SetRegs(&t.start)
	if t.startFP != nil {
		cpu.SetFPRegs(t.startFP)
	}
	for !t.p.exiting() && !t.killed.Load() {
		if !t.enterGuest() {
			continue // parked while another thread forked
		}
		ex := cpu.Run()
		t.inGuest.Store(false)
		switch ex.Kind {
		case vcpu.ExitSyscall:
			if t.syscall() {
				return
			}
		case vcpu.ExitInterrupted:
			if !t.afterInterrupt(ex) {
				return
			}
		case vcpu.ExitFault, vcpu.ExitUndefined, vcpu.ExitBreakpoint:
			fs := t.faultSignal(ex)
			if !t.deliverSync(fs) {
				t.fatal(fs.sig, ex)
			}
		}
	}
}

// faultSignal maps a vCPU exception to the signal Linux raises for it.
func (t *Task) faultSignal(ex vcpu.Exit) faultSignal {
	t.cpu.Regs(&t.regs)
	pc := t.regs.PC
	switch ex.Kind {
	case vcpu.ExitUndefined:
		return faultSignal{sig: abi.SIGILL, code: abi.ILL_ILLOPC, addr: pc}
	case vcpu.ExitBreakpoint:
		return faultSignal{sig: abi.SIGTRAP, code: abi.TRAP_BRKPT, addr: pc}
	}
	switch ex.Cause {
	case vcpu.FaultAlignment:
		return faultSignal{sig: abi.SIGBUS, code: abi.BUS_ADRALN, addr: ex.Addr, esr: ex.ESR}
	case vcpu.FaultPCAlignment:
		return faultSignal{sig: abi.SIGBUS, code: abi.BUS_ADRALN, addr: ex.Addr, esr: ex.ESR}
	}
	// SEGV_MAPERR when no VMA covers the address, SEGV_ACCERR otherwise,
	// judged by the kernel's own table as Linux does.
	code := int32(abi.SEGV_ACCERR)
	if !t.p.mm.Mapped(ex.Addr) {
		code = abi.SEGV_MAPERR
	}
	return faultSignal{sig: abi.SIGSEGV, code: code, addr: ex.Addr, esr: ex.ESR}
}

// fatal kills the process with a synchronous signal the guest cannot handle.
// (Handlers for synchronous signals arrive with the signal model.)
func (t *Task) fatal(sig int, ex vcpu.Exit) {
	t.cpu.Regs(&t.regs)
	t.p.logf("carrick: pid %d tid %d killed by %s: %v at pc %#x\n",
		t.p.pid, t.tid, signalName(sig), ex, t.regs.PC)
	t.p.exit(ExitStatus{Signal: sig})
}

// syscall services the syscall the vCPU stopped at. It returns true when the
// thread is gone.
func (t *Task) syscall() (gone bool) {
	t.cpu.Regs(&t.regs)
	r := &t.regs
	nr := r.X[8]
	args := [6]uint64{r.X[0], r.X[1], r.X[2], r.X[3], r.X[4], r.X[5]}
	var ret uint64
	if h := syscallTable(nr); h != nil {
		ret = h(t, args)
	} else {
		name := abi.SyscallNames[nr]
		if name == "" {
			name = fmt.Sprintf("%d", nr)
		}
		t.p.compat.Record("syscall:" + name)
		ret = errno(abi.ENOSYS)
	}
	if t.gone {
		return true
	}
	if t.regsReplaced { // rt_sigreturn restored the whole context
		t.regsReplaced = false
		t.cpu.SetRegs(r)
		return !t.deliverPending()
	}
	r.X[0] = ret
	t.cpu.SetRegs(r)
	if e := abi.Errno(-int64(ret)); -int64(ret) > 0 && isRestartCode(e) {
		t.restart, t.restartX0 = e, args[0]
	}
	return !t.deliverPending()
}

func signalName(sig int) string {
	switch sig {
	case abi.SIGSEGV:
		return "SIGSEGV"
	case abi.SIGBUS:
		return "SIGBUS"
	case abi.SIGILL:
		return "SIGILL"
	case abi.SIGTRAP:
		return "SIGTRAP"
	case abi.SIGKILL:
		return "SIGKILL"
	case abi.SIGABRT:
		return "SIGABRT"
	}
	return fmt.Sprintf("signal %d", sig)
}
