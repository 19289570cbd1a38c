package sysemu

import (
	"sort"
	"time"
)

// A fork child is another host process, and the objects carrick emulates
// (epoll, eventfd, timerfd, signalfd) live in the parent's memory, so the
// child cannot share them as Linux shares one description. It gets a copy
// of each taken at the fork: the same fds, flags and state, which then
// diverge (docs/processes.md). A signalfd is exact, since it reads the
// reading process's own signals; an epoll copy watches the child's
// inherited files, which are the same host descriptions.

// Kinds of emulated ForkFiles.
const (
	forkEpoll    = "epoll"
	forkEventfd  = "eventfd"
	forkTimerfd  = "timerfd"
	forkSignalfd = "signalfd"
)

// ForkEmulated is the state of an emulated file at the fork; which fields
// count depends on ForkFile.Kind.
type ForkEmulated struct {
	Nonblock bool `json:",omitempty"` // eventfd, timerfd, signalfd

	// eventfd
	Count     uint64 `json:",omitempty"` // also a timerfd's unread expirations
	Semaphore bool   `json:",omitempty"`

	// timerfd: the next expiry on the clock (0: disarmed) and the period.
	// The clocks are the host's, the same in both processes, so the copy
	// expires when the parent's timer does.
	Clock          uint64        `json:",omitempty"`
	Next, Interval time.Duration `json:",omitempty"`

	// signalfd
	Mask uint64 `json:",omitempty"`

	// epoll: the interest list in the order of its additions.
	Items []ForkEpollItem `json:",omitempty"`
}

// ForkEpollItem is one entry of an epoll interest list.
type ForkEpollItem struct {
	FD     int // the fd it was added with (its key)
	File   int // a parent fd of the watched description, the same in the child
	Events uint32
	Data   uint64
	Off    bool `json:",omitempty"` // EPOLLONESHOT fired
	// Reported says an edge-triggered emulated file's current state was
	// reported already; LastRev and LastIn are a host file's (epollItem).
	Reported bool   `json:",omitempty"`
	LastRev  uint32 `json:",omitempty"`
	LastIn   int64  `json:",omitempty"`
}

// forkEmulatedKind is f's ForkFile.Kind, or "" when f is not an emulated
// file a child can have.
func forkEmulatedKind(f File) string {
	switch f.(type) {
	case *epollFile:
		return forkEpoll
	case *eventFile:
		return forkEventfd
	case *timerFile:
		return forkTimerfd
	case *signalFile:
		return forkSignalfd
	}
	return ""
}

// exportEmulated records f's state. fdOf gives a parent fd for each open
// file, through which an epoll item names its file.
func exportEmulated(f File, fdOf map[File]int) *ForkEmulated {
	switch f := f.(type) {
	case *eventFile:
		f.mu.Lock()
		defer f.mu.Unlock()
		return &ForkEmulated{Nonblock: f.isNonblock(), Count: f.count, Semaphore: f.semaphore}
	case *timerFile:
		f.mu.Lock()
		defer f.mu.Unlock()
		f.update()
		return &ForkEmulated{Nonblock: f.isNonblock(), Clock: f.clock, Next: f.next, Interval: f.interval, Count: f.count}
	case *signalFile:
		return &ForkEmulated{Nonblock: f.isNonblock(), Mask: f.mask.Load()}
	case *epollFile:
		return &ForkEmulated{Items: f.export(fdOf)}
	}
	return nil
}

// export lists the interest list by order of addition; items whose file
// has no fd any more are left out.
func (ep *epollFile) export(fdOf map[File]int) []ForkEpollItem {
	ep.mu.Lock()
	defer ep.mu.Unlock()
	items := make([]*epollItem, 0, len(ep.items))
	for _, it := range ep.items {
		items = append(items, it)
	}
	sort.Slice(items, func(i, j int) bool { return items[i].order < items[j].order })
	var out []ForkEpollItem
	for _, it := range items {
		fd, ok := fdOf[it.file]
		if !ok {
			continue
		}
		fi := ForkEpollItem{FD: it.fd, File: fd, Events: it.events, Data: it.data, Off: it.off,
			LastRev: it.lastRev, LastIn: it.lastIn}
		if p, ok := it.file.(pollable); ok {
			_, gen := p.Ready()
			fi.Reported = it.lastGen == gen
		}
		out = append(out, fi)
	}
	return out
}

// adoptEmulated makes the child's copy of an emulated file; an epoll
// instance starts empty and is filled by fillEpolls once every inherited
// file is installed (its items may be other epoll instances).
func (p *Process) adoptEmulated(ff *ForkFile) File {
	em := ff.Emulated
	if em == nil {
		return nil
	}
	switch ff.Kind {
	case forkEventfd:
		ef := &eventFile{count: em.Count, semaphore: em.Semaphore}
		ef.on.Store(em.Nonblock)
		return ef
	case forkTimerfd:
		tf := &timerFile{clock: em.Clock, next: em.Next, interval: em.Interval, count: em.Count}
		tf.on.Store(em.Nonblock)
		tf.mu.Lock()
		tf.update() // expiries while the child started
		tf.schedule()
		tf.mu.Unlock()
		return tf
	case forkSignalfd:
		sf := &signalFile{p: p}
		sf.mask.Store(em.Mask)
		sf.on.Store(em.Nonblock)
		return sf
	case forkEpoll:
		ep := &epollFile{items: map[int]*epollItem{}, reg: &p.epolls}
		p.epolls.add(ep)
		return ep
	}
	return nil
}

// fillEpolls fills the interest lists of the inherited epoll instances
// (made[i] is the child's file of ffs[i]). An item's file is the child's
// file at the parent fd the item named; items of files the child did not
// inherit are dropped.
func (p *Process) fillEpolls(ffs []ForkFile, made []File) {
	type reported struct {
		it *epollItem
		p  pollable
	}
	var edges []reported
	for i, ff := range ffs {
		ep, ok := made[i].(*epollFile)
		if !ok || ff.Emulated == nil {
			continue
		}
		for _, fi := range ff.Emulated.Items {
			target, ok := p.files.Get(fi.File)
			if !ok || target == File(ep) {
				continue
			}
			switch target.(type) {
			case pollable, hostPollable:
			default:
				continue
			}
			ep.seq++
			it := &epollItem{fd: fi.FD, file: target, events: fi.Events, data: fi.Data, order: ep.seq,
				lastGen: ^uint64(0), off: fi.Off, lastRev: fi.LastRev, lastIn: fi.LastIn}
			ep.items[fi.FD] = it
			if pf, ok := target.(pollable); ok && fi.Reported {
				edges = append(edges, reported{it, pf})
			}
		}
	}
	// An edge reported in the parent is not new in the child: the
	// generation to compare with is the child file's own, read once
	// every list (and so every nested instance's) is complete.
	for _, e := range edges {
		_, e.it.lastGen = e.p.Ready()
	}
}
