package sysemu

import (
	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// darwin's termios has other flag values and a 20-entry c_cc; the
// translation tables arrive with the macOS host layer. Until then a
// terminal reads as "not a terminal" rather than with wrong flags.

func hostGetTermios(fd int) (abi.Termios2, error) { return abi.Termios2{}, unix.ENOTTY }

func hostSetTermios(fd int, req uint32, t *abi.Termios2, speeds bool) error { return unix.ENOTTY }

// hostFIONREAD is the host's "bytes available to read" request.
const hostFIONREAD = 0x4004667f // _IOR('f', 127, int); x/sys/unix does not define it for darwin
