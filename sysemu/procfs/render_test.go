package procfs

import (
	"strings"
	"testing"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// read opens p in s and returns its contents, read in small pieces at
// increasing offsets as a guest's read(2) loop would.
func read(t *testing.T, s interface {
	Open(string, int) (fileLike, abi.Errno)
}, p string) string {
	t.Helper()
	f, e := s.Open(p, abi.O_RDONLY)
	if e != 0 {
		t.Fatalf("open %s: errno %d", p, e)
	}
	defer f.Close()
	var out []byte
	chunk := make([]byte, 7)
	for off := int64(0); ; {
		n, e := f.ReadAt(chunk, off)
		if e != 0 {
			t.Fatalf("read %s at %d: errno %d", p, off, e)
		}
		if n == 0 {
			break
		}
		out = append(out, chunk[:n]...)
		off += int64(n)
	}
	return string(out)
}

type fileLike interface {
	ReadAt([]byte, int64) (int, abi.Errno)
	WriteAt([]byte, int64) (int, abi.Errno)
	Close() abi.Errno
}

// opener adapts a tree to read.
type opener struct{ t *tree }

func (o opener) Open(p string, flags int) (fileLike, abi.Errno) {
	f, e := o.t.Open(p, flags)
	if e != 0 {
		return nil, e
	}
	return f, 0
}

func newTestProc() (*Proc, *fakeProc) {
	fp := testProc()
	return NewProc(testSystem(), &fakeTable{procs: []Process{fp}}), fp
}

func golden(t *testing.T, name, got, want string) {
	t.Helper()
	if got != want {
		gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("%s: line %d:\n got  %q\n want %q", name, i+1, g, w)
			}
		}
	}
}

func TestMapsFormat(t *testing.T) {
	pad := func(prefix, name string) string {
		return prefix + strings.Repeat(" ", 73-len(prefix)) + name
	}
	tests := []struct {
		name string
		maps []Mapping
		want string
	}{
		{"empty", nil, ""},
		{"anonymous keeps the trailing space", []Mapping{{Start: 0x10000, End: 0x11000, Prot: 3}},
			"00010000-00011000 rw-p 00000000 00:00 0 \n"},
		{"file", []Mapping{{Start: 0x555555550000, End: 0x555555554000, Prot: 5, Dev: mkdev(0xfd, 1), Inode: 1835029, Name: "/usr/bin/cat"}},
			pad("555555550000-555555554000 r-xp 00000000 fd:01 1835029 ", "/usr/bin/cat") + "\n"},
		{"spaces in the path", []Mapping{{Start: 0x7f0000, End: 0x7f1000, Prot: 1, Shared: true, Offset: 0x2000, Dev: mkdev(8, 2), Inode: 77, Name: "/tmp/a b  c"}},
			pad("007f0000-007f1000 r--s 00002000 08:02 77 ", "/tmp/a b  c") + "\n"},
		{"newline in the path", []Mapping{{Start: 0x10000, End: 0x11000, Prot: 4, Name: "/x\ny"}},
			pad("00010000-00011000 --xp 00000000 00:00 0 ", `/x\012y`) + "\n"},
		{"special names", []Mapping{
			{Start: 0x555555565000, End: 0x555555586000, Prot: 3, Name: "[heap]"},
			{Start: 0xff07000000, End: 0xff07001000, Prot: 5, Name: "[vdso]"},
			{Start: 0xffffff7ff000, End: 0x1000000000000, Prot: 3, Name: "[stack]"},
		}, pad("555555565000-555555586000 rw-p 00000000 00:00 0 ", "[heap]") + "\n" +
			pad("ff07000000-ff07001000 r-xp 00000000 00:00 0 ", "[vdso]") + "\n" +
			pad("ffffff7ff000-1000000000000 rw-p 00000000 00:00 0 ", "[stack]") + "\n"},
		{"header past the pad column", []Mapping{{Start: 0xffffffffffff0000, End: 0xffffffffffff1000, Prot: 7, Offset: 0xffffffffff,
			Dev: mkdev(0xfff, 0xfffff), Inode: 18446744073709551615, Name: "/n"}},
			"ffffffffffff0000-ffffffffffff1000 rwxp ffffffffff fff:fffff 18446744073709551615  /n\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			golden(t, tc.name, string(renderMaps(tc.maps)), tc.want)
		})
	}
	// A name always starts at column 73 when the header is short.
	for _, l := range strings.Split(strings.TrimSpace(string(renderMaps(testProc().maps))), "\n") {
		if strings.HasSuffix(l, " ") {
			continue
		}
		if l[72] != ' ' || l[73] == ' ' {
			t.Errorf("name not at column 73: %q", l)
		}
	}
}

