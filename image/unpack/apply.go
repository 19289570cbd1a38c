package unpack

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// Metadata selects where a layer's owners, modes and device nodes go.
type Metadata int

const (
	// MetadataAuto picks MetadataHost for host root on Linux and
	// MetadataXattr otherwise (a non-root user, macOS).
	MetadataAuto Metadata = iota
	// MetadataHost makes real owners and device nodes (rootfs.MetadataHost).
	MetadataHost
	// MetadataXattr records them as rootfs.MetadataXattr does.
	MetadataXattr
)

// Options configure Apply.
type Options struct {
	// Metadata must match the mode the unpacked tree is later opened with.
	Metadata Metadata
	// KeepWhiteouts stores whiteout entries (.wh.NAME, .wh..wh..opq) as the
	// empty marker files the layer carries instead of deleting what they
	// hide: right for a layer unpacked on its own (the cache), whose
	// whiteouts act only when layers are stacked.
	KeepWhiteouts bool
	// Lowers are the unpacked layers below this one, top first. A hard
	// link to a file of theirs (which the image spec leaves open, and
	// overlayfs makes by copying the file up) becomes a copy of that file
	// in this layer; without Lowers it is an error.
	Lowers []string
}

// RootfsMode returns the rootfs metadata mode m stands for on this host.
func (m Metadata) RootfsMode() rootfs.MetadataMode {
	switch m {
	case MetadataHost:
		return rootfs.MetadataHost
	case MetadataXattr:
		return rootfs.MetadataXattr
	}
	if runtime.GOOS == "linux" && os.Geteuid() == 0 {
		return rootfs.MetadataHost
	}
	return rootfs.MetadataXattr
}

const (
	whPrefix = ".wh."
	whOpaque = ".wh..wh..opq"
)

// ErrUnsafe is wrapped by errors for entries that would write outside the
// tree: a ".." escape, an absolute name, a path through a symbolic link,
// a hard link to something outside.
var ErrUnsafe = errors.New("unsafe layer entry")

// Gunzip wraps a gzip-compressed layer; the caller closes it.
func Gunzip(r io.Reader) (io.ReadCloser, error) { return gzip.NewReader(r) }

// Apply applies one uncompressed layer tar onto dir. Every write goes
// through a rootfs view of dir, so it is confined and the metadata lands in
// rootfs's own format. A refused or broken entry stops the layer with an
// error; what was written before it stays (Unpack discards it).
func Apply(dir string, layer io.Reader, opts Options) error {
	fs, err := rootfs.New(dir, rootfs.Options{Metadata: opts.Metadata.RootfsMode()})
	if err != nil {
		return fmt.Errorf("unpack: %w", err)
	}
	defer fs.Close()
	return ApplyFS(fs, layer, opts)
}

// ApplyFS is Apply onto an open view, in its metadata mode (opts.Metadata
// is not used): `carrick cp` writes a container's root and host
// directories with it.
func ApplyFS(fs *rootfs.FS, layer io.Reader, opts Options) error {
	a := &applier{fs: fs, opts: opts, dirs: map[string]bool{".": true}, layer: map[string]bool{}}
	defer func() {
		for i := len(a.cleanup) - 1; i >= 0; i-- {
			a.cleanup[i]()
		}
	}()
	tr := tar.NewReader(layer)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("unpack: reading layer: %w", err)
		}
		if err := a.entry(hdr, tr); err != nil {
			return fmt.Errorf("unpack: %s: %w", hdr.Name, err)
		}
	}
	return a.finishDirs()
}

// applier is the state of one Apply.
type applier struct {
	fs   *rootfs.FS
	opts Options
	// dirs holds paths checked to be real directories (not links), so a
	// parent is looked at once; removals drop what they remove.
	dirs map[string]bool
	// layer holds paths this layer wrote: an opaque marker keeps them.
	layer map[string]bool
	// dirTimes are applied last: writing children changes a directory's.
	dirTimes []dirTime
	buf      []byte // copy buffer
	// lowers is a view of Options.Lowers, opened for the first hard link
	// to a file of theirs; cleanup closes it.
	lowers  *rootfs.FS
	cleanup []func()
}

