// Package sysemu is the Linux kernel ABI in Go: it runs a guest program's
// threads on vCPUs and services their syscalls on top of the host OS.
//
// The path of one syscall reads top to bottom: a vCPU exit (task.go) → the
// table by arm64 number (table.go) → the handler in its family file
// (sys_*.go) → abi conversion → the host call → the result in X0.
package sysemu

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/loader"
	"github.com/carrick-go/carrick/sysemu/mm"
	"github.com/carrick-go/carrick/sysemu/procfs"
	"github.com/carrick-go/carrick/vcpu"
)

// Config describes a program to start.
type Config struct {
	// Root is the host directory the guest sees as /; "" means the host's
	// own /. Mounts are bind mounts on top of it.
	Root   string
	Mounts []rootfs.Mount
	// ReadOnlyRoot makes Root read-only (mounts keep their own mode).
	ReadOnlyRoot bool
	// Lowers are read-only layer directories beneath Root, top first: Root
	// is then the writable upper of an overlay root (rootfs.Options.Lowers).
	// Every process of the tree gets the same.
	Lowers []string
	// Metadata selects where Linux metadata the host cannot hold lives.
	Metadata Metadata
	// Dir is the guest's initial working directory ("" means /).
	Dir  string
	Path string // the program: a guest path inside Root
	// Files are more guest fds (a child process's inherited ones); Umask,
	// Ignored (signals) and Mask carry over an exec.
	Files map[int]*os.File
	// Views are inherited files of the view: File is the host descriptor
	// (nil: Path is opened again with Flags).
	Views   map[int]InheritedView
	Umask   *uint32
	Ignored uint64
	Mask    uint64
	Argv    []string // argv[0] included
	Env     []string // KEY=VALUE
	Stdin   *os.File // guest fd 0
	Stdout  *os.File // guest fd 1
	Stderr  *os.File // guest fd 2
	// Shm is the host directory behind /dev/shm when a parent process made
	// it ("" makes a fresh one, removed at Close).
	Shm string
	// Registry is the process registry of the tree (registry.go) a parent
	// made; "" makes a fresh one, removed at Close.
	Registry string
	// PidPrivate starts a private pid namespace with this process as pid
	// 1; PidNS and Pid put a child in its parent's namespace with that
	// pid. Without either, guest pids are host pids.
	PidPrivate bool
	PidNS      string
	Pid        int
	Log        io.Writer // carrick's own diagnostics (stderr when nil)
	// Hostname is the guest's uname nodename ("" means the host's): a
	// container's own (config.json hostname), kept by its children.
	Hostname string
	// Rlimits, when set, are the process's resource limits instead of the
	// defaults (a container's; an exec keeps its parent's, as Linux does).
	Rlimits *[abi.RLIM_NLIMITS]abi.Rlimit
	// NoNewPrivs starts the process with PR_SET_NO_NEW_PRIVS set (kept
	// across exec and fork, as Linux does).
	NoNewPrivs bool
	// Creds are the user the process runs as (creds.go); nil is root.
	// Files it creates get its ids, and file permissions are checked for
	// it.
	Creds *Creds
}

// ExitStatus is how a guest process ended.
type ExitStatus struct {
	Code   int // exit code, when Signal is 0
	Signal int // the signal that killed it, or 0
}

// ShellCode is the status a shell would report: the code, or 128+signal.
func (s ExitStatus) ShellCode() int {
	if s.Signal != 0 {
		return 128 + s.Signal
	}
	return s.Code
}

