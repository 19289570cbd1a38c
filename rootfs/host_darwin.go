package rootfs

import (
	"bytes"
	"path"
	"syscall"
	"unsafe"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/host"
	"golang.org/x/sys/unix"
)

// The darwin host layer: everything GOOS-specific that rootfs needs.

const (
	// oSearch opens a directory only to walk through it. darwin has no
	// O_PATH; the xattr metadata mode keeps directories owner-readable.
	oSearch = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	// oNode opens any node to refer to it (O_SYMLINK opens a link itself,
	// O_NONBLOCK keeps FIFOs from blocking).
	oNode = unix.O_RDONLY | unix.O_NOFOLLOW | unix.O_NONBLOCK | unix.O_NOCTTY | unix.O_CLOEXEC

	// utimensat's special values in <sys/stat.h>.
	hostUtimeNow  = -1
	hostUtimeOmit = -2
)

func hostErrnoExtra(e syscall.Errno) (abi.Errno, bool) {
	switch e {
	case unix.ENOATTR:
		return abi.ENODATA, true
	case unix.EOPNOTSUPP: // distinct from ENOTSUP on darwin, the same on Linux
		return eOPNOTSUPP, true
	}
	return 0, false
}

// errNoAttr is the host's "no such attribute".
const errNoAttr = unix.ENOATTR

