package sysemu

import (
	"encoding/binary"
	"sort"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// epollFile is an emulated epoll instance: a persistent interest list over
// guest files. Emulated files (eventfd, …) report readiness and wake waiters
// themselves; host-backed files are polled with the host's poll(2) in short
// slices, which works the same on Linux and darwin.
type epollFile struct {
	notifier
	mu sync.Mutex
	// items is the interest list by guest fd; guarded by mu.
	items map[int]*epollItem
	seq   int
}

type epollItem struct {
	fd      int
	file    File
	events  uint32 // requested events and flags (EPOLLET, EPOLLONESHOT)
	data    uint64
	order   int
	lastGen uint64 // for EPOLLET: the generation last reported
	off     bool   // EPOLLONESHOT fired: disabled until EPOLL_CTL_MOD
}

func (ep *epollFile) Read(t *Task, p []byte) (int, abi.Errno)  { return 0, abi.EINVAL }
func (ep *epollFile) Write(t *Task, p []byte) (int, abi.Errno) { return 0, abi.EINVAL }
func (ep *epollFile) Close()                                   {}

// sysEpollCreate1 implements epoll_create1(2).
func sysEpollCreate1(t *Task, a [6]uint64) uint64 {
	if a[0]&^uint64(abi.EPOLL_CLOEXEC) != 0 {
		return errno(abi.EINVAL)
	}
	fd, e := t.p.files.Install(&epollFile{items: map[int]*epollItem{}}, 0, a[0]&abi.EPOLL_CLOEXEC != 0)
	if e != 0 {
		return errno(e)
	}
	return uint64(fd)
}

// sysEpollCtl implements epoll_ctl(2).
func sysEpollCtl(t *Task, a [6]uint64) uint64 {
	epfd, op, fd := int(int32(a[0])), a[1], int(int32(a[2]))
	f, ok := t.p.files.Get(epfd)
	if !ok {
		return errno(abi.EBADF)
	}
	ep, ok := f.(*epollFile)
	if !ok {
		return errno(abi.EINVAL)
	}
	target, ok := t.p.files.Get(fd)
	if !ok {
		return errno(abi.EBADF)
	}
	if target == File(ep) {
		return errno(abi.EINVAL)
	}
	var events uint32
	var data uint64
	if op != abi.EPOLL_CTL_DEL {
		var b [abi.SizeofEpollEvent]byte
		if t.copyIn(a[3], b[:]) != nil {
			return errno(abi.EFAULT)
		}
		events = binary.LittleEndian.Uint32(b[0:])
		data = binary.LittleEndian.Uint64(b[8:])
	}
	switch h := target.(type) {
	case pollable:
	case hostPollable:
		// Regular files are always ready and files without a host fd
		// (/dev/null and the like) have no readiness: Linux refuses both.
		var st unix.Stat_t
		if h.HostFD() < 0 || unix.Fstat(h.HostFD(), &st) != nil || st.Mode&unix.S_IFMT == unix.S_IFREG ||
			st.Mode&unix.S_IFMT == unix.S_IFDIR {
			return errno(abi.EPERM)
		}
	default:
		t.p.compat.Record("flag:epoll on an unsupported file type")
		return errno(abi.EPERM)
	}
	ep.mu.Lock()
	defer ep.mu.Unlock()
	it := ep.items[fd]
	switch op {
	case abi.EPOLL_CTL_ADD:
		if it != nil {
			return errno(abi.EEXIST)
		}
		ep.seq++
		ep.items[fd] = &epollItem{fd: fd, file: target, events: events, data: data, order: ep.seq, lastGen: ^uint64(0)}
	case abi.EPOLL_CTL_MOD:
		if it == nil {
			return errno(abi.ENOENT)
		}
		it.events, it.data, it.off, it.lastGen = events, data, false, ^uint64(0)
	case abi.EPOLL_CTL_DEL:
		if it == nil {
			return errno(abi.ENOENT)
		}
		delete(ep.items, fd)
	default:
		return errno(abi.EINVAL)
	}
	ep.changed()
	return 0
}

// hostPollSlice bounds how long a wait sleeps without re-polling host fds.
const hostPollSlice = 10 * time.Millisecond

// collect returns up to max ready events. Preconditions: ep.mu is held.
func (ep *epollFile) collect(max int) (out [][2]uint64, hasHost bool, subs []pollable) {
	items := make([]*epollItem, 0, len(ep.items))
	for _, it := range ep.items {
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].order < items[j].order })
	var hostItems []*epollItem
	var wants []hostWant
	for _, it := range items {
		switch f := it.file.(type) {
		case pollable:
			subs = append(subs, f)
			if it.off {
				continue
			}
			r, gen := f.Ready()
			ev := r & (it.events | evErr | evHup)
			if ev == 0 || (it.events&abi.EPOLLET != 0 && gen == it.lastGen) {
				continue
			}
			if len(out) < max {
				it.lastGen = gen
				if it.events&abi.EPOLLONESHOT != 0 {
					it.off = true
				}
				out = append(out, [2]uint64{uint64(ev), it.data})
			}
		case hostPollable:
			hasHost = true
			if it.off {
				continue
			}
			var want int16
			if it.events&abi.EPOLLIN != 0 {
				want |= unix.POLLIN
			}
			if it.events&abi.EPOLLOUT != 0 {
				want |= unix.POLLOUT
			}
			if it.events&abi.EPOLLPRI != 0 {
				want |= unix.POLLPRI
			}
			hostItems = append(hostItems, it)
			wants = append(wants, hostWant{fd: f.HostFD(), events: want})
		}
	}
	if len(wants) > 0 {
		if revs, err := hostReady(wants, 0); err == nil {
			for i, rev := range revs {
				var ev uint32
				if rev&unix.POLLIN != 0 {
					ev |= evIn
				}
				if rev&unix.POLLOUT != 0 {
					ev |= evOut
				}
				if rev&unix.POLLPRI != 0 {
					ev |= evPri
				}
				if rev&unix.POLLERR != 0 {
					ev |= evErr
				}
				if rev&unix.POLLHUP != 0 {
					ev |= evHup
				}
				if ev == 0 || len(out) >= max {
					continue
				}
				it := hostItems[i]
				if it.events&abi.EPOLLONESHOT != 0 {
					it.off = true
				}
				out = append(out, [2]uint64{uint64(ev), it.data})
			}
		}
	}
	return out, hasHost, subs
}

