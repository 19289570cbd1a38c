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
	reg   *epollRegistry
}

type epollItem struct {
	fd      int
	file    File
	events  uint32 // requested events and flags (EPOLLET, EPOLLONESHOT)
	data    uint64
	order   int
	lastGen uint64 // for EPOLLET: the generation last reported
	off     bool   // EPOLLONESHOT fired: disabled until EPOLL_CTL_MOD
	// For EPOLLET on a host fd, which has no generation: the events seen
	// last, and its arrival mark when EPOLLIN was last reported (data
	// arriving since is a new edge, as on Linux).
	lastRev   uint32
	lastIn    int64
	lastDrain uint64
}

func (ep *epollFile) Read(t *Task, p []byte) (int, abi.Errno)  { return 0, abi.EINVAL }
func (ep *epollFile) Write(t *Task, p []byte) (int, abi.Errno) { return 0, abi.EINVAL }
func (ep *epollFile) Close()                                   { ep.reg.remove(ep) }

// epollRegistry lists a process's epoll instances, so that closing the
// last fd of a file takes it off every interest list, as Linux does.
type epollRegistry struct {
	mu  sync.Mutex
	set map[*epollFile]struct{}
}

func (r *epollRegistry) add(ep *epollFile) {
	r.mu.Lock()
	if r.set == nil {
		r.set = map[*epollFile]struct{}{}
	}
	r.set[ep] = struct{}{}
	r.mu.Unlock()
}

func (r *epollRegistry) remove(ep *epollFile) {
	if r == nil {
		return
	}
	r.mu.Lock()
	delete(r.set, ep)
	r.mu.Unlock()
}

// released drops f, whose last fd was closed, from every interest list.
func (r *epollRegistry) released(f File) {
	r.mu.Lock()
	eps := make([]*epollFile, 0, len(r.set))
	for ep := range r.set {
		eps = append(eps, ep)
	}
	r.mu.Unlock()
	for _, ep := range eps {
		ep.mu.Lock()
		gone := false
		for fd, it := range ep.items {
			if it.file == f {
				delete(ep.items, fd)
				gone = true
			}
		}
		ep.mu.Unlock()
		if gone {
			ep.changed()
		}
	}
}

// sysEpollCreate1 implements epoll_create1(2).
func sysEpollCreate1(t *Task, a [6]uint64) uint64 {
	if a[0]&^uint64(abi.EPOLL_CLOEXEC) != 0 {
		return errno(abi.EINVAL)
	}
	ep := &epollFile{items: map[int]*epollItem{}, reg: &t.p.epolls}
	t.p.epolls.add(ep)
	fd, e := t.p.files.Install(ep, 0, a[0]&abi.EPOLL_CLOEXEC != 0)
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
	if inner, ok := target.(*epollFile); ok && op == abi.EPOLL_CTL_ADD && inner.watches(ep) {
		return errno(abi.ELOOP)
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
	if op != abi.EPOLL_CTL_DEL && events&abi.EPOLLEXCLUSIVE != 0 {
		// Linux's rules: only at ADD, only with these bits, never on an
		// epoll instance.
		const ok = abi.EPOLLIN | abi.EPOLLOUT | abi.EPOLLERR | abi.EPOLLHUP | abi.EPOLLWAKEUP | abi.EPOLLET | abi.EPOLLEXCLUSIVE
		if _, nested := target.(*epollFile); op != abi.EPOLL_CTL_ADD || nested || events&^uint32(ok) != 0 {
			return errno(abi.EINVAL)
		}
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
		if it.events&abi.EPOLLEXCLUSIVE != 0 {
			return errno(abi.EINVAL)
		}
		it.events, it.data, it.off, it.lastGen, it.lastRev, it.lastIn = events, data, false, ^uint64(0), 0, 0
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
// nestedHost says nested instances watch host fds (polled in slices);
// wants are the directly watched host fds a waiter blocks on.
func (ep *epollFile) collect(max int) (out [][2]uint64, nestedHost bool, subs []pollable, wants []hostWant) {
	items := make([]*epollItem, 0, len(ep.items))
	for _, it := range ep.items {
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].order < items[j].order })
	var hostItems []*epollItem
	for _, it := range items {
		if inner, ok := it.file.(*epollFile); ok && inner.hasHost() {
			nestedHost = true
		}
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
			if it.off {
				continue
			}
			hostItems = append(hostItems, it)
			wants = append(wants, hostWant{fd: f.HostFD(), events: epollHostEvents(it.events)})
		}
	}
	if len(wants) > 0 {
		revs, err := hostReady(wants, 0)
		if err != nil {
			return out, nestedHost, subs, wants
		}
		var blockOn []hostWant
		for i, rev := range revs {
			ev := epollEventsOf(rev)
			it := hostItems[i]
			if it.events&abi.EPOLLET != 0 && !it.edge(ev) {
				switch {
				case ev&(evIn|evErr|evHup) != 0:
					// Ready but reported, and a new edge may come
					// without the event going away (more data), or the
					// host reports it whatever is asked: polled in slices.
					nestedHost = true
				case ev != 0:
					// Writable and reported: wait for the other events.
					if rest := wants[i].events &^ hostBitsOf(ev); rest != 0 {
						blockOn = append(blockOn, hostWant{fd: wants[i].fd, events: rest})
					}
				default:
					blockOn = append(blockOn, wants[i])
				}
				continue
			}
			blockOn = append(blockOn, wants[i])
			if ev == 0 || len(out) >= max {
				continue
			}
			if it.events&abi.EPOLLET != 0 {
				it.lastRev = ev
				it.lastIn = readable(it.file)
				it.lastDrain = drainsOf(it.file)
			}
			if it.events&abi.EPOLLONESHOT != 0 {
				it.off = true
			}
			out = append(out, [2]uint64{uint64(ev), it.data})
		}
		wants = blockOn
	}
	return out, nestedHost, subs, wants
}

