package sysemu

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Futexes on shared memory are the host's own: the page is one host page
// in every process that maps it, so the host kernel's (non-private) futex
// on its host address reaches waiters in other processes.

const (
	hostFutexWait       = 0
	hostFutexWake       = 1
	hostFutexCmpRequeue = 4
	hostFutexWakeOp     = 5
	hostFutexWaitBitset = 9
	hostFutexWakeBitset = 10
)

// hostFutexWaitFor waits on word while it holds val for at most d.
// woken: a wake (or a spurious return); again: the value differed.
func hostFutexWaitFor(word *uint32, val, bitset uint32, d time.Duration) (woken, again bool) {
	ts := unix.NsecToTimespec(int64(d))
	var now unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &now)
	abs := unix.NsecToTimespec(now.Nano() + ts.Nano())
	_, _, e := unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(word)), hostFutexWaitBitset, uintptr(val),
		uintptr(unsafe.Pointer(&abs)), 0, uintptr(bitset))
	switch e {
	case 0:
		return true, false
	case unix.EAGAIN:
		return false, true
	}
	return false, false // ETIMEDOUT, EINTR: look again
}

// hostFutexWakeN wakes up to n waiters whose bitset matches.
func hostFutexWakeN(word *uint32, n int, bitset uint32) int {
	r, _, e := unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(word)), hostFutexWakeBitset, uintptr(n), 0, 0, uintptr(bitset))
	if e != 0 {
		return 0
	}
	return int(r)
}

// hostFutexRequeue is FUTEX_CMP_REQUEUE (check) or FUTEX_REQUEUE between
// two shared words.
func hostFutexRequeue(word, word2 *uint32, n, m int, check bool, val uint32) (int, error) {
	op := uintptr(hostFutexCmpRequeue)
	if !check {
		op = 3 // FUTEX_REQUEUE
	}
	r, _, e := unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(word)), op, uintptr(n), uintptr(m),
		uintptr(unsafe.Pointer(word2)), uintptr(val))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}

// hostFutexWakeOpShared is FUTEX_WAKE_OP between two shared words.
func hostFutexWakeOpShared(word, word2 *uint32, n, n2 int, enc uint32) (int, error) {
	r, _, e := unix.Syscall6(unix.SYS_FUTEX, uintptr(unsafe.Pointer(word)), hostFutexWakeOp, uintptr(n), uintptr(n2),
		uintptr(unsafe.Pointer(word2)), uintptr(enc))
	if e != 0 {
		return 0, e
	}
	return int(r), nil
}
