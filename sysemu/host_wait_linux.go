package sysemu

import (
	"os"
	"runtime"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Linux hosts: waitid, signal numbers, rusage, process facts and pidfds are
// the host's own, with the same numbers as the guest's.

// hostWaitid reports one state change of a host child without blocking:
// which is P_ALL, P_PID or P_PGID (with a resolved pgid), opts the guest's
// WEXITED/WSTOPPED/WCONTINUED/WNOWAIT bits. found is false when children
// exist but none has changed state; err is ECHILD when none is selected.
func hostWaitid(which, id int, opts uint64) (ev childEvent, found bool, err error) {
	hopts := unix.WNOHANG
	for _, b := range [...]struct{ g, h int }{
		{abi.WEXITED, unix.WEXITED}, {abi.WSTOPPED, unix.WSTOPPED},
		{abi.WCONTINUED, unix.WCONTINUED}, {abi.WNOWAIT, unix.WNOWAIT},
	} {
		if opts&uint64(b.g) != 0 {
			hopts |= b.h
		}
	}
	hwhich := map[int]int{abi.P_ALL: unix.P_ALL, abi.P_PID: unix.P_PID, abi.P_PGID: unix.P_PGID}[which]
	var si unix.Siginfo
	var ru unix.Rusage
	for {
		err = unix.Waitid(hwhich, id, &si, hopts, &ru)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return ev, false, err
	}
	// The host's siginfo is Linux's: the _sigchld fields at fixed offsets.
	raw := (*[abi.SizeofSiginfo]byte)(unsafe.Pointer(&si))
	pid := *(*int32)(unsafe.Pointer(&raw[abi.OffsetofSiPid]))
	if pid == 0 {
		return ev, false, nil
	}
	ev = childEvent{
		pid:    int(pid),
		code:   si.Code,
		status: *(*int32)(unsafe.Pointer(&raw[abi.OffsetofSiStatus])),
		ru:     guestRusage(&ru),
	}
	if ev.code != abi.CLD_EXITED {
		ev.status = int32(linuxSignal(unix.Signal(ev.status)))
	}
	return ev, true, nil
}

// linuxSignal converts a host signal number to Linux's (the same here).
func linuxSignal(s unix.Signal) int { return int(s) }

// hostSignal converts a Linux signal number to the host's; ok is false for
// one the host does not have.
func hostSignal(sig int) (unix.Signal, bool) { return unix.Signal(sig), sig > 0 && sig <= abi.NSIG }

// guestRusage converts the host's struct rusage (ru_maxrss in KiB on Linux).
func guestRusage(ru *unix.Rusage) abi.Rusage {
	return abi.Rusage{
		Utime:  abi.Timeval{Sec: int64(ru.Utime.Sec), Usec: int64(ru.Utime.Usec)},
		Stime:  abi.Timeval{Sec: int64(ru.Stime.Sec), Usec: int64(ru.Stime.Usec)},
		Maxrss: int64(ru.Maxrss), Ixrss: int64(ru.Ixrss), Idrss: int64(ru.Idrss), Isrss: int64(ru.Isrss),
		Minflt: int64(ru.Minflt), Majflt: int64(ru.Majflt), Nswap: int64(ru.Nswap),
		Inblock: int64(ru.Inblock), Oublock: int64(ru.Oublock), Msgsnd: int64(ru.Msgsnd), Msgrcv: int64(ru.Msgrcv),
		Nsignals: int64(ru.Nsignals), Nvcsw: int64(ru.Nvcsw), Nivcsw: int64(ru.Nivcsw),
	}
}

// hostProcFacts reads a host process's parent and start time (in clock
// ticks since boot) from the host's /proc; ok is false when it is gone.
func hostProcFacts(pid int) (ppid int, start uint64, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	// The command name may hold spaces and parentheses: fields start after
	// the last ')'. Then: state ppid pgrp session tty tpgid flags minflt
	// cminflt majflt cmajflt utime stime cutime cstime priority nice
	// num_threads itrealvalue starttime.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, false
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 20 {
		return 0, 0, false
	}
	ppid, _ = strconv.Atoi(f[1])
	start, _ = strconv.ParseUint(f[19], 10, 64)
	return ppid, start, true
}

// hostPidfd returns a host descriptor that polls readable once the host
// process pid has exited: Linux's own pidfd.
func hostPidfd(pid int) (int, error) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return -1, err
	}
	unix.CloseOnExec(fd)
	return fd, nil
}

// hostChildren lists this host process's children that are not in skip,
// from the host's /proc (each thread's children file, or a scan of every
// process's parent where the kernel lacks those files).
func hostChildren(skip []int) []int {
	self := os.Getpid()
	seen := map[int]bool{}
	for _, pid := range skip {
		seen[pid] = true
	}
	var out []int
	add := func(pid int) {
		if pid > 0 && !seen[pid] {
			seen[pid] = true
			out = append(out, pid)
		}
	}
	tasks, _ := os.ReadDir("/proc/self/task")
	found := false
	for _, task := range tasks {
		b, err := os.ReadFile("/proc/self/task/" + task.Name() + "/children")
		if err != nil {
			continue
		}
		found = true
		for _, f := range strings.Fields(string(b)) {
			pid, _ := strconv.Atoi(f)
			add(pid)
		}
	}
	if !found {
		procs, _ := os.ReadDir("/proc")
		for _, e := range procs {
			pid, err := strconv.Atoi(e.Name())
			if err != nil {
				continue
			}
			if ppid, _, ok := hostProcFacts(pid); ok && ppid == self {
				add(pid)
			}
		}
	}
	return out
}

// hostPidfdSignal sends s to the process behind the host pidfd; a process
// that was reaped is ESRCH even if its pid was reused.
func hostPidfdSignal(hostfd, pid int, s unix.Signal) error {
	return unix.PidfdSendSignal(hostfd, s, nil, 0)
}

// DieBySignal ends this host process by the host equivalent of Linux
// signal sig, so that its parent's wait sees the guest's death: core dumps
// off (the guest's core is not ours to write), the default action back
// through a raw sigaction (the Go runtime keeps its own handler after
// signal.Reset, and would ignore SIGUSR1 or print a traceback for
// SIGABRT), the signal unblocked, and sent to this very thread. It returns
// only if the signal does not kill (a stop signal, or one the host
// ignores by default).
func DieBySignal(sig int) {
	s, ok := hostSignal(sig)
	if !ok {
		return
	}
	unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
	runtime.LockOSThread()
	var dfl [4]uint64 // struct kernel_sigaction: handler SIG_DFL, flags, restorer, mask
	unix.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(s), uintptr(unsafe.Pointer(&dfl)), 0, 8, 0, 0)
	set := uint64(1) << (uint(s) - 1)
	unix.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_UNBLOCK, uintptr(unsafe.Pointer(&set)), 0, 8, 0, 0)
	unix.Tgkill(os.Getpid(), unix.Gettid(), s)
	runtime.UnlockOSThread()
}

// hostProcZombie reports whether host process pid has exited and awaits
// its parent's wait.
func hostProcZombie(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && strings.HasPrefix(strings.TrimLeft(s[i+1:], " "), "Z")
}
