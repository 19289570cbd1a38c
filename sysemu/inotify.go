package sysemu

import (
	"encoding/binary"
	"sync"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// inotify(7), emulated by carrick on every host (never the host's inotify:
// macOS has none, and CI must exercise what macOS runs). An instance keeps
// Linux's watches and event queue; the events come from carrick's own
// syscall layer, which reports every file operation of the guest
// (inotify_events.go) to the hub of its host process, which delivers them
// to the instances here and, through the registry directory, to the
// instances of the other guest processes of the container
// (inotify_hub.go). Objects are identified by host (dev, ino), so every
// path to a file, through any mount or chroot, reaches its watches.

// fileID names a file by its host device and inode numbers.
type fileID struct{ Dev, Ino uint64 }

// inoWatch is one watch of an instance.
type inoWatch struct {
	wd   int32
	id   fileID
	mask uint32 // the IN_ALL_EVENTS bits wanted, IN_ONESHOT, IN_EXCL_UNLINK
}

// inoEvent is one queued event.
type inoEvent struct {
	wd     int32
	mask   uint32
	cookie uint32
	name   string
}

// size is the event's length as read(2) returns it: the header and the
// name, NUL-padded to a multiple of the header's size.
func (ev *inoEvent) size() int {
	if ev.name == "" {
		return abi.SizeofInotifyEvent
	}
	return abi.SizeofInotifyEvent + (len(ev.name)+1+abi.SizeofInotifyEvent-1)&^(abi.SizeofInotifyEvent-1)
}

// inoMaxQueued is Linux's default fs.inotify.max_queued_events.
const inoMaxQueued = 16384

// inotifyFile is an inotify instance.
type inotifyFile struct {
	notifier
	nonblockFlag
	hub *inoHub

	mu sync.Mutex
	// Guarded by mu: the watches by wd and by file, the last wd given (wds
	// are allocated cyclically from 1, as Linux's idr_alloc_cyclic), the
	// queue (events from head on), its size in bytes, whether the overflow
	// event is queued, and whether the instance is closed.
	watches  map[int32]*inoWatch
	byID     map[fileID]*inoWatch
	lastWD   int32
	queue    []inoEvent
	head     int
	bytes    int
	overflow bool
	closed   bool
}

// sysInotifyInit1 implements inotify_init1(2).
func sysInotifyInit1(t *Task, a [6]uint64) uint64 {
	flags := uint32(a[0])
	if flags&^uint32(abi.IN_CLOEXEC|abi.IN_NONBLOCK) != 0 {
		return errno(abi.EINVAL)
	}
	h := t.inoHubAttached()
	f := &inotifyFile{hub: h, watches: map[int32]*inoWatch{}, byID: map[fileID]*inoWatch{}}
	f.on.Store(flags&abi.IN_NONBLOCK != 0)
	h.add(f)
	fd, e := t.p.files.Install(f, 0, flags&abi.IN_CLOEXEC != 0)
	if e != 0 {
		f.Close()
		return errno(e)
	}
	return uint64(fd)
}

// inotifyFile returns the instance behind fd: EBADF for no file, EINVAL
// for another kind of file.
func (t *Task) inotifyFile(fd uint64) (*inotifyFile, abi.Errno) {
	f, ok := t.p.files.Get(int(int32(fd)))
	if !ok {
		return nil, abi.EBADF
	}
	in, ok := f.(*inotifyFile)
	if !ok {
		return nil, abi.EINVAL
	}
	return in, 0
}

// sysInotifyAddWatch implements inotify_add_watch(2): the checks in
// Linux's order (mask, fd, path, permission to read the file).
func sysInotifyAddWatch(t *Task, a [6]uint64) uint64 {
	mask := uint32(a[2])
	if mask&abi.IN_MASK_ADD != 0 && mask&abi.IN_MASK_CREATE != 0 || mask&^uint32(abi.IN_ALL_BITS) != 0 || mask == 0 {
		return errno(abi.EINVAL)
	}
	f, e := t.inotifyFile(a[0])
	if e != 0 {
		return errno(e)
	}
	p, e := t.readPath(a[1])
	if e != 0 {
		return errno(e)
	}
	if p == "" {
		return errno(abi.ENOENT)
	}
	view, cwd := t.p.fs.root(), t.p.fs.getCwd()
	follow := mask&abi.IN_DONT_FOLLOW == 0
	st, e := view.StatAt(cwd, p, follow)
	if e != 0 {
		return errno(e)
	}
	if mask&abi.IN_ONLYDIR != 0 && !st.IsDir() {
		return errno(abi.ENOTDIR)
	}
	if e := view.Access(cwd, p, abi.R_OK, follow); e != 0 {
		return errno(e)
	}
	wd, e := f.addWatch(fileID{st.Dev, st.Ino}, mask)
	if e != 0 {
		return errno(e)
	}
	f.hub.publish()
	return uint64(wd)
}

// addWatch adds a watch of id or changes the one there is.
func (f *inotifyFile) addWatch(id fileID, arg uint32) (int32, abi.Errno) {
	f.mu.Lock()
	defer f.mu.Unlock()
	bits := arg & (abi.IN_ALL_EVENTS | abi.IN_ONESHOT | abi.IN_EXCL_UNLINK)
	if w := f.byID[id]; w != nil {
		if arg&abi.IN_MASK_CREATE != 0 {
			return 0, abi.EEXIST
		}
		if arg&abi.IN_MASK_ADD != 0 {
			w.mask |= bits
		} else {
			w.mask = bits
		}
		return w.wd, 0
	}
	wd := f.lastWD
	for {
		if wd++; wd <= 0 {
			wd = 1
		}
		if f.watches[wd] == nil {
			break
		}
	}
	f.lastWD = wd
	w := &inoWatch{wd: wd, id: id, mask: bits}
	f.watches[wd] = w
	f.byID[id] = w
	return wd, 0
}

// sysInotifyRmWatch implements inotify_rm_watch(2).
func sysInotifyRmWatch(t *Task, a [6]uint64) uint64 {
	f, e := t.inotifyFile(a[0])
	if e != 0 {
		return errno(e)
	}
	f.mu.Lock()
	w := f.watches[int32(a[1])]
	if w != nil {
		f.drop(w)
	}
	f.mu.Unlock()
	if w == nil {
		return errno(abi.EINVAL)
	}
	f.changed()
	f.hub.publish()
	return 0
}

// drop removes w and queues its IN_IGNORED. Preconditions: f.mu held.
func (f *inotifyFile) drop(w *inoWatch) {
	delete(f.watches, w.wd)
	delete(f.byID, w.id)
	f.push(inoEvent{wd: w.wd, mask: abi.IN_IGNORED})
}

// push queues ev, unless it repeats the last queued event (Linux merges
// an event identical to the tail of the queue), or the queue is full: then
// one IN_Q_OVERFLOW event stands for everything lost. Preconditions:
// f.mu held.
func (f *inotifyFile) push(ev inoEvent) {
	n := len(f.queue) - f.head
	switch {
	case n >= inoMaxQueued:
		if f.overflow {
			return
		}
		f.overflow = true
		ev = inoEvent{wd: -1, mask: abi.IN_Q_OVERFLOW}
	case n > 0:
		last := &f.queue[len(f.queue)-1]
		if last.mask&abi.IN_IGNORED == 0 && last.mask == ev.mask && last.wd == ev.wd && last.name == ev.name {
			return
		}
	}
	f.queue = append(f.queue, ev)
	f.bytes += ev.size()
}

// event queues an event of watch w; a one-shot watch then goes.
// Preconditions: f.mu held.
func (f *inotifyFile) event(w *inoWatch, mask, cookie uint32, name string) (dropped bool) {
	f.push(inoEvent{wd: w.wd, mask: mask, cookie: cookie, name: name})
	if w.mask&abi.IN_ONESHOT != 0 {
		f.drop(w)
		return true
	}
	return false
}

// deliver applies the records of one operation to the instance's
// watches, as Linux's fsnotify: an event on a file goes to a watch of the
// directory it was reached through (with its name), then to a watch of
// the file itself. It reports whether events were queued and whether a
// watch went away.
func (f *inotifyFile) deliver(recs []inoRecord) (queued, dropped bool) {
	f.mu.Lock()
	if f.closed || len(f.byID) == 0 {
		f.mu.Unlock()
		return false, false
	}
	before := len(f.queue)
	for i := range recs {
		r := &recs[i]
		events := r.Mask & abi.IN_ALL_EVENTS
		switch r.Kind {
		case recInode:
			if w := f.byID[r.Parent]; w != nil && r.Parent != (fileID{}) && w.mask&events != 0 {
				dropped = f.event(w, r.Mask, 0, r.Name) || dropped
			}
			if w := f.byID[r.ID]; w != nil && w.mask&events != 0 {
				m := r.Mask
				if m&(abi.IN_MOVE_SELF|abi.IN_DELETE_SELF) != 0 {
					m &^= abi.IN_ISDIR // inotify never reported it there
				}
				dropped = f.event(w, m, 0, "") || dropped
			}
		case recDir:
			if w := f.byID[r.ID]; w != nil && w.mask&events != 0 {
				dropped = f.event(w, r.Mask, r.Cookie, r.Name) || dropped
			}
		case recGone:
			if w := f.byID[r.ID]; w != nil {
				if w.mask&abi.IN_DELETE_SELF != 0 {
					f.push(inoEvent{wd: w.wd, mask: abi.IN_DELETE_SELF})
				}
				f.drop(w)
				dropped = true
			}
		}
	}
	queued = len(f.queue) != before || dropped
	f.mu.Unlock()
	if queued {
		f.changed()
	}
	return queued, dropped
}

// watched adds the instance's watches to set (file → wanted events).
func (f *inotifyFile) watched(set map[fileID]uint32) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, w := range f.byID {
		set[id] |= w.mask&abi.IN_ALL_EVENTS | abi.IN_IGNORED
	}
}

