package sysemu

import (
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

func hex32(v uint32) string { return "0x" + strconv.FormatUint(uint64(v), 16) }

// hostIoctl serves terminal ioctls on a host fd, converting Linux layouts
// to the host's (host_termios_*.go).
func (t *Task) hostIoctl(hfd int, req uint32, arg uint64) uint64 {
	switch req {
	case abi.TCGETS, abi.TCGETS2:
		tio, err := hostGetTermios(hfd)
		if err != nil {
			return errno(hostErrno(err))
		}
		var b []byte
		if req == abi.TCGETS {
			b = abi.Bytes(&tio.Termios)
		} else {
			b = abi.Bytes(&tio)
		}
		if t.copyOut(arg, b) != nil {
			return errno(abi.EFAULT)
		}
		return 0
	case abi.TCSETS, abi.TCSETSW, abi.TCSETSF, abi.TCSETS2:
		var tio abi.Termios2
		size := abi.SizeofTermios
		if req == abi.TCSETS2 {
			size = abi.SizeofTermios2
		}
		b := make([]byte, abi.SizeofTermios2)
		if t.copyIn(arg, b[:size]) != nil {
			return errno(abi.EFAULT)
		}
		abi.Decode(b, &tio)
		return t.ttyChange(hfd, func() error { return hostSetTermios(hfd, req, &tio, req == abi.TCSETS2) })
	case abi.TIOCGWINSZ:
		ws, err := unix.IoctlGetWinsize(hfd, unix.TIOCGWINSZ)
		if err != nil {
			return errno(hostErrno(err))
		}
		w := abi.Winsize{Row: ws.Row, Col: ws.Col, Xpixel: ws.Xpixel, Ypixel: ws.Ypixel}
		if t.copyOut(arg, abi.Bytes(&w)) != nil {
			return errno(abi.EFAULT)
		}
		return 0
	case abi.TIOCSWINSZ:
		var w abi.Winsize
		b := make([]byte, 8)
		if t.copyIn(arg, b) != nil {
			return errno(abi.EFAULT)
		}
		abi.Decode(b, &w)
		if err := unix.IoctlSetWinsize(hfd, unix.TIOCSWINSZ, &unix.Winsize{Row: w.Row, Col: w.Col, Xpixel: w.Xpixel, Ypixel: w.Ypixel}); err != nil {
			return errno(hostErrno(err))
		}
		return 0
	case abi.TIOCGPGRP:
		pg, err := unix.IoctlGetInt(hfd, unix.TIOCGPGRP)
		if err != nil {
			return errno(hostErrno(err))
		}
		// The foreground group as the guest names it: its leader's pid in
		// the guest's pid namespace (0 for a group outside it).
		if t.writeU32(arg, uint32(t.p.guestPid(pg))) != nil {
			return errno(abi.EFAULT)
		}
		return 0
	case abi.TIOCSPGRP:
		var b [4]byte
		if t.copyIn(arg, b[:]) != nil {
			return errno(abi.EFAULT)
		}
		g := int(int32(uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24))
		if g < 0 {
			return errno(abi.EINVAL)
		}
		return t.ttyChange(hfd, func() error { return unix.IoctlSetPointerInt(hfd, unix.TIOCSPGRP, t.p.hostID(g)) })
	case abi.FIONREAD:
		n, err := unix.IoctlGetInt(hfd, hostFIONREAD)
		if err != nil {
			return errno(hostErrno(err))
		}
		if t.writeU32(arg, uint32(n)) != nil {
			return errno(abi.EFAULT)
		}
		return 0
	}
	t.p.compat.Record("ioctl:" + hex32(req))
	return errno(abi.ENOTTY)
}

// ttyChange makes a change to a terminal (tcsetattr, tcsetpgrp) under
// Linux's rule for job control (tty_check_change): a process outside the
// foreground group of its controlling terminal gets SIGTTOU for its group
// and the call restarts once the signal was dealt with, unless it ignores
// or blocks SIGTTOU. The host does not apply the rule again
// (withTTOUBlocked).
func (t *Task) ttyChange(hfd int, change func() error) uint64 {
	fg, err := unix.IoctlGetInt(hfd, unix.TIOCGPGRP)
	if err == nil && fg != unix.Getpgrp() && !t.sigIgnoredOrBlocked(abi.SIGTTOU) {
		t.p.killGroup(unix.Getpgrp(), abi.SIGTTOU)
		return errno(errRestartSys)
	}
	if err := withTTOUBlocked(change); err != nil {
		return errno(hostErrno(err))
	}
	return 0
}

// sigIgnoredOrBlocked says whether sig's action is SIG_IGN or the task
// blocks it.
func (t *Task) sigIgnoredOrBlocked(sig int) bool {
	p := t.p
	p.sig.mu.Lock()
	defer p.sig.mu.Unlock()
	return p.sig.actions[sig][0] == abi.SIG_IGN || (t.sigmask|t.realBlocked)&sigBit(sig) != 0
}
