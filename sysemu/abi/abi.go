// Package abi holds the Linux arm64 kernel ABI as carrick's guests see it:
// syscall numbers, errno values, flags and struct layouts. It is the only
// place these shapes live; everything Linux-shaped crosses to the host
// through explicit conversion, never by passing host values through.
package abi

import "io/fs"

// Errno is a Linux errno value. Syscall handlers return -Errno in X0.
type Errno uint16

// Linux errno values (asm-generic/errno-base.h, errno.h). They differ from
// the host's on macOS, so they are never taken from the host's headers.
const (
	EPERM        Errno = 1
	ENOENT       Errno = 2
	ESRCH        Errno = 3
	EINTR        Errno = 4
	EIO          Errno = 5
	ENXIO        Errno = 6
	E2BIG        Errno = 7
	ENOEXEC      Errno = 8
	EBADF        Errno = 9
	ECHILD       Errno = 10
	EAGAIN       Errno = 11
	ENOMEM       Errno = 12
	EACCES       Errno = 13
	EFAULT       Errno = 14
	EBUSY        Errno = 16
	EEXIST       Errno = 17
	EXDEV        Errno = 18
	ENODEV       Errno = 19
	ENOTDIR      Errno = 20
	EISDIR       Errno = 21
	EINVAL       Errno = 22
	ENFILE       Errno = 23
	EMFILE       Errno = 24
	ENOTTY       Errno = 25
	EFBIG        Errno = 27
	ENOSPC       Errno = 28
	ESPIPE       Errno = 29
	EROFS        Errno = 30
	EMLINK       Errno = 31
	EPIPE        Errno = 32
	EDOM         Errno = 33
	ERANGE       Errno = 34
	EDEADLK      Errno = 35
	ENAMETOOLONG Errno = 36
	ENOLCK       Errno = 37
	ENOSYS       Errno = 38
	ENOTEMPTY    Errno = 39
	ELOOP        Errno = 40
	ENODATA      Errno = 61
	ETIME        Errno = 62
	EOVERFLOW    Errno = 75
	ENOTSUP      Errno = 95
	ETIMEDOUT    Errno = 110
)

// Neg returns the syscall return value for e: -e as a register.
func (e Errno) Neg() uint64 { return uint64(-int64(e)) }

// PROT_* and MAP_* (asm-generic/mman-common.h, mman.h).
const (
	PROT_READ  = 0x1
	PROT_WRITE = 0x2
	PROT_EXEC  = 0x4

	MAP_SHARED          = 0x01
	MAP_PRIVATE         = 0x02
	MAP_SHARED_VALIDATE = 0x03
	MAP_TYPE            = 0x0f
	MAP_FIXED           = 0x10
	MAP_ANONYMOUS       = 0x20
	MAP_GROWSDOWN       = 0x0100
	MAP_DENYWRITE       = 0x0800
	MAP_EXECUTABLE      = 0x1000
	MAP_LOCKED          = 0x2000
	MAP_NORESERVE       = 0x4000
	MAP_POPULATE        = 0x8000
	MAP_NONBLOCK        = 0x10000
	MAP_STACK           = 0x20000
	MAP_HUGETLB         = 0x40000
	MAP_FIXED_NOREPLACE = 0x100000

	MADV_NORMAL     = 0
	MADV_RANDOM     = 1
	MADV_SEQUENTIAL = 2
	MADV_WILLNEED   = 3
	MADV_DONTNEED   = 4
	MADV_FREE       = 8
)

// Auxiliary vector types (uapi/linux/auxvec.h, arm64 asm/auxvec.h).
const (
	AT_NULL         = 0
	AT_PHDR         = 3
	AT_PHENT        = 4
	AT_PHNUM        = 5
	AT_PAGESZ       = 6
	AT_BASE         = 7
	AT_FLAGS        = 8
	AT_ENTRY        = 9
	AT_UID          = 11
	AT_EUID         = 12
	AT_GID          = 13
	AT_EGID         = 14
	AT_PLATFORM     = 15
	AT_HWCAP        = 16
	AT_CLKTCK       = 17
	AT_SECURE       = 23
	AT_RANDOM       = 25
	AT_HWCAP2       = 26
	AT_EXECFN       = 31
	AT_SYSINFO_EHDR = 33
	AT_MINSIGSTKSZ  = 51
)

