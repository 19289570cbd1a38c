package procfs

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// The Linux host's figures come from its own /proc.

func hostMemInfo() MemInfo {
	mi := MemInfo{}
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		var si unix.Sysinfo_t
		if unix.Sysinfo(&si) == nil {
			u := uint64(si.Unit)
			mi["MemTotal"] = uint64(si.Totalram) * u >> 10
			mi["MemFree"] = uint64(si.Freeram) * u >> 10
			mi["Buffers"] = uint64(si.Bufferram) * u >> 10
			mi["Shmem"] = uint64(si.Sharedram) * u >> 10
			mi["SwapTotal"] = uint64(si.Totalswap) * u >> 10
			mi["SwapFree"] = uint64(si.Freeswap) * u >> 10
		}
		return mi
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		k, rest, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) == 0 {
			continue
		}
		if v, err := strconv.ParseUint(f[0], 10, 64); err == nil {
			mi[k] = v
		}
	}
	return mi
}

func hostLoadAvg() [3]float64 {
	var la [3]float64
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return la
	}
	f := strings.Fields(string(data))
	for i := 0; i < 3 && i < len(f); i++ {
		la[i], _ = strconv.ParseFloat(f[i], 64)
	}
	return la
}

// hostStat returns the lines of the host's /proc/stat.
func hostStat() []string {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return nil
	}
	return strings.Split(string(data), "\n")
}

func hostCPUTimes() []CPUTime {
	var out []CPUTime
	for _, l := range hostStat() {
		f := strings.Fields(l)
		if len(f) < 5 || !strings.HasPrefix(f[0], "cpu") || f[0] == "cpu" {
			continue
		}
		var v [10]uint64
		for i := 1; i < len(f) && i <= 10; i++ {
			v[i-1], _ = strconv.ParseUint(f[i], 10, 64)
		}
		out = append(out, CPUTime{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9]})
	}
	return out
}

func hostCounters() (ctxt, intr, processes uint64) {
	for _, l := range hostStat() {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseUint(f[1], 10, 64)
		switch f[0] {
		case "ctxt":
			ctxt = v
		case "intr":
			intr = v
		case "processes":
			processes = v
		}
	}
	return
}

func hostBootTime() time.Time {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_BOOTTIME, &ts) == nil {
		return time.Now().Add(-time.Duration(ts.Nano()))
	}
	for _, l := range hostStat() {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "btime" {
			if v, err := strconv.ParseInt(f[1], 10, 64); err == nil {
				return time.Unix(v, 0)
			}
		}
	}
	return time.Now()
}
