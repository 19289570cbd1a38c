package sysemu

import (
	"errors"
	"syscall"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
)

// hostErrno converts a host error to a Linux errno.
func hostErrno(err error) abi.Errno {
	var en syscall.Errno
	if errors.As(err, &en) {
		return errnoFromHost(en)
	}
	if errors.Is(err, vcpu.ErrFault) {
		return abi.EFAULT
	}
	return abi.EIO
}

// sysRead implements read(2).
func sysRead(t *Task, a [6]uint64) uint64 { return t.rw(a, false) }

// sysWrite implements write(2).
func sysWrite(t *Task, a [6]uint64) uint64 { return t.rw(a, true) }

// rw is read or write of one guest buffer at the file's position.
func (t *Task) rw(a [6]uint64, write bool) uint64 {
	f, ok := t.p.files.Get(int(int32(a[0])))
	if !ok {
		return errno(abi.EBADF)
	}
	if _, in := f.(*inotifyFile); a[2] == 0 && !in {
		return 0
	}
	acc := vcpu.AccessWrite // read(2) writes guest memory
	if write {
		acc = vcpu.AccessRead
	}
	buf, err := t.mem().Slice(a[1], min(a[2], 1<<30), acc)
	if err != nil {
		return errno(abi.EFAULT)
	}
	var n int
	var e abi.Errno
	if write {
		n, e = f.Write(t, buf)
	} else {
		n, e = f.Read(t, buf)
	}
	if e != 0 {
		return errno(e)
	}
	return uint64(n)
}

// iovecs reads a guest iovec array.
func (t *Task) iovecs(addr, count uint64) ([][2]uint64, abi.Errno) {
	if count > 1024 {
		return nil, abi.EINVAL
	}
	out := make([][2]uint64, count)
	for i := range out {
		base, err := t.readU64(addr + uint64(i)*16)
		if err != nil {
			return nil, abi.EFAULT
		}
		n, err := t.readU64(addr + uint64(i)*16 + 8)
		if err != nil {
			return nil, abi.EFAULT
		}
		out[i] = [2]uint64{base, n}
	}
	return out, 0
}

// sysWritev implements writev(2).
func sysWritev(t *Task, a [6]uint64) uint64 {
	f, ok := t.p.files.Get(int(int32(a[0])))
	if !ok {
		return errno(abi.EBADF)
	}
	iov, e := t.iovecs(a[1], a[2])
	if e != 0 {
		return errno(e)
	}
	var all []byte
	for _, v := range iov {
		b, err := t.mem().Slice(v[0], v[1], vcpu.AccessRead)
		if err != nil {
			return errno(abi.EFAULT)
		}
		all = append(all, b...)
	}
	if len(all) == 0 {
		return 0
	}
	n, e := f.Write(t, all)
	if e != 0 {
		return errno(e)
	}
	return uint64(n)
}

// sysReadv implements readv(2).
func sysReadv(t *Task, a [6]uint64) uint64 {
	f, ok := t.p.files.Get(int(int32(a[0])))
	if !ok {
		return errno(abi.EBADF)
	}
	iov, e := t.iovecs(a[1], a[2])
	if e != 0 {
		return errno(e)
	}
	if s, ok := f.(socketFile); ok {
		// One message across all the buffers (a datagram is not split
		// over reads).
		m := &sockMsg{}
		for _, v := range iov {
			b, e := t.guestBuf(v[0], v[1], vcpu.AccessWrite)
			if e != 0 {
				return errno(e)
			}
			if len(b) > 0 {
				m.Iov = append(m.Iov, b)
			}
		}
		n, e := s.Recvmsg(t, m, 0)
		if e != 0 {
			return errno(e)
		}
		return uint64(n)
	}
	total := uint64(0)
	for _, v := range iov {
		if v[1] == 0 {
			continue
		}
		b, err := t.mem().Slice(v[0], v[1], vcpu.AccessWrite)
		if err != nil {
			return errno(abi.EFAULT)
		}
		n, e := f.Read(t, b)
		total += uint64(n)
		if e != 0 {
			if total == 0 {
				return errno(e)
			}
			break
		}
		if n < len(b) {
			break
		}
	}
	return total
}

// sysClose implements close(2).
func sysClose(t *Task, a [6]uint64) uint64 {
	if !t.p.files.Close(int(int32(a[0]))) {
		return errno(abi.EBADF)
	}
	return 0
}
