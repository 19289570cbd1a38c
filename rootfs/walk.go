package rootfs

import (
	"path"
	"strings"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// Dir is a directory handle: where a relative guest path starts (a cwd, or
// the dirfd of openat). It holds the host directory open, so renames cannot
// move a lookup that starts from it, and remembers its guest path for
// getcwd and for "..".
type Dir struct {
	mnt   *mount
	fd    int    // host directory (a search-only descriptor); -1 in a synthetic mount
	spath string // path inside a synthetic mount ("/" is its root)
	path  string // guest path in the namespace of the FS made by New
	owned bool   // Close closes fd
	ov    *ovDir // the layers of a merged directory of an overlay root; nil elsewhere
}

// Close releases the handle. Handles owned by an FS or a File are not
// closed by it.
func (d *Dir) Close() error {
	if d == nil || !d.owned || d.fd < 0 {
		return nil
	}
	d.ov.closeLower()
	err := unix.Close(d.fd)
	d.fd = -1
	d.owned = false
	return err
}

// Fd returns the host descriptor of the directory (-1 in a synthetic
// mount). It stays owned by the Dir.
func (d *Dir) Fd() int { return d.fd }

// Synthetic reports whether the directory belongs to a synthetic mount.
func (d *Dir) Synthetic() bool { return d.mnt != nil && d.mnt.synth != nil }

// ReadOnly reports whether the directory is on a read-only mount.
func (d *Dir) ReadOnly() bool { return d.mnt != nil && d.mnt.ro }

// Dup returns an owned copy of d (its own host descriptor), for a context
// that may close it independently of d.
func (d *Dir) Dup() (*Dir, abi.Errno) { return d.dup() }

// dup returns an owned copy of d.
func (d *Dir) dup() (*Dir, abi.Errno) {
	var e abi.Errno
	nd := *d
	nd.owned = false
	if d.fd >= 0 {
		fd, err := unix.FcntlInt(uintptr(d.fd), unix.F_DUPFD_CLOEXEC, 0)
		if err != nil {
			return nil, errnoOf(err)
		}
		nd.fd, nd.owned = fd, true
		if d.ov != nil {
			if nd.ov, e = d.ov.dup(fd); e != 0 {
				unix.Close(fd)
				return nil, e
			}
		}
	}
	return &nd, 0
}

type lookupFlags uint8

const (
	lkFollow lookupFlags = 1 << iota // follow a final symbolic link
	lkDir                            // the final component must be a directory
	lkParent                         // a create-style lookup: a missing final component is not an error for the caller
)

// lastKind says what the final component of a path was (Linux's LAST_*).
type lastKind uint8

const (
	lastNorm   lastKind = iota // a name
	lastDot                    // "."
	lastDotDot                 // ".."
	lastRoot                   // no component: "/"
)

// node is the result of a lookup: the final component, still named
// through the directory that holds it.
type node struct {
	dir       *Dir   // the directory the final name is in; the node itself when name == ""
	name      string // final component; "" when the node is dir itself
	kind      lastKind
	slash     bool   // the path ended in "/"
	mnt       *mount // the mount the node belongs to (its root when mountRoot)
	mountRoot bool   // the node is the root of mnt (a mount point or the root)
	st        Stat   // host lstat of the node (without metadata overlay), when found
	path      string // guest path of the node (namespace of the FS made by New)
	ov        *ovHit // in an overlay root: the layer the name was found in
}

// hostAt names the node on the host as (directory fd, name).
func (n *node) hostAt() (int, string) {
	switch {
	case n.mountRoot && n.mnt.isFile():
		return n.mnt.fd, n.mnt.file
	case n.mountRoot:
		return n.mnt.fd, "."
	case n.name == "":
		return n.dir.fd, "."
	case n.ov != nil:
		return n.ov.fd, n.name
	}
	return n.dir.fd, n.name
}

// spath is the node's path inside its synthetic mount.
func (n *node) spath() string {
	switch {
	case n.mountRoot:
		return "/"
	case n.name == "":
		return n.dir.spath
	}
	return joinPath(n.dir.spath, n.name)
}

func (n *node) synthetic() Synthetic { return n.mnt.synth }

// walker is the state of one lookup: the stack of directories walked (so
// ".." returns through them), the components still to walk (reversed: the
// last element is next) and the count of links followed.
type walker struct {
	fs      *FS
	stack   []Dir
	pending []string
	links   int
	extra   []int // descriptors the walk opened beside its stack (overlay upper directories)
}

func (w *walker) top() *Dir { return &w.stack[len(w.stack)-1] }

func (w *walker) push(d Dir) { w.stack = append(w.stack, d) }

func (w *walker) pop() {
	d := w.top()
	if d.owned {
		d.ov.closeLower()
		unix.Close(d.fd)
	}
	w.stack = w.stack[:len(w.stack)-1]
}

// toRoot drops the stack back to the view's root.
func (w *walker) toRoot() {
	for len(w.stack) > 0 {
		w.pop()
	}
	r := w.fs.root
	r.owned = false
	if r.ov != nil && !r.ov.up {
		w.ovRefresh(&r) // a chroot into a directory of the lower layers alone
	}
	w.push(r)
}

// release closes every descriptor the walk opened. Safe on nil.
func (w *walker) release() {
	if w == nil {
		return
	}
	for len(w.stack) > 0 {
		w.pop()
	}
	for _, fd := range w.extra {
		unix.Close(fd)
	}
	w.extra = nil
}

// pushPath queues p's components in front of what is still pending.
func (w *walker) pushPath(p string) {
	comps := strings.Split(p, "/")
	for i := len(comps) - 1; i >= 0; i-- {
		if comps[i] != "" {
			w.pending = append(w.pending, comps[i])
		}
	}
}

func (w *walker) next() string {
	c := w.pending[len(w.pending)-1]
	w.pending = w.pending[:len(w.pending)-1]
	return c
}

// expand continues the walk through a symbolic link's target, relative to
// the directory holding the link; an absolute target restarts at the root.
func (w *walker) expand(target string) abi.Errno {
	w.links++
	if w.links > maxSymlinks {
		return abi.ELOOP
	}
	if target == "" {
		return abi.ENOENT
	}
	if len(target) >= pathMax {
		return abi.ENAMETOOLONG
	}
	if target[0] == '/' {
		w.toRoot()
	}
	if strings.HasSuffix(target, "/") {
		// A trailing slash in a link body demands a directory, as "/." does.
		w.pending = append(w.pending, ".")
	}
	w.pushPath(target)
	return 0
}

// up walks "..": back through the stack, never above the view's root, and
// from the mount root up to the directory holding the mount point. Above
// the directory the lookup started from, it walks the lexical parent of
// that directory's guest path again from the root.
func (w *walker) up() abi.Errno {
	d := w.top()
	if d.path == w.fs.rootPath {
		w.toRoot()
		return 0
	}
	if len(w.stack) > 1 {
		w.pop()
		return 0
	}
	rel, ok := w.fs.relPath(path.Dir(d.path))
	w.toRoot()
	if !ok {
		return 0 // a directory outside a chroot view: ".." stays at its root
	}
	saved := w.pending
	w.pending = nil
	w.pushPath(rel)
	for len(w.pending) > 0 {
		if e := w.step(w.next()); e != 0 {
			w.pending = saved
			return e
		}
	}
	w.pending = saved
	return 0
}

// step walks into the directory name, which is not the final component.
func (w *walker) step(name string) abi.Errno {
	if len(name) > nameMax {
		return abi.ENAMETOOLONG
	}
	switch name {
	case ".":
		return 0
	case "..":
		return w.up()
	}
	d := w.top()
	child := joinPath(d.path, name)
	if m := w.fs.mounts[child]; m != nil {
		if m.isFile() {
			return abi.ENOTDIR
		}
		w.push(Dir{mnt: m, fd: m.fd, spath: "/", path: child})
		return 0
	}
	if d.ov != nil {
		return w.ovStep(d, name, child)
	}
	if s := d.mnt.synth; s != nil {
		sp := joinPath(d.spath, name)
		st, e := s.Stat(sp)
		if e != 0 {
			return e
		}
		switch st.Mode & sIFMT {
		case sIFDIR:
			w.push(Dir{mnt: d.mnt, fd: -1, spath: sp, path: child})
			return 0
		case sIFLNK:
			t, e := s.Readlink(sp)
			if e != 0 {
				return e
			}
			return w.expand(t)
		}
		return abi.ENOTDIR
	}
	fd, err := unix.Openat(d.fd, name, oSearch, 0)
	if err == nil {
		w.push(Dir{mnt: d.mnt, fd: fd, path: child, owned: true})
		return 0
	}
	if err != unix.ELOOP && err != unix.ENOTDIR && err != unix.EMLINK {
		return errnoOf(err)
	}
	var st unix.Stat_t
	if err := unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return errnoOf(err)
	}
	if uint32(st.Mode)&sIFMT != sIFLNK {
		return abi.ENOTDIR
	}
	t, e := readlinkHost(d.fd, name)
	if e != 0 {
		return e
	}
	return w.expand(t)
}