// Clone flags (uapi/linux/sched.h).
const (
	CSIGNAL              = 0x000000ff
	CLONE_VM             = 0x00000100
	CLONE_FS             = 0x00000200
	CLONE_FILES          = 0x00000400
	CLONE_SIGHAND        = 0x00000800
	CLONE_PIDFD          = 0x00001000
	CLONE_PTRACE         = 0x00002000
	CLONE_VFORK          = 0x00004000
	CLONE_PARENT         = 0x00008000
	CLONE_THREAD         = 0x00010000
	CLONE_NEWNS          = 0x00020000
	CLONE_SYSVSEM        = 0x00040000
	CLONE_SETTLS         = 0x00080000
	CLONE_PARENT_SETTID  = 0x00100000
	CLONE_CHILD_CLEARTID = 0x00200000
	CLONE_DETACHED       = 0x00400000
	CLONE_UNTRACED       = 0x00800000
	CLONE_CHILD_SETTID   = 0x01000000
)

// Futex operations (uapi/linux/futex.h).
const (
	FUTEX_WAIT             = 0
	FUTEX_WAKE             = 1
	FUTEX_REQUEUE          = 3
	FUTEX_CMP_REQUEUE      = 4
	FUTEX_WAKE_OP          = 5
	FUTEX_WAIT_BITSET      = 9
	FUTEX_WAKE_BITSET      = 10
	FUTEX_PRIVATE_FLAG     = 128
	FUTEX_CLOCK_REALTIME   = 256
	FUTEX_CMD_MASK         = ^(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME)
	FUTEX_BITSET_MATCH_ANY = 0xffffffff
)

// Clock ids (uapi/linux/time.h).
const (
	CLOCK_REALTIME           = 0
	CLOCK_MONOTONIC          = 1
	CLOCK_PROCESS_CPUTIME_ID = 2
	CLOCK_THREAD_CPUTIME_ID  = 3
	CLOCK_MONOTONIC_RAW      = 4
	CLOCK_REALTIME_COARSE    = 5
	CLOCK_MONOTONIC_COARSE   = 6
	CLOCK_BOOTTIME           = 7
	TIMER_ABSTIME            = 1
)

// Signals (arm64 uses the asm-generic numbering).
const (
	SIGHUP  = 1
	SIGINT  = 2
	SIGQUIT = 3
	SIGILL  = 4
	SIGTRAP = 5
	SIGABRT = 6
	SIGBUS  = 7
	SIGFPE  = 8
	SIGKILL = 9
	SIGUSR1 = 10
	SIGSEGV = 11
	SIGUSR2 = 12
	SIGPIPE = 13
	SIGALRM = 14
	SIGTERM = 15
	SIGCHLD = 17
	SIGURG  = 23
	NSIG    = 64
)

// Sizes of structs copied to and from the guest.
const (
	SizeofTimespec  = 16 // struct timespec { i64 tv_sec; i64 tv_nsec }
	SizeofSigaction = 32 // arm64 struct sigaction { handler, flags u64, restorer, mask u64 }
	SizeofStackT    = 24 // stack_t { ss_sp; int ss_flags; size_t ss_size }
	SizeofUtsname   = 6 * 65
)

// open(2) flags as arm64 Linux defines them (asm-generic/fcntl.h with the
// arm64 overrides for O_DIRECTORY, O_NOFOLLOW, O_DIRECT, O_LARGEFILE).
const (
	O_ACCMODE   = 0x3
	O_RDONLY    = 0x0
	O_WRONLY    = 0x1
	O_RDWR      = 0x2
	O_CREAT     = 0x40
	O_EXCL      = 0x80
	O_NOCTTY    = 0x100
	O_TRUNC     = 0x200
	O_APPEND    = 0x400
	O_NONBLOCK  = 0x800
	O_DSYNC     = 0x1000
	O_ASYNC     = 0x2000
	O_DIRECTORY = 0x4000
	O_NOFOLLOW  = 0x8000
	O_DIRECT    = 0x10000
	O_LARGEFILE = 0x20000
	O_NOATIME   = 0x40000
	O_CLOEXEC   = 0x80000
	O_SYNC      = 0x101000
	O_PATH      = 0x200000
	O_TMPFILE   = 0x404000
)

