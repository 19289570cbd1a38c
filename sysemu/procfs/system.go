package procfs

import (
	"crypto/rand"
	"fmt"
	"os"
	"runtime"
	"time"
)

// System holds the system-wide values /proc and /sys show. The zero value
// of a field takes the default documented on it; sysemu passes the kernel
// identity it reports through uname and the backend's CPU features.
type System struct {
	// KernelRelease and KernelVersion are uname's release and version
	// (sysemu.KernelRelease, sysemu.KernelVersion).
	KernelRelease string
	KernelVersion string
	// Hostname returns the current nodename (sethostname may change it);
	// nil uses the host's name.
	Hostname func() string
	// HWCAP and HWCAP2 are the AT_HWCAP/AT_HWCAP2 bits the backend
	// advertises; cpuinfo's Features line lists exactly these.
	HWCAP, HWCAP2 uint64
	// MIDR is MIDR_EL1 per CPU; a shorter list repeats its last value.
	// Empty defaults to an Arm Neoverse-N1 r3p1 (0x413fd0c1).
	MIDR []uint64
	// TimerFreq is CNTFRQ_EL0 in Hz, which BogoMIPS derives from
	// (default 24 MHz, BogoMIPS 48.00).
	TimerFreq uint64
	// NumCPU is the number of CPUs presented, all online (default
	// runtime.NumCPU()).
	NumCPU int
	// Host supplies memory, load, CPU times and boot time; nil is the real
	// host (HostMachine).
	Host Host
	// BootID is /proc/sys/kernel/random/boot_id; "" makes a random one.
	BootID string
}

// DefaultMIDR is the MIDR_EL1 used when System.MIDR is empty.
const DefaultMIDR = 0x413fd0c1

// CPUTime is one CPU's time accounting in USER_HZ ticks, the columns of a
// "cpu" line of /proc/stat.
type CPUTime struct {
	User, Nice, System, Idle, IOWait, IRQ, SoftIRQ, Steal, Guest, GuestNice uint64
}

// MemInfo maps /proc/meminfo labels ("MemTotal", "Cached", …) to values in
// kB (HugePages_* in pages). Missing labels show as 0.
type MemInfo map[string]uint64

// Host is what the system files show of the machine carrick runs on.
type Host interface {
	MemInfo() MemInfo
	// LoadAvg is the 1, 5 and 15 minute load average.
	LoadAvg() [3]float64
	// CPUTimes are per-CPU time accounting; missing CPUs show as 0.
	CPUTimes() []CPUTime
	// BootTime is when the machine booted; Now is the current time.
	BootTime() time.Time
	Now() time.Time
	// Counters are /proc/stat's ctxt, intr (total) and processes.
	Counters() (ctxt, intr, processes uint64)
}

// HostMachine returns the Host of the machine carrick runs on, read through
// the host layer (host_linux.go, host_darwin.go).
func HostMachine() Host { return hostMachine{} }

// userHZ is USER_HZ: the unit of clock_t in /proc.
const userHZ = 100

// ticks converts d to USER_HZ clock ticks.
func ticks(d time.Duration) uint64 {
	if d <= 0 {
		return 0
	}
	return uint64(d / (time.Second / userHZ))
}

// withDefaults returns a copy of s with every unset field filled in.
func (s *System) withDefaults() *System {
	c := *s
	if c.KernelRelease == "" {
		c.KernelRelease = "6.12.0"
	}
	if c.KernelVersion == "" {
		c.KernelVersion = "#1 SMP PREEMPT"
	}
	if c.Hostname == nil {
		c.Hostname = func() string {
			h, err := os.Hostname()
			if err != nil || h == "" {
				return "localhost"
			}
			return h
		}
	}
	if len(c.MIDR) == 0 {
		c.MIDR = []uint64{DefaultMIDR}
	}
	if c.TimerFreq == 0 {
		c.TimerFreq = 24_000_000
	}
	if c.NumCPU <= 0 {
		c.NumCPU = runtime.NumCPU()
	}
	if c.Host == nil {
		c.Host = HostMachine()
	}
	if c.BootID == "" {
		c.BootID = newUUID()
	}
	return &c
}

// midr returns CPU i's MIDR_EL1.
func (s *System) midr(i int) uint64 {
	if i < len(s.MIDR) {
		return s.MIDR[i]
	}
	return s.MIDR[len(s.MIDR)-1]
}

// newUUID returns a random (version 4) UUID in Linux's text form.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