// hostBitsOf converts epoll events back to the poll bits asked of the host.
func hostBitsOf(ev uint32) int16 {
	var h int16
	if ev&evOut != 0 {
		h |= unix.POLLOUT
	}
	if ev&evPri != 0 {
		h |= unix.POLLPRI
	}
	if ev&evRdHup != 0 {
		h |= pollRdHup
	}
	return h
}

// epollEventsOf converts a host fd's poll revents to epoll events.
func epollEventsOf(rev int16) uint32 {
	var ev uint32
	for _, b := range [...]struct {
		host int16
		ep   uint32
	}{{unix.POLLIN, evIn}, {unix.POLLOUT, evOut}, {unix.POLLPRI, evPri}, {unix.POLLERR, evErr},
		{unix.POLLHUP, evHup}, {pollRdHup, evRdHup}} {
		if rev&b.host != 0 {
			ev |= b.ep
		}
	}
	return ev
}

// edge says whether an edge-triggered host item has an edge to report:
// an event it did not have when last looked at; the guest having been
// told EAGAIN on the file since the last report (it drained it, as the
// EPOLLET contract asks, so what is ready now came after); or data
// arrived since EPOLLIN was last reported. Events that went away are
// forgotten, so they are new when they come back.
func (it *epollItem) edge(ev uint32) bool {
	it.lastRev &= ev
	if ev&^it.lastRev != 0 {
		return true
	}
	if ev != 0 && drainsOf(it.file) != it.lastDrain {
		return true
	}
	return ev&evIn != 0 && readable(it.file) > it.lastIn
}

// drainer is implemented by host files that count the EAGAINs the guest
// was given.
type drainer interface{ drains() uint64 }

func drainsOf(f File) uint64 {
	if d, ok := f.(drainer); ok {
		return d.drains()
	}
	return 0
}

// readable is a host file's arrival mark (hostRxMark): it grows when
// data arrives.
func readable(f File) int64 {
	if s, ok := f.(*hostSocket); ok {
		return s.rxMark()
	}
	h, ok := f.(hostPollable)
	if !ok || h.HostFD() < 0 {
		return 0
	}
	return hostRxMark(h.HostFD())
}

