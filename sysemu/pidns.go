package sysemu

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// pidNS is a private pid namespace (`run-elf --pid private`, containers):
// the first process of a tree is pid 1, and every process and thread
// created in the tree gets the next number, as in a Linux pid namespace.
// The processes are separate host processes, so the namespace is a
// directory they share: "next" holds the next number (taken under an
// flock), and each live process has "g<guest>" → "<host pid> <start>" and
// "h<host pid>" → "<guest>". The start time keeps a stale entry from
// naming a later host process that reuses the pid.
//
// Inside carrick, a process in a namespace works in guest ids throughout
// (Process.pid, task ids, futex words, siginfo); ids are translated only
// where a host call takes or returns a pid: kill, wait, getppid, process
// groups.
type pidNS struct{ dir string }

// createPidNS makes a namespace whose first process will be pid 1.
func createPidNS() (*pidNS, error) {
	dir, err := os.MkdirTemp("", "carrick-pidns-")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dir, "next"), []byte("2\n"), 0o600); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &pidNS{dir: dir}, nil
}

// openPidNS joins the namespace at dir (a parent's).
func openPidNS(dir string) (*pidNS, error) {
	if _, err := os.Stat(filepath.Join(dir, "next")); err != nil {
		return nil, fmt.Errorf("pid namespace %s: %w", dir, err)
	}
	return &pidNS{dir: dir}, nil
}

// alloc takes the next pid of the namespace.
func (n *pidNS) alloc() (int, error) {
	f, err := os.OpenFile(filepath.Join(n.dir, "next"), os.O_RDWR, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		return 0, err
	}
	var b [32]byte
	k, _ := f.ReadAt(b[:], 0)
	next, err := strconv.Atoi(strings.TrimSpace(string(b[:k])))
	if err != nil || next < 2 {
		return 0, fmt.Errorf("pid namespace %s: bad counter %q", n.dir, b[:k])
	}
	if next >= 4194304 { // pid_max: wrap like Linux (skipping the low pids)
		next = 300
	}
	if _, err := f.WriteAt([]byte(fmt.Sprintf("%-12d\n", next+1)), 0); err != nil {
		return 0, err
	}
	return next, nil // the flock ends with Close
}

// bind records that guest pid g is host process h.
func (n *pidNS) bind(g, h int) error {
	_, start, ok := hostProcFacts(h)
	if !ok {
		return fmt.Errorf("pid namespace: process %d: %w", h, os.ErrNotExist)
	}
	if err := writeAtomic(filepath.Join(n.dir, "g"+strconv.Itoa(g)), fmt.Sprintf("%d %d\n", h, start)); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(n.dir, "h"+strconv.Itoa(h)), strconv.Itoa(g)+"\n")
}

// unbind drops guest pid g (host h) at its exit.
func (n *pidNS) unbind(g, h int) {
	os.Remove(filepath.Join(n.dir, "g"+strconv.Itoa(g)))
	os.Remove(filepath.Join(n.dir, "h"+strconv.Itoa(h)))
}

// host returns the host pid of guest pid g, if g is a live process.
func (n *pidNS) host(g int) (int, bool) {
	if g <= 0 {
		return 0, false
	}
	b, err := os.ReadFile(filepath.Join(n.dir, "g"+strconv.Itoa(g)))
	if err != nil {
		return 0, false
	}
	var h int
	var start uint64
	if _, err := fmt.Sscanf(string(b), "%d %d", &h, &start); err != nil {
		return 0, false
	}
	if _, s, ok := hostProcFacts(h); !ok || s != start {
		return 0, false
	}
	return h, true
}

// guest returns the guest pid of host process h, if it is in the namespace.
func (n *pidNS) guest(h int) (int, bool) {
	if h <= 0 {
		return 0, false
	}
	b, err := os.ReadFile(filepath.Join(n.dir, "h"+strconv.Itoa(h)))
	if err != nil {
		return 0, false
	}
	g, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, false
	}
	if hh, ok := n.host(g); !ok || hh != h {
		return 0, false
	}
	return g, true
}

// members lists the live processes of the namespace as guest → host.
func (n *pidNS) members() map[int]int {
	ents, err := os.ReadDir(n.dir)
	if err != nil {
		return nil
	}
	out := map[int]int{}
	for _, e := range ents {
		name := e.Name()
		if !strings.HasPrefix(name, "g") {
			continue
		}
		if g, err := strconv.Atoi(name[1:]); err == nil {
			if h, ok := n.host(g); ok {
				out[g] = h
			}
		}
	}
	return out
}

