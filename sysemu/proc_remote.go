package sysemu

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/procfs"
)

// /proc/<pid> of another guest process: every guest process is a carrick
// host process that knows its own state, so each one answers questions
// about itself on a Unix socket in its registry directory, and /proc in
// another process renders from the answer. The answer is taken when the
// file is opened, like Linux's snapshot at open.

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
}

func snapshotOf(v procView) *procSnapshot {
	return &procSnapshot{Pid: v.Pid(), Creds: v.Creds(), Status: v.Status(), Threads: v.Threads(),
		Exe: v.Exe(), Cwd: v.Cwd(), Root: v.Root(), Cmdline: v.Cmdline(), Environ: v.Environ(),
		Auxv: v.Auxv(), Maps: v.Maps(), FDs: v.FDs(), Limits: v.Limits(), Mounts: v.Mounts()}
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

func procSocket(dir string, pid int) string {
	return filepath.Join(dir, strconv.Itoa(pid)+".proc")
}

// serveProc answers /proc questions about p on its socket in dir; stop
// ends it. Each connection gets one snapshot.
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
			c.SetDeadline(time.Now().Add(2 * time.Second))
			json.NewEncoder(c).Encode(snapshotOf(procView{p}))
			c.Close()
		}
	}()
	return func() {
		l.Close()
		os.Remove(path)
	}
}

// fetchProc asks the process pid in dir for its snapshot.
func fetchProc(dir string, pid int) *procSnapshot {
	c, err := net.DialTimeout("unix", procSocket(dir, pid), time.Second)
	if err != nil {
		return nil
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	var s procSnapshot
	if json.NewDecoder(c).Decode(&s) != nil || s.Pid != pid {
		return nil
	}
	return &s
}
