package procfs

import (
	"encoding/binary"
	"time"

	"golang.org/x/sys/unix"
)

// The macOS host's figures come from sysctl. Per-CPU times need Mach calls
// (host_processor_info) that a CGO_ENABLED=0 build cannot make; they show as
// idle.

func sysctl32(name string) uint64 {
	v, err := unix.SysctlUint32(name)
	if err != nil {
		return 0
	}
	return uint64(v)
}

func hostMemInfo() MemInfo {
	mi := MemInfo{}
	page := sysctl32("hw.pagesize")
	if page == 0 {
		page = 16384
	}
	if total, err := unix.SysctlUint64("hw.memsize"); err == nil {
		mi["MemTotal"] = total >> 10
	}
	kb := func(pages uint64) uint64 { return pages * page >> 10 }
	free := sysctl32("vm.page_free_count")
	spec := sysctl32("vm.page_speculative_count")
	purge := sysctl32("vm.page_purgeable_count")
	external := sysctl32("vm.page_pageable_external_count")
	internal := sysctl32("vm.page_pageable_internal_count")
	mi["MemFree"] = kb(free)
	mi["Cached"] = kb(external)
	mi["MemAvailable"] = kb(free + spec + purge + external)
	mi["AnonPages"] = kb(internal)
	mi["Active(file)"] = kb(external)
	mi["Active(anon)"] = kb(internal)
	mi["Active"] = kb(external + internal)
	// struct xsw_usage { u_int64_t total, avail, used; u_int32_t pagesize; boolean_t encrypted; }
	if b, err := unix.SysctlRaw("vm.swapusage"); err == nil && len(b) >= 24 {
		mi["SwapTotal"] = binary.LittleEndian.Uint64(b[0:]) >> 10
		mi["SwapFree"] = binary.LittleEndian.Uint64(b[8:]) >> 10
	}
	return mi
}

func hostLoadAvg() [3]float64 {
	var la [3]float64
	// struct loadavg { fixpt_t ldavg[3]; long fscale; }
	b, err := unix.SysctlRaw("vm.loadavg")
	if err != nil || len(b) < 24 {
		return la
	}
	scale := float64(binary.LittleEndian.Uint64(b[16:]))
	if scale == 0 {
		return la
	}
	for i := range la {
		la[i] = float64(binary.LittleEndian.Uint32(b[4*i:])) / scale
	}
	return la
}

func hostCPUTimes() []CPUTime { return nil }

func hostCounters() (ctxt, intr, processes uint64) { return 0, 0, 0 }

func hostBootTime() time.Time {
	tv, err := unix.SysctlTimeval("kern.boottime")
	if err != nil {
		return time.Now()
	}
	return time.Unix(tv.Sec, int64(tv.Usec)*1000)
}
