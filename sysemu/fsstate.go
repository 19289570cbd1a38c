package sysemu

import (
	"bytes"
	"io"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// fsState is a process's file-system context: its view of files (root and
// mounts), working directory and umask.
type fsState struct {
	view *rootfs.FS // the view New made: owns the mount table

	mu sync.Mutex
	// cur (the view after chroot), chroots (views to close at exit), cwd
	// and umask are guarded by mu. cred is who file operations act for (the
	// process's fsuid, fsgid and groups; nil: root) and bound is cur acting
	// for it (nil: cur itself); guarded by mu.
	cur     *rootfs.FS
	chroots []*rootfs.FS
	cwd     *rootfs.Dir
	umask   uint32
	cred    *rootfs.Cred
	bound   *rootfs.FS
}

func newFSState(view *rootfs.FS) *fsState {
	return &fsState{view: view, cur: view, cwd: view.Root(), umask: 0o022}
}

// root is the process's current view: / after any chroot, acting for the
// process's credentials.
func (s *fsState) root() *rootfs.FS {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bound != nil {
		return s.bound
	}
	return s.cur
}

// rootAs is the current view acting for c instead (access(2)'s real ids).
func (s *fsState) rootAs(c *rootfs.Cred) *rootfs.FS {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur.WithCred(c)
}

// globalView is the view New made (where global guest paths resolve),
// acting for the process's credentials.
func (s *fsState) globalView() *rootfs.FS {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.view.WithCred(s.cred)
}

// setCred makes file operations act for c.
func (s *fsState) setCred(c *rootfs.Cred) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cred = c
	s.rebind()
}

// chroot makes nv the current view (and closes it at exit). cur itself
// acts for root whatever view nv was made from: bound adds the cred.
func (s *fsState) chroot(nv *rootfs.FS) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur = nv.WithCred(nil)
	s.chroots = append(s.chroots, nv)
	s.rebind()
}

// rebind makes bound act for cred. Preconditions: s.mu held.
func (s *fsState) rebind() {
	s.bound = nil
	if s.cred != nil {
		s.bound = s.cur.WithCred(s.cred)
	}
}

// releaseCwd closes the working directory handle of a vfork child's copy
// of its parent's context (clone), which shares the parent's view.
func (s *fsState) releaseCwd() {
	s.mu.Lock()
	old := s.cwd
	s.cwd = s.cur.Root()
	s.mu.Unlock()
	if old != s.view.Root() && old != s.cur.Root() {
		old.Close()
	}
}

// close releases the chroot views, then the view itself.
func (s *fsState) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := len(s.chroots) - 1; i >= 0; i-- {
		s.chroots[i].Close()
	}
	s.view.Close()
}

func (s *fsState) getCwd() *rootfs.Dir {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cwd
}

func (s *fsState) setCwd(d *rootfs.Dir) {
	s.mu.Lock()
	old := s.cwd
	s.cwd = d
	s.mu.Unlock()
	if old != s.view.Root() && old != s.cur.Root() {
		old.Close()
	}
}

func (s *fsState) getUmask() uint32 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.umask
}

// readPath reads a NUL-terminated guest path: EFAULT for a bad pointer,
// ENAMETOOLONG past PATH_MAX.
func (t *Task) readPath(addr uint64) (string, abi.Errno) {
	var buf [256]byte
	var out []byte
	for len(out) < abi.PATH_MAX {
		n := min(uint64(len(buf)), abi.PATH_MAX-uint64(len(out)))
		// Read up to the end of the page so a path at the end of a mapping
		// does not fault on bytes past its NUL.
		if pageLeft := 4096 - (addr+uint64(len(out)))%4096; n > pageLeft {
			n = pageLeft
		}
		chunk := buf[:n]
		if t.copyIn(addr+uint64(len(out)), chunk) != nil {
			return "", abi.EFAULT
		}
		if i := bytes.IndexByte(chunk, 0); i >= 0 {
			return string(append(out, chunk[:i]...)), 0
		}
		out = append(out, chunk...)
	}
	return "", abi.ENAMETOOLONG
}

