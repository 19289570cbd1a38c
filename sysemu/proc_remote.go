package sysemu

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/procfs"
)

// Every guest process is a carrick host process that knows its own state,
// so each one answers the others on a Unix socket in its registry
// directory: /proc/<pid> of another guest process renders from the
// snapshot it sends (taken when the file is opened, like Linux's snapshot
// at open), and a signal from another guest process is posted through it
// with its siginfo, pending before the sender's kill returns.

// procSnapshot is one process's /proc state, as JSON on the socket.
type procSnapshot struct {
	Pid     int
	Creds   procfs.Creds
	Status  procfs.Status
	Threads []procfs.Thread
	Exe     string
	Cwd     string
	Root    string
	Cmdline []byte
	Environ []byte
	Auxv    []byte
	Maps    []procfs.Mapping
	FDs     []procfs.FD
	Limits  [abi.RLIM_NLIMITS]abi.Rlimit
	Mounts  []procfs.Mount
	// NetSockets are the open sockets, for /proc/net.
	NetSockets []procfs.NetSocket
}

func snapshotOf(v procView) *procSnapshot {
	return &procSnapshot{Pid: v.Pid(), Creds: v.Creds(), Status: v.Status(), Threads: v.Threads(),
		Exe: v.Exe(), Cwd: v.Cwd(), Root: v.Root(), Cmdline: v.Cmdline(), Environ: v.Environ(),
		Auxv: v.Auxv(), Maps: v.Maps(), FDs: v.FDs(), Limits: v.Limits(), Mounts: v.Mounts(),
		NetSockets: v.NetSockets()}
}

// remoteProc is another process's snapshot as a procfs.Process.
type remoteProc struct{ s *procSnapshot }

func (r remoteProc) Pid() int                             { return r.s.Pid }
func (r remoteProc) Creds() procfs.Creds                  { return r.s.Creds }
func (r remoteProc) Status() procfs.Status                { return r.s.Status }
func (r remoteProc) Threads() []procfs.Thread             { return r.s.Threads }
func (r remoteProc) Exe() string                          { return r.s.Exe }
func (r remoteProc) Cwd() string                          { return r.s.Cwd }
func (r remoteProc) Root() string                         { return r.s.Root }
func (r remoteProc) Cmdline() []byte                      { return r.s.Cmdline }
func (r remoteProc) Environ() []byte                      { return r.s.Environ }
func (r remoteProc) Auxv() []byte                         { return r.s.Auxv }
func (r remoteProc) Maps() []procfs.Mapping               { return r.s.Maps }
func (r remoteProc) FDs() []procfs.FD                     { return r.s.FDs }
func (r remoteProc) Limits() [abi.RLIM_NLIMITS]abi.Rlimit { return r.s.Limits }
func (r remoteProc) Mounts() []procfs.Mount               { return r.s.Mounts }
func (r remoteProc) NetSockets() []procfs.NetSocket       { return r.s.NetSockets }

func procSocket(dir string, pid int) string {
	return filepath.Join(dir, strconv.Itoa(pid)+".proc")
}

// serveProc answers other processes on its socket in dir until stop: a
// /proc snapshot, or a signal to post (sendSignal). Each connection makes
// one request, a JSON line.
func (p *Process) serveProc(dir string) (stop func()) {
	path := procSocket(dir, p.pid)
	os.Remove(path)
	l, err := net.Listen("unix", path)
	if err != nil {
		return func() {} // /proc/<pid> of this process is then missing for others
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go p.answer(c)
		}
	}()
	return func() {
		l.Close()
		os.Remove(path)
	}
}

// procRequest is one request on a process's socket.
type procRequest struct {
	Op string // "proc" or "signal"
	// A signal: its number and siginfo (sender's pid in the receiver's
	// namespace, uid, si_code, si_value).
	Sig   int
	Code  int32
	Pid   uint32
	Uid   uint32
	Value uint64
	Raw   []byte // the union as a sender's rt_sigqueueinfo gave it
	// Pgid is the host process group a parent's setpgid puts the process in.
	Pgid int
}

func (p *Process) answer(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	var req procRequest
	if json.NewDecoder(c).Decode(&req) != nil {
		return
	}
	switch req.Op {
	case "proc":
		json.NewEncoder(c).Encode(snapshotOf(procView{p}))
	case "setpgid":
		// The parent's setpgid of a child that has not exec'd (the host
		// refuses it: as far as it knows the child exec'd carrick).
		e := abi.EACCES
		if p.forkedNoExec.Load() {
			e = 0
			if err := unix.Setpgid(0, req.Pgid); err != nil {
				e = procErrno(err)
			}
		}
		json.NewEncoder(c).Encode(int(e))
	case "signal":
		var e abi.Errno = abi.EINVAL
		if p.initIgnores(req.Sig) {
			json.NewEncoder(c).Encode(0)
			return
		}
		if req.Sig == abi.SIGKILL {
			json.NewEncoder(c).Encode(0)
			p.exit(ExitStatus{Signal: abi.SIGKILL})
			return
		}
		if req.Sig == 18 && p.conts.claim(true) { // SIGCONT: the host's half was posted
			json.NewEncoder(c).Encode(0)
			return
		}
		if req.Sig > 0 && req.Sig <= abi.NSIG {
			si := sigInfo{code: req.Code, pid: req.Pid, uid: req.Uid, value: req.Value}
			if len(req.Raw) > 0 {
				si.raw = new([abi.SizeofKernelSiginfo - abi.OffsetofSifields]byte)
				copy(si.raw[:], req.Raw)
			}
			e = p.post(nil, req.Sig, si)
		}
		json.NewEncoder(c).Encode(int(e))
	}
}

