package sysemu

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
)

// vfork + exec (posix_spawn, Go's os/exec, CPython's subprocess): the child
// runs on the parent's memory in this host process until it calls execve;
// carrick then starts the new program as a host child process (its own
// executable in child mode, docs/processes.md) and the parent's clone
// returns that process's pid. fork proper (a copy of the address space) is
// not implemented yet.

// ChildSpec is what a child-mode carrick needs to start a guest program:
// sent by the parent as JSON on the child's fd 3.
type ChildSpec struct {
	Root         string
	Mounts       []rootfs.Mount
	ReadOnlyRoot bool
	Lowers       []string // Config.Lowers
	Metadata     Metadata
	Dir          string
	Path         string
	Argv         []string
	Env          []string
	Umask        uint32
	// FDs maps guest fds to the child's inherited host fds (4, 5, …);
	// Views are those that are files of the view.
	FDs   map[int]int
	Views map[int]ViewFile
	// Ignored signals stay ignored across exec; Mask is the signal mask.
	Ignored uint64
	Mask    uint64
	// Shm is the parent's /dev/shm directory and Registry its process
	// registry: one of each for the process tree.
	Shm      string
	Registry string
	// PidNS and Pid place the child in the parent's pid namespace.
	PidNS string
	Pid   int
	// Hostname, Rlimits, NoNewPrivs and Creds carry over an exec
	// (Config's).
	Hostname   string
	Rlimits    *[abi.RLIM_NLIMITS]abi.Rlimit
	NoNewPrivs bool
	Creds      *Creds
	// Fork, when set, makes the child a copy of its parent (fork) instead
	// of a new program (vfork + exec).
	Fork *ForkState
}

// ViewFile is an inherited file of the view: its global guest path, open
// flags and the child's host fd (-1: open the path again).
type ViewFile struct {
	Path  string
	Flags int
	Host  int
}

// writeSpec sends spec to a child.
func writeSpec(w io.Writer, spec *ChildSpec) error { return json.NewEncoder(w).Encode(spec) }

// ChildCommand is the argument that puts carrick in child mode; the CLI
// registers it.
const ChildCommand = "internal-child"

// vforkState ties a vfork child to the parent waiting in clone.
type vforkState struct {
	done   chan int // the child's pid for the parent, once it exec'd or exited
	execed bool     // the child became a host process
}

// children are a process's child processes; zombies holds the statuses of
// vfork children that exited without exec (they never became host processes).
type children struct {
	mu sync.Mutex
	// zombies maps pid to wait status; guarded by mu.
	zombies map[int]uint32
}

// vforkClone starts a vfork child sharing the caller's memory and blocks
// until it execs or exits.
func (t *Task) vforkClone(flags, stack, tls uint64) uint64 {
	p := t.p
	cp := &Process{
		machine: p.machine, mm: p.mm, pid: p.allocTID(), hostPID: p.hostPID, ns: p.ns, log: p.log,
		files: p.files.clone(), fs: p.fs.clone(), rlim: p.rlim, exe: p.exe, stack: p.stack,
		shm: p.shm, cfg: p.cfg, sigreturn: p.sigreturn,
		tasks: map[int]*Task{}, done: make(chan struct{}),
		vfork: &vforkState{done: make(chan int, 1)}, parent: p,
	}
	cp.nextTID.Store(int64(cp.pid))
	cp.files.released = cp.epolls.released
	cp.cred.Store(p.creds()) // its own from now on: a set*id before exec is the child's
	p.sig.mu.Lock()
	cp.sig.actions = p.sig.actions
	p.sig.mu.Unlock()
	child := cp.newTask(cp.pid)
	var fp vcpu.FPRegs
	t.childRegs(&child.start, &fp, flags, stack, tls)
	child.startFP = &fp
	child.sigmask = t.sigmask
	ready := make(chan error, 1)
	cp.running.Add(1)
	go child.run(ready)
	if err := <-ready; err != nil {
		return errno(abi.EAGAIN)
	}
	// The parent sleeps until the child has exec'd or exited; a vfork
	// parent is not interruptible here (as Linux's TASK_KILLABLE wait).
	select {
	case pid := <-cp.vfork.done:
		return uint64(pid)
	case <-p.done:
		return errno(abi.EINTR)
	}
}

// clone copies an fd table (fork and vfork without CLONE_FILES).
func (t *FDTable) clone() *FDTable {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := &FDTable{fds: map[int]*fdEntry{}, rlim: t.rlim}
	for fd, e := range t.fds {
		*e.refs++
		n.fds[fd] = &fdEntry{file: e.file, cloexec: e.cloexec, refs: e.refs}
	}
	return n
}

