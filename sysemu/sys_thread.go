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

// sysClone implements clone(2): arm64's argument order is flags, stack,
// parent_tid, tls, child_tid.
func sysClone(t *Task, a [6]uint64) uint64 {
	flags := a[0]
	if flags&abi.CLONE_PIDFD != 0 && flags&abi.CLONE_PARENT_SETTID != 0 {
		return errno(abi.EINVAL) // clone(2) stores the pidfd where parent_tid goes
	}
	return t.clone(flags, a[1], a[2], a[3], a[4], a[2])
}

// sysClone3 implements clone3(2) on the same paths as clone.
func sysClone3(t *Task, a [6]uint64) uint64 {
	var ca abi.CloneArgs
	size := a[1]
	if size < abi.CloneArgsSizeVer0 || size > 4096 {
		return errno(abi.EINVAL)
	}
	b := make([]byte, abi.SizeofCloneArgs) // a shorter, older struct reads as zeros past its end
	if t.copyIn(a[0], b[:min(size, uint64(len(b)))]) != nil {
		return errno(abi.EFAULT)
	}
	abi.Decode(b, &ca)
	if size > uint64(len(b)) { // a newer struct: the extra bytes must be zero
		extra := make([]byte, size-uint64(len(b)))
		if t.copyIn(a[0]+uint64(len(b)), extra) != nil {
			return errno(abi.EFAULT)
		}
		for _, c := range extra {
			if c != 0 {
				return errno(abi.E2BIG)
			}
		}
	}
	if ca.ExitSignal > abi.NSIG || ca.Flags&0xff != 0 || ca.SetTIDSize != 0 || ca.Cgroup != 0 {
		if ca.SetTIDSize != 0 || ca.Cgroup != 0 {
			t.p.compat.Record("flag:clone3 set_tid/cgroup")
		}
		return errno(abi.EINVAL)
	}
	if (ca.Stack == 0) != (ca.StackSize == 0) {
		return errno(abi.EINVAL)
	}
	sp := uint64(0)
	if ca.Stack != 0 {
		sp = ca.Stack + ca.StackSize
	}
	return t.clone(ca.Flags|ca.ExitSignal, sp, ca.ParentTID, ca.TLS, ca.ChildTID, ca.PidFD)
}

// clone starts a thread (CLONE_VM|CLONE_THREAD), a vfork child
// (CLONE_VM|CLONE_VFORK) or a forked process (no CLONE_VM). With
// CLONE_PIDFD a pidfd for the child is stored at pidfdAddr.
func (t *Task) clone(flags, stack, ptid, tls, ctid, pidfdAddr uint64) uint64 {
	const thread = abi.CLONE_VM | abi.CLONE_THREAD | abi.CLONE_SIGHAND
	const nsFlags = 0x7e020000 // CLONE_NEW*: namespaces are the container's business
	if flags&nsFlags != 0 {
		t.p.compat.Record("flag:clone namespaces")
		return errno(abi.EPERM)
	}
	if flags&abi.CLONE_THREAD != 0 && flags&thread != thread || flags&abi.CLONE_SIGHAND != 0 && flags&abi.CLONE_VM == 0 {
		return errno(abi.EINVAL)
	}
	if flags&abi.CLONE_PIDFD != 0 && flags&abi.CLONE_THREAD != 0 {
		return errno(abi.EINVAL)
	}
	if flags&thread != thread {
		if flags&abi.CLONE_PIDFD != 0 {
			return t.withPidfd(t.clone(flags&^abi.CLONE_PIDFD, stack, ptid, tls, ctid, 0), pidfdAddr)
		}
		if flags&abi.CLONE_VM != 0 {
			if flags&abi.CLONE_VFORK != 0 {
				return t.vforkClone(flags, stack, tls)
			}
			// A process sharing memory without vfork's pause would need
			// the address space in two host processes.
			t.p.compat.Record("flag:clone CLONE_VM without CLONE_THREAD or CLONE_VFORK")
			return errno(abi.ENOSYS)
		}
		if flags&(abi.CLONE_FILES|abi.CLONE_FS) != 0 {
			t.p.compat.Record("flag:clone fork with CLONE_FILES/CLONE_FS")
			return errno(abi.ENOSYS)
		}
		return t.forkClone(flags, stack, ptid, tls, ctid)
	}
	tid := t.p.allocTID()
	child := t.p.newTask(tid)
	var fp vcpu.FPRegs
	t.childRegs(&child.start, &fp, flags, stack, tls)
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
			if t.p.mm.SharedAt(word) { // a process-shared mutex: waiters may be elsewhere
				if hw, e := t.hostWord(word, vcpu.AccessRead); e == 0 {
					hostFutexWakeN(hw, 1, abi.FUTEX_BITSET_MATCH_ANY)
				}
			}
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
func sysGetppid(t *Task, a [6]uint64) uint64 { return uint64(t.p.guestPid(hostPpid())) }

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

// withPidfd completes CLONE_PIDFD: a pidfd (close-on-exec) for the child
// whose pid clone returned in ret, stored at addr.
func (t *Task) withPidfd(ret, addr uint64) uint64 {
	if int64(ret) <= 0 {
		return ret
	}
	fd, e := t.openPidfd(int(ret), false)
	if e != 0 {
		return ret // the child exists; Linux would have failed before it did
	}
	if t.writeU32(addr, uint32(fd)) != nil {
		t.p.files.Close(fd)
	}
	return ret
}

// childRegs are the registers a clone child starts with: the caller's,
// with 0 in X0, and the new stack and TLS when given.
func (t *Task) childRegs(r *vcpu.Regs, fp *vcpu.FPRegs, flags, stack, tls uint64) {
	t.cpu.Regs(r)
	t.cpu.FPRegs(fp)
	r.X[0] = 0
	if stack != 0 {
		r.SP = stack
	}
	if flags&abi.CLONE_SETTLS != 0 {
		r.TPIDR = tls
	}
}