// Process is one guest process: an address space, its threads, and its
// kernel state.
type Process struct {
	machine vcpu.Machine
	mm      *mm.MM
	pid     int // the guest's pid: hostPID, or the pid in ns
	hostPID int
	ns      *pidNS // a private pid namespace, or nil
	ownNS   bool
	log     io.Writer

	files *FDTable
	fs    *fsState
	shm   string // host directory behind /dev/shm
	// ownShm: this process made shm (the first of its tree) and removes it.
	ownShm bool
	// leaveTree takes the process off its registry and stops answering
	// /proc questions; the last one out removes the tree's directories.
	leaveTree func()
	cfg       Config // how the process was started: children inherit the view
	kids      children
	// vfork and parent are set in a vfork child until it execs or exits.
	vfork  *vforkState
	parent *Process
	stack  loader.StackLayout
	rlim   *rlimits
	exe    string        // guest path of the program, for /proc/self/exe
	comm   string        // the name exec gave it (the base of the path exec was given, links unresolved)
	epolls epollRegistry // its epoll instances (epoll.go)
	sig    signalState
	futex  futexTable
	frz    freezer // stops the other threads while fork copies memory
	conts  contPairs
	compat Compat

	sigreturn  uint64 // return address for handlers without SA_RESTORER
	nextTID    atomic.Int64
	noNewPrivs atomic.Bool // PR_SET_NO_NEW_PRIVS

	credMu sync.Mutex                  // serialises credential changes (changeCreds)
	cred   atomic.Pointer[Credentials] // creds.go

	// forkedNoExec: a fork child that has not called execve (its parent
	// may still setpgid it, sys_proc.go).
	forkedNoExec atomic.Bool

	tmu sync.Mutex
	// tasks are the live threads; guarded by tmu.
	tasks map[int]*Task

	running  sync.WaitGroup // task goroutines
	exitOnce sync.Once
	done     chan struct{} // closed when the process is exiting
	status   ExitStatus    // valid once done is closed
}

// Metadata selects where Linux ownership, modes and device nodes live.
type Metadata int

const (
	// MetadataAuto: the host file system when carrick runs as host root on
	// Linux, else user.carrick.* extended attributes (a non-root user, or
	// macOS, cannot chown or mknod).
	MetadataAuto Metadata = iota
	MetadataHost
	MetadataXattr
)

func metadataMode(m Metadata) rootfs.MetadataMode {
	switch m {
	case MetadataHost:
		return rootfs.MetadataHost
	case MetadataXattr:
		return rootfs.MetadataXattr
	}
	if os.Geteuid() == 0 && runtime.GOOS == "linux" {
		return rootfs.MetadataHost
	}
	return rootfs.MetadataXattr
}

// NewMachine creates a guest address space, with its memory, for a
// backend. The process closes both: the machine, then its memory.
type NewMachine func() (vcpu.Machine, error)

// Start loads the program and returns a process ready to Run.
func Start(cfg Config, newMachine NewMachine) (*Process, error) {
	p, err := newProcess(cfg, newMachine)
	if err != nil {
		return nil, err
	}
	f, argv, err := openProgram(p.fs.root(), p.fs.getCwd(), cfg.Path, cfg.Argv)
	if err != nil {
		return p.fail(err)
	}
	defer f.Close()
	p.exe = f.Path(p.fs.view)
	for sig := 1; sig <= abi.NSIG; sig++ {
		if cfg.Ignored&(1<<(sig-1)) != 0 {
			p.sig.actions[sig][0] = abi.SIG_IGN
		}
	}
	entry, err := p.loadImage(f, cfg.Path, argv, cfg.Env)
	if err != nil {
		return p.fail(err)
	}
	main := p.newTask(p.pid)
	main.sigmask = cfg.Mask &^ unblockable
	main.start = vcpu.Regs{SP: p.stack.SP, PC: entry}
	return p, nil
}