// clone copies a file-system context (no CLONE_FS). The copy gets a
// working directory handle of its own: a chdir in the vfork child closes
// the copy's, which must not close the parent's.
func (s *fsState) clone() *fsState {
	s.mu.Lock()
	defer s.mu.Unlock()
	cwd := s.cwd
	if cwd != s.view.Root() && cwd != s.cur.Root() {
		if d, e := cwd.Dup(); e == 0 {
			cwd = d
		} else {
			cwd = s.cur.Root() // no descriptor left: the root, as a failed chdir would leave it
		}
	}
	return &fsState{view: s.view, cur: s.cur, cwd: cwd, umask: s.umask, cred: s.cred, bound: s.bound}
}

// spawnExec is execve in a vfork child: start the program as a host child
// process with the child's state, hand its pid to the parent, and end the
// vfork child. It returns an errno only before anything was started.
func (t *Task) spawnExec(path string, argv, env []string) abi.Errno {
	cp := t.p
	umask := cp.fs.getUmask()
	spec := ChildSpec{
		Root: cp.cfg.Root, Mounts: cp.cfg.Mounts, Metadata: cp.cfg.Metadata, ReadOnlyRoot: cp.cfg.ReadOnlyRoot,
		Lowers: cp.cfg.Lowers, Dir: cp.fs.root().Getcwd(cp.fs.getCwd()), Path: path, Argv: argv, Env: env,
		Umask: umask, FDs: map[int]int{}, Views: map[int]ViewFile{}, Mask: t.sigmask,
		Hostname: cp.cfg.Hostname, NoNewPrivs: cp.noNewPrivs.Load(), Creds: cp.creds().execCreds(),
	}
	lim := cp.rlim.lim
	spec.Rlimits = &lim
	cp.sig.mu.Lock()
	for sig := 1; sig <= abi.NSIG; sig++ {
		if cp.sig.actions[sig][0] == abi.SIG_IGN {
			spec.Ignored |= 1 << (sig - 1)
		}
	}
	cp.sig.mu.Unlock()
	cp.files.closeOnExec()
	var extra []*os.File
	cp.files.mu.Lock()
	for fd, e := range cp.files.fds {
		if of, ok := e.file.(*osFile); ok {
			// A file of the view stays one in the new program (its path
			// and flags go along); a synthetic one (/dev/null) has no host
			// descriptor and is opened again there.
			v := ViewFile{Path: of.rf.GlobalPath(), Flags: of.rf.Flags(), Host: -1}
			if of.rf.Fd() >= 0 {
				dup, err := dupCloexec(of.rf.Fd())
				if err != nil {
					continue
				}
				v.Host = 4 + len(extra)
				extra = append(extra, os.NewFile(uintptr(dup), fmt.Sprintf("guest-fd-%d", fd)))
			}
			spec.Views[fd] = v
			continue
		}
		h, ok := e.file.(hostPollable)
		if !ok || h.HostFD() < 0 {
			continue // emulated objects do not cross processes yet
		}
		dup, err := dupCloexec(h.HostFD())
		if err != nil {
			continue
		}
		spec.FDs[fd] = 4 + len(extra)
		extra = append(extra, os.NewFile(uintptr(dup), fmt.Sprintf("guest-fd-%d", fd)))
	}
	cp.files.mu.Unlock()
	defer func() {
		for _, f := range extra {
			f.Close()
		}
	}()
	spec.Shm, spec.Registry = cp.shm, cp.parent.registryPath()
	if cp.ns != nil {
		spec.PidNS, spec.Pid = cp.ns.dir, cp.pid
	}
	pid, err := startChild(&spec, extra, cp.spawnProcAttr())
	if err != nil {
		return abi.EAGAIN
	}
	cp.parent.adopted(pid)
	if cp.ns != nil {
		cp.ns.bind(cp.pid, pid) // kill and wait work before the child binds itself
		pid = cp.pid
	}
	cp.vfork.execed = true
	cp.files.CloseAll() // the new process has its own copies
	cp.fs.releaseCwd()
	cp.vfork.done <- pid
	cp.exit(ExitStatus{}) // the vfork child is gone from this host process
	return 0
}

// vforkExit is _exit in a vfork child that never exec'd: the parent gets
// the child's pid, and wait4 reports the status from the zombie record.
func (p *Process) vforkExit(st ExitStatus) {
	// Its fds close as at any exit: a pipe the parent reads (Python's
	// error pipe after a failed execve) must see EOF.
	p.files.CloseAll()
	p.fs.releaseCwd()
	pp := p.parent
	pp.kids.mu.Lock()
	if pp.kids.zombies == nil {
		pp.kids.zombies = map[int]uint32{}
	}
	pp.kids.zombies[p.pid] = waitStatus(st)
	pp.kids.mu.Unlock()
	pp.tellChild(zombieEvent(p.pid, waitStatus(st))) // its SIGCHLD, as any child's end
	select {
	case p.vfork.done <- p.pid:
	default:
	}
}