// readlinkHost reads a link's target, refusing ones too long for Linux.
func readlinkHost(dirfd int, name string) (string, abi.Errno) {
	buf := make([]byte, pathMax)
	n, err := unix.Readlinkat(dirfd, name, buf)
	if err != nil {
		return "", errnoOf(err)
	}
	if n >= len(buf) {
		return "", abi.ENAMETOOLONG
	}
	return string(buf[:n]), 0
}

// checkPath applies Linux's rules for a path argument.
func checkPath(p string) abi.Errno {
	if p == "" {
		return abi.ENOENT
	}
	if len(p) >= pathMax {
		return abi.ENAMETOOLONG
	}
	if strings.IndexByte(p, 0) >= 0 {
		// A guest cannot pass a NUL inside a C string; refuse rather than
		// let the host truncate the name.
		return abi.EINVAL
	}
	return 0
}

// resolve looks p up, relative to at (nil: the root) unless absolute. The
// returned walker holds the directories the node is named through and must
// be released (also on error). On ENOENT for the final component alone,
// n.dir and n.name say where it would be created; otherwise n.dir is nil.
func (fs *FS) resolve(at *Dir, p string, fl lookupFlags) (*walker, node, abi.Errno) {
	w := &walker{fs: fs}
	var n node
	if e := checkPath(p); e != 0 {
		return w, n, e
	}
	if p[0] == '/' || at == nil {
		w.toRoot()
	} else {
		if at.mnt == nil {
			return w, n, abi.EBADF
		}
		d := *at
		d.owned = false
		if d.ov != nil && !d.ov.up {
			w.ovRefresh(&d)
		}
		w.push(d)
	}
	slash := strings.HasSuffix(p, "/")
	w.pushPath(p)
	for {
		if len(w.pending) == 0 {
			n = w.self(lastRoot, slash)
			break
		}
		if e := w.mayLookup(); e != 0 {
			return w, node{}, e
		}
		if len(w.pending) > 1 {
			if e := w.step(w.next()); e != 0 {
				return w, node{}, e
			}
			continue
		}
		name := w.next()
		if len(name) > nameMax {
			return w, node{}, abi.ENAMETOOLONG
		}
		if name == "." {
			n = w.self(lastDot, slash)
			break
		}
		if name == ".." {
			if e := w.up(); e != 0 {
				return w, node{}, e
			}
			n = w.self(lastDotDot, slash)
			break
		}
		d := w.top()
		n = node{dir: d, name: name, kind: lastNorm, slash: slash, mnt: d.mnt, path: joinPath(d.path, name)}
		if m := fs.mounts[n.path]; m != nil {
			n.mnt, n.mountRoot = m, true
		}
		if fl&lkParent != 0 && fl&lkFollow == 0 {
			return w, n, 0
		}
		st, e := fs.lstatRaw(&n)
		if e != 0 {
			if e != abi.ENOENT {
				n.dir = nil
			}
			return w, n, e
		}
		if st.Mode&sIFMT == sIFLNK && (fl&lkFollow != 0 || slash) {
			t, e := fs.readlinkNode(&n)
			if e == 0 {
				e = w.expand(t)
			}
			if e != 0 {
				return w, node{}, e
			}
			continue
		}
		n.st = st
		if (fl&lkDir != 0 || slash) && !n.st.IsDir() {
			return w, node{}, abi.ENOTDIR
		}
		return w, n, 0
	}
	// The node is the directory on top of the stack.
	if fl&lkParent != 0 && fl&lkFollow == 0 {
		return w, n, 0
	}
	st, e := fs.lstatRaw(&n)
	if e != 0 {
		return w, node{}, e
	}
	n.st = st
	return w, n, 0
}

