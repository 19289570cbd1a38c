package rootfs

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// The xattr metadata mode. Each host file may carry:
//
//	user.carrick.uid   decimal guest uid
//	user.carrick.gid   decimal guest gid
//	user.carrick.mode  decimal Linux mode: permission bits (with setuid,
//	                   setgid, sticky), and for a stand-in node its type
//	                   (S_IFCHR, S_IFBLK, S_IFSOCK, S_IFIFO)
//	user.carrick.rdev  decimal Linux dev_t of a device stand-in
//	user.carrick.x.N   the guest's own xattr N when N is outside "user."
//	                   (trusted., security., system.), which an unprivileged
//	                   host user cannot store
//
// Absent attributes mean "what the host says", with the host user's own
// uid and gid shown as 0 (the guest is root over its files, as in a user
// namespace). The host mode always keeps the owner's read and write bits
// (and search, for directories), so the host user can reach every file;
// when that differs from the guest's mode, user.carrick.mode holds the
// guest's. Guests never see or touch user.carrick.*.
const (
	xattrPrefix = "user.carrick."
	xaUID       = xattrPrefix + "uid"
	xaGID       = xattrPrefix + "gid"
	xaMode      = xattrPrefix + "mode"
	xaRdev      = xattrPrefix + "rdev"
	xaGuest     = xattrPrefix + "x."
)

// meta is what a host file's user.carrick.* attributes say.
type meta struct {
	uid, gid, mode, rdev             uint64
	hasUID, hasGID, hasMode, hasRdev bool
}

// standinType returns the node type a regular host file stands in for, or 0.
func (m *meta) standinType() uint32 {
	if !m.hasMode {
		return 0
	}
	switch t := uint32(m.mode) & sIFMT; t {
	case sIFCHR, sIFBLK, sIFSOCK, sIFIFO:
		return t
	}
	return 0
}

// openMeta opens the node (dirfd, name) for reading and writing its xattrs
// without following it. Regular files, directories and FIFOs are opened
// plainly (cheap, and f*xattr work on any host); other nodes by reference.
func openMeta(dirfd int, name string, typ uint32) (int, error) {
	switch typ {
	case sIFREG, sIFDIR, sIFIFO:
		fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
		if err == nil {
			return fd, nil
		}
		if err != unix.EACCES && err != unix.EPERM {
			return -1, err
		}
	}
	return openNodeFd(dirfd, name)
}

// readMeta reads fd's user.carrick.* attributes. One listxattr tells
// whether there are any.
func readMeta(fd int) (meta, error) {
	var m meta
	names, err := listXattrs(fd)
	if err != nil {
		if err == unix.ENOTSUP || err == unix.EOPNOTSUPP || err == unix.EPERM {
			return m, nil
		}
		return m, err
	}
	for _, n := range names {
		var dst *uint64
		var has *bool
		switch n {
		case xaUID:
			dst, has = &m.uid, &m.hasUID
		case xaGID:
			dst, has = &m.gid, &m.hasGID
		case xaMode:
			dst, has = &m.mode, &m.hasMode
		case xaRdev:
			dst, has = &m.rdev, &m.hasRdev
		default:
			continue
		}
		var buf [24]byte
		k, err := fdGetxattr(fd, n, buf[:])
		if err != nil {
			if err == errNoAttr {
				continue
			}
			return m, err
		}
		v, err := strconv.ParseUint(string(buf[:k]), 10, 64)
		if err != nil {
			continue // not ours to interpret; ignore
		}
		*dst, *has = v, true
	}
	return m, nil
}

// listXattrs returns fd's xattr names.
func listXattrs(fd int) ([]string, error) {
	buf := make([]byte, 512)
	for {
		n, err := fdListxattr(fd, buf)
		if err == unix.ERANGE {
			sz, err := fdListxattr(fd, nil)
			if err != nil {
				return nil, err
			}
			buf = make([]byte, sz+64)
			continue
		}
		if err != nil {
			return nil, err
		}
		var out []string
		for _, b := range bytes.Split(buf[:n], []byte{0}) {
			if len(b) > 0 {
				out = append(out, string(b))
			}
		}
		return out, nil
	}
}

func setMetaAttr(fd int, key string, v uint64) error {
	return fdSetxattr(fd, key, []byte(strconv.FormatUint(v, 10)), 0)
}

func removeMetaAttr(fd int, key string) error {
	err := fdRemovexattr(fd, key)
	if err == errNoAttr {
		return nil
	}
	return err
}

