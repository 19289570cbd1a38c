package rootfs

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// The overlay root (doc.go, "Overlay root"): the root directory is the
// writable upper layer, Options.Lowers are read-only layers beneath it,
// top first, in the format image/unpack's cache keeps them. Everything the
// overlay knows is on disk (whiteout and opaque marker files, copied-up
// nodes), so independent FS values on one upper and the same lowers (the
// processes of one container) agree.

const (
	whPrefix = ".wh."         // .wh.NAME hides NAME in lower layers
	whOpaque = ".wh..wh..opq" // a directory holding it hides the lower layers' directory
	// ovTmpPrefix names copies being made; being a marker name, it is never
	// visible to the guest, and it hides nothing anyone can name.
	ovTmpPrefix = whPrefix + ".carrick-tmp-"
)

// isMarker reports whether a name is reserved for the overlay's markers.
// Guests can neither see nor create such names in an overlay root.
func isMarker(name string) bool { return strings.HasPrefix(name, whPrefix) }

// ovDir is a merged directory: the host directory in each layer that
// contributes to it, top first. lay[0] is the owning Dir's fd; a Dir that
// owns its fd owns all of lay.
type ovDir struct {
	up   bool   // lay[0] is the upper layer's directory
	lay  []int  // the directory in each contributing layer, top first
	ids  []int  // the layer of each lay: 0 the upper, k the k-th lower
	path string // the directory's guest path in the root mount
	c    *ovCache
}

// ovCache remembers, for one FS and the views made from it, what the lower
// layers hold that a lookup asks again and again: which directories are
// opaque and which names are absent (with or without a whiteout). Lower
// layers never change (they are shared, read-only, and image/unpack
// renames a layer into place whole), so nothing here goes stale; the
// upper layer is never cached.
type ovCache struct {
	mu sync.Mutex
	m  map[ovKey]uint8
}

type ovKey struct {
	layer int
	dir   bool   // the entry is about the directory at path (opacity), not the name
	path  string // guest path
}

const (
	ovcUnknown  uint8 = iota
	ovcYes            // opaque; or absent and not whited out
	ovcNo             // not opaque
	ovcWhiteout       // absent and whited out
)

func (c *ovCache) get(k ovKey) uint8 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.m[k]
}

func (c *ovCache) put(k ovKey, v uint8) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) > 1<<16 {
		clear(c.m) // a bound on memory; it only costs host calls again
	}
	c.m[k] = v
}

// opaque reports whether directory fd of layer id at guest path p is
// opaque.
func (o *ovDir) opaque(fd, id int, p string) bool {
	if id == 0 {
		return hasMarker(fd, whOpaque)
	}
	k := ovKey{id, true, p}
	switch o.c.get(k) {
	case ovcYes:
		return true
	case ovcNo:
		return false
	}
	v := hasMarker(fd, whOpaque)
	o.c.put(k, map[bool]uint8{true: ovcYes, false: ovcNo}[v])
	return v
}

// whitedOut says, for name absent from layer i of o, whether a whiteout
// there hides it below (and remembers that it is absent).
func (o *ovDir) whitedOut(i int, name string) bool {
	id := o.ids[i]
	if id == 0 {
		return hasMarker(o.lay[i], whPrefix+name)
	}
	k := ovKey{id, false, joinPath(o.path, name)}
	switch o.c.get(k) {
	case ovcYes:
		return false
	case ovcWhiteout:
		return true
	}
	v := hasMarker(o.lay[i], whPrefix+name)
	o.c.put(k, map[bool]uint8{true: ovcWhiteout, false: ovcYes}[v])
	return v
}

// absent reports whether name is known to be absent from layer i of o
// (without a host call), and if so whether whited out.
func (o *ovDir) absent(i int, name string) (bool, bool) {
	if o.ids[i] == 0 {
		return false, false
	}
	switch o.c.get(ovKey{o.ids[i], false, joinPath(o.path, name)}) {
	case ovcYes:
		return true, false
	case ovcWhiteout:
		return true, true
	}
	return false, false
}

// closeLower closes the layers below the top (the top is the Dir's fd).
// Safe on nil.
func (o *ovDir) closeLower() {
	if o == nil {
		return
	}
	for _, fd := range o.lay[1:] {
		unix.Close(fd)
	}
}

// dup copies o for a Dir whose top descriptor is fd0, duplicating the rest.
func (o *ovDir) dup(fd0 int) (*ovDir, abi.Errno) {
	n := &ovDir{up: o.up, lay: []int{fd0}, ids: o.ids, path: o.path, c: o.c}
	for _, fd := range o.lay[1:] {
		nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			n.closeLower()
			return nil, errnoOf(err)
		}
		n.lay = append(n.lay, nfd)
	}
	return n, 0
}

// ovHit says where a name of a merged directory was found.
type ovHit struct {
	fd    int  // the host directory holding it (a layer of the merged directory)
	layer int  // index of fd in the directory's ovDir.lay
	up    bool // fd is in the upper layer
}

// inOverlay reports whether the node belongs to an overlay root.
func (n *node) inOverlay() bool {
	if n.mountRoot {
		return n.mnt.ov != nil
	}
	return n.dir != nil && n.dir.ov != nil
}

