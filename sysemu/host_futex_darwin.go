package sysemu

import (
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Futexes on shared memory are darwin's __ulock_wait/__ulock_wake with
// UL_COMPARE_AND_WAIT_SHARED on the host address: the page is one host
// page in every process that maps it. Bitsets are not a ulock notion, so a
// bitset wake wakes every waiter (a futex waiter must allow spurious
// wakes); requeue and WAKE_OP are not available.

const (
	ulCompareAndWaitShared = 3
	ulfWakeAll             = 0x100
	ulfNoErrno             = 0x01000000
)

func hostFutexWaitFor(word *uint32, val, bitset uint32, d time.Duration) (woken, again bool) {
	if *(*uint32)(unsafe.Pointer(word)) != val {
		return false, true
	}
	us := max(d.Microseconds(), 1)
	r, _, _ := unix.Syscall6(unix.SYS_ULOCK_WAIT, ulCompareAndWaitShared|ulfNoErrno, uintptr(unsafe.Pointer(word)), uintptr(val), uintptr(us), 0, 0)
	if int(r) >= 0 {
		return true, false
	}
	return false, false // timed out or interrupted: look again
}

func hostFutexWakeN(word *uint32, n int, bitset uint32) int {
	op := uintptr(ulCompareAndWaitShared | ulfNoErrno)
	if n > 1 || bitset != ^uint32(0) {
		op |= ulfWakeAll
	}
	r, _, _ := unix.Syscall(unix.SYS_ULOCK_WAKE, op, uintptr(unsafe.Pointer(word)), 0)
	if int(r) < 0 {
		return 0
	}
	return 1 // darwin does not say how many woke
}

func hostFutexRequeue(word, word2 *uint32, n, m int, check bool, val uint32) (int, error) {
	return 0, unix.ENOSYS
}

func hostFutexWakeOpShared(word, word2 *uint32, n, n2 int, enc uint32) (int, error) {
	return 0, unix.ENOSYS
}
