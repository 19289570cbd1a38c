package sysemu

import (
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// waitStatus encodes an exit status as wait(2) does.
func waitStatus(st ExitStatus) uint32 {
	if st.Signal != 0 {
		return uint32(st.Signal)
	}
	return uint32(st.Code&0xff) << 8
}

// sysWait4 implements wait4(2) for children started by vfork+exec (host
// child processes) and for vfork children that exited without exec.
func sysWait4(t *Task, a [6]uint64) uint64 {
	pid, statusAddr, options, rusage := int(int32(a[0])), a[1], a[2], a[3]
	const wnohang, wuntraced, wcontinued, wall, wclone = 1, 2, 8, 0x40000000, 0x80000000
	if options&^uint64(wnohang|wuntraced|wcontinued|wall|wclone|0x20000000) != 0 {
		return errno(abi.EINVAL)
	}
	hostOpts := unix.WNOHANG
	if options&wuntraced != 0 {
		hostOpts |= unix.WUNTRACED
	}
	if options&wcontinued != 0 {
		hostOpts |= unix.WCONTINUED
	}
	for {
		// Zombies of vfork children first.
		kids := &t.p.kids
		kids.mu.Lock()
		for zpid, st := range kids.zombies {
			if pid == -1 || pid == zpid || pid == 0 {
				delete(kids.zombies, zpid)
				kids.mu.Unlock()
				return t.waitResult(zpid, st, statusAddr, rusage)
			}
		}
		kids.mu.Unlock()
		var ws unix.WaitStatus
		var ru unix.Rusage
		got, err := unix.Wait4(pid, &ws, hostOpts, &ru)
		if err == unix.ECHILD {
			return errno(abi.ECHILD)
		}
		if err != nil && err != unix.EINTR {
			return errno(hostErrno(err))
		}
		if got > 0 {
			return t.waitResult(got, uint32(ws), statusAddr, rusage)
		}
		if options&wnohang != 0 {
			return 0
		}
		if e := t.sleepOn(nil, 2*time.Millisecond); e != 0 {
			return errno(e)
		}
	}
}

// waitResult stores the status (the traditional encoding, the same on
// Linux and darwin) and returns the pid.
func (t *Task) waitResult(pid int, st uint32, statusAddr, rusage uint64) uint64 {
	if statusAddr != 0 && t.writeU32(statusAddr, st) != nil {
		return errno(abi.EFAULT)
	}
	if rusage != 0 {
		var r abi.Rusage
		if t.copyOut(rusage, abi.Bytes(&r)) != nil {
			return errno(abi.EFAULT)
		}
	}
	return uint64(pid)
}
