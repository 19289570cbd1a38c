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
	if le, ok := errnosByName[e]; ok {
		return le
	}
	return abi.EIO
}

// errnosByName extends errnoByName with the errnos of sockets and of the
// rest of the host calls carrick makes (the numbers differ on darwin).
var errnosByName = map[syscall.Errno]abi.Errno{
	syscall.ENXIO: abi.ENXIO, syscall.E2BIG: abi.E2BIG, syscall.ENOEXEC: abi.ENOEXEC,
	syscall.EBUSY: abi.EBUSY, syscall.EXDEV: abi.EXDEV, syscall.ENODEV: abi.ENODEV,
	syscall.ENFILE: abi.ENFILE, syscall.EMFILE: abi.EMFILE, syscall.EFBIG: abi.EFBIG,
	syscall.EROFS: abi.EROFS, syscall.EMLINK: abi.EMLINK, syscall.EDOM: abi.EDOM,
	syscall.ERANGE: abi.ERANGE, syscall.EDEADLK: abi.EDEADLK, syscall.ENOLCK: abi.ENOLCK,
	syscall.ENOSYS: abi.ENOSYS, syscall.ENOTEMPTY: abi.ENOTEMPTY, syscall.EOVERFLOW: abi.EOVERFLOW,
	syscall.ETIMEDOUT: abi.ETIMEDOUT, syscall.ETXTBSY: abi.ETXTBSY, syscall.ENOTSUP: abi.ENOTSUP,
	syscall.ENOTSOCK: abi.ENOTSOCK, syscall.EDESTADDRREQ: abi.EDESTADDRREQ, syscall.EMSGSIZE: abi.EMSGSIZE,
	syscall.EPROTOTYPE: abi.EPROTOTYPE, syscall.ENOPROTOOPT: abi.ENOPROTOOPT,
	syscall.EPROTONOSUPPORT: abi.EPROTONOSUPPORT, syscall.ESOCKTNOSUPPORT: abi.ESOCKTNOSUPPORT,
	syscall.EPFNOSUPPORT: abi.EPFNOSUPPORT, syscall.EAFNOSUPPORT: abi.EAFNOSUPPORT,
	syscall.EADDRINUSE: abi.EADDRINUSE, syscall.EADDRNOTAVAIL: abi.EADDRNOTAVAIL,
	syscall.ENETDOWN: abi.ENETDOWN, syscall.ENETUNREACH: abi.ENETUNREACH, syscall.ENETRESET: abi.ENETRESET,
	syscall.ECONNABORTED: abi.ECONNABORTED, syscall.ECONNRESET: abi.ECONNRESET, syscall.ENOBUFS: abi.ENOBUFS,
	syscall.EISCONN: abi.EISCONN, syscall.ENOTCONN: abi.ENOTCONN, syscall.ESHUTDOWN: abi.ESHUTDOWN,
	syscall.ETOOMANYREFS: abi.ETOOMANYREFS, syscall.ECONNREFUSED: abi.ECONNREFUSED,
	syscall.EHOSTDOWN: abi.EHOSTDOWN, syscall.EHOSTUNREACH: abi.EHOSTUNREACH, syscall.EALREADY: abi.EALREADY,
	syscall.EINPROGRESS: abi.EINPROGRESS,
}