// dirAt returns the directory a relative path starts from: the cwd for
// AT_FDCWD, or the directory open at fd.
func (t *Task) dirAt(fd int32) (*rootfs.Dir, abi.Errno) {
	if fd == abi.AT_FDCWD {
		return t.p.fs.getCwd(), 0
	}
	f, ok := t.p.files.Get(int(fd))
	if !ok {
		return nil, abi.EBADF
	}
	of, ok := f.(*osFile)
	if !ok || of.rf.Dir() == nil {
		return nil, abi.ENOTDIR
	}
	return of.rf.Dir(), 0
}

// pathAt reads a path argument and its starting directory.
func (t *Task) pathAt(dirfd, pathAddr uint64) (*rootfs.Dir, string, abi.Errno) {
	p, e := t.readPath(pathAddr)
	if e != 0 {
		return nil, "", e
	}
	if len(p) > 0 && p[0] == '/' {
		return t.p.fs.getCwd(), p, 0 // absolute: the directory is not used
	}
	d, e := t.dirAt(int32(dirfd))
	return d, p, e
}

// osFile is a guest fd on a file of the guest's file view.
type osFile struct {
	rf *rootfs.File

	mu sync.Mutex
	// ents and pos are the directory listing getdents64 walks; guarded by mu.
	ents []rootfs.DirEntry
	pos  int
}

func (f *osFile) HostFD() int { return f.rf.Fd() }

func (f *osFile) Read(t *Task, p []byte) (int, abi.Errno) {
	if s := f.rf.Synthetic(); s != nil {
		return f.synthIO(p, false)
	}
	if f.rf.IsDir() {
		return 0, abi.EISDIR
	}
	n, err := hostRead(f.rf.Fd(), p)
	if n > 0 || err == nil || err == io.EOF {
		t.notifyIO(f, n, false)
		return n, 0
	}
	return 0, readErr(err)
}

func (f *osFile) Write(t *Task, p []byte) (int, abi.Errno) {
	if s := f.rf.Synthetic(); s != nil {
		return f.synthIO(p, true)
	}
	n, err := hostWrite(f.rf.Fd(), p)
	if n == 0 && err != nil {
		if err == unix.EPIPE {
			t.sigpipe() // a FIFO with no reader
		}
		return 0, hostErrno(err)
	}
	t.notifyIO(f, n, true)
	return n, 0
}

// synthIO reads or writes a synthetic file at the file's offset (kept in
// pos, which directories use for listings and synthetic files for bytes).
func (f *osFile) synthIO(p []byte, write bool) (int, abi.Errno) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var n int
	var e abi.Errno
	if write {
		n, e = f.rf.Synthetic().WriteAt(p, int64(f.pos))
	} else {
		n, e = f.rf.Synthetic().ReadAt(p, int64(f.pos))
	}
	f.pos += n
	return n, e
}

func (f *osFile) Close() {
	inoClosed(f.rf)
	f.rf.Close()
}

func (f *osFile) statusFlags(t *Task, set bool, arg uint64) uint64 {
	if f.rf.Fd() < 0 {
		if set {
			return 0
		}
		return uint64(f.rf.Flags() &^ (abi.O_CREAT | abi.O_EXCL | abi.O_NOCTTY | abi.O_TRUNC | abi.O_CLOEXEC))
	}
	r := hostStatusFlags(f.rf.Fd(), set, arg)
	if !set && int64(r) >= 0 {
		// Flags the host does not report back keep the guest's value.
		r |= uint64(f.rf.Flags()) & (abi.O_DIRECTORY | abi.O_NOFOLLOW | abi.O_NOATIME | abi.O_PATH | abi.O_DIRECT)
	}
	return r
}

func readErr(err error) abi.Errno {
	if err == unix.EISDIR {
		return abi.EISDIR
	}
	return hostErrno(err)
}