// fcntl(2) commands and flags.
const (
	F_DUPFD         = 0
	F_GETFD         = 1
	F_SETFD         = 2
	F_GETFL         = 3
	F_SETFL         = 4
	F_DUPFD_CLOEXEC = 1030
	FD_CLOEXEC      = 1
)

// prctl(2) options carrick knows.
const (
	PR_SET_PDEATHSIG    = 1
	PR_GET_PDEATHSIG    = 2
	PR_GET_DUMPABLE     = 3
	PR_SET_DUMPABLE     = 4
	PR_GET_KEEPCAPS     = 7
	PR_SET_KEEPCAPS     = 8
	PR_SET_NAME         = 15
	PR_GET_NAME         = 16
	PR_SET_NO_NEW_PRIVS = 38
	PR_GET_NO_NEW_PRIVS = 39
	PR_SET_VMA          = 0x53564d41
)

// The arm64 signal frame (arch/arm64/include/uapi/asm/sigcontext.h,
// ucontext.h; kernel/signal.c).
const (
	SizeofSiginfo      = 128
	SizeofRtSigframe   = 4688 // siginfo + ucontext
	SizeofFrameRecord  = 16   // {x29, x30} above the frame
	OffsetofUcontext   = 128  // rt_sigframe.uc
	OffsetofUcStack    = 16   // ucontext.uc_stack
	OffsetofUcSigmask  = 40   // ucontext.uc_sigmask
	OffsetofUcMcontext = 176  // ucontext.uc_mcontext (struct sigcontext)
	// Within struct sigcontext.
	OffsetofScFaultAddress = 0
	OffsetofScRegs         = 8
	OffsetofScSP           = 256
	OffsetofScPC           = 264
	OffsetofScPstate       = 272
	OffsetofScReserved     = 288
	SizeofScReserved       = 4096

	FPSIMD_MAGIC        = 0x46508001
	SizeofFPSIMDContext = 528 // head(8) + fpsr + fpcr + 32×16
	ESR_MAGIC           = 0x45535201
	SizeofESRContext    = 16
	EXTRA_MAGIC         = 0x45585401

	SA_NOCLDSTOP = 0x00000001
	SA_NOCLDWAIT = 0x00000002
	SA_SIGINFO   = 0x00000004
	SA_RESTORER  = 0x04000000
	SA_ONSTACK   = 0x08000000
	SA_RESTART   = 0x10000000
	SA_NODEFER   = 0x40000000
	SA_RESETHAND = 0x80000000

	SIG_DFL = 0
	SIG_IGN = 1

	SS_ONSTACK = 1
	SS_DISABLE = 2

	MINSIGSTKSZ = 5120

	// si_code values for synchronous faults.
	SEGV_MAPERR = 1
	SEGV_ACCERR = 2
	BUS_ADRALN  = 1
	ILL_ILLOPC  = 1
	TRAP_BRKPT  = 1
	SI_USER     = 0
	SI_TKILL    = -6
)

