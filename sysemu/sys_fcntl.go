package sysemu

import (
	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Status flags that cross between guest and host, by meaning.
var statusFlags = []struct {
	guest uint64
	host  int
}{
	{abi.O_APPEND, unix.O_APPEND},
	{abi.O_NONBLOCK, unix.O_NONBLOCK},
	{abi.O_DSYNC, unix.O_DSYNC},
	{abi.O_ASYNC, unix.O_ASYNC},
}

// sysFcntl implements fcntl(2): duplication, descriptor and status flags,
// record and OFD locks (sys_lock.go).
func sysFcntl(t *Task, a [6]uint64) uint64 {
	fd, cmd, arg := int(int32(a[0])), a[1], a[2]
	f, ok := t.p.files.Get(fd)
	if !ok {
		return errno(abi.EBADF)
	}
	switch cmd {
	case abi.F_DUPFD, abi.F_DUPFD_CLOEXEC:
		if int64(arg) < 0 || arg >= uint64(t.p.files.limit()) {
			return errno(abi.EINVAL)
		}
		nfd, e := t.p.files.Dup(fd, -1, int(arg), cmd == abi.F_DUPFD_CLOEXEC)
		if e != 0 {
			return errno(e)
		}
		return uint64(nfd)
	case abi.F_GETLK, abi.F_SETLK, abi.F_SETLKW, abi.F_OFD_GETLK, abi.F_OFD_SETLK, abi.F_OFD_SETLKW:
		return t.fcntlLock(f, cmd, arg)
	case abi.F_GETFD:
		if t.p.files.CloseOnExec(fd) {
			return abi.FD_CLOEXEC
		}
		return 0
	case abi.F_SETFD:
		t.p.files.SetCloseOnExec(fd, arg&abi.FD_CLOEXEC != 0)
		return 0
	case abi.F_GETPIPE_SZ, abi.F_SETPIPE_SZ:
		return pipeSize(t, f, cmd == abi.F_SETPIPE_SZ, arg)
	case abi.F_GETFL, abi.F_SETFL:
		if sf, ok := f.(statusFile); ok {
			return sf.statusFlags(t, cmd == abi.F_SETFL, arg)
		}
		h, ok := f.(hostPollable)
		if !ok {
			return errno(abi.EINVAL)
		}
		return hostStatusFlags(h.HostFD(), cmd == abi.F_SETFL, arg)
	}
	t.p.compat.Record("flag:fcntl cmd " + itoa(cmd))
	return errno(abi.EINVAL)
}

// statusFile is implemented by emulated files with their own status flags
// (O_NONBLOCK).
type statusFile interface {
	statusFlags(t *Task, set bool, arg uint64) uint64
}

// hostStatusFlags implements F_GETFL/F_SETFL on a host fd, translating the
// flags by meaning.
func hostStatusFlags(hfd int, set bool, arg uint64) uint64 {
	hf, err := unix.FcntlInt(uintptr(hfd), unix.F_GETFL, 0)
	if err != nil {
		return errno(hostErrno(err))
	}
	if !set {
		var g uint64
		switch hf & unix.O_ACCMODE {
		case unix.O_WRONLY:
			g = abi.O_WRONLY
		case unix.O_RDWR:
			g = abi.O_RDWR
		}
		for _, f := range statusFlags {
			if hf&f.host != 0 {
				g |= f.guest
			}
		}
		return g | abi.O_LARGEFILE
	}
	for _, f := range statusFlags {
		if arg&f.guest != 0 {
			hf |= f.host
		} else {
			hf &^= f.host
		}
	}
	if _, err := unix.FcntlInt(uintptr(hfd), unix.F_SETFL, hf); err != nil {
		return errno(hostErrno(err))
	}
	return 0
}

// sysPrctl implements prctl(2) for the options programs use at start-up.
func sysPrctl(t *Task, a [6]uint64) uint64 {
	switch a[0] {
	case abi.PR_SET_NAME:
		var b [16]byte
		if t.copyIn(a[1], b[:]) != nil {
			return errno(abi.EFAULT)
		}
		b[15] = 0
		t.name = b
		return 0
	case abi.PR_GET_NAME:
		if t.copyOut(a[1], t.name[:]) != nil {
			return errno(abi.EFAULT)
		}
		return 0
	case abi.PR_GET_DUMPABLE:
		return 1
	case abi.PR_SET_DUMPABLE:
		if a[1] > 1 {
			return errno(abi.EINVAL)
		}
		return 0
	case abi.PR_GET_KEEPCAPS:
		if t.keepCaps {
			return 1
		}
		return 0
	case abi.PR_SET_KEEPCAPS:
		// Per thread; it matters only to a set*uid away from root, which
		// the modelled root does not do, but it reads back as set.
		if a[1] > 1 {
			return errno(abi.EINVAL)
		}
		t.keepCaps = a[1] == 1
		return 0
	case abi.PR_SET_NO_NEW_PRIVS:
		if a[1] != 1 {
			return errno(abi.EINVAL)
		}
		t.p.noNewPrivs.Store(true)
		return 0
	case abi.PR_GET_NO_NEW_PRIVS:
		if t.p.noNewPrivs.Load() {
			return 1
		}
		return 0
	case abi.PR_SET_VMA:
		// Naming anonymous memory (CONFIG_ANON_VMA_NAME): a kernel without it
		// says EINVAL, and callers (Go's runtime) carry on.
		return errno(abi.EINVAL)
	}
	t.p.compat.Record("flag:prctl option " + itoa(a[0]))
	return errno(abi.EINVAL)
}
