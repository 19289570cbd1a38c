package sysemu

import "github.com/carrick-go/carrick/sysemu/abi"

// handler implements one syscall; it returns the value for X0 (a negative
// errno on failure).
type handler func(t *Task, a [6]uint64) uint64

// syscalls maps arm64 syscall numbers to handlers. A number missing here
// returns ENOSYS and is recorded in the compat report. (Filled in init:
// clone's handler starts threads that dispatch through this table.)
var syscalls map[uint64]handler

func init() { syscalls = syscallHandlers() }

func syscallHandlers() map[uint64]handler {
	return map[uint64]handler{
		// memory (sys_mm.go)
		abi.SYS_BRK:      sysBrk,
		abi.SYS_MMAP:     sysMmap,
		abi.SYS_MUNMAP:   sysMunmap,
		abi.SYS_MPROTECT: sysMprotect,
		abi.SYS_MADVISE:  sysMadvise,
		// I/O (sys_io.go)
		abi.SYS_READ:   sysRead,
		abi.SYS_WRITE:  sysWrite,
		abi.SYS_READV:  sysReadv,
		abi.SYS_WRITEV: sysWritev,
		abi.SYS_CLOSE:  sysClose,
		abi.SYS_FCNTL:  sysFcntl,
		// files (sys_file.go, sys_path.go)
		abi.SYS_OPENAT:     sysOpenat,
		abi.SYS_OPENAT2:    sysOpenat2,
		abi.SYS_LSEEK:      sysLseek,
		abi.SYS_PREAD64:    sysPread64,
		abi.SYS_PWRITE64:   sysPwrite64,
		abi.SYS_DUP:        sysDup,
		abi.SYS_DUP3:       sysDup3,
		abi.SYS_PIPE2:      sysPipe2,
		abi.SYS_GETDENTS64: sysGetdents64,
		abi.SYS_FSYNC:      sysFsync,
		abi.SYS_FDATASYNC:  sysFsync,
		abi.SYS_SYNC:       sysSync,
		abi.SYS_SYNCFS:     sysSync,
		abi.SYS_FTRUNCATE:  sysFtruncate,
		abi.SYS_TRUNCATE:   sysTruncate,
		abi.SYS_IOCTL:      sysIoctl,
		abi.SYS_FSTAT:      sysFstat,
		abi.SYS_NEWFSTATAT: sysNewfstatat,
		abi.SYS_STATX:      sysStatx,
		abi.SYS_READLINKAT: sysReadlinkat,
		abi.SYS_FACCESSAT:  sysFaccessat,
		abi.SYS_FACCESSAT2: sysFaccessat,
		abi.SYS_MKDIRAT:    sysMkdirat,
		abi.SYS_MKNODAT:    sysMknodat,
		abi.SYS_UNLINKAT:   sysUnlinkat,
		abi.SYS_RENAMEAT:   sysRenameat,
		abi.SYS_RENAMEAT2:  sysRenameat2,
		abi.SYS_LINKAT:     sysLinkat,
		abi.SYS_SYMLINKAT:  sysSymlinkat,
		abi.SYS_FCHMODAT:   sysFchmodat,
		abi.SYS_FCHMOD:     sysFchmod,
		abi.SYS_FCHOWNAT:   sysFchownat,
		abi.SYS_FCHOWN:     sysFchown,
		abi.SYS_UTIMENSAT:  sysUtimensat,
		abi.SYS_GETCWD:     sysGetcwd,
		abi.SYS_CHDIR:      sysChdir,
		abi.SYS_FCHDIR:     sysFchdir,
		abi.SYS_UMASK:      sysUmask,
		abi.SYS_STATFS:     sysStatfs,
		abi.SYS_FSTATFS:    sysFstatfs,
		abi.SYS_UNAME:      sysUname,
		// readiness (eventfd.go, epoll.go)
		abi.SYS_EVENTFD2:      sysEventfd2,
		abi.SYS_EPOLL_CREATE1: sysEpollCreate1,
		abi.SYS_EPOLL_CTL:     sysEpollCtl,
		abi.SYS_EPOLL_PWAIT:   sysEpollPwait,
		abi.SYS_EPOLL_PWAIT2:  sysEpollPwait2,
		// threads and processes (sys_thread.go)
		abi.SYS_EXIT:              sysExit,
		abi.SYS_EXIT_GROUP:        sysExitGroup,
		abi.SYS_CLONE:             sysClone,
		abi.SYS_SET_TID_ADDRESS:   sysSetTidAddress,
		abi.SYS_SET_ROBUST_LIST:   sysSetRobustList,
		abi.SYS_FUTEX:             sysFutex,
		abi.SYS_GETPID:            sysGetpid,
		abi.SYS_GETPPID:           sysGetppid,
		abi.SYS_GETTID:            sysGettid,
		abi.SYS_SCHED_YIELD:       sysSchedYield,
		abi.SYS_SCHED_GETAFFINITY: sysSchedGetaffinity,
		// signals: bookkeeping only (sys_signal.go)
		abi.SYS_RT_SIGACTION:   sysRtSigaction,
		abi.SYS_RT_SIGPROCMASK: sysRtSigprocmask,
		abi.SYS_SIGALTSTACK:    sysSigaltstack,
		abi.SYS_RT_SIGRETURN:   sysRtSigreturn,
		abi.SYS_RT_SIGPENDING:  sysRtSigpending,
		abi.SYS_KILL:           sysKill,
		abi.SYS_TGKILL:         sysTgkill,
		abi.SYS_TKILL:          sysTkill,
		// identity, time, randomness (sys_info.go)
		abi.SYS_GETUID:          sysGetid,
		abi.SYS_GETEUID:         sysGetid,
		abi.SYS_GETGID:          sysGetid,
		abi.SYS_GETEGID:         sysGetid,
		abi.SYS_GETRANDOM:       sysGetrandom,
		abi.SYS_PRCTL:           sysPrctl,
		abi.SYS_CLOCK_GETTIME:   sysClockGettime,
		abi.SYS_CLOCK_GETRES:    sysClockGetres,
		abi.SYS_GETTIMEOFDAY:    sysGettimeofday,
		abi.SYS_NANOSLEEP:       sysNanosleep,
		abi.SYS_CLOCK_NANOSLEEP: sysClockNanosleep,
	}
}

func syscallTable(nr uint64) handler { return syscalls[nr] }
