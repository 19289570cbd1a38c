package procfs

import (
	"sync"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// fakeProc is a Process with fixed values.
type fakeProc struct {
	pid     int
	creds   Creds
	status  Status
	threads []Thread
	exe     string
	cwd     string
	root    string
	cmdline []byte
	environ []byte
	auxv    []byte
	maps    []Mapping
	fds     []FD
	limits  [abi.RLIM_NLIMITS]abi.Rlimit
	mounts  []Mount

	mu    sync.Mutex
	comms map[int]string
}

func (p *fakeProc) Pid() int                             { return p.pid }
func (p *fakeProc) Creds() Creds                         { return p.creds }
func (p *fakeProc) Status() Status                       { return p.status }
func (p *fakeProc) Exe() string                          { return p.exe }
func (p *fakeProc) Cwd() string                          { return p.cwd }
func (p *fakeProc) Root() string                         { return p.root }
func (p *fakeProc) Cmdline() []byte                      { return p.cmdline }
func (p *fakeProc) Environ() []byte                      { return p.environ }
func (p *fakeProc) Auxv() []byte                         { return p.auxv }
func (p *fakeProc) Maps() []Mapping                      { return p.maps }
func (p *fakeProc) FDs() []FD                            { return p.fds }
func (p *fakeProc) Mounts() []Mount                      { return p.mounts }
func (p *fakeProc) Limits() [abi.RLIM_NLIMITS]abi.Rlimit { return p.limits }

func (p *fakeProc) Threads() []Thread {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := append([]Thread(nil), p.threads...)
	for i := range out {
		if c, ok := p.comms[out[i].TID]; ok {
			out[i].Comm = c
		}
	}
	return out
}

// commProc adds CommSetter.
type commProc struct{ *fakeProc }

func (p commProc) SetComm(tid int, name string) abi.Errno {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.comms == nil {
		p.comms = map[int]string{}
	}
	p.comms[tid] = name
	return 0
}

// fakeTable holds processes; Self is the first.
type fakeTable struct{ procs []Process }

func (t *fakeTable) Self() Process {
	if len(t.procs) == 0 {
		return nil
	}
	return t.procs[0]
}

func (t *fakeTable) Lookup(pid int) Process {
	for _, p := range t.procs {
		if p.Pid() == pid {
			return p
		}
	}
	return nil
}

func (t *fakeTable) Pids() []int {
	var out []int
	for _, p := range t.procs {
		out = append(out, p.Pid())
	}
	return out
}

// fakeHost is a Host with fixed values.
type fakeHost struct {
	mem  MemInfo
	la   [3]float64
	cpus []CPUTime
	boot time.Time
	now  time.Time
}

func (h *fakeHost) MemInfo() MemInfo    { return h.mem }
func (h *fakeHost) LoadAvg() [3]float64 { return h.la }
func (h *fakeHost) CPUTimes() []CPUTime { return h.cpus }
func (h *fakeHost) BootTime() time.Time { return h.boot }
func (h *fakeHost) Now() time.Time      { return h.now }
func (h *fakeHost) Counters() (uint64, uint64, uint64) {
	return 123456, 7890, 4321
}

var testBoot = time.Unix(1_700_000_000, 0)

func testHost() *fakeHost {
	return &fakeHost{
		mem: MemInfo{"MemTotal": 16305432, "MemFree": 8734452, "MemAvailable": 13525160, "Buffers": 263224,
			"Cached": 4473044, "SwapTotal": 4194300, "SwapFree": 4194300, "Shmem": 79556, "Committed_AS": 7543316},
		la:   [3]float64{0.52, 0.58, 1.5},
		cpus: []CPUTime{{User: 100, Nice: 2, System: 50, Idle: 10000, IOWait: 3}, {User: 200, System: 60, Idle: 9000}},
		boot: testBoot,
		now:  testBoot.Add(12345*time.Second + 670*time.Millisecond),
	}
}

func testSystem() System {
	return System{
		KernelRelease: "6.12.0-carrick",
		KernelVersion: "#1 SMP PREEMPT carrick",
		Hostname:      func() string { return "box" },
		HWCAP:         1<<0 | 1<<1 | 1<<3 | 1<<4 | 1<<7 | 1<<8 | 1<<11,
		HWCAP2:        1<<0 | 1<<31,
		MIDR:          []uint64{0x611f0221, 0x611f0231},
		NumCPU:        2,
		Host:          testHost(),
		BootID:        "9b7b2a1e-3f7c-4c1a-9f59-1b6a0e2d7c11",
	}
}

func defaultLimits() [abi.RLIM_NLIMITS]abi.Rlimit {
	var l [abi.RLIM_NLIMITS]abi.Rlimit
	for i := range l {
		l[i] = abi.Rlimit{Cur: rlimInfinity, Max: rlimInfinity}
	}
	l[abi.RLIMIT_STACK] = abi.Rlimit{Cur: 8 << 20, Max: rlimInfinity}
	l[abi.RLIMIT_CORE] = abi.Rlimit{Cur: 0, Max: rlimInfinity}
	l[abi.RLIMIT_NOFILE] = abi.Rlimit{Cur: 1024, Max: 1048576}
	l[abi.RLIMIT_MEMLOCK] = abi.Rlimit{Cur: 8 << 20, Max: 8 << 20}
	l[abi.RLIMIT_SIGPENDING] = abi.Rlimit{Cur: 63457, Max: 63457}
	l[abi.RLIMIT_NPROC] = abi.Rlimit{Cur: 63457, Max: 63457}
	l[abi.RLIMIT_MSGQUEUE] = abi.Rlimit{Cur: 819200, Max: 819200}
	l[abi.RLIMIT_NICE] = abi.Rlimit{}
	l[abi.RLIMIT_RTPRIO] = abi.Rlimit{}
	return l
}

// testProc is a small dynamically linked program with two threads.
func testProc() *fakeProc {
	return &fakeProc{
		pid:   4242,
		creds: RootCreds(),
		status: Status{
			Comm: "python3", PPid: 1, Pgrp: 4242, Session: 4242, TPGid: -1, Flags: 0x400100,
			Umask: 0o022, StartTime: 1234 * time.Millisecond,
			MinFlt: 900, MajFlt: 3, Utime: 250 * time.Millisecond, Stime: 120 * time.Millisecond,
			SigIgn: 1 << 12, SigCgt: 1<<1 | 1<<16,
			Layout: Layout{StartCode: 0x555555550000, EndCode: 0x555555553a10, StartData: 0x555555563d90,
				EndData: 0x555555564010, StartBrk: 0x555555565000, Brk: 0x555555586000, StartStack: 0xfffffffff000 - 0x5f0,
				ArgStart: 0xffffffffef00, ArgEnd: 0xffffffffef20, EnvStart: 0xffffffffef20, EnvEnd: 0xffffffffefe0},
		},
		threads: []Thread{
			{TID: 4242, Comm: "python3", State: 'R', SigBlk: 0, CPU: 1, VolCtx: 5, NonVolCtx: 2,
				Utime: 200 * time.Millisecond, Stime: 100 * time.Millisecond, MinFlt: 800, MajFlt: 3},
			{TID: 4243, Comm: "worker", State: 'S', SigBlk: 1<<13 | 1<<1, SigPnd: 1 << 9, CPU: 0,
				Utime: 50 * time.Millisecond, Stime: 20 * time.Millisecond, MinFlt: 100,
				StartTime: 2 * time.Second},
		},
		exe:     "/usr/bin/python3.11",
		cwd:     "/home/my dir",
		root:    "/",
		cmdline: []byte("python3\x00-c\x00pass\x00"),
		environ: []byte("PATH=/usr/bin\x00HOME=/root\x00"),
		auxv:    []byte{6, 0, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
		maps: []Mapping{
			{Start: 0x555555550000, End: 0x555555554000, Prot: 5, Dev: mkdev(0xfd, 1), Inode: 1835029, Name: "/usr/bin/python3.11"},
			{Start: 0x555555563000, End: 0x555555565000, Prot: 3, Offset: 0x3000, Dev: mkdev(0xfd, 1), Inode: 1835029, Name: "/usr/bin/python3.11"},
			{Start: 0x555555565000, End: 0x555555586000, Prot: 3, Name: "[heap]"},
			{Start: 0x7fb7e00000, End: 0x7fb7e21000, Prot: 3},
			{Start: 0x7fb7f00000, End: 0x7fb7f01000, Prot: 1, Shared: true, Dev: mkdev(8, 2), Inode: 77, Name: "/tmp/a file with spaces"},
			{Start: 0xff07000000, End: 0xff07001000, Prot: 5, Name: "[vdso]"},
			{Start: 0xfffff7800000, End: 0xfffff8000000, Prot: 0},
			{Start: 0xffffff7ff000, End: 0x1000000000000, Prot: 3, Name: "[stack]"},
		},
		fds: []FD{
			{Num: 0, Target: "/dev/pts/0", Flags: abi.O_RDWR | abi.O_LARGEFILE, MntID: 25, Ino: 3},
			{Num: 1, Target: "pipe:[55123]", Flags: abi.O_WRONLY, Ino: 55123},
			{Num: 2, Target: "/var/log/x.log", Flags: abi.O_WRONLY | abi.O_APPEND | abi.O_LARGEFILE | abi.O_CLOEXEC, Pos: 1234, Ino: 99},
			{Num: 3, Target: "anon_inode:[eventfd]", Flags: abi.O_RDWR | abi.O_NONBLOCK | abi.O_CLOEXEC, Ino: 9,
				Extra: "eventfd-count:                0\neventfd-id: 3\n"},
			{Num: 70, Target: "socket:[4711]", Flags: abi.O_RDWR, Ino: 4711},
		},
		limits: defaultLimits(),
		mounts: []Mount{
			{ID: 20, Parent: 1, Dev: mkdev(0, 52), Root: "/", Target: "/", FSType: "overlay", Source: "overlay", MntOpts: "relatime"},
			{ID: 21, Parent: 20, Dev: ProcDev, Root: "/", Target: "/proc", FSType: "proc", Source: "proc", MntOpts: "nosuid,nodev,noexec,relatime"},
			{ID: 22, Parent: 20, Dev: DevDev, Root: "/", Target: "/dev", FSType: "tmpfs", Source: "tmpfs", MntOpts: "nosuid", FSOpts: "size=65536k,mode=755"},
			{ID: 23, Parent: 20, Dev: mkdev(8, 1), Root: "/srv/my data", Target: "/data", FSType: "ext4", Source: "/srv/my data", ReadOnly: true, MntOpts: "relatime"},
			{ID: 24, Parent: 20, Dev: mkdev(8, 1), Root: "/var/log", Target: "/var/log", FSType: "ext4", Source: "/var/log", MntOpts: "relatime"},
		},
	}
}
