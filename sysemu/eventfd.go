package sysemu

import (
	"encoding/binary"
	"sync"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// eventFile is an emulated eventfd: the same code on every host, so the
// readiness it feeds to epoll is carrick's own.
type eventFile struct {
	notifier
	semaphore bool

	nonblockFlag

	mu sync.Mutex
	// count is guarded by mu.
	count uint64
}

const eventfdMax = ^uint64(0) - 1

// sysEventfd2 implements eventfd2(2).
func sysEventfd2(t *Task, a [6]uint64) uint64 {
	flags := a[1]
	if flags&^uint64(abi.EFD_SEMAPHORE|abi.EFD_NONBLOCK|abi.EFD_CLOEXEC) != 0 {
		return errno(abi.EINVAL)
	}
	ef := &eventFile{count: uint64(uint32(a[0])), semaphore: flags&abi.EFD_SEMAPHORE != 0}
	ef.on.Store(flags&abi.EFD_NONBLOCK != 0)
	fd, e := t.p.files.Install(ef, 0, flags&abi.EFD_CLOEXEC != 0)
	if e != 0 {
		return errno(e)
	}
	return uint64(fd)
}

func (ef *eventFile) Read(t *Task, p []byte) (int, abi.Errno) {
	if len(p) < 8 {
		return 0, abi.EINVAL
	}
	for {
		gen := ef.generation() // before the check, so no change is missed
		ef.mu.Lock()
		if ef.count > 0 {
			v := ef.count
			if ef.semaphore {
				v = 1
			}
			ef.count -= v
			ef.mu.Unlock()
			binary.LittleEndian.PutUint64(p, v)
			ef.changed()
			return 8, 0
		}
		nonblock := ef.isNonblock()
		ef.mu.Unlock()
		if nonblock {
			return 0, abi.EAGAIN
		}
		if e := t.waitFor(&ef.notifier, gen); e != 0 {
			return 0, e
		}
	}
}

func (ef *eventFile) Write(t *Task, p []byte) (int, abi.Errno) {
	if len(p) < 8 {
		return 0, abi.EINVAL
	}
	v := binary.LittleEndian.Uint64(p)
	if v == ^uint64(0) {
		return 0, abi.EINVAL
	}
	for {
		gen := ef.generation()
		ef.mu.Lock()
		if ef.count+v <= eventfdMax && ef.count+v >= ef.count {
			ef.count += v
			ef.mu.Unlock()
			ef.changed()
			return 8, 0
		}
		nonblock := ef.isNonblock()
		ef.mu.Unlock()
		if nonblock {
			return 0, abi.EAGAIN
		}
		if e := t.waitFor(&ef.notifier, gen); e != 0 {
			return 0, e
		}
	}
}

func (ef *eventFile) Close() {}

func (ef *eventFile) Ready() (uint32, uint64) {
	gen := ef.generation()
	ef.mu.Lock()
	defer ef.mu.Unlock()
	var ev uint32
	if ef.count > 0 {
		ev |= evIn
	}
	if ef.count < eventfdMax {
		ev |= evOut
	}
	return ev, gen
}

// waitFor blocks until n's generation moves past gen (read by the caller
// before it checked the state it waits on), a signal arrives (the call
// restarts or fails with EINTR per the handler's SA_RESTART, as a read of
// an eventfd does on Linux) or the process exits.
func (t *Task) waitFor(n *notifier, gen uint64) abi.Errno {
	ch := make(chan struct{}, 1)
	n.Subscribe(ch)
	defer n.Unsubscribe(ch)
	if n.generation() != gen {
		return 0
	}
	for {
		select {
		case <-ch:
			return 0
		case <-t.p.done:
			return abi.EINTR
		case <-t.wake:
			if t.signalPending() {
				return errRestartSys
			}
		}
	}
}
