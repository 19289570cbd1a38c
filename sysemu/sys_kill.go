package sysemu

import (
	"math"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Sending signals: kill, tgkill, tkill. A signal for the calling process
// is posted to its pending sets with the sender's siginfo. A signal for
// another guest process goes through that process's socket with the
// siginfo (proc_remote.go), pending there when kill returns; SIGKILL,
// SIGSTOP and SIGCONT (which a stopped process must act on) and a process
// not answering yet take the host's kill(2), with the number translated.
// Only guest processes can be reached (registry.go): any other pid is
// ESRCH, and process groups and kill(-1) are the guest processes of the
// group, never a host kill(-pgid) that could reach host processes sharing
// the group (a shell pipeline around carrick).

// sysKill implements kill(2).
func sysKill(t *Task, a [6]uint64) uint64 {
	pid, sig := int32(a[0]), uint64(uint32(a[1]))
	p := t.p
	switch {
	case pid > 0:
		if p.ownThread(int(pid)) {
			return errno(p.killSelf(sig))
		}
		return errno(p.killOther(int(pid), sig))
	case pid == 0:
		return errno(p.killGroup(unix.Getpgrp(), sig))
	case pid == -1:
		return errno(p.killAll(sig))
	case pid == math.MinInt32:
		return errno(abi.ESRCH)
	}
	return errno(p.killGroup(p.hostID(int(-pid)), sig))
}

// ownThread reports whether id is this process's pid or one of its
// threads' ids (kill(2) of a thread id signals its process).
func (p *Process) ownThread(id int) bool {
	if id == p.pid {
		return true
	}
	p.tmu.Lock()
	defer p.tmu.Unlock()
	return p.tasks[id] != nil
}

// killSelf posts a process-directed signal to this process.
func (p *Process) killSelf(sig uint64) abi.Errno {
	if !sigValid(sig) {
		return abi.EINVAL
	}
	if sig == 0 || p.initIgnores(int(sig)) {
		return 0 // a namespace's init signalling itself, as from inside
	}
	return p.post(nil, int(sig), sigInfo{code: abi.SI_USER, pid: uint32(p.pid)})
}

// killOther signals another guest process, by guest pid, through the host.
func (p *Process) killOther(pid int, sig uint64) abi.Errno {
	if p.vforkZombie(pid) {
		// A zombie takes signals and ignores them.
		if !sigValid(sig) {
			return abi.EINVAL
		}
		return 0
	}
	h, ok := p.hostPidOf(pid)
	if !ok {
		return abi.ESRCH
	}
	return p.killHost(h, sig)
}

// killHost signals guest process pid, by host pid, as kill(2) does.
func (p *Process) killHost(pid int, sig uint64) abi.Errno {
	return p.killHostInfo(pid, sig, sigInfo{code: abi.SI_USER, pid: uint32(p.pid)})
}

// killHostInfo signals guest process pid, by host pid, with siginfo si.
func (p *Process) killHostInfo(pid int, sig uint64, si sigInfo) abi.Errno {
	if !p.guestProcess(pid) {
		return abi.ESRCH
	}
	if !sigValid(sig) {
		return abi.EINVAL
	}
	p.awaitJoined(pid)
	hs := unix.Signal(0)
	if sig != 0 {
		var ok bool
		if hs, ok = hostSignal(int(sig)); !ok {
			p.compat.Record("signal:" + itoa(sig) + " to another process (no host equivalent)")
			return abi.EINVAL
		}
	}
	// Signals a stopped process must act on at once, and SIGKILL, go
	// through the host; the others through the receiver's socket, so that
	// they are pending there when kill returns and keep their siginfo.
	if p.ns != nil && p.guestPid(pid) == 1 && (sig == abi.SIGKILL || sig == 19 /* SIGSTOP */) {
		return 0 // the namespace's init ignores them from inside (initIgnores)
	}
	if sig == abi.SIGKILL {
		return p.killHard(pid)
	}
	if sig != 0 && sig != 19 /* SIGSTOP */ && sig != 18 /* SIGCONT */ {
		if r := p.registry(); r != nil {
			if e, ok := sendSignal(r.Path(), p.guestPid(pid), int(sig), si); ok {
				return e
			}
		}
	}
	if err := unix.Kill(pid, hs); err != nil {
		return procErrno(err)
	}
	if sig == 18 { // SIGCONT: resumed by the host; its handler's half through the socket
		if r := p.registry(); r != nil {
			sendSignal(r.Path(), p.guestPid(pid), int(sig), si)
		}
	}
	return 0
}

// joinWait bounds how long a signal waits for a new child to join.
const joinWait = 2 * time.Second

// awaitJoined holds a signal for a child that has not joined the registry
// yet: a child carrick that is still starting has not begun forwarding host
// signals to its guest, and the host would drop or misapply one sent now,
// where Linux keeps it pending for the new process. A child joins once it
// forwards (docs/processes.md).
func (p *Process) awaitJoined(pid int) {
	r := p.registry()
	if r == nil {
		return
	}
	// Joined: listed, and answering on its socket (which takes signals
	// with their siginfo).
	joined := func() bool {
		if !r.Contains(pid) {
			return false
		}
		_, err := os.Stat(procSocket(r.Path(), p.guestPid(pid)))
		return err == nil
	}
	if joined() {
		return
	}
	for deadline := time.Now().Add(joinWait); time.Now().Before(deadline); {
		if ppid, _, ok := hostProcFacts(pid); !ok || ppid != os.Getpid() || hostProcZombie(pid) || joined() {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// vforkZombie reports whether pid is a vfork child of p that exited
// before exec and was not reaped yet.
func (p *Process) vforkZombie(pid int) bool {
	p.kids.mu.Lock()
	defer p.kids.mu.Unlock()
	_, ok := p.kids.zombies[pid]
	return ok
}

// killGroup signals every guest process in process group pgid, the caller
// last; as Linux, it succeeds if one signal was sent.
func (p *Process) killGroup(pgid int, sig uint64) abi.Errno {
	var last abi.Errno = abi.ESRCH
	sent := false
	note := func(e abi.Errno) {
		if e == 0 {
			sent = true
		} else {
			last = e
		}
	}
	for _, pid := range p.guestProcesses() {
		if g, err := unix.Getpgid(pid); err == nil && g == pgid {
			note(p.killHost(pid, sig))
		}
	}
	if unix.Getpgrp() == pgid {
		note(p.killSelf(sig))
	}
	if sent {
		return 0
	}
	return last
}

// killAll is kill(-1): every guest process but the caller and, in a pid
// namespace, its init; ESRCH if there is none.
func (p *Process) killAll(sig uint64) abi.Errno {
	var pids []int
	for _, h := range p.guestProcesses() {
		if p.ns == nil || p.guestPid(h) != 1 {
			pids = append(pids, h)
		}
	}
	if len(pids) == 0 {
		return abi.ESRCH
	}
	var ret abi.Errno
	for _, pid := range pids {
		if e := p.killHost(pid, sig); e != abi.EPERM {
			ret = e
		}
	}
	return ret
}

// sysTgkill implements tgkill(2).
func sysTgkill(t *Task, a [6]uint64) uint64 {
	tgid, tid, sig := int32(a[0]), int32(a[1]), uint64(uint32(a[2]))
	if tgid <= 0 || tid <= 0 {
		return errno(abi.EINVAL)
	}
	if int(tgid) == t.p.pid {
		return t.tkill(tid, sig, false)
	}
	return errno(t.p.killOtherThread(int(tgid), int(tid), sig))
}

// sysTkill implements tkill(2).
func sysTkill(t *Task, a [6]uint64) uint64 {
	tid := int32(a[0])
	if tid <= 0 {
		return errno(abi.EINVAL)
	}
	return t.tkill(tid, uint64(uint32(a[1])), true)
}

// tkill sends sig to thread tid: one of this process's threads, or with
// others set the main thread of another guest process.
func (t *Task) tkill(tid int32, sig uint64, others bool) uint64 {
	t.p.tmu.Lock()
	target := t.p.tasks[int(tid)]
	t.p.tmu.Unlock()
	if target == nil {
		if !others {
			return errno(abi.ESRCH)
		}
		return errno(t.p.killOtherThread(int(tid), int(tid), sig))
	}
	if !sigValid(sig) {
		return errno(abi.EINVAL)
	}
	if sig != 0 && !t.p.initIgnores(int(sig)) {
		return errno(t.p.post(target, int(sig), sigInfo{code: abi.SI_TKILL, pid: uint32(t.p.pid)}))
	}
	return 0
}

// killOtherThread sends a thread-directed signal to thread tid of another
// guest process tgid. Only its main thread (tid == tgid) can be named: the
// other process's thread ids are its own carrick's, and the host's kill
// reaches the process (its main thread takes the signal unless it blocks
// it).
func (p *Process) killOtherThread(tgid, tid int, sig uint64) abi.Errno {
	if tid != tgid || p.vforkZombie(tgid) {
		if tid != tgid && p.guestProcess(p.hostID(tgid)) {
			p.compat.Record("syscall:tgkill (a thread of another process)")
		}
		return abi.ESRCH
	}
	return p.killOther(tgid, sig)
}

// procErrno converts a host error of a process call (kill, setpgid,
// getpgid, pidfds) to Linux's errno.
func procErrno(err error) abi.Errno {
	switch err {
	case unix.ESRCH:
		return abi.ESRCH
	case unix.ECHILD:
		return abi.ECHILD
	}
	return hostErrno(err)
}

// killHard is SIGKILL for another guest process. Asked through its socket,
// the process ends itself at once, so its threads still mark the robust
// mutexes they hold owner-dead (a pshared mutex's next locker gets
// EOWNERDEAD, as Linux's exit_robust_list gives); it then dies of SIGKILL
// on the host. One that does not answer (stopped, or not serving yet) gets
// the host's SIGKILL, as does one still alive a moment later.
func (p *Process) killHard(pid int) abi.Errno {
	r := p.registry()
	_, start, alive := hostProcFacts(pid)
	if r == nil || !alive || !askKill(r.Path(), p.guestPid(pid)) {
		if err := unix.Kill(pid, unix.SIGKILL); err != nil {
			return procErrno(err)
		}
		return 0
	}
	go func() {
		time.Sleep(2 * time.Second)
		if _, s, ok := hostProcFacts(pid); ok && s == start && !hostProcZombie(pid) {
			unix.Kill(pid, unix.SIGKILL)
		}
	}()
	return 0
}