// openLowers opens the lower layers for the root mount and makes its
// merged root.
func (m *mount) openLowers(lowers []string) error {
	m.ov = &ovDir{up: true, lay: []int{m.fd}, ids: []int{0}, path: "/", c: &ovCache{m: map[ovKey]uint8{}}}
	if hasMarker(m.fd, whOpaque) {
		return nil
	}
	for _, l := range lowers {
		abs, err := filepath.Abs(l)
		if err == nil {
			abs, err = filepath.EvalSymlinks(abs)
		}
		if err != nil {
			return fmt.Errorf("rootfs: lower %q: %w", l, err)
		}
		fd, err := unix.Open(abs, oSearch, 0)
		if err != nil {
			return fmt.Errorf("rootfs: open lower %q: %w", abs, err)
		}
		m.ov.lay = append(m.ov.lay, fd)
		m.ov.ids = append(m.ov.ids, len(m.ov.ids))
		if hasMarker(fd, whOpaque) {
			break
		}
	}
	return nil
}

// hasMarker reports whether directory dirfd holds the entry name.
func hasMarker(dirfd int, name string) bool {
	if len(name) > nameMax {
		return false
	}
	var st unix.Stat_t
	return unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW) == nil
}

// ovFind looks name up in merged directory o: the first layer holding it,
// stopping at a layer whose whiteout hides it.
func ovFind(o *ovDir, name string, from int) (int, unix.Stat_t, abi.Errno) {
	var st unix.Stat_t
	for i := from; i < len(o.lay); i++ {
		if gone, wh := o.absent(i, name); gone {
			if wh {
				break
			}
			continue
		}
		err := unix.Fstatat(o.lay[i], name, &st, unix.AT_SYMLINK_NOFOLLOW)
		if err == nil {
			return i, st, 0
		}
		if err != unix.ENOENT {
			return -1, st, errnoOf(err)
		}
		if o.whitedOut(i, name) {
			break
		}
	}
	return -1, st, abi.ENOENT
}

// ovLstat is lstatRaw for a name of a merged directory; it records the
// layer found in n.ov.
func ovLstat(n *node) (Stat, abi.Errno) {
	n.ov = nil
	if isMarker(n.name) {
		return Stat{}, abi.ENOENT
	}
	o := n.dir.ov
	i, st, e := ovFind(o, n.name, 0)
	if e != 0 {
		return Stat{}, e
	}
	n.ov = &ovHit{fd: o.lay[i], layer: i, up: o.up && i == 0}
	return statFromHost(&st), 0
}

// ovMerge makes the merged directory whose top is top, the directory
// name found in layer i of o: the same name in the layers below, down to
// a whiteout, a non-directory or an opaque directory.
func ovMerge(o *ovDir, i int, name string, top int) *ovDir {
	p := joinPath(o.path, name)
	nd := &ovDir{up: o.up && i == 0, lay: []int{top}, ids: []int{o.ids[i]}, path: p, c: o.c}
	if nd.opaque(top, o.ids[i], p) {
		return nd
	}
	for j := i + 1; j < len(o.lay); j++ {
		if gone, wh := o.absent(j, name); gone {
			if wh {
				break
			}
			continue
		}
		fd, err := unix.Openat(o.lay[j], name, oSearch, 0)
		if err == unix.ENOENT {
			if o.whitedOut(j, name) {
				break
			}
			continue
		}
		if err != nil {
			break // not a directory here: it hides the layers below
		}
		nd.lay = append(nd.lay, fd)
		nd.ids = append(nd.ids, o.ids[j])
		if nd.opaque(fd, o.ids[j], p) {
			break
		}
	}
	return nd
}

// ovEnter opens the directory name of o found in layer i, merged.
func ovEnter(o *ovDir, i int, name string) (*ovDir, abi.Errno) {
	fd, err := unix.Openat(o.lay[i], name, oSearch, 0)
	if err != nil {
		if err == unix.ELOOP || err == unix.EMLINK {
			return nil, abi.ENOTDIR
		}
		return nil, errnoOf(err)
	}
	return ovMerge(o, i, name, fd), 0
}

// ovStep is step in a merged directory: the first layer holding name
// decides, as in ovFind, trying to enter it first (one host call when it
// is a directory).
func (w *walker) ovStep(d *Dir, name, child string) abi.Errno {
	if isMarker(name) {
		return abi.ENOENT
	}
	o := d.ov
	for i, lfd := range o.lay {
		if gone, wh := o.absent(i, name); gone {
			if wh {
				return abi.ENOENT
			}
			continue
		}
		fd, err := unix.Openat(lfd, name, oSearch, 0)
		switch err {
		case nil:
			nd := ovMerge(o, i, name, fd)
			w.push(Dir{mnt: d.mnt, fd: fd, path: child, owned: true, ov: nd})
			return 0
		case unix.ENOENT:
			if o.whitedOut(i, name) {
				return abi.ENOENT
			}
			continue
		case unix.ELOOP, unix.ENOTDIR, unix.EMLINK:
			var st unix.Stat_t
			if err := unix.Fstatat(lfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
				return errnoOf(err)
			}
			if uint32(st.Mode)&sIFMT != sIFLNK {
				return abi.ENOTDIR
			}
			t, e := readlinkHost(lfd, name)
			if e != 0 {
				return e
			}
			return w.expand(t)
		}
		return errnoOf(err)
	}
	return abi.ENOENT
}

