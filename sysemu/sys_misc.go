package sysemu

import (
	"encoding/binary"
	"io"
	"runtime"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/mm"
	"github.com/carrick-go/carrick/vcpu"
)

// Smaller syscalls: vectored positioned I/O, close_range, sendfile,
// copy_file_range, fallocate, flock, memory advice, credentials,
// scheduling and CPU queries.

// sysPreadv implements preadv(2) and preadv2(2) (flags 0 or RWF_HIPRI).
func sysPreadv(t *Task, a [6]uint64) uint64 { return t.preadv(a, false) }

// sysPwritev implements pwritev(2) and pwritev2(2).
func sysPwritev(t *Task, a [6]uint64) uint64 { return t.preadv(a, true) }

func (t *Task) preadv(a [6]uint64, write bool) uint64 {
	off := int64(a[3])
	if off == -1 { // preadv2 with offset -1: the file position
		if write {
			return sysWritev(t, a)
		}
		return sysReadv(t, a)
	}
	if off < 0 {
		return errno(abi.EINVAL)
	}
	of, e := t.osFile(a[0])
	if e != 0 {
		return errno(e)
	}
	iov, e := t.iovecs(a[1], a[2])
	if e != 0 {
		return errno(e)
	}
	total := uint64(0)
	for _, v := range iov {
		if v[1] == 0 {
			continue
		}
		acc := vcpu.AccessWrite
		if write {
			acc = vcpu.AccessRead
		}
		b, err := t.mem().Slice(v[0], v[1], acc)
		if err != nil {
			return errno(abi.EFAULT)
		}
		var n int
		if write {
			n, err = unix.Pwrite(of.rf.Fd(), b, off+int64(total))
		} else {
			n, err = unix.Pread(of.rf.Fd(), b, off+int64(total))
		}
		if err != nil {
			if total == 0 {
				return errno(readErr(err))
			}
			break
		}
		total += uint64(n)
		if n < len(b) {
			break
		}
	}
	t.notifyIO(of, int(total), write)
	return total
}

// sysCloseRange implements close_range(2).
func sysCloseRange(t *Task, a [6]uint64) uint64 {
	first, last, flags := a[0], a[1], a[2]
	const closeRangeCloexec = 1 << 2
	if flags&^uint64(closeRangeCloexec|1<<1) != 0 || first > last {
		return errno(abi.EINVAL)
	}
	for _, fd := range t.p.files.Fds() {
		if uint64(fd) < first || uint64(fd) > last {
			continue
		}
		if flags&closeRangeCloexec != 0 {
			t.p.files.SetCloseOnExec(int(fd), true)
		} else {
			t.p.files.Close(int(fd))
		}
	}
	return 0
}

// copyBetween copies up to n bytes from in to out through carrick (the
// files may be any mix of host and emulated ones).
func (t *Task) copyBetween(in, out File, inOff *int64, n uint64) (uint64, abi.Errno) {
	buf := make([]byte, min(n, 1<<20))
	total := uint64(0)
	for total < n {
		chunk := buf[:min(uint64(len(buf)), n-total)]
		var r int
		var e abi.Errno
		if inOff != nil {
			of, ok := in.(*osFile)
			if !ok {
				return total, abi.ESPIPE
			}
			rn, err := unix.Pread(of.rf.Fd(), chunk, *inOff)
			if err != nil {
				e = readErr(err)
			}
			r = rn
			if r > 0 {
				*inOff += int64(r)
			}
		} else {
			r, e = in.Read(t, chunk)
		}
		if e != 0 {
			if total == 0 {
				return 0, e
			}
			break
		}
		if r == 0 {
			break
		}
		w, e := out.Write(t, chunk[:r])
		total += uint64(w)
		if e != 0 || w < r {
			t.unread(in, inOff, r-w)
			if total == 0 {
				return 0, e
			}
			break
		}
	}
	return total, 0
}

// unread gives back n bytes a copy read from in but could not write (a
// non-blocking socket took fewer): the offset or the file position moves
// back, so the next call sends them. (splice, whose input may be a pipe
// that cannot go back, writes the rest instead: sys_splice.go.)
func (t *Task) unread(in File, inOff *int64, n int) {
	if n <= 0 {
		return
	}
	if inOff != nil {
		*inOff -= int64(n)
		return
	}
	if of, ok := in.(*osFile); ok && of.rf.Fd() >= 0 {
		unix.Seek(of.rf.Fd(), -int64(n), 1)
	}
}

