package procfs

import (
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Table is the kernel's process table as /proc lists it.
//
// rootfs.Synthetic calls carry no caller, so Self is "the process whose file
// view this /proc instance is mounted in": /proc/self, /proc/thread-self and
// the permission checks of writes use it. Lookup and Pids cover every process
// the kernel knows (today only the calling one).
type Table interface {
	// Self is the process /proc/self names.
	Self() Process
	// Lookup returns the process with thread-group id pid, or nil.
	Lookup(pid int) Process
	// Pids lists the thread-group ids of the live processes.
	Pids() []int
}

// Process is what /proc/<pid> shows of one process (a thread group). Each
// method returns a snapshot; a file renders from the methods it needs when
// it is opened. Values are Linux's: ids as the guest sees them, paths as
// guest paths.
type Process interface {
	// Pid is the thread-group id.
	Pid() int
	// Creds are the credentials of the thread-group leader.
	Creds() Creds
	// Status is the process-wide state: identity, counters, signals.
	Status() Status
	// Threads lists the live threads, the leader first.
	Threads() []Thread
	// Exe, Cwd and Root are the targets of the exe, cwd and root links
	// ("" makes the link fail with ENOENT, as for a kernel thread).
	Exe() string
	Cwd() string
	Root() string
	// Cmdline, Environ and Auxv are the raw bytes of the argument and
	// environment areas (NUL-separated, NUL-terminated) and of the
	// auxiliary vector (pairs of little-endian uint64, AT_NULL last).
	Cmdline() []byte
	Environ() []byte
	Auxv() []byte
	// Maps lists the mappings in address order.
	Maps() []Mapping
	// FDs lists the open file descriptors in ascending order.
	FDs() []FD
	// Limits are the resource limits, indexed by RLIMIT_*.
	Limits() [abi.RLIM_NLIMITS]abi.Rlimit
	// Mounts is the process's mount table, root first (see MountsFromView).
	Mounts() []Mount
}

// CommSetter is implemented by processes whose thread names can be written
// through /proc/<pid>/comm and /proc/<pid>/task/<tid>/comm (as
// prctl(PR_SET_NAME) does). Without it those files are read-only.
type CommSetter interface {
	SetComm(tid int, name string) abi.Errno
}

// OOMScorer is implemented by a Process whose OOM score adjustment
// exists (a host process on Linux): /proc/<pid>/oom_score_adj reads and
// writes it. Without it the file is absent.
type OOMScorer interface {
	OOMScoreAdj() (int, abi.Errno)
	SetOOMScoreAdj(v int) abi.Errno
}

// Creds are a task's credentials (struct cred).
type Creds struct {
	UID, EUID, SUID, FSUID uint32
	GID, EGID, SGID, FSGID uint32
	Groups                 []uint32
	// Capability sets, bit n = capability n.
	CapInh, CapPrm, CapEff, CapBnd, CapAmb uint64
}

// CapLastCap is CAP_LAST_CAP of the kernel carrick presents (6.12:
// CAP_CHECKPOINT_RESTORE).
const CapLastCap = 40

// AllCaps is the full capability set of that kernel.
const AllCaps = uint64(1)<<(CapLastCap+1) - 1

// RootCreds are the credentials of a root process with every capability,
// what carrick's guests have unless told otherwise.
func RootCreds() Creds {
	return Creds{Groups: []uint32{0}, CapPrm: AllCaps, CapEff: AllCaps, CapBnd: AllCaps}
}

// Status is the process-wide part of /proc/<pid>/stat and status.
type Status struct {
	// Comm is the leader's name (TASK_COMM_LEN-1 bytes at most).
	Comm string
	// PPid, Pgrp and Session are the parent, process group and session.
	PPid, Pgrp, Session int
	// TTY is the controlling terminal's Linux dev_t (0 for none) and TPGid
	// its foreground process group (-1 for none).
	TTY   uint64
	TPGid int
	// Flags are the leader's PF_* flags (stat field 9).
	Flags uint32
	Umask uint32
	Nice  int
	// StartTime is when the process started, measured from boot.
	StartTime time.Duration
	// Fault counts and CPU times of the whole process and of its waited-for
	// children.
	MinFlt, MajFlt, CMinFlt, CMajFlt uint64
	Utime, Stime, CUtime, CStime     time.Duration
	// ShdPnd, SigIgn and SigCgt are the shared pending signals and the
	// ignored and caught ones (bit n-1 = signal n). SigQ is the number of
	// queued signals.
	ShdPnd, SigIgn, SigCgt uint64
	SigQ                   int
	NoNewPrivs             bool
	Seccomp                int
	// Layout is the address-space layout (stat fields 26-28, 45-51).
	Layout Layout
	// RSS and RSSFile are the resident pages (all, and those of file
	// mappings); 0 estimates them as every accessible page of the mappings,
	// which overstates reservations such as the 8 MiB stack. HiwaterRSS and
	// HiwaterVM are peaks in pages; 0 means the current values.
	RSS, RSSFile, HiwaterRSS, HiwaterVM uint64
	// ExitSignal is sent to the parent at exit; 0 means SIGCHLD (17), the
	// signal of every fork. Threads other than the leader show -1.
	ExitSignal int
	// ExitCode is the status a zombie will be reaped with (stat field 52).
	ExitCode int
}

// Layout is where a process's code, data, heap, stack, arguments and
// environment lie.
type Layout struct {
	StartCode, EndCode, StartData, EndData uint64
	StartBrk, Brk, StartStack              uint64
	ArgStart, ArgEnd, EnvStart, EnvEnd     uint64
}

// Thread is one thread's state.
type Thread struct {
	TID  int
	Comm string
	// State is the Linux state letter: 'R' running, 'S' sleeping, 'D' disk
	// sleep, 'T' stopped, 't' tracing stop, 'Z' zombie, 'X' dead.
	State byte
	// SigPnd and SigBlk are the thread's pending and blocked signals.
	SigPnd, SigBlk uint64
	Utime, Stime   time.Duration
	MinFlt, MajFlt uint64
	// CPU is the processor the thread last ran on.
	CPU               int
	VolCtx, NonVolCtx uint64
	// StartTime is when the thread started, from boot (0: the process's).
	StartTime time.Duration
}

// Mapping is one line of /proc/<pid>/maps.
type Mapping struct {
	Start, End uint64
	// Prot is PROT_READ|PROT_WRITE|PROT_EXEC.
	Prot   uint8
	Shared bool
	// Offset is the file offset, Dev (Linux dev_t) and Inode the file's.
	Offset uint64
	Dev    uint64
	Inode  uint64
	// Name is a guest path, "[heap]", "[stack]", "[vdso]", "[anon:x]" or "".
	Name string
}

// FD is one open file descriptor.
type FD struct {
	Num int
	// Target is the link text: a guest path, "pipe:[ino]",
	// "socket:[ino]", "anon_inode:[eventfd]", "anon_inode:[eventpoll]", …
	Target string
	// Flags are the Linux open flags of the description, with O_CLOEXEC
	// when the descriptor is close-on-exec.
	Flags int
	Pos   int64
	// MntID is the mount the file is on; 0 derives it from Target and the
	// mount table.
	MntID int
	Ino   uint64
	// Extra are the type-specific fdinfo lines ("eventfd-count: …\n",
	// "tfd: …\n"), newline-terminated.
	Extra string
}

// Mount is one entry of a mount table, as mounts and mountinfo show it.
type Mount struct {
	ID, Parent int
	// Dev is the Linux dev_t of the file system (mountinfo's major:minor).
	Dev uint64
	// Root is the path inside the file system that is mounted ("/").
	Root     string
	Target   string
	FSType   string
	Source   string
	ReadOnly bool
	// MntOpts are the per-mount flags after rw/ro ("nosuid,nodev,relatime")
	// and FSOpts the file system's own options ("size=65536k,mode=755").
	MntOpts, FSOpts string
}
