package sysemu

import (
	"os"
	"os/signal"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/host"
)

// darwin hosts: no waitid in x/sys/unix, so children are reaped with wait4;
// events the guest did not consume yet (WNOWAIT, or an exit reaped while it
// waited for stops only) are kept here and reported first next time. A
// child's process group is known only when the wait selected by group, so a
// kept event of a child reaped by P_ALL or P_PID matches no P_PGID wait.

var darwinKept struct {
	mu sync.Mutex
	// evs are reaped but unconsumed events with their child's pgid (-1:
	// unknown); guarded by mu.
	evs []keptEvent
}

type keptEvent struct {
	ev   childEvent
	pgid int
}

func keptMatches(k keptEvent, which, id int, opts uint64) bool {
	switch which {
	case abi.P_PID:
		if k.ev.pid != id {
			return false
		}
	case abi.P_PGID:
		if k.pgid != id {
			return false
		}
	}
	return opts&uint64(wantBit(k.ev.code)) != 0
}

// wantBit is the wait option that selects an event kind.
func wantBit(code int32) int {
	switch code {
	case abi.CLD_STOPPED:
		return abi.WSTOPPED
	case abi.CLD_CONTINUED:
		return abi.WCONTINUED
	}
	return abi.WEXITED
}

// hostWaitid reports one state change of a host child without blocking
// (see the Linux version).
func hostWaitid(which, id int, opts uint64) (ev childEvent, found bool, err error) {
	k := &darwinKept
	k.mu.Lock()
	defer k.mu.Unlock()
	for i, e := range k.evs {
		if keptMatches(e, which, id, opts) {
			if opts&abi.WNOWAIT == 0 {
				k.evs = append(k.evs[:i], k.evs[i+1:]...)
			}
			return e.ev, true, nil
		}
	}
	pid, pgid := -1, -1
	switch which {
	case abi.P_PID:
		pid = id
	case abi.P_PGID:
		pid, pgid = -id, id
	}
	hopts := unix.WNOHANG
	if opts&abi.WSTOPPED != 0 {
		hopts |= unix.WUNTRACED
	}
	if opts&abi.WCONTINUED != 0 {
		hopts |= unix.WCONTINUED
	}
	for {
		var ws unix.WaitStatus
		var ru unix.Rusage
		got, err := unix.Wait4(pid, &ws, hopts, &ru)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			if err == unix.ECHILD && len(k.evs) > 0 && which != abi.P_PGID {
				return ev, false, nil // kept events are children still to report
			}
			return ev, false, err
		}
		if got <= 0 {
			return ev, false, nil
		}
		ev = childEvent{pid: got, ru: guestRusage(&ru)}
		switch {
		case ws.Exited():
			ev.code, ev.status = abi.CLD_EXITED, int32(ws.ExitStatus())
		case ws.Signaled():
			ev.code, ev.status = abi.CLD_KILLED, int32(linuxSignal(ws.Signal()))
			if ws.CoreDump() {
				ev.code = abi.CLD_DUMPED
			}
		case ws.Stopped():
			ev.code, ev.status = abi.CLD_STOPPED, int32(linuxSignal(ws.StopSignal()))
		case ws.Continued():
			ev.code, ev.status = abi.CLD_CONTINUED, abi.SIGCONT
		default:
			continue
		}
		wanted := opts&uint64(wantBit(ev.code)) != 0
		if !wanted || opts&abi.WNOWAIT != 0 {
			if ev.code != abi.CLD_STOPPED && ev.code != abi.CLD_CONTINUED || wanted {
				// An exit must never be lost; a stop or continue is
				// kept only when the caller peeked at it.
				k.evs = append(k.evs, keptEvent{ev: ev, pgid: pgid})
			}
			if !wanted {
				continue
			}
		}
		return ev, true, nil
	}
}

// hostSignal converts a Linux signal number to darwin's (sysemu/host's
// table); Linux's SIGSTKFLT, SIGPWR and real-time signals have none.
func hostSignal(sig int) (unix.Signal, bool) {
	d, ok := host.SignalToDarwin(sig)
	return unix.Signal(d), ok
}

// linuxSignal converts a darwin signal number to Linux's; darwin's own
// SIGEMT and SIGINFO keep their numbers, as before.
func linuxSignal(s unix.Signal) int {
	if l, ok := host.SignalFromDarwin(int(s)); ok {
		return l
	}
	return int(s)
}

