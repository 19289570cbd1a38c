package sysemu

import (
	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// splice(2) and the pipe-size fcntls, emulated on every host (darwin has
// no splice): the data goes through carrick rather than staying in the
// kernel, which programs cannot tell apart. Go's io.Copy between two TCP
// connections splices through a pipe and fails outright on ENOSYS.

// spliceChunk bounds one splice: what fits an empty pipe on every host,
// so a splice into a pipe nobody reads yet never blocks (Go drains the
// pipe only after the splice into it returns).
const spliceChunk = 16384

// Linux's default pipe size and the unprivileged ceiling
// (/proc/sys/fs/pipe-max-size).
const (
	pipeDefaultSize = 65536
	pipeMaxSize     = 1 << 20
)

// isPipe reports whether f is a host pipe (or FIFO).
func isPipe(f File) bool {
	h, ok := f.(*hostFile)
	if !ok {
		return false
	}
	var st unix.Stat_t
	return unix.Fstat(h.fd, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFIFO
}

// sysSplice implements splice(2): one end must be a pipe; an offset may
// be given for the other end only when it is a file.
func sysSplice(t *Task, a [6]uint64) uint64 {
	in, ok := t.p.files.Get(int(int32(a[0])))
	out, ok2 := t.p.files.Get(int(int32(a[2])))
	if !ok || !ok2 {
		return errno(abi.EBADF)
	}
	n, flags := a[4], a[5]
	if flags&^uint64(abi.SPLICE_F_MOVE|abi.SPLICE_F_NONBLOCK|abi.SPLICE_F_MORE|abi.SPLICE_F_GIFT) != 0 {
		return errno(abi.EINVAL)
	}
	inPipe, outPipe := isPipe(in), isPipe(out)
	if !inPipe && !outPipe {
		return errno(abi.EINVAL)
	}
	if (inPipe && a[1] != 0) || (outPipe && a[3] != 0) {
		return errno(abi.ESPIPE)
	}
	if in == out {
		return errno(abi.EINVAL)
	}
	if n == 0 {
		return 0
	}
	var inOff *int64
	if a[1] != 0 {
		v, err := t.readU64(a[1])
		if err != nil {
			return errno(abi.EFAULT)
		}
		o := int64(v)
		inOff = &o
	}
	if a[3] != 0 {
		// Splicing into a file at an offset: rare; not emulated.
		t.p.compat.Record("splice with an output offset")
		return errno(abi.EINVAL)
	}
	if flags&abi.SPLICE_F_NONBLOCK != 0 {
		// The pipe end does not wait: nothing in it, or no room.
		if inPipe && !hostReadyNow(in, unix.POLLIN) {
			return errno(abi.EAGAIN)
		}
		if outPipe && !hostReadyNow(out, unix.POLLOUT) {
			return errno(abi.EAGAIN)
		}
	}
	buf := make([]byte, min(n, spliceChunk))
	var r int
	var e abi.Errno
	if inOff != nil {
		of, ok := in.(*osFile)
		if !ok || of.rf.Fd() < 0 {
			return errno(abi.EINVAL)
		}
		var err error
		if r, err = unix.Pread(of.rf.Fd(), buf, *inOff); err != nil {
			return errno(readErr(err))
		}
	} else if r, e = in.Read(t, buf); e != 0 {
		return errno(e)
	}
	if r == 0 {
		return 0
	}
	w := 0
	for w < r {
		k, e := out.Write(t, buf[w:r])
		w += k
		if e == abi.EAGAIN || (e == 0 && k == 0) {
			// The input cannot take the bytes back: wait for room.
			if h, ok := out.(hostPollable); ok && h.HostFD() >= 0 {
				if e := t.waitSock(h.HostFD(), unix.POLLOUT, 0); e != 0 && w == 0 {
					t.unread(in, inOff, r)
					return errno(e)
				}
				continue
			}
		}
		if e != 0 {
			t.unread(in, inOff, r-w)
			if w == 0 {
				return errno(e)
			}
			break
		}
	}
	if inOff != nil {
		*inOff += int64(w)
		if t.writeU64(a[1], uint64(*inOff)) != nil {
			return errno(abi.EFAULT)
		}
	}
	return uint64(w)
}

// hostReadyNow reports whether a host-backed file is ready for events now.
func hostReadyNow(f File, events int16) bool {
	h, ok := f.(hostPollable)
	if !ok || h.HostFD() < 0 {
		return true
	}
	r, err := hostReady([]hostWant{{fd: h.HostFD(), events: events}}, 0)
	return err == nil && r[0] != 0
}

// pipeSize answers F_GETPIPE_SZ and F_SETPIPE_SZ: the size is recorded
// (the host keeps its own buffer), rounded up to a power of two of at
// least a page, as Linux rounds it.
func pipeSize(t *Task, f File, set bool, arg uint64) uint64 {
	h, ok := f.(*hostFile)
	if !ok || !isPipe(f) {
		return errno(abi.EBADF)
	}
	if !set {
		if v := h.pipeSize.Load(); v != 0 {
			return v
		}
		return pipeDefaultSize
	}
	if int64(arg) <= 0 || arg > 1<<31 {
		return errno(abi.EINVAL)
	}
	size := uint64(4096)
	for size < arg {
		size <<= 1
	}
	if size > pipeMaxSize && t.p.creds().EUID != 0 {
		return errno(abi.EPERM)
	}
	h.pipeSize.Store(size)
	return size
}
