package sysemu

import (
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
)

// futexTable holds the waiters of a process's private futexes, by address.
type futexTable struct {
	mu sync.Mutex
	// waiters by guest address, in arrival order; guarded by mu.
	waiters map[uint64][]*futexWaiter
}

type futexWaiter struct {
	bitset uint32
	woken  chan struct{} // closed by a waker
}

// word returns the guest futex word at addr for atomic access.
func (t *Task) futexWord(addr uint64) (*uint32, abi.Errno) {
	if addr%4 != 0 {
		return nil, abi.EINVAL
	}
	b, err := t.mem().Slice(addr, 4, vcpu.AccessRead)
	if err != nil {
		return nil, abi.EFAULT
	}
	return (*uint32)(unsafe.Pointer(&b[0])), 0
}

// wait blocks while *addr == val, until woken, the deadline passes, or the
// process exits. The value check and the enqueue happen under the table
// lock, so a wake between them cannot be lost.
func (ft *futexTable) wait(t *Task, addr uint64, val, bitset uint32, deadline time.Time) abi.Errno {
	word, e := t.futexWord(addr)
	if e != 0 {
		return e
	}
	w := &futexWaiter{bitset: bitset, woken: make(chan struct{})}
	ft.mu.Lock()
	if atomic.LoadUint32(word) != val {
		ft.mu.Unlock()
		return abi.EAGAIN
	}
	if ft.waiters == nil {
		ft.waiters = map[uint64][]*futexWaiter{}
	}
	ft.waiters[addr] = append(ft.waiters[addr], w)
	ft.mu.Unlock()

	var timeout <-chan time.Time
	if !deadline.IsZero() {
		timer := time.NewTimer(time.Until(deadline))
		defer timer.Stop()
		timeout = timer.C
	}
	result := abi.ETIMEDOUT
wait:
	for {
		select {
		case <-w.woken:
			return 0
		case <-timeout:
			break wait
		case <-t.p.done:
			result = errRestartSys
			break wait
		case <-t.wake:
			if t.signalPending() {
				result = errRestartSys
				break wait
			}
		}
	}
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if ft.remove(addr, w) {
		return result
	}
	return 0 // woken while giving up
}

// remove drops w from addr's queue and reports whether it was there.
// Preconditions: ft.mu is held.
func (ft *futexTable) remove(addr uint64, w *futexWaiter) bool {
	q := ft.waiters[addr]
	for i, x := range q {
		if x == w {
			ft.waiters[addr] = append(q[:i:i], q[i+1:]...)
			if len(ft.waiters[addr]) == 0 {
				delete(ft.waiters, addr)
			}
			return true
		}
	}
	return false
}

// wake wakes up to n waiters on addr whose bitset matches.
func (ft *futexTable) wake(t *Task, addr uint64, n int, bitset uint32) int {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	return ft.wakeLocked(addr, n, bitset)
}

func (ft *futexTable) wakeLocked(addr uint64, n int, bitset uint32) int {
	q := ft.waiters[addr]
	woken := 0
	kept := q[:0]
	for _, w := range q {
		if woken < n && w.bitset&bitset != 0 {
			close(w.woken)
			woken++
			continue
		}
		kept = append(kept, w)
	}
	if len(kept) == 0 {
		delete(ft.waiters, addr)
	} else {
		ft.waiters[addr] = kept
	}
	return woken
}

// requeue wakes up to n waiters on addr and moves up to m of the rest to
// addr2. With check, *addr must still equal val.
func (ft *futexTable) requeue(t *Task, addr, addr2 uint64, n, m int, check bool, val uint32) (int, abi.Errno) {
	word, e := t.futexWord(addr)
	if e != 0 {
		return 0, e
	}
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if check && atomic.LoadUint32(word) != val {
		return 0, abi.EAGAIN
	}
	woken := ft.wakeLocked(addr, n, abi.FUTEX_BITSET_MATCH_ANY)
	q := ft.waiters[addr]
	moved := min(m, len(q))
	if moved > 0 {
		ft.waiters[addr2] = append(ft.waiters[addr2], q[:moved]...)
		if moved == len(q) {
			delete(ft.waiters, addr)
		} else {
			ft.waiters[addr] = append([]*futexWaiter(nil), q[moved:]...)
		}
	}
	return woken + moved, 0
}

