package sysemu

import (
	"fmt"

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

	clearTID uint64 // CLONE_CHILD_CLEARTID / set_tid_address
	sigmask  uint64
	altstack [3]uint64 // ss_sp, ss_flags, ss_size

	regs vcpu.Regs // scratch for syscall handling
	gone bool      // the thread has exited
	name [16]byte  // PR_SET_NAME
}

// run creates the task's vCPU on this goroutine and runs the thread until it
// or its process exits. ready, when not nil, is closed once the vCPU exists.
func (t *Task) run(ready chan<- error) {
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
	for !t.p.exiting() {
		ex := cpu.Run()
		switch ex.Kind {
		case vcpu.ExitSyscall:
			if t.syscall() {
				return
			}
		case vcpu.ExitInterrupted:
		case vcpu.ExitFault:
			sig := abi.SIGSEGV
			if ex.Cause == vcpu.FaultAlignment || ex.Cause == vcpu.FaultPCAlignment {
				sig = abi.SIGBUS
			}
			t.fatal(sig, ex)
		case vcpu.ExitUndefined:
			t.fatal(abi.SIGILL, ex)
		case vcpu.ExitBreakpoint:
			t.fatal(abi.SIGTRAP, ex)
		}
	}
}

// fatal kills the process with a synchronous signal the guest cannot handle.
// (Handlers for synchronous signals arrive with the signal model.)
func (t *Task) fatal(sig int, ex vcpu.Exit) {
	t.cpu.Regs(&t.regs)
	fmt.Fprintf(t.p.log, "carrick: pid %d tid %d killed by %s: %v at pc %#x\n",
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
	r.X[0] = ret
	t.cpu.SetRegs(r)
	return false
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