func TestPidStat(t *testing.T) {
	pr, _ := newTestProc()
	// 52 fields; values from testProc.
	want := "4242 (python3) R 1 4242 4242 0 -1 4194560 900 0 3 0 25 12 0 0 20 0 2 0 123 17084416 2123 " +
		"18446744073709551615 93824992215040 93824992229904 281474976705040 0 0 0 0 4096 65538 0 0 0 17 1 0 0 0 0 0 " +
		"93824992296336 93824992296976 93824992301056 281474976706304 281474976706336 281474976706336 281474976706528 0\n"
	got := read(t, opener{&pr.tree}, "/4242/stat")
	golden(t, "stat", got, want)
	if n := len(strings.Fields(got)); n != 52 {
		t.Errorf("stat has %d fields, want 52", n)
	}
	// The thread: its own name, state, counters, masks, start time, cpu and
	// exit signal -1; wchan 1 as it sleeps.
	want = "4243 (worker) S 1 4242 4242 0 -1 4194560 100 0 0 0 5 2 0 0 20 0 2 0 200 17084416 2123 " +
		"18446744073709551615 93824992215040 93824992229904 281474976705040 0 0 512 8194 4096 65538 1 0 0 -1 0 0 0 0 0 0 " +
		"93824992296336 93824992296976 93824992301056 281474976706304 281474976706336 281474976706336 281474976706528 0\n"
	golden(t, "task stat", read(t, opener{&pr.tree}, "/4242/task/4243/stat"), want)
	// /proc/<tid> works though it is not listed.
	if got := read(t, opener{&pr.tree}, "/4243/stat"); !strings.HasPrefix(got, "4243 (worker) S ") {
		t.Errorf("/4243/stat = %q", got)
	}
}

func TestPidStatEdgeCases(t *testing.T) {
	fp := testProc()
	fp.status.Comm = "a) (b c with a long name"
	fp.threads = nil
	fp.maps = nil
	fp.status.Layout = Layout{}
	fp.status.TTY = mkdev(136, 3)
	fp.status.TPGid = 4242
	fp.status.ExitSignal = -1
	fp.status.Nice = -5
	pr := NewProc(testSystem(), &fakeTable{procs: []Process{fp}})
	got := read(t, opener{&pr.tree}, "/4242/stat")
	// The name is cut to 15 bytes and not escaped; a process with no thread
	// list sleeps and counts one thread.
	want := "4242 (a) (b c with a ) S 1 4242 4242 34819 4242 4194560 900 0 3 0 25 12 0 0 15 -5 1 0 123 0 0 " +
		"18446744073709551615 0 0 0 0 0 0 0 4096 65538 1 0 0 -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	golden(t, "stat", got, want)
}

func TestStatm(t *testing.T) {
	pr, _ := newTestProc()
	golden(t, "statm", read(t, opener{&pr.tree}, "/4242/statm"), "4171 2123 7 4 0 2117 0\n")
}

const wantStatus = `Name:	python3
Umask:	0022
State:	R (running)
Tgid:	4242
Ngid:	0
Pid:	4242
PPid:	1
TracerPid:	0
Uid:	0	0	0	0
Gid:	0	0	0	0
FDSize:	128
Groups:	0 
NStgid:	4242
NSpid:	4242
NSpgid:	4242
NSsid:	4242
Kthread:	0
VmPeak:	   16684 kB
VmSize:	   16684 kB
VmLck:	       0 kB
VmPin:	       0 kB
VmHWM:	    8492 kB
VmRSS:	    8492 kB
RssAnon:	    8464 kB
RssFile:	      28 kB
RssShmem:	       0 kB
VmData:	     272 kB
VmStk:	    8196 kB
VmExe:	      16 kB
VmLib:	       4 kB
VmPTE:	      48 kB
VmSwap:	       0 kB
HugetlbPages:	       0 kB
CoreDumping:	0
THP_enabled:	1
Threads:	2
SigQ:	0/63457
SigPnd:	0000000000000000
ShdPnd:	0000000000000000
SigBlk:	0000000000000000
SigIgn:	0000000000001000
SigCgt:	0000000000010002
CapInh:	0000000000000000
CapPrm:	000001ffffffffff
CapEff:	000001ffffffffff
CapBnd:	000001ffffffffff
CapAmb:	0000000000000000
NoNewPrivs:	0
Seccomp:	0
Seccomp_filters:	0
Speculation_Store_Bypass:	thread vulnerable
SpeculationIndirectBranch:	unknown
Cpus_allowed:	3
Cpus_allowed_list:	0-1
Mems_allowed:	1
Mems_allowed_list:	0
voluntary_ctxt_switches:	5
nonvoluntary_ctxt_switches:	2
`

