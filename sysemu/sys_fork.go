package sysemu

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/loader"
	"github.com/carrick-go/carrick/sysemu/mm"
	"github.com/carrick-go/carrick/vcpu"
)

// fork without fork(2) (docs/processes.md): the parent writes the pages
// the guest has touched into an anonymous host file, and starts its own
// executable in child mode with the rest of the process state as JSON and
// the guest's open files as inherited host descriptors. The child maps the
// same VMAs, reads the pages back, and resumes the calling thread with X0 =
// 0. The child is a host child of the parent, so the host's wait4 and ps
// see the real tree. Shared mappings (MAP_SHARED files, shared anonymous
// memory) are host files both sides map, so they stay shared.

// ForkState is the part of ChildSpec that makes the child a fork of its
// parent instead of a new program.
type ForkState struct {
	Regs     vcpu.Regs
	FP       vcpu.FPRegs
	Mask     uint64
	AltStack [3]uint64
	Actions  [abi.NSIG + 1][4]uint64
	Robust   uint64 // set_robust_list head of the forking thread
	ClearTID uint64 // CLONE_CHILD_CLEARTID
	SetTID   uint64 // CLONE_CHILD_SETTID
	Name     [16]byte

	VMAs     []ForkVMA
	Pages    []ForkPages
	PagesFD  int // the child's host fd of the page file
	BrkStart uint64
	Brk      uint64
	Stack    loader.StackLayout
	Exe      string
	Sigret   uint64

	Rlimits    [abi.RLIM_NLIMITS]abi.Rlimit
	Chroot     string // global guest path of / after chroot; "" for none
	NoNewPrivs bool
	Cred       Credentials // all of them: a fork keeps saved and file-system ids too
	Files      []ForkFile
}

// ForkVMA is one mapping of the parent.
type ForkVMA struct {
	Start, End uint64
	Prot       vcpu.Prot
	Name       string
	// Host is the child's fd of a shared mapping's file (-1 for private
	// memory) and Offset the file offset of Start.
	Host   int
	Offset int64
}

// ForkPages is a run of touched private pages at Addr, stored at Off in
// the page file.
type ForkPages struct {
	Addr, Len uint64
	Off       int64
}

// ForkFile is one open file description and the guest fds that refer to
// it (dup'd fds share one description, and so its offset).
type ForkFile struct {
	FDs     []int
	Cloexec []bool
	Host    int    // the child's host fd; -1 when Path is opened again
	Kind    string // "view" (a file of the view), "memfd", "host", "socket", or emulated
	Path    string // view: the global guest path; memfd: its name
	Flags   int    // view: the open flags
	Sock    *ForkSocket
	// Emulated is the state of an emulated file (Kind "epoll",
	// "eventfd", "timerfd" or "signalfd"), of which the child gets a
	// copy (fork_emulated.go).
	Emulated *ForkEmulated `json:",omitempty"`
}

