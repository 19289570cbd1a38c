package procfs

import (
	"math/bits"
	"strconv"
)

// Renderers of the system-wide /proc files, in Linux 6.12 arm64 formats.

// hwcapNames are the names cpuinfo prints for AT_HWCAP bits (index = bit)
// and hwcap2Names those for AT_HWCAP2 bits, in the order of hwcap_str in
// arch/arm64/kernel/cpuinfo.c (KERNEL_HWCAP_* = bit, then 64 + bit).
var hwcapNames = [...]string{
	"fp", "asimd", "evtstrm", "aes", "pmull", "sha1", "sha2", "crc32",
	"atomics", "fphp", "asimdhp", "cpuid", "asimdrdm", "jscvt", "fcma", "lrcpc",
	"dcpop", "sha3", "sm3", "sm4", "asimddp", "sha512", "sve", "asimdfhm",
	"dit", "uscat", "ilrcpc", "flagm", "ssbs", "sb", "paca", "pacg",
}

var hwcap2Names = [...]string{
	"dcpodp", "sve2", "sveaes", "svepmull", "svebitperm", "svesha3", "svesm4", "flagm2",
	"frint", "svei8mm", "svef32mm", "svef64mm", "svebf16", "i8mm", "bf16", "dgh",
	"rng", "bti", "mte", "ecv", "afp", "rpres", "mte3", "sme",
	"smei16i64", "smef64f64", "smei8i32", "smef16f32", "smeb16f32", "smef32f32", "smefa64", "wfxt",
	"ebf16", "sveebf16", "cssc", "rprfm", "sve2p1", "sme2", "sme2p1", "smei16i32",
	"smebi32i32", "smeb16b16", "smef16f16", "mops", "hbc", "sveb16b16", "lrcpc3", "lse128",
	"fpmr", "lut", "faminmax", "f8cvt", "f8fma", "f8dp4", "f8dp2", "f8e4m3",
	"f8e5m2", "smelutv2", "smef8f16", "smef8f32", "smesf8fma", "smesf8dp4", "smesf8dp2", "poe",
}

// FeatureNames returns cpuinfo's Features for the given AT_HWCAP and
// AT_HWCAP2 bits, in the kernel's order. Bits this kernel has no name for
// are left out, as Linux 6.12 would never set them.
func FeatureNames(hwcap, hwcap2 uint64) []string {
	var out []string
	for v, names := range [2][]string{hwcapNames[:], hwcap2Names[:]} {
		caps := hwcap
		if v == 1 {
			caps = hwcap2
		}
		for caps != 0 {
			i := bits.TrailingZeros64(caps)
			caps &^= 1 << i
			if i < len(names) {
				out = append(out, names[i])
			}
		}
	}
	return out
}

// hz is the CONFIG_HZ loops_per_jiffy is computed with; BogoMIPS depends on
// it only through rounding.
const hz = 250

// renderCpuinfo is /proc/cpuinfo (c_show in arch/arm64/kernel/cpuinfo.c).
func renderCpuinfo(s *System) []byte {
	lpj := s.TimerFreq / hz
	feats := FeatureNames(s.HWCAP, s.HWCAP2)
	var b buf
	for i := 0; i < s.NumCPU; i++ {
		midr := s.midr(i)
		b.s("processor\t: ").i(int64(i)).c('\n')
		b.s("BogoMIPS\t: ").u(lpj / (500000 / hz)).c('.')
		frac := lpj / (5000 / hz) % 100
		if frac < 10 {
			b.c('0')
		}
		b.u(frac).c('\n')
		b.s("Features\t:")
		for _, f := range feats {
			b.c(' ').s(f)
		}
		b.c('\n')
		b.s("CPU implementer\t: 0x").hex(midr>>24&0xff, 2).c('\n')
		b.s("CPU architecture: 8\n")
		b.s("CPU variant\t: 0x").hex(midr>>20&0xf, 1).c('\n')
		b.s("CPU part\t: 0x").hex(midr>>4&0xfff, 3).c('\n')
		b.s("CPU revision\t: ").u(midr & 0xf).s("\n\n")
	}
	return b
}