func TestStatus(t *testing.T) {
	pr, _ := newTestProc()
	golden(t, "status", read(t, opener{&pr.tree}, "/4242/status"), wantStatus)

	// The thread's status: its Pid, name, state, pending and blocked sets.
	got := read(t, opener{&pr.tree}, "/4242/task/4243/status")
	for _, l := range []string{"Name:\tworker\n", "State:\tS (sleeping)\n", "Tgid:\t4242\n", "Pid:\t4243\n",
		"SigPnd:\t0000000000000200\n", "SigBlk:\t0000000000002002\n", "NSpid:\t4243\n"} {
		if !strings.Contains(got, l) {
			t.Errorf("thread status lacks %q", l)
		}
	}
}

func TestStatusCredsAndEscapes(t *testing.T) {
	fp := testProc()
	fp.status.Comm = "a\\b\nc"
	fp.status.Umask = 0o7
	fp.status.NoNewPrivs = true
	fp.status.Seccomp = 2
	fp.creds = Creds{UID: 1000, EUID: 1001, SUID: 1002, FSUID: 1003, GID: 100, EGID: 101, SGID: 102, FSGID: 103}
	fp.fds = nil
	pr := NewProc(testSystem(), &fakeTable{procs: []Process{fp}})
	got := read(t, opener{&pr.tree}, "/4242/status")
	for _, l := range []string{"Name:\ta\\\\b\\nc\n", "Umask:\t0007\n", "Uid:\t1000\t1001\t1002\t1003\n",
		"Gid:\t100\t101\t102\t103\n", "Groups:\t \n", "FDSize:\t64\n", "NoNewPrivs:\t1\n", "Seccomp:\t2\n",
		"CapPrm:\t0000000000000000\n"} {
		if !strings.Contains(got, l) {
			t.Errorf("status lacks %q", l)
		}
	}
}

func TestLimits(t *testing.T) {
	pr, _ := newTestProc()
	want := "Limit                     Soft Limit           Hard Limit           Units     \n" +
		"Max cpu time              unlimited            unlimited            seconds   \n" +
		"Max file size             unlimited            unlimited            bytes     \n" +
		"Max data size             unlimited            unlimited            bytes     \n" +
		"Max stack size            8388608              unlimited            bytes     \n" +
		"Max core file size        0                    unlimited            bytes     \n" +
		"Max resident set          unlimited            unlimited            bytes     \n" +
		"Max processes             63457                63457                processes \n" +
		"Max open files            1024                 1048576              files     \n" +
		"Max locked memory         8388608              8388608              bytes     \n" +
		"Max address space         unlimited            unlimited            bytes     \n" +
		"Max file locks            unlimited            unlimited            locks     \n" +
		"Max pending signals       63457                63457                signals   \n" +
		"Max msgqueue size         819200               819200               bytes     \n" +
		"Max nice priority         0                    0                    \n" +
		"Max realtime priority     0                    0                    \n" +
		"Max realtime timeout      unlimited            unlimited            us        \n"
	golden(t, "limits", read(t, opener{&pr.tree}, "/4242/limits"), want)
}