// wait implements epoll_wait's blocking; timeout < 0 waits forever.
func (ep *epollFile) wait(t *Task, max int, timeout time.Duration) ([][2]uint64, abi.Errno) {
	var deadline time.Time
	if timeout >= 0 {
		deadline = time.Now().Add(timeout)
	}
	ws := newWaitSet()
	defer func() {
		ws.close()
		ep.Unsubscribe(ws.ch)
	}()
	ep.Subscribe(ws.ch) // interest-list changes
	for {
		ep.mu.Lock()
		out, nestedHost, subs, wants := ep.collect(max)
		ep.mu.Unlock()
		for _, p := range subs {
			ws.subscribe(p)
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
		if nestedHost && (sleep < 0 || sleep > hostPollSlice) {
			sleep = hostPollSlice // host fds of nested instances are polled
		}
		ws.host = wants
		if e := ws.sleep(t, sleep); e != 0 {
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

// Ready makes an epoll instance pollable (nested in another epoll, or in
// poll): readable when one of its events is ready, without consuming it.
// The generation moves with its own and its files'.
func (ep *epollFile) Ready() (uint32, uint64) {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	gen := ep.generation()
	ready := false
	var wants []hostWant
	for _, it := range ep.items {
		if it.off {
			continue
		}
		switch f := it.file.(type) {
		case pollable:
			r, g := f.Ready()
			gen += g
			if r&(it.events|evErr|evHup) != 0 && (it.events&abi.EPOLLET == 0 || g != it.lastGen) {
				ready = true
			}
		case hostPollable:
			wants = append(wants, hostWant{fd: f.HostFD(), events: epollHostEvents(it.events)})
		}
	}
	if !ready && len(wants) > 0 {
		if revs, err := hostReady(wants, 0); err == nil {
			for _, r := range revs {
				ready = ready || r != 0
			}
		}
	}
	if ready {
		return evIn, gen
	}
	return 0, gen
}

// hasHost says whether a nested instance has host files, which its
// waiter must poll in slices.
func (ep *epollFile) hasHost() bool {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	for _, it := range ep.items {
		switch f := it.file.(type) {
		case hostPollable:
			return true
		case *epollFile:
			if f.hasHost() {
				return true
			}
		}
	}
	return false
}

// pollables are the emulated files of the interest list.
func (ep *epollFile) pollables() []pollable {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	var ps []pollable
	for _, it := range ep.items {
		if p, ok := it.file.(pollable); ok {
			ps = append(ps, p)
		}
	}
	return ps
}

// Subscribe wakes ch on interest-list changes and on changes of the
// files in it (a waiter on an outer epoll learns of the inner's events).
func (ep *epollFile) Subscribe(ch chan struct{}) {
	ep.notifier.Subscribe(ch)
	for _, p := range ep.pollables() {
		p.Subscribe(ch)
	}
}

func (ep *epollFile) Unsubscribe(ch chan struct{}) {
	ep.notifier.Unsubscribe(ch)
	for _, p := range ep.pollables() {
		p.Unsubscribe(ch)
	}
}

// epollHostEvents are poll(2)'s events for epoll's.
func epollHostEvents(events uint32) int16 {
	var want int16
	if events&abi.EPOLLIN != 0 {
		want |= unix.POLLIN
	}
	if events&abi.EPOLLOUT != 0 {
		want |= unix.POLLOUT
	}
	if events&abi.EPOLLPRI != 0 {
		want |= unix.POLLPRI
	}
	if events&abi.EPOLLRDHUP != 0 {
		want |= pollRdHup
	}
	return want
}

// watches says whether ep has target on its interest list, directly or
// through nested instances (a cycle Linux refuses with ELOOP).
func (ep *epollFile) watches(target *epollFile) bool {
	ep.mu.Lock()
	var inner []*epollFile
	for _, it := range ep.items {
		if it.file == File(target) {
			ep.mu.Unlock()
			return true
		}
		if e, ok := it.file.(*epollFile); ok {
			inner = append(inner, e)
		}
	}
	ep.mu.Unlock()
	for _, e := range inner {
		if e.watches(target) {
			return true
		}
	}
	return false
}
