package sysemu

import (
	"os"
	"syscall"
)

// stopSelf stops the host process with sig. darwin has no tgkill; the
// signal goes to the process and any thread may take it.
func stopSelf(sig syscall.Signal) {
	syscall.Kill(os.Getpid(), sig)
}

// hostRealtimeSignals: darwin has no real-time signals.
func hostRealtimeSignals() map[os.Signal]int { return nil }
