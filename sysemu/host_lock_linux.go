package sysemu

import (
	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// hostLockCmd maps a record-lock command to the host's. Blocking forms
// are polled with the non-blocking command.
func hostLockCmd(cmd uint64) (int, abi.Errno) {
	switch cmd {
	case abi.F_GETLK:
		return unix.F_GETLK, 0
	case abi.F_SETLK, abi.F_SETLKW:
		return unix.F_SETLK, 0
	case abi.F_OFD_GETLK:
		return unix.F_OFD_GETLK, 0
	case abi.F_OFD_SETLK, abi.F_OFD_SETLKW:
		return unix.F_OFD_SETLK, 0
	}
	return 0, abi.EINVAL
}