// joinTree lists the process in the registry of its process tree (made
// here for the first process) and answers /proc questions about it.
func (p *Process) joinTree(path string) error {
	var r *Registry
	var err error
	if path == "" {
		r, err = CreateRegistry()
	} else {
		r, err = OpenRegistry(path)
	}
	if err != nil {
		return fmt.Errorf("process registry: %w", err)
	}
	// It answers on its socket before others can see it listed, so a
	// signal sent as soon as it is listed keeps its siginfo.
	stop := p.serveProc(r.Path())
	leave, err := p.JoinRegistry(r)
	if err != nil {
		stop()
		if path == "" {
			r.Destroy()
		}
		return fmt.Errorf("process registry: %w", err)
	}
	os.Remove(startingPath(r, p.hostPID))
	p.leaveTree = func() {
		stop()
		if p.parent == nil {
			p.leaveZombie(r.Path(), waitStatus(p.status))
		}
		leave()
		if treeDone(r) || p.ns != nil && p.pid == 1 {
			// The last process of the tree (or a namespace's init, whose
			// exit kills the rest): the tree's shared directories go.
			r.Destroy()
			os.RemoveAll(p.shm)
			removeEtcDir(p.shm)
			if p.ns != nil {
				os.RemoveAll(p.ns.dir)
			}
		}
	}
	return nil
}

// newProcess makes a process with an empty address space, the file view,
// working directory, umask and fds of cfg, and no threads.
func newProcess(cfg Config, newMachine NewMachine) (*Process, error) {
	root := cfg.Root
	if root == "" {
		root = "/"
	}
	machine, err := newMachine()
	if err != nil {
		return nil, err
	}
	mem := machine.Memory()
	feat := machine.Features()
	// /dev/shm is one directory for a whole tree of guest processes: the
	// first one makes it, children are told its path.
	shm, ownShm := cfg.Shm, false
	if shm == "" {
		if shm, err = os.MkdirTemp("", "carrick-shm-"); err != nil {
			machine.Close()
			mem.Close()
			return nil, err
		}
		ownShm = true
		os.Chmod(shm, 0o777|os.ModeSticky) // drwxrwxrwt, like a tmpfs /dev/shm
	}
	// The name-service files the root and mounts lack (etc_files.go),
	// kept in cfg.Mounts so that the tree's other processes share them.
	etc, err := etcMounts(root, cfg.Mounts, cfg.Hostname, shm)
	if err != nil {
		machine.Close()
		mem.Close()
		if ownShm {
			os.RemoveAll(shm)
		}
		return nil, err
	}
	cfg.Mounts = append(cfg.Mounts[:len(cfg.Mounts):len(cfg.Mounts)], etc...)
	table := &procTable{}
	proc := procfs.NewProc(procfs.System{
		KernelRelease: KernelRelease, KernelVersion: KernelVersion,
		HWCAP: feat.HWCAP, HWCAP2: feat.HWCAP2,
	}, table)
	// The synthetic trees come first: a later mount at the same guest path
	// (-v X:/dev/shm) wins.
	mounts := append([]rootfs.Mount{
		// In the order of runc's default spec (mountinfo lists mounts in
		// the order they were made).
		{Guest: "/proc", Synthetic: proc},
		{Guest: "/dev", Synthetic: procfs.NewDev(procfs.DevConfig{})},
		{Guest: "/dev/shm", Host: shm},
		{Guest: "/sys", Synthetic: procfs.NewSys(proc.System())},
	}, cfg.Mounts...)
	p := &Process{
		machine: machine,
		shm:     shm,
		ownShm:  ownShm,
		mm:      mm.New(mem),
		pid:     os.Getpid(),
		log:     cfg.Log,
		cfg:     cfg,
		rlim:    defaultRlimits(),
		tasks:   map[int]*Task{},
		done:    make(chan struct{}),
		files:   newFDTable(),
	}
	if cfg.Rlimits != nil {
		p.rlim.lim = *cfg.Rlimits
	}
	p.noNewPrivs.Store(cfg.NoNewPrivs)
	p.files.rlim = p.rlim
	p.files.released = p.epolls.released
	p.hostPID = p.pid
	if err := p.enterPidNS(cfg); err != nil {
		p.fail(nil)
		return nil, err
	}
	view, err := rootfs.New(root, rootfs.Options{Mounts: mounts, Metadata: metadataMode(cfg.Metadata), ReadOnly: cfg.ReadOnlyRoot,
		Lowers: cfg.Lowers})
	if err != nil {
		p.fail(nil)
		return nil, err
	}
	p.fs = newFSState(view)
	p.setCreds(credentialsOf(cfg.Creds))
	table.p = p
	if p.log == nil {
		p.log = os.Stderr
	}
	p.nextTID.Store(int64(p.pid))
	if cfg.Dir != "" {
		d, e := view.OpenDir(view.Root(), cfg.Dir)
		if e != 0 {
			return p.fail(fmt.Errorf("working directory %s: %w", cfg.Dir, e))
		}
		p.fs.cwd = d
	}
	for fd, f := range []*os.File{cfg.Stdin, cfg.Stdout, cfg.Stderr} {
		if f != nil {
			p.files.Install(newHostFile(f, false), fd, false)
		}
	}
	for fd, f := range cfg.Files {
		p.files.Dup2File(inheritedFile(f), fd)
	}
	for fd, v := range cfg.Views {
		if f := p.inheritView(v); f != nil {
			p.files.Dup2File(f, fd)
		}
	}
	if cfg.Umask != nil {
		p.fs.umask = *cfg.Umask
	}
	return p, nil
}

