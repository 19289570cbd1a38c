package sysemu

import (
	"slices"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// File is an open file description as the guest's fds refer to it: a host
// file, or an object carrick emulates (eventfd, epoll, …) the same way on
// every host.
type File interface {
	// Read reads into p; it may block (interruptibly, see Task.wake).
	Read(t *Task, p []byte) (int, abi.Errno)
	// Write writes p.
	Write(t *Task, p []byte) (int, abi.Errno)
	// Close releases the description when its last fd closes.
	Close()
}

// Readiness events (EPOLL*/POLL* bits, the same values in both ABIs).
const (
	evIn    = 0x001
	evPri   = 0x002
	evOut   = 0x004
	evErr   = 0x008
	evHup   = 0x010
	evRdHup = 0x2000
)

// pollable is implemented by emulated files whose readiness carrick knows:
// Ready reports the current events and a generation that changes whenever
// they may have; Subscribe registers a channel that gets a token on every
// change.
type pollable interface {
	Ready() (events uint32, gen uint64)
	Subscribe(ch chan struct{})
	Unsubscribe(ch chan struct{})
}

// hostPollable is implemented by host-backed files: readiness is the host's.
type hostPollable interface {
	HostFD() int
}

// notifier is the subscription list embedded by pollable files.
type notifier struct {
	mu   sync.Mutex
	subs map[chan struct{}]struct{}
	gen  uint64
}

func (n *notifier) Subscribe(ch chan struct{}) {
	n.mu.Lock()
	if n.subs == nil {
		n.subs = map[chan struct{}]struct{}{}
	}
	n.subs[ch] = struct{}{}
	n.mu.Unlock()
}

func (n *notifier) Unsubscribe(ch chan struct{}) {
	n.mu.Lock()
	delete(n.subs, ch)
	n.mu.Unlock()
}

// changed bumps the generation and wakes subscribers.
func (n *notifier) changed() {
	n.mu.Lock()
	n.gen++
	for ch := range n.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
	n.mu.Unlock()
}

func (n *notifier) generation() uint64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.gen
}

// FDTable is a process's file descriptor table.
type FDTable struct {
	mu sync.Mutex
	// fds maps guest fds to open files; guarded by mu.
	fds map[int]*fdEntry
	// rlim holds RLIMIT_NOFILE, the bound of new fds (nil: the default).
	rlim *rlimits
	// released is told of a file whose last fd closed (epoll interest).
	released func(File)
}

// release closes f, whose last fd is gone.
func (t *FDTable) release(f File) {
	f.Close()
	if t.released != nil {
		t.released(f)
	}
}

type fdEntry struct {
	file    File
	cloexec bool
	refs    *int // descriptions shared by dup count their fds
}

func newFDTable() *FDTable { return &FDTable{fds: map[int]*fdEntry{}} }

// defaultNofile is RLIMIT_NOFILE's default soft limit, as a login shell
// has it; fdCeiling bounds the hard one (Linux's default fs.nr_open).
const (
	defaultNofile = 1024
	fdCeiling     = 1 << 20
)

// limit is the current RLIMIT_NOFILE: new fds are below it.
func (t *FDTable) limit() int {
	if t.rlim == nil {
		return defaultNofile
	}
	t.rlim.mu.Lock()
	defer t.rlim.mu.Unlock()
	return int(min(t.rlim.lim[abi.RLIMIT_NOFILE].Cur, fdCeiling))
}

// Limit is the current RLIMIT_NOFILE of the table's process.
func (t *FDTable) Limit() int { return t.limit() }

// Fds lists the open fds in ascending order.
func (t *FDTable) Fds() []int {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]int, 0, len(t.fds))
	for fd := range t.fds {
		out = append(out, fd)
	}
	slices.Sort(out)
	return out
}

// Install puts f at the lowest free fd >= min and returns it.
func (t *FDTable) Install(f File, min int, cloexec bool) (int, abi.Errno) {
	lim := t.limit()
	t.mu.Lock()
	defer t.mu.Unlock()
	for fd := min; fd < lim; fd++ {
		if _, used := t.fds[fd]; !used {
			n := 1
			t.fds[fd] = &fdEntry{file: f, cloexec: cloexec, refs: &n}
			return fd, 0
		}
	}
	return -1, abi.EMFILE
}

// Get returns the file behind a guest fd.
func (t *FDTable) Get(fd int) (File, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.fds[fd]
	if !ok {
		return nil, false
	}
	return e.file, true
}

