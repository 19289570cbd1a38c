package container

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/image/unpack"
	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// docker cp: a tree is copied between a container's root and the host as
// a tar stream, written from one rootfs view and applied to another with
// image/unpack's applier. A container's side is its own view (an overlay
// over its image's layers), so its paths resolve as its processes see
// them, confined to its root, and what is written there is copied up and
// keeps Linux metadata in the container's mode. The host side is a view
// of the host's "/" with host metadata.

// CopyOptions are docker cp's options.
type CopyOptions struct {
	// Archive keeps the source's owners (-a); otherwise what lands in a
	// container is root's and what lands on the host is the caller's.
	Archive bool
	// FollowLink follows a symbolic link that is the source itself (-L).
	FollowLink bool
}

// hostView is the host's file system as a view, for the host side.
func hostView() (*rootfs.FS, error) {
	return rootfs.New("/", rootfs.Options{Metadata: rootfs.MetadataHost,
		AllowCaseInsensitive: runtime.GOOS == "darwin", AllowUTF8Only: runtime.GOOS == "darwin"})
}

// hostPath makes a host path absolute, keeping a final "/" or "/." that
// docker cp gives meaning to.
func hostPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	switch {
	case strings.HasSuffix(p, "/."):
		abs += "/."
	case strings.HasSuffix(p, "/") && abs != "/":
		abs += "/"
	}
	return abs, nil
}

// CopyFrom copies src in the container to dst on the host
// (docker cp CONTAINER:SRC DST).
func (s *Store) CopyFrom(r *Record, src, dst string, o CopyOptions) error {
	from, err := s.View(r)
	if err != nil {
		return err
	}
	defer from.Close()
	to, err := hostView()
	if err != nil {
		return err
	}
	defer to.Close()
	if dst, err = hostPath(dst); err != nil {
		return err
	}
	uid, gid := os.Getuid(), os.Getgid()
	return copyTree(from, "/"+src, to, dst, func(h *tar.Header) {
		if !o.Archive {
			h.Uid, h.Gid, h.PAXRecords = uid, gid, nil
		}
	}, o)
}

// CopyTo copies src on the host to dst in the container
// (docker cp SRC CONTAINER:DST).
func (s *Store) CopyTo(r *Record, src, dst string, o CopyOptions) error {
	from, err := hostView()
	if err != nil {
		return err
	}
	defer from.Close()
	to, err := s.View(r)
	if err != nil {
		return err
	}
	defer to.Close()
	if src, err = hostPath(src); err != nil {
		return err
	}
	return copyTree(from, src, to, "/"+dst, func(h *tar.Header) {
		if !o.Archive {
			h.Uid, h.Gid = 0, 0
		}
	}, o)
}

// ArchiveFrom writes a tar of src in the container to w, its entries
// named from src's base name, owners kept (docker cp CONTAINER:SRC -).
func (s *Store) ArchiveFrom(r *Record, src string, w io.Writer, o CopyOptions) error {
	fs, err := s.View(r)
	if err != nil {
		return err
	}
	defer fs.Close()
	src, contents, _, err := source(fs, "/"+src, o)
	if err != nil {
		return err
	}
	name := path.Base(src)
	if contents || src == "/" {
		name = "."
	}
	tw := tar.NewWriter(w)
	if err := writeTree(tw, fs, src, name, nil); err != nil {
		return err
	}
	return tw.Close()
}

// ExtractTo extracts the tar rd into the container's directory dst,
// which must exist (docker cp - CONTAINER:DST). Entry names are taken
// relative to dst and may not leave it.
func (s *Store) ExtractTo(r *Record, rd io.Reader, dst string) error {
	fs, err := s.View(r)
	if err != nil {
		return err
	}
	defer fs.Close()
	dir, e := fs.Realpath(fs.Root(), "/"+dst)
	if e == 0 {
		if st, e2 := fs.Stat(fs.Root(), dir); e2 != 0 || !st.IsDir() {
			e = abi.ENOTDIR
		}
	}
	if e != 0 {
		return pathErr("destination directory "+path.Clean("/"+dst), e)
	}
	pr, pw := io.Pipe()
	go func() {
		tr, tw := tar.NewReader(rd), tar.NewWriter(pw)
		err := func() error {
			for {
				h, err := tr.Next()
				if err == io.EOF {
					return tw.Close()
				}
				if err != nil {
					return err
				}
				if h.Name, err = under(dir, h.Name); err != nil {
					return err
				}
				if h.Typeflag == tar.TypeLink {
					if h.Linkname, err = under(dir, h.Linkname); err != nil {
						return err
					}
				}
				if err := tw.WriteHeader(h); err != nil {
					return err
				}
				if _, err := io.Copy(tw, tr); err != nil {
					return err
				}
			}
		}()
		pw.CloseWithError(err)
	}()
	err = unpack.ApplyFS(fs, pr, unpack.Options{KeepWhiteouts: true})
	pr.CloseWithError(errors.New("extraction stopped"))
	return err
}