type dirTime struct {
	path string
	ts   [2]rootfs.Timespec
}

// cleanName turns a tar name into a clean path relative to the root, or
// refuses it. An absolute name is taken from the root, as docker and
// containerd apply it (umoci writes "/" for the root's own entry).
func cleanName(name string) (string, error) {
	if name == "" || strings.IndexByte(name, 0) >= 0 {
		return "", fmt.Errorf("%w: bad name %q", ErrUnsafe, name)
	}
	if path.IsAbs(name) {
		if name = strings.TrimLeft(name, "/"); name == "" {
			name = "."
		}
	}
	c := path.Clean(name)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "", fmt.Errorf("%w: %q leaves the tree", ErrUnsafe, name)
	}
	return c, nil
}

func errnoErr(op, p string, e abi.Errno) error {
	return fmt.Errorf("%s %s: %w", op, p, e)
}

func (a *applier) entry(hdr *tar.Header, r io.Reader) error {
	switch hdr.Typeflag {
	case tar.TypeXGlobalHeader:
		return nil
	case tar.TypeReg, tar.TypeRegA, tar.TypeDir, tar.TypeSymlink, tar.TypeLink, tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
	default:
		return fmt.Errorf("unsupported entry type %q", hdr.Typeflag)
	}
	p, err := cleanName(hdr.Name)
	if err != nil {
		return err
	}
	base := path.Base(p)
	if !a.opts.KeepWhiteouts && strings.HasPrefix(base, whPrefix) && base != whOpaque {
		if n := base[len(whPrefix):]; n == "" || n == "." || n == ".." {
			return fmt.Errorf("%w: bad whiteout %q", ErrUnsafe, base)
		}
		// Nothing to hide below a missing directory; do not make it.
		err := a.parents(p, false)
		if errors.Is(err, abi.ENOENT) {
			return nil
		}
		if err != nil {
			return err
		}
		return a.whiteout(path.Dir(p), base)
	}
	if err := a.parents(p, true); err != nil {
		return err
	}
	if !a.opts.KeepWhiteouts && base == whOpaque {
		return a.opaque(path.Dir(p))
	}
	if p == "." {
		if hdr.Typeflag != tar.TypeDir {
			return fmt.Errorf("%w: root entry is not a directory", ErrUnsafe)
		}
		return a.meta(p, hdr, abi.S_IFDIR)
	}
	// What is there already is replaced, except a directory by a directory.
	st, e := a.fs.Lstat(a.fs.Root(), p)
	switch {
	case e == abi.ENOENT:
	case e != 0:
		return errnoErr("lstat", p, e)
	case hdr.Typeflag == tar.TypeDir && st.IsDir():
		a.layer[p] = true
		a.dirs[p] = true
		return a.meta(p, hdr, abi.S_IFDIR)
	default:
		if err := a.remove(p); err != nil {
			return err
		}
	}
	a.layer[p] = true
	mode := uint32(hdr.Mode) & 0o7777
	root := a.fs.Root()
	switch hdr.Typeflag {
	case tar.TypeDir:
		if e := a.fs.Mkdir(root, p, 0o700); e != 0 {
			return errnoErr("mkdir", p, e)
		}
		a.dirs[p] = true
		return a.meta(p, hdr, abi.S_IFDIR)
	case tar.TypeSymlink:
		if e := a.fs.Symlink(hdr.Linkname, root, p); e != 0 {
			return errnoErr("symlink", p, e)
		}
		return a.meta(p, hdr, abi.S_IFLNK)
	case tar.TypeLink:
		return a.link(p, hdr.Linkname)
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		typ := map[byte]uint32{tar.TypeChar: abi.S_IFCHR, tar.TypeBlock: abi.S_IFBLK, tar.TypeFifo: abi.S_IFIFO}[hdr.Typeflag]
		dev := linuxMkdev(uint32(hdr.Devmajor), uint32(hdr.Devminor))
		if e := a.fs.Mknod(root, p, typ|mode, dev); e != 0 {
			return errnoErr("mknod", p, e)
		}
		return a.meta(p, hdr, typ)
	}
	f, e := a.fs.Open(root, p, abi.O_CREAT|abi.O_EXCL|abi.O_WRONLY|abi.O_NOFOLLOW|abi.O_CLOEXEC, 0o600)
	if e != 0 {
		return errnoErr("create", p, e)
	}
	if a.buf == nil {
		a.buf = make([]byte, 128<<10)
	}
	err = writeAll(f.Fd(), r, a.buf)
	f.Close()
	if err != nil {
		return fmt.Errorf("writing: %w", err)
	}
	return a.meta(p, hdr, abi.S_IFREG)
}