// sysSendfile implements sendfile(2).
func sysSendfile(t *Task, a [6]uint64) uint64 {
	out, ok := t.p.files.Get(int(int32(a[0])))
	in, ok2 := t.p.files.Get(int(int32(a[1])))
	if !ok || !ok2 {
		return errno(abi.EBADF)
	}
	var off *int64
	if a[2] != 0 {
		v, err := t.readU64(a[2])
		if err != nil {
			return errno(abi.EFAULT)
		}
		o := int64(v)
		off = &o
	}
	n, e := t.copyBetween(in, out, off, a[3])
	if e != 0 {
		return errno(e)
	}
	if off != nil && t.writeU64(a[2], uint64(*off)) != nil {
		return errno(abi.EFAULT)
	}
	return n
}

// sysCopyFileRange implements copy_file_range(2) (output at its file
// position unless an output offset is given).
func sysCopyFileRange(t *Task, a [6]uint64) uint64 {
	in, e := t.regularFile(a[0])
	if e != 0 {
		return errno(e)
	}
	out, e := t.regularFile(a[2])
	if e != 0 {
		return errno(e)
	}
	if a[5] != 0 {
		return errno(abi.EINVAL)
	}
	var inOff, outOff *int64
	for _, p := range []struct {
		addr uint64
		dst  **int64
	}{{a[1], &inOff}, {a[3], &outOff}} {
		if p.addr != 0 {
			v, err := t.readU64(p.addr)
			if err != nil {
				return errno(abi.EFAULT)
			}
			o := int64(v)
			*p.dst = &o
		}
	}
	if sameFileOverlap(in, out, inOff, outOff, a[4]) {
		return errno(abi.EINVAL) // as Linux: the caller falls back to copying
	}
	var n uint64
	if outOff != nil {
		buf := make([]byte, min(a[4], 1<<20))
		for n < a[4] {
			chunk := buf[:min(uint64(len(buf)), a[4]-n)]
			var r int
			var err error
			if inOff != nil {
				r, err = unix.Pread(in.rf.Fd(), chunk, *inOff+int64(n))
			} else {
				r, err = unix.Read(in.rf.Fd(), chunk)
			}
			if err != nil || r <= 0 {
				break
			}
			w, err := unix.Pwrite(out.rf.Fd(), chunk[:r], *outOff+int64(n))
			if err != nil {
				break
			}
			n += uint64(w)
		}
		*outOff += int64(n)
		if inOff != nil {
			*inOff += int64(n)
		}
	} else {
		var e abi.Errno
		if n, e = t.copyBetween(in, out, inOff, a[4]); e != 0 {
			return errno(e)
		}
	}
	if inOff != nil && t.writeU64(a[1], uint64(*inOff)) != nil {
		return errno(abi.EFAULT)
	}
	if outOff != nil && t.writeU64(a[3], uint64(*outOff)) != nil {
		return errno(abi.EFAULT)
	}
	return n
}

// regularFile is fd's file for copy_file_range: EBADF when fd is not open,
// EISDIR for a directory, EINVAL for anything but a regular file (a pipe, a
// socket), as Linux's generic_copy_file_checks says; EXDEV for a synthetic
// file, which is on a file system of its own (procfs).
func (t *Task) regularFile(fd uint64) (*osFile, abi.Errno) {
	f, ok := t.p.files.Get(int(int32(fd)))
	if !ok {
		return nil, abi.EBADF
	}
	of, ok := f.(*osFile)
	if !ok {
		return nil, abi.EINVAL
	}
	if of.rf.Fd() < 0 {
		return nil, abi.EXDEV // a synthetic file (/proc): another file system
	}
	var st unix.Stat_t
	if err := unix.Fstat(of.rf.Fd(), &st); err != nil {
		return nil, hostErrno(err)
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		return of, 0
	case unix.S_IFDIR:
		return nil, abi.EISDIR
	}
	return nil, abi.EINVAL
}