// applyMeta turns a host stat into the guest's view of it.
func (fs *FS) applyMeta(st *Stat, m *meta) {
	if st.Uid == fs.hostUID {
		st.Uid = 0
	}
	if st.Gid == fs.hostGID {
		st.Gid = 0
	}
	if m == nil {
		return
	}
	if m.hasUID {
		st.Uid = uint32(m.uid)
	}
	if m.hasGID {
		st.Gid = uint32(m.gid)
	}
	if m.hasMode {
		typ := st.Mode & sIFMT
		if t := m.standinType(); t != 0 && typ == sIFREG {
			typ = t
		}
		st.Mode = typ | uint32(m.mode)&0o7777
	}
	if m.hasRdev {
		st.Rdev = m.rdev
	}
}

// needsMeta says whether a host node of this type can carry our xattrs.
// Links cannot hold user xattrs on Linux; real device nodes and sockets
// only exist where the host made them, so the host's word stands.
func needsMeta(typ uint32) bool { return typ == sIFREG || typ == sIFDIR || typ == sIFIFO }

// overlayNode applies the metadata overlay to a node's host stat.
func (fs *FS) overlayNode(n *node, st *Stat) abi.Errno {
	if fs.meta != MetadataXattr || n.mnt.synth != nil {
		return 0
	}
	typ := st.Mode & sIFMT
	if !needsMeta(typ) {
		fs.applyMeta(st, nil)
		return 0
	}
	dirfd, name := n.hostAt()
	fd, err := openMeta(dirfd, name, typ)
	if err != nil {
		if err == unix.ENOENT {
			return abi.ENOENT
		}
		fs.applyMeta(st, nil)
		return 0
	}
	defer unix.Close(fd)
	return fs.overlayFd(fd, st)
}

// overlayFd applies the metadata overlay to the stat of an open node.
func (fs *FS) overlayFd(fd int, st *Stat) abi.Errno {
	if fs.meta != MetadataXattr {
		return 0
	}
	if !needsMeta(st.Mode & sIFMT) {
		fs.applyMeta(st, nil)
		return 0
	}
	m, err := readMeta(fd)
	if err != nil {
		return errnoOf(err)
	}
	fs.applyMeta(st, &m)
	return 0
}

// hostPerm is the host mode kept for a guest mode in the xattr metadata
// mode: the guest's rwx bits plus the owner's access.
func hostPerm(typ, mode uint32) uint32 {
	p := mode & 0o777
	if typ == sIFDIR {
		return p | 0o700
	}
	return p | 0o600
}

// setMode gives the open node fd (of host type typ) the guest mode bits
// perm, keeping a stand-in's type.
func (fs *FS) setMode(fd int, typ uint32, perm uint32) abi.Errno {
	perm &= 0o7777
	if fs.meta != MetadataXattr {
		return errnoOf(fdChmod(fd, perm))
	}
	var m meta
	if typ == sIFREG {
		var err error
		if m, err = readMeta(fd); err != nil {
			return errnoOf(err)
		}
	}
	hp := hostPerm(typ, perm)
	if err := fdChmod(fd, hp); err != nil {
		return errnoOf(err)
	}
	if t := m.standinType(); t != 0 || perm != hp {
		return errnoOf(setMetaAttr(fd, xaMode, uint64(t|perm)))
	}
	return errnoOf(removeMetaAttr(fd, xaMode))
}

// initCreated gives a node this package just created its owner (perm.go:
// before the mode, which a chown would strip of setuid bits), its guest
// mode (and, for a stand-in, type and device number), undoing the host
// umask.
func (fs *FS) initCreated(fd int, typ uint32, mode uint32, standin uint32, rdev uint64, o *owner) abi.Errno {
	if e := fs.setOwner(fd, o); e != 0 {
		return e
	}
	perm := mode & 0o7777
	if fs.meta != MetadataXattr {
		return errnoOf(fdChmod(fd, perm))
	}
	hp := hostPerm(typ, perm)
	if err := fdChmod(fd, hp); err != nil {
		return errnoOf(err)
	}
	if standin != 0 || perm != hp {
		if err := setMetaAttr(fd, xaMode, uint64(standin|perm)); err != nil {
			return errnoOf(err)
		}
	}
	if standin == sIFCHR || standin == sIFBLK {
		if err := setMetaAttr(fd, xaRdev, rdev); err != nil {
			return errnoOf(err)
		}
	}
	return 0
}