// guestRusage converts the host's struct rusage (ru_maxrss is in bytes on
// darwin, KiB on Linux).
func guestRusage(ru *unix.Rusage) abi.Rusage {
	return abi.Rusage{
		Utime:  abi.Timeval{Sec: int64(ru.Utime.Sec), Usec: int64(ru.Utime.Usec)},
		Stime:  abi.Timeval{Sec: int64(ru.Stime.Sec), Usec: int64(ru.Stime.Usec)},
		Maxrss: int64(ru.Maxrss) / 1024, Ixrss: int64(ru.Ixrss), Idrss: int64(ru.Idrss), Isrss: int64(ru.Isrss),
		Minflt: int64(ru.Minflt), Majflt: int64(ru.Majflt), Nswap: int64(ru.Nswap),
		Inblock: int64(ru.Inblock), Oublock: int64(ru.Oublock), Msgsnd: int64(ru.Msgsnd), Msgrcv: int64(ru.Msgrcv),
		Nsignals: int64(ru.Nsignals), Nvcsw: int64(ru.Nvcsw), Nivcsw: int64(ru.Nivcsw),
	}
}

// hostProcFacts reads a host process's parent and start time from the
// kernel's process table; ok is false when it is gone.
func hostProcFacts(pid int) (ppid int, start uint64, ok bool) {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	if err != nil || kp.Proc.P_pid != int32(pid) {
		return 0, 0, false
	}
	tv := kp.Proc.P_starttime
	return int(kp.Eproc.Ppid), uint64(tv.Sec)*1000000 + uint64(tv.Usec), true
}

// hostPidfd returns a host descriptor that polls readable once the host
// process pid has exited: a kqueue watching it with EVFILT_PROC.
func hostPidfd(pid int) (int, error) {
	kq, err := unix.Kqueue()
	if err != nil {
		return -1, err
	}
	unix.CloseOnExec(kq)
	ch := []unix.Kevent_t{{Ident: uint64(pid), Filter: unix.EVFILT_PROC, Flags: unix.EV_ADD | unix.EV_ONESHOT, Fflags: unix.NOTE_EXIT}}
	if _, err := unix.Kevent(kq, ch, nil, nil); err != nil {
		unix.Close(kq)
		if err != unix.ESRCH {
			return -1, err
		}
		// Already exited (a zombie): a pipe whose writer is closed is
		// readable for good.
		var p [2]int
		if err := unix.Pipe(p[:]); err != nil {
			return -1, err
		}
		unix.Close(p[1])
		unix.CloseOnExec(p[0])
		return p[0], nil
	}
	return kq, nil
}

// hostChildren lists this host process's children that are not in skip,
// from the kernel's process table.
func hostChildren(skip []int) []int {
	self := int32(os.Getpid())
	seen := map[int]bool{}
	for _, pid := range skip {
		seen[pid] = true
	}
	kps, err := unix.SysctlKinfoProcSlice("kern.proc.all")
	if err != nil {
		return nil
	}
	var out []int
	for _, kp := range kps {
		if pid := int(kp.Proc.P_pid); kp.Eproc.Ppid == self && !seen[pid] {
			seen[pid] = true
			out = append(out, pid)
		}
	}
	return out
}

// hostPidfdSignal sends s to pid unless the kqueue watching it saw it exit
// (a zombie takes signals on Linux; darwin cannot tell zombie from reaped
// here, so both are ESRCH).
func hostPidfdSignal(hostfd, pid int, s unix.Signal) error {
	if r, err := hostReady([]hostWant{{fd: hostfd, events: unix.POLLIN}}, 0); err == nil && r[0] != 0 {
		return unix.ESRCH
	}
	return unix.Kill(pid, s)
}

// DieBySignal ends this host process by the host equivalent of Linux
// signal sig (see the Linux version). darwin has no raw sigaction in
// x/sys/unix, so the default action comes back through signal.Reset,
// which covers the signals the Go runtime does not keep for itself.
func DieBySignal(sig int) {
	s, ok := hostSignal(sig)
	if !ok {
		return
	}
	unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{})
	signal.Reset(s)
	unix.Kill(os.Getpid(), s)
}

// hostProcZombie reports whether host process pid has exited and awaits
// its parent's wait.
func hostProcZombie(pid int) bool {
	kp, err := unix.SysctlKinfoProc("kern.proc.pid", pid)
	const szomb = 5 // SZOMB in sys/proc.h
	return err == nil && kp.Proc.P_pid == int32(pid) && kp.Proc.P_stat == szomb
}
