package sysemu

import (
	"encoding/binary"
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// ppoll and pselect6 on carrick's files: emulated files report their own
// readiness and wake the waiter; host fds are polled with the host's
// poll(2) in short slices, as epoll does (epoll.go).

// pollReady returns the ready events of one fd for the requested ones
// (errors and hang-ups are always reported), and adds the fd to what ws
// waits on.
func (t *Task) pollReady(fd int, want int16, ws *waitSet) int16 {
	f, ok := t.p.files.Get(fd)
	if !ok {
		return unix.POLLNVAL
	}
	switch f := f.(type) {
	case pollable:
		ws.subscribe(f)
		r, _ := f.Ready()
		return int16(r) & (want | unix.POLLERR | unix.POLLHUP)
	case hostPollable:
		if f.HostFD() < 0 {
			return want & (unix.POLLIN | unix.POLLOUT) // synthetic files are always ready
		}
		hw := hostWant{fd: f.HostFD(), events: hostPollEvents(want)}
		ws.host = append(ws.host, hw)
		r, err := hostReady([]hostWant{hw}, 0)
		if err != nil || r[0] == 0 {
			return 0
		}
		return guestPollEvents(r[0])
	}
	return want & (unix.POLLIN | unix.POLLOUT)
}

// POLL* values are the same on Linux and darwin for the bits used here
// (IN 1, PRI 2, OUT 4, ERR 8, HUP 0x10, NVAL 0x20); the conversion keeps
// the guest's other bits out of the host call.
func hostPollEvents(g int16) int16 {
	return g & (unix.POLLIN | unix.POLLPRI | unix.POLLOUT | pollRdHup)
}

func guestPollEvents(h int16) int16 {
	return h & (unix.POLLIN | unix.POLLPRI | unix.POLLOUT | unix.POLLERR | unix.POLLHUP | unix.POLLNVAL | pollRdHup)
}

// pollWait runs check until it reports something or the timeout passes
// (timeout < 0: forever). A signal makes it errRestartNoHand: ppoll and
// pselect6 restart only when no handler runs.
func (t *Task) pollWait(timeout time.Duration, check func(ws *waitSet) int) (int, abi.Errno) {
	var deadline time.Time
	if timeout >= 0 {
		deadline = time.Now().Add(timeout)
	}
	ws := newWaitSet()
	defer ws.close()
	for {
		ws.host = ws.host[:0]
		if n := check(ws); n > 0 || timeout == 0 {
			return n, 0
		}
		sleep := time.Duration(-1)
		if !deadline.IsZero() {
			sleep = time.Until(deadline)
			if sleep <= 0 {
				return 0, 0
			}
		}
		if e := ws.sleep(t, sleep); e != 0 {
			return 0, errRestartNoHand
		}
	}
}

// sysPpoll implements ppoll(2).
func sysPpoll(t *Task, a [6]uint64) uint64 {
	nfds := a[1]
	if nfds > uint64(t.p.files.limit()) {
		return errno(abi.EINVAL)
	}
	b := make([]byte, 8*nfds)
	if t.copyIn(a[0], b) != nil {
		return errno(abi.EFAULT)
	}
	timeout, writeBack, e := t.pollTimeout(a[2])
	if e != 0 {
		return errno(e)
	}
	end, e := t.tempSigmask(a[3], a[4])
	if e != 0 {
		return errno(e)
	}
	n, e := t.pollWait(timeout, func(ws *waitSet) int {
		ready := 0
		for i := uint64(0); i < nfds; i++ {
			fd := int32(binary.LittleEndian.Uint32(b[8*i:]))
			want := int16(binary.LittleEndian.Uint16(b[8*i+4:]))
			var got int16
			if fd >= 0 {
				got = t.pollReady(int(fd), want, ws)
			}
			binary.LittleEndian.PutUint16(b[8*i+6:], uint16(got))
			if got != 0 {
				ready++
			}
		}
		return ready
	})
	end(e != 0)
	writeBack()
	if e != 0 {
		return errno(e)
	}
	if t.copyOut(a[0], b) != nil {
		return errno(abi.EFAULT)
	}
	return uint64(n)
}

// sysPselect6 implements pselect6(2).
func sysPselect6(t *Task, a [6]uint64) uint64 {
	nfds := int(int32(a[0]))
	if nfds < 0 {
		return errno(abi.EINVAL)
	}
	nfds = min(nfds, fdCeiling) // Linux clips it to its table's size
	words := (nfds + 63) / 64
	var sets [3][]uint64
	for i, addr := range a[1:4] {
		if addr == 0 {
			continue
		}
		b := make([]byte, 8*words)
		if t.copyIn(addr, b) != nil {
			return errno(abi.EFAULT)
		}
		sets[i] = make([]uint64, words)
		for w := range sets[i] {
			sets[i][w] = binary.LittleEndian.Uint64(b[8*w:])
		}
	}
	timeout, writeBack, e := t.pollTimeout(a[4])
	if e != 0 {
		return errno(e)
	}
	// The sixth argument points at {const sigset_t *ss; size_t ss_len}.
	var maskAddr, maskLen uint64
	if a[5] != 0 {
		var err error
		if maskAddr, err = t.readU64(a[5]); err != nil {
			return errno(abi.EFAULT)
		}
		if maskLen, err = t.readU64(a[5] + 8); err != nil {
			return errno(abi.EFAULT)
		}
	}
	end, e := t.tempSigmask(maskAddr, maskLen)
	if e != 0 {
		return errno(e)
	}
	var out [3][]uint64
	events := [3]int16{unix.POLLIN, unix.POLLOUT, unix.POLLPRI}
	n, e := t.pollWait(timeout, func(ws *waitSet) int {
		ready := 0
		for s := range out {
			if sets[s] == nil {
				continue
			}
			out[s] = make([]uint64, words)
			for fd := 0; fd < nfds; fd++ {
				if sets[s][fd/64]&(1<<(fd%64)) == 0 {
					continue
				}
				got := t.pollReady(fd, events[s], ws)
				if got&unix.POLLNVAL != 0 {
					ready = -1
					return 1
				}
				if got&(events[s]|unix.POLLERR|unix.POLLHUP) != 0 && (s != 2 || got&unix.POLLPRI != 0) {
					out[s][fd/64] |= 1 << (fd % 64)
					ready++
				}
			}
		}
		return ready
	})
	end(e != 0)
	writeBack()
	if e != 0 {
		return errno(e)
	}
	if n < 0 {
		return errno(abi.EBADF)
	}
	for s, addr := range a[1:4] {
		if addr == 0 {
			continue
		}
		b := make([]byte, 8*words)
		for w := range out[s] {
			binary.LittleEndian.PutUint64(b[8*w:], out[s][w])
		}
		if t.copyOut(addr, b) != nil {
			return errno(abi.EFAULT)
		}
	}
	return uint64(n)
}

// tempSigmask installs a syscall's temporary signal mask (ppoll, pselect6,
// epoll_pwait) and returns the function that ends it: the old mask comes
// back at once, or, when the call was interrupted, when the signal has been
// delivered (endTempMask).
func (t *Task) tempSigmask(addr, size uint64) (end func(interrupted bool), e abi.Errno) {
	if addr == 0 {
		return func(bool) {}, 0
	}
	if size != 8 {
		return nil, abi.EINVAL
	}
	m, err := t.readU64(addr)
	if err != nil {
		return nil, abi.EFAULT
	}
	t.setTempMask(m)
	return t.endTempMask, 0
}

// pollTimeout reads ppoll's and pselect6's timeout (-1 for none) and
// returns it with a function that writes the time left back when the
// call returns, as Linux does (a zero timeout is left alone, and a
// read-only timespec is not an error).
func (t *Task) pollTimeout(addr uint64) (timeout time.Duration, writeBack func(), e abi.Errno) {
	if addr == 0 {
		return -1, func() {}, 0
	}
	d, e := t.readTimespec(addr)
	if e != 0 {
		return 0, nil, e
	}
	if d == 0 {
		return 0, func() {}, 0
	}
	deadline := time.Now().Add(d)
	return d, func() {
		t.writeTimespec(addr, max(time.Until(deadline), 0))
	}, 0
}