// sameFileOverlap reports whether a copy of n bytes within one file would
// read what it writes (Linux refuses it with EINVAL).
func sameFileOverlap(in, out *osFile, inOff, outOff *int64, n uint64) bool {
	var si, so unix.Stat_t
	if unix.Fstat(in.rf.Fd(), &si) != nil || unix.Fstat(out.rf.Fd(), &so) != nil || si.Dev != so.Dev || si.Ino != so.Ino {
		return false
	}
	pos := func(f *osFile, off *int64) int64 {
		if off != nil {
			return *off
		}
		p, _ := unix.Seek(f.rf.Fd(), 0, io.SeekCurrent)
		return p
	}
	ip, op := pos(in, inOff), pos(out, outOff)
	l := int64(min(n, 1<<62))
	return ip < op+l && op < ip+l
}

// sysFallocate implements fallocate(2) mode 0 (and FALLOC_FL_KEEP_SIZE)
// portably: the range is made to exist; other modes are EOPNOTSUPP.
func sysFallocate(t *Task, a [6]uint64) uint64 {
	of, e := t.osFile(a[0])
	if e != 0 {
		return errno(abi.EBADF)
	}
	mode, off, n := a[1], int64(a[2]), int64(a[3])
	if off < 0 || n <= 0 {
		return errno(abi.EINVAL)
	}
	const keepSize = 1
	if mode&^keepSize != 0 {
		t.p.compat.Record("flag:fallocate mode " + itoa(mode))
		return errno(abi.EOPNOTSUPP)
	}
	st, e := of.rf.Stat()
	if e != 0 {
		return errno(e)
	}
	if mode&keepSize == 0 && off+n > st.Size {
		if err := unix.Ftruncate(of.rf.Fd(), off+n); err != nil {
			return errno(hostErrno(err))
		}
	}
	return t.fileChanged(of.rf, abi.IN_MODIFY, 0)
}

// sysFlock implements flock(2) with the host's flock on the same file, so
// locks are shared with host processes too.
func sysFlock(t *Task, a [6]uint64) uint64 {
	f, ok := t.p.files.Get(int(int32(a[0])))
	if !ok {
		return errno(abi.EBADF)
	}
	h, ok := f.(hostPollable)
	if !ok || h.HostFD() < 0 {
		return errno(abi.EINVAL)
	}
	const lockSH, lockEX, lockNB, lockUN = 1, 2, 4, 8
	var how int
	switch a[1] &^ lockNB {
	case lockSH:
		how = unix.LOCK_SH
	case lockEX:
		how = unix.LOCK_EX
	case lockUN:
		how = unix.LOCK_UN
	default:
		return errno(abi.EINVAL)
	}
	if a[1]&lockNB != 0 {
		how |= unix.LOCK_NB
	}
	if err := unix.Flock(h.HostFD(), how); err != nil {
		return errno(hostErrno(err))
	}
	return 0
}

// sysMsync implements msync(2): shared file mappings are the host file's
// pages, private ones have nothing to write back.
func sysMsync(t *Task, a [6]uint64) uint64 {
	if a[0]%mm.PageSize != 0 || a[2]&^7 != 0 || a[2]&5 == 5 {
		return errno(abi.EINVAL)
	}
	if !t.p.mm.Covered(a[0], mm.PageUp(a[1])) {
		return errno(abi.ENOMEM)
	}
	return 0
}

