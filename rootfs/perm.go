package rootfs

import (
	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// Discretionary access control: Linux's permission checks (fs/namei.c
// generic_permission, may_lookup, may_open, may_create, may_delete,
// may_linkat; fs/attr.c setattr_prepare) made for the caller a view acts
// for, on the guest's view of ownership and modes (the xattr overlay
// included), and the owner Linux gives new nodes (inode_init_owner).
//
// A view made by New acts for root: every check passes as with Linux's
// file capabilities (CAP_DAC_OVERRIDE and friends), except that executing
// needs an x bit on anything but a directory. WithCred makes a view acting
// for an fsuid, fsgid and groups; fsuid 0 keeps root's capabilities, as
// Linux's effective set does while the fsuid is 0.
//
// Checked, with Linux's errno and order where the walk allows: search
// permission on each directory a lookup goes through and on the directory
// chdir or chroot enters; open (read, write, O_TRUNC; O_NOATIME owner),
// access, exec; write and search on the
// directory to create in (open O_CREAT, O_TMPFILE, mkdir, mknod — device
// nodes need root —, symlink, link) and to delete from (unlink, rmdir,
// rename) with the sticky-directory rule; moving a directory to another
// parent needs write on it; hard links to another user's file follow
// fs.protected_hardlinks=1; chmod/chown/utimensat ownership rules (EPERM)
// and setgid dropping; truncate needs write.
//
// Not checked: extended attributes (user.* needs read or write permission
// on Linux, trusted.* CAP_SYS_ADMIN), binding or connecting AF_UNIX
// sockets by path, fs.protected_symlinks/fifos/regular, POSIX ACLs
// (carrick stores none), and the setuid/setgid bits a non-root write
// clears. Set-user-ID and set-group-ID executables do not change ids. In
// the xattr mode, symbolic links (and FIFOs on Linux hosts) cannot carry
// an owner: they show the host's.

// Cred is who a view acts for: Linux's fsuid, fsgid and supplementary
// groups. They decide permission checks and the owner of new nodes.
type Cred struct {
	UID, GID uint32
	Groups   []uint32
}

// Permission bits of a check (MAY_EXEC, MAY_WRITE, MAY_READ).
const (
	mayExec  = 1
	mayWrite = 2
	mayRead  = 4
)

// WithCred returns a view of the same files that acts for c (nil: root
// with root's group 0, as a view from New). It shares everything with fs
// and needs no Close.
func (fs *FS) WithCred(c *Cred) *FS {
	v := *fs
	v.cred = c
	v.owner = false
	v.closeFd = -1
	return &v
}

// privileged reports whether the view acts with root's file capabilities
// (an fsuid of 0).
func (fs *FS) privileged() bool { return fs.cred == nil || fs.cred.UID == 0 }

// inGroup is in_group_p: the fsgid or a supplementary group.
func (c *Cred) inGroup(g uint32) bool {
	if c == nil {
		return g == 0
	}
	if c.GID == g {
		return true
	}
	for _, x := range c.Groups {
		if x == g {
			return true
		}
	}
	return false
}

// permits is generic_permission: the owner's, the group's or the others'
// bits, the first class the caller is in; root passes all but executing a
// file with no x bit at all.
func (fs *FS) permits(st *Stat, mask uint32) bool {
	if fs.privileged() {
		return mask&mayExec == 0 || st.IsDir() || st.Mode&0o111 != 0
	}
	mode := st.Mode
	switch {
	case fs.cred.UID == st.Uid:
		mode >>= 6
	case fs.cred.inGroup(st.Gid):
		mode >>= 3
	}
	return mask&^mode&7 == 0
}

// ownerOrCapable is inode_owner_or_capable: the fsuid owns the node, or
// is root (CAP_FOWNER).
func (fs *FS) ownerOrCapable(st *Stat) bool { return fs.privileged() || fs.cred.UID == st.Uid }

// dirStat is the guest's stat of directory d.
func (fs *FS) dirStat(d *Dir) (Stat, abi.Errno) {
	if s := d.mnt.synth; s != nil {
		return s.Stat(d.spath)
	}
	var hs unix.Stat_t
	if err := unix.Fstat(d.fd, &hs); err != nil {
		return Stat{}, errnoOf(err)
	}
	st := statFromHost(&hs)
	if fs.meta != MetadataXattr {
		return st, 0
	}
	fd, err := openMeta(d.fd, ".", sIFDIR)
	if err != nil {
		return Stat{}, errnoOf(err)
	}
	defer unix.Close(fd)
	return st, fs.overlayFd(fd, &st)
}

// dirPermission checks mask on directory d.
func (fs *FS) dirPermission(d *Dir, mask uint32) abi.Errno {
	if fs.privileged() {
		return 0
	}
	st, e := fs.dirStat(d)
	if e != 0 {
		return e
	}
	if !fs.permits(&st, mask) {
		return abi.EACCES
	}
	return 0
}

// nodeStat is the guest's lstat of a resolved node.
func (fs *FS) nodeStat(n *node) (Stat, abi.Errno) {
	st, e := fs.lstatRaw(n)
	if e != 0 {
		return st, e
	}
	return st, fs.overlayNode(n, &st)
}

// mayLookup is may_lookup: search permission on the directory the next
// name is looked up in.
func (w *walker) mayLookup() abi.Errno { return w.fs.dirPermission(w.top(), mayExec) }

// mayCreate is may_create for the name n (not yet looked at): EEXIST if it
// exists, else write and search permission on its directory.
func (fs *FS) mayCreate(n *node) abi.Errno {
	if fs.privileged() {
		return 0 // the host's EEXIST comes from the create itself
	}
	if _, e := fs.lstatRaw(n); e == 0 {
		return abi.EEXIST
	}
	return fs.dirPermission(n.dir, mayWrite|mayExec)
}

// mayDelete is may_delete's permission part for the existing node n (held
// in directory n.dir): write and search on the directory, and in a sticky
// directory the caller must own the node or the directory (EPERM).
func (fs *FS) mayDelete(n *node) abi.Errno {
	if fs.privileged() {
		return 0
	}
	st, e := fs.nodeStat(n)
	if e != 0 {
		return e
	}
	dst, e := fs.dirStat(n.dir)
	if e != 0 {
		return e
	}
	if !fs.permits(&dst, mayWrite|mayExec) {
		return abi.EACCES
	}
	if dst.Mode&sISVTX != 0 && fs.cred.UID != st.Uid && fs.cred.UID != dst.Uid {
		return abi.EPERM
	}
	return 0
}

// mayRename is vfs_rename's permission part: the old name may be deleted
// from its directory; the new one created in its directory, or deleted
// there when it exists; and a directory moving to another parent needs
// write permission on itself (its ".." changes).
func (fs *FS) mayRename(on, nn *node, flags uint) abi.Errno {
	if fs.privileged() {
		return 0
	}
	src, e := fs.nodeStat(on)
	if e != 0 {
		return e
	}
	dst, e := fs.nodeStat(nn)
	exists := e == 0
	switch {
	case e != 0 && e != abi.ENOENT:
		return e
	case exists && flags&RENAME_NOREPLACE != 0:
		return abi.EEXIST
	case !exists && flags&RENAME_EXCHANGE != 0:
		return abi.ENOENT
	}
	if e := fs.mayDelete(on); e != 0 {
		return e
	}
	if exists {
		e = fs.mayDelete(nn)
	} else {
		e = fs.dirPermission(nn.dir, mayWrite|mayExec)
	}
	if e != 0 {
		return e
	}
	od, e := fs.dirStat(on.dir)
	if e != 0 {
		return e
	}
	nd, e := fs.dirStat(nn.dir)
	if e != 0 {
		return e
	}
	if od.Dev == nd.Dev && od.Ino == nd.Ino {
		return 0
	}
	if src.IsDir() && !fs.permits(&src, mayWrite) ||
		flags&RENAME_EXCHANGE != 0 && dst.IsDir() && !fs.permits(&dst, mayWrite) {
		return abi.EACCES
	}
	return 0
}

// openMask is the permission an open with flags needs (build_open_flags).
func openMask(flags int) uint32 {
	var m uint32
	switch flags & abi.O_ACCMODE {
	case abi.O_RDONLY:
		m = mayRead
	case abi.O_WRONLY:
		m = mayWrite
	default:
		m = mayRead | mayWrite
	}
	if flags&abi.O_TRUNC != 0 {
		m |= mayWrite
	}
	return m
}

// mayOpen is may_open's permission part for the existing node n: none for
// O_PATH; O_TRUNC is ignored on FIFOs, sockets and devices.
func (fs *FS) mayOpen(n *node, flags int) abi.Errno {
	if flags&abi.O_PATH != 0 || fs.privileged() {
		return 0
	}
	st := n.st
	if e := fs.overlayNode(n, &st); e != 0 {
		return e
	}
	if st.Mode&sIFMT != sIFREG && st.Mode&sIFMT != sIFDIR {
		flags &^= abi.O_TRUNC
	}
	if !fs.permits(&st, openMask(flags)) {
		return abi.EACCES
	}
	if flags&abi.O_NOATIME != 0 && !fs.ownerOrCapable(&st) {
		return abi.EPERM
	}
	return 0
}

// mayLink is may_linkat with fs.protected_hardlinks=1 (what systemd and
// most distributions set): another user's file may be linked only if it is
// a regular file the caller may read and write, neither setuid nor
// setgid-executable.
func (fs *FS) mayLink(n *node) abi.Errno {
	if fs.privileged() {
		return 0
	}
	st, e := fs.nodeStat(n)
	if e != 0 {
		return e
	}
	if fs.cred.UID == st.Uid {
		return 0
	}
	if st.Mode&sIFMT != sIFREG || st.Mode&sISUID != 0 || st.Mode&(sISGID|sIXGRP) == sISGID|sIXGRP ||
		!fs.permits(&st, mayRead|mayWrite) {
		return abi.EPERM
	}
	return 0
}

// chmodMode checks a chmod of a node with guest stat st and returns the
// mode to set: only the owner or root may; S_ISGID is dropped for a
// caller outside the node's group (setattr_prepare).
func (fs *FS) chmodMode(st *Stat, mode uint32) (uint32, abi.Errno) {
	if !fs.ownerOrCapable(st) {
		return 0, abi.EPERM
	}
	if !fs.privileged() && !fs.cred.inGroup(st.Gid) {
		mode &^= sISGID
	}
	return mode, 0
}

// mayChown is chown_ok and chgrp_ok: only root changes the owner; the
// owner may set the group to one of its own (-1: unchanged).
func (fs *FS) mayChown(st *Stat, uid, gid int) abi.Errno {
	if fs.privileged() {
		return 0
	}
	c := fs.cred
	if uid != -1 && (c.UID != st.Uid || uint32(uid) != st.Uid) {
		return abi.EPERM
	}
	if gid != -1 && (c.UID != st.Uid || uint32(gid) != st.Gid && !c.inGroup(uint32(gid))) {
		return abi.EPERM
	}
	return 0
}

// mayUtimes checks utimensat: explicit times need the owner (EPERM);
// "now" also does for anyone with write permission (EACCES otherwise).
func (fs *FS) mayUtimes(st *Stat, ts *[2]Timespec) abi.Errno {
	if fs.ownerOrCapable(st) {
		return 0
	}
	touch := ts == nil
	if ts != nil {
		touch = true
		for _, t := range ts {
			if t.Nsec != UTIME_NOW && t.Nsec != UTIME_OMIT {
				touch = false
			}
		}
	}
	if !touch {
		return abi.EPERM
	}
	if !fs.permits(st, mayWrite) {
		return abi.EACCES
	}
	return 0
}

// owner is the owner a new node gets; nil leaves it to the host (a view
// acting for root:root in the host metadata mode, where the host's own
// rules already give root's files and setgid directories' groups).
type owner struct{ uid, gid uint32 }

// newOwner is inode_init_owner for a node of type typ and mode created in
// dir: the fsuid, and the fsgid or, in a setgid directory, the directory's
// group (a new directory inherits S_ISGID; a setgid-executable file of a
// caller outside that group loses S_ISGID). It returns the mode to give.
func (fs *FS) newOwner(dir *Dir, typ, mode uint32) (*owner, uint32, abi.Errno) {
	if fs.cred == nil && fs.meta != MetadataXattr && typ != sIFDIR || typ == sIFLNK && fs.meta == MetadataXattr {
		return nil, mode, 0 // the host's owner stands (links carry no xattrs)
	}
	pst, e := fs.dirStat(dir)
	if e != 0 {
		return nil, mode, e
	}
	o := &owner{}
	if fs.cred != nil {
		o.uid, o.gid = fs.cred.UID, fs.cred.GID
	}
	if pst.Mode&sISGID != 0 {
		o.gid = pst.Gid
		switch {
		case typ == sIFDIR:
			mode |= sISGID
		case mode&(sISGID|sIXGRP) == sISGID|sIXGRP && !fs.privileged() && !fs.cred.inGroup(pst.Gid):
			mode &^= sISGID
		}
	}
	if fs.cred == nil && fs.meta != MetadataXattr {
		return nil, mode, 0
	}
	return o, mode, 0
}

// setOwner gives the node just created and open at fd its owner: chown on
// the host, or user.carrick.uid/gid where the host's owner would show
// otherwise. A host that refuses the chown (a non-root user who chose the
// host metadata mode) keeps its own owner.
func (fs *FS) setOwner(fd int, o *owner) abi.Errno {
	if o == nil {
		return 0
	}
	var hs unix.Stat_t
	if err := unix.Fstat(fd, &hs); err != nil {
		return errnoOf(err)
	}
	if fs.meta != MetadataXattr {
		if hs.Uid == o.uid && hs.Gid == o.gid {
			return 0
		}
		return hostChownErr(fdChown(fd, int(o.uid), int(o.gid)))
	}
	st := statFromHost(&hs)
	fs.applyMeta(&st, nil)
	for _, a := range []struct {
		key       string
		has, want uint32
	}{{xaUID, st.Uid, o.uid}, {xaGID, st.Gid, o.gid}} {
		if a.has == a.want {
			continue
		}
		err := setMetaAttr(fd, a.key, uint64(a.want))
		if err != nil && st.Mode&sIFMT == sIFIFO && (err == unix.EPERM || err == unix.ENOTSUP || err == unix.EOPNOTSUPP) {
			return 0 // Linux hosts keep no user xattrs on FIFOs: the host's owner shows
		}
		if err != nil {
			return errnoOf(err)
		}
	}
	return 0
}

// setOwnerAt gives a node without a descriptor of ours (a link, a host
// device node or socket) its owner in the host metadata mode. In the
// xattr mode such nodes carry no attributes and show the host's owner.
func (fs *FS) setOwnerAt(dirfd int, name string, o *owner) abi.Errno {
	if o == nil || fs.meta == MetadataXattr {
		return 0
	}
	var hs unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &hs, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return errnoOf(err)
	}
	if hs.Uid == o.uid && hs.Gid == o.gid {
		return 0
	}
	return hostChownErr(unix.Fchownat(dirfd, name, int(o.uid), int(o.gid), unix.AT_SYMLINK_NOFOLLOW))
}

