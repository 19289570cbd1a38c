package runtime

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// hostSignal is the host's number of Linux signal n: the same.
func hostSignal(n int) (syscall.Signal, bool) { return syscall.Signal(n), n > 0 && n <= 64 }

// processStart returns the start time of host process pid (clock ticks
// since boot, /proc/PID/stat field 22) and whether it exists and is not a
// zombie.
func processStart(pid int) (uint64, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 || f[0] == "Z" || f[0] == "X" {
		return 0, false
	}
	v, err := strconv.ParseUint(f[19], 10, 64)
	return v, err == nil
}

// hostOOMScoreAdj: the container's processes are host processes, so
// process.oomScoreAdj is the init's own (children inherit it).
const hostOOMScoreAdj = true

func setOOMScoreAdj(v int) error {
	return os.WriteFile("/proc/self/oom_score_adj", []byte(strconv.Itoa(v)), 0)
}