// under is a tar name taken relative to dir, refused if it leaves it.
func under(dir, name string) (string, error) {
	c := path.Clean("/" + name)
	if strings.Contains(name, "\x00") || path.Clean(name) == ".." || strings.HasPrefix(path.Clean(name), "../") {
		return "", fmt.Errorf("%q leaves the destination", name)
	}
	return path.Join(dir, c), nil
}

// source resolves a cp source: src ending in "/." means the directory's
// contents; a final symbolic link is followed with -L or a final "/".
func source(fs *rootfs.FS, src string, o CopyOptions) (p string, contents bool, st rootfs.Stat, err error) {
	contents = strings.HasSuffix(src, "/.")
	dirOnly := strings.HasSuffix(src, "/") || contents
	p = path.Clean(src)
	follow := o.FollowLink || dirOnly
	st, e := fs.StatAt(fs.Root(), p, follow)
	if e == 0 && follow {
		// Walk the real directory, not the link.
		if p, e = fs.Realpath(fs.Root(), p); e == 0 {
			st, e = fs.Lstat(fs.Root(), p)
		}
	} else if e == 0 {
		// The link itself is copied; its directory is resolved.
		var dir string
		if dir, e = fs.Realpath(fs.Root(), path.Dir(p)); e == 0 {
			p = path.Join(dir, path.Base(p))
		}
	}
	if e != 0 {
		return "", false, st, pathErr(path.Clean(src), e)
	}
	if dirOnly && !st.IsDir() {
		return "", false, st, pathErr(path.Clean(src), abi.ENOTDIR)
	}
	return p, contents && st.IsDir(), st, nil
}

// copyTree copies src of from to dst of to with docker cp's rules: into
// an existing directory under the source's name (its contents for
// "dir/."), over an existing file, or as a new dst whose parent exists.
func copyTree(from *rootfs.FS, src string, to *rootfs.FS, dst string, fix func(*tar.Header), o CopyOptions) error {
	src, contents, st, err := source(from, src, o)
	if err != nil {
		return err
	}
	dirOnly := strings.HasSuffix(dst, "/")
	dst = path.Clean(dst)
	var target string
	dstSt, e := to.Stat(to.Root(), dst)
	switch {
	case e == 0 && dstSt.IsDir():
		real, e := to.Realpath(to.Root(), dst)
		if e != 0 {
			return pathErr(dst, e)
		}
		target = real
		if !contents {
			target = path.Join(real, path.Base(src))
		}
	case e == 0:
		if st.IsDir() {
			return fmt.Errorf("cannot copy a directory to a file: %s", dst)
		}
		if dirOnly {
			return pathErr(dst, abi.ENOTDIR)
		}
		real, e := to.Realpath(to.Root(), dst)
		if e != 0 {
			return pathErr(dst, e)
		}
		target = real
	case e == abi.ENOENT:
		if dirOnly && !st.IsDir() {
			return fmt.Errorf("destination directory %s must exist", dst)
		}
		parent, e := to.Realpath(to.Root(), path.Dir(dst))
		if e == 0 {
			if pst, e2 := to.Stat(to.Root(), parent); e2 != 0 || !pst.IsDir() {
				e = abi.ENOTDIR
			}
		}
		if e != 0 {
			return pathErr("destination directory "+path.Dir(dst), e)
		}
		target = path.Join(parent, path.Base(dst))
	default:
		return pathErr(dst, e)
	}
	if !st.IsDir() && target == "/" {
		return fmt.Errorf("cannot copy a file to /")
	}
	pr, pw := io.Pipe()
	go func() {
		tw := tar.NewWriter(pw)
		err := writeTree(tw, from, src, target, fix)
		if err == nil {
			err = tw.Close()
		}
		pw.CloseWithError(err)
	}()
	err = unpack.ApplyFS(to, pr, unpack.Options{KeepWhiteouts: true})
	pr.CloseWithError(errors.New("copy stopped"))
	return err
}

// writeTree writes the tree at p of fs to tw, its top entry named name
// and the rest below it. fix, if not nil, adjusts each header. Hard links
// within the tree stay links; sockets are left out, as tar has no type
// for them.
func writeTree(tw *tar.Writer, fs *rootfs.FS, p, name string, fix func(*tar.Header)) error {
	w := &treeWriter{fs: fs, tw: tw, fix: fix, links: map[[2]uint64]string{}}
	return w.add(p, name)
}