// InheritedView is a file of the view a new program inherits.
type InheritedView struct {
	Path  string
	Flags int
	File  *os.File
}

// inheritView makes the file of an inherited view fd: the host descriptor
// adopted into this view, or the path opened again (a synthetic file). A
// file that cannot be had is left closed.
func (p *Process) inheritView(v InheritedView) File {
	view := p.fs.view
	if v.File == nil {
		rf, e := view.Open(view.Root(), v.Path, v.Flags&^(abi.O_CREAT|abi.O_EXCL|abi.O_TRUNC), 0)
		if e != 0 {
			return nil
		}
		return &osFile{rf: rf}
	}
	fd, err := dupCloexec(int(v.File.Fd()))
	v.File.Close()
	if err != nil {
		return nil
	}
	rf, e := view.Adopt(fd, v.Path, v.Flags)
	if e != 0 {
		unix.Close(fd)
		return nil
	}
	return &osFile{rf: rf}
}

// fail releases what newProcess made and returns err.
func (p *Process) fail(err error) (*Process, error) {
	if p.fs != nil {
		p.fs.close()
	}
	p.files.CloseAll()
	p.machine.Close()
	p.mm.Memory().Close()
	if p.ownShm {
		os.RemoveAll(p.shm)
		removeEtcDir(p.shm)
	}
	return nil, err
}

// Run runs the process until it exits and returns how it ended.
func (p *Process) Run() ExitStatus {
	// The process joins its tree only now: after the caller started
	// forwarding host signals, so a signal sent by another guest process
	// once it is listed reaches the guest (registry.go).
	if err := p.joinTree(p.cfg.Registry); err != nil {
		p.logf("carrick: %v\n", err)
	}
	p.tmu.Lock()
	main := p.tasks[p.pid]
	p.tmu.Unlock()
	p.running.Add(1)
	go main.run(nil)
	<-p.done
	// Let the threads finish their exit (robust mutexes marked owner-dead)
	// before the caller ends the host process, but not wait for one stuck
	// in a host call.
	ended := make(chan struct{})
	go func() {
		p.running.Wait()
		close(ended)
	}()
	select {
	case <-ended:
	case <-time.After(200 * time.Millisecond):
	}
	return p.status
}

// Close releases the process's address space, files and file view. It
// waits for every thread to stop, so call it after Run returned (or after
// exit for a process that never ran).
func (p *Process) Close() {
	p.exit(ExitStatus{Signal: abi.SIGKILL}) // no-op when already exited
	p.running.Wait()
	p.files.CloseAll()
	p.machine.Close()
	p.mm.Memory().Close()
	p.fs.close()
}

