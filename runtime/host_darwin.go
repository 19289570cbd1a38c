package runtime

import (
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/host"
)

// hostSignal is the host's number of Linux signal n.
func hostSignal(n int) (syscall.Signal, bool) {
	d, ok := host.SignalToDarwin(n)
	return syscall.Signal(d), ok && d > 0
}

// processStart returns the start time of host process pid and whether it
// exists and is not a zombie.
func processStart(pid int) (uint64, bool) {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil || kp.Proc.P_pid != int32(pid) || kp.Proc.P_stat == 5 /* SZOMB */ {
		return 0, false
	}
	t := kp.Proc.P_starttime
	return uint64(t.Sec)*1_000_000 + uint64(t.Usec), true
}

// hostOOMScoreAdj: macOS has no OOM score.
const hostOOMScoreAdj = false

func setOOMScoreAdj(v int) error { return nil }
