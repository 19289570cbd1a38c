package sysemu

import (
	"runtime"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
)

// sysExit implements exit(2): the calling thread ends; the last one ends the
// process with its code.
func sysExit(t *Task, a [6]uint64) uint64 {
	t.exitThread()
	p := t.p
	p.tmu.Lock()
	delete(p.tasks, t.tid)
	last := len(p.tasks) == 0
	p.tmu.Unlock()
	if last {
		p.exit(ExitStatus{Code: int(a[0] & 0xff)})
	}
	t.gone = true
	return 0
}

// exitThread does what the kernel does when a thread ends: clear and wake
// the clear_child_tid word (pthread_join waits on it).
func (t *Task) exitThread() {
	if t.clearTID != 0 {
		if t.writeU32(t.clearTID, 0) == nil {
			t.p.futex.wake(t, t.clearTID, 1, abi.FUTEX_BITSET_MATCH_ANY)
		}
	}
}

// sysExitGroup implements exit_group(2).
func sysExitGroup(t *Task, a [6]uint64) uint64 {
	t.p.exit(ExitStatus{Code: int(a[0] & 0xff)})
	t.gone = true
	return 0
}

// sysClone implements clone(2) for threads (CLONE_VM|CLONE_THREAD). New
// processes (fork, vfork) arrive with the process model.
func sysClone(t *Task, a [6]uint64) uint64 {
	flags, stack, ptid, tls, ctid := a[0], a[1], a[2], a[3], a[4]
	const thread = abi.CLONE_VM | abi.CLONE_THREAD | abi.CLONE_SIGHAND
	if flags&thread != thread {
		t.p.compat.Record("flag:clone without CLONE_THREAD (fork)")
		return errno(abi.ENOSYS)
	}
	tid := t.p.allocTID()
	child := t.p.newTask(tid)
	t.cpu.Regs(&child.start)
	child.start.X[0] = 0
	if stack != 0 {
		child.start.SP = stack
	}
	if flags&abi.CLONE_SETTLS != 0 {
		child.start.TPIDR = tls
	}
	var fp vcpu.FPRegs
	t.cpu.FPRegs(&fp)
	child.startFP = &fp
	child.sigmask = t.sigmask
	if flags&abi.CLONE_CHILD_CLEARTID != 0 {
		child.clearTID = ctid
	}
	if flags&abi.CLONE_PARENT_SETTID != 0 {
		if t.writeU32(ptid, uint32(tid)) != nil {
			return errno(abi.EFAULT)
		}
	}
	if flags&abi.CLONE_CHILD_SETTID != 0 {
		if t.writeU32(ctid, uint32(tid)) != nil {
			return errno(abi.EFAULT)
		}
	}
	ready := make(chan error, 1)
	t.p.running.Add(1)
	go child.run(ready)
	if err := <-ready; err != nil {
		return errno(abi.EAGAIN)
	}
	return uint64(tid)
}

// sysSetTidAddress implements set_tid_address(2).
func sysSetTidAddress(t *Task, a [6]uint64) uint64 {
	t.clearTID = a[0]
	return uint64(t.tid)
}

// sysSetRobustList implements set_robust_list(2). The list is only walked
// when a thread dies holding a robust mutex, which needs the signal model;
// the registration itself is accepted as the kernel does.
func sysSetRobustList(t *Task, a [6]uint64) uint64 {
	if a[1] != 24 { // sizeof(struct robust_list_head)
		return errno(abi.EINVAL)
	}
	return 0
}

// sysGetpid implements getpid(2): the host pid.
func sysGetpid(t *Task, a [6]uint64) uint64 { return uint64(t.p.pid) }

// sysGetppid implements getppid(2).
func sysGetppid(t *Task, a [6]uint64) uint64 { return uint64(hostPpid()) }

// sysGettid implements gettid(2).
func sysGettid(t *Task, a [6]uint64) uint64 { return uint64(t.tid) }

// sysSchedYield implements sched_yield(2).
func sysSchedYield(t *Task, a [6]uint64) uint64 {
	runtime.Gosched()
	return 0
}

// sysSchedGetaffinity implements sched_getaffinity(2): every host CPU.
func sysSchedGetaffinity(t *Task, a [6]uint64) uint64 {
	size := a[1]
	if size < 8 || size%8 != 0 {
		return errno(abi.EINVAL)
	}
	n := runtime.NumCPU()
	mask := make([]byte, 8*((n+63)/64))
	if uint64(len(mask)) > size {
		return errno(abi.EINVAL)
	}
	for i := 0; i < n; i++ {
		mask[i/8] |= 1 << (i % 8)
	}
	if t.copyOut(a[2], mask) != nil {
		return errno(abi.EFAULT)
	}
	return uint64(len(mask))
}