// self makes the node for the directory on top of the walk's stack.
func (w *walker) self(k lastKind, slash bool) node {
	d := w.top()
	return node{dir: d, kind: k, slash: slash, mnt: d.mnt, path: d.path, mountRoot: d.path == d.mnt.guest}
}

// lstatRaw stats the node without following it and without the metadata
// overlay.
func (fs *FS) lstatRaw(n *node) (Stat, abi.Errno) {
	if s := n.synthetic(); s != nil {
		return s.Stat(n.spath())
	}
	if n.name != "" && !n.mountRoot && n.dir.ov != nil {
		return ovLstat(n)
	}
	dirfd, name := n.hostAt()
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return Stat{}, errnoOf(err)
	}
	return statFromHost(&st), 0
}

func (fs *FS) readlinkNode(n *node) (string, abi.Errno) {
	if s := n.synthetic(); s != nil {
		return s.Readlink(n.spath())
	}
	dirfd, name := n.hostAt()
	return readlinkHost(dirfd, name)
}

// nodeDir opens the directory node n as an owned Dir.
func (fs *FS) nodeDir(n *node) (*Dir, abi.Errno) {
	switch {
	case n.mountRoot:
		d := Dir{mnt: n.mnt, fd: n.mnt.fd, spath: "/", path: n.mnt.guest, ov: n.mnt.ov}
		if n.mnt.synth != nil {
			d.fd = -1
		}
		return d.dup()
	case n.name == "":
		return n.dir.dup()
	case n.mnt.synth != nil:
		return &Dir{mnt: n.mnt, fd: -1, spath: n.spath(), path: n.path}, 0
	case n.dir.ov != nil:
		return ovNodeDir(n, oSearch)
	}
	fd, err := unix.Openat(n.dir.fd, n.name, oSearch, 0)
	if err != nil {
		if err == unix.ELOOP || err == unix.EMLINK {
			return nil, abi.ENOTDIR
		}
		return nil, errnoOf(err)
	}
	return &Dir{mnt: n.mnt, fd: fd, path: n.path, owned: true}, 0
}