// forkClone is clone without CLONE_VM: a new process with a copy of the
// caller's address space. It returns the child's pid.
func (t *Task) forkClone(flags, stack, ptid, tls, ctid uint64) uint64 {
	p := t.p
	name := t.name
	if name[0] == 0 {
		copy(name[:15], taskComm(p, t.tid)) // the child keeps the name
	}
	fs := &ForkState{Robust: t.robustList, Name: name, AltStack: t.altstack, Exe: p.exe,
		Stack: p.stack, Sigret: p.sigreturn, NoNewPrivs: p.noNewPrivs.Load(), Cred: *p.creds()}
	t.childRegs(&fs.Regs, &fs.FP, flags, stack, tls)
	if flags&abi.CLONE_CHILD_CLEARTID != 0 {
		fs.ClearTID = ctid
	}
	if flags&abi.CLONE_CHILD_SETTID != 0 {
		fs.SetTID = ctid
	}
	p.sig.mu.Lock()
	fs.Mask = t.sigmask
	fs.Actions = p.sig.actions
	p.sig.mu.Unlock()
	p.rlim.mu.Lock()
	fs.Rlimits = p.rlim.lim
	p.rlim.mu.Unlock()

	var extra []*os.File // the child's fds 4, 5, …
	defer func() {
		for _, f := range extra {
			f.Close()
		}
	}()
	pass := func(fd int, name string) int {
		dup, err := dupCloexec(fd)
		if err != nil {
			return -1
		}
		extra = append(extra, os.NewFile(uintptr(dup), name))
		return 3 + len(extra)
	}

	pages, err := anonFile("carrick-fork")
	if err != nil {
		return errno(abi.ENOMEM)
	}
	defer pages.Close()
	fs.PagesFD = pass(int(pages.Fd()), "pages")
	thaw := p.freezeOthers(t)
	fs.BrkStart, fs.Brk = p.mm.BrkRange()
	e := t.forkMemory(fs, pages, pass)
	thaw()
	if e != 0 {
		return errno(e)
	}
	t.forkFiles(fs, pass)

	cwd := p.fs.getCwd()
	p.fs.mu.Lock()
	if p.fs.cur != p.fs.view {
		fs.Chroot = p.fs.view.Getcwd(p.fs.cur.Root())
	}
	umask := p.fs.umask
	p.fs.mu.Unlock()
	spec := ChildSpec{Root: p.cfg.Root, Mounts: p.cfg.Mounts, Metadata: p.cfg.Metadata, ReadOnlyRoot: p.cfg.ReadOnlyRoot,
		Lowers: p.cfg.Lowers, Dir: p.fs.view.Getcwd(cwd), Umask: umask, Shm: p.shm, Registry: p.registryPath(), Fork: fs,
		Hostname: p.cfg.Hostname}
	if p.ns != nil {
		if spec.Pid, err = p.ns.alloc(); err != nil {
			return errno(abi.EAGAIN)
		}
		spec.PidNS = p.ns.dir
	}
	pid, err := startChild(&spec, extra, nil)
	if err != nil {
		p.logf("carrick: fork: %v\n", err)
		return errno(abi.EAGAIN)
	}
	p.adopted(pid)
	if p.ns != nil {
		p.ns.bind(spec.Pid, pid) // kill and wait work before the child binds itself
		pid = spec.Pid
	}
	if flags&abi.CLONE_PARENT_SETTID != 0 {
		t.writeU32(ptid, uint32(pid))
	}
	return uint64(pid)
}

// forkMemory records the VMAs and copies the touched private pages into
// the page file.
func (t *Task) forkMemory(fs *ForkState, pages *os.File, pass func(int, string) int) abi.Errno {
	mem := t.p.mm.Memory()
	off := int64(0)
	for _, v := range t.p.mm.VMAs() {
		fv := ForkVMA{Start: v.Start, End: v.End, Prot: v.Prot, Name: v.Name, Host: -1, Offset: v.Offset}
		if v.Backing != nil {
			if fv.Host = pass(int(v.Backing.Fd()), v.Name); fv.Host < 0 {
				return abi.ENOMEM
			}
			fs.VMAs = append(fs.VMAs, fv)
			continue
		}
		fs.VMAs = append(fs.VMAs, fv)
		var werr error
		err := mem.Resident(v.Start, v.End-v.Start, func(lo, hi uint64) {
			if werr != nil {
				return
			}
			werr = mem.Access(lo, hi-lo, false, func(host []byte) {
				_, werr = pwriteAll(int(pages.Fd()), host, off)
			})
			fs.Pages = append(fs.Pages, ForkPages{Addr: lo, Len: hi - lo, Off: off})
			off += int64(hi - lo)
		})
		if err != nil || werr != nil {
			t.p.logf("carrick: fork: copying memory: %v %v\n", err, werr)
			return abi.ENOMEM
		}
	}
	return 0
}

func pwriteAll(fd int, b []byte, off int64) (int, error) {
	done := 0
	for done < len(b) {
		n, err := unix.Pwrite(fd, b[done:], off+int64(done))
		if err != nil {
			if err == unix.EINTR {
				continue
			}
			return done, err
		}
		done += n
	}
	return done, nil
}

