package rootfs

import (
	"strings"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// The path operations. Each takes the directory a relative path starts
// from (nil: the root; ignored for absolute paths), resolves confined, and
// acts on the final component through the host directory that holds it,
// never by host path.

func followFlag(follow bool) lookupFlags {
	if follow {
		return lkFollow
	}
	return 0
}

// Stat is stat(2): follows a final link.
func (fs *FS) Stat(at *Dir, p string) (Stat, abi.Errno) { return fs.stat(at, p, lkFollow) }

// Lstat is lstat(2): does not follow a final link.
func (fs *FS) Lstat(at *Dir, p string) (Stat, abi.Errno) { return fs.stat(at, p, 0) }

// StatAt is fstatat(2) with or without AT_SYMLINK_NOFOLLOW.
func (fs *FS) StatAt(at *Dir, p string, follow bool) (Stat, abi.Errno) {
	return fs.stat(at, p, followFlag(follow))
}

func (fs *FS) stat(at *Dir, p string, fl lookupFlags) (Stat, abi.Errno) {
	w, n, e := fs.resolve(at, p, fl)
	defer w.release()
	if e != 0 {
		return Stat{}, e
	}
	st := n.st
	if e := fs.overlayNode(&n, &st); e != 0 {
		return Stat{}, e
	}
	return st, 0
}

// Readlink is readlink(2).
func (fs *FS) Readlink(at *Dir, p string) (string, abi.Errno) {
	w, n, e := fs.resolve(at, p, 0)
	defer w.release()
	if e != 0 {
		return "", e
	}
	if !n.st.IsSymlink() {
		return "", abi.EINVAL
	}
	return fs.readlinkNode(&n)
}

// Access is faccessat(2) for the caller the view acts for (perm.go):
// writes on a read-only mount are EROFS, then the mode bits decide; root
// may read and write anything and execute a directory or anything with an
// x bit. mode is F_OK or a mask of R_OK, W_OK, X_OK.
func (fs *FS) Access(at *Dir, p string, mode uint32, follow bool) abi.Errno {
	if mode&^7 != 0 {
		return abi.EINVAL
	}
	w, n, e := fs.resolve(at, p, followFlag(follow))
	defer w.release()
	if e != 0 {
		return e
	}
	st := n.st
	if e := fs.overlayNode(&n, &st); e != 0 {
		return e
	}
	return fs.accessStat(&st, n.mnt, mode)
}

// createTarget resolves p for creating its final component and applies the
// checks every create shares. exists reports EEXIST over EROFS, as Linux
// orders them.
func (fs *FS) createTarget(at *Dir, p string) (*walker, node, abi.Errno) {
	w, n, e := fs.resolve(at, p, lkParent)
	if e != 0 {
		return w, n, e
	}
	if n.kind != lastNorm || n.mountRoot {
		return w, n, abi.EEXIST
	}
	if n.mnt.synth != nil {
		if _, e := fs.lstatRaw(&n); e == 0 {
			return w, n, abi.EEXIST
		}
		return w, n, abi.EPERM
	}
	if n.mnt.ro {
		if _, e := fs.lstatRaw(&n); e == 0 {
			return w, n, abi.EEXIST
		}
		return w, n, abi.EROFS
	}
	if e := fs.mayCreate(&n); e != 0 {
		return w, n, e
	}
	if n.dir.ov != nil {
		return w, n, w.ovCreate(&n)
	}
	return w, n, 0
}

// Mkdir is mkdir(2). mode is already masked by the guest's umask; the host
// umask does not apply. A setgid parent makes the directory setgid. (Linux
// ignores S_ISUID and S_ISGID in mode; here they are kept, as
// TestCreateModes expects.)
func (fs *FS) Mkdir(at *Dir, p string, mode uint32) abi.Errno {
	w, n, e := fs.createTarget(at, p)
	defer w.release()
	if e != 0 {
		return e
	}
	o, mode, e := fs.newOwner(n.dir, sIFDIR, mode&0o7777)
	if e != 0 {
		return e
	}
	hp := mode & 0o777
	if fs.meta == MetadataXattr {
		hp = hostPerm(sIFDIR, mode)
	}
	name := ovMkdirName(&n) // a temporary name in an overlay, over a whiteout
	if err := unix.Mkdirat(n.dir.fd, name, hp); err != nil {
		return errnoOf(err)
	}
	if e := fs.initAt(n.dir.fd, name, sIFDIR, mode, 0, 0, o); e != 0 {
		return e
	}
	if name != n.name {
		return ovPlaceOpaque(&n, name)
	}
	return ovCreated(&n, true)
}

// initAt sets up a node just created at (dirfd, name) for owner o.
func (fs *FS) initAt(dirfd int, name string, typ, mode, standin uint32, rdev uint64, o *owner) abi.Errno {
	if fs.meta != MetadataXattr && typ != sIFREG && typ != sIFDIR && typ != sIFIFO {
		// Devices and sockets: no descriptor needed for the mode.
		if e := fs.setOwnerAt(dirfd, name, o); e != 0 {
			return e
		}
		return errnoOf(chmodAt(dirfd, name, mode&0o7777))
	}
	fd, err := openMeta(dirfd, name, typ)
	if err != nil {
		return errnoOf(err)
	}
	defer unix.Close(fd)
	return fs.initCreated(fd, typ, mode, standin, rdev, o)
}

// Mknod is mknodat(2): regular files, FIFOs, sockets and device nodes. In
// the xattr metadata mode, devices and sockets are empty regular files
// standing in for them (and so are FIFOs where the host cannot make them).
func (fs *FS) Mknod(at *Dir, p string, mode uint32, dev uint64) abi.Errno {
	typ := mode & sIFMT
	switch typ {
	case 0:
		typ = sIFREG
	case sIFREG, sIFIFO, sIFCHR, sIFBLK, sIFSOCK:
	case sIFDIR:
		return abi.EPERM
	default:
		return abi.EINVAL
	}
	w, n, e := fs.createTarget(at, p)
	defer w.release()
	if e != 0 {
		return e
	}
	if (typ == sIFCHR || typ == sIFBLK) && !fs.privileged() {
		return abi.EPERM // CAP_MKNOD
	}
	if e := fs.mknod(&n, typ, mode, dev); e != 0 {
		return e
	}
	return ovCreated(&n, false)
}

// mknod makes the node n (of type typ) that createTarget resolved.
func (fs *FS) mknod(n *node, typ, mode uint32, dev uint64) abi.Errno {
	o, perm, e := fs.newOwner(n.dir, typ, mode&0o7777)
	if e != 0 {
		return e
	}
	mkStandin := func(t uint32) abi.Errno {
		fd, err := unix.Openat(n.dir.fd, n.name, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		if err != nil {
			return errnoOf(err)
		}
		defer unix.Close(fd)
		return fs.initCreated(fd, sIFREG, perm, t, dev, o)
	}
	switch {
	case typ == sIFREG:
		return mkStandin(0)
	case fs.meta == MetadataXattr && typ != sIFIFO:
		return mkStandin(typ)
	}
	hp := perm & 0o777
	if fs.meta == MetadataXattr {
		hp = hostPerm(typ, perm)
	}
	if err := mknodat(n.dir.fd, n.name, typ|hp, dev); err != nil {
		if fs.meta == MetadataXattr && typ == sIFIFO && (err == unix.EPERM || err == unix.ENOTSUP || err == unix.EOPNOTSUPP) {
			return mkStandin(typ)
		}
		return errnoOf(err)
	}
	return fs.initAt(n.dir.fd, n.name, typ, perm, 0, 0, o)
}

// Symlink is symlinkat(2): target is stored as given and only ever
// resolved confined.
func (fs *FS) Symlink(target string, at *Dir, p string) abi.Errno {
	if target == "" {
		return abi.ENOENT
	}
	if len(target) >= pathMax {
		return abi.ENAMETOOLONG
	}
	if strings.IndexByte(target, 0) >= 0 {
		return abi.EINVAL
	}
	w, n, e := fs.createTarget(at, p)
	defer w.release()
	if e != 0 {
		return e
	}
	o, _, e := fs.newOwner(n.dir, sIFLNK, 0o777)
	if e != 0 {
		return e
	}
	if err := unix.Symlinkat(target, n.dir.fd, n.name); err != nil {
		return errnoOf(err)
	}
	if e := fs.setOwnerAt(n.dir.fd, n.name, o); e != 0 {
		return e
	}
	return ovCreated(&n, false)
}

// Link is linkat(2); follow is AT_SYMLINK_FOLLOW for the old path.
func (fs *FS) Link(oldAt *Dir, oldPath string, newAt *Dir, newPath string, follow bool) abi.Errno {
	wo, on, e := fs.resolve(oldAt, oldPath, followFlag(follow))
	defer wo.release()
	if e != 0 {
		return e
	}
	if on.st.IsDir() {
		return abi.EPERM
	}
	wn, nn, e := fs.resolve(newAt, newPath, lkParent)
	defer wn.release()
	if e != 0 {
		return e
	}
	if nn.kind != lastNorm || nn.mountRoot {
		return abi.EEXIST
	}
	if on.mountRoot || on.mnt != nn.dir.mnt {
		return abi.EXDEV
	}
	if on.mnt.synth != nil {
		return abi.EPERM
	}
	if on.mnt.ro {
		return abi.EROFS
	}
	if !fs.privileged() {
		if _, e := fs.lstatRaw(&nn); e == 0 {
			return abi.EEXIST
		}
	}
	if e := fs.mayLink(&on); e != 0 {
		return e
	}
	if e := fs.mayCreate(&nn); e != 0 {
		return e
	}
	if nn.dir.ov != nil {
		// The source is copied up (hard links to a lower file would link
		// into the lower layer), the new name made in the upper.
		if e := wn.ovCreate(&nn); e != 0 {
			return e
		}
		if e := wo.ovCopyUp(&on); e != 0 {
			return e
		}
	}
	odir, oname := on.hostAt()
	// Flag 0: the host never follows a link here; following was done above.
	if err := unix.Linkat(odir, oname, nn.dir.fd, nn.name, 0); err != nil {
		return errnoOf(err)
	}
	return ovCreated(&nn, false)
}

// removeTarget resolves p for unlink or rmdir.
func (fs *FS) removeTarget(at *Dir, p string) (*walker, node, abi.Errno) {
	return fs.resolve(at, p, lkParent)
}

// Unlink is unlinkat(2) without AT_REMOVEDIR.
func (fs *FS) Unlink(at *Dir, p string) abi.Errno {
	w, n, e := fs.removeTarget(at, p)
	defer w.release()
	if e != 0 {
		return e
	}
	if n.kind != lastNorm {
		return abi.EISDIR
	}
	if n.mountRoot {
		return abi.EBUSY
	}
	if n.mnt.synth != nil {
		return abi.EPERM
	}
	if n.mnt.ro {
		return abi.EROFS
	}
	if n.slash {
		st, e := fs.lstatRaw(&n)
		if e != 0 {
			return e
		}
		if st.IsDir() {
			return abi.EISDIR
		}
		return abi.ENOTDIR
	}
	if e := fs.mayDelete(&n); e != 0 {
		return e
	}
	if n.dir.ov != nil {
		return w.ovRemove(&n, false)
	}
	err := unix.Unlinkat(n.dir.fd, n.name, 0)
	if err == unix.EPERM || err == unix.EISDIR {
		// darwin says EPERM for a directory; Linux says EISDIR.
		if st, e := fs.lstatRaw(&n); e == 0 && st.IsDir() {
			return abi.EISDIR
		}
	}
	return errnoOf(err)
}

// Rmdir is rmdir(2) (unlinkat with AT_REMOVEDIR).
func (fs *FS) Rmdir(at *Dir, p string) abi.Errno {
	w, n, e := fs.removeTarget(at, p)
	defer w.release()
	if e != 0 {
		return e
	}
	switch n.kind {
	case lastDot:
		return abi.EINVAL
	case lastDotDot:
		return abi.ENOTEMPTY
	case lastRoot:
		return abi.EBUSY
	}
	if n.mountRoot {
		return abi.EBUSY
	}
	if n.mnt.synth != nil {
		return abi.EPERM
	}
	if n.mnt.ro {
		return abi.EROFS
	}
	if e := fs.mayDelete(&n); e != 0 {
		return e
	}
	if n.dir.ov != nil {
		return w.ovRemove(&n, true)
	}
	err := unix.Unlinkat(n.dir.fd, n.name, unix.AT_REMOVEDIR)
	if err == unix.EEXIST {
		return abi.ENOTEMPTY
	}
	return errnoOf(err)
}

// Rename is renameat2(2) with RENAME_NOREPLACE and RENAME_EXCHANGE.
// Renames across mounts are EXDEV, as between Linux mounts.
func (fs *FS) Rename(oldAt *Dir, oldPath string, newAt *Dir, newPath string, flags uint) abi.Errno {
	if flags&^(RENAME_NOREPLACE|RENAME_EXCHANGE|RENAME_WHITEOUT) != 0 {
		return abi.EINVAL
	}
	if flags&RENAME_EXCHANGE != 0 && flags&(RENAME_NOREPLACE|RENAME_WHITEOUT) != 0 {
		return abi.EINVAL
	}
	if flags&RENAME_WHITEOUT != 0 {
		return abi.EINVAL // no whiteouts on carrick's file systems
	}
	wo, on, e := fs.resolve(oldAt, oldPath, lkParent)
	defer wo.release()
	if e != 0 {
		return e
	}
	wn, nn, e := fs.resolve(newAt, newPath, lkParent)
	defer wn.release()
	if e != 0 {
		return e
	}
	if on.kind != lastNorm {
		return abi.EBUSY
	}
	if nn.kind != lastNorm {
		if flags&RENAME_NOREPLACE != 0 {
			return abi.EEXIST
		}
		return abi.EBUSY
	}
	if on.dir.mnt != nn.dir.mnt {
		return abi.EXDEV
	}
	if on.dir.mnt.synth != nil {
		return abi.EPERM
	}
	if on.dir.mnt.ro {
		return abi.EROFS
	}
	if on.mountRoot || nn.mountRoot || fs.holdsMounts(on.path) ||
		(flags&RENAME_EXCHANGE != 0 && fs.holdsMounts(nn.path)) {
		// Mount points are found by guest path: moving a directory that
		// holds one would strand it, so that is refused (Linux would carry
		// the mount along).
		return abi.EBUSY
	}
	if on.slash || nn.slash {
		st, e := fs.lstatRaw(&on)
		if e != 0 {
			return e
		}
		if !st.IsDir() {
			return abi.ENOTDIR
		}
	}
	if e := fs.mayRename(&on, &nn, flags); e != 0 {
		return e
	}
	if on.dir.ov != nil {
		return ovRename(wo, wn, &on, &nn, flags)
	}
	return errnoOf(renameat2(on.dir.fd, on.name, nn.dir.fd, nn.name, flags))
}

// holdsMounts reports whether some mount point lies below guest path p.
func (fs *FS) holdsMounts(p string) bool {
	for g := range fs.mounts {
		if strings.HasPrefix(g, p+"/") {
			return true
		}
	}
	return false
}

// mutableNode resolves p for a metadata change.
func (fs *FS) mutableNode(at *Dir, p string, follow bool) (*walker, node, abi.Errno) {
	w, n, e := fs.resolve(at, p, followFlag(follow))
	if e != 0 {
		return w, n, e
	}
	if n.mnt.synth != nil {
		return w, n, abi.EPERM
	}
	if n.mnt.ro {
		return w, n, abi.EROFS
	}
	return w, n, 0
}

// Chmod is fchmodat(2) (follow false: fchmodat2 with AT_SYMLINK_NOFOLLOW,
// EOPNOTSUPP on a link, as Linux).
func (fs *FS) Chmod(at *Dir, p string, mode uint32, follow bool) abi.Errno {
	w, n, e := fs.mutableNode(at, p, follow)
	defer w.release()
	if e != 0 {
		return e
	}
	typ := n.st.Mode & sIFMT
	if typ == sIFLNK {
		return eOPNOTSUPP
	}
	if !fs.privileged() {
		st, e := fs.nodeStat(&n)
		if e != 0 {
			return e
		}
		if mode, e = fs.chmodMode(&st, mode); e != 0 {
			return e
		}
	}
	if e := w.ovCopyUp(&n); e != 0 {
		return e
	}
	dirfd, name := n.hostAt()
	if fs.meta != MetadataXattr || !needsMeta(typ) {
		return errnoOf(chmodAt(dirfd, name, mode&0o7777))
	}
	fd, err := openMeta(dirfd, name, typ)
	if err != nil {
		return errnoOf(err)
	}
	defer unix.Close(fd)
	return fs.setMode(fd, typ, mode)
}

// Chown is fchownat(2); -1 leaves an id unchanged.
func (fs *FS) Chown(at *Dir, p string, uid, gid int, follow bool) abi.Errno {
	w, n, e := fs.mutableNode(at, p, follow)
	defer w.release()
	if e != 0 {
		return e
	}
	if !fs.privileged() {
		st, e := fs.nodeStat(&n)
		if e != 0 {
			return e
		}
		if e := fs.mayChown(&st, uid, gid); e != 0 {
			return e
		}
	}
	if e := w.ovCopyUp(&n); e != 0 {
		return e
	}
	dirfd, name := n.hostAt()
	typ := n.st.Mode & sIFMT
	if fs.meta != MetadataXattr {
		return errnoOf(unix.Fchownat(dirfd, name, uid, gid, unix.AT_SYMLINK_NOFOLLOW))
	}
	if !needsMeta(typ) {
		return fs.chownMeta(-1, typ, uid, gid)
	}
	fd, err := openMeta(dirfd, name, typ)
	if err != nil {
		return errnoOf(err)
	}
	defer unix.Close(fd)
	return fs.chownMeta(fd, typ, uid, gid)
}

// hostTimes converts utimensat times (nil: both now) to the host's; skip
// is true when both are UTIME_OMIT.
func hostTimes(ts *[2]Timespec) ([]unix.Timespec, bool) {
	out := []unix.Timespec{{Nsec: hostUtimeNow}, {Nsec: hostUtimeNow}}
	if ts == nil {
		return out, false
	}
	for i, t := range ts {
		switch t.Nsec {
		case UTIME_NOW:
			out[i] = unix.Timespec{Nsec: hostUtimeNow}
		case UTIME_OMIT:
			out[i] = unix.Timespec{Nsec: hostUtimeOmit}
		default:
			out[i] = unix.Timespec{Sec: t.Sec, Nsec: t.Nsec}
		}
	}
	return out, ts[0].Nsec == UTIME_OMIT && ts[1].Nsec == UTIME_OMIT
}

func validTimes(ts *[2]Timespec) bool {
	if ts == nil {
		return true
	}
	for _, t := range ts {
		if t.Nsec != UTIME_NOW && t.Nsec != UTIME_OMIT && (t.Nsec < 0 || t.Nsec >= 1e9) {
			return false
		}
	}
	return true
}

// Utimes is utimensat(2): ts nil sets both times to now; a Nsec of
// UTIME_NOW or UTIME_OMIT means now or unchanged.
func (fs *FS) Utimes(at *Dir, p string, ts *[2]Timespec, follow bool) abi.Errno {
	if !validTimes(ts) {
		return abi.EINVAL
	}
	w, n, e := fs.mutableNode(at, p, follow)
	defer w.release()
	if e != 0 {
		return e
	}
	hts, skip := hostTimes(ts)
	if skip {
		return 0
	}
	if !fs.privileged() {
		st, e := fs.nodeStat(&n)
		if e != 0 {
			return e
		}
		if e := fs.mayUtimes(&st, ts); e != 0 {
			return e
		}
	}
	if e := w.ovCopyUp(&n); e != 0 {
		return e
	}
	dirfd, name := n.hostAt()
	return errnoOf(unix.UtimesNanoAt(dirfd, name, hts, unix.AT_SYMLINK_NOFOLLOW))
}

// Truncate is truncate(2).
func (fs *FS) Truncate(at *Dir, p string, size int64) abi.Errno {
	if size < 0 {
		return abi.EINVAL
	}
	w, n, e := fs.resolve(at, p, lkFollow)
	defer w.release()
	if e != 0 {
		return e
	}
	st := n.st
	if fs.meta == MetadataXattr && st.Mode&sIFMT == sIFREG && st.Size == 0 {
		if e := fs.overlayNode(&n, &st); e != 0 {
			return e
		}
	}
	switch st.Mode & sIFMT {
	case sIFDIR:
		return abi.EISDIR
	case sIFREG:
	default:
		return abi.EINVAL // devices, FIFOs, sockets (and their stand-ins)
	}
	if n.mnt.synth != nil {
		return abi.EPERM
	}
	if n.mnt.ro {
		return abi.EROFS
	}
	if !fs.privileged() {
		gs := n.st
		if e := fs.overlayNode(&n, &gs); e != 0 {
			return e
		}
		if !fs.permits(&gs, mayWrite) {
			return abi.EACCES
		}
	}
	if e := w.ovCopyUp(&n); e != 0 {
		return e
	}
	dirfd, name := n.hostAt()
	fd, err := unix.Openat(dirfd, name, unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return errnoOf(err)
	}
	defer unix.Close(fd)
	return errnoOf(unix.Ftruncate(fd, size))
}

// Statfs is statfs(2).
func (fs *FS) Statfs(at *Dir, p string) (Statfs, abi.Errno) {
	w, n, e := fs.resolve(at, p, lkFollow)
	defer w.release()
	if e != 0 {
		return Statfs{}, e
	}
	if s := n.mnt.synth; s != nil {
		return s.Statfs(), 0
	}
	dirfd, name := n.hostAt()
	if n.mnt.ov != nil {
		dirfd, name = n.mnt.fd, "." // the upper's file system: where writes go
	}
	fd, err := openNodeFd(dirfd, name)
	if err != nil {
		return Statfs{}, errnoOf(err)
	}
	defer unix.Close(fd)
	s, err := statfsFromHost(fd)
	if err != nil {
		return Statfs{}, errnoOf(err)
	}
	if n.mnt.ro {
		s.Flags |= ST_RDONLY
	}
	return s, 0
}

// nodeFd opens the resolved node for xattr calls.
func (fs *FS) nodeFd(n *node) (int, abi.Errno) {
	dirfd, name := n.hostAt()
	fd, err := openMeta(dirfd, name, n.st.Mode&sIFMT)
	if err != nil {
		return -1, errnoOf(err)
	}
	return fd, 0
}

// Getxattr is getxattr(2) / lgetxattr(2).
func (fs *FS) Getxattr(at *Dir, p, name string, follow bool) ([]byte, abi.Errno) {
	w, n, e := fs.resolve(at, p, followFlag(follow))
	defer w.release()
	if e != 0 {
		return nil, e
	}
	if n.mnt.synth != nil {
		return nil, eOPNOTSUPP
	}
	fd, e := fs.nodeFd(&n)
	if e != 0 {
		return nil, e
	}
	defer unix.Close(fd)
	return fs.getxattrFd(fd, name)
}

// Setxattr is setxattr(2) / lsetxattr(2); flags are XATTR_CREATE or
// XATTR_REPLACE.
func (fs *FS) Setxattr(at *Dir, p, name string, value []byte, flags int, follow bool) abi.Errno {
	w, n, e := fs.mutableNode(at, p, follow)
	defer w.release()
	if e != 0 {
		return e
	}
	if e := w.ovCopyUp(&n); e != 0 {
		return e
	}
	fd, e := fs.nodeFd(&n)
	if e != 0 {
		return e
	}
	defer unix.Close(fd)
	return fs.setxattrFd(fd, name, value, flags)
}

// Listxattr is listxattr(2) / llistxattr(2).
func (fs *FS) Listxattr(at *Dir, p string, follow bool) ([]string, abi.Errno) {
	w, n, e := fs.resolve(at, p, followFlag(follow))
	defer w.release()
	if e != 0 {
		return nil, e
	}
	if n.mnt.synth != nil {
		return nil, 0
	}
	fd, e := fs.nodeFd(&n)
	if e != 0 {
		return nil, e
	}
	defer unix.Close(fd)
	return fs.listxattrFd(fd)
}

// Removexattr is removexattr(2) / lremovexattr(2).
func (fs *FS) Removexattr(at *Dir, p, name string, follow bool) abi.Errno {
	w, n, e := fs.mutableNode(at, p, follow)
	defer w.release()
	if e != 0 {
		return e
	}
	if e := w.ovCopyUp(&n); e != 0 {
		return e
	}
	fd, e := fs.nodeFd(&n)
	if e != 0 {
		return e
	}
	defer unix.Close(fd)
	return fs.removexattrFd(fd, name)
}
