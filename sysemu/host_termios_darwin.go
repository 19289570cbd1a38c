package sysemu

import (
	"runtime"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/host"
)

// darwin's termios has other flag values, 8-byte fields, a 20-entry c_cc
// and literal speeds: sysemu/host translates by meaning.

func hostGetTermios(fd int) (abi.Termios2, error) {
	ht, err := unix.IoctlGetTermios(fd, unix.TIOCGETA)
	if err != nil {
		return abi.Termios2{}, err
	}
	d := darwinTermios(ht)
	return host.TermiosFromDarwin(&d), nil
}

func hostSetTermios(fd int, req uint32, t *abi.Termios2, speeds bool) error {
	ht, err := unix.IoctlGetTermios(fd, unix.TIOCGETA)
	if err != nil {
		return err
	}
	cur := darwinTermios(ht)
	lt := *t
	if !speeds { // TCSETS: a BOTHER speed means the current one
		lt.Ispeed, lt.Ospeed = uint32(cur.Ispeed), uint32(cur.Ospeed)
	}
	d := host.TermiosToDarwin(&lt, &cur)
	hreq := uint(unix.TIOCSETA)
	switch req {
	case abi.TCSETSW:
		hreq = unix.TIOCSETAW
	case abi.TCSETSF:
		hreq = unix.TIOCSETAF
	}
	nt := unix.Termios{Iflag: d.Iflag, Oflag: d.Oflag, Cflag: d.Cflag, Lflag: d.Lflag,
		Cc: d.Cc, Ispeed: d.Ispeed, Ospeed: d.Ospeed}
	return unix.IoctlSetTermios(fd, hreq, &nt)
}

func darwinTermios(ht *unix.Termios) host.DarwinTermios {
	return host.DarwinTermios{Iflag: ht.Iflag, Oflag: ht.Oflag, Cflag: ht.Cflag, Lflag: ht.Lflag,
		Cc: ht.Cc, Ispeed: ht.Ispeed, Ospeed: ht.Ospeed}
}

// hostFIONREAD is the host's "bytes available to read" request.
const hostFIONREAD = 0x4004667f // _IOR('f', 127, int); x/sys/unix does not define it for darwin

// withTTOUBlocked runs f (a terminal change) with SIGTTOU blocked on the
// calling thread (__pthread_sigmask), so the host kernel lets it through:
// carrick catches SIGTTOU to forward it, and a caught SIGTTOU makes the
// kernel signal and restart the call forever. The guest's own rule was
// applied before (Task.ttyChange).
func withTTOUBlocked(f func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	set, old := uint32(1)<<(unix.SIGTTOU-1), uint32(0)
	const sigBlock, sigSetmask = 1, 3
	if _, _, e := syscall.RawSyscall(unix.SYS___PTHREAD_SIGMASK, sigBlock, uintptr(unsafe.Pointer(&set)), uintptr(unsafe.Pointer(&old))); e != 0 {
		return e
	}
	defer syscall.RawSyscall(unix.SYS___PTHREAD_SIGMASK, sigSetmask, uintptr(unsafe.Pointer(&old)), 0)
	return f()
}
