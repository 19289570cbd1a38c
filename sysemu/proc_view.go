package sysemu

import (
	"bytes"
	"os"
	"path"
	"sort"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/procfs"
)

// procTable is the process table /proc lists: this process, and the
// other guest processes of its registry (proc_remote.go). It is made
// before the Process (the view, which mounts /proc, comes first) and
// filled in when the Process exists.
type procTable struct {
	p *Process

	mu sync.Mutex
	// cache keeps other processes' snapshots briefly: one open of a /proc
	// file looks its pid up several times; guarded by mu.
	cache map[int]cachedProc
}

type cachedProc struct {
	s  *procSnapshot
	at time.Time
}

func (t *procTable) Self() procfs.Process {
	if t.p == nil {
		return nil
	}
	return procView{t.p}
}

func (t *procTable) Lookup(pid int) procfs.Process {
	if t.p == nil {
		return nil
	}
	if pid == t.p.pid {
		return procView{t.p}
	}
	r := t.p.registry()
	if r == nil || pid <= 0 {
		return nil
	}
	h, ok := t.p.hostPidOf(pid)
	if !ok {
		return nil
	}
	if !r.Contains(h) {
		if z := zombie(r.Path(), h); z != nil {
			return remoteProc{z}
		}
		return nil
	}
	t.mu.Lock()
	c, ok := t.cache[pid]
	t.mu.Unlock()
	if ok && time.Since(c.at) < 100*time.Millisecond {
		return remoteProc{c.s}
	}
	s := fetchProc(r.Path(), pid)
	if s == nil {
		return nil
	}
	t.mu.Lock()
	if t.cache == nil {
		t.cache = map[int]cachedProc{}
	}
	t.cache[pid] = cachedProc{s, time.Now()}
	t.mu.Unlock()
	return remoteProc{s}
}

func (t *procTable) Pids() []int {
	if t.p == nil {
		return nil
	}
	pids := []int{t.p.pid}
	if r := t.p.registry(); r != nil {
		for _, h := range append(r.List(), zombies(r.Path())...) {
			if pid := t.p.guestPid(h); pid > 0 && pid != t.p.pid {
				pids = append(pids, pid)
			}
		}
		sort.Ints(pids)
	}
	return pids
}

// procView is a Process as /proc shows it.
type procView struct{ p *Process }

var _ procfs.CommSetter = procView{}

func (v procView) Pid() int            { return v.p.pid }
func (v procView) Creds() procfs.Creds { return v.p.creds().proc() }
func (v procView) Exe() string         { return v.p.exe }
func (v procView) Cwd() string         { return v.p.fs.root().Getcwd(v.p.fs.getCwd()) }
func (v procView) Root() string        { return "/" }
func (v procView) Mounts() []procfs.Mount {
	return procfs.MountsFromView(v.p.fs.root())
}

func (v procView) Limits() [abi.RLIM_NLIMITS]abi.Rlimit {
	v.p.rlim.mu.Lock()
	defer v.p.rlim.mu.Unlock()
	return v.p.rlim.lim
}

// TODO(sysemu): record the argument and environment areas at BuildStack
// and read them from guest memory (setproctitle rewrites them); record the
// auxv bytes there too.
// Cmdline and Environ read the live argument and environment areas of the
// stack, as Linux does (a program that rewrites its argv is seen so).
func (v procView) Cmdline() []byte { return v.p.readArea(v.p.stack.ArgStart, v.p.stack.ArgEnd) }
func (v procView) Environ() []byte { return v.p.readArea(v.p.stack.EnvStart, v.p.stack.EnvEnd) }
func (v procView) Auxv() []byte    { return v.p.stack.Auxv }

func (v procView) Status() procfs.Status {
	p := v.p
	st := procfs.Status{
		Comm:  taskComm(p, p.pid),
		PPid:  p.guestPid(hostPpid()),
		TPGid: -1,
		Umask: p.fs.getUmask(),
		Flags: 0x00400000, // PF_RANDOMIZE
		// TODO(sysemu): StartTime (record time.Now() in Start, minus the
		// host boot time) and the Layout from the loader.
		NoNewPrivs: p.noNewPrivs.Load(),
	}
	st.Pgrp, _ = unix.Getpgid(0)
	st.Session, _ = unix.Getsid(0)
	st.Pgrp, st.Session = p.guestPid(st.Pgrp), p.guestPid(st.Session)
	var ru unix.Rusage
	if unix.Getrusage(unix.RUSAGE_SELF, &ru) == nil {
		st.Utime = time.Duration(ru.Utime.Nano())
		st.Stime = time.Duration(ru.Stime.Nano())
		st.MinFlt, st.MajFlt = uint64(ru.Minflt), uint64(ru.Majflt)
	}
	p.sig.mu.Lock()
	st.ShdPnd = p.sig.pending.mask
	for sig := 1; sig <= abi.NSIG; sig++ {
		switch p.sig.actions[sig][0] {
		case abi.SIG_DFL:
		case abi.SIG_IGN:
			st.SigIgn |= 1 << (sig - 1)
		default:
			st.SigCgt |= 1 << (sig - 1)
		}
	}
	p.sig.mu.Unlock()
	return st
}

func (v procView) Threads() []procfs.Thread {
	p := v.p
	p.tmu.Lock()
	tasks := make([]*Task, 0, len(p.tasks))
	for _, t := range p.tasks {
		tasks = append(tasks, t)
	}
	p.tmu.Unlock()
	out := make([]procfs.Thread, 0, len(tasks))
	p.sig.mu.Lock()
	for _, t := range tasks {
		if t.gone {
			continue
		}
		th := procfs.Thread{TID: t.tid, Comm: taskComm(p, t.tid), State: 'R', SigBlk: t.sigmask, SigPnd: t.pending.mask}
		if t.tid == p.pid {
			out = append([]procfs.Thread{th}, out...)
		} else {
			out = append(out, th)
		}
	}
	p.sig.mu.Unlock()
	return out
}

