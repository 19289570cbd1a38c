//go:build linux

package oracle

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// KillTagged kills (SIGKILL) every host process whose environment holds
// the entry tag (a K=V given to a run in Spec.HostEnv) and returns how many
// it found. A carrick run's guest processes are host processes that inherit
// carrick's environment, so a tag unique to one run finds exactly that run's
// leftovers, even those that left its process group, and nothing else's.
func KillTagged(tag string) int {
	want := append([]byte(tag), 0)
	dirs, _ := filepath.Glob("/proc/[0-9]*")
	n := 0
	for _, d := range dirs {
		pid, err := strconv.Atoi(filepath.Base(d))
		if err != nil || pid == os.Getpid() {
			continue
		}
		env, err := os.ReadFile(filepath.Join(d, "environ"))
		if err != nil {
			continue
		}
		if bytes.HasPrefix(env, want) || bytes.Contains(env, append([]byte{0}, want...)) {
			syscall.Kill(pid, syscall.SIGKILL)
			n++
		}
	}
	return n
}
