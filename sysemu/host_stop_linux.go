package sysemu

import (
	"os"
	"runtime"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// stopSelf sends the host stop signal to the calling thread: the kernel
// stops the whole process as this thread leaves the tgkill call, so the
// call returns only after a SIGCONT (or at once when the signal is
// discarded). A process-directed kill could be taken by another thread
// after the caller had already put Go's handler back.
func stopSelf(sig syscall.Signal) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	unix.Tgkill(os.Getpid(), unix.Gettid(), sig)
}

// hostRealtimeSignals are Linux's real-time signals 34..64 (glibc keeps 32
// and 33), forwarded with the same numbers.
func hostRealtimeSignals() map[os.Signal]int {
	m := map[os.Signal]int{}
	for sig := abi.SIGRTMIN + 2; sig <= abi.NSIG; sig++ {
		m[syscall.Signal(sig)] = sig
	}
	return m
}