// meminfoFields are the lines of /proc/meminfo (meminfo_proc_show with the
// configuration of a distribution arm64 kernel: ZSWAP, MEMORY_FAILURE,
// TRANSPARENT_HUGEPAGE, CMA, HUGETLBFS).
var meminfoFields = []string{
	"MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached",
	"Active", "Inactive", "Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)",
	"Unevictable", "Mlocked", "SwapTotal", "SwapFree", "Zswap", "Zswapped",
	"Dirty", "Writeback", "AnonPages", "Mapped", "Shmem", "KReclaimable",
	"Slab", "SReclaimable", "SUnreclaim", "KernelStack", "PageTables", "SecPageTables",
	"NFS_Unstable", "Bounce", "WritebackTmp", "CommitLimit", "Committed_AS",
	"VmallocTotal", "VmallocUsed", "VmallocChunk", "Percpu", "HardwareCorrupted",
	"AnonHugePages", "ShmemHugePages", "ShmemPmdMapped", "FileHugePages", "FilePmdMapped",
	"CmaTotal", "CmaFree",
}

// vmallocTotalKB is VmallocTotal of arm64 with 48-bit virtual addresses
// and 4 KiB pages; it describes the kernel presented, not the host.
const vmallocTotalKB = 135288315904

// renderMeminfo is /proc/meminfo. Values the host does not provide are
// derived as Linux would (MemAvailable, CommitLimit) or shown as 0.
func renderMeminfo(mi MemInfo) []byte {
	v := func(k string) uint64 { return mi[k] }
	get := func(k string) uint64 {
		switch k {
		case "VmallocTotal":
			return vmallocTotalKB
		case "MemAvailable":
			if x, ok := mi[k]; ok {
				return x
			}
			return v("MemFree") + v("Cached") + v("Buffers")
		case "CommitLimit":
			if x, ok := mi[k]; ok {
				return x
			}
			return v("MemTotal")/2 + v("SwapTotal")
		case "SwapFree":
			if x, ok := mi[k]; ok {
				return x
			}
			return v("SwapTotal")
		}
		return mi[k]
	}
	var b buf
	for _, k := range meminfoFields {
		if k == "HardwareCorrupted" {
			b.s("HardwareCorrupted: ").uw(get(k), 5).s(" kB\n")
			continue
		}
		label := k + ":"
		b.s(label)
		for n := len(label); n < 16; n++ {
			b.c(' ')
		}
		b.uw(get(k), 8).s(" kB\n")
	}
	hps := mi["Hugepagesize"]
	if hps == 0 {
		hps = 2048
	}
	b.s("HugePages_Total:   ").uw(v("HugePages_Total"), 5).c('\n')
	b.s("HugePages_Free:    ").uw(v("HugePages_Free"), 5).c('\n')
	b.s("HugePages_Rsvd:    ").uw(v("HugePages_Rsvd"), 5).c('\n')
	b.s("HugePages_Surp:    ").uw(v("HugePages_Surp"), 5).c('\n')
	b.s("Hugepagesize:   ").uw(hps, 8).s(" kB\n")
	b.s("Hugetlb:        ").uw(v("Hugetlb"), 8).s(" kB\n")
	return b
}

// taskCounts summarises the process table for /proc/stat and loadavg.
type taskCounts struct {
	running, total, lastPid int
}

func countTasks(t Table) taskCounts {
	var c taskCounts
	for _, pid := range t.Pids() {
		c.lastPid = max(c.lastPid, pid)
		p := t.Lookup(pid)
		if p == nil {
			continue
		}
		ths := p.Threads()
		if len(ths) == 0 {
			c.total++
			continue
		}
		for _, th := range ths {
			c.total++
			c.lastPid = max(c.lastPid, th.TID)
			if th.State == 'R' {
				c.running++
			}
		}
	}
	// The task reading the file is running.
	c.running = max(c.running, 1)
	c.total = max(c.total, c.running)
	return c
}

func appendCPU(b *buf, name string, t CPUTime) {
	b.s(name)
	for _, v := range [...]uint64{t.User, t.Nice, t.System, t.Idle, t.IOWait, t.IRQ, t.SoftIRQ, t.Steal, t.Guest, t.GuestNice} {
		b.c(' ').u(v)
	}
	b.c('\n')
}