// sysFutex implements futex(2): WAIT, WAKE, their BITSET forms, REQUEUE,
// CMP_REQUEUE and WAKE_OP; process-private words wait in the process's
// own queues, shared ones in the host's (futex_shared.go).
func sysFutex(t *Task, a [6]uint64) uint64 {
	addr, op, val := a[0], a[1], uint32(a[2])
	cmd := op &^ (abi.FUTEX_PRIVATE_FLAG | abi.FUTEX_CLOCK_REALTIME) & 0xffffffff
	switch cmd {
	case abi.FUTEX_WAIT, abi.FUTEX_WAIT_BITSET:
		bitset := uint32(abi.FUTEX_BITSET_MATCH_ANY)
		if cmd == abi.FUTEX_WAIT_BITSET {
			bitset = uint32(a[5])
			if bitset == 0 {
				return errno(abi.EINVAL)
			}
		}
		var deadline time.Time
		if a[3] != 0 {
			ts, e := t.readTimespec(a[3])
			if e != 0 {
				return errno(e)
			}
			if cmd == abi.FUTEX_WAIT {
				deadline = time.Now().Add(ts)
			} else if op&abi.FUTEX_CLOCK_REALTIME != 0 {
				deadline = time.Unix(0, int64(ts))
			} else {
				deadline = time.Now().Add(ts - monotonicNow())
			}
		}
		if t.sharedFutex(addr, op) {
			return t.sharedWait(addr, val, bitset, deadline)
		}
		return t.futexWait(addr, val, bitset, deadline)
	case abi.FUTEX_WAKE, abi.FUTEX_WAKE_BITSET:
		if t.sharedFutex(addr, op) {
			return t.sharedFutexOp(cmd, addr, 0, val, 0, uint32(a[5]))
		}
		bitset := uint32(abi.FUTEX_BITSET_MATCH_ANY)
		if cmd == abi.FUTEX_WAKE_BITSET {
			bitset = uint32(a[5])
			if bitset == 0 {
				return errno(abi.EINVAL)
			}
		}
		if _, e := t.futexWord(addr); e != 0 {
			return errno(e)
		}
		return uint64(t.p.futex.wake(t, addr, int(int32(val)), bitset))
	case abi.FUTEX_REQUEUE, abi.FUTEX_CMP_REQUEUE, abi.FUTEX_WAKE_OP:
		if t.sharedFutex(addr, op) {
			return t.sharedFutexOp(cmd, addr, a[4], val, int(int32(a[3])), uint32(a[5]))
		}
	}
	switch cmd {
	case abi.FUTEX_REQUEUE, abi.FUTEX_CMP_REQUEUE:
		n, e := t.p.futex.requeue(t, addr, a[4], int(int32(val)), int(int32(a[3])),
			cmd == abi.FUTEX_CMP_REQUEUE, uint32(a[5]))
		if e != 0 {
			return errno(e)
		}
		return uint64(n)
	case abi.FUTEX_WAKE_OP:
		n, e := t.p.futex.wakeOp(t, addr, a[4], int(int32(val)), int(int32(a[3])), uint32(a[5]))
		if e != 0 {
			return errno(e)
		}
		return uint64(n)
	}
	t.p.compat.Record("flag:futex op " + itoa(cmd))
	return errno(abi.ENOSYS)
}

// futexWait is FUTEX_WAIT's blocking part. Interrupted, a wait without a
// timeout restarts as any call (errRestartSys); one with a timeout restarts
// through restart_syscall with the same deadline, or returns EINTR when a
// handler runs, as Linux's futex_wait_restart.
func (t *Task) futexWait(addr uint64, val, bitset uint32, deadline time.Time) uint64 {
	e := t.p.futex.wait(t, addr, val, bitset, deadline)
	if e == errRestartSys && !deadline.IsZero() {
		t.restartFn = func(t *Task) uint64 { return t.futexWait(addr, val, bitset, deadline) }
		return errno(errRestartBlock)
	}
	if e != 0 {
		return errno(e)
	}
	return 0
}

// wakeOp implements FUTEX_WAKE_OP: atomically apply the encoded operation
// to *addr2, wake up to n waiters on addr, and, if the old value of *addr2
// passes the encoded comparison, up to n2 waiters on addr2.
func (ft *futexTable) wakeOp(t *Task, addr, addr2 uint64, n, n2 int, enc uint32) (int, abi.Errno) {
	op, cmp := enc>>28&15, enc>>24&15
	oparg, cmparg := enc>>12&0xfff, enc&0xfff
	if op&8 != 0 { // FUTEX_OP_OPARG_SHIFT
		oparg = 1 << (oparg & 31) // Linux masks an out-of-range shift

		op &^= 8
	}
	// oparg and cmparg are 12-bit signed fields.
	soparg, scmparg := uint32(int32(oparg<<20)>>20), int32(cmparg<<20)>>20
	if enc>>28&8 != 0 {
		soparg = oparg
	}
	word, e := t.futexWord(addr2)
	if e != 0 {
		return 0, e
	}
	if _, err := t.mem().Slice(addr2, 4, vcpu.AccessWrite); err != nil {
		return 0, abi.EFAULT
	}
	ft.mu.Lock()
	defer ft.mu.Unlock()
	var old uint32
	for {
		old = atomic.LoadUint32(word)
		var nv uint32
		switch op {
		case 0: // SET
			nv = soparg
		case 1: // ADD
			nv = old + soparg
		case 2: // OR
			nv = old | soparg
		case 3: // ANDN
			nv = old &^ soparg
		case 4: // XOR
			nv = old ^ soparg
		default:
			return 0, abi.ENOSYS
		}
		if atomic.CompareAndSwapUint32(word, old, nv) {
			break
		}
	}
	woken := ft.wakeLocked(addr, n, abi.FUTEX_BITSET_MATCH_ANY)
	o := int32(old)
	var ok bool
	switch cmp {
	case 0:
		ok = o == scmparg
	case 1:
		ok = o != scmparg
	case 2:
		ok = o < scmparg
	case 3:
		ok = o <= scmparg
	case 4:
		ok = o > scmparg
	case 5:
		ok = o >= scmparg
	default:
		return woken, abi.ENOSYS
	}
	if ok {
		woken += ft.wakeLocked(addr2, n2, abi.FUTEX_BITSET_MATCH_ANY)
	}
	return woken, 0
}
