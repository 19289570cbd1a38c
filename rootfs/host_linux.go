package rootfs

import (
	"strconv"
	"syscall"
	"unsafe"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// The Linux host layer: everything GOOS-specific that rootfs needs.

const (
	// oSearch opens a directory only to walk through it and use it as a
	// dirfd. O_PATH needs no read permission and touches nothing.
	oSearch = unix.O_PATH | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC
	// oNode opens any node (a link included) to refer to it, never to read.
	oNode = unix.O_PATH | unix.O_NOFOLLOW | unix.O_CLOEXEC

	hostUtimeNow  = unix.UTIME_NOW
	hostUtimeOmit = unix.UTIME_OMIT
)

func hostErrnoExtra(e syscall.Errno) (abi.Errno, bool) {
	if e == unix.ENODATA {
		return abi.ENODATA, true
	}
	return 0, false
}

// errNoAttr is the host's "no such attribute".
const errNoAttr = unix.ENODATA

// procFdPath names fd through /proc so path-only calls reach an O_PATH fd's
// node itself.
func procFdPath(fd int) string { return "/proc/self/fd/" + strconv.Itoa(fd) }

// openNodeFd opens a node without following it, links included.
func openNodeFd(dirfd int, name string) (int, error) {
	return unix.Openat(dirfd, name, oNode, 0)
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
		{abi.O_DIRECT, unix.O_DIRECT}, {abi.O_NOATIME, unix.O_NOATIME},
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
		h = unix.O_PATH | (h & (unix.O_DIRECTORY | unix.O_NOFOLLOW))
	}
	return h | unix.O_CLOEXEC, 0
}

func statFromHost(s *unix.Stat_t) Stat {
	return Stat{
		Dev:     s.Dev,
		Ino:     s.Ino,
		Mode:    s.Mode,
		Nlink:   uint32(s.Nlink),
		Uid:     s.Uid,
		Gid:     s.Gid,
		Rdev:    s.Rdev,
		Size:    s.Size,
		Blksize: int32(s.Blksize),
		Blocks:  s.Blocks,
		Atime:   Timespec{s.Atim.Sec, s.Atim.Nsec},
		Mtime:   Timespec{s.Mtim.Sec, s.Mtim.Nsec},
		Ctime:   Timespec{s.Ctim.Sec, s.Ctim.Nsec},
	}
}

// linuxDev is the identity on Linux hosts: dev_t is already Linux's.
func hostDevFromLinux(dev uint64) (int, bool) { return int(dev), true }

func statfsFromHost(fd int) (Statfs, error) {
	var s unix.Statfs_t
	if err := unix.Fstatfs(fd, &s); err != nil {
		return Statfs{}, err
	}
	return Statfs{
		Type: int64(s.Type), Bsize: int64(s.Bsize), Blocks: s.Blocks, Bfree: s.Bfree, Bavail: s.Bavail,
		Files: s.Files, Ffree: s.Ffree, Fsid: [2]int32{s.Fsid.Val[0], s.Fsid.Val[1]},
		Namelen: int64(s.Namelen), Frsize: int64(s.Frsize), Flags: int64(s.Flags),
	}, nil
}

// renameat2 renames with Linux renameat2 flags.
func renameat2(olddir int, oldname string, newdir int, newname string, flags uint) error {
	if flags == 0 {
		return unix.Renameat(olddir, oldname, newdir, newname)
	}
	return unix.Renameat2(olddir, oldname, newdir, newname, flags)
}

// mknodat creates a FIFO, socket or device node; dev is a Linux dev_t.
func mknodat(dirfd int, name string, mode uint32, dev uint64) error {
	return unix.Mknodat(dirfd, name, mode, int(dev))
}