// forkFiles records the fd table: one entry per open file description.
// Emulated files (epoll, eventfd, timerfd, signalfd) go as their state,
// of which the child makes copies; other emulated objects are not
// inherited: the child does not have those fds.
func (t *Task) forkFiles(fs *ForkState, pass func(int, string) int) {
	ft := t.p.files
	ft.mu.Lock()
	byDesc := map[*int]*ForkFile{}
	fdOf := map[File]int{} // an fd of each file, for epoll items
	emulated := map[*ForkFile]File{}
	for fd, e := range ft.fds {
		fdOf[e.file] = fd
		ff := byDesc[e.refs]
		if ff == nil {
			ff = &ForkFile{Host: -1}
			switch f := e.file.(type) {
			case *osFile:
				ff.Kind, ff.Path, ff.Flags = "view", f.rf.GlobalPath(), f.rf.Flags()
				if f.rf.Fd() >= 0 {
					ff.Host = pass(f.rf.Fd(), ff.Path)
				}
			case *memFile:
				ff.Kind, ff.Path, ff.Host = "memfd", f.name, pass(f.fd, f.name)
			case *hostFile:
				ff.Kind, ff.Host = "host", pass(f.fd, "host")
			case *hostSocket:
				ff.Kind, ff.Host, ff.Sock = "socket", pass(f.fd, "socket"), f.forkState()
			default:
				if ff.Kind = forkEmulatedKind(e.file); ff.Kind == "" {
					t.p.compat.Record(fmt.Sprintf("fork: %T not inherited", e.file))
					continue
				}
				emulated[ff] = e.file
			}
			if ff.Kind != "view" && ff.Host < 0 && emulated[ff] == nil {
				continue
			}
			byDesc[e.refs] = ff
		}
		ff.FDs = append(ff.FDs, fd)
		ff.Cloexec = append(ff.Cloexec, e.cloexec)
	}
	ft.mu.Unlock()
	// Their locks are taken without the table's (a signalfd's readiness
	// takes the signal state's).
	for ff, f := range emulated {
		ff.Emulated = exportEmulated(f, fdOf)
	}
	for _, ff := range byDesc {
		fs.Files = append(fs.Files, *ff)
	}
}

// startChild starts carrick's child mode with spec on fd 3 and extra as
// fds 4, 5, …, and returns its pid; the guest parent reaps it with wait4.
// attr sets the child's process group or session (a vfork child's
// setpgid/setsid before its exec).
func startChild(spec *ChildSpec, extra []*os.File, attr *syscall.SysProcAttr) (int, error) {
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		return 0, err
	}
	cmd := exec.Command(self, ChildCommand)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.ExtraFiles = append([]*os.File{pr}, extra...)
	cmd.Env = os.Environ()
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		pr.Close()
		pw.Close()
		return 0, err
	}
	pr.Close()
	err = writeSpec(pw, spec)
	pw.Close()
	pid := cmd.Process.Pid
	cmd.Process.Release()
	if err != nil {
		unix.Kill(pid, unix.SIGKILL)
		return 0, err
	}
	return pid, nil
}

// StartForked makes the process a fork child from spec (carrick's child
// mode): the parent's address space, registers and kernel state, with the
// host fds the spec names inherited.
func StartForked(spec *ChildSpec, newMachine NewMachine) (*Process, error) {
	fs := spec.Fork
	umask := spec.Umask
	p, err := newProcess(Config{Root: spec.Root, Mounts: spec.Mounts, Metadata: spec.Metadata, ReadOnlyRoot: spec.ReadOnlyRoot,
		Lowers: spec.Lowers, Dir: spec.Dir, Umask: &umask, Shm: spec.Shm, Registry: spec.Registry,
		PidNS: spec.PidNS, Pid: spec.Pid, Hostname: spec.Hostname}, newMachine)
	if err != nil {
		return nil, err
	}
	file := func(fd int) (*os.File, error) {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); fd < 4 || err != nil {
			return nil, fmt.Errorf("fork: inherited fd %d missing", fd)
		}
		unix.CloseOnExec(fd)
		return os.NewFile(uintptr(fd), fmt.Sprintf("inherited-%d", fd)), nil
	}
	if fs.Chroot != "" {
		d, e := p.fs.view.OpenDir(p.fs.view.Root(), fs.Chroot)
		if e != 0 {
			return p.fail(fmt.Errorf("fork: chroot %s: %w", fs.Chroot, e))
		}
		nv, e := p.fs.view.Chroot(d)
		d.Close()
		if e != 0 {
			return p.fail(fmt.Errorf("fork: chroot %s: %w", fs.Chroot, e))
		}
		p.fs.chroot(nv)
	}
	cred := fs.Cred
	p.setCreds(&cred)
	for _, v := range fs.VMAs {
		vma := mm.VMA{Start: v.Start, End: v.End, Prot: v.Prot, Name: v.Name}
		if v.Host >= 0 {
			f, err := file(v.Host)
			if err != nil {
				return p.fail(err)
			}
			vma.Shared, vma.Backing, vma.Offset = true, f, v.Offset
		}
		if err := p.mm.Restore(vma); err != nil {
			return p.fail(fmt.Errorf("fork: %w", err))
		}
	}
	pf, err := file(fs.PagesFD)
	if err != nil {
		return p.fail(err)
	}
	// The touched pages are mapped privately from the page file: no copy
	// here, and the host shares them until either side writes.
	mem := p.mm.Memory()
	for _, r := range fs.Pages {
		prot, ok := mem.ProtAt(r.Addr)
		if !ok {
			return p.fail(fmt.Errorf("fork: pages at %#x outside the VMAs", r.Addr))
		}
		if err := mem.MapFile(r.Addr, r.Len, prot, int(pf.Fd()), r.Off, false); err != nil {
			return p.fail(fmt.Errorf("fork: restoring memory at %#x: %w", r.Addr, err))
		}
	}
	pf.Close()
	p.mm.SetBrkRange(fs.BrkStart, fs.Brk)
	p.stack, p.exe, p.sigreturn = fs.Stack, fs.Exe, fs.Sigret
	p.noNewPrivs.Store(fs.NoNewPrivs)
	p.rlim.lim = fs.Rlimits
	p.sig.actions = fs.Actions
	if err := p.adoptFiles(fs.Files, file); err != nil {
		return p.fail(err)
	}
	p.forkedNoExec.Store(true)
	main := p.newTask(p.pid)
	main.start = fs.Regs
	fp := fs.FP
	main.startFP = &fp
	main.sigmask = fs.Mask
	main.altstack = fs.AltStack
	main.robustList = fs.Robust
	main.clearTID = fs.ClearTID
	main.name = fs.Name
	if fs.SetTID != 0 {
		var b [4]byte
		b[0], b[1], b[2], b[3] = byte(p.pid), byte(p.pid>>8), byte(p.pid>>16), byte(p.pid>>24)
		mem.Write(fs.SetTID, b[:]) // a bad address is the guest's problem, as in Linux
	}
	return p, nil
}

