package sysemu

import (
	"time"

	"golang.org/x/sys/unix"
)

// hostReady returns the poll(2) revents of each wanted fd, waiting up to
// timeout (0: just check, < 0: forever) until one is ready. revents has
// one entry per want, all zero on an error. EINTR is returned as is:
// callers that wait loop and check for signals. Linux answers with
// poll(2) itself.
func hostReady(want []hostWant, timeout time.Duration) ([]int16, error) {
	pfds := make([]unix.PollFd, len(want))
	for i, w := range want {
		pfds[i] = unix.PollFd{Fd: int32(w.fd), Events: w.events}
	}
	revents := make([]int16, len(want))
	if _, err := unix.Poll(pfds, pollMillis(timeout)); err != nil {
		return revents, err
	}
	for i, p := range pfds {
		revents[i] = p.Revents
	}
	return revents, nil
}