// sysMincore implements mincore(2): every mapped page is reported resident
// (the host decides residency; guests only use this as a hint or to probe
// for mappings, where ENOMEM matters).
func sysMincore(t *Task, a [6]uint64) uint64 {
	if a[0]%mm.PageSize != 0 {
		return errno(abi.EINVAL)
	}
	n := mm.PageUp(a[1]) / mm.PageSize
	if !t.p.mm.Covered(a[0], n*mm.PageSize) {
		return errno(abi.ENOMEM)
	}
	vec := make([]byte, n)
	for i := range vec {
		vec[i] = 1
	}
	if t.copyOut(a[2], vec) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// sysMlock implements mlock/munlock/mlock2/mlockall/munlockall as Linux
// does for a process within RLIMIT_MEMLOCK: success, with no effect on
// memory that never swaps out of carrick's control anyway.
func sysMlock(t *Task, a [6]uint64) uint64 { return 0 }

// sysCapget implements capget(2): the effective and permitted sets the
// process's ids imply (creds.go), of the full set up to CAP_LAST_CAP.
func sysCapget(t *Task, a [6]uint64) uint64 {
	version, err := t.readU32(a[0])
	if err != nil {
		return errno(abi.EFAULT)
	}
	const v1, v2, v3 = 0x19980330, 0x20071026, 0x20080522
	words := 2
	switch version {
	case v1:
		words = 1
	case v2, v3:
	default:
		t.writeU32(a[0], v3)
		return errno(abi.EINVAL)
	}
	if a[1] == 0 {
		return 0
	}
	b := make([]byte, 12*words)
	c := t.p.creds()
	prm, eff := c.caps()
	var inh uint64
	if c.Caps != nil {
		inh = c.Caps.Inheritable
	}
	for w := 0; w < words; w++ {
		binary.LittleEndian.PutUint32(b[12*w:], uint32(eff>>(32*w)))
		binary.LittleEndian.PutUint32(b[12*w+4:], uint32(prm>>(32*w)))
		binary.LittleEndian.PutUint32(b[12*w+8:], uint32(inh>>(32*w)))
	}
	if t.copyOut(a[1], b) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// sysCapset implements capset(2): accepted and not recorded; the
// capability sets follow the process's uids (creds.go).
func sysCapset(t *Task, a [6]uint64) uint64 {
	if _, err := t.readU32(a[0]); err != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// sysGetcpu implements getcpu(2).
func sysGetcpu(t *Task, a [6]uint64) uint64 {
	if a[0] != 0 && t.writeU32(a[0], 0) != nil {
		return errno(abi.EFAULT)
	}
	if a[1] != 0 && t.writeU32(a[1], 0) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// sysPersonality implements personality(2): PER_LINUX only; 0xffffffff
// queries.
func sysPersonality(t *Task, a [6]uint64) uint64 {
	if uint32(a[0]) != 0xffffffff && uint32(a[0]) != 0 {
		t.p.compat.Record("flag:personality " + hex32(uint32(a[0])))
		return errno(abi.EINVAL)
	}
	return 0
}

// sysSchedSetaffinity implements sched_setaffinity(2): accepted when the
// mask names at least one CPU; threads run where the host schedules them.
func sysSchedSetaffinity(t *Task, a [6]uint64) uint64 {
	n := min(a[1], 128)
	b := make([]byte, n)
	if t.copyIn(a[2], b) != nil {
		return errno(abi.EFAULT)
	}
	for i := 0; i < int(n) && i*8 < runtime.NumCPU(); i++ {
		if b[i] != 0 {
			return 0
		}
	}
	return errno(abi.EINVAL)
}

// sysSchedGetscheduler implements sched_getscheduler(2): SCHED_OTHER.
func sysSchedGetscheduler(t *Task, a [6]uint64) uint64 { return 0 }

// sysSchedGetparam implements sched_getparam(2): priority 0.
func sysSchedGetparam(t *Task, a [6]uint64) uint64 {
	if t.writeU32(a[1], 0) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// sysSchedPriorityMax and Min implement sched_get_priority_max/min(2).
func sysSchedPriorityMax(t *Task, a [6]uint64) uint64 {
	switch a[0] {
	case 1, 2: // SCHED_FIFO, SCHED_RR
		return 99
	case 0, 3, 5: // OTHER, BATCH, IDLE
		return 0
	}
	return errno(abi.EINVAL)
}

func sysSchedPriorityMin(t *Task, a [6]uint64) uint64 {
	switch a[0] {
	case 1, 2:
		return 1
	case 0, 3, 5:
		return 0
	}
	return errno(abi.EINVAL)
}

// sysGetpriority implements getpriority(2): nice 0, returned as 20 - nice.
func sysGetpriority(t *Task, a [6]uint64) uint64 { return 20 }

// sysSetpriority implements setpriority(2) for the calling process.
func sysSetpriority(t *Task, a [6]uint64) uint64 { return 0 }