var errnoNames = map[Errno]string{
	EPERM: "EPERM", ENOENT: "ENOENT", ESRCH: "ESRCH", EINTR: "EINTR", EIO: "EIO", ENXIO: "ENXIO",
	E2BIG: "E2BIG", ENOEXEC: "ENOEXEC", EBADF: "EBADF", ECHILD: "ECHILD", EAGAIN: "EAGAIN",
	ENOMEM: "ENOMEM", EACCES: "EACCES", EFAULT: "EFAULT", EBUSY: "EBUSY", EEXIST: "EEXIST",
	EXDEV: "EXDEV", ENODEV: "ENODEV", ENOTDIR: "ENOTDIR", EISDIR: "EISDIR", EINVAL: "EINVAL",
	ENFILE: "ENFILE", EMFILE: "EMFILE", ENOTTY: "ENOTTY", EFBIG: "EFBIG", ENOSPC: "ENOSPC",
	ESPIPE: "ESPIPE", EROFS: "EROFS", EMLINK: "EMLINK", EPIPE: "EPIPE", EDOM: "EDOM",
	ERANGE: "ERANGE", EDEADLK: "EDEADLK", ENAMETOOLONG: "ENAMETOOLONG", ENOLCK: "ENOLCK",
	ENOSYS: "ENOSYS", ENOTEMPTY: "ENOTEMPTY", ELOOP: "ELOOP", ENODATA: "ENODATA", ETIME: "ETIME",
	EOVERFLOW: "EOVERFLOW", ENOTSUP: "EOPNOTSUPP", ETIMEDOUT: "ETIMEDOUT",
}

// errnoMessages are glibc's strerror texts, lower-cased as Go's, for
// the errnos a user meets in carrick's own messages.
var errnoMessages = map[Errno]string{
	EPERM: "operation not permitted", ENOENT: "no such file or directory", EIO: "input/output error",
	EACCES: "permission denied", EEXIST: "file exists", EXDEV: "invalid cross-device link",
	ENOTDIR: "not a directory", EISDIR: "is a directory", EINVAL: "invalid argument",
	ENOSPC: "no space left on device", EROFS: "read-only file system", ENAMETOOLONG: "file name too long",
	ENOTEMPTY: "directory not empty", ELOOP: "too many levels of symbolic links", ENOTSUP: "operation not supported",
}

// Message is e as strerror says it, or its name.
func (e Errno) Message() string {
	if m, ok := errnoMessages[e]; ok {
		return m
	}
	return e.Error()
}

// Is lets errors.Is match an Errno against the io/fs sentinels.
func (e Errno) Is(target error) bool {
	switch target {
	case fs.ErrNotExist:
		return e == ENOENT
	case fs.ErrPermission:
		return e == EACCES || e == EPERM
	case fs.ErrExist:
		return e == EEXIST || e == ENOTEMPTY
	}
	return false
}

// Error makes an Errno usable as a Go error; it prints the Linux name.
func (e Errno) Error() string {
	if n, ok := errnoNames[e]; ok {
		return n
	}
	return "errno " + itoa(uint64(e))
}

func itoa(v uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			return string(b[i:])
		}
	}
}

// eventfd and epoll (uapi/linux/eventfd.h, eventpoll.h). struct epoll_event
// is 16 bytes on arm64: it is not packed as on x86-64.
const (
	EFD_SEMAPHORE = 1
	EFD_NONBLOCK  = O_NONBLOCK
	EFD_CLOEXEC   = O_CLOEXEC

	TFD_TIMER_ABSTIME       = 1
	TFD_TIMER_CANCEL_ON_SET = 2
	TFD_NONBLOCK            = O_NONBLOCK
	TFD_CLOEXEC             = O_CLOEXEC
	SizeofItimerspec        = 2 * SizeofTimespec // it_interval, it_value

	EPOLL_CLOEXEC  = O_CLOEXEC
	EPOLL_CTL_ADD  = 1
	EPOLL_CTL_DEL  = 2
	EPOLL_CTL_MOD  = 3
	EPOLLIN        = 0x001
	EPOLLPRI       = 0x002
	EPOLLOUT       = 0x004
	EPOLLERR       = 0x008
	EPOLLHUP       = 0x010
	EPOLLRDNORM    = 0x040
	EPOLLRDBAND    = 0x080
	EPOLLWRNORM    = 0x100
	EPOLLWRBAND    = 0x200
	EPOLLRDHUP     = 0x2000
	EPOLLEXCLUSIVE = 1 << 28
	EPOLLWAKEUP    = 1 << 29
	EPOLLONESHOT   = 1 << 30
	EPOLLET        = 1 << 31

	SizeofEpollEvent = 16
)