// joinPath joins a clean absolute path and a name.
func joinPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// relPath converts a guest path of the FS made by New to this view's
// namespace; false if it lies outside the view's root.
func (fs *FS) relPath(p string) (string, bool) {
	if fs.rootPath == "/" {
		return p, true
	}
	if p == fs.rootPath {
		return "/", true
	}
	if strings.HasPrefix(p, fs.rootPath+"/") {
		return p[len(fs.rootPath):], true
	}
	return "", false
}

// guestPath is what getcwd and realpath report for a global guest path.
func (fs *FS) guestPath(p string) string {
	if r, ok := fs.relPath(p); ok {
		return r
	}
	return "(unreachable)" + p
}

// OpenDir resolves p (following links) to a directory and returns an owned
// handle for it: what chdir and chroot keep.
func (fs *FS) OpenDir(at *Dir, p string) (*Dir, abi.Errno) {
	w, n, e := fs.resolve(at, p, lkFollow|lkDir)
	defer w.release()
	if e != 0 {
		return nil, e
	}
	if !n.st.IsDir() {
		return nil, abi.ENOTDIR
	}
	if !fs.privileged() {
		// chdir and chroot need search permission on the directory itself.
		st, e := fs.nodeStat(&n)
		if e != 0 {
			return nil, e
		}
		if !fs.permits(&st, mayExec) {
			return nil, abi.EACCES
		}
	}
	return fs.nodeDir(&n)
}

// Parent is the create-style lookup: it resolves all of p but the final
// component and returns an owned handle for the directory that would hold
// it, and the final name. With follow, a final link is followed first (as
// open with O_CREAT does), so the result is where its target would be.
// The name is not checked for existence. A final "." or ".." or "/" has no
// name to create: EEXIST. A name that is a mount point: EEXIST. sysemu
// uses this for what rootfs does not create itself (binding AF_UNIX
// sockets, through Dir.HostPath).
func (fs *FS) Parent(at *Dir, p string, follow bool) (*Dir, string, abi.Errno) {
	fl := lkParent
	if follow {
		fl |= lkFollow
	}
	w, n, e := fs.resolve(at, p, fl)
	defer w.release()
	if e == abi.ENOENT && n.dir != nil {
		e = 0
	}
	if e != 0 {
		return nil, "", e
	}
	if n.kind != lastNorm || n.mountRoot {
		return nil, "", abi.EEXIST
	}
	if n.dir.ov != nil {
		// Whatever the caller makes there goes to the upper layer.
		if e := w.ovUpperParent(&n); e != 0 {
			return nil, "", e
		}
	}
	d, e := n.dir.dup()
	if e != 0 {
		return nil, "", e
	}
	return d, n.name, 0
}

// HostPath returns a host path for the directory, for the few host calls
// that take only paths (binding an AF_UNIX socket). It is the directory's
// path at the time of the call; a concurrent rename can make it stale, so
// use it only where a wrong answer cannot expose anything. On Linux,
// /proc/self/fd/<Fd()> is a shorter, race-free alternative.
func (d *Dir) HostPath() (string, error) {
	if d.fd < 0 {
		return "", unix.ENOENT
	}
	return hostPathOf(d.fd)
}

// Getcwd returns d's guest path as getcwd(2) reports it in this view
// ("(unreachable)/…" for a directory outside a chroot view's root).
func (fs *FS) Getcwd(d *Dir) string { return fs.guestPath(d.path) }

// Realpath resolves p (following every link) and returns the guest path it
// names in this view.
func (fs *FS) Realpath(at *Dir, p string) (string, abi.Errno) {
	w, n, e := fs.resolve(at, p, lkFollow)
	defer w.release()
	if e != 0 {
		return "", e
	}
	return fs.guestPath(n.path), 0
}