// wait implements epoll_wait's blocking; timeout < 0 waits forever.
func (ep *epollFile) wait(t *Task, max int, timeout time.Duration) ([][2]uint64, abi.Errno) {
	var deadline time.Time
	if timeout >= 0 {
		deadline = time.Now().Add(timeout)
	}
	ch := make(chan struct{}, 1)
	subscribed := map[pollable]bool{}
	defer func() {
		for p := range subscribed {
			p.Unsubscribe(ch)
		}
		ep.Unsubscribe(ch)
	}()
	ep.Subscribe(ch) // interest-list changes
	for {
		ep.mu.Lock()
		out, hasHost, subs := ep.collect(max)
		ep.mu.Unlock()
		for _, p := range subs {
			if !subscribed[p] {
				p.Subscribe(ch)
				subscribed[p] = true
			}
		}
		if len(out) > 0 || timeout == 0 {
			return out, 0
		}
		sleep := time.Duration(-1)
		if !deadline.IsZero() {
			sleep = time.Until(deadline)
			if sleep <= 0 {
				return nil, 0
			}
		}
		if hasHost && (sleep < 0 || sleep > hostPollSlice) {
			sleep = hostPollSlice
		}
		if e := t.sleepOn(ch, sleep); e != 0 {
			return nil, e
		}
	}
}

// sleepOn waits for a token on ch or for d to pass (forever if d < 0). A
// signal for the thread, or the process exiting, ends the wait with
// errRestartSys: the syscall restarts or returns EINTR as the signal's
// action says (resolveRestart). Calls with other rules convert it.
func (t *Task) sleepOn(ch <-chan struct{}, d time.Duration) abi.Errno {
	// A signal already pending (its wake token used by an earlier wait)
	// ends the wait at once.
	if t.signalPending() {
		return errRestartSys
	}
	var timer <-chan time.Time
	if d >= 0 {
		tm := time.NewTimer(d)
		defer tm.Stop()
		timer = tm.C
	}
	for {
		select {
		case <-ch:
			return 0
		case <-timer:
			return 0
		case <-t.p.done:
			return errRestartSys
		case <-t.wake:
			if t.signalPending() {
				return errRestartSys
			}
		}
	}
}

// sysEpollPwait implements epoll_pwait(2). The temporary signal mask is
// applied for the wait, as the kernel does.
func sysEpollPwait(t *Task, a [6]uint64) uint64 {
	timeout := time.Duration(-1)
	if ms := int32(a[3]); ms >= 0 {
		timeout = time.Duration(ms) * time.Millisecond
	}
	return t.epollWait(a[0], a[1], a[2], timeout, a[4], a[5])
}

// sysEpollPwait2 implements epoll_pwait2(2): the timeout is a timespec.
func sysEpollPwait2(t *Task, a [6]uint64) uint64 {
	timeout := time.Duration(-1)
	if a[3] != 0 {
		d, e := t.readTimespec(a[3])
		if e != 0 {
			return errno(e)
		}
		timeout = d
	}
	return t.epollWait(a[0], a[1], a[2], timeout, a[4], a[5])
}

func (t *Task) epollWait(epfd, events, maxEvents uint64, timeout time.Duration, sigmask, sigsize uint64) uint64 {
	f, ok := t.p.files.Get(int(int32(epfd)))
	if !ok {
		return errno(abi.EBADF)
	}
	ep, ok := f.(*epollFile)
	if !ok {
		return errno(abi.EINVAL)
	}
	max := int(int32(maxEvents))
	if max <= 0 || max > 1<<16 {
		return errno(abi.EINVAL)
	}
	end, e := t.tempSigmask(sigmask, sigsize)
	if e != 0 {
		return errno(e)
	}
	out, e := ep.wait(t, max, timeout)
	end(e != 0)
	if e != 0 {
		// epoll_wait is never restarted, whatever the handler's flags:
		// even a stop and continue make it EINTR, as on Linux.
		return errno(abi.EINTR)
	}
	b := make([]byte, len(out)*abi.SizeofEpollEvent)
	for i, ev := range out {
		binary.LittleEndian.PutUint32(b[i*16:], uint32(ev[0]))
		binary.LittleEndian.PutUint64(b[i*16+8:], ev[1])
	}
	if t.copyOut(events, b) != nil {
		return errno(abi.EFAULT)
	}
	return uint64(len(out))
}
