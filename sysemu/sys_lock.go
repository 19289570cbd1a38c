package sysemu

import (
	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Record locks are the host's locks on the same file, so guests and host
// processes see each other's locks. Process-associated locks (F_SETLK)
// belong to carrick's host process, which is the guest process; OFD locks
// use the host's OFD locks where it has them (host_lock_*.go).

// fcntlLock implements F_GETLK/F_SETLK/F_SETLKW and the F_OFD_* forms.
func (t *Task) fcntlLock(f File, cmd, arg uint64) uint64 {
	h, ok := f.(hostPollable)
	if !ok || h.HostFD() < 0 {
		return errno(abi.EBADF)
	}
	b := make([]byte, abi.SizeofFlock)
	if t.copyIn(arg, b) != nil {
		return errno(abi.EFAULT)
	}
	var fl abi.Flock
	abi.Decode(b, &fl)
	var hl unix.Flock_t
	switch fl.Type {
	case abi.F_RDLCK:
		hl.Type = unix.F_RDLCK
	case abi.F_WRLCK:
		hl.Type = unix.F_WRLCK
	case abi.F_UNLCK:
		hl.Type = unix.F_UNLCK
	default:
		return errno(abi.EINVAL)
	}
	whence, ok := hostWhence(uint64(fl.Whence))
	if !ok || fl.Whence > abi.SEEK_END {
		return errno(abi.EINVAL)
	}
	hl.Whence = int16(whence)
	hl.Start, hl.Len = fl.Start, fl.Len
	hcmd, e := hostLockCmd(cmd)
	if e != 0 {
		t.p.compat.Record("flag:fcntl OFD locks on this host")
		return errno(e)
	}
	if cmd == abi.F_OFD_GETLK || cmd == abi.F_OFD_SETLK || cmd == abi.F_OFD_SETLKW {
		if fl.Pid != 0 {
			return errno(abi.EINVAL)
		}
	}
	wait := cmd == abi.F_SETLKW || cmd == abi.F_OFD_SETLKW
	for {
		err := unix.FcntlFlock(uintptr(h.HostFD()), hcmd, &hl)
		if err == nil {
			break
		}
		if !wait || (err != unix.EAGAIN && err != unix.EACCES && err != unix.EINTR) {
			if err == unix.EACCES {
				err = unix.EAGAIN // Linux says EAGAIN or EACCES; glibc callers accept both
			}
			return errno(hostErrno(err))
		}
		// Wait interruptibly: poll the lock rather than block the host
		// thread where no signal could reach it.
		if e := t.sleepOn(nil, 5e6); e != 0 {
			return errno(e)
		}
	}
	if cmd == abi.F_GETLK || cmd == abi.F_OFD_GETLK {
		switch hl.Type {
		case unix.F_RDLCK:
			fl.Type = abi.F_RDLCK
		case unix.F_WRLCK:
			fl.Type = abi.F_WRLCK
		default:
			fl.Type = abi.F_UNLCK
		}
		fl.Whence, fl.Start, fl.Len, fl.Pid = abi.SEEK_SET, hl.Start, hl.Len, hl.Pid
		if t.copyOut(arg, abi.Bytes(&fl)) != nil {
			return errno(abi.EFAULT)
		}
	}
	return 0
}