// taskComm is a thread's name: PR_SET_NAME's, or the base name of the
// path the program was exec'd by ("sleep", not the "busybox" it links to).
func taskComm(p *Process, tid int) string {
	p.tmu.Lock()
	t := p.tasks[tid]
	p.tmu.Unlock()
	if t != nil && t.name[0] != 0 {
		if i := bytes.IndexByte(t.name[:], 0); i >= 0 {
			return string(t.name[:i])
		}
		return string(t.name[:15])
	}
	b := p.comm
	if b == "" {
		b = path.Base(p.exe)
	}
	if len(b) > 15 {
		b = b[:15]
	}
	return b
}

func (v procView) SetComm(tid int, name string) abi.Errno {
	p := v.p
	p.tmu.Lock()
	defer p.tmu.Unlock()
	t := p.tasks[tid]
	if t == nil {
		return abi.ESRCH
	}
	var b [16]byte
	copy(b[:15], name)
	t.name = b
	return 0
}

func (v procView) Maps() []procfs.Mapping {
	vmas := v.p.mm.VMAs()
	out := make([]procfs.Mapping, len(vmas))
	for i, m := range vmas {
		// TODO(sysemu): keep the file offset, dev and inode in mm.VMA.
		out[i] = procfs.Mapping{Start: m.Start, End: m.End, Prot: uint8(m.Prot), Shared: m.Shared, Name: m.Name}
	}
	return out
}

func (v procView) FDs() []procfs.FD {
	var out []procfs.FD
	for _, fd := range v.p.files.Fds() {
		f, ok := v.p.files.Get(fd)
		if !ok {
			continue
		}
		e := fdDesc(v.p, f)
		e.Num = fd
		if v.p.files.CloseOnExec(fd) {
			e.Flags |= abi.O_CLOEXEC
		}
		out = append(out, e)
	}
	return out
}

// netSocketInfo is implemented by sockets /proc/net lists: their Linux
// description (addresses as Linux sockaddrs, TCP state, inode, queues).
type netSocketInfo interface {
	netSocket() procfs.NetSocket
}

// NetSockets lists the process's open sockets for /proc/net (procfs
// keeps one line per inode).
func (v procView) NetSockets() []procfs.NetSocket {
	var out []procfs.NetSocket
	for _, fd := range v.p.files.Fds() {
		f, _ := v.p.files.Get(fd)
		if s, ok := f.(netSocketInfo); ok {
			ns := s.netSocket()
			ns.UID = v.p.creds().EUID // the creator's, as Linux's sock_i_uid
			out = append(out, ns)
		}
	}
	return out
}

// fdDesc describes an open file for /proc/<pid>/fd and fdinfo.
func fdDesc(p *Process, f File) procfs.FD {
	switch f := f.(type) {
	case *osFile:
		d := procfs.FD{Target: f.rf.Path(p.fs.root()), Flags: f.rf.Flags() &^ (abi.O_CREAT | abi.O_EXCL | abi.O_NOCTTY | abi.O_TRUNC | abi.O_CLOEXEC)}
		if st, e := f.rf.Stat(); e == 0 {
			d.Ino = st.Ino
		}
		if fd := f.rf.Fd(); fd >= 0 && !f.rf.IsDir() {
			if off, err := unix.Seek(fd, 0, 1); err == nil {
				d.Pos = off
			}
		}
		return d
	case *eventFile:
		return procfs.FD{Target: "anon_inode:[eventfd]", Flags: abi.O_RDWR}
	case *epollFile:
		return procfs.FD{Target: "anon_inode:[eventpoll]", Flags: abi.O_RDWR}
	case *memFile:
		return procfs.FD{Target: "/memfd:" + f.name + " (deleted)", Flags: abi.O_RDWR | abi.O_LARGEFILE}
	case *netlinkSocket:
		fl := abi.O_RDWR
		if f.isNonblock() {
			fl |= abi.O_NONBLOCK
		}
		return procfs.FD{Target: "socket:[" + strconv.FormatUint(f.ino, 10) + "]", Flags: fl, Ino: f.ino}
	case *hostSocket:
		var st unix.Stat_t
		unix.Fstat(f.fd, &st)
		return procfs.FD{Target: "socket:[" + strconv.FormatUint(st.Ino, 10) + "]", Ino: st.Ino,
			Flags: int(hostStatusFlags(f.fd, false, 0))}
	case *hostFile:
		var st unix.Stat_t
		if unix.Fstat(f.fd, &st) != nil {
			return procfs.FD{Target: "anon_inode:[unknown]"}
		}
		d := procfs.FD{Ino: st.Ino, Flags: int(hostStatusFlags(f.fd, false, 0))}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFIFO:
			d.Target = "pipe:[" + strconv.FormatUint(st.Ino, 10) + "]"
		case unix.S_IFSOCK:
			d.Target = "socket:[" + strconv.FormatUint(st.Ino, 10) + "]"
		default:
			// The caller's terminal or file: its host name is all we know.
			if n, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(f.fd)); err == nil {
				d.Target = n
			} else {
				d.Target = "/dev/tty"
			}
		}
		return d
	}
	return procfs.FD{Target: "anon_inode:[unknown]"}
}

// readArea reads guest memory [lo, hi), or nothing if it is gone.
func (p *Process) readArea(lo, hi uint64) []byte {
	if hi <= lo || hi-lo > 1<<20 {
		return nil
	}
	b := make([]byte, hi-lo)
	if p.mm.Memory().Read(lo, b) != nil {
		return nil
	}
	return b
}
