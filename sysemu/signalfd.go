package sysemu

import (
	"encoding/binary"
	"sync/atomic"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// signalFile is an emulated signalfd: a read takes pending signals of the
// set (the reading thread's first, then the process's) as
// signalfd_siginfo records, as Linux's dequeue does. Its readiness is the
// process's pending set, and it changes whenever a signal is posted.
type signalFile struct {
	p *Process
	nonblockFlag
	mask atomic.Uint64
}

// sysSignalfd4 implements signalfd4(2): a new signalfd (fd -1) or a new
// mask for an existing one.
func sysSignalfd4(t *Task, a [6]uint64) uint64 {
	fd, flags := int(int32(a[0])), a[3]
	if a[2] != 8 || flags&^uint64(abi.SFD_NONBLOCK|abi.SFD_CLOEXEC) != 0 {
		return errno(abi.EINVAL)
	}
	mask, err := t.readU64(a[1])
	if err != nil {
		return errno(abi.EFAULT)
	}
	mask &^= unblockable // SIGKILL and SIGSTOP are never read this way
	if fd != -1 {
		f, ok := t.p.files.Get(fd)
		if !ok {
			return errno(abi.EBADF)
		}
		sf, ok := f.(*signalFile)
		if !ok {
			return errno(abi.EINVAL)
		}
		sf.mask.Store(mask)
		t.p.sig.posted.changed()
		return uint64(fd)
	}
	sf := &signalFile{p: t.p}
	sf.mask.Store(mask)
	sf.on.Store(flags&abi.SFD_NONBLOCK != 0)
	nfd, e := t.p.files.Install(sf, 0, flags&abi.SFD_CLOEXEC != 0)
	if e != 0 {
		return errno(e)
	}
	return uint64(nfd)
}

func (sf *signalFile) Read(t *Task, p []byte) (int, abi.Errno) {
	if len(p) < abi.SizeofSignalfdSiginfo {
		return 0, abi.EINVAL
	}
	s := &t.p.sig
	for {
		gen := s.posted.generation()
		n := 0
		s.mu.Lock()
		for n+abi.SizeofSignalfdSiginfo <= len(p) {
			sig, si := t.dequeueLocked(sf.mask.Load())
			if sig == 0 {
				break
			}
			encodeSignalfd(sig, &si, p[n:n+abi.SizeofSignalfdSiginfo])
			n += abi.SizeofSignalfdSiginfo
		}
		s.mu.Unlock()
		if n > 0 {
			return n, 0
		}
		if sf.isNonblock() {
			return 0, abi.EAGAIN
		}
		if e := t.waitFor(&s.posted, gen); e != 0 {
			return 0, e
		}
	}
}

// encodeSignalfd writes sig's record as Linux's signalfd_copyinfo does:
// the fields of the siginfo's union member, by signal and code.
func encodeSignalfd(sig int, si *sigInfo, b []byte) {
	r := abi.SignalfdSiginfo{Signo: uint32(sig), Errno: si.errno, Code: si.code}
	if si.raw != nil {
		le := binary.LittleEndian
		r.Pid, r.Uid = le.Uint32(si.raw[0:]), le.Uint32(si.raw[4:])
		r.Ptr = le.Uint64(si.raw[8:])
		r.Int = int32(r.Ptr)
	} else {
		switch siginfoLayout(sig, si.code) {
		case layoutFault:
			r.Addr = si.addr
		case layoutChld:
			r.Pid, r.Uid, r.Status, r.Utime, r.Stime = si.pid, si.uid, si.status, si.utime, si.stime
		case layoutTimer:
			r.Tid, r.Overrun, r.Ptr, r.Int = si.pid, si.uid, si.value, int32(si.value)
		case layoutRT:
			r.Pid, r.Uid, r.Ptr, r.Int = si.pid, si.uid, si.value, int32(si.value)
		default:
			r.Pid, r.Uid = si.pid, si.uid
		}
	}
	clear(b)
	copy(b, abi.Bytes(&r))
}

// Write: a signalfd cannot be written.
func (sf *signalFile) Write(t *Task, p []byte) (int, abi.Errno) { return 0, abi.EINVAL }

func (sf *signalFile) Close() {}

// Ready is readable when a signal of the set is pending for the process
// or its main thread (a poll has no reading thread to ask about).
func (sf *signalFile) Ready() (uint32, uint64) {
	s := &sf.p.sig
	gen := s.posted.generation()
	s.mu.Lock()
	pending := s.pending.mask
	sf.p.tmu.Lock()
	if main := sf.p.tasks[sf.p.pid]; main != nil {
		pending |= main.pending.mask
	}
	sf.p.tmu.Unlock()
	s.mu.Unlock()
	if pending&sf.mask.Load() != 0 {
		return evIn, gen
	}
	return 0, gen
}

func (sf *signalFile) Subscribe(ch chan struct{})   { sf.p.sig.posted.Subscribe(ch) }
func (sf *signalFile) Unsubscribe(ch chan struct{}) { sf.p.sig.posted.Unsubscribe(ch) }
