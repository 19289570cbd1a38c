package abi

// wait4/waitid options and id types (linux/wait.h), SIGCHLD's si_code
// values (asm-generic/siginfo.h) and pidfd flags (linux/pidfd.h).
const (
	WNOHANG    = 0x00000001
	WUNTRACED  = 0x00000002
	WSTOPPED   = WUNTRACED
	WEXITED    = 0x00000004
	WCONTINUED = 0x00000008
	WNOWAIT    = 0x01000000
	// WNOTHREAD, WALL and WCLONE are the kernel's __WNOTHREAD, __WALL and
	// __WCLONE.
	WNOTHREAD = 0x20000000
	WALL      = 0x40000000
	WCLONE    = 0x80000000

	P_ALL   = 0
	P_PID   = 1
	P_PGID  = 2
	P_PIDFD = 3

	CLD_EXITED    = 1
	CLD_KILLED    = 2
	CLD_DUMPED    = 3
	CLD_TRAPPED   = 4
	CLD_STOPPED   = 5
	CLD_CONTINUED = 6

	PIDFD_NONBLOCK = O_NONBLOCK
	PIDFD_THREAD   = O_EXCL

	PIDFD_SIGNAL_THREAD        = 1
	PIDFD_SIGNAL_THREAD_GROUP  = 2
	PIDFD_SIGNAL_PROCESS_GROUP = 4
)

// SiginfoChld is siginfo_t as SIGCHLD and waitid fill it (the _sigchld
// member of the union): 128 bytes.
type SiginfoChld struct {
	Signo  int32
	Errno  int32
	Code   int32
	_      int32
	Pid    int32
	Uid    uint32
	Status int32
	_      int32
	Utime  int64 // clock ticks (USER_HZ)
	Stime  int64
	_      [80]byte
}

// Offsets of siginfo's SIGCHLD fields.
const (
	OffsetofSiPid    = 16
	OffsetofSiUid    = 20
	OffsetofSiStatus = 24
	OffsetofSiUtime  = 32
	OffsetofSiStime  = 40
)