// Read returns whole events, as many as fit; EINVAL when not even the
// first fits. It blocks, interruptibly, while the queue is empty.
func (f *inotifyFile) Read(t *Task, p []byte) (int, abi.Errno) {
	for {
		gen := f.generation() // before the check, so no change is missed
		f.mu.Lock()
		n := 0
		for f.head < len(f.queue) {
			ev := &f.queue[f.head]
			sz := ev.size()
			if sz > len(p)-n {
				if n == 0 {
					f.mu.Unlock()
					return 0, abi.EINVAL
				}
				break
			}
			b := p[n : n+sz]
			binary.LittleEndian.PutUint32(b[0:], uint32(ev.wd))
			binary.LittleEndian.PutUint32(b[4:], ev.mask)
			binary.LittleEndian.PutUint32(b[8:], ev.cookie)
			binary.LittleEndian.PutUint32(b[12:], uint32(sz-abi.SizeofInotifyEvent))
			clear(b[abi.SizeofInotifyEvent:])
			copy(b[abi.SizeofInotifyEvent:], ev.name)
			if ev.mask == abi.IN_Q_OVERFLOW && ev.wd == -1 {
				f.overflow = false
			}
			f.bytes -= sz
			f.queue[f.head] = inoEvent{}
			f.head++
			n += sz
		}
		if f.head == len(f.queue) {
			f.queue, f.head = f.queue[:0], 0
		} else if f.head > 1024 && f.head > len(f.queue)/2 {
			f.queue, f.head = append(f.queue[:0], f.queue[f.head:]...), 0
		}
		f.mu.Unlock()
		if n > 0 {
			return n, 0
		}
		if f.isNonblock() {
			return 0, abi.EAGAIN
		}
		if e := t.waitFor(&f.notifier, gen); e != 0 {
			return 0, e
		}
	}
}