func TestFdAndFdinfo(t *testing.T) {
	pr, _ := newTestProc()
	tests := []struct {
		fd, link, info string
		mode           uint32
	}{
		{"0", "/dev/pts/0", "pos:\t0\nflags:\t0400002\nmnt_id:\t25\nino:\t3\n", sIFLNK | 0o700},
		{"1", "pipe:[55123]", "pos:\t0\nflags:\t01\nmnt_id:\t15\nino:\t55123\n", sIFLNK | 0o300},
		{"2", "/var/log/x.log", "pos:\t1234\nflags:\t02402001\nmnt_id:\t24\nino:\t99\n", sIFLNK | 0o300},
		{"3", "anon_inode:[eventfd]", "pos:\t0\nflags:\t02004002\nmnt_id:\t15\nino:\t9\neventfd-count:                0\neventfd-id: 3\n", sIFLNK | 0o700},
		{"70", "socket:[4711]", "pos:\t0\nflags:\t02\nmnt_id:\t15\nino:\t4711\n", sIFLNK | 0o700},
	}
	for _, tc := range tests {
		l, e := pr.Readlink("/4242/fd/" + tc.fd)
		if e != 0 || l != tc.link {
			t.Errorf("readlink fd/%s = %q, %d; want %q", tc.fd, l, e, tc.link)
		}
		st, e := pr.Stat("/4242/fd/" + tc.fd)
		if e != 0 || st.Mode != tc.mode || st.Size != 64 {
			t.Errorf("stat fd/%s = mode %o size %d, %d; want mode %o size 64", tc.fd, st.Mode, st.Size, e, tc.mode)
		}
		golden(t, "fdinfo/"+tc.fd, read(t, opener{&pr.tree}, "/4242/fdinfo/"+tc.fd), tc.info)
	}
	for _, p := range []string{"/4242/fd/4", "/4242/fd/00", "/4242/fd/-1", "/4242/fdinfo/4", "/4242/fd/x"} {
		if _, e := pr.Stat(p); e != abi.ENOENT {
			t.Errorf("stat %s: errno %d, want ENOENT", p, e)
		}
	}
	if got := fdLinkMode(abi.O_PATH | abi.O_RDONLY); got != sIFLNK {
		t.Errorf("O_PATH fd link mode %o", got)
	}
}

func TestMountsAndMountinfo(t *testing.T) {
	pr, _ := newTestProc()
	wantMounts := "overlay / overlay rw,relatime 0 0\n" +
		"proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n" +
		"tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0\n" +
		`/srv/my\040data /data ext4 ro,relatime 0 0` + "\n" +
		"/var/log /var/log ext4 rw,relatime 0 0\n"
	golden(t, "mounts", read(t, opener{&pr.tree}, "/4242/mounts"), wantMounts)
	golden(t, "/proc/mounts", read(t, opener{&pr.tree}, "/self/mounts"), wantMounts)
	wantInfo := "20 1 0:52 / / rw,relatime - overlay overlay rw\n" +
		"21 20 0:21 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw\n" +
		"22 20 0:5 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755\n" +
		`23 20 8:1 /srv/my\040data /data ro,relatime - ext4 /srv/my\040data ro` + "\n" +
		"24 20 8:1 /var/log /var/log rw,relatime - ext4 /var/log rw\n"
	golden(t, "mountinfo", read(t, opener{&pr.tree}, "/4242/mountinfo"), wantInfo)
	if got := mangle("a\tb\\c\nd"); got != `a\011b\134c\012d` {
		t.Errorf("mangle = %q", got)
	}
}

func TestRawFiles(t *testing.T) {
	pr, fp := newTestProc()
	tests := []struct{ path, want string }{
		{"/4242/cmdline", "python3\x00-c\x00pass\x00"},
		{"/4242/environ", "PATH=/usr/bin\x00HOME=/root\x00"},
		{"/4242/auxv", string(fp.auxv)},
		{"/4242/comm", "python3\n"},
		{"/4242/task/4243/comm", "worker\n"},
		{"/4242/cgroup", "0::/\n"},
		{"/self/cgroup", "0::/\n"},
	}
	for _, tc := range tests {
		golden(t, tc.path, read(t, opener{&pr.tree}, tc.path), tc.want)
	}
	// An empty command line (a kernel thread, or a process that cleared
	// it) reads as nothing.
	fp.cmdline = nil
	if got := read(t, opener{&pr.tree}, "/4242/cmdline"); got != "" {
		t.Errorf("empty cmdline read %q", got)
	}
	for _, tc := range []struct{ path, want string }{{"/4242/exe", "/usr/bin/python3.11"}, {"/4242/cwd", "/home/my dir"},
		{"/4242/root", "/"}, {"/self", "4242"}, {"/thread-self", "4242/task/4242"}, {"/mounts", "self/mounts"},
		{"/4242/task/4243/exe", "/usr/bin/python3.11"}} {
		if got, e := pr.Readlink(tc.path); e != 0 || got != tc.want {
			t.Errorf("readlink %s = %q, %d; want %q", tc.path, got, e, tc.want)
		}
	}
	fp.exe = ""
	if _, e := pr.Readlink("/4242/exe"); e != abi.ENOENT {
		t.Errorf("readlink of an exe-less process: errno %d, want ENOENT", e)
	}
}

