package sysemu

import (
	"time"

	"golang.org/x/sys/unix"
)

// Readiness of host fds (pipes, terminals, files) for poll, select and
// epoll. Linux asks poll(2); darwin asks kqueue, because its poll(2)
// says POLLNVAL for terminals and other devices. hostReady is the one
// entry point (host_ready_linux.go, host_ready_darwin.go); the kevent
// translation lives here, free of darwin types, so Linux CI tests it.

// hostWant is one host fd and the events asked for: POLLIN, POLLPRI and
// POLLOUT as the host's x/sys/unix defines them (the same bits on Linux
// and darwin).
type hostWant struct {
	fd     int
	events int16
}

// pollMillis converts a hostReady timeout to poll(2)'s: 0 checks, < 0
// waits forever, and a positive wait rounds up to whole milliseconds so
// it never becomes a mere check.
func pollMillis(d time.Duration) int {
	switch {
	case d < 0:
		return -1
	case d == 0:
		return 0
	}
	ms := (d + time.Millisecond - 1) / time.Millisecond
	if ms > 1<<31-1 {
		return -1
	}
	return int(ms)
}

// pollRdHup is POLLRDHUP, the peer shut down its writing side: Linux's
// bit, which carrick uses for it on every host (darwin's poll has none;
// keventRevents sets it from the read filter's EV_EOF).
const pollRdHup = 0x2000

// alwaysReady reports whether a host file of this kind (its st_mode &
// S_IFMT) is ready for reading and writing at all times, as Linux
// reports regular files, directories and block devices (they have no
// poll method). kqueue would say otherwise: EVFILT_READ on a regular
// file fires only while data lies beyond the offset.
func alwaysReady(ifmt uint32) bool {
	return ifmt == unix.S_IFREG || ifmt == unix.S_IFDIR || ifmt == unix.S_IFBLK
}

// alwaysReadyRevents is what poll(2) on Linux returns for such a file.
func alwaysReadyRevents(events int16) int16 {
	return events & (unix.POLLIN | unix.POLLOUT)
}

// darwin's kevent numbers (<sys/event.h>, <sys/errno.h>), named here so
// keventRevents compiles and is tested on every host. The test checks
// them against x/sys/unix's zerrors_darwin_arm64.go.
const (
	kevFiltRead    = -1
	kevFiltWrite   = -2
	kevFlagOOBand  = 0x2000
	kevFlagError   = 0x4000
	kevFlagEOF     = 0x8000
	darwinEBADF    = 9
	darwinENODEV   = 19
	darwinEINVAL   = 22
	darwinENOTSUP  = 45
	pollAlwaysBits = unix.POLLERR | unix.POLLHUP | unix.POLLNVAL
)

// kevResult is one kevent a kqueue returned for an fd: a registration
// receipt (EV_ERROR set, data the errno or 0) or a fired filter.
type kevResult struct {
	filter int16
	flags  uint16
	fflags uint32
	data   int64
}

// keventRevents translates the kevents of one fd into the poll(2)
// revents Linux would report for events. fallback says kqueue cannot
// watch this kind of fd (the registration failed with EINVAL, ENODEV or
// ENOTSUP): poll(2) must answer for it instead.
//
// Linux's answers, which this follows: a pipe reader whose writers are
// gone is POLLHUP (POLLIN only while data remains); a pipe writer whose
// readers are gone is POLLOUT|POLLERR (darwin's own poll says POLLHUP).
// Errors and hang-ups are reported whether asked for or not.
func keventRevents(events int16, evs []kevResult) (revents int16, fallback bool) {
	for _, e := range evs {
		if e.flags&kevFlagError != 0 {
			switch e.data {
			case 0: // a receipt: the filter is registered
			case darwinEBADF:
				revents |= unix.POLLNVAL
			case darwinEINVAL, darwinENODEV, darwinENOTSUP:
				fallback = true
			default:
				revents |= unix.POLLERR
			}
			continue
		}
		switch e.filter {
		case kevFiltRead:
			if e.flags&kevFlagEOF != 0 {
				revents |= unix.POLLHUP | pollRdHup
				if e.data > 0 {
					revents |= unix.POLLIN
				}
			} else {
				// The filter fires only when a read would not block.
				revents |= unix.POLLIN
				if e.flags&kevFlagOOBand != 0 {
					revents |= unix.POLLPRI
				}
			}
			if e.fflags != 0 { // a socket's pending error
				revents |= unix.POLLERR
			}
		case kevFiltWrite:
			revents |= unix.POLLOUT
			if e.flags&kevFlagEOF != 0 || e.fflags != 0 {
				revents |= unix.POLLERR
			}
		}
	}
	if fallback {
		return 0, true
	}
	return revents & (events | pollAlwaysBits), false
}