type treeWriter struct {
	fs    *rootfs.FS
	tw    *tar.Writer
	fix   func(*tar.Header)
	skip  func(p string) bool  // paths left out, with what is below them
	links map[[2]uint64]string // (dev, ino) → the name first written
	buf   []byte
}

func (w *treeWriter) add(p, name string) error {
	if w.skip != nil && w.skip(p) {
		return nil
	}
	root := w.fs.Root()
	st, e := w.fs.Lstat(root, p)
	if e != 0 {
		return pathErr(p, e)
	}
	h := &tar.Header{Name: name, Mode: int64(st.Mode & 0o7777), Uid: int(st.Uid), Gid: int(st.Gid),
		ModTime: time.Unix(st.Mtime.Sec, st.Mtime.Nsec), Format: tar.FormatPAX} // no atime: reading changes it
	if names, e := w.fs.Listxattr(root, p, false); e == 0 {
		sort.Strings(names)
		for _, n := range names {
			if v, e := w.fs.Getxattr(root, p, n, false); e == 0 {
				if h.PAXRecords == nil {
					h.PAXRecords = map[string]string{}
				}
				h.PAXRecords["SCHILY.xattr."+n] = string(v)
			}
		}
	}
	var file *rootfs.File
	switch st.Mode & abi.S_IFMT {
	case abi.S_IFDIR:
		h.Typeflag = tar.TypeDir
		if name != "." && name != "/" {
			h.Name = strings.TrimSuffix(name, "/") + "/"
		}
	case abi.S_IFLNK:
		h.Typeflag = tar.TypeSymlink
		if h.Linkname, e = w.fs.Readlink(root, p); e != 0 {
			return pathErr(p, e)
		}
	case abi.S_IFCHR, abi.S_IFBLK, abi.S_IFIFO:
		h.Typeflag = map[uint32]byte{abi.S_IFCHR: tar.TypeChar, abi.S_IFBLK: tar.TypeBlock, abi.S_IFIFO: tar.TypeFifo}[st.Mode&abi.S_IFMT]
		h.Devmajor = int64((st.Rdev>>8)&0xfff | (st.Rdev>>32)&^0xfff)
		h.Devminor = int64(st.Rdev&0xff | (st.Rdev>>12)&^0xff)
	case abi.S_IFREG:
		key := [2]uint64{st.Dev, st.Ino}
		if first, ok := w.links[key]; ok && st.Nlink > 1 {
			h.Typeflag, h.Linkname = tar.TypeLink, first
			break
		}
		if st.Nlink > 1 {
			w.links[key] = name
		}
		h.Typeflag, h.Size = tar.TypeReg, st.Size
		if file, e = w.fs.Open(root, p, abi.O_RDONLY|abi.O_NOFOLLOW|abi.O_CLOEXEC, 0); e != 0 {
			return pathErr(p, e)
		}
		defer file.Close()
	default:
		return nil // a socket
	}
	if w.fix != nil {
		w.fix(h)
	}
	// A stream of a directory's contents names no entry for the
	// directory itself, as docker export's does not.
	if h.Name != "." {
		if err := w.tw.WriteHeader(h); err != nil {
			return err
		}
	}
	if file != nil {
		if w.buf == nil {
			w.buf = make([]byte, 128<<10)
		}
		n, err := io.CopyBuffer(w.tw, io.LimitReader(fdReader(file.Fd()), st.Size), w.buf)
		if err == nil && n < st.Size {
			err = fmt.Errorf("%s: shrank while being copied", p)
		}
		if err != nil {
			return err
		}
	}
	if st.Mode&abi.S_IFMT != abi.S_IFDIR {
		return nil
	}
	d, e := w.fs.OpenDir(root, p)
	if e != 0 {
		return pathErr(p, e)
	}
	ents, e := w.fs.ReadDir(d)
	d.Close()
	if e != 0 {
		return pathErr(p, e)
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name < ents[j].Name })
	for _, ent := range ents {
		if ent.Name == "." || ent.Name == ".." {
			continue
		}
		if err := w.add(path.Join(p, ent.Name), path.Join(name, ent.Name)); err != nil {
			return err
		}
	}
	return nil
}

// pathErr is a failed step on p, said as strerror says it.
func pathErr(p string, e abi.Errno) error { return &errnoPath{p, e} }

type errnoPath struct {
	p string
	e abi.Errno
}

func (e *errnoPath) Error() string { return e.p + ": " + e.e.Message() }
func (e *errnoPath) Unwrap() error { return e.e }

// fdReader reads a host descriptor that a rootfs.File owns.
type fdReader int

func (r fdReader) Read(p []byte) (int, error) {
	for {
		n, err := unix.Read(int(r), p)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0 && len(p) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}
