package sysemu

import (
	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// hostFstat describes a host fd outside the guest's view (stdio, pipes).
func hostFstat(fd int) (rootfs.Stat, abi.Errno) {
	var s unix.Stat_t
	if err := unix.Fstat(fd, &s); err != nil {
		return rootfs.Stat{}, hostErrno(err)
	}
	return rootfs.Stat{
		Dev: s.Dev, Ino: s.Ino, Mode: s.Mode, Nlink: uint32(s.Nlink), Uid: s.Uid, Gid: s.Gid,
		Rdev: s.Rdev, Size: s.Size, Blksize: int32(s.Blksize), Blocks: s.Blocks,
		Atime: rootfs.Timespec{Sec: s.Atim.Sec, Nsec: s.Atim.Nsec},
		Mtime: rootfs.Timespec{Sec: s.Mtim.Sec, Nsec: s.Mtim.Nsec},
		Ctime: rootfs.Timespec{Sec: s.Ctim.Sec, Nsec: s.Ctim.Nsec},
	}, 0
}