// Write: the instance is open for reading only.
func (f *inotifyFile) Write(t *Task, p []byte) (int, abi.Errno) { return 0, abi.EBADF }

// Close ends the instance with its last fd: its watches go, without events.
func (f *inotifyFile) Close() {
	f.mu.Lock()
	f.closed = true
	clear(f.watches)
	clear(f.byID)
	f.queue, f.head, f.bytes = nil, 0, 0
	f.mu.Unlock()
	f.hub.remove(f)
}

func (f *inotifyFile) Ready() (uint32, uint64) {
	gen := f.generation()
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.head < len(f.queue) {
		return evIn, gen
	}
	return 0, gen
}

// statusFlags: the instance is O_RDONLY, as Linux's anon inode is.
func (f *inotifyFile) statusFlags(t *Task, set bool, arg uint64) uint64 {
	fl := f.nonblockFlag.statusFlags(t, set, arg)
	if set {
		return fl
	}
	return fl &^ abi.O_ACCMODE
}

// ioctl answers FIONREAD (the bytes a read could return); other requests
// are ENOTTY, as Linux's inotify_ioctl.
func (f *inotifyFile) ioctl(t *Task, req uint32, arg uint64) uint64 {
	if req != abi.FIONREAD {
		return errno(abi.ENOTTY)
	}
	f.mu.Lock()
	n := f.bytes
	f.mu.Unlock()
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], uint32(n))
	if t.copyOut(arg, b[:]) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// inotifyNote is what the emulation leaves out (docs/compatibility.md).
const inotifyNote = "events of the container's guest processes (across processes through the registry), not of host processes outside it; " +
	"IN_EXCL_UNLINK accepted, not applied; a file unlinked while another process has it open reports IN_DELETE_SELF at the unlink; no per-user watch limit"