// Compat returns the record of what the guest asked for that carrick does
// not implement.
func (p *Process) Compat() *Compat { return &p.compat }

func (p *Process) newTask(tid int) *Task {
	t := &Task{p: p, tid: tid, wake: make(chan struct{}, 1), ended: make(chan struct{})}
	p.tmu.Lock()
	p.tasks[tid] = t
	p.tmu.Unlock()
	return t
}

// allocTID returns a fresh thread id (the namespace's next pid in a
// private pid namespace).
func (p *Process) allocTID() int {
	if p.ns != nil {
		if id, err := p.ns.alloc(); err == nil {
			return id
		}
	}
	return int(p.nextTID.Add(1))
}

// exit ends the process with st; later calls do nothing. Every thread is
// interrupted and stops at its next exit from the vCPU or blocking wait.
func (p *Process) exit(st ExitStatus) {
	p.exitOnce.Do(func() {
		if p.vfork != nil && !p.vfork.execed {
			p.vforkExit(st) // the parent sees a child that exited
		}
		p.status = st
		p.leavePidNS()
		if p.leaveTree != nil {
			p.leaveTree() // gone from the others' /proc and kill's reach
		}
		close(p.done)
		p.tmu.Lock()
		for _, t := range p.tasks {
			if c := t.cpu; c != nil {
				c.Interrupt()
			}
		}
		p.tmu.Unlock()
	})
}

func (p *Process) exiting() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Compat counts what the guest used that carrick does not implement: the
// data behind `--compat-report`.
type Compat struct {
	mu sync.Mutex
	// counts is keyed by "syscall:name", "ioctl:0x5401", "flag:…"; guarded by mu.
	counts map[string]int
}

// Record counts one use of an unimplemented feature.
func (c *Compat) Record(what string) {
	c.mu.Lock()
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	c.counts[what]++
	c.mu.Unlock()
}

// Entries returns the recorded features, sorted, with their counts.
func (c *Compat) Entries() []CompatEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]CompatEntry, 0, len(c.counts))
	for k, n := range c.counts {
		out = append(out, CompatEntry{What: k, Count: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].What < out[j].What })
	return out
}

// CompatEntry is one line of the compat report.
type CompatEntry struct {
	What  string `json:"what"`
	Count int    `json:"count"`
}

// loadImage loads the program open at f (and its ELF interpreter) into the
// empty address space, maps the vDSO and the sigreturn page, and builds the
// initial stack. It returns the entry point; the stack is in p.stack.
func (p *Process) loadImage(f *rootfs.File, execfn string, argv, env []string) (entry uint64, err error) {
	img, err := loader.Load(p.mm, fdReader(f.Fd()), mm.PIEBase)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", execfn, err)
	}
	entry, base := img.Entry, uint64(0)
	if img.Interp != "" {
		if base, entry, err = p.loadInterp(img.Interp); err != nil {
			return 0, fmt.Errorf("%s: %w", execfn, err)
		}
	}
	p.mm.SetBrk(img.End)
	if err := p.mapSignalPages(); err != nil {
		return 0, err
	}
	if len(argv) == 0 {
		argv = []string{execfn}
	}
	feat := p.machine.Features()
	stack, err := loader.BuildStack(p.mm, argv, env, loader.StackInfo{
		Image: img, Entry: img.Entry, Base: base, ExecFn: execfn,
		HWCAP: feat.HWCAP, HWCAP2: feat.HWCAP2, VDSO: mm.VDSOBase,
	})
	if err != nil {
		return 0, err
	}
	p.stack = stack
	p.exe = f.Path(p.fs.root())
	p.comm = path.Base(execfn)
	setHostComm(p.comm)
	return entry, nil
}

// ErrExecFormat is returned for a program the kernel would refuse with
// ENOEXEC: neither an ELF nor a #! script.
var ErrExecFormat = errors.New("exec format error")