// adoptFiles installs the inherited open file descriptions.
func (p *Process) adoptFiles(ffs []ForkFile, file func(int) (*os.File, error)) error {
	made := make([]File, len(ffs))
	for i, ff := range ffs {
		var f File
		switch ff.Kind {
		case forkEpoll, forkEventfd, forkTimerfd, forkSignalfd:
			if f = p.adoptEmulated(&ff); f == nil {
				continue
			}
		case "view":
			if ff.Host < 0 {
				rf, e := p.fs.view.Open(p.fs.view.Root(), ff.Path, ff.Flags&^(abi.O_CREAT|abi.O_EXCL|abi.O_TRUNC), 0)
				if e != 0 {
					continue // a synthetic file that is gone: the fd is closed
				}
				f = &osFile{rf: rf}
				break
			}
			h, err := file(ff.Host)
			if err != nil {
				return err
			}
			fd, err := dupCloexec(int(h.Fd()))
			h.Close()
			if err != nil {
				return err
			}
			rf, e := p.fs.view.Adopt(fd, ff.Path, ff.Flags)
			if e != 0 {
				unix.Close(fd)
				return fmt.Errorf("fork: fd of %s: %w", ff.Path, e)
			}
			f = &osFile{rf: rf}
		case "memfd":
			h, err := file(ff.Host)
			if err != nil {
				return err
			}
			f = &memFile{hostFile: newHostFile(h, true), name: ff.Path}
		case "socket":
			h, err := file(ff.Host)
			if err != nil {
				return err
			}
			fd, err := dupCloexec(int(h.Fd()))
			h.Close()
			if err != nil {
				return err
			}
			f = adoptSocket(fd, ff.Sock)
		default:
			h, err := file(ff.Host)
			if err != nil {
				return err
			}
			f = newHostFile(h, true)
		}
		p.files.installShared(f, ff.FDs, ff.Cloexec)
		made[i] = f
	}
	p.fillEpolls(ffs, made)
	return nil
}

// adopted notes a child just started in the registry directory until it
// joins (joinTree): the tree's directories stay while it starts, even if
// every other process exits meanwhile. (It is not a registry entry: a
// process joins once it forwards host signals, registry.go.)
func (p *Process) adopted(pid int) {
	if r := p.registry(); r != nil {
		os.WriteFile(startingPath(r, pid), nil, 0o600)
	}
}

func startingPath(r *Registry, pid int) string {
	return filepath.Join(r.Path(), "s"+strconv.Itoa(pid))
}

// treeDone reports whether no process of the tree is left, or starting.
func treeDone(r *Registry) bool {
	if len(r.List()) > 0 {
		return false
	}
	ents, _ := os.ReadDir(r.Path())
	for _, e := range ents {
		if pid, err := strconv.Atoi(strings.TrimPrefix(e.Name(), "s")); err == nil && strings.HasPrefix(e.Name(), "s") {
			if _, _, ok := hostProcFacts(pid); ok {
				return false
			}
		}
	}
	return true
}

// registryPath is the registry directory children join ("" if none).
func (p *Process) registryPath() string {
	if r := p.registry(); r != nil {
		return r.Path()
	}
	return ""
}
