package sysemu

import (
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
)

// Shared futexes: a futex operation without FUTEX_PRIVATE_FLAG on a word
// in shared memory (MAP_SHARED, which fork children map too) may have
// waiters in other guest processes, so it is the host's futex on the host
// address of the word (host_futex_*.go), not the process's own wait
// queues. A waiting thread sleeps in the host call in short slices, so a
// signal or the process's exit ends the wait as any other.

// hostFutexSlice bounds one host sleep of a shared futex wait.
const hostFutexSlice = 20 * time.Millisecond

// sharedFutex reports whether the operation must use the host's futex.
func (t *Task) sharedFutex(addr, op uint64) bool {
	return op&abi.FUTEX_PRIVATE_FLAG == 0 && t.p.mm.SharedAt(addr)
}

// hostWord is the host address of the aligned guest word at addr.
func (t *Task) hostWord(addr uint64, acc vcpu.Access) (*uint32, abi.Errno) {
	w, e := t.futexWord(addr)
	if e != 0 {
		return nil, e
	}
	if acc == vcpu.AccessWrite {
		if _, err := t.mem().Slice(addr, 4, vcpu.AccessWrite); err != nil {
			return nil, abi.EFAULT
		}
	}
	return w, 0
}

// sharedWait is FUTEX_WAIT on a shared word.
func (t *Task) sharedWait(addr uint64, val, bitset uint32, deadline time.Time) uint64 {
	word, e := t.hostWord(addr, vcpu.AccessRead)
	if e != 0 {
		return errno(e)
	}
	for {
		d := hostFutexSlice
		if !deadline.IsZero() {
			left := time.Until(deadline)
			if left <= 0 {
				return errno(abi.ETIMEDOUT)
			}
			d = min(d, left)
		}
		woken, again := hostFutexWaitFor(word, val, bitset, d)
		switch {
		case woken:
			return 0
		case again:
			return errno(abi.EAGAIN)
		}
		if t.p.exiting() || t.signalPending() {
			if deadline.IsZero() {
				return errno(errRestartSys)
			}
			t.restartFn = func(t *Task) uint64 { return t.sharedWait(addr, val, bitset, deadline) }
			return errno(errRestartBlock)
		}
	}
}

// sharedFutexOp runs the operations that wake on shared words.
func (t *Task) sharedFutexOp(cmd, addr, addr2 uint64, val uint32, val2 int, val3 uint32) uint64 {
	word, e := t.hostWord(addr, vcpu.AccessRead)
	if e != 0 {
		return errno(e)
	}
	switch cmd {
	case abi.FUTEX_WAKE, abi.FUTEX_WAKE_BITSET:
		bitset := uint32(abi.FUTEX_BITSET_MATCH_ANY)
		if cmd == abi.FUTEX_WAKE_BITSET {
			if bitset = val3; bitset == 0 {
				return errno(abi.EINVAL)
			}
		}
		return uint64(hostFutexWakeN(word, int(int32(val)), bitset))
	}
	word2, e := t.hostWord(addr2, vcpu.AccessWrite)
	if e != 0 {
		return errno(e)
	}
	var n int
	var err error
	switch cmd {
	case abi.FUTEX_REQUEUE, abi.FUTEX_CMP_REQUEUE:
		n, err = hostFutexRequeue(word, word2, int(int32(val)), val2, cmd == abi.FUTEX_CMP_REQUEUE, val3)
	case abi.FUTEX_WAKE_OP:
		n, err = hostFutexWakeOpShared(word, word2, int(int32(val)), val2, val3)
	}
	if err != nil {
		e := hostErrno(err)
		if e == abi.ENOSYS {
			t.p.compat.Record("flag:futex op " + itoa(cmd) + " on shared memory (this host)")
		}
		return errno(e)
	}
	return uint64(n)
}