func TestCpuinfo(t *testing.T) {
	sys := testSystem()
	pr := NewProc(sys, &fakeTable{})
	cpu := func(i int, part string) string {
		return "processor\t: " + string(rune('0'+i)) + "\n" +
			"BogoMIPS\t: 48.00\n" +
			"Features\t: fp asimd aes pmull crc32 atomics cpuid dcpodp wfxt\n" +
			"CPU implementer\t: 0x61\n" +
			"CPU architecture: 8\n" +
			"CPU variant\t: 0x1\n" +
			"CPU part\t: 0x" + part + "\n" +
			"CPU revision\t: 1\n\n"
	}
	golden(t, "cpuinfo", read(t, opener{&pr.tree}, "/cpuinfo"), cpu(0, "022")+cpu(1, "023"))

	// Defaults: Neoverse-N1 r3p1; a 25 MHz timer gives BogoMIPS 50.00.
	sys.MIDR = nil
	sys.TimerFreq = 25_000_000
	sys.NumCPU = 1
	sys.HWCAP, sys.HWCAP2 = 0, 0
	pr = NewProc(sys, &fakeTable{})
	golden(t, "default cpuinfo", read(t, opener{&pr.tree}, "/cpuinfo"),
		"processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t:\nCPU implementer\t: 0x41\nCPU architecture: 8\n"+
			"CPU variant\t: 0x3\nCPU part\t: 0xd0c\nCPU revision\t: 1\n\n")
}

func TestFeatureNames(t *testing.T) {
	all := FeatureNames(^uint64(0)>>32, ^uint64(0))
	if len(all) != 32+64 || all[0] != "fp" || all[31] != "pacg" || all[32] != "dcpodp" || all[len(all)-1] != "poe" {
		t.Errorf("all features: %v", all)
	}
	// Bits the kernel has no name for are left out.
	if got := strings.Join(FeatureNames(1<<40|1<<20, 1<<46), " "); got != "asimddp lrcpc3" {
		t.Errorf("features = %q", got)
	}
}

func TestMeminfo(t *testing.T) {
	pr, _ := newTestProc()
	want := `MemTotal:       16305432 kB
MemFree:         8734452 kB
MemAvailable:   13525160 kB
Buffers:          263224 kB
Cached:          4473044 kB
SwapCached:            0 kB
Active:                0 kB
Inactive:              0 kB
Active(anon):          0 kB
Inactive(anon):        0 kB
Active(file):          0 kB
Inactive(file):        0 kB
Unevictable:           0 kB
Mlocked:               0 kB
SwapTotal:       4194300 kB
SwapFree:        4194300 kB
Zswap:                 0 kB
Zswapped:              0 kB
Dirty:                 0 kB
Writeback:             0 kB
AnonPages:             0 kB
Mapped:                0 kB
Shmem:             79556 kB
KReclaimable:          0 kB
Slab:                  0 kB
SReclaimable:          0 kB
SUnreclaim:            0 kB
KernelStack:           0 kB
PageTables:            0 kB
SecPageTables:         0 kB
NFS_Unstable:          0 kB
Bounce:                0 kB
WritebackTmp:          0 kB
CommitLimit:    12347016 kB
Committed_AS:    7543316 kB
VmallocTotal:   135288315904 kB
VmallocUsed:           0 kB
VmallocChunk:          0 kB
Percpu:                0 kB
HardwareCorrupted:     0 kB
AnonHugePages:         0 kB
ShmemHugePages:        0 kB
ShmemPmdMapped:        0 kB
FileHugePages:         0 kB
FilePmdMapped:         0 kB
CmaTotal:              0 kB
CmaFree:               0 kB
HugePages_Total:       0
HugePages_Free:        0
HugePages_Rsvd:        0
HugePages_Surp:        0
Hugepagesize:       2048 kB
Hugetlb:               0 kB
`
	golden(t, "meminfo", read(t, opener{&pr.tree}, "/meminfo"), want)

	// A host that gives only totals: MemAvailable and SwapFree derived.
	got := string(renderMeminfo(MemInfo{"MemTotal": 1000, "MemFree": 100, "Cached": 50, "SwapTotal": 10}))
	for _, l := range []string{"MemAvailable:        150 kB\n", "SwapFree:             10 kB\n", "CommitLimit:         510 kB\n"} {
		if !strings.Contains(got, l) {
			t.Errorf("derived meminfo lacks %q", l)
		}
	}
}