// Close removes fd, closing its file when no other fd refers to it.
func (t *FDTable) Close(fd int) bool {
	t.mu.Lock()
	e, ok := t.fds[fd]
	delete(t.fds, fd)
	last := false
	if ok {
		*e.refs--
		last = *e.refs == 0
	}
	t.mu.Unlock()
	if last {
		t.release(e.file)
	}
	return ok
}

// CloseOnExec reports fd's FD_CLOEXEC flag.
func (t *FDTable) CloseOnExec(fd int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.fds[fd]
	return ok && e.cloexec
}

// SetCloseOnExec sets or clears fd's FD_CLOEXEC flag.
func (t *FDTable) SetCloseOnExec(fd int, on bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if e, ok := t.fds[fd]; ok {
		e.cloexec = on
	}
}

// Dup makes another fd for old's file: at exactly newfd when newfd >= 0
// (closing what was there, as dup2/dup3), else at the lowest free fd >= min.
func (t *FDTable) Dup(old, newfd, min int, cloexec bool) (int, abi.Errno) {
	lim := t.limit()
	t.mu.Lock()
	e, ok := t.fds[old]
	if !ok {
		t.mu.Unlock()
		return -1, abi.EBADF
	}
	fd := newfd
	if fd < 0 {
		for fd = min; fd < lim; fd++ {
			if _, used := t.fds[fd]; !used {
				break
			}
		}
		if fd >= lim {
			t.mu.Unlock()
			return -1, abi.EMFILE
		}
	}
	prev := t.fds[fd]
	*e.refs++
	t.fds[fd] = &fdEntry{file: e.file, cloexec: cloexec, refs: e.refs}
	var closeFile File
	if prev != nil {
		*prev.refs--
		if *prev.refs == 0 {
			closeFile = prev.file
		}
	}
	t.mu.Unlock()
	if closeFile != nil {
		t.release(closeFile)
	}
	return fd, 0
}

// CloseAll closes every fd (process teardown).
func (t *FDTable) CloseAll() {
	t.mu.Lock()
	fds := make([]int, 0, len(t.fds))
	for fd := range t.fds {
		fds = append(fds, fd)
	}
	t.mu.Unlock()
	for _, fd := range fds {
		t.Close(fd)
	}
}

// closeOnExec closes the fds marked FD_CLOEXEC (execve).
func (t *FDTable) closeOnExec() {
	t.mu.Lock()
	var fds []int
	for fd, e := range t.fds {
		if e.cloexec {
			fds = append(fds, fd)
		}
	}
	t.mu.Unlock()
	for _, fd := range fds {
		t.Close(fd)
	}
}

// Dup2File installs f at exactly fd, replacing what was there.
func (t *FDTable) Dup2File(f File, fd int) {
	t.mu.Lock()
	prev := t.fds[fd]
	n := 1
	t.fds[fd] = &fdEntry{file: f, refs: &n}
	var closeFile File
	if prev != nil {
		*prev.refs--
		if *prev.refs == 0 {
			closeFile = prev.file
		}
	}
	t.mu.Unlock()
	if closeFile != nil {
		t.release(closeFile)
	}
}

// installShared puts one open file description at several fds (a fork
// child's inherited table), replacing what is there.
func (t *FDTable) installShared(f File, fds []int, cloexec []bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := len(fds)
	for i, fd := range fds {
		t.fds[fd] = &fdEntry{file: f, cloexec: cloexec[i], refs: &n}
	}
}

// dupCloexec duplicates a host fd close-on-exec in one step: a copy that
// leaked into a child carrick would keep a pipe open that the guest closed.
func dupCloexec(fd int) (int, error) { return unix.FcntlInt(uintptr(fd), unix.F_DUPFD_CLOEXEC, 0) }

// hostPipe makes a host pipe whose ends are close-on-exec before any child
// carrick can be started (darwin has no pipe2: syscall.ForkLock orders it
// with os/exec's fork).
func hostPipe(p *[2]int) error {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	if err := unix.Pipe(p[:]); err != nil {
		return err
	}
	unix.CloseOnExec(p[0])
	unix.CloseOnExec(p[1])
	return nil
}

// nonblockFlag is the O_NONBLOCK status flag of an emulated file, the one
// flag fcntl(F_SETFL) can change on it; F_GETFL reports O_RDWR with it.
type nonblockFlag struct{ on atomic.Bool }

func (n *nonblockFlag) isNonblock() bool { return n.on.Load() }

func (n *nonblockFlag) statusFlags(t *Task, set bool, arg uint64) uint64 {
	if set {
		n.on.Store(arg&abi.O_NONBLOCK != 0)
		return 0
	}
	fl := uint64(abi.O_RDWR)
	if n.on.Load() {
		fl |= abi.O_NONBLOCK
	}
	return fl
}
