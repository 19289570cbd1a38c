package shim

import (
	"golang.org/x/sys/unix"
)

// macOS has no subreapers: exits always come from the records the
// container processes leave (recordWatcher).
func newExitSource(q *exitQueue, subreaper bool) (exitSource, error) {
	return recordWatcher{q}, nil
}

// hostWaitGone waits until pid has exited, with kqueue's NOTE_EXIT (which
// works for processes that are not our children).
func hostWaitGone(pid int) {
	kq, err := unix.Kqueue()
	if err != nil {
		return
	}
	defer unix.Close(kq)
	ev := []unix.Kevent_t{{Ident: uint64(pid), Filter: unix.EVFILT_PROC, Flags: unix.EV_ADD | unix.EV_ONESHOT, Fflags: unix.NOTE_EXIT}}
	if _, err := unix.Kevent(kq, ev, nil, nil); err != nil {
		return // ESRCH: already gone
	}
	out := make([]unix.Kevent_t, 1)
	for {
		if _, err := unix.Kevent(kq, nil, out, nil); err != unix.EINTR {
			return
		}
	}
}
