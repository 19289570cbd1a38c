package sysemu

import (
	"os"
	"path"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// Opening /proc/self/fd/N (and /dev/fd/N, /dev/stdin, …, which link
// there) opens the file behind guest fd N again, as Linux's magic links
// do: bash's process substitution hands a program /dev/fd/63, the read end
// of a pipe, and scripts read /dev/stdin. The link text of a pipe is
// "pipe:[ino]", which names nothing, so these paths are recognised before
// the file view resolves them.

// magicFD reports the guest fd a path opened by the calling thread names
// through /proc/<self>/fd or /dev/fd, if it does.
func (t *Task) magicFD(at *rootfs.Dir, p string) (int, bool) {
	if !strings.HasPrefix(p, "/") {
		if !strings.Contains(p, "fd/") && !strings.HasPrefix(p, "std") && !strings.HasPrefix(p, "../") {
			return 0, false // the common case: no need to know the cwd
		}
		p = path.Join(t.p.fs.root().Getcwd(at), p)
	}
	p = path.Clean(p)
	switch p {
	case "/dev/stdin":
		return 0, true
	case "/dev/stdout":
		return 1, true
	case "/dev/stderr":
		return 2, true
	}
	dir, name := path.Split(p)
	n, err := strconv.Atoi(name)
	if err != nil || n < 0 || name != strconv.Itoa(n) {
		return 0, false
	}
	switch dir = strings.TrimSuffix(dir, "/"); dir {
	case "/dev/fd", "/proc/self/fd", "/proc/thread-self/fd", "/proc/" + strconv.Itoa(t.p.pid) + "/fd",
		"/proc/" + strconv.Itoa(t.p.pid) + "/task/" + strconv.Itoa(t.tid) + "/fd":
		return n, true
	}
	return 0, false
}

// reopenFD opens the file behind guest fd n again with flags: a new open
// file description (its own offset) of the same file or pipe.
func (t *Task) reopenFD(n int, flags int) (File, abi.Errno) {
	f, ok := t.p.files.Get(n)
	if !ok {
		return nil, abi.ENOENT
	}
	view := t.p.fs.globalView()
	switch f := f.(type) {
	case *osFile:
		if f.rf.Fd() < 0 { // a synthetic file: open it again by path
			rf, e := view.Open(view.Root(), f.rf.GlobalPath(), flags, 0)
			if e != 0 {
				return nil, e
			}
			return &osFile{rf: rf}, 0
		}
		if f.rf.IsDir() && flags&abi.O_ACCMODE != abi.O_RDONLY {
			return nil, abi.EISDIR
		}
		// The new open is checked against the file's mode, as Linux's
		// open of the magic link checks the inode.
		if e := view.AccessFile(f.rf, reopenAccess(flags)); e != 0 {
			return nil, e
		}
		hfd, err := hostReopen(f.rf.Fd(), reopenFlags(flags))
		if err != nil {
			return nil, hostErrno(err)
		}
		rf, e := view.Adopt(hfd, f.rf.GlobalPath(), flags)
		if e != 0 {
			unix.Close(hfd)
			return nil, e
		}
		return &osFile{rf: rf}, 0
	case *memFile:
		hfd, err := hostReopen(f.fd, reopenFlags(flags))
		if err != nil {
			return nil, hostErrno(err)
		}
		return &memFile{hostFile: newHostFile(os.NewFile(uintptr(hfd), f.name), true), name: f.name}, 0
	case *hostFile:
		hfd, err := hostReopen(f.fd, reopenFlags(flags))
		if err != nil {
			return nil, hostErrno(err)
		}
		return newHostFile(os.NewFile(uintptr(hfd), "reopened"), true), 0
	}
	return nil, abi.ENXIO // an emulated object (eventfd, epoll, pidfd)
}

// reopenAccess is the access(2) mode a reopen with flags needs.
func reopenAccess(flags int) uint32 {
	m := uint32(abi.R_OK)
	switch flags & abi.O_ACCMODE {
	case abi.O_WRONLY:
		m = abi.W_OK
	case abi.O_RDWR:
		m = abi.R_OK | abi.W_OK
	}
	if flags&abi.O_TRUNC != 0 {
		m |= abi.W_OK
	}
	return m
}

// reopenFlags are the host open flags for Linux flags of a reopen.
func reopenFlags(flags int) int {
	h := flags & abi.O_ACCMODE // the same values on every host
	if flags&abi.O_APPEND != 0 {
		h |= unix.O_APPEND
	}
	if flags&abi.O_NONBLOCK != 0 {
		h |= unix.O_NONBLOCK
	}
	if flags&abi.O_TRUNC != 0 {
		h |= unix.O_TRUNC
	}
	return h | unix.O_CLOEXEC
}
