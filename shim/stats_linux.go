package shim

import (
	"os"
	"strconv"
	"strings"

	"github.com/containerd/cgroups/v3/cgroup2/stats"
	taskapi "github.com/containerd/containerd/api/runtime/task/v2"
	"github.com/containerd/typeurl/v2"
)

// processStats sums the container's host processes into cgroup v2 metrics (the
// type `ctr task metrics` and the CRI read): a container has no cgroup
// of its own, but its processes are host processes.
func processStats(pids []int) (*taskapi.StatsResponse, error) {
	const tick = 1_000_000 / 100 // µs per clock tick (USER_HZ)
	page := uint64(os.Getpagesize())
	m := &stats.Metrics{Pids: &stats.PidsStat{}, CPU: &stats.CPUStat{}, Memory: &stats.MemoryStat{}}
	for _, pid := range pids {
		data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			continue // gone meanwhile
		}
		s := string(data)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) < 22 {
			continue
		}
		utime, _ := strconv.ParseUint(f[11], 10, 64)
		stime, _ := strconv.ParseUint(f[12], 10, 64)
		rss, _ := strconv.ParseUint(f[21], 10, 64)
		m.Pids.Current++
		m.CPU.UserUsec += utime * tick
		m.CPU.SystemUsec += stime * tick
		m.Memory.Usage += rss * page
		m.Memory.Anon += rss * page
	}
	m.CPU.UsageUsec = m.CPU.UserUsec + m.CPU.SystemUsec
	a, err := typeurl.MarshalAnyToProto(m)
	if err != nil {
		return nil, err
	}
	return &taskapi.StatsResponse{Stats: a}, nil
}
