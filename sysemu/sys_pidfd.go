package sysemu

import (
	"encoding/binary"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// pidfds: a file that names a process. It polls readable once the process
// has ended, which carrick gets from a host descriptor with the same
// readiness: Linux's own pidfd of the host process (readable when it
// exits, hung up once reaped), a kqueue watching it on darwin, or, for a
// vfork child that exited before exec, a pipe whose writer is closed.

// pidFile is an open pidfd.
type pidFile struct {
	pid     int // the pid the guest named (in its pid namespace)
	hostPid int // the host process (a vfork zombie: pid)
	host    int // host descriptor with the process's exit readiness
	// self is set for a pidfd of the caller's own process.
	self *Process

	nonblockFlag // PIDFD_NONBLOCK
}

// Read and Write are EINVAL, as for Linux's pidfds.
func (f *pidFile) Read(t *Task, p []byte) (int, abi.Errno)  { return 0, abi.EINVAL }
func (f *pidFile) Write(t *Task, p []byte) (int, abi.Errno) { return 0, abi.EINVAL }
func (f *pidFile) Close()                                   { unix.Close(f.host) }

// HostFD makes poll, epoll and fork treat the pidfd as its host descriptor.
func (f *pidFile) HostFD() int { return f.host }

// sysPidfdOpen implements pidfd_open(2).
func sysPidfdOpen(t *Task, a [6]uint64) uint64 {
	pid, flags := int32(a[0]), uint64(uint32(a[1]))
	if flags&^uint64(abi.PIDFD_NONBLOCK|abi.PIDFD_THREAD) != 0 || pid <= 0 {
		return errno(abi.EINVAL)
	}
	if flags&abi.PIDFD_THREAD != 0 {
		t.p.compat.Record("flag:pidfd_open PIDFD_THREAD")
		return errno(abi.EINVAL)
	}
	fd, e := t.openPidfd(int(pid), flags&abi.PIDFD_NONBLOCK != 0)
	if e != 0 {
		return errno(e)
	}
	return uint64(fd)
}

// openPidfd installs a pidfd (close-on-exec, as every pidfd) for pid, a
// process the caller may name. clone's CLONE_PIDFD calls it with the new
// child's pid.
func (t *Task) openPidfd(pid int, nonblock bool) (int, abi.Errno) {
	p := t.p
	f := &pidFile{pid: pid, hostPid: pid, host: -1}
	f.on.Store(nonblock)
	switch {
	case p.vforkZombie(pid):
		var fds [2]int
		if err := unix.Pipe(fds[:]); err != nil {
			return -1, hostErrno(err)
		}
		unix.Close(fds[1])
		unix.CloseOnExec(fds[0])
		f.host = fds[0]
	case pid == p.pid || p.guestProcess(p.hostID(pid)):
		if pid != p.pid && p.ownThread(pid) {
			return -1, abi.EINVAL // a thread, not a process
		}
		f.hostPid = p.hostID(pid)
		hfd, err := hostPidfd(f.hostPid)
		if err != nil {
			if err == unix.ESRCH {
				return -1, abi.ESRCH
			}
			return -1, procErrno(err)
		}
		f.host = hfd
		if pid == p.pid {
			f.self = p
		}
	case p.ownThread(pid):
		return -1, abi.EINVAL
	default:
		return -1, abi.ESRCH
	}
	fd, e := p.files.Install(f, 0, true)
	if e != 0 {
		f.Close()
	}
	return fd, e
}

// pidfdFile returns the pidfd open at fd: EBADF for no file or another kind.
func (t *Task) pidfdFile(fd int) (*pidFile, abi.Errno) {
	f, ok := t.p.files.Get(fd)
	if !ok {
		return nil, abi.EBADF
	}
	pf, ok := f.(*pidFile)
	if !ok {
		return nil, abi.EBADF
	}
	return pf, 0
}

// ended reports whether the process has ended (its host descriptor polls
// readable).
func (f *pidFile) ended() bool {
	r, err := hostReady([]hostWant{{fd: f.host, events: unix.POLLIN}}, 0)
	return err == nil && r[0]&(unix.POLLIN|unix.POLLHUP) != 0
}

// sysPidfdSendSignal implements pidfd_send_signal(2).
func sysPidfdSendSignal(t *Task, a [6]uint64) uint64 {
	fd, sig, infoAddr, flags := int32(a[0]), uint64(uint32(a[1])), a[2], uint64(uint32(a[3]))
	const scopes = abi.PIDFD_SIGNAL_THREAD | abi.PIDFD_SIGNAL_THREAD_GROUP | abi.PIDFD_SIGNAL_PROCESS_GROUP
	if flags&^uint64(scopes) != 0 || flags&(flags-1) != 0 {
		return errno(abi.EINVAL)
	}
	pf, e := t.pidfdFile(int(fd))
	if e != 0 {
		return errno(e)
	}
	p := t.p
	self := pf.self == p
	si := sigInfo{code: abi.SI_USER, pid: uint32(p.pid)}
	if infoAddr != 0 {
		var signo [4]byte
		if t.copyIn(infoAddr, signo[:]) != nil {
			return errno(abi.EFAULT)
		}
		info, e := t.readQueuedSiginfo(infoAddr)
		if e != 0 {
			return errno(e)
		}
		if uint64(binary.LittleEndian.Uint32(signo[:])) != sig {
			return errno(abi.EINVAL)
		}
		// Only the process itself may claim a kernel's si_code.
		if (!self || flags == abi.PIDFD_SIGNAL_PROCESS_GROUP) && (info.code >= 0 || info.code == abi.SI_TKILL) {
			return errno(abi.EPERM)
		}
		si = info
	}
	if flags == abi.PIDFD_SIGNAL_PROCESS_GROUP {
		pgid, err := unix.Getpgid(pf.hostPid)
		if err != nil || pf.ended() {
			return errno(abi.ESRCH)
		}
		return errno(p.killGroup(pgid, sig))
	}
	if self {
		if !sigValid(sig) {
			return errno(abi.EINVAL)
		}
		if sig == 0 {
			return 0
		}
		return errno(p.post(nil, int(sig), si))
	}
	if p.vforkZombie(pf.pid) {
		return errno(p.killOther(pf.pid, sig))
	}
	// Another process: while it runs, as kill does (through its socket,
	// with the siginfo); once it has ended, through the host descriptor,
	// which reaches only that very process (a zombie takes the signal, a
	// reaped one is ESRCH even if its pid was reused).
	if !pf.ended() {
		return errno(p.killHostInfo(pf.hostPid, sig, si))
	}
	if !sigValid(sig) {
		return errno(abi.EINVAL)
	}
	hs := unix.Signal(0)
	if sig != 0 {
		var ok bool
		if hs, ok = hostSignal(int(sig)); !ok {
			p.compat.Record("signal:" + itoa(sig) + " to another process (no host equivalent)")
			return errno(abi.EINVAL)
		}
	}
	if err := hostPidfdSignal(pf.host, pf.hostPid, hs); err != nil {
		return errno(procErrno(err))
	}
	return 0
}
