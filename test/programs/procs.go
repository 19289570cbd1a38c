package programs

import (
	"os"
	"path/filepath"
	"strconv"
)

// Survivors lists the host processes (other than this one) running the
// binary exe: what a suite left behind.
func Survivors(exe string) []int {
	var pids []int
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == os.Getpid() {
			continue
		}
		if p, err := os.Readlink(filepath.Join("/proc", e.Name(), "exe")); err == nil && p == exe {
			pids = append(pids, pid)
		}
	}
	return pids
}