func hostChownErr(err error) abi.Errno {
	if err == unix.EPERM {
		return 0
	}
	return errnoOf(err)
}

// AccessFile is faccessat with AT_EMPTY_PATH: mode (R_OK, W_OK, X_OK) on
// the open file f, for the caller the view acts for.
func (fs *FS) AccessFile(f *File, mode uint32) abi.Errno {
	if mode&^7 != 0 {
		return abi.EINVAL
	}
	st, e := f.Stat()
	if e != 0 {
		return e
	}
	return fs.accessStat(&st, f.mnt, mode)
}

// accessStat is faccessat's check of a node on mount m: EROFS for writing
// a file, directory or link on a read-only mount, then the permission.
func (fs *FS) accessStat(st *Stat, m *mount, mode uint32) abi.Errno {
	typ := st.Mode & sIFMT
	if mode&W_OK != 0 && m.ro && (typ == sIFREG || typ == sIFDIR || typ == sIFLNK) {
		return abi.EROFS
	}
	if !fs.permits(st, mode) {
		return abi.EACCES
	}
	return 0
}

// Fchmod is fchmod(2) on f by the caller the view acts for.
func (fs *FS) Fchmod(f *File, mode uint32) abi.Errno {
	if e := f.mutable(); e != 0 {
		return e
	}
	st, e := f.Stat()
	if e != 0 {
		return e
	}
	if mode, e = fs.chmodMode(&st, mode); e != 0 {
		return e
	}
	return f.Chmod(mode)
}

// Fchown is fchown(2) on f by the caller the view acts for.
func (fs *FS) Fchown(f *File, uid, gid int) abi.Errno {
	if e := f.mutable(); e != 0 {
		return e
	}
	if !fs.privileged() {
		st, e := f.Stat()
		if e != 0 {
			return e
		}
		if e := fs.mayChown(&st, uid, gid); e != 0 {
			return e
		}
	}
	return f.Chown(uid, gid)
}

// Futimes is futimens(2) on f by the caller the view acts for.
func (fs *FS) Futimes(f *File, ts *[2]Timespec) abi.Errno {
	if !validTimes(ts) {
		return abi.EINVAL
	}
	if e := f.mutable(); e != 0 {
		return e
	}
	if _, skip := hostTimes(ts); !skip && !fs.privileged() {
		st, e := f.Stat()
		if e != 0 {
			return e
		}
		if e := fs.mayUtimes(&st, ts); e != 0 {
			return e
		}
	}
	return f.Utimes(ts)
}