// cpuTimes returns n CPUs' times from the host's, padded with zeros.
func cpuTimes(h Host, n int) []CPUTime {
	ts := h.CPUTimes()
	out := make([]CPUTime, n)
	copy(out, ts)
	return out
}

// renderStatFile is /proc/stat (show_stat).
func renderStatFile(s *System, tc taskCounts) []byte {
	cpus := cpuTimes(s.Host, s.NumCPU)
	var sum CPUTime
	for _, t := range cpus {
		sum.User += t.User
		sum.Nice += t.Nice
		sum.System += t.System
		sum.Idle += t.Idle
		sum.IOWait += t.IOWait
		sum.IRQ += t.IRQ
		sum.SoftIRQ += t.SoftIRQ
		sum.Steal += t.Steal
		sum.Guest += t.Guest
		sum.GuestNice += t.GuestNice
	}
	var b buf
	appendCPU(&b, "cpu ", sum)
	for i, t := range cpus {
		appendCPU(&b, "cpu"+strconv.Itoa(i), t)
	}
	ctxt, intr, procs := s.Host.Counters()
	b.s("intr ").u(intr).c('\n')
	b.s("ctxt ").u(ctxt).c('\n')
	b.s("btime ").i(s.Host.BootTime().Unix()).c('\n')
	b.s("processes ").u(max(procs, uint64(tc.lastPid))).c('\n')
	b.s("procs_running ").i(int64(tc.running)).c('\n')
	b.s("procs_blocked 0\n")
	b.s("softirq 0 0 0 0 0 0 0 0 0 0 0\n")
	return b
}

// renderUptime is /proc/uptime: seconds since boot and idle seconds summed
// over the CPUs, each with two decimals.
func renderUptime(s *System) []byte {
	up := s.Host.Now().Sub(s.Host.BootTime())
	if up < 0 {
		up = 0
	}
	upTicks := ticks(up)
	var idle uint64
	for _, t := range cpuTimes(s.Host, s.NumCPU) {
		idle += t.Idle
	}
	if idle == 0 {
		idle = upTicks * uint64(s.NumCPU)
	}
	var b buf
	cs := func(t uint64) {
		b.u(t / userHZ).c('.')
		if t%userHZ < 10 {
			b.c('0')
		}
		b.u(t % userHZ)
	}
	cs(upTicks)
	b.c(' ')
	cs(idle)
	b.c('\n')
	return b
}

// renderLoadavg is /proc/loadavg.
func renderLoadavg(s *System, tc taskCounts) []byte {
	la := s.Host.LoadAvg()
	var b buf
	for i, l := range la {
		if i > 0 {
			b.c(' ')
		}
		if l < 0 {
			l = 0
		}
		b = strconv.AppendFloat(b, l, 'f', 2, 64)
	}
	b.c(' ').i(int64(tc.running)).c('/').i(int64(tc.total)).c(' ').i(int64(tc.lastPid)).c('\n')
	return b
}

// renderVersion is /proc/version, consistent with uname(2).
func renderVersion(s *System) []byte {
	return []byte("Linux version " + s.KernelRelease + " (carrick@carrick) (carrick) " + s.KernelVersion + "\n")
}

// filesystems is /proc/filesystems: the file system types the presented
// kernel knows ("nodev" for those without a block device).
var filesystems = []struct {
	nodev bool
	name  string
}{
	{true, "sysfs"}, {true, "tmpfs"}, {true, "bdev"}, {true, "proc"}, {true, "cgroup"},
	{true, "cgroup2"}, {true, "devtmpfs"}, {true, "sockfs"}, {true, "pipefs"}, {true, "ramfs"},
	{true, "devpts"}, {false, "ext3"}, {false, "ext2"}, {false, "ext4"}, {true, "mqueue"},
	{true, "overlay"},
}

func renderFilesystems() []byte {
	var b buf
	for _, f := range filesystems {
		if f.nodev {
			b.s("nodev")
		}
		b.c('\t').s(f.name).c('\n')
	}
	return b
}