func writeAtomic(path, data string) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(data), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// enterPidNS puts a new process in the namespace cfg names (or a new one
// with it as pid 1).
func (p *Process) enterPidNS(cfg Config) error {
	var err error
	switch {
	case cfg.PidPrivate:
		if p.ns, err = createPidNS(); err != nil {
			return err
		}
		p.ownNS, p.pid = true, 1
		// Orphans of the tree become this process's host children, so
		// that pid 1 reaps them as init does in a Linux namespace.
		hostSubreaper()
	case cfg.PidNS != "":
		if p.ns, err = openPidNS(cfg.PidNS); err != nil {
			return err
		}
		if cfg.Pid <= 1 {
			return fmt.Errorf("pid namespace: child pid %d", cfg.Pid)
		}
		p.pid = cfg.Pid
	default:
		return nil
	}
	if err := p.ns.bind(p.pid, p.hostPID); err != nil {
		if p.ownNS {
			os.RemoveAll(p.ns.dir)
		}
		return err
	}
	if p.pid != 1 {
		p.watchInit()
	}
	return nil
}

// watchInit kills this host process when the namespace's pid 1 is gone,
// however it ended (kill -9 too): Linux kills a namespace with its init.
func (p *Process) watchInit() {
	h, ok := p.ns.host(1)
	if !ok {
		unix.Kill(os.Getpid(), unix.SIGKILL)
		return
	}
	fd, err := hostPidfd(h) // readable once h has exited
	if err != nil {
		return
	}
	go func() {
		defer unix.Close(fd)
		want := []hostWant{{fd: fd, events: unix.POLLIN}}
		for {
			rev, err := hostReady(want, -1)
			if rev[0] != 0 {
				// The whole namespace dies with its init: its shared
				// directories can go now (pid 1 may have had no chance).
				if r := p.registry(); r != nil {
					r.Destroy()
				}
				os.RemoveAll(p.shm)
				os.RemoveAll(p.ns.dir)
				unix.Kill(os.Getpid(), unix.SIGKILL)
				return
			}
			if err != nil && err != unix.EINTR {
				return
			}
		}
	}()
}

// leavePidNS runs as a process exits: when pid 1 exits, every other
// process of the namespace is killed, as Linux does. (A process keeps its
// pid until its parent reaps it: the reaper unbinds it, sys_wait.go.)
func (p *Process) leavePidNS() {
	if p.ns == nil || p.pid != 1 {
		return
	}
	for _, h := range p.ns.members() {
		if h != p.hostPID {
			unix.Kill(h, unix.SIGKILL)
		}
	}
}

// guestPid is the pid the guest sees for host process h: h itself without
// a namespace, 0 for a process outside the namespace (as Linux shows a
// parent outside it).
func (p *Process) guestPid(h int) int {
	if p.ns == nil || h <= 0 {
		return h
	}
	if h == p.hostPID {
		return p.pid
	}
	g, _ := p.ns.guest(h)
	return g
}

// reapedPid is guestPid for a child a host wait just reaped (the host
// process is gone, so the entry cannot be checked against it).
func (p *Process) reapedPid(h int) int {
	if p.ns == nil {
		return h
	}
	b, err := os.ReadFile(filepath.Join(p.ns.dir, "h"+strconv.Itoa(h)))
	if err != nil {
		return 0
	}
	g, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return g
}

// hostPidOf is the host process of guest pid g (false: no such process
// in the namespace).
func (p *Process) hostPidOf(g int) (int, bool) {
	if p.ns == nil {
		return g, g > 0
	}
	if g == p.pid {
		return p.hostPID, true
	}
	return p.ns.host(g)
}

// hostID is the host pid (or process group id) of guest id g: g itself
// without a pid namespace; in one, an id no host process has when g names
// no process of the namespace.
func (p *Process) hostID(g int) int {
	if h, ok := p.hostPidOf(g); ok {
		return h
	}
	return math.MaxInt32
}

// nsPath and nsPid are what a child needs to join the namespace.
func (p *Process) nsPath() string {
	if p.ns == nil {
		return ""
	}
	return p.ns.dir
}

// initIgnores reports whether this process, a namespace's pid 1, drops
// sig sent from inside its namespace: as Linux's init, it gets only the
// signals it has a handler for (SIGKILL and SIGSTOP included); signals
// from the host are delivered as to any process.
func (p *Process) initIgnores(sig int) bool {
	if p.ns == nil || p.pid != 1 || sig <= 0 || sig > abi.NSIG {
		return false
	}
	if sig == abi.SIGKILL || sig == 19 { // SIGSTOP
		return true
	}
	p.sig.mu.Lock()
	defer p.sig.mu.Unlock()
	return p.sig.actions[sig][0] == abi.SIG_DFL
}

// PidNSDir is the directory of the process's pid namespace ("" without
// one): another carrick process joins it with Config.PidNS and a pid from
// AllocPid (a container's exec).
func (p *Process) PidNSDir() string { return p.nsPath() }

// AllocPid takes the next pid of the namespace at dir, for a process that
// joins it from outside (Config.PidNS, Config.Pid).
func AllocPid(dir string) (int, error) {
	n, err := openPidNS(dir)
	if err != nil {
		return 0, err
	}
	return n.alloc()
}

// NSMembers lists the live processes of the pid namespace at dir as guest
// pid → host pid (a container's ps and kill --all).
func NSMembers(dir string) map[int]int { return (&pidNS{dir: dir}).members() }