// writeAll copies r to the host descriptor fd through buf.
func writeAll(fd int, r io.Reader, buf []byte) error {
	for {
		n, err := r.Read(buf)
		for b := buf[:n]; len(b) > 0; {
			k, werr := unix.Write(fd, b)
			if werr == unix.EINTR {
				continue
			}
			if werr != nil {
				return werr
			}
			b = b[k:]
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// linuxMkdev encodes a Linux dev_t as glibc's makedev does.
func linuxMkdev(major, minor uint32) uint64 {
	ma, mi := uint64(major), uint64(minor)
	return mi&0xff | (ma&0xfff)<<8 | (mi&^0xff)<<12 | (ma&^0xfff)<<32
}

// parents checks that every directory above p is a real directory, never
// a link, so no entry writes through a link an earlier one planted. With
// create, missing ones are made (tars may omit them).
func (a *applier) parents(p string, create bool) error {
	if p == "." {
		return nil
	}
	dir := path.Dir(p)
	if a.dirs[dir] {
		return nil
	}
	if err := a.parents(dir, create); err != nil {
		return err
	}
	st, e := a.fs.Lstat(a.fs.Root(), dir)
	switch {
	case e == abi.ENOENT && create:
		if e := a.fs.Mkdir(a.fs.Root(), dir, 0o755); e != 0 {
			return errnoErr("mkdir", dir, e)
		}
	case e != 0:
		return errnoErr("lstat", dir, e)
	case st.IsSymlink():
		return fmt.Errorf("%w: %q is a symbolic link", ErrUnsafe, dir)
	case !st.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	a.dirs[dir] = true
	return nil
}

// link makes p a hard link to target, which must be a non-directory
// already in the tree, reached without links.
func (a *applier) link(p, target string) error {
	t, err := cleanName(target)
	if err != nil {
		return err
	}
	if t == "." {
		return fmt.Errorf("%w: hard link to the root", ErrUnsafe)
	}
	if err := a.parents(t, false); err != nil {
		return err
	}
	st, e := a.fs.Lstat(a.fs.Root(), t)
	if e == abi.ENOENT && len(a.opts.Lowers) > 0 {
		return a.copyUp(p, t)
	}
	if e != 0 {
		return errnoErr("hard link target", t, e)
	}
	if st.IsDir() {
		return fmt.Errorf("%w: hard link to directory %q", ErrUnsafe, t)
	}
	if e := a.fs.Link(a.fs.Root(), t, a.fs.Root(), p, false); e != 0 {
		return errnoErr("link", p, e)
	}
	return nil
}

// meta gives p the header's owner, mode, xattrs and times (directories'
// times at the end).
func (a *applier) meta(p string, hdr *tar.Header, typ uint32) error {
	root := a.fs.Root()
	// Linux refuses user.* xattrs on a FIFO, so in the xattr mode the
	// host's owner (shown as root) and mode bits stand for it.
	fifoXattr := typ == abi.S_IFIFO && a.fs.Metadata() == rootfs.MetadataXattr
	if e := a.fs.Chown(root, p, hdr.Uid, hdr.Gid, false); e != 0 && !(fifoXattr && e == abi.EPERM) {
		return errnoErr("chown", p, e)
	}
	// After chown, which drops setuid and setgid.
	if typ != abi.S_IFLNK {
		if e := a.fs.Chmod(root, p, uint32(hdr.Mode)&0o7777, false); e != 0 && !(fifoXattr && e == abi.EPERM) {
			return errnoErr("chmod", p, e)
		}
	}
	names := make([]string, 0, len(hdr.PAXRecords))
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "SCHILY.xattr.") {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		name := strings.TrimPrefix(k, "SCHILY.xattr.")
		e := a.fs.Setxattr(root, p, name, []byte(hdr.PAXRecords[k]), 0, false)
		if e != 0 && !(typ == abi.S_IFLNK && (e == abi.EPERM || e == abi.EOPNOTSUPP)) {
			return errnoErr("setxattr "+name, p, e)
		}
	}
	at := hdr.AccessTime
	if at.IsZero() {
		at = hdr.ModTime
	}
	ts := [2]rootfs.Timespec{
		{Sec: at.Unix(), Nsec: int64(at.Nanosecond())},
		{Sec: hdr.ModTime.Unix(), Nsec: int64(hdr.ModTime.Nanosecond())},
	}
	if typ == abi.S_IFDIR {
		a.dirTimes = append(a.dirTimes, dirTime{p, ts})
		return nil
	}
	if e := a.fs.Utimes(root, p, &ts, false); e != 0 {
		return errnoErr("utimes", p, e)
	}
	return nil
}

// finishDirs sets directory times, deepest last-written first.
func (a *applier) finishDirs() error {
	for i := len(a.dirTimes) - 1; i >= 0; i-- {
		d := a.dirTimes[i]
		e := a.fs.Utimes(a.fs.Root(), d.path, &d.ts, false)
		if e == abi.ENOENT {
			continue // removed by a later entry
		}
		if e != 0 {
			return fmt.Errorf("unpack: %w", errnoErr("utimes", d.path, e))
		}
	}
	return nil
}

// whiteout applies the whiteout entry base (.wh.NAME) in dir.
func (a *applier) whiteout(dir, base string) error {
	p := path.Join(dir, strings.TrimPrefix(base, whPrefix))
	if a.layer[p] {
		return nil // whiteouts hide lower layers only
	}
	return a.remove(p)
}

// opaque removes what lower layers left in dir, keeping this layer's.
func (a *applier) opaque(dir string) error {
	d, e := a.fs.OpenDir(a.fs.Root(), dir)
	if e != 0 {
		return errnoErr("opendir", dir, e)
	}
	ents, e := a.fs.ReadDir(d)
	d.Close()
	if e != 0 {
		return errnoErr("readdir", dir, e)
	}
	for _, ent := range ents {
		if ent.Name == "." || ent.Name == ".." {
			continue
		}
		p := path.Join(dir, ent.Name)
		if !a.layer[p] {
			if err := a.remove(p); err != nil {
				return err
			}
			continue
		}
		if st, e := a.fs.Lstat(a.fs.Root(), p); e == 0 && st.IsDir() {
			if err := a.opaque(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// remove deletes p and, for a directory, all below it; missing is fine.
func (a *applier) remove(p string) error {
	root := a.fs.Root()
	st, e := a.fs.Lstat(root, p)
	if e == abi.ENOENT {
		return nil
	}
	if e != 0 {
		return errnoErr("lstat", p, e)
	}
	if !st.IsDir() {
		if e := a.fs.Unlink(root, p); e != 0 {
			return errnoErr("unlink", p, e)
		}
		return nil
	}
	d, e := a.fs.OpenDir(root, p)
	if e != 0 {
		return errnoErr("opendir", p, e)
	}
	ents, e := a.fs.ReadDir(d)
	d.Close()
	if e != 0 {
		return errnoErr("readdir", p, e)
	}
	for _, ent := range ents {
		if ent.Name != "." && ent.Name != ".." {
			if err := a.remove(path.Join(p, ent.Name)); err != nil {
				return err
			}
		}
	}
	if e := a.fs.Rmdir(root, p); e != 0 {
		return errnoErr("rmdir", p, e)
	}
	for k := range a.dirs {
		if k == p || strings.HasPrefix(k, p+"/") {
			delete(a.dirs, k)
		}
	}
	return nil
}
