package shim

import taskapi "github.com/containerd/containerd/api/runtime/task/v2"

// processStats: on macOS the per-process figures need libproc, which the shim
// does not call yet.
func processStats(pids []int) (*taskapi.StatsResponse, error) {
	return nil, errUnimplemented("stats on macOS")
}
