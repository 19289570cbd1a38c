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
	t.exitRobustList()
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
		if flags&(abi.CLONE_VM|abi.CLONE_VFORK) == abi.CLONE_VM|abi.CLONE_VFORK && flags&abi.CLONE_THREAD == 0 {
			return t.vforkClone(flags, stack)
		}
		t.p.compat.Record("flag:clone without CLONE_THREAD or CLONE_VFORK (fork)")
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

// sysSetRobustList implements set_robust_list(2); the list is walked when
// the thread exits (exitRobustList).
func sysSetRobustList(t *Task, a [6]uint64) uint64 {
	if a[1] != 24 { // sizeof(struct robust_list_head)
		return errno(abi.EINVAL)
	}
	t.robustList = a[0]
	return 0
}

// sysGetRobustList implements get_robust_list(2) for the calling thread.
func sysGetRobustList(t *Task, a [6]uint64) uint64 {
	if pid := int(int32(a[0])); pid != 0 && pid != t.tid {
		return errno(abi.ESRCH)
	}
	if t.writeU64(a[1], t.robustList) != nil || t.writeU64(a[2], 24) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// Robust futex word bits (uapi/linux/futex.h).
const (
	futexWaiters    = 0x80000000
	futexOwnerDied  = 0x40000000
	futexTIDMask    = 0x3fffffff
	robustListLimit = 2048 // ROBUST_LIST_LIMIT
)

// exitRobustList does what the kernel does for a thread that dies holding
// robust mutexes: each lock word it owns gets FUTEX_OWNER_DIED and one
// waiter is woken, so the next locker sees EOWNERDEAD.
func (t *Task) exitRobustList() {
	head := t.robustList
	if head == 0 {
		return
	}
	t.robustList = 0
	next, err := t.readU64(head)
	if err != nil {
		return
	}
	off, err := t.readU64(head + 8)
	if err != nil {
		return
	}
	pending, _ := t.readU64(head + 16)
	handle := func(entry uint64) {
		word := entry + off
		w, err := t.readU32(word)
		if err != nil || w&futexTIDMask != uint32(t.tid) {
			return
		}
		if t.writeU32(word, w&futexWaiters|futexOwnerDied) != nil {
			return
		}
		if w&futexWaiters != 0 {
			t.p.futex.wake(t, word, 1, abi.FUTEX_BITSET_MATCH_ANY)
		}
	}
	for i := 0; next != head && i < robustListLimit; i++ {
		// The low bit of an entry pointer marks a PI futex; the address is
		// the rest.
		entry := next &^ 1
		if entry != pending&^1 {
			handle(entry)
		}
		if next, err = t.readU64(entry); err != nil {
			return
		}
	}
	if pending != 0 {
		handle(pending &^ 1)
	}
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
