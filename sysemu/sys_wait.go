package sysemu

import (
	"math"
	"os"
	"os/signal"
	"sort"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// wait4 and waitid. A guest's children are host processes (fork, vfork +
// exec start carrick in child mode, whose host exit status is the guest's),
// so a wait is the host's, asked without blocking and asked again when the
// host's SIGCHLD says a child changed state; in between the thread sleeps
// interruptibly, so guest signals end or restart the wait. vfork children
// that exited before exec never became host processes: their statuses are
// p.kids.zombies.

// childEvent is one state change of a child, in Linux's terms.
type childEvent struct {
	pid    int    // the host pid (a vfork zombie's guest pid)
	gpid   int    // the pid the guest sees (pidns.go)
	code   int32  // CLD_EXITED, CLD_KILLED, CLD_DUMPED, CLD_STOPPED, CLD_CONTINUED
	status int32  // the exit code, or the Linux signal number
	uid    uint32 // the guest's uid of the child: 0, as every guest is root for now
	ru     abi.Rusage
}

// ended reports whether the child is gone (exited or killed).
func (ev childEvent) ended() bool {
	return ev.code == abi.CLD_EXITED || ev.code == abi.CLD_KILLED || ev.code == abi.CLD_DUMPED
}

// waitStatus is ev as wait4's status word.
func (ev childEvent) waitStatus() uint32 {
	switch ev.code {
	case abi.CLD_EXITED:
		return uint32(ev.status&0xff) << 8
	case abi.CLD_KILLED:
		return uint32(ev.status & 0x7f)
	case abi.CLD_DUMPED:
		return uint32(ev.status&0x7f) | 0x80
	case abi.CLD_STOPPED:
		return uint32(ev.status&0xff)<<8 | 0x7f
	case abi.CLD_CONTINUED:
		return 0xffff
	}
	return 0
}

// sigInfo is ev as SIGCHLD's siginfo; si_utime and si_stime are in clock
// ticks (USER_HZ, 100 per second).
func (ev childEvent) sigInfo() sigInfo {
	ticks := func(tv abi.Timeval) uint64 { return uint64(tv.Sec)*100 + uint64(tv.Usec)/10000 }
	return sigInfo{code: ev.code, pid: uint32(ev.gpid), uid: ev.uid, status: ev.status,
		utime: ticks(ev.ru.Utime), stime: ticks(ev.ru.Stime)}
}

// waitStatus encodes an exit status as wait(2) does.
func waitStatus(st ExitStatus) uint32 {
	if st.Signal != 0 {
		return uint32(st.Signal)
	}
	return uint32(st.Code&0xff) << 8
}

// zombieEvent decodes the status word of a vfork child that exited.
func zombieEvent(pid int, st uint32) childEvent {
	if st&0x7f != 0 {
		return childEvent{pid: pid, gpid: pid, code: abi.CLD_KILLED, status: int32(st & 0x7f)}
	}
	return childEvent{pid: pid, gpid: pid, code: abi.CLD_EXITED, status: int32(st >> 8 & 0xff)}
}

// waitSel says which children a wait selects and what it waits for.
type waitSel struct {
	which, id int    // P_ALL, P_PID (a guest pid) or P_PGID (the host group, resolved)
	opts      uint64 // WEXITED, WSTOPPED, WCONTINUED, WNOWAIT, WNOHANG, WCLONE, WALL
}

// sysWait4 implements wait4(2).
func sysWait4(t *Task, a [6]uint64) uint64 {
	pid, statusAddr, options, ruAddr := int32(a[0]), a[1], uint64(uint32(a[2])), a[3]
	if options&^uint64(abi.WNOHANG|abi.WUNTRACED|abi.WCONTINUED|abi.WNOTHREAD|abi.WCLONE|abi.WALL) != 0 {
		return errno(abi.EINVAL)
	}
	if pid == math.MinInt32 { // -INT_MIN names no group
		return errno(abi.ESRCH)
	}
	sel := waitSel{opts: options | abi.WEXITED}
	switch {
	case pid > 0:
		sel.which, sel.id = abi.P_PID, int(pid)
	case pid == -1:
		sel.which = abi.P_ALL
	case pid == 0:
		sel.which, sel.id = abi.P_PGID, unix.Getpgrp()
	default:
		sel.which, sel.id = abi.P_PGID, t.p.hostID(int(-pid))
	}
	ev, found, e := t.waitChild(sel)
	if e != 0 {
		return errno(e)
	}
	if !found {
		return 0
	}
	if statusAddr != 0 && t.writeU32(statusAddr, ev.waitStatus()) != nil {
		return errno(abi.EFAULT)
	}
	if ruAddr != 0 && t.copyOut(ruAddr, abi.Bytes(&ev.ru)) != nil {
		return errno(abi.EFAULT)
	}
	return uint64(ev.gpid)
}

// sysWaitid implements waitid(2), P_PIDFD included.
func sysWaitid(t *Task, a [6]uint64) uint64 {
	which, id, infop, options, ruAddr := int32(a[0]), int32(a[1]), a[2], uint64(uint32(a[3])), a[4]
	const valid = abi.WNOHANG | abi.WNOWAIT | abi.WEXITED | abi.WSTOPPED | abi.WCONTINUED |
		abi.WNOTHREAD | abi.WCLONE | abi.WALL
	if options&^uint64(valid) != 0 || options&(abi.WEXITED|abi.WSTOPPED|abi.WCONTINUED) == 0 {
		return errno(abi.EINVAL)
	}
	sel := waitSel{which: int(which), id: int(id), opts: options}
	nonblockFD := false
	switch which {
	case abi.P_ALL:
		sel.id = 0
	case abi.P_PID:
		if id <= 0 {
			return errno(abi.EINVAL)
		}
	case abi.P_PGID:
		if id < 0 {
			return errno(abi.EINVAL)
		}
		if id == 0 {
			sel.id = unix.Getpgrp()
		} else {
			sel.id = t.p.hostID(int(id))
		}
	case abi.P_PIDFD:
		if id < 0 {
			return errno(abi.EINVAL)
		}
		pf, e := t.pidfdFile(int(id))
		if e != 0 {
			return errno(e)
		}
		sel.which, sel.id = abi.P_PID, pf.pid
		if pf.isNonblock() {
			nonblockFD = true
			sel.opts |= abi.WNOHANG
		}
	default:
		return errno(abi.EINVAL)
	}
	ev, found, e := t.waitChild(sel)
	if e != 0 {
		return errno(e)
	}
	if !found && nonblockFD && options&abi.WNOHANG == 0 {
		return errno(abi.EAGAIN)
	}
	if found && ruAddr != 0 && t.copyOut(ruAddr, abi.Bytes(&ev.ru)) != nil {
		return errno(abi.EFAULT)
	}
	if infop != 0 {
		// As Linux, only these fields are written; nothing found writes zeros.
		var si abi.SiginfoChld
		if found {
			si = abi.SiginfoChld{Signo: abi.SIGCHLD, Code: ev.code, Pid: int32(ev.gpid), Uid: ev.uid, Status: ev.status}
		}
		b := abi.Bytes(&si)
		if t.copyOut(infop, b[:abi.OffsetofSiStatus+4]) != nil {
			return errno(abi.EFAULT)
		}
	}
	return 0
}

// waitPollSlice bounds a blocked wait's sleep between host checks, in case
// a host SIGCHLD was merged with another.
const waitPollSlice = 100 * time.Millisecond

// waitChild waits for a state change of a child selected by sel, blocking
// unless WNOHANG. found is false when WNOHANG found children but no event.
func (t *Task) waitChild(sel waitSel) (childEvent, bool, abi.Errno) {
	if sel.opts&(abi.WCLONE|abi.WALL) == abi.WCLONE {
		// __WCLONE alone selects children that report their end with
		// another signal than SIGCHLD; a host child always reports with
		// SIGCHLD, so carrick has none.
		return childEvent{}, false, abi.ECHILD
	}
	var sub chan struct{}
	for {
		ev, found, e := t.p.pollChild(sel)
		if e != 0 || found || sel.opts&abi.WNOHANG != 0 {
			return ev, found, e
		}
		if sub == nil {
			// Look once more after subscribing, so that a child that
			// changed state in between is not missed.
			sub = make(chan struct{}, 1)
			n := childWatch()
			n.Subscribe(sub)
			defer n.Unsubscribe(sub)
			continue
		}
		if e := t.sleepOn(sub, waitPollSlice); e != 0 {
			// As Linux, look once more before giving way to the signal
			// (which stays pending): a child that changed state is
			// reported, and no child left is ECHILD.
			if ev, found, e2 := t.p.pollChild(sel); e2 != 0 || found {
				return ev, found, e2
			}
			return childEvent{}, false, e
		}
	}
}

// pollChild reports a state change of a selected child without blocking,
// or ECHILD when no child is selected.
func (p *Process) pollChild(sel waitSel) (childEvent, bool, abi.Errno) {
	autoreap := p.childrenAutoreaped()
	for {
		ev, found, zany := p.takeZombie(sel, autoreap)
		if found {
			p.tellChild(ev)
			if sel.opts&abi.WNOWAIT == 0 {
				p.reaped(ev)
			}
			return ev, true, 0
		}
		hid := sel.id
		if sel.which == abi.P_PID {
			hid = p.hostID(sel.id)
		}
		ev, found, err := hostWaitid(sel.which, hid, sel.opts)
		ev.gpid = p.reapedPid(ev.pid)
		if err == unix.ECHILD {
			if zany {
				return childEvent{}, false, 0
			}
			return childEvent{}, false, abi.ECHILD
		}
		if err != nil {
			return childEvent{}, false, procErrno(err)
		}
		if !found {
			return childEvent{}, false, 0
		}
		if ev.ended() && autoreap {
			// SIGCHLD ignored or SA_NOCLDWAIT: Linux reaps such a child
			// as it ends, and a wait never sees it.
			if sel.opts&abi.WNOWAIT != 0 {
				hostWaitid(abi.P_PID, ev.pid, abi.WEXITED)
			}
			p.tellChild(ev)
			p.reaped(ev)
			continue
		}
		p.tellChild(ev)
		if sel.opts&abi.WNOWAIT == 0 {
			p.reaped(ev)
		}
		return ev, true, 0
	}
}

// takeZombie returns (and unless WNOWAIT removes) the status of a selected
// vfork child that exited before exec. any reports whether a selected one
// exists at all. With autoreap they are dropped unseen.
func (p *Process) takeZombie(sel waitSel, autoreap bool) (ev childEvent, found, any bool) {
	kids := &p.kids
	kids.mu.Lock()
	defer kids.mu.Unlock()
	if len(kids.zombies) == 0 {
		return ev, false, false
	}
	pids := make([]int, 0, len(kids.zombies))
	for pid := range kids.zombies {
		switch sel.which {
		case abi.P_PID:
			if pid != sel.id {
				continue
			}
		case abi.P_PGID: // a vfork child ran in its parent's group
			if sel.id != unix.Getpgrp() {
				continue
			}
		}
		pids = append(pids, pid)
	}
	sort.Ints(pids) // the oldest child first, as Linux's children list
	for _, pid := range pids {
		if autoreap {
			delete(kids.zombies, pid)
			continue
		}
		any = true
		if sel.opts&abi.WEXITED == 0 {
			continue
		}
		ev = zombieEvent(pid, kids.zombies[pid])
		if sel.opts&abi.WNOWAIT == 0 {
			delete(kids.zombies, pid)
		}
		return ev, true, true
	}
	return ev, false, any
}

// childrenAutoreaped reports whether ended children are reaped unseen:
// SIGCHLD set to SIG_IGN, or its action has SA_NOCLDWAIT.
func (p *Process) childrenAutoreaped() bool {
	p.sig.mu.Lock()
	act := p.sig.actions[abi.SIGCHLD]
	p.sig.mu.Unlock()
	return act[0] == abi.SIG_IGN || act[1]&abi.SA_NOCLDWAIT != 0
}

// childNews records, per child, the kind of its last event a guest SIGCHLD
// described (one table per host process: the host's children are its own).
var childNews struct {
	mu sync.Mutex
	// told maps a pid to a CLD_* code; guarded by mu.
	told map[int]int32
}

// tellChild posts the guest's SIGCHLD for ev unless one already described
// it. Linux sends SIGCHLD as the child changes state, before a wait can
// report it; carrick learns of the change from the host's SIGCHLD, which
// may come after a wait saw the change, so a wait tells first.
func (p *Process) tellChild(ev childEvent) {
	n := &childNews
	n.mu.Lock()
	if code, ok := n.told[ev.pid]; ok && code == ev.code {
		n.mu.Unlock()
		return
	}
	if n.told == nil {
		n.told = map[int]int32{}
	}
	n.told[ev.pid] = ev.code
	n.mu.Unlock()
	p.sig.mu.Lock()
	flags := p.sig.actions[abi.SIGCHLD][1]
	p.sig.mu.Unlock()
	if !ev.ended() && flags&abi.SA_NOCLDSTOP != 0 {
		return
	}
	p.post(nil, abi.SIGCHLD, ev.sigInfo())
}

// reaped notes that a wait consumed ev: its next event needs a SIGCHLD of
// its own, and an ended child leaves the registry.
func (p *Process) reaped(ev childEvent) {
	n := &childNews
	n.mu.Lock()
	delete(n.told, ev.pid)
	n.mu.Unlock()
	if ev.ended() {
		if r := p.registry(); r != nil {
			r.Remove(ev.pid)
			os.Remove(zombiePath(r.Path(), ev.pid))
		}
		if p.ns != nil && ev.gpid != ev.pid {
			p.ns.unbind(ev.gpid, ev.pid) // its pid is free again
		}
	}
}

// childWatchState wakes blocked waits on every host SIGCHLD.
var childWatchState struct {
	once sync.Once
	n    notifier
}

func childWatch() *notifier {
	w := &childWatchState
	w.once.Do(func() {
		ch := make(chan os.Signal, 8)
		signal.Notify(ch, syscall.SIGCHLD)
		go func() {
			for range ch {
				w.n.changed()
			}
		}()
	})
	return &w.n
}

// PostChildSignal turns a host SIGCHLD into the guest's: the host signal
// forwarder calls it instead of posting SIGCHLD with SI_USER. When the
// guest ignores SIGCHLD or set SA_NOCLDWAIT, ended children are reaped at
// once (Linux never makes them zombies). Then every child event that no
// SIGCHLD described yet gets one, with its siginfo (si_code CLD_*,
// si_pid, si_uid, si_status, si_utime, si_stime); the pending SIGCHLD
// merges them as Linux's does. Stops and continues are skipped under
// SA_NOCLDSTOP.
func (p *Process) PostChildSignal() {
	if p.childrenAutoreaped() {
		for {
			ev, found, err := hostWaitid(abi.P_ALL, 0, abi.WEXITED)
			if err != nil || !found {
				break
			}
			ev.gpid = p.reapedPid(ev.pid)
			p.tellChild(ev) // a SIG_IGN disposition discards it
			p.reaped(ev)
		}
	}
	for _, pid := range hostChildren(nil) {
		if ev, ok, _ := hostWaitid(abi.P_PID, pid, abi.WEXITED|abi.WSTOPPED|abi.WCONTINUED|abi.WNOWAIT); ok {
			ev.gpid = p.guestPid(ev.pid)
			p.tellChild(ev)
		}
	}
}
