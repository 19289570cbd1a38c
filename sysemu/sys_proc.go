package sysemu

import (
	"encoding/binary"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Process identity and resources: process groups and sessions, rlimits,
// usage, sysinfo.

// Process groups and sessions are the host's: a guest process is a host
// process. Other processes can be named only if they are guest processes
// (registry.go). A vfork child runs inside its parent's host process until
// it execs, so its setpgid and setsid are recorded and applied to the host
// process its exec starts (spawnProcAttr).

// sysGetpgid implements getpgid(2).
func sysGetpgid(t *Task, a [6]uint64) uint64 { return t.groupID(a[0], unix.Getpgid) }

// sysGetsid implements getsid(2).
func sysGetsid(t *Task, a [6]uint64) uint64 { return t.groupID(a[0], unix.Getsid) }

// groupID answers getpgid/getsid for the calling process (pid 0 or its
// own) or another guest process. In a pid namespace the ids are the
// leaders' namespace pids (0 for a leader outside it, as Linux shows).
func (t *Task) groupID(pidArg uint64, get func(int) (int, error)) uint64 {
	pid := int(int32(pidArg))
	p := t.p
	h := 0
	switch {
	case pid == 0 || pid == p.pid || p.vforkZombie(pid):
		// (a vfork child lived in its parent's group and session)
	case pid < 0:
		return errno(abi.ESRCH)
	default:
		if h = p.hostID(pid); !p.guestProcess(h) {
			return errno(abi.ESRCH)
		}
	}
	id, err := get(h)
	if err != nil {
		return errno(procErrno(err))
	}
	return uint64(p.guestPid(id))
}

// sysSetpgid implements setpgid(2) for the process itself or one of its
// children.
func sysSetpgid(t *Task, a [6]uint64) uint64 {
	pid, pgid := int(int32(a[0])), int(int32(a[1]))
	p := t.p
	if pid == 0 {
		pid = p.pid
	}
	if pgid == 0 {
		pgid = pid
	}
	if pgid < 0 {
		return errno(abi.EINVAL)
	}
	hostPid := 0 // the caller
	if pid != p.pid {
		if p.ownThread(pid) {
			return errno(abi.EINVAL) // not a thread-group leader
		}
		hostPid = p.hostID(pid)
		if ppid, _, ok := hostProcFacts(hostPid); !ok || ppid != os.Getpid() || !p.guestProcess(hostPid) {
			return errno(abi.ESRCH) // only the caller or its children
		}
	}
	hostPgid := 0 // the process's own pid
	if pgid != pid {
		// The group must exist in the caller's session, and only groups
		// of guest processes are visible to the guest.
		if hostPgid = p.hostID(pgid); !p.guestGroup(hostPgid) {
			return errno(abi.EPERM)
		}
	}
	if p.vfork != nil && pid == p.pid {
		return errno(p.vforkSetpgid(hostPgid))
	}
	if err := unix.Setpgid(hostPid, hostPgid); err != nil {
		// A child that carrick started has exec'd carrick as far as the
		// host knows, so the host answers EACCES even for a fork child
		// that has not exec'd: the child is asked to set it itself, and
		// does if its guest has not exec'd (docs/processes.md).
		if err == unix.EACCES && hostPid != 0 {
			if r := p.registry(); r != nil {
				p.awaitJoined(hostPid)
				pg := hostPgid
				if pg == 0 {
					pg = hostPid
				}
				if e, ok := askSetpgid(r.Path(), pid, pg); ok {
					return errno(e)
				}
			}
		}
		return errno(procErrno(err))
	}
	return 0
}

// guestGroup reports whether some guest process the caller can see (itself
// included) is in process group pgid.
func (p *Process) guestGroup(pgid int) bool {
	if pgid == unix.Getpgrp() {
		return true
	}
	for _, pid := range p.guestProcesses() {
		if g, err := unix.Getpgid(pid); err == nil && g == pgid {
			return true
		}
	}
	return false
}

// sysSetsid implements setsid(2).
func sysSetsid(t *Task, a [6]uint64) uint64 {
	if t.p.vfork != nil {
		if e := t.p.vforkSetsid(); e != 0 {
			return errno(e)
		}
		return uint64(t.p.pid)
	}
	sid, err := unix.Setsid()
	if err != nil {
		return errno(procErrno(err))
	}
	return uint64(t.p.guestPid(sid))
}

// spawnAttrs are the setpgid/setsid a vfork child asked for before exec.
type spawnAttrs struct {
	setpgid bool
	pgid    int // host pgid; 0: its own pid
	setsid  bool
}

var vforkAttrs sync.Map // *Process (a vfork child) → *spawnAttrs

// vforkSetpgid records a vfork child's setpgid(0, pgid) (0: its own pid)
// for the host process its exec starts.
func (p *Process) vforkSetpgid(hostPgid int) abi.Errno {
	a := &spawnAttrs{}
	if v, ok := vforkAttrs.Load(p); ok {
		a = v.(*spawnAttrs)
	}
	if a.setsid {
		return abi.EPERM // a session leader cannot change its group
	}
	a.setpgid, a.pgid = true, hostPgid
	vforkAttrs.Store(p, a)
	return 0
}

func (p *Process) vforkSetsid() abi.Errno {
	a := &spawnAttrs{}
	if v, ok := vforkAttrs.Load(p); ok {
		a = v.(*spawnAttrs)
	}
	if a.setsid || (a.setpgid && a.pgid == 0) {
		return abi.EPERM // already a group leader
	}
	a.setsid = true
	vforkAttrs.Store(p, a)
	return 0
}

// spawnProcAttr returns the host process attributes for the program a
// vfork child execs (its recorded setpgid/setsid), or nil, and forgets
// them. The exec that starts the host process applies them.
func (p *Process) spawnProcAttr() *syscall.SysProcAttr {
	v, ok := vforkAttrs.LoadAndDelete(p)
	if !ok {
		return nil
	}
	a := v.(*spawnAttrs)
	if a.setsid {
		return &syscall.SysProcAttr{Setsid: true}
	}
	return &syscall.SysProcAttr{Setpgid: true, Pgid: a.pgid}
}

// rlimits are a process's resource limits.
type rlimits struct {
	mu sync.Mutex
	// lim is indexed by RLIMIT_*; guarded by mu.
	lim [abi.RLIM_NLIMITS]abi.Rlimit
}

// nofileMax is the most RLIMIT_NOFILE can be: what the host lets carrick
// hold (each guest fd may hold a host one), at most Linux's nr_open.
func nofileMax() uint64 {
	var r unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &r) != nil {
		return defaultNofile
	}
	return min(uint64(r.Max), fdCeiling)
}

