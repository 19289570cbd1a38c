package procfs

import (
	"sync"
	"time"
)

// hostMachine is the Host of the machine carrick runs on. The per-OS
// readers live in host_linux.go and host_darwin.go.
type hostMachine struct{}

var (
	bootOnce sync.Once
	bootTime time.Time
)

func (hostMachine) MemInfo() MemInfo    { return hostMemInfo() }
func (hostMachine) LoadAvg() [3]float64 { return hostLoadAvg() }
func (hostMachine) CPUTimes() []CPUTime { return hostCPUTimes() }
func (hostMachine) Now() time.Time      { return time.Now() }

// BootTime is read once: Linux's btime does not move.
func (hostMachine) BootTime() time.Time {
	bootOnce.Do(func() { bootTime = hostBootTime() })
	return bootTime
}

func (hostMachine) Counters() (ctxt, intr, processes uint64) { return hostCounters() }
