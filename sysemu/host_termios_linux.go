package sysemu

import (
	"runtime"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// On a Linux host the termios bits are the guest's own; only the struct
// is copied field by field.

func hostGetTermios(fd int) (abi.Termios2, error) {
	ht, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return abi.Termios2{}, err
	}
	t := abi.Termios2{Ispeed: ht.Ispeed, Ospeed: ht.Ospeed}
	t.Iflag, t.Oflag, t.Cflag, t.Lflag, t.Line = ht.Iflag, ht.Oflag, ht.Cflag, ht.Lflag, ht.Line
	copy(t.Cc[:], ht.Cc[:])
	return t, nil
}

func hostSetTermios(fd int, req uint32, t *abi.Termios2, speeds bool) error {
	ht, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	ht.Iflag, ht.Oflag, ht.Cflag, ht.Lflag, ht.Line = t.Iflag, t.Oflag, t.Cflag, t.Lflag, t.Line
	copy(ht.Cc[:], t.Cc[:])
	if speeds {
		ht.Ispeed, ht.Ospeed = t.Ispeed, t.Ospeed
	}
	hreq := uint(unix.TCSETS)
	switch req {
	case abi.TCSETSW:
		hreq = unix.TCSETSW
	case abi.TCSETSF:
		hreq = unix.TCSETSF
	}
	return unix.IoctlSetTermios(fd, hreq, ht)
}

// hostFIONREAD is the host's "bytes available to read" request.
const hostFIONREAD = unix.TIOCINQ

// withTTOUBlocked runs f (a terminal change) with SIGTTOU blocked on the
// calling thread, so the host kernel lets it through: carrick catches
// SIGTTOU to forward it, and a caught SIGTTOU makes the kernel signal and
// restart the call forever. The guest's own rule was applied before
// (Task.ttyChange).
func withTTOUBlocked(f func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var set, old unix.Sigset_t
	set.Val[0] = 1 << (unix.SIGTTOU - 1)
	if err := unix.PthreadSigmask(unix.SIG_BLOCK, &set, &old); err != nil {
		return err
	}
	defer unix.PthreadSigmask(unix.SIG_SETMASK, &old, nil)
	return f()
}
