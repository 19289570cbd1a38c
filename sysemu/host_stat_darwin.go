package sysemu

import (
	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/host"
)

// hostFstat describes a host fd outside the guest's view (stdio, pipes).
// darwin's dev_t is 32 bits with an 8-bit major; Linux's encoding is used
// (host.DevFromDarwin).
func hostFstat(fd int) (rootfs.Stat, abi.Errno) {
	var s unix.Stat_t
	if err := unix.Fstat(fd, &s); err != nil {
		return rootfs.Stat{}, hostErrno(err)
	}
	return rootfs.Stat{
		Dev: host.DevFromDarwin(s.Dev), Ino: s.Ino, Mode: uint32(s.Mode), Nlink: uint32(s.Nlink), Uid: s.Uid, Gid: s.Gid,
		Rdev: host.DevFromDarwin(s.Rdev), Size: s.Size, Blksize: s.Blksize, Blocks: s.Blocks,
		Atime: rootfs.Timespec{Sec: s.Atim.Sec, Nsec: s.Atim.Nsec},
		Mtime: rootfs.Timespec{Sec: s.Mtim.Sec, Nsec: s.Mtim.Nsec},
		Ctime: rootfs.Timespec{Sec: s.Ctim.Sec, Nsec: s.Ctim.Nsec},
	}, 0
}