// chownMeta records a guest owner (uid or gid -1: unchanged) on the open
// node fd of host type typ, and drops setuid/setgid of a non-directory
// as Linux's chown does.
func (fs *FS) chownMeta(fd int, typ uint32, uid, gid int) abi.Errno {
	if !needsMeta(typ) {
		// Linux keeps no user xattrs on links; host sockets and devices
		// are the host's. Accept and keep nothing, as a file system
		// without ownership would.
		return 0
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return errnoOf(err)
	}
	gs := statFromHost(&st)
	if e := fs.overlayFd(fd, &gs); e != 0 {
		return e
	}
	if uid >= 0 {
		if err := setMetaAttr(fd, xaUID, uint64(uint32(uid))); err != nil {
			return errnoOf(err)
		}
	}
	if gid >= 0 {
		if err := setMetaAttr(fd, xaGID, uint64(uint32(gid))); err != nil {
			return errnoOf(err)
		}
	}
	if gs.Mode&sIFMT != sIFDIR {
		perm := gs.Mode & 0o7777
		kill := uint32(sISUID)
		if perm&sIXGRP != 0 {
			kill |= sISGID
		}
		if perm&kill != 0 {
			return fs.setMode(fd, typ, perm&^kill)
		}
	}
	return 0
}

// guestXattrName maps a guest xattr name to the host's; ok is false for
// names in our own namespace, which guests may not touch.
func (fs *FS) guestXattrName(name string) (string, abi.Errno) {
	if name == "" || len(name) > xattrNameMax {
		return "", abi.ERANGE
	}
	if strings.HasPrefix(name, xattrPrefix) {
		return "", abi.EPERM
	}
	switch {
	case strings.HasPrefix(name, "user."):
		return name, 0
	case strings.HasPrefix(name, "trusted."), strings.HasPrefix(name, "security."), strings.HasPrefix(name, "system."):
		if fs.meta == MetadataXattr {
			return xaGuest + name, 0
		}
		return name, 0
	}
	return "", eOPNOTSUPP
}

// guestXattrList turns host xattr names into the guest's.
func (fs *FS) guestXattrList(names []string) []string {
	out := names[:0:0]
	for _, n := range names {
		switch {
		case strings.HasPrefix(n, xaGuest):
			if fs.meta == MetadataXattr {
				out = append(out, n[len(xaGuest):])
			}
		case strings.HasPrefix(n, xattrPrefix):
		default:
			out = append(out, n)
		}
	}
	return out
}

// The guest's xattr calls on an open node, names mapped as above.

func (fs *FS) getxattrFd(fd int, name string) ([]byte, abi.Errno) {
	hn, e := fs.guestXattrName(name)
	if e == abi.EPERM {
		return nil, abi.ENODATA
	}
	if e != 0 {
		return nil, e
	}
	buf := make([]byte, 256)
	for {
		n, err := fdGetxattr(fd, hn, buf)
		if err == unix.ERANGE {
			sz, err := fdGetxattr(fd, hn, nil)
			if err != nil {
				return nil, errnoOf(err)
			}
			buf = make([]byte, sz+64)
			continue
		}
		if err != nil {
			return nil, errnoOf(err)
		}
		return buf[:n], 0
	}
}

func (fs *FS) setxattrFd(fd int, name string, value []byte, flags int) abi.Errno {
	if flags&^(XATTR_CREATE|XATTR_REPLACE) != 0 {
		return abi.EINVAL
	}
	if len(value) > xattrSizeMax {
		return abi.E2BIG
	}
	hn, e := fs.guestXattrName(name)
	if e != 0 {
		return e
	}
	return errnoOf(fdSetxattr(fd, hn, value, flags))
}

func (fs *FS) listxattrFd(fd int) ([]string, abi.Errno) {
	names, err := listXattrs(fd)
	if err != nil {
		if err == unix.ENOTSUP || err == unix.EOPNOTSUPP {
			return nil, 0
		}
		return nil, errnoOf(err)
	}
	return fs.guestXattrList(names), 0
}

func (fs *FS) removexattrFd(fd int, name string) abi.Errno {
	hn, e := fs.guestXattrName(name)
	if e == abi.EPERM {
		return abi.ENODATA
	}
	if e != 0 {
		return e
	}
	return errnoOf(fdRemovexattr(fd, hn))
}