// defaultRlimits are Linux's defaults for a process started by a login
// shell on a typical distribution.
func defaultRlimits() *rlimits {
	inf := abi.RLIM_INFINITY
	r := &rlimits{}
	for i := range r.lim {
		r.lim[i] = abi.Rlimit{Cur: inf, Max: inf}
	}
	r.lim[abi.RLIMIT_STACK] = abi.Rlimit{Cur: 8 << 20, Max: inf}
	r.lim[abi.RLIMIT_CORE] = abi.Rlimit{Cur: 0, Max: inf}
	r.lim[abi.RLIMIT_NOFILE] = abi.Rlimit{Cur: defaultNofile, Max: nofileMax()}
	r.lim[abi.RLIMIT_MEMLOCK] = abi.Rlimit{Cur: 8 << 20, Max: 8 << 20}
	r.lim[abi.RLIMIT_SIGPENDING] = abi.Rlimit{Cur: 63457, Max: 63457}
	r.lim[abi.RLIMIT_NPROC] = abi.Rlimit{Cur: 63457, Max: 63457}
	r.lim[abi.RLIMIT_MSGQUEUE] = abi.Rlimit{Cur: 819200, Max: 819200}
	r.lim[abi.RLIMIT_NICE] = abi.Rlimit{}
	r.lim[abi.RLIMIT_RTPRIO] = abi.Rlimit{}
	return r
}

