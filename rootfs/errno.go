package rootfs

import (
	"errors"
	"syscall"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// errnoOf maps a host error to the Linux errno with the same meaning. Host
// numbers differ on darwin, so the mapping is by name, never by value.
func errnoOf(err error) abi.Errno {
	if err == nil {
		return 0
	}
	var e syscall.Errno
	if !errors.As(err, &e) {
		return abi.EIO
	}
	if le, ok := hostErrnoExtra(e); ok {
		return le
	}
	switch e {
	case unix.EPERM:
		return abi.EPERM
	case unix.ENOENT:
		return abi.ENOENT
	case unix.EINTR:
		return abi.EINTR
	case unix.EIO:
		return abi.EIO
	case unix.ENXIO:
		return abi.ENXIO
	case unix.E2BIG:
		return abi.E2BIG
	case unix.EBADF:
		return abi.EBADF
	case unix.EAGAIN:
		return abi.EAGAIN
	case unix.ENOMEM:
		return abi.ENOMEM
	case unix.EACCES:
		return abi.EACCES
	case unix.EFAULT:
		return abi.EFAULT
	case unix.ENOTBLK:
		return eNOTBLK
	case unix.EBUSY:
		return abi.EBUSY
	case unix.EEXIST:
		return abi.EEXIST
	case unix.EXDEV:
		return abi.EXDEV
	case unix.ENODEV:
		return abi.ENODEV
	case unix.ENOTDIR:
		return abi.ENOTDIR
	case unix.EISDIR:
		return abi.EISDIR
	case unix.EINVAL:
		return abi.EINVAL
	case unix.ENFILE:
		return abi.ENFILE
	case unix.EMFILE:
		return abi.EMFILE
	case unix.ENOTTY:
		return abi.ENOTTY
	case unix.ETXTBSY:
		return eTXTBSY
	case unix.EFBIG:
		return abi.EFBIG
	case unix.ENOSPC:
		return abi.ENOSPC
	case unix.ESPIPE:
		return abi.ESPIPE
	case unix.EROFS:
		return abi.EROFS
	case unix.EMLINK:
		return abi.EMLINK
	case unix.EPIPE:
		return abi.EPIPE
	case unix.ERANGE:
		return abi.ERANGE
	case unix.ENAMETOOLONG:
		return abi.ENAMETOOLONG
	case unix.ENOSYS:
		return abi.ENOSYS
	case unix.ENOTEMPTY:
		return abi.ENOTEMPTY
	case unix.ELOOP:
		return abi.ELOOP
	case unix.EOVERFLOW:
		return abi.EOVERFLOW
	case unix.ENOTSUP:
		return abi.ENOTSUP
	case unix.EILSEQ:
		return eILSEQ
	case unix.ESTALE:
		return eSTALE
	case unix.EDQUOT:
		return eDQUOT
	case unix.ETIMEDOUT:
		return abi.ETIMEDOUT
	}
	return abi.EIO
}
