package unpack

import (
	"archive/tar"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// copyUp makes p a copy of t as the layers below show it (an overlay view
// of Options.Lowers, whiteouts applied): the content, owner, mode, times
// and xattrs of a regular file. It stands for a hard link to a file of a
// lower layer, which a layer unpacked on its own cannot make.
func (a *applier) copyUp(p, t string) error {
	if a.lowers == nil {
		empty, err := os.MkdirTemp("", "carrick-unpack-")
		if err != nil {
			return err
		}
		a.cleanup = append(a.cleanup, func() { os.RemoveAll(empty) })
		fs, err := rootfs.New(empty, rootfs.Options{Metadata: a.fs.Metadata(), Lowers: a.opts.Lowers, ReadOnly: true})
		if err != nil {
			return fmt.Errorf("the layers below: %w", err)
		}
		a.cleanup = append(a.cleanup, func() { fs.Close() })
		a.lowers = fs
	}
	root := a.lowers.Root()
	st, e := a.lowers.Lstat(root, t)
	if e != 0 {
		return errnoErr("hard link target", t, e)
	}
	if st.Mode&abi.S_IFMT != abi.S_IFREG {
		return fmt.Errorf("%w: hard link to %q, not a regular file of the layers below", ErrUnsafe, t)
	}
	src, e := a.lowers.Open(root, t, abi.O_RDONLY|abi.O_NOFOLLOW|abi.O_CLOEXEC, 0)
	if e != 0 {
		return errnoErr("open", t, e)
	}
	defer src.Close()
	dst, e := a.fs.Open(a.fs.Root(), p, abi.O_CREAT|abi.O_EXCL|abi.O_WRONLY|abi.O_NOFOLLOW|abi.O_CLOEXEC, 0o600)
	if e != 0 {
		return errnoErr("create", p, e)
	}
	if a.buf == nil {
		a.buf = make([]byte, 128<<10)
	}
	err := writeAll(dst.Fd(), io.LimitReader(fdReader(src.Fd()), st.Size), a.buf)
	dst.Close()
	if err != nil {
		return fmt.Errorf("copying %s: %w", t, err)
	}
	hdr := &tar.Header{Uid: int(st.Uid), Gid: int(st.Gid), Mode: int64(st.Mode & 0o7777),
		ModTime: time.Unix(st.Mtime.Sec, st.Mtime.Nsec), AccessTime: time.Unix(st.Atime.Sec, st.Atime.Nsec)}
	if names, e := a.lowers.Listxattr(root, t, false); e == 0 {
		for _, n := range names {
			if v, e := a.lowers.Getxattr(root, t, n, false); e == 0 {
				if hdr.PAXRecords == nil {
					hdr.PAXRecords = map[string]string{}
				}
				hdr.PAXRecords["SCHILY.xattr."+n] = string(v)
			}
		}
	}
	return a.meta(p, hdr, abi.S_IFREG)
}

// fdReader reads a host descriptor a rootfs.File owns.
type fdReader int

func (r fdReader) Read(b []byte) (int, error) {
	for {
		n, err := unix.Read(int(r), b)
		switch {
		case err == unix.EINTR:
			continue
		case err != nil:
			return 0, err
		case n == 0 && len(b) > 0:
			return 0, io.EOF
		}
		return n, nil
	}
}
