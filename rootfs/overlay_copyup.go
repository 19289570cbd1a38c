package rootfs

import (
	"crypto/rand"
	"encoding/hex"
	"strings"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// Copy-up: before a node of a lower layer changes, it is copied into the
// upper layer, parents first, each with its metadata (mode, owner, times,
// extended attributes, user.carrick.* included). A copy is made under a
// temporary marker name and renamed into place without replacing, so a
// concurrent copy-up by another view of the same container wins or loses
// whole: nobody sees half a copy.

// ovTmpName is a fresh temporary name for a copy in the upper layer.
func ovTmpName() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return ovTmpPrefix + hex.EncodeToString(b[:])
}

// ovCopyUpPath returns a descriptor (oSearch) of the upper layer's
// directory at guest path p of the root mount m, copying missing
// directories up from the topmost lower layer holding them.
func ovCopyUpPath(m *mount, p string) (int, abi.Errno) {
	comps := strings.FieldsFunc(p, func(r rune) bool { return r == '/' })
	fd, err := unix.FcntlInt(uintptr(m.fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return -1, errnoOf(err)
	}
	for k, c := range comps {
		nfd, err := unix.Openat(fd, c, oSearch, 0)
		if err == unix.ENOENT {
			if hasMarker(fd, whPrefix+c) {
				unix.Close(fd)
				return -1, abi.ENOENT // the directory was removed since it was entered
			}
			src, e := ovLowerDirAt(m, comps[:k+1])
			if e == 0 {
				nfd, e = ovCopyDir(fd, c, src)
				unix.Close(src)
			}
			if e != 0 {
				unix.Close(fd)
				return -1, e
			}
			err = nil
		}
		unix.Close(fd)
		if err != nil {
			if err == unix.ELOOP || err == unix.EMLINK {
				return -1, abi.ENOTDIR
			}
			return -1, errnoOf(err)
		}
		fd = nfd
	}
	return fd, 0
}

// ovLowerDirAt opens the directory at path comps in the topmost lower
// layer holding one (O_RDONLY, for its metadata).
func ovLowerDirAt(m *mount, comps []string) (int, abi.Errno) {
	for _, root := range m.ov.lay[1:] {
		fd := root
		for _, c := range comps {
			nfd, err := unix.Openat(fd, c, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
			if fd != root {
				unix.Close(fd)
			}
			fd = -1
			if err != nil {
				break
			}
			fd = nfd
		}
		if fd >= 0 && fd != root {
			return fd, 0
		}
	}
	return -1, abi.ENOENT
}

// ovCopyDir makes directory name in the upper directory parent as a copy
// of src's metadata (its entries stay below) and returns it (oSearch).
func ovCopyDir(parent int, name string, src int) (int, abi.Errno) {
	var st unix.Stat_t
	if err := unix.Fstat(src, &st); err != nil {
		return -1, errnoOf(err)
	}
	restore := keepTimes(parent)
	defer restore()
	tmp := ovTmpName()
	if err := unix.Mkdirat(parent, tmp, 0o700); err != nil {
		return -1, errnoOf(err)
	}
	tfd, err := unix.Openat(parent, tmp, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err == nil {
		err = copyMeta(src, tfd, &st)
		unix.Close(tfd)
	}
	if err == nil {
		err = renameat2(parent, tmp, parent, name, RENAME_NOREPLACE)
		if err == unix.EEXIST || err == unix.ENOTEMPTY {
			err = nil // another view copied it up first: theirs stands
		}
	}
	unix.Unlinkat(parent, tmp, unix.AT_REMOVEDIR) // fails harmlessly once renamed
	if err != nil {
		return -1, errnoOf(err)
	}
	fd, err := unix.Openat(parent, name, oSearch, 0)
	if err != nil {
		return -1, errnoOf(err)
	}
	return fd, 0
}

// keepTimes records directory dirfd's times and returns what puts them
// back: copying up is no change of the directory the guest can see.
func keepTimes(dirfd int) func() {
	var st unix.Stat_t
	if unix.Fstat(dirfd, &st) != nil {
		return func() {}
	}
	return func() {
		fdUtimes(dirfd, []unix.Timespec{statAtime(&st), statMtime(&st)})
	}
}

// copyMeta gives the open node dst src's extended attributes, owner, mode
// and times (st is src's stat).
func copyMeta(src, dst int, st *unix.Stat_t) error {
	names, err := listXattrs(src)
	if err == nil {
		for _, n := range names {
			buf := make([]byte, 256)
			k, err := fdGetxattr(src, n, buf)
			if err == unix.ERANGE {
				sz, _ := fdGetxattr(src, n, nil)
				buf = make([]byte, sz+64)
				k, err = fdGetxattr(src, n, buf)
			}
			if err != nil {
				continue
			}
			if err := fdSetxattr(dst, n, buf[:k], 0); err != nil && strings.HasPrefix(n, "user.") {
				return err // user.carrick.* holds the guest's metadata: it must come along
			}
		}
	}
	if err := fdChown(dst, int(st.Uid), int(st.Gid)); err != nil && err != unix.EPERM {
		return err
	}
	if err := fdChmod(dst, uint32(st.Mode)&0o7777); err != nil {
		return err
	}
	return fdUtimes(dst, []unix.Timespec{statAtime(st), statMtime(st)})
}

// ovCopyNode copies node name of lower directory srcDir into upper
// directory dstDir under the same name. Regular files are cloned where the
// host can, else copied; links, FIFOs, devices and sockets are made anew.
func ovCopyNode(srcDir, dstDir int, name string) abi.Errno {
	var st unix.Stat_t
	if err := unix.Fstatat(srcDir, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return errnoOf(err)
	}
	typ := uint32(st.Mode) & sIFMT
	if typ == sIFDIR {
		src, err := unix.Openat(srcDir, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return errnoOf(err)
		}
		defer unix.Close(src)
		fd, e := ovCopyDir(dstDir, name, src)
		if e == 0 {
			unix.Close(fd)
		}
		return e
	}
	restore := keepTimes(dstDir)
	defer restore()
	tmp := ovTmpName()
	err := ovMakeCopy(srcDir, dstDir, name, tmp, &st)
	if err == nil {
		err = renameat2(dstDir, tmp, dstDir, name, RENAME_NOREPLACE)
		if err == unix.EEXIST {
			err = nil // another view copied it up first: theirs stands
			unix.Unlinkat(dstDir, tmp, 0)
		}
	}
	if err != nil {
		unix.Unlinkat(dstDir, tmp, 0)
		return errnoOf(err)
	}
	return 0
}

// ovMakeCopy makes tmp in dstDir a copy of srcDir's name (stat st).
func ovMakeCopy(srcDir, dstDir int, name, tmp string, st *unix.Stat_t) error {
	typ := uint32(st.Mode) & sIFMT
	switch typ {
	case sIFREG:
		src, err := unix.Openat(srcDir, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(src)
		dst, err := cloneFile(srcDir, name, src, dstDir, tmp)
		if err != nil {
			return err
		}
		defer unix.Close(dst)
		return copyMeta(src, dst, st)
	case sIFLNK:
		t, e := readlinkHost(srcDir, name)
		if e != 0 {
			return unix.EIO
		}
		if err := unix.Symlinkat(t, dstDir, tmp); err != nil {
			return err
		}
		if err := unix.Fchownat(dstDir, tmp, int(st.Uid), int(st.Gid), unix.AT_SYMLINK_NOFOLLOW); err != nil && err != unix.EPERM {
			return err
		}
		ts := []unix.Timespec{statAtime(st), statMtime(st)}
		return unix.UtimesNanoAt(dstDir, tmp, ts, unix.AT_SYMLINK_NOFOLLOW)
	}
	// FIFOs, devices and sockets: the node itself, no content.
	lst := statFromHost(st)
	if err := mknodat(dstDir, tmp, typ|uint32(st.Mode)&0o777, lst.Rdev); err != nil {
		return err
	}
	if typ == sIFIFO {
		fd, err := openMeta(dstDir, tmp, typ)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		sfd, err := openMeta(srcDir, name, typ)
		if err != nil {
			return err
		}
		defer unix.Close(sfd)
		return copyMeta(sfd, fd, st)
	}
	if err := unix.Fchownat(dstDir, tmp, int(st.Uid), int(st.Gid), unix.AT_SYMLINK_NOFOLLOW); err != nil && err != unix.EPERM {
		return err
	}
	if err := chmodAt(dstDir, tmp, uint32(st.Mode)&0o7777); err != nil {
		return err
	}
	return unix.UtimesNanoAt(dstDir, tmp, []unix.Timespec{statAtime(st), statMtime(st)}, unix.AT_SYMLINK_NOFOLLOW)
}

// copyData copies src's content into dst (both open), the plain way.
func copyData(src, dst int) error {
	buf := make([]byte, 256<<10)
	for off := int64(0); ; {
		n, err := unix.Pread(src, buf, off)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		for w := 0; w < n; {
			k, err := unix.Pwrite(dst, buf[w:n], off+int64(w))
			if err == unix.EINTR {
				continue
			}
			if err != nil {
				return err
			}
			w += k
		}
		off += int64(n)
	}
}

// ovUpperDir makes directory d upper-backed: a Dir for it whose top is
// the upper layer's directory (copied up if need be), its descriptor the
// walk's.
func (w *walker) ovUpperDir(d *Dir) (*Dir, abi.Errno) {
	if d.ov.up {
		return d, 0
	}
	fd, e := ovCopyUpPath(d.mnt, d.path)
	if e != 0 {
		return nil, e
	}
	w.extra = append(w.extra, fd)
	nd := *d
	nd.fd, nd.owned = fd, false
	nd.ov = ovWithUpper(d.ov, fd)
	return &nd, 0
}

// ovUpperParent makes the directory holding n upper-backed.
func (w *walker) ovUpperParent(n *node) abi.Errno {
	d, e := w.ovUpperDir(n.dir)
	if e != 0 {
		return e
	}
	n.dir = d
	return 0
}

// ovCopyUp copies node n up if it lies in a lower layer, and names it in
// the upper from then on. Nodes outside the overlay are left alone.
func (w *walker) ovCopyUp(n *node) abi.Errno {
	if !n.inOverlay() || n.mountRoot {
		return 0
	}
	if n.name == "" {
		// The directory itself ("." or ".." or a final "/").
		return w.ovUpperParent(n)
	}
	if n.ov == nil {
		if _, e := ovLstat(n); e != 0 {
			return e
		}
	}
	if n.ov.up {
		return 0
	}
	src := n.ov.fd
	if e := w.ovUpperParent(n); e != 0 {
		return e
	}
	if e := ovCopyNode(src, n.dir.fd, n.name); e != 0 {
		return e
	}
	n.ov = &ovHit{fd: n.dir.fd, layer: 0, up: true}
	var st unix.Stat_t
	if err := unix.Fstatat(n.dir.fd, n.name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return errnoOf(err)
	}
	n.st = statFromHost(&st)
	return 0
}

// ovCreate prepares creating name n in a merged directory: marker names
// are refused (EINVAL), an existing name (in any layer) is EEXIST, and the
// directory is made upper-backed.
func (w *walker) ovCreate(n *node) abi.Errno {
	if isMarker(n.name) {
		return abi.EINVAL
	}
	if _, e := ovLstat(n); e == 0 {
		return abi.EEXIST
	} else if e != abi.ENOENT {
		return e
	}
	return w.ovUpperParent(n)
}

// ovCreated finishes a create in a merged directory: a whiteout the new
// name replaces goes, and a new directory replacing a removed one is
// opaque, so the lower layers' old entries stay hidden.
func ovCreated(n *node, dir bool) abi.Errno {
	if n.dir.ov == nil {
		return 0
	}
	wh := whPrefix + n.name
	if !hasMarker(n.dir.fd, wh) {
		return 0
	}
	if dir {
		fd, err := unix.Openat(n.dir.fd, n.name, oSearch, 0)
		if err != nil {
			return errnoOf(err)
		}
		e := ovMarker(fd, whOpaque)
		unix.Close(fd)
		if e != 0 {
			return e
		}
	}
	return errnoOf(ignoreENOENT(unix.Unlinkat(n.dir.fd, wh, 0)))
}

// ovMkdirName is the name mkdir makes n under: n's own, or, in place of a
// removed directory (a whiteout), a temporary one, so that the new
// directory can be made opaque before it appears.
func ovMkdirName(n *node) string {
	if n.dir.ov == nil || !hasMarker(n.dir.fd, whPrefix+n.name) {
		return n.name
	}
	return ovTmpName()
}

// ovPlaceOpaque makes the new directory tmp opaque and renames it to n's
// name without replacing, then drops the whiteout it replaces.
func ovPlaceOpaque(n *node, tmp string) abi.Errno {
	fd, err := unix.Openat(n.dir.fd, tmp, oSearch, 0)
	if err != nil {
		return errnoOf(err)
	}
	e := ovMarker(fd, whOpaque)
	unix.Close(fd)
	if e == 0 {
		e = errnoOf(renameat2(n.dir.fd, tmp, n.dir.fd, n.name, RENAME_NOREPLACE))
	}
	if e != 0 {
		ovClearMarkers(n.dir.fd, tmp)
		unix.Unlinkat(n.dir.fd, tmp, unix.AT_REMOVEDIR)
		return e
	}
	return errnoOf(ignoreENOENT(unix.Unlinkat(n.dir.fd, whPrefix+n.name, 0)))
}

// ovMarker makes marker name (an empty file) in directory dirfd.
func ovMarker(dirfd int, name string) abi.Errno {
	if len(name) > nameMax {
		return abi.ENAMETOOLONG // no room for the whiteout of a name this long
	}
	fd, err := unix.Openat(dirfd, name, unix.O_CREAT|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return errnoOf(err)
	}
	unix.Close(fd)
	return 0
}

func ignoreENOENT(err error) error {
	if err == unix.ENOENT {
		return nil
	}
	return err
}

func statAtime(st *unix.Stat_t) unix.Timespec { return st.Atim }
func statMtime(st *unix.Stat_t) unix.Timespec { return st.Mtim }
