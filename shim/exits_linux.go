package shim

import (
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"time"

	runc "github.com/containerd/go-runc"
	"golang.org/x/sys/unix"
)

// reaper is the Linux exit source: the shim is a child subreaper, so the
// container's processes, orphaned when carrick-runtime create or exec
// returns, become its children and wait4 gives their real status. The
// runtime's own commands are reaped by the same loop and handed to go-runc
// through the monitor, since a wait4(-1) would otherwise steal them.
type reaper struct {
	q    *exitQueue
	mu   sync.Mutex
	cmds map[int]chan runc.Exit
}

func newExitSource(q *exitQueue, subreaper bool) (exitSource, error) {
	if !subreaper {
		return recordWatcher{q}, nil
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return nil, err
	}
	r := &reaper{q: q, cmds: map[int]chan runc.Exit{}}
	ch := make(chan os.Signal, 32)
	signal.Notify(ch, unix.SIGCHLD)
	go func() {
		for range ch {
			r.reap()
		}
	}()
	return r, nil
}

func (r *reaper) reap() {
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if pid <= 0 || err != nil {
			return
		}
		status := ws.ExitStatus()
		if ws.Signaled() {
			status = 128 + int(ws.Signal())
		}
		now := time.Now()
		r.mu.Lock()
		if c, ok := r.cmds[pid]; ok {
			delete(r.cmds, pid)
			c <- runc.Exit{Pid: pid, Status: status, Timestamp: now}
		} else {
			r.q.push(exit{pid: pid, status: status, at: now})
		}
		r.mu.Unlock()
	}
}

func (r *reaper) monitor() runc.ProcessMonitor { return r }
func (r *reaper) watch(int, string, string)    {}

// Start starts a runtime command; the lock keeps its exit from being
// reaped before it is registered.
func (r *reaper) Start(c *exec.Cmd) (chan runc.Exit, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := c.Start(); err != nil {
		return nil, err
	}
	ch := make(chan runc.Exit, 1)
	r.cmds[c.Process.Pid] = ch
	return ch, nil
}

func (r *reaper) StartLocked(c *exec.Cmd) (chan runc.Exit, error) { return r.Start(c) }

// Wait returns the command's status; c.Wait only collects its I/O (the
// process itself was reaped already, so its error is expected).
func (r *reaper) Wait(c *exec.Cmd, ch chan runc.Exit) (int, error) {
	e := <-ch
	c.Wait()
	return e.Status, nil
}

// hostWaitGone waits until pid has exited, with a pidfd.
func hostWaitGone(pid int) {
	fd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return // already gone
	}
	defer unix.Close(fd)
	for {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if _, err := unix.Poll(fds, -1); err == nil || err != unix.EINTR {
			return
		}
	}
}
