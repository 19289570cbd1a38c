package sysemu

import (
	"sort"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// handler implements one syscall; it returns the value for X0 (a negative
// errno on failure).
type handler func(t *Task, a [6]uint64) uint64

// Support says how much of a syscall carrick implements; the table feeds
// dispatch, the compat report and docs/compatibility.md alike.
type Support uint8

const (
	// Full: the syscall behaves as Linux's.
	Full Support = iota
	// Partial: implemented, with limits given in the note.
	Partial
	// ByDesign: answers as a kernel without the feature would (ENOSYS or
	// another error), deliberately; the note says why. Not counted as
	// missing.
	ByDesign
)

func (s Support) String() string {
	return [...]string{"full", "partial", "by design"}[s]
}

// syscallEntry is one row of the table.
type syscallEntry struct {
	fn    handler
	level Support
	note  string
}

func full(fn handler) syscallEntry { return syscallEntry{fn: fn, level: Full} }

func partial(fn handler, note string) syscallEntry {
	return syscallEntry{fn: fn, level: Partial, note: note}
}

func byDesign(e abi.Errno, note string) syscallEntry {
	return syscallEntry{fn: func(*Task, [6]uint64) uint64 { return errno(e) }, level: ByDesign, note: note}
}

// syscalls maps arm64 syscall numbers to handlers. A number missing here
// returns ENOSYS and is recorded in the compat report. (Filled in init:
// clone's handler starts threads that dispatch through this table.)
var syscalls map[uint64]syscallEntry

func init() { syscalls = syscallTableRows() }

func syscallTableRows() map[uint64]syscallEntry {
	return map[uint64]syscallEntry{
		// memory (sys_mm.go)
		abi.SYS_BRK:          full(sysBrk),
		abi.SYS_MMAP:         partial(sysMmap, "private file mappings are copies taken at mmap time; MAP_SHARED|MAP_ANONYMOUS needs shareable backing (fork work)"),
		abi.SYS_MUNMAP:       full(sysMunmap),
		abi.SYS_MPROTECT:     full(sysMprotect),
		abi.SYS_MADVISE:      partial(sysMadvise, "MADV_DONTNEED zeroes private memory; other advice is accepted as a hint"),
		abi.SYS_MREMAP:       partial(sysMremap, "private mappings; host file mappings do not move"),
		abi.SYS_MEMFD_CREATE: partial(sysMemfdCreate, "an unlinked host temp file; no sealing (F_ADD_SEALS)"),
		// I/O (sys_io.go)
		abi.SYS_READ:   full(sysRead),
		abi.SYS_WRITE:  full(sysWrite),
		abi.SYS_READV:  full(sysReadv),
		abi.SYS_WRITEV: full(sysWritev),
		abi.SYS_CLOSE:  full(sysClose),
		abi.SYS_FCNTL:  partial(sysFcntl, "dup, fd and status flags, record and OFD locks (host locks; blocking waits poll); no leases, seals or F_NOTIFY"),
		// files (sys_file.go, sys_path.go)
		abi.SYS_OPENAT:     full(sysOpenat),
		abi.SYS_OPENAT2:    partial(sysOpenat2, "no RESOLVE_* flags (EINVAL)"),
		abi.SYS_LSEEK:      full(sysLseek),
		abi.SYS_PREAD64:    full(sysPread64),
		abi.SYS_PWRITE64:   full(sysPwrite64),
		abi.SYS_DUP:        full(sysDup),
		abi.SYS_DUP3:       full(sysDup3),
		abi.SYS_PIPE2:      full(sysPipe2),
		abi.SYS_GETDENTS64: full(sysGetdents64),
		abi.SYS_FSYNC:      full(sysFsync),
		abi.SYS_FDATASYNC:  full(sysFsync),
		abi.SYS_SYNC:       full(sysSync),
		abi.SYS_SYNCFS:     full(sysSync),
		abi.SYS_FTRUNCATE:  full(sysFtruncate),
		abi.SYS_TRUNCATE:   full(sysTruncate),
		abi.SYS_IOCTL:      partial(sysIoctl, "terminal (TCGETS/TCSETS*, TIOCGWINSZ/TIOCSWINSZ, TIOCGPGRP/TIOCSPGRP), FIONREAD, FIONBIO, FIOCLEX/FIONCLEX"),
		abi.SYS_FSTAT:      full(sysFstat),
		abi.SYS_NEWFSTATAT: full(sysNewfstatat),
		abi.SYS_STATX:      full(sysStatx),
		abi.SYS_READLINKAT: full(sysReadlinkat),
		abi.SYS_FACCESSAT:  full(sysFaccessat),
		abi.SYS_FACCESSAT2: full(sysFaccessat2),
		abi.SYS_MKDIRAT:    full(sysMkdirat),
		abi.SYS_MKNODAT:    full(sysMknodat),
		abi.SYS_UNLINKAT:   full(sysUnlinkat),
		abi.SYS_RENAMEAT:   full(sysRenameat),
		abi.SYS_RENAMEAT2:  full(sysRenameat2),
		abi.SYS_LINKAT:     full(sysLinkat),
		abi.SYS_SYMLINKAT:  full(sysSymlinkat),
		abi.SYS_FCHMODAT:   full(sysFchmodat),
		abi.SYS_FCHMOD:     full(sysFchmod),
		abi.SYS_FCHOWNAT:   full(sysFchownat),
		abi.SYS_FCHOWN:     full(sysFchown),
		abi.SYS_UTIMENSAT:  full(sysUtimensat),
		abi.SYS_GETCWD:     full(sysGetcwd),
		abi.SYS_CHDIR:      full(sysChdir),
		abi.SYS_FCHDIR:     full(sysFchdir),
		abi.SYS_UMASK:      full(sysUmask),
		abi.SYS_CHROOT:     full(sysChroot),
		abi.SYS_STATFS:     full(sysStatfs),
		abi.SYS_FSTATFS:    full(sysFstatfs),
		abi.SYS_UNAME:      full(sysUname),
		// xattrs (sys_proc.go)
		abi.SYS_GETXATTR:     full(sysGetxattr),
		abi.SYS_LGETXATTR:    full(sysLgetxattr),
		abi.SYS_FGETXATTR:    full(sysFgetxattr),
		abi.SYS_LISTXATTR:    full(sysListxattr),
		abi.SYS_LLISTXATTR:   full(sysLlistxattr),
		abi.SYS_FLISTXATTR:   full(sysFlistxattr),
		abi.SYS_SETXATTR:     full(sysSetxattr),
		abi.SYS_LSETXATTR:    full(sysLsetxattr),
		abi.SYS_FSETXATTR:    full(sysFsetxattr),
		abi.SYS_REMOVEXATTR:  full(sysRemovexattr),
		abi.SYS_LREMOVEXATTR: full(sysLremovexattr),
		abi.SYS_FREMOVEXATTR: full(sysFremovexattr),
		// process identity and resources (sys_proc.go)
		abi.SYS_GETPGID:   full(sysGetpgid),
		abi.SYS_GETSID:    full(sysGetsid),
		abi.SYS_SETPGID:   partial(sysSetpgid, "on a child, EACCES even before it execs (the host child has exec'd carrick); a vfork child's needs the spawn to apply it"),
		abi.SYS_SETSID:    full(sysSetsid),
		abi.SYS_PRLIMIT64: partial(sysPrlimit64, "limits are recorded; only RLIMIT_NOFILE is enforced"),
		abi.SYS_GETRUSAGE: full(sysGetrusage),
		abi.SYS_TIMES:     full(sysTimes),
		abi.SYS_SYSINFO:   full(sysSysinfo),
		// readiness (eventfd.go, epoll.go)
		// sockets (sys_socket.go, socket_*.go)
		abi.SYS_SOCKET:      partial(sysSocket, "AF_INET, AF_INET6 and AF_UNIX are host sockets; AF_NETLINK is emulated; other families EAFNOSUPPORT"),
		abi.SYS_SOCKETPAIR:  full(sysSocketpair),
		abi.SYS_BIND:        partial(sysBind, "AF_UNIX abstract names are emulated (shared by carrick processes of one host user)"),
		abi.SYS_LISTEN:      full(sysListen),
		abi.SYS_ACCEPT:      full(sysAccept),
		abi.SYS_ACCEPT4:     full(sysAccept4),
		abi.SYS_CONNECT:     full(sysConnect),
		abi.SYS_GETSOCKNAME: full(sysGetsockname),
		abi.SYS_GETPEERNAME: partial(sysGetpeername, "an AF_UNIX peer bound to a path shows as unnamed to the accepting side"),
		abi.SYS_SENDTO:      full(sysSendto),
		abi.SYS_RECVFROM:    full(sysRecvfrom),
		abi.SYS_SENDMSG:     partial(sysSendmsg, "control messages: SCM_RIGHTS (host-backed fds) and SCM_CREDENTIALS; IP-level ones EINVAL"),
		abi.SYS_RECVMSG:     partial(sysRecvmsg, "control messages: SCM_RIGHTS and SCM_CREDENTIALS (from the peer's identity)"),
		abi.SYS_SENDMMSG:    full(sysSendmmsg),
		abi.SYS_RECVMMSG:    full(sysRecvmmsg),
		abi.SYS_SHUTDOWN:    full(sysShutdown),
		abi.SYS_SETSOCKOPT:  partial(sysSetsockopt, "SOL_SOCKET, TCP, IP and IPv6 options carrick lists (socket_opt.go); others ENOPROTOOPT"),
		abi.SYS_GETSOCKOPT:  partial(sysGetsockopt, "as setsockopt; SO_PEERCRED from the peer's guest identity"),

		abi.SYS_EVENTFD2:        full(sysEventfd2),
		abi.SYS_TIMERFD_CREATE:  full(sysTimerfdCreate),
		abi.SYS_SIGNALFD4:       partial(sysSignalfd4, "readiness in poll/epoll is the process's and its main thread's pending set"),
		abi.SYS_TIMERFD_SETTIME: partial(sysTimerfdSettime, "TFD_TIMER_CANCEL_ON_SET accepted; ECANCELED never comes (a guest cannot set the clock)"),
		abi.SYS_TIMERFD_GETTIME: full(sysTimerfdGettime),
		abi.SYS_EPOLL_CREATE1:   full(sysEpollCreate1),
		abi.SYS_EPOLL_CTL:       partial(sysEpollCtl, "emulated files wake waiters; host fds are polled in 10 ms slices"),
		abi.SYS_EPOLL_PWAIT:     full(sysEpollPwait),
		abi.SYS_EPOLL_PWAIT2:    full(sysEpollPwait2),
		abi.SYS_PPOLL:           partial(sysPpoll, "host fds are polled in 10 ms slices while waiting"),
		abi.SYS_PSELECT6:        partial(sysPselect6, "host fds are polled in 10 ms slices while waiting"),
		// inotify (inotify.go)
		abi.SYS_INOTIFY_INIT1:     partial(sysInotifyInit1, "a fork child does not inherit the instance (epoll, eventfd, timerfd and signalfd are copied)"),
		abi.SYS_INOTIFY_ADD_WATCH: partial(sysInotifyAddWatch, inotifyNote),
		abi.SYS_INOTIFY_RM_WATCH:  full(sysInotifyRmWatch),
		// threads and processes (sys_thread.go)
		abi.SYS_EXIT:              full(sysExit),
		abi.SYS_EXIT_GROUP:        full(sysExitGroup),
		abi.SYS_EXECVE:            full(sysExecve),
		abi.SYS_EXECVEAT:          full(sysExecveat),
		abi.SYS_WAIT4:             full(sysWait4),
		abi.SYS_WAITID:            partial(sysWaitid, "on darwin hosts a kept event of a child reaped by pid or any-child waits matches no later P_PGID wait"),
		abi.SYS_PIDFD_OPEN:        partial(sysPidfdOpen, "no PIDFD_THREAD"),
		abi.SYS_PIDFD_SEND_SIGNAL: partial(sysPidfdSendSignal, "PIDFD_SIGNAL_THREAD signals the whole process"),
		abi.SYS_CLONE:             partial(sysClone, "threads; vfork (CLONE_VM|CLONE_VFORK) shares memory until execve; fork starts a host child process with a copy of the touched memory; namespaces, CLONE_VM without THREAD or VFORK, and fork with CLONE_FILES/FS are not"),
		abi.SYS_SET_TID_ADDRESS:   full(sysSetTidAddress),
		abi.SYS_SET_ROBUST_LIST:   full(sysSetRobustList),
		abi.SYS_GET_ROBUST_LIST:   partial(sysGetRobustList, "the calling thread only"),
		abi.SYS_FUTEX:             partial(sysFutex, "WAIT, WAKE, *_BITSET, REQUEUE, CMP_REQUEUE, WAKE_OP; shared words (no FUTEX_PRIVATE_FLAG, on MAP_SHARED memory) are the host's futex, across processes (on darwin WAIT and WAKE only); no PI futexes"),
		abi.SYS_GETPID:            full(sysGetpid),
		abi.SYS_GETPPID:           full(sysGetppid),
		abi.SYS_GETTID:            full(sysGettid),
		abi.SYS_SCHED_YIELD:       full(sysSchedYield),
		abi.SYS_SCHED_GETAFFINITY: full(sysSchedGetaffinity),
		// signals: bookkeeping only (sys_signal.go)
		abi.SYS_RT_SIGACTION:   full(sysRtSigaction),
		abi.SYS_RT_SIGPROCMASK: full(sysRtSigprocmask),
		abi.SYS_SIGALTSTACK:    full(sysSigaltstack),
		abi.SYS_RT_SIGRETURN:   full(sysRtSigreturn),
		abi.SYS_RT_SIGPENDING:  full(sysRtSigpending),
		abi.SYS_RT_SIGSUSPEND:  full(sysRtSigsuspend),
		// waiting for and queueing signals, interval timers (sys_sigwait.go, itimer.go)
		abi.SYS_RT_SIGTIMEDWAIT:   full(sysRtSigtimedwait),
		abi.SYS_RT_SIGQUEUEINFO:   partial(sysRtSigqueueinfo, "to another guest process with its siginfo through that process's socket; to a thread of another process, as to its process"),
		abi.SYS_RT_TGSIGQUEUEINFO: partial(sysRtTgsigqueueinfo, "to a thread of another process: as to its process"),
		abi.SYS_RESTART_SYSCALL:   full(sysRestartSyscall),
		abi.SYS_GETITIMER:         full(sysGetitimer),
		abi.SYS_SETITIMER:         partial(sysSetitimer, "ITIMER_REAL; arming ITIMER_VIRTUAL or ITIMER_PROF is ENOSYS"),
		abi.SYS_KILL:              partial(sysKill, "other guest processes (of the process tree only) through their sockets, with si_pid; SIGKILL, SIGSTOP and SIGCONT through the host's kill"),
		abi.SYS_TGKILL:            partial(sysTgkill, "in another process only its main thread can be named"),
		abi.SYS_TKILL:             partial(sysTkill, "in another process only its main thread can be named"),
		// credentials (sys_creds.go)
		abi.SYS_GETUID:    full(sysGetuid),
		abi.SYS_GETEUID:   full(sysGeteuid),
		abi.SYS_GETGID:    full(sysGetgid),
		abi.SYS_GETEGID:   full(sysGetegid),
		abi.SYS_GETRESUID: full(sysGetresuid),
		abi.SYS_GETRESGID: full(sysGetresgid),
		abi.SYS_GETGROUPS: full(sysGetgroups),
		abi.SYS_SETGROUPS: full(sysSetgroups),
		abi.SYS_SETUID:    partial(sysSetuid, credNote),
		abi.SYS_SETGID:    partial(sysSetgid, credNote),
		abi.SYS_SETREUID:  partial(sysSetreuid, credNote),
		abi.SYS_SETREGID:  partial(sysSetregid, credNote),
		abi.SYS_SETRESUID: partial(sysSetresuid, credNote),
		abi.SYS_SETRESGID: partial(sysSetresgid, credNote),
		abi.SYS_SETFSUID:  full(sysSetfsuid),
		abi.SYS_SETFSGID:  full(sysSetfsgid),
		// identity, time, randomness (sys_info.go)
		abi.SYS_GETRANDOM:       full(sysGetrandom),
		abi.SYS_PRCTL:           full(sysPrctl),
		abi.SYS_CLOCK_GETTIME:   full(sysClockGettime),
		abi.SYS_CLOCK_GETRES:    full(sysClockGetres),
		abi.SYS_GETTIMEOFDAY:    full(sysGettimeofday),
		abi.SYS_NANOSLEEP:       full(sysNanosleep),
		abi.SYS_CLOCK_NANOSLEEP: full(sysClockNanosleep),
		abi.SYS_GETRLIMIT:       full(sysGetrlimit),
		// smaller calls (sys_misc.go)
		abi.SYS_PREADV:                 full(sysPreadv),
		abi.SYS_PWRITEV:                full(sysPwritev),
		abi.SYS_PREADV2:                full(sysPreadv),
		abi.SYS_PWRITEV2:               full(sysPwritev),
		abi.SYS_CLOSE_RANGE:            full(sysCloseRange),
		abi.SYS_SENDFILE:               full(sysSendfile),
		abi.SYS_SPLICE:                 partial(sysSplice, "through carrick, at most 16 KiB a call; no output offset (EINVAL)"),
		abi.SYS_COPY_FILE_RANGE:        full(sysCopyFileRange),
		abi.SYS_FALLOCATE:              partial(sysFallocate, "mode 0 and FALLOC_FL_KEEP_SIZE; punching holes is EOPNOTSUPP"),
		abi.SYS_FLOCK:                  full(sysFlock),
		abi.SYS_MSYNC:                  full(sysMsync),
		abi.SYS_MINCORE:                partial(sysMincore, "every mapped page reads as resident"),
		abi.SYS_MLOCK:                  partial(sysMlock, "accepted without pinning: carrick does not page guest memory itself"),
		abi.SYS_MUNLOCK:                partial(sysMlock, "accepted without pinning: carrick does not page guest memory itself"),
		abi.SYS_MLOCK2:                 partial(sysMlock, "accepted without pinning: carrick does not page guest memory itself"),
		abi.SYS_MLOCKALL:               partial(sysMlock, "accepted without pinning: carrick does not page guest memory itself"),
		abi.SYS_MUNLOCKALL:             partial(sysMlock, "accepted without pinning: carrick does not page guest memory itself"),
		abi.SYS_CAPGET:                 partial(sysCapget, "the sets the uids imply (full while the euid, or for the fs capabilities the fsuid, is 0); capset changes nothing"),
		abi.SYS_CAPSET:                 partial(sysCapset, "accepted, not recorded: privilege follows the uids"),
		abi.SYS_GETCPU:                 partial(sysGetcpu, "always CPU 0, node 0"),
		abi.SYS_PERSONALITY:            partial(sysPersonality, "PER_LINUX only"),
		abi.SYS_SCHED_SETAFFINITY:      partial(sysSchedSetaffinity, "accepted; the host schedules threads"),
		abi.SYS_SCHED_GETSCHEDULER:     full(sysSchedGetscheduler),
		abi.SYS_SCHED_GETPARAM:         full(sysSchedGetparam),
		abi.SYS_SCHED_GET_PRIORITY_MAX: full(sysSchedPriorityMax),
		abi.SYS_SCHED_GET_PRIORITY_MIN: full(sysSchedPriorityMin),
		abi.SYS_GETPRIORITY:            partial(sysGetpriority, "nice is always 0"),
		abi.SYS_SETPRIORITY:            partial(sysSetpriority, "accepted, not applied"),
		abi.SYS_SETRLIMIT:              full(sysSetrlimit),
		// Deliberate answers of a kernel without the feature.
		abi.SYS_RSEQ:   byDesign(abi.ENOSYS, "as a kernel without CONFIG_RSEQ; glibc and others fall back"),
		abi.SYS_CLONE3: partial(sysClone3, "as clone; set_tid and cgroup are not"),
	}
}

// credNote is what the set*id calls leave out.
const credNote = "one set of ids per process (glibc changes every thread's anyway); no RLIMIT_NPROC check; a change of euid keeps the process dumpable"

func syscallTable(nr uint64) handler { return syscalls[nr].fn }

// SyscallSupport describes one implemented syscall for reports and docs.
type SyscallSupport struct {
	Nr    uint64
	Name  string
	Level Support
	Note  string
}

// Syscalls lists the table in syscall-number order.
func Syscalls() []SyscallSupport {
	out := make([]SyscallSupport, 0, len(syscalls))
	for nr, e := range syscalls {
		out = append(out, SyscallSupport{Nr: nr, Name: abi.SyscallNames[nr], Level: e.level, Note: e.note})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Nr < out[j].Nr })
	return out
}