// sendSignal posts sig with si to guest process pid (of the same tree)
// through its socket: the signal is pending there when this returns, with
// its siginfo, as Linux's kill gives. ok is false when the process does not
// answer (not serving yet, or gone): the caller falls back to the host's
// kill. A process that is stopped gets the request when it continues.
func sendSignal(dir string, pid, sig int, si sigInfo) (e abi.Errno, ok bool) {
	c, err := net.DialTimeout("unix", procSocket(dir, pid), time.Second)
	if err != nil {
		return 0, false
	}
	defer c.Close()
	req := procRequest{Op: "signal", Sig: sig, Code: si.code, Pid: si.pid, Uid: si.uid, Value: si.value}
	if si.raw != nil {
		req.Raw = si.raw[:]
	}
	c.SetDeadline(time.Now().Add(time.Second))
	if json.NewEncoder(c).Encode(&req) != nil {
		return 0, false
	}
	c.SetDeadline(time.Now().Add(200 * time.Millisecond))
	var reply int
	if json.NewDecoder(c).Decode(&reply) != nil {
		return 0, true // sent; a stopped receiver takes it when it runs again
	}
	return abi.Errno(reply), true
}

// fetchProc asks the process pid in dir for its snapshot.
func fetchProc(dir string, pid int) *procSnapshot {
	c, err := net.DialTimeout("unix", procSocket(dir, pid), time.Second)
	if err != nil {
		return nil
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if json.NewEncoder(c).Encode(&procRequest{Op: "proc"}) != nil {
		return nil
	}
	var s procSnapshot
	if json.NewDecoder(c).Decode(&s) != nil || s.Pid != pid {
		return nil
	}
	return &s
}

// askKill asks guest process pid to die of SIGKILL (sys_kill.go) and
// reports whether it agreed in time.
func askKill(dir string, pid int) bool {
	c, err := net.DialTimeout("unix", procSocket(dir, pid), 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(200 * time.Millisecond))
	if json.NewEncoder(c).Encode(&procRequest{Op: "signal", Sig: abi.SIGKILL}) != nil {
		return false
	}
	var reply int
	return json.NewDecoder(c).Decode(&reply) == nil && reply == 0
}

// askSetpgid asks guest process pid, a fork child, to join host process
// group pgid (0: its own). ok is false when it does not answer.
func askSetpgid(dir string, pid, pgid int) (e abi.Errno, ok bool) {
	c, err := net.DialTimeout("unix", procSocket(dir, pid), time.Second)
	if err != nil {
		return 0, false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(time.Second))
	if json.NewEncoder(c).Encode(&procRequest{Op: "setpgid", Pgid: pgid}) != nil {
		return 0, false
	}
	var reply int
	if json.NewDecoder(c).Decode(&reply) != nil {
		return 0, false
	}
	return abi.Errno(reply), true
}

// A process that exited but is not reaped yet stays in /proc as a zombie
// (state Z), as on Linux: at exit it leaves a last snapshot, its name and
// ids only, in the registry directory; the reaper removes it.

func zombiePath(dir string, hostPid int) string {
	return filepath.Join(dir, "z"+strconv.Itoa(hostPid))
}

// leaveZombie writes the process's zombie snapshot (at its exit).
func (p *Process) leaveZombie(dir string, code uint32) {
	v := procView{p}
	st := v.Status()
	st.ExitCode = int(code)
	th := procfs.Thread{TID: p.pid, Comm: st.Comm, State: 'Z'}
	z := procSnapshot{Pid: p.pid, Creds: v.Creds(), Status: st, Threads: []procfs.Thread{th}, Limits: v.Limits()}
	b, err := json.Marshal(&z)
	if err == nil {
		writeAtomic(zombiePath(dir, p.hostPID), string(b))
	}
}

// zombie returns the snapshot of host process h if it is a zombie.
func zombie(dir string, h int) *procSnapshot {
	b, err := os.ReadFile(zombiePath(dir, h))
	if err != nil || !hostProcZombie(h) {
		return nil
	}
	var s procSnapshot
	if json.Unmarshal(b, &s) != nil {
		return nil
	}
	return &s
}

// zombies lists the host pids of the tree's zombies.
func zombies(dir string) []int {
	ents, _ := os.ReadDir(dir)
	var out []int
	for _, e := range ents {
		if n := e.Name(); strings.HasPrefix(n, "z") {
			if h, err := strconv.Atoi(n[1:]); err == nil && hostProcZombie(h) {
				out = append(out, h)
			}
		}
	}
	return out
}
