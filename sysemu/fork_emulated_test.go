package sysemu

import (
	"encoding/binary"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// opaquePollable is an emulated file a fork child does not inherit.
type opaquePollable struct{ notifier }

func (*opaquePollable) Read(*Task, []byte) (int, abi.Errno)  { return 0, abi.EINVAL }
func (*opaquePollable) Write(*Task, []byte) (int, abi.Errno) { return 0, abi.EINVAL }
func (*opaquePollable) Close()                               {}
func (*opaquePollable) Ready() (uint32, uint64)              { return evIn, 0 }

// forkInto passes parent's fd table to child as a fork does: host fds
// duplicated (their numbers stand for the child's inherited fds), the
// state through the JSON wire format.
func forkInto(t *testing.T, parent, child *Task) {
	t.Helper()
	fs := &ForkState{}
	var dups []int
	parent.forkFiles(fs, func(fd int, _ string) int {
		d, err := dupCloexec(fd)
		if err != nil {
			t.Fatal(err)
		}
		dups = append(dups, d)
		return d
	})
	b, err := json.Marshal(fs)
	if err != nil {
		t.Fatal(err)
	}
	var got ForkState
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	err = child.p.adoptFiles(got.Files, func(fd int) (*os.File, error) { return os.NewFile(uintptr(fd), "inherited"), nil })
	if err != nil {
		t.Fatal(err)
	}
}

// epollEvent writes a struct epoll_event at addr.
func epollEvent(t *testing.T, task *Task, addr uint64, events uint32, data uint64) uint64 {
	var b [abi.SizeofEpollEvent]byte
	binary.LittleEndian.PutUint32(b[0:], events)
	binary.LittleEndian.PutUint64(b[8:], data)
	if err := task.mem().Write(addr, b[:]); err != nil {
		t.Fatal(err)
	}
	return addr
}

// waitData is the data of the events epoll_wait (timeout 0) returns.
func waitData(t *testing.T, task *Task, buf uint64, epfd uint64) []uint64 {
	t.Helper()
	n := task.call(abi.SYS_EPOLL_PWAIT, epfd, buf, 8, 0, 0, 0)
	if int64(n) < 0 {
		t.Fatalf("epoll_pwait(%d): %d", epfd, int64(n))
	}
	b := make([]byte, n*abi.SizeofEpollEvent)
	task.mem().Read(buf, b)
	var out []uint64
	for i := 0; i < int(n); i++ {
		out = append(out, binary.LittleEndian.Uint64(b[i*16+8:]))
	}
	return out
}

func readU64(t *testing.T, task *Task, fd, buf uint64) (uint64, uint64) {
	t.Helper()
	n := task.call(abi.SYS_READ, fd, buf, 8)
	var b [8]byte
	task.mem().Read(buf, b[:])
	return n, binary.LittleEndian.Uint64(b[:])
}

func writeU64(t *testing.T, task *Task, fd, buf, v uint64) {
	t.Helper()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	task.mem().Write(buf, b[:])
	if n := task.call(abi.SYS_WRITE, fd, buf, 8); n != 8 {
		t.Fatalf("write(%d): %d", fd, int64(n))
	}
}

// A fork child's copies of epoll (nested, edge-triggered, one-shot),
// eventfd, timerfd and signalfd: same fds, flags and state; items of a
// file the child lacks are dropped; dup'd fds stay one description; the
// copies then diverge from the parent's.
func TestForkEmulatedFiles(t *testing.T) {
	parent, child := credTask(t, nil), credTask(t, nil)
	pb, cb := scratch(t, parent), scratch(t, child)
	const (
		ev    = 0    // epoll_event
		out   = 64   // epoll_wait's array
		io    = 512  // read/write buffer
		ts    = 1024 // itimerspec
		sigmk = 1536 // signal set
	)
	if r := parent.call(abi.SYS_PIPE2, pb+io, 0); r != 0 {
		t.Fatalf("pipe2: %d", int64(r))
	}
	var pfd [8]byte
	parent.mem().Read(pb+io, pfd[:])
	rfd, wfd := uint64(binary.LittleEndian.Uint32(pfd[0:])), uint64(binary.LittleEndian.Uint32(pfd[4:]))

	efd := parent.call(abi.SYS_EVENTFD2, 5, abi.EFD_NONBLOCK|abi.EFD_CLOEXEC)
	efd2 := parent.call(abi.SYS_DUP, efd)
	once := parent.call(abi.SYS_EVENTFD2, 1, abi.EFD_NONBLOCK)

	tfd := parent.call(abi.SYS_TIMERFD_CREATE, abi.CLOCK_MONOTONIC, abi.TFD_NONBLOCK)
	var spec [32]byte
	binary.LittleEndian.PutUint64(spec[0:], 3600) // interval 1h
	binary.LittleEndian.PutUint64(spec[16:], 3600)
	parent.mem().Write(pb+ts, spec[:])
	if r := parent.call(abi.SYS_TIMERFD_SETTIME, tfd, 0, pb+ts, 0); r != 0 {
		t.Fatalf("timerfd_settime: %d", int64(r))
	}
	// Expired before the fork, unread: the child reads the expiration.
	fired := parent.call(abi.SYS_TIMERFD_CREATE, abi.CLOCK_MONOTONIC, abi.TFD_NONBLOCK)
	clear(spec[:])
	binary.LittleEndian.PutUint64(spec[24:], 1) // 1ns
	parent.mem().Write(pb+ts, spec[:])
	parent.call(abi.SYS_TIMERFD_SETTIME, fired, 0, pb+ts, 0)
	// Armed, expiring after the fork: the child's copy fires on its own.
	later := parent.call(abi.SYS_TIMERFD_CREATE, abi.CLOCK_MONOTONIC, abi.TFD_NONBLOCK)
	binary.LittleEndian.PutUint64(spec[24:], uint64(30*time.Millisecond))
	parent.mem().Write(pb+ts, spec[:])
	parent.call(abi.SYS_TIMERFD_SETTIME, later, 0, pb+ts, 0)

	var mask [8]byte
	binary.LittleEndian.PutUint64(mask[:], sigBit(abi.SIGUSR1))
	parent.mem().Write(pb+sigmk, mask[:])
	sfd := parent.call(abi.SYS_SIGNALFD4, minus1, pb+sigmk, 8, abi.SFD_NONBLOCK)

	outer := parent.call(abi.SYS_EPOLL_CREATE1, abi.EPOLL_CLOEXEC)
	inner := parent.call(abi.SYS_EPOLL_CREATE1, 0)
	opaque, _ := parent.p.files.Install(&opaquePollable{}, 0, false)
	ctl := func(epfd, op, fd uint64, events uint32, data uint64) {
		t.Helper()
		if r := parent.call(abi.SYS_EPOLL_CTL, epfd, op, fd, epollEvent(t, parent, pb+ev, events, data)); r != 0 {
			t.Fatalf("epoll_ctl(%d, %d, %d): %d", epfd, op, fd, int64(r))
		}
	}
	ctl(inner, abi.EPOLL_CTL_ADD, rfd, abi.EPOLLIN, 0x1122334455667788)
	ctl(outer, abi.EPOLL_CTL_ADD, inner, abi.EPOLLIN, 7)
	ctl(outer, abi.EPOLL_CTL_ADD, efd, abi.EPOLLIN|abi.EPOLLET, 8)
	ctl(outer, abi.EPOLL_CTL_ADD, once, abi.EPOLLIN|abi.EPOLLONESHOT, 9)
	ctl(outer, abi.EPOLL_CTL_ADD, uint64(opaque), abi.EPOLLIN, 10)
	if got := waitData(t, parent, pb+out, outer); len(got) != 3 {
		t.Fatalf("parent's events before the fork: %v, want 8, 9 and 10", got)
	}

	forkInto(t, parent, child)

	for fd, want := range map[uint64]uint64{outer: 1, inner: 0, efd: 1, efd2: 0, sfd: 0} {
		if got := child.call(abi.SYS_FCNTL, fd, abi.F_GETFD); got != want {
			t.Errorf("child's FD_CLOEXEC of fd %d: %d, want %d", fd, int64(got), want)
		}
	}
	if _, ok := child.p.files.Get(opaque); ok {
		t.Errorf("the child has fd %d of a file it cannot inherit", opaque)
	}
	f, _ := child.p.files.Get(int(outer))
	ep := f.(*epollFile)
	if len(ep.items) != 3 || ep.items[int(inner)] == nil || ep.items[int(efd)] == nil || ep.items[int(once)] == nil {
		t.Errorf("child's interest list %v, want fds %d, %d and %d (not %d)", ep.items, inner, efd, once, opaque)
	}
	// The edge of fd efd and the one-shot were reported in the parent;
	// the pipe is empty.
	if got := waitData(t, child, cb+out, outer); len(got) != 0 {
		t.Errorf("child's events after the fork: %v, want none", got)
	}
	child.mem().Write(cb+io, []byte("x"))
	if n := child.call(abi.SYS_WRITE, wfd, cb+io, 1); n != 1 {
		t.Fatalf("write to the pipe: %d", int64(n))
	}
	if got := waitData(t, child, cb+out, outer); len(got) != 1 || got[0] != 7 {
		t.Errorf("child's outer events on a readable pipe: %v, want [7]", got)
	}
	if got := waitData(t, child, cb+out, inner); len(got) != 1 || got[0] != 0x1122334455667788 {
		t.Errorf("child's inner events: %#x, want [0x1122334455667788]", got)
	}
	if r := child.call(abi.SYS_EPOLL_CTL, outer, abi.EPOLL_CTL_MOD, once, epollEvent(t, child, cb+ev, abi.EPOLLIN|abi.EPOLLONESHOT, 9)); r != 0 {
		t.Fatalf("child's EPOLL_CTL_MOD: %d", int64(r))
	}
	if got := waitData(t, child, cb+out, outer); len(got) != 2 || got[1] != 9 {
		t.Errorf("child's events after re-arming the one-shot: %v, want [7 9]", got)
	}

	if n, v := readU64(t, child, efd2, cb+io); n != 8 || v != 5 {
		t.Errorf("child's eventfd read: %d, %d; want the parent's count 5", int64(n), v)
	}
	if n, _ := readU64(t, child, efd, cb+io); n != ret(abi.EAGAIN) {
		t.Errorf("child's read of the dup'd eventfd: %d, want EAGAIN (one description)", int64(n))
	}
	writeU64(t, child, efd, cb+io, 2)
	if got := waitData(t, child, cb+out, outer); len(got) != 2 || got[1] != 8 {
		t.Errorf("child's events after an eventfd write: %v, want [7 8] (a new edge)", got)
	}
	if n, v := readU64(t, parent, efd, pb+io); n != 8 || v != 5 {
		t.Errorf("parent's eventfd read after the child's: %d, %d; want its own count 5 (copies diverge)", int64(n), v)
	}

	if r := child.call(abi.SYS_TIMERFD_GETTIME, tfd, cb+ts); r != 0 {
		t.Fatalf("timerfd_gettime: %d", int64(r))
	}
	child.mem().Read(cb+ts, spec[:])
	interval := time.Duration(binary.LittleEndian.Uint64(spec[0:]))*time.Second + time.Duration(binary.LittleEndian.Uint64(spec[8:]))
	value := time.Duration(binary.LittleEndian.Uint64(spec[16:]))*time.Second + time.Duration(binary.LittleEndian.Uint64(spec[24:]))
	if interval != time.Hour || value <= 0 || value > time.Hour {
		t.Errorf("child's timer: interval %v, remaining %v; want 1h and (0, 1h]", interval, value)
	}
	if n, v := readU64(t, child, fired, cb+io); n != 8 || v != 1 {
		t.Errorf("child's read of a timer expired before the fork: %d, %d; want 1 expiration", int64(n), v)
	}
	// The copy of a timer armed before the fork wakes its waiters.
	tf, _ := child.p.files.Get(int(later))
	woke := make(chan struct{}, 1)
	tf.(*timerFile).Subscribe(woke)
	select {
	case <-woke:
	case <-time.After(5 * time.Second):
		t.Errorf("child's copy of a timer armed before the fork did not fire")
	}
	if n, v := readU64(t, child, later, cb+io); n != 8 || v != 1 {
		t.Errorf("child's read of the timer that fired: %d, %d", int64(n), v)
	}

	g, _ := child.p.files.Get(int(sfd))
	sf := g.(*signalFile)
	if sf.p != child.p || sf.mask.Load() != sigBit(abi.SIGUSR1) || !sf.isNonblock() {
		t.Errorf("child's signalfd: own process %v, mask %#x, nonblock %v", sf.p == child.p, sf.mask.Load(), sf.isNonblock())
	}
	child.sigmask = sigBit(abi.SIGUSR1)
	child.p.post(nil, abi.SIGUSR1, sigInfo{code: abi.SI_USER})
	if n := child.call(abi.SYS_READ, sfd, cb+io, abi.SizeofSignalfdSiginfo); n != abi.SizeofSignalfdSiginfo {
		t.Errorf("child's signalfd read: %d", int64(n))
	}
	if n := parent.call(abi.SYS_READ, sfd, pb+io, abi.SizeofSignalfdSiginfo); n != ret(abi.EAGAIN) {
		t.Errorf("parent's signalfd read of the child's signal: %d, want EAGAIN", int64(n))
	}
}
