package sysemu

import (
	"io"
	"os"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// hostFile is a guest fd backed by a host file descriptor.
type hostFile struct {
	f     *os.File // keeps the host fd alive
	fd    int
	owned bool // close the host file when the guest closes it
	// stream is set for pipes, terminals and sockets: reads and writes
	// that would block wait in poll(2) slices, so a signal or the
	// process's exit can interrupt them.
	stream bool
	// eagains counts the EAGAINs the guest got (edge-triggered epoll).
	eagains atomic.Uint64
	// pipeSize is a pipe's F_SETPIPE_SZ (0: Linux's default).
	pipeSize atomic.Uint64
}

func (h *hostFile) drains() uint64 { return h.eagains.Load() }

// newHostFile wraps a host file. Files the caller gave (stdio) stay open
// when the guest closes them.
func newHostFile(f *os.File, owned bool) *hostFile {
	fd := int(f.Fd())
	var st unix.Stat_t
	stream := unix.Fstat(fd, &st) == nil && st.Mode&unix.S_IFMT != unix.S_IFREG && st.Mode&unix.S_IFMT != unix.S_IFBLK
	return &hostFile{f: f, fd: fd, owned: owned, stream: stream}
}

// waitFD waits until fd is ready for events, interruptibly: errRestartSys
// (a restart, or EINTR, as the signal's action says) when a signal is
// pending for t or its process is exiting. A non-blocking fd never waits
// (the host call then says EAGAIN).
func (t *Task) waitFD(fd int, events int16) abi.Errno {
	want := []hostWant{{fd: fd, events: events}}
	if r, _ := hostReady(want, 0); r[0] != 0 {
		return 0
	}
	if nonblocking(fd) {
		return 0
	}
	for {
		if r, err := hostReady(want, 20*time.Millisecond); r[0] != 0 || (err != nil && err != unix.EINTR) {
			return 0
		}
		if t.p.exiting() {
			return errRestartSys
		}
		select {
		case <-t.wake:
			if t.signalPending() {
				return errRestartSys
			}
		default:
		}
	}
}

// nonblocking reports whether the host fd's description is O_NONBLOCK.
func nonblocking(fd int) bool {
	fl, err := unix.FcntlInt(uintptr(fd), unix.F_GETFL, 0)
	return err == nil && fl&unix.O_NONBLOCK != 0
}

func (h *hostFile) HostFD() int { return h.fd }

func (h *hostFile) Read(t *Task, p []byte) (int, abi.Errno) {
	if h.stream && t != nil {
		if e := t.waitFD(h.fd, unix.POLLIN); e != 0 {
			return 0, e
		}
	}
	n, err := hostRead(h.fd, p)
	if n > 0 || err == io.EOF {
		return n, 0
	}
	if err != nil {
		if err == unix.EAGAIN {
			h.eagains.Add(1)
		}
		return 0, hostErrno(err)
	}
	return n, 0
}

// streamChunk bounds one host write to a stream: poll's POLLOUT on a pipe
// promises room for PIPE_BUF bytes, no more, so a bigger write could block
// in the host where no signal reaches it.
const streamChunk = 4096

func (h *hostFile) Write(t *Task, p []byte) (int, abi.Errno) {
	if !h.stream || t == nil || nonblocking(h.fd) {
		return h.write(t, p)
	}
	// A blocking write to a stream goes in chunks, waiting interruptibly
	// for room before each; interrupted after some bytes, it returns
	// their count, as Linux's pipe_write does.
	done := 0
	for done < len(p) {
		if e := t.waitFD(h.fd, unix.POLLOUT); e != 0 {
			if done > 0 {
				return done, 0
			}
			return 0, e
		}
		n, e := h.write(t, p[done:min(len(p), done+streamChunk)])
		if e != 0 {
			if done > 0 {
				return done, 0
			}
			return 0, e
		}
		done += n
	}
	return done, 0
}

func (h *hostFile) write(t *Task, p []byte) (int, abi.Errno) {
	n, err := hostWrite(h.fd, p)
	if n == 0 && err != nil {
		if err == unix.EPIPE && t != nil {
			t.sigpipe()
		}
		if err == unix.EAGAIN {
			h.eagains.Add(1)
		}
		return 0, hostErrno(err)
	}
	return n, 0
}

// sigpipe sends SIGPIPE to the writing thread, as Linux does with EPIPE;
// carrick itself ignores the host's SIGPIPE (it writes with raw calls).
func (t *Task) sigpipe() {
	t.p.post(t, abi.SIGPIPE, sigInfo{code: abi.SI_USER, pid: uint32(t.p.pid)})
}

func (h *hostFile) Close() {
	if h.owned {
		h.f.Close()
	}
}

// hostRead and hostWrite call the host directly rather than through os.File:
// a guest writing to a closed pipe must see EPIPE, not have Go's runtime
// raise SIGPIPE on carrick itself.
func hostRead(fd int, b []byte) (int, error) {
	for {
		n, err := unix.Read(fd, b)
		if err != unix.EINTR {
			if n < 0 {
				n = 0
			}
			if n == 0 && err == nil {
				return 0, io.EOF
			}
			return n, err
		}
	}
}

func hostWrite(fd int, b []byte) (int, error) {
	for {
		n, err := unix.Write(fd, b)
		if err != unix.EINTR {
			if n < 0 {
				n = 0
			}
			return n, err
		}
	}
}

// statusFlags is F_GETFL/F_SETFL. A pipe or socket was not opened with
// open(2), so it has no O_LARGEFILE, as on Linux.
func (h *hostFile) statusFlags(t *Task, set bool, arg uint64) uint64 {
	r := hostStatusFlags(h.fd, set, arg)
	if set || int64(r) < 0 {
		return r
	}
	var st unix.Stat_t
	if unix.Fstat(h.fd, &st) == nil && (st.Mode&unix.S_IFMT == unix.S_IFIFO || st.Mode&unix.S_IFMT == unix.S_IFSOCK) {
		r &^= abi.O_LARGEFILE
	}
	return r
}
