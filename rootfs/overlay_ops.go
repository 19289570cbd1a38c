package rootfs

import (
	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// Removing and renaming in an overlay root, and files opened from a lower
// layer.

// ovRemove is unlink (dir false) or rmdir (dir true) of name n of a merged
// directory: the upper's node goes, and a whiteout hides the lower
// layers' one. The permission checks are the caller's.
func (w *walker) ovRemove(n *node, dir bool) abi.Errno {
	st, e := ovLstat(n)
	if e != 0 {
		return e
	}
	switch {
	case dir && !st.IsDir():
		return abi.ENOTDIR
	case !dir && st.IsDir():
		return abi.EISDIR
	}
	if dir {
		if e := ovEmpty(n); e != 0 {
			return e
		}
	}
	inUpper := n.ov.up
	lower := ovLowerHas(n)
	if e := w.ovUpperParent(n); e != 0 {
		return e
	}
	if lower {
		// The whiteout first: until the upper node goes, it shadows it.
		if e := ovMarker(n.dir.fd, whPrefix+n.name); e != 0 {
			return e
		}
	}
	if !inUpper {
		return 0
	}
	if dir {
		if e := ovClearMarkers(n.dir.fd, n.name); e != 0 {
			return e
		}
		err := unix.Unlinkat(n.dir.fd, n.name, unix.AT_REMOVEDIR)
		if err == unix.EEXIST {
			return abi.ENOTEMPTY
		}
		return errnoOf(err)
	}
	return errnoOf(unix.Unlinkat(n.dir.fd, n.name, 0))
}

// ovEmpty reports ENOTEMPTY unless the merged directory n holds nothing
// the guest can see.
func ovEmpty(n *node) abi.Errno {
	d, e := ovNodeDir(n, oSearch)
	if e != 0 {
		return e
	}
	defer d.Close()
	ents, e := d.mnt.ovFS().ovEntries(d)
	if e != 0 {
		return e
	}
	if len(ents) > 0 {
		return abi.ENOTEMPTY
	}
	return 0
}

// ovFS is a throwaway FS for helpers that need only the mount.
func (m *mount) ovFS() *FS { return &FS{rootMnt: m} }

// ovClearMarkers removes the markers of the upper directory name in
// dirfd, which the guest sees empty, so that it can be removed or replaced.
func ovClearMarkers(dirfd int, name string) abi.Errno {
	fd, err := unix.Openat(dirfd, name, oSearch, 0)
	if err != nil {
		return errnoOf(err)
	}
	defer unix.Close(fd)
	ents, err := readDirents(fd)
	if err != nil {
		return errnoOf(err)
	}
	for _, h := range ents {
		if isMarker(h.name) {
			unix.Unlinkat(fd, h.name, 0)
		}
	}
	return 0
}

// ovRename is renameat2 between names of merged directories, after the
// caller's checks. A directory with parts in a lower layer cannot move
// (EXDEV: mv then copies, as with overlayfs without redirect_dir); a file
// is copied up and moved in the upper, and a whiteout hides the lower
// layers' one at the old name.
func ovRename(wo, wn *walker, on, nn *node, flags uint) abi.Errno {
	if isMarker(on.name) {
		return abi.ENOENT
	}
	if isMarker(nn.name) {
		return abi.EINVAL
	}
	sst, e := ovLstat(on)
	if e != 0 {
		return e
	}
	dst, e := ovLstat(nn)
	exists := e == 0
	if e != 0 && e != abi.ENOENT {
		return e
	}
	exchange := flags&RENAME_EXCHANGE != 0
	switch {
	case exists && flags&RENAME_NOREPLACE != 0:
		return abi.EEXIST
	case !exists && exchange:
		return abi.ENOENT
	case exists && sst.Dev == dst.Dev && sst.Ino == dst.Ino:
		return 0 // the same node: nothing to do, as Linux
	}
	if sst.IsDir() && ovHasLower(on) || exchange && dst.IsDir() && ovHasLower(nn) {
		return abi.EXDEV
	}
	dstLower := false
	if exists && !exchange {
		switch {
		case sst.IsDir() && !dst.IsDir():
			return abi.ENOTDIR
		case !sst.IsDir() && dst.IsDir():
			return abi.EISDIR
		case dst.IsDir():
			if e := ovEmpty(nn); e != 0 {
				return e
			}
		}
	}
	if !exchange {
		dstLower = ovLowerHas(nn)
	}
	srcLower := !exchange && ovLowerHas(on)
	if e := wo.ovCopyUp(on); e != 0 {
		return e
	}
	if exchange {
		if e := wn.ovCopyUp(nn); e != 0 {
			return e
		}
	} else if e := wn.ovUpperParent(nn); e != 0 {
		return e
	}
	if exists && !exchange && dst.IsDir() && nn.ov != nil && nn.ov.up {
		if e := ovClearMarkers(nn.dir.fd, nn.name); e != 0 {
			return e
		}
	}
	if sst.IsDir() && dstLower {
		// The directory moves over lower entries: it must hide them.
		fd, err := unix.Openat(on.dir.fd, on.name, oSearch, 0)
		if err != nil {
			return errnoOf(err)
		}
		e := ovMarker(fd, whOpaque)
		unix.Close(fd)
		if e != 0 {
			return e
		}
	}
	wh := whPrefix + on.name
	if srcLower {
		if e := ovMarker(on.dir.fd, wh); e != 0 {
			return e
		}
	}
	if err := renameat2(on.dir.fd, on.name, nn.dir.fd, nn.name, flags); err != nil {
		if srcLower {
			unix.Unlinkat(on.dir.fd, wh, 0)
		}
		return errnoOf(err)
	}
	if !exchange {
		unix.Unlinkat(nn.dir.fd, whPrefix+nn.name, 0) // the new name's own whiteout, if any, is moot
	}
	return 0
}

// ovFile is what a File of an overlay root keeps beside its descriptor.
type ovFile struct {
	// lower: the descriptor is a lower layer's node, read directly. A
	// metadata change copies the node up first; meta is then the upper
	// copy, which metadata calls use from then on (-1 before).
	lower bool
	meta  int
}

// metaFd is the descriptor metadata calls of f go to.
func (f *File) metaFd() int {
	if f.ov != nil && f.ov.meta >= 0 {
		return f.ov.meta
	}
	return f.fd
}

// ovOpened completes a File just opened on node n of an overlay root: a
// directory gets its merged layers, a lower node is marked.
func (f *File) ovOpened(n *node) abi.Errno {
	if !n.inOverlay() {
		return 0
	}
	if n.ov != nil && !n.ov.up && n.name != "" && !n.mountRoot {
		f.ov = &ovFile{lower: true, meta: -1}
	}
	if f.dir == nil {
		return 0
	}
	var o *ovDir
	switch {
	case n.mountRoot:
		o = n.mnt.ov
	case n.name == "":
		o = n.dir.ov
	default:
		if n.ov == nil {
			return abi.ENOENT
		}
		f.dir.ov = ovMerge(n.dir.ov, n.ov.layer, n.name, f.fd)
		return 0
	}
	nd, e := o.dup(f.fd)
	if e != 0 {
		return e
	}
	f.dir.ov = nd
	return 0
}

// ovCopyUp copies a lower node f has open up (found again by its path) and
// keeps the upper copy for metadata calls.
func (f *File) ovCopyUp() abi.Errno {
	if f.ov == nil || !f.ov.lower || f.ov.meta >= 0 {
		return 0
	}
	w, n, e := f.fs.rootView().resolve(nil, f.path, 0)
	defer w.release()
	if e != 0 {
		return e
	}
	if e := w.ovCopyUp(&n); e != 0 {
		return e
	}
	dirfd, name := n.hostAt()
	fd, err := openMeta(dirfd, name, n.st.Mode&sIFMT)
	if err != nil {
		return errnoOf(err)
	}
	f.ov.meta = fd
	return 0
}

// ovClose releases what ovOpened and ovCopyUp added.
func (f *File) ovClose() {
	if f.dir != nil {
		f.dir.ov.closeLower()
		f.dir.ov = nil
	}
	if f.ov != nil && f.ov.meta >= 0 {
		unix.Close(f.ov.meta)
		f.ov.meta = -1
	}
}

// ovAdopt completes Adopt for a File of an overlay root: found again by
// its path, a lower node is marked and a directory merged.
func (fs *FS) ovAdopt(f *File) {
	w, n, e := fs.rootView().resolve(nil, f.path, 0)
	defer w.release()
	if e != 0 {
		return
	}
	var hs unix.Stat_t
	if unix.Fstat(f.fd, &hs) != nil {
		return
	}
	if st := statFromHost(&hs); st.Dev != n.st.Dev || st.Ino != n.st.Ino {
		return // not the node the path names now
	}
	f.ovOpened(&n)
}