// openProgram opens the program to execute, following #! lines as Linux's
// binfmt_script does: the interpreter runs with the optional argument, the
// script's path and the remaining arguments. It checks execute permission
// for the caller view acts for; read permission is not needed (the kernel
// reads the file, not the caller).
func openProgram(view *rootfs.FS, cwd *rootfs.Dir, path string, argv []string) (*rootfs.File, []string, error) {
	kernel := view.WithCred(nil)
	for depth := 0; ; depth++ {
		if e := view.Access(cwd, path, abi.X_OK, true); e != 0 {
			return nil, nil, fmt.Errorf("%s: %w", path, e)
		}
		f, e := kernel.Open(cwd, path, abi.O_RDONLY, 0)
		if e != 0 {
			return nil, nil, fmt.Errorf("%s: %w", path, e)
		}
		if f.IsDir() {
			f.Close()
			return nil, nil, fmt.Errorf("%s: %w", path, abi.EACCES)
		}
		var hdr [256]byte
		n, _ := unix.Pread(f.Fd(), hdr[:], 0)
		if n < 2 || hdr[0] != '#' || hdr[1] != '!' {
			return f, argv, nil
		}
		f.Close()
		if depth >= 4 {
			return nil, nil, fmt.Errorf("%s: %w (too many #! levels)", path, abi.ELOOP)
		}
		line := hdr[2:n]
		if i := bytes.IndexByte(line, '\n'); i >= 0 {
			line = line[:i]
		} else if n == len(hdr) {
			return nil, nil, fmt.Errorf("%s: #! line too long: %w", path, ErrExecFormat)
		}
		fields := strings.SplitN(strings.TrimLeft(string(line), " \t"), " ", 2)
		interp := strings.TrimRight(fields[0], " \t\r")
		if interp == "" {
			return nil, nil, fmt.Errorf("%s: empty #! line: %w", path, ErrExecFormat)
		}
		next := []string{interp}
		if len(fields) == 2 {
			if arg := strings.Trim(fields[1], " \t\r"); arg != "" {
				next = append(next, arg)
			}
		}
		next = append(next, path)
		if len(argv) > 1 {
			next = append(next, argv[1:]...)
		}
		path, argv = interp, next
	}
}

// loadInterp loads the program interpreter (ld.so) named by PT_INTERP,
// where top-down mmap placement puts it, as Linux does. It returns the load
// bias (AT_BASE) and the entry point.
func (p *Process) loadInterp(path string) (base, entry uint64, err error) {
	f, e := p.fs.view.Open(p.fs.view.Root(), path, abi.O_RDONLY, 0)
	if e != 0 {
		return 0, 0, fmt.Errorf("interpreter %s: %w", path, e)
	}
	defer f.Close()
	r := fdReader(f.Fd())
	lo, hi, err := loader.Span(r)
	if err != nil {
		return 0, 0, fmt.Errorf("interpreter %s: %w", path, err)
	}
	at, en := p.mm.Mmap(0, hi-lo, 0, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS)
	if en != 0 {
		return 0, 0, fmt.Errorf("interpreter %s: %w", path, en)
	}
	img, err := loader.Load(p.mm, r, at-lo)
	if err != nil {
		return 0, 0, fmt.Errorf("interpreter %s: %w", path, err)
	}
	if img.Interp != "" {
		return 0, 0, fmt.Errorf("interpreter %s has an interpreter itself", path)
	}
	return img.Bias, img.Entry, nil
}

// fdReader reads a host descriptor by offset without owning it.
type fdReader int

func (r fdReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := unix.Pread(int(r), p, off)
	if err == nil && n < len(p) {
		return n, io.EOF
	}
	return n, err
}

// logf writes one of carrick's own diagnostics.
func (p *Process) logf(format string, args ...any) { fmt.Fprintf(p.log, format, args...) }

// errno helpers for handlers.
func errno(e abi.Errno) uint64 { return e.Neg() }