// ovNodeDir is nodeDir for a name of a merged directory.
func ovNodeDir(n *node, flags int) (*Dir, abi.Errno) {
	if n.ov == nil {
		if _, e := ovLstat(n); e != 0 {
			return nil, e
		}
	}
	nd, e := ovEnter(n.dir.ov, n.ov.layer, n.name)
	if e != 0 {
		return nil, e
	}
	return &Dir{mnt: n.mnt, fd: nd.lay[0], path: n.path, owned: true, ov: nd}, 0
}

// ovUpperAt opens the upper layer's directory at guest path p (of the root
// mount m), if it is there.
func ovUpperAt(m *mount, p string) (int, abi.Errno) {
	fd := m.fd
	for _, c := range strings.Split(p, "/") {
		if c == "" {
			continue
		}
		nfd, err := unix.Openat(fd, c, oSearch, 0)
		if fd != m.fd {
			unix.Close(fd)
		}
		if err != nil {
			return -1, errnoOf(err)
		}
		fd = nfd
	}
	if fd == m.fd {
		nfd, err := unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0)
		return nfd, errnoOf(err)
	}
	return fd, 0
}

// ovRefresh brings a directory handle made while its directory was only
// in lower layers up to date: another view (or this one) may have copied
// it up since, and names created there are in the upper only. The upper
// descriptor is the walk's.
func (w *walker) ovRefresh(d *Dir) {
	fd, e := ovUpperAt(d.mnt, d.path)
	if e != 0 {
		return
	}
	w.extra = append(w.extra, fd)
	d.fd = fd
	d.ov = ovWithUpper(d.ov, fd)
}

// ovWithUpper is lower-only merged directory o with the upper directory
// fd on top.
func ovWithUpper(o *ovDir, fd int) *ovDir {
	n := &ovDir{up: true, lay: []int{fd}, ids: []int{0}, path: o.path, c: o.c}
	if !hasMarker(fd, whOpaque) {
		n.lay = append(n.lay, o.lay...)
		n.ids = append(n.ids, o.ids...)
	}
	return n
}

// ovEntries lists merged directory d (without "." and ".."): each name
// from the top layer holding it, without markers and what they hide.
func (fs *FS) ovEntries(d *Dir) ([]DirEntry, abi.Errno) {
	o := d.ov
	if !o.up {
		if fd, e := ovUpperAt(d.mnt, d.path); e == 0 {
			defer unix.Close(fd)
			o = ovWithUpper(o, fd)
		}
	}
	var out []DirEntry
	seen := map[string]bool{}
	hidden := map[string]bool{}
	for _, fd := range o.lay {
		ents, err := readDirents(fd)
		if err != nil {
			return nil, errnoOf(err)
		}
		var wh []string
		for _, h := range ents {
			if h.name == "." || h.name == ".." {
				continue
			}
			if isMarker(h.name) {
				if h.name != whOpaque {
					wh = append(wh, h.name[len(whPrefix):])
				}
				continue
			}
			if seen[h.name] || hidden[h.name] {
				continue
			}
			seen[h.name] = true
			out = append(out, DirEntry{Name: h.name, Ino: h.ino, Type: h.typ})
		}
		for _, n := range wh {
			hidden[n] = true
		}
	}
	return out, 0
}

// ovLowerHas reports whether a lower layer of n's directory shows n's name
// below the layer n was found in (for a name not found: anywhere below the
// upper): removing or renaming it then needs a whiteout.
func ovLowerHas(n *node) bool {
	o := n.dir.ov
	from := 0
	if o.up {
		from = 1
	}
	if n.ov != nil {
		if !n.ov.up {
			return true
		}
		if hasMarker(n.ov.fd, whPrefix+n.name) {
			return false
		}
	}
	_, _, e := ovFind(o, n.name, from)
	return e == 0
}

// ovHasLower reports whether the directory node n has parts in a lower
// layer (it is not a directory of the upper alone): such a directory
// cannot be renamed (EXDEV), as overlayfs without redirect_dir.
func ovHasLower(n *node) bool {
	if n.ov == nil || !n.ov.up {
		return true
	}
	fd, err := unix.Openat(n.ov.fd, n.name, oSearch, 0)
	if err != nil {
		return false
	}
	defer unix.Close(fd)
	if hasMarker(fd, whOpaque) {
		return false
	}
	return ovLowerHas(n)
}

// rootView is a view of fs's files from the root of the FS made by New,
// acting for root: for finding a File's node again by its global path.
func (fs *FS) rootView() *FS {
	v := *fs
	v.root = Dir{mnt: fs.rootMnt, fd: fs.rootMnt.fd, path: "/", ov: fs.rootMnt.ov}
	v.rootPath = "/"
	v.cred = nil
	v.owner = false
	v.closeFd = -1
	return &v
}