func TestSystemFiles(t *testing.T) {
	pr, _ := newTestProc()
	tests := []struct{ path, want string }{
		{"/stat", "cpu  300 2 110 19000 3 0 0 0 0 0\n" +
			"cpu0 100 2 50 10000 3 0 0 0 0 0\n" +
			"cpu1 200 0 60 9000 0 0 0 0 0 0\n" +
			"intr 7890\nctxt 123456\nbtime 1700000000\nprocesses 4321\nprocs_running 1\nprocs_blocked 0\n" +
			"softirq 0 0 0 0 0 0 0 0 0 0 0\n"},
		{"/uptime", "12345.67 190.00\n"},
		{"/loadavg", "0.52 0.58 1.50 1/2 4243\n"},
		{"/version", "Linux version 6.12.0-carrick (carrick@carrick) (carrick) #1 SMP PREEMPT carrick\n"},
		{"/swaps", "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"},
		{"/sys/kernel/hostname", "box\n"},
		{"/sys/kernel/ostype", "Linux\n"},
		{"/sys/kernel/osrelease", "6.12.0-carrick\n"},
		{"/sys/kernel/version", "#1 SMP PREEMPT carrick\n"},
		{"/sys/kernel/pid_max", "4194304\n"},
		{"/sys/kernel/ngroups_max", "65536\n"},
		{"/sys/kernel/cap_last_cap", "40\n"},
		{"/sys/kernel/threads-max", "127386\n"},
		{"/sys/kernel/random/boot_id", "9b7b2a1e-3f7c-4c1a-9f59-1b6a0e2d7c11\n"},
		{"/sys/vm/overcommit_memory", "0\n"},
		{"/sys/fs/file-max", "9223372036854775807\n"},
		{"/sys/fs/nr_open", "1048576\n"},
		{"/sys/net/core/somaxconn", "4096\n"},
	}
	for _, tc := range tests {
		golden(t, tc.path, read(t, opener{&pr.tree}, tc.path), tc.want)
	}
	fs := read(t, opener{&pr.tree}, "/filesystems")
	for _, l := range []string{"nodev\tproc\n", "nodev\tsysfs\n", "nodev\ttmpfs\n", "\text4\n", "nodev\toverlay\n", "nodev\tdevpts\n"} {
		if !strings.Contains(fs, l) {
			t.Errorf("filesystems lacks %q", l)
		}
	}
	// uuid: a fresh version-4 UUID per open.
	u1, u2 := read(t, opener{&pr.tree}, "/sys/kernel/random/uuid"), read(t, opener{&pr.tree}, "/sys/kernel/random/uuid")
	if u1 == u2 || len(u1) != 37 || u1[14] != '4' || !strings.Contains("89ab", u1[19:20]) {
		t.Errorf("uuids %q %q", u1, u2)
	}
	// Uptime with no CPU accounting (a macOS host): all CPUs idle.
	h := testHost()
	h.cpus = nil
	h.now = testBoot.Add(5 * time.Millisecond)
	sys := testSystem()
	sys.Host = h
	if got := string(renderUptime(sys.withDefaults())); got != "0.00 0.00\n" {
		t.Errorf("uptime = %q", got)
	}
	h.now = testBoot.Add(90*time.Second + 50*time.Millisecond)
	if got := string(renderUptime(sys.withDefaults())); got != "90.05 180.10\n" {
		t.Errorf("uptime = %q", got)
	}
}

func TestCPUMasks(t *testing.T) {
	tests := []struct {
		n         int
		hex, list string
	}{
		{1, "1", "0"}, {2, "3", "0-1"}, {8, "ff", "0-7"}, {10, "3ff", "0-9"}, {32, "ffffffff", "0-31"},
		{33, "1,ffffffff", "0-32"}, {64, "ffffffff,ffffffff", "0-63"}, {72, "ff,ffffffff,ffffffff", "0-71"},
	}
	for _, tc := range tests {
		if got := cpumaskHex(tc.n); got != tc.hex {
			t.Errorf("cpumaskHex(%d) = %q, want %q", tc.n, got, tc.hex)
		}
		if got := cpuList(tc.n); got != tc.list {
			t.Errorf("cpuList(%d) = %q, want %q", tc.n, got, tc.list)
		}
	}
}

func TestFDSize(t *testing.T) {
	for _, tc := range []struct{ hi, want int }{{-1, 64}, {0, 64}, {63, 64}, {64, 128}, {127, 128}, {128, 256}, {255, 256}, {256, 512}, {1000, 1024}} {
		var fds []FD
		if tc.hi >= 0 {
			fds = []FD{{Num: tc.hi}}
		}
		if got := fdSize(fds); got != tc.want {
			t.Errorf("fdSize(max %d) = %d, want %d", tc.hi, got, tc.want)
		}
	}
}
