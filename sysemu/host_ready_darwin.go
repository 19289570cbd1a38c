package sysemu

import (
	"time"

	"golang.org/x/sys/unix"
)

// readyFD is one distinct host fd of a hostReady call: kqueue keys its
// filters by fd, so wants on the same fd share them.
type readyFD struct {
	fd       int
	events   int16 // the union of the wants on fd
	revents  int16
	watched  bool        // kqueue answers for fd
	receipts []kevResult // registration receipts
}

// hostReady returns the poll(2) revents of each wanted fd, waiting up to
// timeout (0: just check, < 0: forever) until one is ready. revents has
// one entry per want, all zero on an error; EINTR is returned as is.
//
// darwin's poll(2) says POLLNVAL for terminals and other devices, so a
// kqueue made for the call answers instead; regular files are always
// ready, as on Linux; fds kqueue refuses are left to poll(2), checked
// every hostPollSlice while the kqueue waits.
func hostReady(want []hostWant, timeout time.Duration) ([]int16, error) {
	revents := make([]int16, len(want))
	fds := map[int]*readyFD{}
	var order []*readyFD
	for _, w := range want {
		if w.fd < 0 {
			continue // poll(2) ignores negative fds
		}
		r := fds[w.fd]
		if r == nil {
			r = &readyFD{fd: w.fd}
			fds[w.fd] = r
			order = append(order, r)
		}
		r.events |= w.events
	}

	var changes []unix.Kevent_t
	var polled []*readyFD
	for _, r := range order {
		var st unix.Stat_t
		if err := unix.Fstat(r.fd, &st); err != nil {
			if err == unix.EBADF {
				r.revents = unix.POLLNVAL
			} else {
				polled = append(polled, r)
			}
			continue
		}
		if alwaysReady(uint32(st.Mode) & unix.S_IFMT) {
			r.revents = alwaysReadyRevents(r.events)
			continue
		}
		r.watched = true
		// Without any event asked for, the read filter still sees
		// hang-ups, which poll(2) reports regardless.
		if r.events&(unix.POLLIN|unix.POLLPRI) != 0 || r.events&unix.POLLOUT == 0 {
			changes = append(changes, unix.Kevent_t{Ident: uint64(r.fd), Filter: unix.EVFILT_READ, Flags: unix.EV_ADD | unix.EV_RECEIPT})
		}
		if r.events&unix.POLLOUT != 0 {
			changes = append(changes, unix.Kevent_t{Ident: uint64(r.fd), Filter: unix.EVFILT_WRITE, Flags: unix.EV_ADD | unix.EV_RECEIPT})
		}
	}

	kq := -1
	if len(changes) > 0 {
		var err error
		if kq, err = unix.Kqueue(); err != nil {
			return revents, err
		}
		defer unix.Close(kq)
		// EV_RECEIPT returns one receipt per change (data: the errno or
		// 0); the zero timeout keeps the call from waiting for events.
		receipts := make([]unix.Kevent_t, len(changes))
		n, err := unix.Kevent(kq, changes, receipts, &unix.Timespec{})
		if err != nil {
			return revents, err
		}
		for _, k := range receipts[:n] {
			if r := fds[int(k.Ident)]; r != nil {
				r.receipts = append(r.receipts, kevOf(k))
			}
		}
		var drop []unix.Kevent_t
		for _, r := range order {
			if !r.watched {
				continue
			}
			rev, fallback := keventRevents(r.events, r.receipts)
			if fallback {
				// poll(2) answers for the whole fd: a filter that did
				// register must not end the waits below.
				r.watched = false
				polled = append(polled, r)
				for _, k := range r.receipts {
					drop = append(drop, unix.Kevent_t{Ident: uint64(r.fd), Filter: k.filter, Flags: unix.EV_DELETE | unix.EV_RECEIPT})
				}
				continue
			}
			r.revents = rev
		}
		if len(drop) > 0 {
			// Receipts again, so the filter that failed to register
			// (ENOENT now) fails no call.
			unix.Kevent(kq, drop, make([]unix.Kevent_t, len(drop)), &unix.Timespec{})
		}
	}
	watched := 0
	for _, r := range order {
		if r.watched {
			watched++
		}
	}

	wait := timeout
	for _, r := range order {
		if r.revents != 0 {
			wait = 0 // as poll(2): something to say already, no waiting
		}
	}
	var deadline time.Time
	if wait > 0 {
		deadline = time.Now().Add(wait)
	}
	events := make([]unix.Kevent_t, len(changes))
	pfds := make([]unix.PollFd, len(polled))
	for {
		fired := false // the kqueue returned events, asked for or not
		slice := wait
		if watched > 0 && len(polled) > 0 && (wait < 0 || wait > hostPollSlice) {
			slice = hostPollSlice
		}
		if watched > 0 {
			var ts *unix.Timespec
			if slice >= 0 {
				t := unix.NsecToTimespec(int64(slice))
				ts = &t
			}
			n, err := unix.Kevent(kq, nil, events, ts)
			if err != nil {
				return revents, err
			}
			fired = n > 0
			byFD := map[int][]kevResult{}
			for _, k := range events[:n] {
				byFD[int(k.Ident)] = append(byFD[int(k.Ident)], kevOf(k))
			}
			for _, r := range order {
				if r.watched {
					r.revents, _ = keventRevents(r.events, append(r.receipts[:len(r.receipts):len(r.receipts)], byFD[r.fd]...))
				}
			}
		}
		// With nothing to watch at all, poll(2) of no fds sleeps out the
		// wait, as it would on Linux.
		if len(polled) > 0 || watched == 0 {
			ms := 0
			if watched == 0 {
				ms = pollMillis(slice)
			}
			for i, r := range polled {
				pfds[i] = unix.PollFd{Fd: int32(r.fd), Events: r.events}
			}
			if _, err := unix.Poll(pfds, ms); err != nil {
				return revents, err
			}
			for i, r := range polled {
				r.revents = pfds[i].Revents
			}
		}
		ready := false
		for _, r := range order {
			ready = ready || r.revents != 0
		}
		if ready || wait == 0 {
			break
		}
		if fired {
			// A filter fired for what was not asked (data for a POLLPRI
			// wait): it stays fired, so kevent would return at once
			// again. Sleep a slice instead of spinning.
			d := hostPollSlice
			if left := time.Until(deadline); wait > 0 && left < d {
				d = left
			}
			time.Sleep(d)
		}
		if wait > 0 {
			if wait = time.Until(deadline); wait <= 0 {
				break
			}
		}
	}

	for i, w := range want {
		if r := fds[w.fd]; r != nil {
			revents[i] = r.revents & (w.events | pollAlwaysBits)
		}
	}
	return revents, nil
}

// kevOf is the portable view of a kevent (see keventRevents).
func kevOf(k unix.Kevent_t) kevResult {
	return kevResult{filter: k.Filter, flags: k.Flags, fflags: k.Fflags, data: k.Data}
}
