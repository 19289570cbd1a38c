package sysemu

import (
	"io"
	"os"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// hostFile is a guest fd backed by a host file descriptor.
type hostFile struct {
	f     *os.File // keeps the host fd alive
	fd    int
	owned bool // close the host file when the guest closes it
}

// newHostFile wraps a host file. Files the caller gave (stdio) stay open
// when the guest closes them.
func newHostFile(f *os.File, owned bool) *hostFile {
	return &hostFile{f: f, fd: int(f.Fd()), owned: owned}
}

func (h *hostFile) HostFD() int { return h.fd }

func (h *hostFile) Read(t *Task, p []byte) (int, abi.Errno) {
	n, err := hostRead(h.fd, p)
	if n > 0 || err == io.EOF {
		return n, 0
	}
	if err != nil {
		return 0, hostErrno(err)
	}
	return n, 0
}

func (h *hostFile) Write(t *Task, p []byte) (int, abi.Errno) {
	n, err := hostWrite(h.fd, p)
	if n == 0 && err != nil {
		return 0, hostErrno(err)
	}
	return n, 0
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