// *at(2) flags and special values.
const (
	AT_FDCWD            = -100
	AT_SYMLINK_NOFOLLOW = 0x100
	AT_REMOVEDIR        = 0x200
	AT_EACCESS          = 0x200
	AT_SYMLINK_FOLLOW   = 0x400
	AT_NO_AUTOMOUNT     = 0x800
	AT_EMPTY_PATH       = 0x1000
	AT_STATX_SYNC_TYPE  = 0x6000

	PATH_MAX = 4096

	SEEK_SET  = 0
	SEEK_CUR  = 1
	SEEK_END  = 2
	SEEK_DATA = 3
	SEEK_HOLE = 4

	F_OK = 0
	X_OK = 1
	W_OK = 2
	R_OK = 4
)

// ioctl requests (asm-generic/ioctls.h).
const (
	TCGETS     = 0x5401
	TCSETS     = 0x5402
	TCSETSW    = 0x5403
	TCSETSF    = 0x5404
	TIOCGPGRP  = 0x540f
	TIOCSPGRP  = 0x5410
	TIOCGWINSZ = 0x5413
	TIOCSWINSZ = 0x5414
	FIONREAD   = 0x541b
	FIONBIO    = 0x5421
	FIONCLEX   = 0x5450
	FIOCLEX    = 0x5451
	TCGETS2    = 0x802c542a
	TCSETS2    = 0x402c542b
)

// Resource limits (asm-generic/resource.h).
const (
	RLIMIT_CPU        = 0
	RLIMIT_FSIZE      = 1
	RLIMIT_DATA       = 2
	RLIMIT_STACK      = 3
	RLIMIT_CORE       = 4
	RLIMIT_RSS        = 5
	RLIMIT_NPROC      = 6
	RLIMIT_NOFILE     = 7
	RLIMIT_MEMLOCK    = 8
	RLIMIT_AS         = 9
	RLIMIT_LOCKS      = 10
	RLIMIT_SIGPENDING = 11
	RLIMIT_MSGQUEUE   = 12
	RLIMIT_NICE       = 13
	RLIMIT_RTPRIO     = 14
	RLIMIT_RTTIME     = 15
	RLIM_NLIMITS      = 16

	RUSAGE_SELF     = 0
	RUSAGE_CHILDREN = -1
	RUSAGE_THREAD   = 1

	XATTR_CREATE  = 1
	XATTR_REPLACE = 2
)

// More errno values.
const (
	ENOTBLK    Errno = 15
	ETXTBSY    Errno = 26
	EILSEQ     Errno = 84
	EOPNOTSUPP Errno = ENOTSUP // the same value (95) on Linux
	ESTALE     Errno = 116
	EDQUOT     Errno = 122
)

// File system flags and special values.
const (
	S_IXGRP = 0o0010

	RENAME_NOREPLACE = 1 << 0
	RENAME_EXCHANGE  = 1 << 1
	RENAME_WHITEOUT  = 1 << 2

	UTIME_NOW  = (1 << 30) - 1
	UTIME_OMIT = (1 << 30) - 2

	ST_RDONLY = 0x0001
	ST_NOSUID = 0x0002
	ST_NODEV  = 0x0004

	NAME_MAX       = 255
	MAXSYMLINKS    = 40
	XATTR_NAME_MAX = 255
	XATTR_SIZE_MAX = 65536
)

// Record locks (asm-generic/fcntl.h; struct flock is 32 bytes on arm64).
const (
	F_GETLK      = 5
	F_SETLK      = 6
	F_SETLKW     = 7
	F_OFD_GETLK  = 36
	F_OFD_SETLK  = 37
	F_OFD_SETLKW = 38
	F_RDLCK      = 0
	F_WRLCK      = 1
	F_UNLCK      = 2

	SizeofFlock = 32
)

// Flock is struct flock: l_type, l_whence, l_start, l_len, l_pid.
type Flock struct {
	Type   int16
	Whence int16
	_      int32
	Start  int64
	Len    int64
	Pid    int32
	_      int32
}
