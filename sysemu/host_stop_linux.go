package sysemu

import (
	"os"
	"runtime"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// hostStopMu serializes stops: each one swaps the host action and puts it
// back.
var hostStopMu sync.Mutex

// hostSigaction is the kernel's struct sigaction on Linux hosts (amd64 and
// arm64 alike: handler, flags, restorer, an 8-byte mask).
type hostSigaction struct {
	handler, flags, restorer, mask uint64
}

// stopSelf stops the host process with sig, reported to the parent's
// wait4 as stopped by sig. Go's runtime keeps its own handler for SIGTSTP,
// SIGTTIN and SIGTTOU once os/signal has asked for them (signal.Reset does
// not put SIG_DFL back, and the handler then drops the signal), so the
// host's default action is installed with the raw call for the moment of
// the stop and the runtime's handler restored after it. The signal goes to
// the calling thread (tgkill): the kernel stops the whole process as this
// thread leaves the call, so the call returns after a SIGCONT, or at once
// when the kernel discards the signal (an orphaned process group).
func stopSelf(sig syscall.Signal) {
	if sig == syscall.SIGSTOP {
		unix.Kill(os.Getpid(), unix.SIGSTOP)
		return
	}
	hostStopMu.Lock()
	defer hostStopMu.Unlock()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var old hostSigaction
	dfl := hostSigaction{}
	if rawSigaction(sig, &dfl, &old) != nil {
		return
	}
	unix.Tgkill(os.Getpid(), unix.Gettid(), sig)
	rawSigaction(sig, &old, nil)
}

func rawSigaction(sig syscall.Signal, act, old *hostSigaction) error {
	_, _, e := unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig),
		uintptr(unsafe.Pointer(act)), uintptr(unsafe.Pointer(old)), 8, 0, 0)
	if e != 0 {
		return e
	}
	return nil
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
