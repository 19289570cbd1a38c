package sysemu

import (
	"syscall"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// errnoByName maps a host errno to Linux's by meaning (the names of Go's
// syscall package), for the errors carrick's own code expects. The darwin
// build maps every darwin errno through the table in sysemu/host instead.
func errnoByName(e syscall.Errno) abi.Errno {
	switch e {
	case syscall.EPERM:
		return abi.EPERM
	case syscall.ENOENT:
		return abi.ENOENT
	case syscall.ESRCH:
		return abi.ESRCH
	case syscall.ECHILD:
		return abi.ECHILD
	case syscall.EINTR:
		return abi.EINTR
	case syscall.EIO:
		return abi.EIO
	case syscall.EBADF:
		return abi.EBADF
	case syscall.EAGAIN:
		return abi.EAGAIN
	case syscall.ENOMEM:
		return abi.ENOMEM
	case syscall.EACCES:
		return abi.EACCES
	case syscall.EFAULT:
		return abi.EFAULT
	case syscall.EEXIST:
		return abi.EEXIST
	case syscall.ENOTDIR:
		return abi.ENOTDIR
	case syscall.EISDIR:
		return abi.EISDIR
	case syscall.EINVAL:
		return abi.EINVAL
	case syscall.ENOSPC:
		return abi.ENOSPC
	case syscall.ESPIPE:
		return abi.ESPIPE
	case syscall.EPIPE:
		return abi.EPIPE
	case syscall.ENOTTY:
		return abi.ENOTTY
	case syscall.ENAMETOOLONG:
		return abi.ENAMETOOLONG
	case syscall.ELOOP:
		return abi.ELOOP
	}
	return abi.EIO
}
