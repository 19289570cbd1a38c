package sysemu

import (
	"os"
	"syscall"
)

// stopSelf stops the host process. darwin has no tgkill, and Go's runtime
// keeps (and drops) SIGTSTP, SIGTTIN and SIGTTOU once os/signal has asked
// for them, so the stop is always the host's SIGSTOP: a parent's wait4
// sees the process stopped by SIGSTOP.
func stopSelf(sig syscall.Signal) {
	syscall.Kill(os.Getpid(), syscall.SIGSTOP)
}

// hostRealtimeSignals: darwin has no real-time signals.
func hostRealtimeSignals() map[os.Signal]int { return nil }
