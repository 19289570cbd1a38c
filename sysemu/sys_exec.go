package sysemu

import (
	"errors"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/loader"
	"github.com/carrick-go/carrick/vcpu"
)

// execve replaces the process image in place: the host process, its pid
// and its open files (less close-on-exec ones) stay; memory, other threads
// and caught signal handlers go.

// argMax bounds the argument and environment strings, like Linux's
// ARG_MAX-derived limit (a quarter of the 8 MiB stack).
const argMax = 2 << 20

// readStrings reads a NULL-terminated array of guest string pointers.
func (t *Task) readStrings(addr uint64, total *int) ([]string, abi.Errno) {
	var out []string
	if addr == 0 {
		return nil, 0
	}
	for i := uint64(0); ; i++ {
		p, err := t.readU64(addr + 8*i)
		if err != nil {
			return nil, abi.EFAULT
		}
		if p == 0 {
			return out, 0
		}
		s, e := t.readPath(p) // a C string; PATH_MAX is not the limit here
		if e == abi.ENAMETOOLONG {
			s, e = t.readLongString(p)
		}
		if e != 0 {
			return nil, e
		}
		*total += len(s) + 1 + 8
		if *total > argMax {
			return nil, abi.E2BIG
		}
		out = append(out, s)
	}
}

// readLongString reads a NUL-terminated string of up to argMax bytes.
func (t *Task) readLongString(addr uint64) (string, abi.Errno) {
	var out []byte
	buf := make([]byte, 4096)
	for len(out) < argMax {
		n := 4096 - (addr+uint64(len(out)))%4096
		if t.copyIn(addr+uint64(len(out)), buf[:n]) != nil {
			return "", abi.EFAULT
		}
		for i, c := range buf[:n] {
			if c == 0 {
				return string(append(out, buf[:i]...)), 0
			}
		}
		out = append(out, buf[:n]...)
	}
	return "", abi.E2BIG
}

// sysExecve implements execve(2).
func sysExecve(t *Task, a [6]uint64) uint64 {
	return t.execve(uint64(0xffffff9c) /* AT_FDCWD */, a[0], a[1], a[2], 0)
}

// sysExecveat implements execveat(2).
func sysExecveat(t *Task, a [6]uint64) uint64 {
	return t.execve(a[0], a[1], a[2], a[3], a[4])
}

func (t *Task) execve(dirfd, pathAddr, argvAddr, envpAddr, flags uint64) uint64 {
	if flags&^uint64(abi.AT_EMPTY_PATH|abi.AT_SYMLINK_NOFOLLOW) != 0 {
		return errno(abi.EINVAL)
	}
	at, path, e := t.pathAt(dirfd, pathAddr)
	if e != 0 {
		return errno(e)
	}
	if path == "" {
		// execveat(fd, "", …, AT_EMPTY_PATH) runs the open file itself.
		if flags&abi.AT_EMPTY_PATH == 0 {
			return errno(abi.ENOENT)
		}
		of, e := t.osFile(dirfd)
		if e != 0 {
			return errno(abi.EBADF)
		}
		path = of.rf.Path(t.p.fs.root())
		at = t.p.fs.getCwd()
	}
	total := 0
	argv, e := t.readStrings(argvAddr, &total)
	if e != 0 {
		return errno(e)
	}
	envp, e := t.readStrings(envpAddr, &total)
	if e != 0 {
		return errno(e)
	}
	if len(argv) == 0 {
		argv = []string{""} // Linux 6.x puts an empty argv[0] for argc == 0
	}
	view := t.p.fs.root()
	f, argv, err := openProgram(view, at, path, argv)
	if err != nil {
		return errno(execErrno(err))
	}
	defer f.Close()
	// Check the image before the point of no return.
	if _, _, err := loader.Span(fdReader(f.Fd())); err != nil {
		return errno(abi.ENOEXEC)
	}

	if t.p.vfork != nil {
		// A vfork child execs into a new host process; the parent's
		// memory, which it borrowed, stays as it is.
		if e := t.spawnExec(f.Path(view), argv, envp); e != 0 {
			return errno(e)
		}
		t.gone = true
		return 0
	}
	// The point of no return: the old image goes.
	t.p.forkedNoExec.Store(false) // its parent may no longer set its group
	t.p.execKillOthers(t)
	t.exitMM()
	t.p.files.closeOnExec()
	t.p.sig.resetForExec()
	t.altstack = [3]uint64{}
	t.name = [16]byte{} // the new program's name is its own (p.comm)
	t.p.mm.UnmapAll()
	t.p.changeCreds(func(c *Credentials) abi.Errno { // no set-user-ID bits honoured (creds.go)
		*c = *c.afterExec()
		return 0
	})
	entry, err := t.p.loadImage(f, path, argv, envp)
	if err != nil {
		t.p.logf("carrick: pid %d: execve of %s failed after the old image was gone: %v\n", t.p.pid, path, err)
		t.p.exit(ExitStatus{Signal: abi.SIGSEGV})
		t.gone = true
		return 0
	}
	t.regs = vcpu.Regs{SP: t.p.stack.SP, PC: entry}
	t.cpu.SetFPRegs(&vcpu.FPRegs{})
	t.regsReplaced = true
	return 0
}

// execErrno maps an openProgram/loader error to execve's errno.
func execErrno(err error) abi.Errno {
	var e abi.Errno
	switch {
	case errors.As(err, &e):
		return e
	case errors.Is(err, loader.ErrNotELF), errors.Is(err, loader.ErrBadELF), errors.Is(err, ErrExecFormat):
		return abi.ENOEXEC
	}
	return abi.EIO
}

// exitMM does what Linux's mm_release does for the old image: clear and
// wake the clear_child_tid word.
func (t *Task) exitMM() {
	t.exitThread()
	t.clearTID = 0
}

// execKillOthers ends every thread but t and waits for them; t takes the
// process id as its thread id, as a non-leader thread does in execve.
func (p *Process) execKillOthers(t *Task) {
	p.tmu.Lock()
	var others []*Task
	for _, o := range p.tasks {
		if o != t {
			others = append(others, o)
		}
	}
	p.tmu.Unlock()
	for _, o := range others {
		o.killed.Store(true)
		o.notify()
	}
	for _, o := range others {
		<-o.ended
	}
	p.tmu.Lock()
	for _, o := range others {
		delete(p.tasks, o.tid)
	}
	if t.tid != p.pid {
		delete(p.tasks, t.tid)
		t.tid = p.pid
		p.tasks[p.pid] = t
	}
	p.tmu.Unlock()
}

// resetForExec sets caught signals back to their default action; ignored
// ones stay ignored, as execve does.
func (s *signalState) resetForExec() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sig := range s.actions {
		if h := s.actions[sig][0]; h != abi.SIG_DFL && h != abi.SIG_IGN {
			s.actions[sig] = [4]uint64{}
		}
	}
}