// openNodeFd opens a node without following it; links are opened with
// O_SYMLINK.
func openNodeFd(dirfd int, name string) (int, error) {
	fd, err := unix.Openat(dirfd, name, oNode, 0)
	if err == unix.ELOOP {
		fd, err = unix.Openat(dirfd, name, unix.O_SYMLINK|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	}
	return fd, err
}

// hostOpenFlags converts Linux arm64 open flags to the host's.
func hostOpenFlags(f int) (int, abi.Errno) {
	h := 0
	switch f & abi.O_ACCMODE {
	case abi.O_RDONLY:
		h = unix.O_RDONLY
	case abi.O_WRONLY:
		h = unix.O_WRONLY
	case abi.O_RDWR:
		h = unix.O_RDWR
	default:
		return 0, abi.EINVAL
	}
	pairs := [...][2]int{
		{abi.O_CREAT, unix.O_CREAT}, {abi.O_EXCL, unix.O_EXCL}, {abi.O_NOCTTY, unix.O_NOCTTY},
		{abi.O_TRUNC, unix.O_TRUNC}, {abi.O_APPEND, unix.O_APPEND}, {abi.O_NONBLOCK, unix.O_NONBLOCK},
		{abi.O_DIRECTORY, unix.O_DIRECTORY}, {abi.O_NOFOLLOW, unix.O_NOFOLLOW},
	}
	for _, p := range pairs {
		if f&p[0] != 0 {
			h |= p[1]
		}
	}
	if f&abi.O_SYNC == abi.O_SYNC {
		h |= unix.O_SYNC
	} else if f&abi.O_DSYNC != 0 {
		h |= unix.O_DSYNC
	}
	if f&abi.O_PATH != 0 {
		// No O_PATH: a read-only descriptor that does not block.
		h = unix.O_RDONLY | unix.O_NONBLOCK | (h & (unix.O_DIRECTORY | unix.O_NOFOLLOW))
	}
	return h | unix.O_CLOEXEC, 0
}

// linuxDevFromHost converts darwin's dev_t (major<<24 | minor) to Linux's.
func linuxDevFromHost(d int32) uint64 { return host.DevFromDarwin(d) }

// hostDevFromLinux converts a Linux dev_t to darwin's, if it fits.
func hostDevFromLinux(dev uint64) (int, bool) {
	d, ok := host.DevToDarwin(dev)
	return int(d), ok
}

func statFromHost(s *unix.Stat_t) Stat {
	return Stat{
		Dev:     uint64(uint32(s.Dev)),
		Ino:     s.Ino,
		Mode:    uint32(s.Mode),
		Nlink:   uint32(s.Nlink),
		Uid:     s.Uid,
		Gid:     s.Gid,
		Rdev:    linuxDevFromHost(s.Rdev),
		Size:    s.Size,
		Blksize: s.Blksize,
		Blocks:  s.Blocks,
		Atime:   Timespec{s.Atim.Sec, s.Atim.Nsec},
		Mtime:   Timespec{s.Mtim.Sec, s.Mtim.Nsec},
		Ctime:   Timespec{s.Ctim.Sec, s.Ctim.Nsec},
	}
}

func statfsFromHost(fd int) (Statfs, error) {
	var s unix.Statfs_t
	if err := unix.Fstatfs(fd, &s); err != nil {
		return Statfs{}, err
	}
	name := string(bytes.TrimRight(s.Fstypename[:], "\x00"))
	typ := int64(0xEF53) // EXT4_SUPER_MAGIC: what a Linux guest expects of a disk
	switch name {
	case "devfs":
		typ = 0x1373 // DEVFS_SUPER_MAGIC
	case "nfs":
		typ = 0x6969
	}
	var flags int64
	if s.Flags&unix.MNT_RDONLY != 0 {
		flags |= ST_RDONLY
	}
	if s.Flags&unix.MNT_NOSUID != 0 {
		flags |= ST_NOSUID
	}
	return Statfs{
		Type: typ, Bsize: int64(s.Bsize), Blocks: s.Blocks, Bfree: s.Bfree, Bavail: s.Bavail,
		Files: s.Files, Ffree: s.Ffree, Fsid: [2]int32{s.Fsid.Val[0], s.Fsid.Val[1]},
		Namelen: nameMax, Frsize: int64(s.Bsize), Flags: flags,
	}, nil
}

// renameat2 renames with Linux renameat2 flags, through renameatx_np.
func renameat2(olddir int, oldname string, newdir int, newname string, flags uint) error {
	if flags == 0 {
		return unix.Renameat(olddir, oldname, newdir, newname)
	}
	var f uint32
	if flags&RENAME_NOREPLACE != 0 {
		f |= unix.RENAME_EXCL
	}
	if flags&RENAME_EXCHANGE != 0 {
		f |= unix.RENAME_SWAP
	}
	if flags&RENAME_WHITEOUT != 0 {
		return unix.EINVAL
	}
	return unix.RenameatxNp(olddir, oldname, newdir, newname, f)
}

// mknodat creates a FIFO, socket or device node; dev is a Linux dev_t.
// x/sys has no mknodat on darwin, so this goes by the parent's host path
// (F_GETPATH) and then checks that the node appeared in the directory held
// open; a concurrent rename of a parent can misplace the node (not expose
// anything), which the check reports as EAGAIN.
func mknodat(dirfd int, name string, mode uint32, dev uint64) error {
	dir, err := hostPathOf(dirfd)
	if err != nil {
		return err
	}
	p := path.Join(dir, name)
	if mode&unix.S_IFMT == unix.S_IFIFO {
		err = unix.Mkfifo(p, mode&0o7777)
	} else {
		hd, ok := hostDevFromLinux(dev)
		if !ok {
			return unix.EINVAL
		}
		err = unix.Mknod(p, mode, hd)
	}
	if err != nil {
		return err
	}
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil || st.Mode&unix.S_IFMT != uint16(mode&unix.S_IFMT) {
		return unix.EAGAIN
	}
	return nil
}

// chmodAt changes the mode of name in dirfd without following a link.
func chmodAt(dirfd int, name string, mode uint32) error {
	return unix.Fchmodat(dirfd, name, mode, unix.AT_SYMLINK_NOFOLLOW)
}

func fdChmod(fd int, mode uint32) error { return unix.Fchmod(fd, mode) }

func fdChown(fd int, uid, gid int) error { return unix.Fchown(fd, uid, gid) }

// fdUtimes sets times on an open node. darwin's futimens is not in x/sys,
// so this goes by the node's current host path without following links.
func fdUtimes(fd int, ts []unix.Timespec) error {
	p, err := hostPathOf(fd)
	if err != nil {
		return err
	}
	return unix.UtimesNanoAt(unix.AT_FDCWD, p, ts, unix.AT_SYMLINK_NOFOLLOW)
}

func fdGetxattr(fd int, name string, buf []byte) (int, error) { return unix.Fgetxattr(fd, name, buf) }

func fdSetxattr(fd int, name string, val []byte, flags int) error {
	var f int
	if flags&XATTR_CREATE != 0 {
		f |= unix.XATTR_CREATE
	}
	if flags&XATTR_REPLACE != 0 {
		f |= unix.XATTR_REPLACE
	}
	return unix.Fsetxattr(fd, name, val, f)
}

func fdListxattr(fd int, buf []byte) (int, error) { return unix.Flistxattr(fd, buf) }

func fdRemovexattr(fd int, name string) error { return unix.Fremovexattr(fd, name) }

// hostDirent is one raw host directory entry.
type hostDirent struct {
	name string
	ino  uint64
	typ  uint8 // host DT_* (same values as Linux)
}

// readDirents lists the directory open at fd from its start, through a
// fresh descriptor so fd's offset is untouched.
func readDirents(fd int) ([]hostDirent, error) {
	dfd, err := unix.Openat(fd, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(dfd)
	var out []hostDirent
	buf := make([]byte, 64<<10)
	nameOff := int(unsafe.Offsetof(unix.Dirent{}.Name))
	for {
		var base uintptr
		n, err := unix.Getdirentries(dfd, buf, &base)
		if err != nil {
			if err == unix.EINTR {
				continue
			}
			return nil, err
		}
		if n <= 0 {
			return out, nil
		}
		for off := 0; off < n; {
			d := (*unix.Dirent)(unsafe.Pointer(&buf[off]))
			rec := int(d.Reclen)
			nl := int(d.Namlen)
			if rec <= nameOff || off+rec > n || nameOff+nl > rec {
				return nil, unix.EIO
			}
			out = append(out, hostDirent{name: string(buf[off+nameOff : off+nameOff+nl]), ino: d.Ino, typ: d.Type})
			off += rec
		}
	}
}

// hostPathOf returns a host path naming the open fd.
func hostPathOf(fd int) (string, error) {
	// F_GETPATH fills a MAXPATHLEN buffer; FcntlFlock is x/sys's only
	// exported fcntl that passes a pointer.
	buf := make([]byte, 1024)
	if err := unix.FcntlFlock(uintptr(fd), unix.F_GETPATH, (*unix.Flock_t)(unsafe.Pointer(&buf[0]))); err != nil {
		return "", err
	}
	if i := bytes.IndexByte(buf, 0); i >= 0 {
		buf = buf[:i]
	}
	return string(buf), nil
}

// openTmpfile: darwin has no O_TMPFILE; Linux file systems without it say
// EOPNOTSUPP, which guests (glibc's tmpfile, for one) fall back from.
func openTmpfile(dirfd int, hflags int, mode uint32) (int, error) {
	return -1, unix.EOPNOTSUPP
}