// chmodAt changes the mode of name in dirfd without following a link.
func chmodAt(dirfd int, name string, mode uint32) error {
	err := unix.Fchmodat(dirfd, name, mode, unix.AT_SYMLINK_NOFOLLOW)
	if err != unix.EOPNOTSUPP && err != unix.ENOSYS {
		return err
	}
	// No fchmodat2 (kernels before 6.6): do what glibc does.
	fd, err := unix.Openat(dirfd, name, oNode, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return unix.EOPNOTSUPP
	}
	return unix.Chmod(procFdPath(fd), mode)
}

// fdChmod and fdChown work on any fd, O_PATH ones included.
func fdChmod(fd int, mode uint32) error {
	err := unix.Fchmod(fd, mode)
	if err == unix.EBADF {
		return unix.Chmod(procFdPath(fd), mode)
	}
	return err
}

func fdChown(fd int, uid, gid int) error {
	return unix.Fchownat(fd, "", uid, gid, unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW)
}

func fdUtimes(fd int, ts []unix.Timespec) error {
	// utimensat(fd, NULL, ts, 0) is futimens; O_PATH fds need /proc.
	_, _, e := unix.Syscall6(unix.SYS_UTIMENSAT, uintptr(fd), 0, uintptr(unsafe.Pointer(&ts[0])), 0, 0, 0)
	if e == unix.EBADF {
		return unix.UtimesNanoAt(unix.AT_FDCWD, procFdPath(fd), ts, 0)
	}
	if e != 0 {
		return e
	}
	return nil
}

// fdGetxattr and friends work on any fd, O_PATH ones (links too) included.
func fdGetxattr(fd int, name string, buf []byte) (int, error) {
	n, err := unix.Fgetxattr(fd, name, buf)
	if err == unix.EBADF {
		return unix.Getxattr(procFdPath(fd), name, buf)
	}
	return n, err
}

func fdSetxattr(fd int, name string, val []byte, flags int) error {
	err := unix.Fsetxattr(fd, name, val, flags)
	if err == unix.EBADF {
		return unix.Setxattr(procFdPath(fd), name, val, flags)
	}
	return err
}

func fdListxattr(fd int, buf []byte) (int, error) {
	n, err := unix.Flistxattr(fd, buf)
	if err == unix.EBADF {
		return unix.Listxattr(procFdPath(fd), buf)
	}
	return n, err
}

func fdRemovexattr(fd int, name string) error {
	err := unix.Fremovexattr(fd, name)
	if err == unix.EBADF {
		return unix.Removexattr(procFdPath(fd), name)
	}
	return err
}

// hostDirent is one raw host directory entry.
type hostDirent struct {
	name string
	ino  uint64
	typ  uint8 // host DT_* (same values as Linux)
}

// readDirents lists the directory open at fd (any kind of fd) from its
// start, through a fresh descriptor so fd's offset is untouched.
func readDirents(fd int) ([]hostDirent, error) {
	dfd, err := unix.Openat(fd, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, err
	}
	defer unix.Close(dfd)
	var out []hostDirent
	buf := make([]byte, 32<<10)
	nameOff := int(unsafe.Offsetof(unix.Dirent{}.Name))
	for {
		n, err := unix.Getdents(dfd, buf)
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
			if rec <= nameOff || off+rec > n {
				return nil, unix.EIO
			}
			nb := buf[off+nameOff : off+rec]
			for i, c := range nb {
				if c == 0 {
					nb = nb[:i]
					break
				}
			}
			out = append(out, hostDirent{name: string(nb), ino: d.Ino, typ: d.Type})
			off += rec
		}
	}
}

// hostPathOf returns a host path naming the open fd (for messages and for
// the few host calls that only take paths, such as binding AF_UNIX sockets).
func hostPathOf(fd int) (string, error) {
	buf := make([]byte, 4096)
	n, err := unix.Readlink(procFdPath(fd), buf)
	if err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// openTmpfile makes an unnamed regular file in the directory dirfd
// (O_TMPFILE); hflags are host open flags without O_TMPFILE.
func openTmpfile(dirfd int, hflags int, mode uint32) (int, error) {
	return unix.Openat(dirfd, ".", hflags|unix.O_TMPFILE, mode)
}
