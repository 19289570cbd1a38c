package rootfs

import (
	"path"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// File is a node opened by Open: a host descriptor, or a synthetic file.
// sysemu reads and writes the host descriptor itself; the methods here are
// the path-free (f*) forms of the FS operations.
type File struct {
	fs     *FS
	mnt    *mount
	fd     int // host descriptor; -1 for a synthetic file
	synth  SyntheticFile
	spath  string
	path   string  // guest path at open (namespace of the FS made by New)
	flags  int     // Linux open flags
	typ    uint32  // S_IF* of the node at open
	dir    *Dir    // for directories: a handle sharing fd
	ov     *ovFile // a lower layer's node of an overlay root; nil otherwise
	closed bool
}

// Fd returns the host descriptor (-1 for a synthetic file). It stays owned
// by the File.
func (f *File) Fd() int { return f.fd }

// Synthetic returns the synthetic file, or nil for a host file.
func (f *File) Synthetic() SyntheticFile { return f.synth }

// Flags returns the Linux open flags the file was opened with.
func (f *File) Flags() int { return f.flags }

// Path returns the guest path the file was opened by, in fs's view.
func (f *File) Path(fs *FS) string { return fs.guestPath(f.path) }

// IsDir reports whether the file is a directory.
func (f *File) IsDir() bool { return f.typ == sIFDIR }

// Dir returns a directory handle for openat(fd, …), or nil if the file is
// not a directory. It shares the File's descriptor: do not Close it; it is
// valid until the File is closed.
func (f *File) Dir() *Dir { return f.dir }

// ReadOnly reports whether the file is on a read-only mount.
func (f *File) ReadOnly() bool { return f.mnt.ro }

// Close closes the file.
func (f *File) Close() abi.Errno {
	if f.closed {
		return abi.EBADF
	}
	f.closed = true
	if f.synth != nil {
		s := f.synth
		f.synth = nil
		return s.Close()
	}
	if f.fd < 0 {
		return 0 // an O_PATH handle on a synthetic node
	}
	f.ovClose()
	err := unix.Close(f.fd)
	f.fd = -1
	return errnoOf(err)
}

// Stat is fstat(2).
func (f *File) Stat() (Stat, abi.Errno) {
	if f.mnt.synth != nil {
		return f.mnt.synth.Stat(f.spath)
	}
	var hs unix.Stat_t
	if err := unix.Fstat(f.metaFd(), &hs); err != nil {
		return Stat{}, errnoOf(err)
	}
	st := statFromHost(&hs)
	if e := f.fs.overlayFd(f.metaFd(), &st); e != 0 {
		return Stat{}, e
	}
	return st, 0
}

// mutable checks that the file may be changed through its mount.
func (f *File) mutable() abi.Errno {
	if f.synth != nil || f.mnt.synth != nil {
		return abi.EPERM
	}
	if f.mnt.ro {
		return abi.EROFS
	}
	return 0
}

// changing checks that the file may be changed and copies a lower node up
// (the permission checks, in perm.go, come first).
func (f *File) changing() abi.Errno {
	if e := f.mutable(); e != 0 {
		return e
	}
	return f.ovCopyUp()
}

// Chmod is fchmod(2).
func (f *File) Chmod(mode uint32) abi.Errno {
	if e := f.changing(); e != 0 {
		return e
	}
	return f.fs.setMode(f.metaFd(), f.hostType(), mode)
}

// hostType is the host's type of the open node.
func (f *File) hostType() uint32 {
	var hs unix.Stat_t
	if unix.Fstat(f.metaFd(), &hs) != nil {
		return f.typ
	}
	return uint32(hs.Mode) & sIFMT
}

// Chown is fchown(2); -1 leaves an id unchanged.
func (f *File) Chown(uid, gid int) abi.Errno {
	if e := f.changing(); e != 0 {
		return e
	}
	if f.fs.meta == MetadataXattr {
		return f.fs.chownMeta(f.metaFd(), f.hostType(), uid, gid)
	}
	return errnoOf(fdChown(f.metaFd(), uid, gid))
}

// Utimes is futimens(2); nil means both times now.
func (f *File) Utimes(ts *[2]Timespec) abi.Errno {
	if e := f.changing(); e != 0 {
		return e
	}
	hts, skip := hostTimes(ts)
	if skip {
		return 0
	}
	return errnoOf(fdUtimes(f.metaFd(), hts))
}

// Truncate is ftruncate(2). The caller checks that the file is open for
// writing (EBADF/EINVAL as Linux does); this checks the node.
func (f *File) Truncate(size int64) abi.Errno {
	if size < 0 {
		return abi.EINVAL
	}
	if f.synth != nil {
		return abi.EINVAL
	}
	if f.typ == sIFDIR {
		return abi.EISDIR
	}
	if f.mnt.ro {
		return abi.EROFS
	}
	return errnoOf(unix.Ftruncate(f.fd, size))
}

// Statfs is fstatfs(2).
func (f *File) Statfs() (Statfs, abi.Errno) {
	if f.mnt.synth != nil {
		return f.mnt.synth.Statfs(), 0
	}
	fd := f.fd
	if f.mnt.ov != nil {
		fd = f.mnt.fd // the upper's file system: where writes go
	}
	s, err := statfsFromHost(fd)
	if err != nil {
		return Statfs{}, errnoOf(err)
	}
	if f.mnt.ro {
		s.Flags |= ST_RDONLY
	}
	return s, 0
}

// Getxattr is fgetxattr(2).
func (f *File) Getxattr(name string) ([]byte, abi.Errno) {
	if f.mnt.synth != nil {
		return nil, eOPNOTSUPP
	}
	return f.fs.getxattrFd(f.metaFd(), name)
}

// Setxattr is fsetxattr(2).
func (f *File) Setxattr(name string, value []byte, flags int) abi.Errno {
	if e := f.changing(); e != 0 {
		return e
	}
	return f.fs.setxattrFd(f.metaFd(), name, value, flags)
}

// Listxattr is flistxattr(2).
func (f *File) Listxattr() ([]string, abi.Errno) {
	if f.mnt.synth != nil {
		return nil, 0
	}
	return f.fs.listxattrFd(f.metaFd())
}

// Removexattr is fremovexattr(2).
func (f *File) Removexattr(name string) abi.Errno {
	if e := f.changing(); e != 0 {
		return e
	}
	return f.fs.removexattrFd(f.metaFd(), name)
}

// ReadDir lists the directory from its start: ".", "..", then the entries
// in host order. Mount points show their mount's root. sysemu keeps the
// list for getdents64 and its offsets (Off).
func (f *File) ReadDir() ([]DirEntry, abi.Errno) {
	if f.dir == nil {
		return nil, abi.ENOTDIR
	}
	return f.fs.readDir(f.dir)
}

// ReadDir lists the directory d like File.ReadDir.
func (fs *FS) ReadDir(d *Dir) ([]DirEntry, abi.Errno) { return fs.readDir(d) }

func (fs *FS) readDir(d *Dir) ([]DirEntry, abi.Errno) {
	self, e := fs.dirIno(d)
	if e != 0 {
		return nil, e
	}
	parent := self
	if d.path != fs.rootPath {
		if parent, e = fs.parentIno(d); e != 0 {
			return nil, e
		}
	}
	out := []DirEntry{{Name: ".", Ino: self, Type: DT_DIR}, {Name: "..", Ino: parent, Type: DT_DIR}}
	if s := d.mnt.synth; s != nil {
		ents, e := s.ReadDir(d.spath)
		if e != 0 {
			return nil, e
		}
		for _, ent := range ents {
			if ent.Name == "." || ent.Name == ".." {
				continue
			}
			out = append(out, fs.mountEntry(d, ent))
		}
	} else if d.ov != nil {
		ents, e := fs.ovEntries(d)
		if e != 0 {
			return nil, e
		}
		for _, ent := range ents {
			if fs.meta == MetadataXattr && ent.Type == DT_REG {
				ent.Type = DT_UNKNOWN // as below
			}
			out = append(out, fs.mountEntry(d, ent))
		}
	} else {
		ents, err := readDirents(d.fd)
		if err != nil {
			return nil, errnoOf(err)
		}
		for _, h := range ents {
			if h.name == "." || h.name == ".." {
				continue
			}
			ent := DirEntry{Name: h.name, Ino: h.ino, Type: h.typ}
			if fs.meta == MetadataXattr && ent.Type == DT_REG {
				// A regular host file may stand in for a device or socket;
				// DT_UNKNOWN makes the guest stat it, as Linux allows.
				ent.Type = DT_UNKNOWN
			}
			out = append(out, fs.mountEntry(d, ent))
		}
	}
	for i := range out {
		out[i].Off = int64(i + 1)
	}
	return out, 0
}

// mountEntry shows a mount point with its mount's root.
func (fs *FS) mountEntry(d *Dir, ent DirEntry) DirEntry {
	m := fs.mounts[joinPath(d.path, ent.Name)]
	if m == nil {
		return ent
	}
	n := node{mnt: m, mountRoot: true, path: m.guest}
	if st, e := fs.lstatRaw(&n); e == 0 {
		ent.Ino = st.Ino
		ent.Type = dtypeOf(st.Mode)
		if fs.meta == MetadataXattr && ent.Type == DT_REG {
			ent.Type = DT_UNKNOWN
		}
	}
	return ent
}

func (fs *FS) dirIno(d *Dir) (uint64, abi.Errno) {
	if s := d.mnt.synth; s != nil {
		st, e := s.Stat(d.spath)
		return st.Ino, e
	}
	var st unix.Stat_t
	if err := unix.Fstat(d.fd, &st); err != nil {
		return 0, errnoOf(err)
	}
	return st.Ino, 0
}

// parentIno is the inode number of d's guest parent: through the host
// inside a mount, by guest path at a mount's root.
func (fs *FS) parentIno(d *Dir) (uint64, abi.Errno) {
	if d.path != d.mnt.guest && d.mnt.synth == nil && d.ov == nil {
		var st unix.Stat_t
		if err := unix.Fstatat(d.fd, "..", &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return 0, errnoOf(err)
		}
		return st.Ino, 0
	}
	rel, ok := fs.relPath(path.Dir(d.path))
	if !ok {
		return fs.dirIno(d)
	}
	st, e := fs.Lstat(nil, rel)
	return st.Ino, e
}