// sysPrlimit64 implements prlimit64(2) (and so getrlimit/setrlimit) for the
// calling process. Limits are recorded and reported; carrick enforces
// RLIMIT_NOFILE's ceiling through its fd table.
func sysPrlimit64(t *Task, a [6]uint64) uint64 {
	pid, res, newp, oldp := int(int32(a[0])), a[1], a[2], a[3]
	if pid != 0 && pid != t.p.pid {
		return errno(abi.ESRCH)
	}
	if res >= abi.RLIM_NLIMITS {
		return errno(abi.EINVAL)
	}
	var nl abi.Rlimit
	if newp != 0 {
		b := make([]byte, 16)
		if t.copyIn(newp, b) != nil {
			return errno(abi.EFAULT)
		}
		nl = abi.Rlimit{Cur: binary.LittleEndian.Uint64(b), Max: binary.LittleEndian.Uint64(b[8:])}
		if nl.Cur > nl.Max {
			return errno(abi.EINVAL)
		}
		if res == abi.RLIMIT_NOFILE && nl.Max > nofileMax() {
			return errno(abi.EPERM)
		}
	}
	rl := t.p.rlim
	rl.mu.Lock()
	old := rl.lim[res]
	if newp != 0 {
		rl.lim[res] = nl
	}
	rl.mu.Unlock()
	if oldp != 0 && t.copyOut(oldp, abi.Bytes(&old)) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// sysGetrlimit implements getrlimit(2).
func sysGetrlimit(t *Task, a [6]uint64) uint64 {
	return sysPrlimit64(t, [6]uint64{0, a[0], 0, a[1]})
}

// sysSetrlimit implements setrlimit(2).
func sysSetrlimit(t *Task, a [6]uint64) uint64 {
	return sysPrlimit64(t, [6]uint64{0, a[0], a[1], 0})
}

// sysGetrusage implements getrusage(2) from the host's accounting of this
// process (a guest process is a host process).
func sysGetrusage(t *Task, a [6]uint64) uint64 {
	who := int(int32(a[0]))
	var hw int
	switch who {
	case abi.RUSAGE_SELF, abi.RUSAGE_THREAD:
		hw = unix.RUSAGE_SELF
	case abi.RUSAGE_CHILDREN:
		hw = unix.RUSAGE_CHILDREN
	default:
		return errno(abi.EINVAL)
	}
	var ru unix.Rusage
	if err := unix.Getrusage(hw, &ru); err != nil {
		return errno(hostErrno(err))
	}
	r := abi.Rusage{
		Utime:  abi.Timeval{Sec: int64(ru.Utime.Sec), Usec: int64(ru.Utime.Usec)},
		Stime:  abi.Timeval{Sec: int64(ru.Stime.Sec), Usec: int64(ru.Stime.Usec)},
		Maxrss: int64(ru.Maxrss), Minflt: int64(ru.Minflt), Majflt: int64(ru.Majflt),
		Inblock: int64(ru.Inblock), Oublock: int64(ru.Oublock), Nvcsw: int64(ru.Nvcsw), Nivcsw: int64(ru.Nivcsw),
	}
	if t.copyOut(a[1], abi.Bytes(&r)) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// sysTimes implements times(2): clock ticks at USER_HZ (100).
func sysTimes(t *Task, a [6]uint64) uint64 {
	var ru, rc unix.Rusage
	unix.Getrusage(unix.RUSAGE_SELF, &ru)
	unix.Getrusage(unix.RUSAGE_CHILDREN, &rc)
	ticks := func(tv unix.Timeval) uint64 { return uint64(tv.Sec)*100 + uint64(tv.Usec)/10000 }
	if a[0] != 0 {
		b := make([]byte, 32)
		binary.LittleEndian.PutUint64(b[0:], ticks(ru.Utime))
		binary.LittleEndian.PutUint64(b[8:], ticks(ru.Stime))
		binary.LittleEndian.PutUint64(b[16:], ticks(rc.Utime))
		binary.LittleEndian.PutUint64(b[24:], ticks(rc.Stime))
		if t.copyOut(a[0], b) != nil {
			return errno(abi.EFAULT)
		}
	}
	return uint64(monotonicNow() / (10 * time.Millisecond))
}

// sysSysinfo implements sysinfo(2) from the host's figures.
func sysSysinfo(t *Task, a [6]uint64) uint64 {
	si := hostSysinfo()
	if t.copyOut(a[0], abi.Bytes(&si)) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// xattrName reads an xattr name argument.
func (t *Task) xattrName(addr uint64) (string, abi.Errno) {
	n, e := t.readPath(addr)
	if e != 0 {
		return "", e
	}
	if n == "" || len(n) > 255 {
		return "", abi.ERANGE
	}
	if !strings.Contains(n, ".") {
		return "", abi.ENOTSUP
	}
	return n, 0
}

// xattrOut copies an xattr value (or list) out with getxattr's size rules:
// size 0 asks for the size.
func (t *Task) xattrOut(v []byte, addr, size uint64) uint64 {
	if size == 0 {
		return uint64(len(v))
	}
	if uint64(len(v)) > size {
		return errno(abi.ERANGE)
	}
	if t.copyOut(addr, v) != nil {
		return errno(abi.EFAULT)
	}
	return uint64(len(v))
}

func listBytes(names []string) []byte {
	var b []byte
	for _, n := range names {
		b = append(append(b, n...), 0)
	}
	return b
}

// sysGetxattr implements getxattr(2) (follow) and lgetxattr(2).
func sysGetxattr(t *Task, a [6]uint64) uint64  { return t.getxattr(a, true) }
func sysLgetxattr(t *Task, a [6]uint64) uint64 { return t.getxattr(a, false) }

func (t *Task) getxattr(a [6]uint64, follow bool) uint64 {
	p, e := t.readPath(a[0])
	if e != 0 {
		return errno(e)
	}
	name, e := t.xattrName(a[1])
	if e != 0 {
		return errno(e)
	}
	v, e := t.p.fs.root().Getxattr(t.p.fs.getCwd(), p, name, follow)
	if e != 0 {
		return errno(e)
	}
	return t.xattrOut(v, a[2], a[3])
}

// sysFgetxattr implements fgetxattr(2).
func sysFgetxattr(t *Task, a [6]uint64) uint64 {
	of, e := t.osFile(a[0])
	if e != 0 {
		return errno(abi.EBADF)
	}
	name, e := t.xattrName(a[1])
	if e != 0 {
		return errno(e)
	}
	v, e := of.rf.Getxattr(name)
	if e != 0 {
		return errno(e)
	}
	return t.xattrOut(v, a[2], a[3])
}

// sysListxattr implements listxattr(2) and llistxattr(2).
func sysListxattr(t *Task, a [6]uint64) uint64  { return t.listxattr(a, true) }
func sysLlistxattr(t *Task, a [6]uint64) uint64 { return t.listxattr(a, false) }

func (t *Task) listxattr(a [6]uint64, follow bool) uint64 {
	p, e := t.readPath(a[0])
	if e != 0 {
		return errno(e)
	}
	names, e := t.p.fs.root().Listxattr(t.p.fs.getCwd(), p, follow)
	if e != 0 {
		return errno(e)
	}
	return t.xattrOut(listBytes(names), a[1], a[2])
}

// sysFlistxattr implements flistxattr(2).
func sysFlistxattr(t *Task, a [6]uint64) uint64 {
	of, e := t.osFile(a[0])
	if e != 0 {
		return errno(abi.EBADF)
	}
	names, e := of.rf.Listxattr()
	if e != 0 {
		return errno(e)
	}
	return t.xattrOut(listBytes(names), a[1], a[2])
}

// sysSetxattr implements setxattr(2) and lsetxattr(2).
func sysSetxattr(t *Task, a [6]uint64) uint64  { return t.setxattr(a, true) }
func sysLsetxattr(t *Task, a [6]uint64) uint64 { return t.setxattr(a, false) }

func (t *Task) xattrValue(addr, size uint64) ([]byte, abi.Errno) {
	if size > 65536 {
		return nil, abi.E2BIG
	}
	v := make([]byte, size)
	if t.copyIn(addr, v) != nil {
		return nil, abi.EFAULT
	}
	return v, 0
}

func (t *Task) setxattr(a [6]uint64, follow bool) uint64 {
	p, e := t.readPath(a[0])
	if e != 0 {
		return errno(e)
	}
	name, e := t.xattrName(a[1])
	if e != 0 {
		return errno(e)
	}
	v, e := t.xattrValue(a[2], a[3])
	if e != 0 {
		return errno(e)
	}
	cwd := t.p.fs.getCwd()
	return t.pathChanged(cwd, p, follow, abi.IN_ATTRIB, t.p.fs.root().Setxattr(cwd, p, name, v, int(a[4]), follow))
}

// sysFsetxattr implements fsetxattr(2).
func sysFsetxattr(t *Task, a [6]uint64) uint64 {
	of, e := t.osFile(a[0])
	if e != 0 {
		return errno(abi.EBADF)
	}
	name, e := t.xattrName(a[1])
	if e != 0 {
		return errno(e)
	}
	v, e := t.xattrValue(a[2], a[3])
	if e != 0 {
		return errno(e)
	}
	return t.fileChanged(of.rf, abi.IN_ATTRIB, of.rf.Setxattr(name, v, int(a[4])))
}

// sysRemovexattr implements removexattr(2) and lremovexattr(2).
func sysRemovexattr(t *Task, a [6]uint64) uint64  { return t.removexattr(a, true) }
func sysLremovexattr(t *Task, a [6]uint64) uint64 { return t.removexattr(a, false) }

func (t *Task) removexattr(a [6]uint64, follow bool) uint64 {
	p, e := t.readPath(a[0])
	if e != 0 {
		return errno(e)
	}
	name, e := t.xattrName(a[1])
	if e != 0 {
		return errno(e)
	}
	cwd := t.p.fs.getCwd()
	return t.pathChanged(cwd, p, follow, abi.IN_ATTRIB, t.p.fs.root().Removexattr(cwd, p, name, follow))
}

// sysFremovexattr implements fremovexattr(2).
func sysFremovexattr(t *Task, a [6]uint64) uint64 {
	of, e := t.osFile(a[0])
	if e != 0 {
		return errno(abi.EBADF)
	}
	name, e := t.xattrName(a[1])
	if e != 0 {
		return errno(e)
	}
	return t.fileChanged(of.rf, abi.IN_ATTRIB, of.rf.Removexattr(name))
}

// DefaultRlimits are the limits a process starts with (a container's
// config.json changes some of them: Config.Rlimits).
func DefaultRlimits() [abi.RLIM_NLIMITS]abi.Rlimit { return defaultRlimits().lim }
