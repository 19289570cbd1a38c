package sysemu

import (
	"encoding/binary"
	"os"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// Path syscalls: stat family, directories, links, permissions, times, cwd.

func linuxStat(s *rootfs.Stat) abi.Stat {
	return abi.Stat{
		Dev: s.Dev, Ino: s.Ino, Mode: s.Mode, Nlink: s.Nlink, UID: s.Uid, GID: s.Gid, Rdev: s.Rdev,
		Size: s.Size, Blksize: s.Blksize, Blocks: s.Blocks,
		Atime: s.Atime.Sec, AtimeNsec: uint64(s.Atime.Nsec),
		Mtime: s.Mtime.Sec, MtimeNsec: uint64(s.Mtime.Nsec),
		Ctime: s.Ctime.Sec, CtimeNsec: uint64(s.Ctime.Nsec),
	}
}

func devMajor(dev uint64) uint32 { return uint32((dev>>8)&0xfff | (dev>>32)&^0xfff) }
func devMinor(dev uint64) uint32 { return uint32(dev&0xff | (dev>>12)&^0xff) }

func linuxStatx(s *rootfs.Stat) abi.Statx {
	ts := func(t rootfs.Timespec) abi.StatxTimestamp {
		return abi.StatxTimestamp{Sec: t.Sec, Nsec: uint32(t.Nsec)}
	}
	return abi.Statx{
		Mask: abi.STATX_BASIC_STATS, Blksize: uint32(s.Blksize), Nlink: s.Nlink, UID: s.Uid, GID: s.Gid,
		Mode: uint16(s.Mode), Ino: s.Ino, Size: uint64(s.Size), Blocks: uint64(s.Blocks),
		Atime: ts(s.Atime), Ctime: ts(s.Ctime), Mtime: ts(s.Mtime),
		RdevMajor: devMajor(s.Rdev), RdevMinor: devMinor(s.Rdev),
		DevMajor: devMajor(s.Dev), DevMinor: devMinor(s.Dev),
	}
}

// statAt is the common part of newfstatat/statx: the file named by
// (dirfd, path, flags).
func (t *Task) statAt(dirfd, pathAddr, flags uint64) (rootfs.Stat, abi.Errno) {
	p, e := t.readPath(pathAddr)
	if e != 0 {
		return rootfs.Stat{}, e
	}
	if p == "" {
		if flags&abi.AT_EMPTY_PATH == 0 {
			return rootfs.Stat{}, abi.ENOENT
		}
		return t.fstat(dirfd)
	}
	at := t.p.fs.getCwd()
	if p[0] != '/' {
		if at, e = t.dirAt(int32(dirfd)); e != 0 {
			return rootfs.Stat{}, e
		}
	}
	st, e := t.p.fs.root().StatAt(at, p, flags&abi.AT_SYMLINK_NOFOLLOW == 0)
	if e != 0 {
		t.noteSyntheticMiss(p, e)
	}
	return st, e
}

// fstat describes an open fd: a file of the view, or a host or emulated one.
func (t *Task) fstat(fd uint64) (rootfs.Stat, abi.Errno) {
	if int32(fd) == abi.AT_FDCWD {
		return t.p.fs.root().StatAt(t.p.fs.getCwd(), ".", true)
	}
	f, ok := t.p.files.Get(int(int32(fd)))
	if !ok {
		return rootfs.Stat{}, abi.EBADF
	}
	switch f := f.(type) {
	case *osFile:
		return f.rf.Stat()
	case *hostFile:
		return hostFstat(f.fd)
	case *memFile:
		return hostFstat(f.fd)
	case statFile:
		return f.stat()
	}
	// Emulated objects are anonymous inodes, as Linux's anon_inode files.
	return rootfs.Stat{Mode: 0o600, Nlink: 1, Blksize: 4096}, 0
}

// statFile is implemented by files with their own fstat answer (sockets).
type statFile interface {
	stat() (rootfs.Stat, abi.Errno)
}

// sysFstat implements fstat(2).
func sysFstat(t *Task, a [6]uint64) uint64 {
	st, e := t.fstat(a[0])
	if e != 0 {
		return errno(e)
	}
	ls := linuxStat(&st)
	if t.copyOut(a[1], abi.Bytes(&ls)) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// sysNewfstatat implements newfstatat(2).
func sysNewfstatat(t *Task, a [6]uint64) uint64 {
	if a[3]&^uint64(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH|abi.AT_NO_AUTOMOUNT) != 0 {
		return errno(abi.EINVAL)
	}
	st, e := t.statAt(a[0], a[1], a[3])
	if e != 0 {
		return errno(e)
	}
	ls := linuxStat(&st)
	if t.copyOut(a[2], abi.Bytes(&ls)) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// sysStatx implements statx(2).
func sysStatx(t *Task, a [6]uint64) uint64 {
	if a[2]&^uint64(abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH|abi.AT_NO_AUTOMOUNT|abi.AT_STATX_SYNC_TYPE) != 0 {
		return errno(abi.EINVAL)
	}
	st, e := t.statAt(a[0], a[1], a[2])
	if e != 0 {
		return errno(e)
	}
	sx := linuxStatx(&st)
	if t.copyOut(a[4], abi.Bytes(&sx)) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// sysReadlinkat implements readlinkat(2).
func sysReadlinkat(t *Task, a [6]uint64) uint64 {
	at, p, e := t.pathAt(a[0], a[1])
	if e != 0 {
		return errno(e)
	}
	if int64(a[3]) <= 0 {
		return errno(abi.EINVAL)
	}
	target, e := t.readlink(at, p)
	if e != 0 {
		return errno(e)
	}
	b := []byte(target)
	if uint64(len(b)) > a[3] {
		b = b[:a[3]]
	}
	if t.copyOut(a[2], b) != nil {
		return errno(abi.EFAULT)
	}
	return uint64(len(b))
}

// readlink answers the links the kernel itself provides for a process
// (/proc/self/exe) and otherwise asks the view.
func (t *Task) readlink(at *rootfs.Dir, p string) (string, abi.Errno) {
	if p == "/proc/self/exe" || p == "/proc/"+itoa(uint64(t.p.pid))+"/exe" {
		return t.p.exe, 0
	}
	return t.p.fs.root().Readlink(at, p)
}

// sysFaccessat implements faccessat(2) and faccessat2(2).
func sysFaccessat(t *Task, a [6]uint64) uint64 {
	a[3] = 0 // faccessat(2) has no flags argument
	return sysFaccessat2(t, a)
}

// sysFaccessat2 implements faccessat2(2): the check is made for the real
// uid and gid, or with AT_EACCESS for the file-system ones, as Linux's.
func sysFaccessat2(t *Task, a [6]uint64) uint64 {
	if a[3]&^uint64(abi.AT_EACCESS|abi.AT_SYMLINK_NOFOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return errno(abi.EINVAL)
	}
	if a[2]&^uint64(abi.R_OK|abi.W_OK|abi.X_OK) != 0 {
		return errno(abi.EINVAL)
	}
	view := t.p.fs.root()
	if a[3]&abi.AT_EACCESS == 0 {
		view = t.p.fs.rootAs(t.p.creds().accessCred())
	}
	if a[3]&abi.AT_EMPTY_PATH != 0 {
		if p, e := t.readPath(a[1]); e == 0 && p == "" && int32(a[0]) != abi.AT_FDCWD {
			// The file of the fd itself, whatever its type.
			of, e := t.osFile(a[0])
			if e == abi.EBADF {
				return errno(e)
			}
			if e != 0 {
				return 0 // a pipe or socket: its owner is the caller
			}
			return errnoOr0(view.AccessFile(of.rf, uint32(a[2])))
		}
	}
	at, p, e := t.pathAt(a[0], a[1])
	if e != 0 {
		return errno(e)
	}
	if p == "" && a[3]&abi.AT_EMPTY_PATH != 0 {
		p = "."
	}
	if e := view.Access(at, p, uint32(a[2]), a[3]&abi.AT_SYMLINK_NOFOLLOW == 0); e != 0 {
		return errno(e)
	}
	return 0
}

// sysMkdirat implements mkdirat(2).
func sysMkdirat(t *Task, a [6]uint64) uint64 {
	at, p, e := t.pathAt(a[0], a[1])
	if e != 0 {
		return errno(e)
	}
	return t.created(at, p, true, t.p.fs.root().Mkdir(at, p, uint32(a[2])&0o7777&^t.p.fs.getUmask()))
}

// sysMknodat implements mknodat(2).
func sysMknodat(t *Task, a [6]uint64) uint64 {
	at, p, e := t.pathAt(a[0], a[1])
	if e != 0 {
		return errno(e)
	}
	mode := uint32(a[2])
	mode = mode&abi.S_IFMT | mode&0o7777&^t.p.fs.getUmask()
	return t.created(at, p, false, t.p.fs.root().Mknod(at, p, mode, a[3]))
}

// sysUnlinkat implements unlinkat(2).
func sysUnlinkat(t *Task, a [6]uint64) uint64 {
	at, p, e := t.pathAt(a[0], a[1])
	if e != 0 {
		return errno(e)
	}
	switch a[2] {
	case 0:
		return t.removeNotify(at, p, false, func() abi.Errno { return t.p.fs.root().Unlink(at, p) })
	case abi.AT_REMOVEDIR:
		return t.removeNotify(at, p, true, func() abi.Errno { return t.p.fs.root().Rmdir(at, p) })
	}
	return errno(abi.EINVAL)
}

// sysRenameat2 implements renameat(2) and renameat2(2).
func sysRenameat2(t *Task, a [6]uint64) uint64 {
	oldAt, oldP, e := t.pathAt(a[0], a[1])
	if e != 0 {
		return errno(e)
	}
	newAt, newP, e := t.pathAt(a[2], a[3])
	if e != 0 {
		return errno(e)
	}
	return t.renameNotify(oldAt, oldP, newAt, newP, uint(a[4]), func() abi.Errno {
		return t.p.fs.root().Rename(oldAt, oldP, newAt, newP, uint(a[4]))
	})
}

func sysRenameat(t *Task, a [6]uint64) uint64 {
	a[4] = 0
	return sysRenameat2(t, a)
}

// sysLinkat implements linkat(2).
func sysLinkat(t *Task, a [6]uint64) uint64 {
	if a[4]&^uint64(abi.AT_SYMLINK_FOLLOW|abi.AT_EMPTY_PATH) != 0 {
		return errno(abi.EINVAL)
	}
	oldAt, oldP, e := t.pathAt(a[0], a[1])
	if e != 0 {
		return errno(e)
	}
	newAt, newP, e := t.pathAt(a[2], a[3])
	if e != 0 {
		return errno(e)
	}
	return t.linked(newAt, newP, t.p.fs.root().Link(oldAt, oldP, newAt, newP, a[4]&abi.AT_SYMLINK_FOLLOW != 0))
}

// sysSymlinkat implements symlinkat(2).
func sysSymlinkat(t *Task, a [6]uint64) uint64 {
	target, e := t.readPath(a[0])
	if e != 0 {
		return errno(e)
	}
	at, p, e := t.pathAt(a[1], a[2])
	if e != 0 {
		return errno(e)
	}
	return t.created(at, p, false, t.p.fs.root().Symlink(target, at, p))
}

// sysFchmodat implements fchmodat(2).
func sysFchmodat(t *Task, a [6]uint64) uint64 {
	at, p, e := t.pathAt(a[0], a[1])
	if e != 0 {
		return errno(e)
	}
	return t.pathChanged(at, p, true, abi.IN_ATTRIB, t.p.fs.root().Chmod(at, p, uint32(a[2])&0o7777, true))
}

// sysFchmod implements fchmod(2).
func sysFchmod(t *Task, a [6]uint64) uint64 {
	of, e := t.osFile(a[0])
	if e != 0 {
		return errno(abi.EBADF)
	}
	return t.fileChanged(of.rf, abi.IN_ATTRIB, t.p.fs.root().Fchmod(of.rf, uint32(a[1])&0o7777))
}

// sysFchownat implements fchownat(2).
func sysFchownat(t *Task, a [6]uint64) uint64 {
	if a[4]&abi.AT_EMPTY_PATH != 0 {
		if p, e := t.readPath(a[1]); e == 0 && p == "" {
			return sysFchown(t, [6]uint64{a[0], a[2], a[3]})
		}
	}
	at, p, e := t.pathAt(a[0], a[1])
	if e != 0 {
		return errno(e)
	}
	follow, uid, gid := a[4]&abi.AT_SYMLINK_NOFOLLOW == 0, int(int32(a[2])), int(int32(a[3]))
	return t.pathChanged(at, p, follow, chownMask(uid, gid), t.p.fs.root().Chown(at, p, uid, gid, follow))
}

// sysFchown implements fchown(2).
func sysFchown(t *Task, a [6]uint64) uint64 {
	of, e := t.osFile(a[0])
	if e != 0 {
		return errno(abi.EBADF)
	}
	uid, gid := int(int32(a[1])), int(int32(a[2]))
	return t.fileChanged(of.rf, chownMask(uid, gid), t.p.fs.root().Fchown(of.rf, uid, gid))
}

// sysUtimensat implements utimensat(2).
func sysUtimensat(t *Task, a [6]uint64) uint64 {
	var ts *[2]rootfs.Timespec
	if a[2] != 0 {
		var b [32]byte
		if t.copyIn(a[2], b[:]) != nil {
			return errno(abi.EFAULT)
		}
		ts = &[2]rootfs.Timespec{
			{Sec: int64(binary.LittleEndian.Uint64(b[0:])), Nsec: int64(binary.LittleEndian.Uint64(b[8:]))},
			{Sec: int64(binary.LittleEndian.Uint64(b[16:])), Nsec: int64(binary.LittleEndian.Uint64(b[24:]))},
		}
	}
	if a[1] == 0 { // futimens
		of, e := t.osFile(a[0])
		if e != 0 {
			return errno(abi.EBADF)
		}
		return t.fileChanged(of.rf, utimesMask(ts), t.p.fs.root().Futimes(of.rf, ts))
	}
	at, p, e := t.pathAt(a[0], a[1])
	if e != 0 {
		return errno(e)
	}
	follow := a[3]&abi.AT_SYMLINK_NOFOLLOW == 0
	return t.pathChanged(at, p, follow, utimesMask(ts), t.p.fs.root().Utimes(at, p, ts, follow))
}

// sysTruncate implements truncate(2).
func sysTruncate(t *Task, a [6]uint64) uint64 {
	p, e := t.readPath(a[0])
	if e != 0 {
		return errno(e)
	}
	cwd := t.p.fs.getCwd()
	return t.pathChanged(cwd, p, true, abi.IN_MODIFY, t.p.fs.root().Truncate(cwd, p, int64(a[1])))
}

// sysGetcwd implements getcwd(2).
func sysGetcwd(t *Task, a [6]uint64) uint64 {
	cwd := t.p.fs.root().Getcwd(t.p.fs.getCwd())
	b := append([]byte(cwd), 0)
	if uint64(len(b)) > a[1] {
		return errno(abi.ERANGE)
	}
	if t.copyOut(a[0], b) != nil {
		return errno(abi.EFAULT)
	}
	return uint64(len(b))
}

// sysChdir implements chdir(2).
func sysChdir(t *Task, a [6]uint64) uint64 {
	p, e := t.readPath(a[0])
	if e != 0 {
		return errno(e)
	}
	d, e := t.p.fs.root().OpenDir(t.p.fs.getCwd(), p)
	if e != 0 {
		return errno(e)
	}
	t.p.fs.setCwd(d)
	return 0
}

// sysFchdir implements fchdir(2).
func sysFchdir(t *Task, a [6]uint64) uint64 {
	d, e := t.dirAt(int32(a[0]))
	if e != 0 {
		return errno(e)
	}
	nd, e := t.p.fs.root().OpenDir(d, ".")
	if e != 0 {
		return errno(e)
	}
	t.p.fs.setCwd(nd)
	return 0
}

// sysUmask implements umask(2).
func sysUmask(t *Task, a [6]uint64) uint64 {
	s := t.p.fs
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.umask
	s.umask = uint32(a[0]) & 0o777
	return uint64(old)
}

// sysStatfs implements statfs(2); sysFstatfs fstatfs(2).
func sysStatfs(t *Task, a [6]uint64) uint64 {
	p, e := t.readPath(a[0])
	if e != 0 {
		return errno(e)
	}
	st, e := t.p.fs.root().Statfs(t.p.fs.getCwd(), p)
	if e != 0 {
		return errno(e)
	}
	return t.writeStatfs(a[1], &st)
}

func sysFstatfs(t *Task, a [6]uint64) uint64 {
	of, e := t.osFile(a[0])
	if e != 0 {
		return errno(abi.EBADF)
	}
	st, e := of.rf.Statfs()
	if e != 0 {
		return errno(e)
	}
	return t.writeStatfs(a[1], &st)
}

// writeStatfs writes struct statfs (arm64: 120 bytes of 64-bit fields).
func (t *Task) writeStatfs(addr uint64, st *rootfs.Statfs) uint64 {
	b := make([]byte, 120)
	le := binary.LittleEndian
	le.PutUint64(b[0:], uint64(st.Type))
	le.PutUint64(b[8:], uint64(st.Bsize))
	le.PutUint64(b[16:], st.Blocks)
	le.PutUint64(b[24:], st.Bfree)
	le.PutUint64(b[32:], st.Bavail)
	le.PutUint64(b[40:], st.Files)
	le.PutUint64(b[48:], st.Ffree)
	le.PutUint32(b[56:], uint32(st.Fsid[0]))
	le.PutUint32(b[60:], uint32(st.Fsid[1]))
	le.PutUint64(b[64:], uint64(st.Namelen))
	le.PutUint64(b[72:], uint64(st.Bsize)) // f_frsize
	le.PutUint64(b[80:], uint64(st.Flags))
	if t.copyOut(addr, b) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

func errnoOr0(e abi.Errno) uint64 {
	if e != 0 {
		return errno(e)
	}
	return 0
}

// sysUname implements uname(2). The release matches the vDSO's Linux note
// and /proc/version.
func sysUname(t *Task, a [6]uint64) uint64 {
	var u abi.Utsname
	host := t.p.cfg.Hostname
	if host == "" {
		host, _ = os.Hostname()
	}
	copy(u.Sysname[:64], "Linux")
	copy(u.Nodename[:64], host)
	copy(u.Release[:64], KernelRelease)
	copy(u.Version[:64], KernelVersion)
	copy(u.Machine[:64], "aarch64")
	copy(u.Domainname[:64], "(none)")
	if t.copyOut(a[0], abi.Bytes(&u)) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// The kernel carrick presents itself as.
const (
	KernelRelease = "6.12.0-carrick"
	KernelVersion = "#1 SMP PREEMPT carrick"
)

// sysChroot implements chroot(2): the process's / becomes the directory,
// inside the view it already has (a guest can never chroot out of it).
// CAP_SYS_CHROOT is "euid 0" (creds.go).
func sysChroot(t *Task, a [6]uint64) uint64 {
	p, e := t.readPath(a[0])
	if e != 0 {
		return errno(e)
	}
	s := t.p.fs
	cur := s.root()
	d, e := cur.OpenDir(s.getCwd(), p)
	if e != 0 {
		return errno(e)
	}
	if t.p.creds().EUID != 0 {
		d.Close()
		return errno(abi.EPERM)
	}
	nv, e := cur.Chroot(d)
	d.Close()
	if e != 0 {
		return errno(e)
	}
	s.chroot(nv)
	return 0
}
