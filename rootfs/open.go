package rootfs

import (
	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// errRetry is an internal result: the node changed under the lookup (a
// concurrent rename put a link there); resolve again.
const errRetry abi.Errno = 0xffff

// allowedDevices are the host device nodes a guest may open in the host
// metadata mode (docker's default device cgroup rule set); other device
// nodes in a root, which the guest could mknod as root, are EPERM to open,
// so a guest cannot reach host disks through them.
var allowedDevices = map[[2]uint32]bool{
	{1, 3}: true, {1, 5}: true, {1, 7}: true, {1, 8}: true, {1, 9}: true, // null zero full random urandom
	{5, 0}: true, {5, 1}: true, {5, 2}: true, // tty console ptmx
}

func devMajor(dev uint64) uint32 { return uint32((dev>>8)&0xfff | (dev>>32)&^0xfff) }
func devMinor(dev uint64) uint32 { return uint32(dev&0xff | (dev>>12)&^0xff) }

// Open is openat(2) with Linux arm64 flags. mode (for O_CREAT and
// O_TMPFILE) is already masked by the guest's umask. The host descriptor
// is always close-on-exec on the host; FD_CLOEXEC for the guest is
// sysemu's.
func (fs *FS) Open(at *Dir, p string, flags int, mode uint32) (*File, abi.Errno) {
	if flags&abi.O_TMPFILE == abi.O_TMPFILE {
		return fs.openTmpfile(at, p, flags, mode)
	}
	if flags&abi.O_PATH != 0 {
		flags &= abi.O_PATH | abi.O_DIRECTORY | abi.O_NOFOLLOW | abi.O_CLOEXEC
	}
	if _, e := hostOpenFlags(flags); e != 0 {
		return nil, e
	}
	create := flags&abi.O_CREAT != 0
	if create && flags&abi.O_DIRECTORY != 0 {
		return nil, abi.EINVAL // Linux 6.4 and later
	}
	fl := lkFollow
	if flags&abi.O_NOFOLLOW != 0 || (create && flags&abi.O_EXCL != 0) {
		fl = 0
	}
	if create {
		fl |= lkParent
	}
	if flags&abi.O_DIRECTORY != 0 {
		fl |= lkDir
	}
	for range 8 {
		f, e := fs.openOnce(at, p, flags, mode, fl)
		if e != errRetry {
			return f, e
		}
	}
	return nil, abi.ELOOP
}

func (fs *FS) openOnce(at *Dir, p string, flags int, mode uint32, fl lookupFlags) (*File, abi.Errno) {
	w, n, e := fs.resolve(at, p, fl)
	defer w.release()
	create := flags&abi.O_CREAT != 0
	excl := flags&abi.O_EXCL != 0
	if create {
		if e == 0 && fl&lkFollow == 0 {
			// O_EXCL or O_NOFOLLOW: the final name was not looked at yet.
			if n.kind != lastNorm {
				if excl {
					return nil, abi.EEXIST
				}
				return nil, abi.EISDIR
			}
			st, e2 := fs.lstatRaw(&n)
			switch e2 {
			case 0:
				n.st = st
			case abi.ENOENT:
				e = abi.ENOENT
			default:
				return nil, e2
			}
		}
		if e == abi.ENOENT && n.dir != nil {
			if n.slash {
				return nil, abi.EISDIR
			}
			if n.mnt.synth != nil {
				return nil, abi.EACCES
			}
			if n.mnt.ro {
				return nil, abi.EROFS
			}
			if e := fs.dirPermission(n.dir, mayWrite|mayExec); e != 0 {
				return nil, e
			}
			if n.dir.ov != nil {
				if e := w.ovCreate(&n); e != 0 {
					if e == abi.EEXIST && !excl {
						return nil, errRetry
					}
					return nil, e
				}
			}
			f, e := fs.createFile(&n, flags, mode)
			if e == 0 {
				if e = ovCreated(&n, false); e != 0 {
					f.Close()
					return nil, e
				}
			}
			if e == abi.EEXIST && !excl {
				return nil, errRetry
			}
			return f, e
		}
		if e == 0 && excl {
			return nil, abi.EEXIST
		}
		if e == 0 && (n.kind != lastNorm || n.st.IsDir()) {
			return nil, abi.EISDIR
		}
	}
	if e != 0 {
		return nil, e
	}
	if n.ov != nil && !n.ov.up && n.st.Mode&sIFMT == sIFREG && flags&abi.O_PATH == 0 &&
		(flags&abi.O_ACCMODE != abi.O_RDONLY || flags&abi.O_TRUNC != 0) && !n.mnt.ro {
		// Writing a lower file: copy it up first (checking the permission
		// first, so a refused open copies nothing).
		if e := fs.mayOpen(&n, flags); e != 0 {
			return nil, e
		}
		if e := w.ovCopyUp(&n); e != 0 {
			return nil, e
		}
	}
	return fs.openNode(&n, flags)
}

// openNode opens the resolved node.
func (fs *FS) openNode(n *node, flags int) (*File, abi.Errno) {
	st := n.st
	typ := st.Mode & sIFMT
	acc := flags & abi.O_ACCMODE
	write := acc != abi.O_RDONLY
	f := &File{fs: fs, mnt: n.mnt, fd: -1, path: n.path, flags: flags, typ: typ}
	if flags&abi.O_PATH == 0 {
		switch typ {
		case sIFLNK:
			return nil, abi.ELOOP
		case sIFDIR:
			if write {
				return nil, abi.EISDIR
			}
		case sIFSOCK:
			return nil, abi.ENXIO
		case sIFCHR, sIFBLK:
			if n.mnt.synth == nil && !allowedDevices[[2]uint32{devMajor(st.Rdev), devMinor(st.Rdev)}] {
				return nil, abi.EPERM
			}
		case sIFREG:
			if fs.meta == MetadataXattr && st.Size == 0 && n.mnt.synth == nil {
				gs := st
				if e := fs.overlayNode(n, &gs); e != 0 {
					return nil, e
				}
				if gs.Mode&sIFMT != sIFREG {
					// A stand-in device, socket or FIFO: no driver behind it.
					return nil, abi.ENXIO
				}
			}
		}
		if n.mnt.ro && (write || flags&abi.O_TRUNC != 0) && (typ == sIFREG || typ == sIFDIR) {
			return nil, abi.EROFS
		}
		if e := fs.mayOpen(n, flags); e != 0 {
			return nil, e
		}
	}
	if s := n.mnt.synth; s != nil {
		f.spath = n.spath()
		if flags&abi.O_PATH == 0 {
			sf, e := s.Open(f.spath, flags)
			if e != 0 {
				return nil, e
			}
			f.synth = sf
		}
		if typ == sIFDIR {
			f.dir = &Dir{mnt: n.mnt, fd: -1, spath: f.spath, path: n.path}
		}
		return f, 0
	}
	hf, _ := hostOpenFlags(flags &^ (abi.O_CREAT | abi.O_EXCL))
	dirfd, name := n.hostAt()
	var fd int
	var err error
	if flags&abi.O_PATH != 0 && typ == sIFLNK {
		fd, err = openNodeFd(dirfd, name)
	} else {
		fd, err = unix.Openat(dirfd, name, hf|unix.O_NOFOLLOW, 0)
	}
	if err != nil {
		if err == unix.ELOOP || err == unix.EMLINK {
			if flags&abi.O_NOFOLLOW != 0 {
				return nil, abi.ELOOP
			}
			return nil, errRetry
		}
		return nil, errnoOf(err)
	}
	if flags&abi.O_PATH == 0 {
		// The name was resolved before it was opened: if a concurrent
		// rename put another node there (a device the guest may not open,
		// say), start again.
		var hs unix.Stat_t
		if err := unix.Fstat(fd, &hs); err != nil || uint32(hs.Mode)&sIFMT != typ || hs.Ino != st.Ino {
			unix.Close(fd)
			return nil, errRetry
		}
	}
	f.fd = fd
	if typ == sIFDIR {
		f.dir = &Dir{mnt: n.mnt, fd: fd, path: n.path}
	}
	if e := f.ovOpened(n); e != 0 {
		f.Close()
		return nil, e
	}
	return f, 0
}

// createFile creates and opens the regular file n (which did not exist).
func (fs *FS) createFile(n *node, flags int, mode uint32) (*File, abi.Errno) {
	hf, e := hostOpenFlags(flags)
	if e != 0 {
		return nil, e
	}
	o, mode, e := fs.newOwner(n.dir, sIFREG, mode)
	if e != 0 {
		return nil, e
	}
	hp := mode & 0o777
	if fs.meta == MetadataXattr {
		hp = hostPerm(sIFREG, mode)
	}
	fd, err := unix.Openat(n.dir.fd, n.name, hf|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW, hp)
	if err != nil {
		return nil, errnoOf(err)
	}
	if e := fs.initCreated(fd, sIFREG, mode, 0, 0, o); e != 0 {
		unix.Close(fd)
		unix.Unlinkat(n.dir.fd, n.name, 0)
		return nil, e
	}
	return &File{fs: fs, mnt: n.mnt, fd: fd, path: n.path, flags: flags, typ: sIFREG}, 0
}

// openTmpfile is open with O_TMPFILE: an unnamed file in directory p.
func (fs *FS) openTmpfile(at *Dir, p string, flags int, mode uint32) (*File, abi.Errno) {
	acc := flags & abi.O_ACCMODE
	if acc != abi.O_WRONLY && acc != abi.O_RDWR {
		return nil, abi.EINVAL
	}
	w, n, e := fs.resolve(at, p, lkFollow|lkDir)
	defer w.release()
	if e != 0 {
		return nil, e
	}
	if n.mnt.synth != nil {
		return nil, eOPNOTSUPP
	}
	if n.mnt.ro {
		return nil, abi.EROFS
	}
	d, e := fs.nodeDir(&n)
	if e != 0 {
		return nil, e
	}
	defer d.Close()
	if e := fs.dirPermission(d, mayWrite|mayExec); e != 0 {
		return nil, e
	}
	if d.ov != nil {
		ud, e := w.ovUpperDir(d)
		if e != 0 {
			return nil, e
		}
		d = ud
	}
	hf, e := hostOpenFlags(flags &^ (abi.O_TMPFILE | abi.O_CREAT | abi.O_EXCL))
	if e != 0 {
		return nil, e
	}
	o, mode, e := fs.newOwner(d, sIFREG, mode)
	if e != 0 {
		return nil, e
	}
	hp := mode & 0o777
	if fs.meta == MetadataXattr {
		hp = hostPerm(sIFREG, mode)
	}
	fd, err := openTmpfile(d.fd, hf, hp)
	if err != nil {
		return nil, errnoOf(err)
	}
	if e := fs.initCreated(fd, sIFREG, mode, 0, 0, o); e != 0 {
		unix.Close(fd)
		return nil, e
	}
	return &File{fs: fs, mnt: n.mnt, fd: fd, path: n.path + "/#tmpfile", flags: flags, typ: sIFREG}, 0
}
