package sysemu

import (
	"encoding/binary"
	"io"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
)

// File-descriptor syscalls on files of the guest's view: open, seek,
// positioned I/O, dup, pipes, directory listing, ioctl.

// sysOpenat implements openat(2).
func sysOpenat(t *Task, a [6]uint64) uint64 {
	return t.open(a[0], a[1], int(uint32(a[2])), uint32(a[3]))
}

func (t *Task) open(dirfd, pathAddr uint64, flags int, mode uint32) uint64 {
	at, p, e := t.pathAt(dirfd, pathAddr)
	if e != 0 {
		return errno(e)
	}
	if p == "" {
		return errno(abi.ENOENT)
	}
	if n, ok := t.magicFD(at, p); ok && flags&abi.O_PATH == 0 {
		f, e := t.reopenFD(n, flags)
		if e != 0 {
			return errno(e)
		}
		fd, e := t.p.files.Install(f, 0, flags&abi.O_CLOEXEC != 0)
		if e != 0 {
			f.Close()
			return errno(e)
		}
		return uint64(fd)
	}
	rf, e := t.openNotify(at, p, flags, mode&0o7777&^t.p.fs.getUmask())
	if e != 0 {
		t.noteSyntheticMiss(p, e)
		return errno(e)
	}
	fd, e := t.p.files.Install(&osFile{rf: rf}, 0, flags&abi.O_CLOEXEC != 0)
	if e != 0 {
		rf.Close()
		return errno(e)
	}
	return uint64(fd)
}

// openHow is struct open_how (openat2).
type openHow struct {
	Flags   uint64
	Mode    uint64
	Resolve uint64
}

// sysOpenat2 implements openat2(2). RESOLVE_IN_ROOT and RESOLVE_BENEATH
// would need a view rooted at dirfd; the flags carrick cannot honour are
// refused (EINVAL), never ignored.
func sysOpenat2(t *Task, a [6]uint64) uint64 {
	if a[3] < 24 {
		return errno(abi.EINVAL)
	}
	var b [24]byte
	if t.copyIn(a[2], b[:]) != nil {
		return errno(abi.EFAULT)
	}
	how := openHow{binary.LittleEndian.Uint64(b[0:]), binary.LittleEndian.Uint64(b[8:]), binary.LittleEndian.Uint64(b[16:])}
	if how.Resolve != 0 {
		t.p.compat.Record("flag:openat2 resolve")
		return errno(abi.EINVAL)
	}
	if how.Flags&abi.O_CREAT == 0 && how.Mode != 0 || how.Flags>>32 != 0 {
		return errno(abi.EINVAL)
	}
	return t.open(a[0], a[1], int(how.Flags), uint32(how.Mode))
}

func (t *Task) osFile(fd uint64) (*osFile, abi.Errno) {
	f, ok := t.p.files.Get(int(int32(fd)))
	if !ok {
		return nil, abi.EBADF
	}
	of, ok := f.(*osFile)
	if !ok {
		return nil, abi.ESPIPE
	}
	return of, 0
}

// hostWhence maps Linux whence values to the host's (darwin swaps
// SEEK_DATA and SEEK_HOLE).
func hostWhence(w uint64) (int, bool) {
	switch w {
	case abi.SEEK_SET:
		return io.SeekStart, true
	case abi.SEEK_CUR:
		return io.SeekCurrent, true
	case abi.SEEK_END:
		return io.SeekEnd, true
	case abi.SEEK_DATA:
		return unix.SEEK_DATA, true
	case abi.SEEK_HOLE:
		return unix.SEEK_HOLE, true
	}
	return 0, false
}

// sysLseek implements lseek(2).
func sysLseek(t *Task, a [6]uint64) uint64 {
	f, ok := t.p.files.Get(int(int32(a[0])))
	if !ok {
		return errno(abi.EBADF)
	}
	whence, ok := hostWhence(a[2])
	if !ok {
		return errno(abi.EINVAL)
	}
	of, _ := f.(*osFile)
	if of != nil && (of.rf.IsDir() || of.rf.Synthetic() != nil) {
		// Directory (and synthetic file) offsets are carrick's.
		of.mu.Lock()
		defer of.mu.Unlock()
		var n int64
		switch a[2] {
		case abi.SEEK_SET:
			n = int64(a[1])
		case abi.SEEK_CUR:
			n = int64(of.pos) + int64(a[1])
		default:
			return errno(abi.EINVAL)
		}
		if n < 0 {
			return errno(abi.EINVAL)
		}
		if of.rf.IsDir() && n == 0 {
			of.ents = nil // rewinddir sees new entries
		}
		of.pos = int(n)
		return uint64(n)
	}
	if _, ok := f.(*inotifyFile); ok {
		return 0 // noop_llseek: the position stays 0
	}
	h, ok := f.(hostPollable)
	if !ok {
		return errno(abi.ESPIPE)
	}
	off, err := unix.Seek(h.HostFD(), int64(a[1]), whence)
	if err != nil {
		return errno(hostErrno(err))
	}
	return uint64(off)
}

// sysPread64 implements pread64(2).
func sysPread64(t *Task, a [6]uint64) uint64 { return t.pio(a, false) }

// sysPwrite64 implements pwrite64(2).
func sysPwrite64(t *Task, a [6]uint64) uint64 { return t.pio(a, true) }

// pio is positioned I/O on any host-backed fd (pipes get the host's
// ESPIPE) or a synthetic file.
func (t *Task) pio(a [6]uint64, write bool) uint64 {
	f, ok := t.p.files.Get(int(int32(a[0])))
	if !ok {
		return errno(abi.EBADF)
	}
	off := int64(a[3])
	if off < 0 {
		return errno(abi.EINVAL)
	}
	if a[2] == 0 {
		return 0
	}
	acc := vcpu.AccessWrite // pread writes guest memory
	if write {
		acc = vcpu.AccessRead
	}
	buf, err := t.mem().Slice(a[1], min(a[2], 1<<30), acc)
	if err != nil {
		return errno(abi.EFAULT)
	}
	if of, ok := f.(*osFile); ok {
		if s := of.rf.Synthetic(); s != nil {
			if write {
				return retN(s.WriteAt(buf, off))
			}
			return retN(s.ReadAt(buf, off))
		}
		if of.rf.IsDir() && !write {
			return errno(abi.EISDIR)
		}
	}
	h, ok := f.(hostPollable)
	if !ok {
		return errno(abi.ESPIPE)
	}
	var n int
	if write {
		n, err = unix.Pwrite(h.HostFD(), buf, off)
	} else {
		n, err = unix.Pread(h.HostFD(), buf, off)
	}
	if err != nil {
		return errno(readErr(err))
	}
	t.notifyIO(f, n, write)
	return uint64(n)
}

func retN(n int, e abi.Errno) uint64 {
	if e != 0 && n == 0 {
		return errno(e)
	}
	return uint64(n)
}

// sysDup implements dup(2).
func sysDup(t *Task, a [6]uint64) uint64 {
	fd, e := t.p.files.Dup(int(int32(a[0])), -1, 0, false)
	if e != 0 {
		return errno(e)
	}
	return uint64(fd)
}

// sysDup3 implements dup3(2).
func sysDup3(t *Task, a [6]uint64) uint64 {
	old, nfd, flags := int(int32(a[0])), int(int32(a[1])), a[2]
	if flags&^uint64(abi.O_CLOEXEC) != 0 || old == nfd {
		return errno(abi.EINVAL)
	}
	if nfd < 0 || nfd >= t.p.files.limit() {
		return errno(abi.EBADF)
	}
	fd, e := t.p.files.Dup(old, nfd, 0, flags&abi.O_CLOEXEC != 0)
	if e != 0 {
		return errno(e)
	}
	return uint64(fd)
}

// sysPipe2 implements pipe2(2) with host pipes.
func sysPipe2(t *Task, a [6]uint64) uint64 {
	flags := a[1]
	if flags&^uint64(abi.O_CLOEXEC|abi.O_NONBLOCK|abi.O_DIRECT) != 0 {
		return errno(abi.EINVAL)
	}
	var p [2]int
	if err := hostPipe(&p); err != nil {
		return errno(hostErrno(err))
	}
	files := [2]*hostFile{}
	for i, fd := range p {
		if flags&abi.O_NONBLOCK != 0 {
			unix.SetNonblock(fd, true)
		}
		files[i] = newHostFile(os.NewFile(uintptr(fd), "pipe"), true)
	}
	cloexec := flags&abi.O_CLOEXEC != 0
	r, e := t.p.files.Install(files[0], 0, cloexec)
	if e != 0 {
		files[0].Close()
		files[1].Close()
		return errno(e)
	}
	w, e := t.p.files.Install(files[1], 0, cloexec)
	if e != 0 {
		t.p.files.Close(r)
		files[1].Close()
		return errno(e)
	}
	var b [8]byte
	binary.LittleEndian.PutUint32(b[0:], uint32(r))
	binary.LittleEndian.PutUint32(b[4:], uint32(w))
	if t.copyOut(a[0], b[:]) != nil {
		t.p.files.Close(r)
		t.p.files.Close(w)
		return errno(abi.EFAULT)
	}
	return 0
}

// sysGetdents64 implements getdents64(2).
func sysGetdents64(t *Task, a [6]uint64) uint64 {
	of, e := t.osFile(a[0])
	if e != 0 {
		return errno(e)
	}
	if !of.rf.IsDir() {
		return errno(abi.ENOTDIR)
	}
	t.notifyFile(of.rf, abi.IN_ACCESS)
	of.mu.Lock()
	defer of.mu.Unlock()
	if of.ents == nil {
		ents, e := of.rf.ReadDir()
		if e != 0 {
			return errno(e)
		}
		of.ents = ents
	}
	size := int(min(a[2], 1<<20))
	var out []byte
	for of.pos < len(of.ents) {
		ent := of.ents[of.pos]
		reclen := (abi.SizeofDirent64Header + len(ent.Name) + 1 + 7) &^ 7
		if len(out)+reclen > size {
			if len(out) == 0 {
				return errno(abi.EINVAL)
			}
			break
		}
		rec := make([]byte, reclen)
		binary.LittleEndian.PutUint64(rec[0:], ent.Ino)
		binary.LittleEndian.PutUint64(rec[8:], uint64(ent.Off))
		binary.LittleEndian.PutUint16(rec[16:], uint16(reclen))
		rec[18] = ent.Type
		copy(rec[abi.SizeofDirent64Header:], ent.Name)
		out = append(out, rec...)
		of.pos++
	}
	if len(out) > 0 && t.copyOut(a[1], out) != nil {
		return errno(abi.EFAULT)
	}
	return uint64(len(out))
}

// sysFsync implements fsync(2) and fdatasync(2).
func sysFsync(t *Task, a [6]uint64) uint64 {
	f, ok := t.p.files.Get(int(int32(a[0])))
	if !ok {
		return errno(abi.EBADF)
	}
	if h, ok := f.(hostPollable); ok && h.HostFD() >= 0 {
		if err := unix.Fsync(h.HostFD()); err != nil && err != unix.EINVAL && err != unix.EROFS {
			return errno(hostErrno(err))
		}
		return 0
	}
	return errno(abi.EINVAL)
}

// sysSync implements sync(2) and syncfs(2).
func sysSync(t *Task, a [6]uint64) uint64 {
	unix.Sync()
	return 0
}

// sysFtruncate implements ftruncate(2).
func sysFtruncate(t *Task, a [6]uint64) uint64 {
	if f, ok := t.p.files.Get(int(int32(a[0]))); ok {
		if mf, ok := f.(*memFile); ok {
			if int64(a[1]) < 0 {
				return errno(abi.EINVAL)
			}
			if err := unix.Ftruncate(mf.fd, int64(a[1])); err != nil {
				return errno(hostErrno(err))
			}
			return 0
		}
	}
	of, e := t.osFile(a[0])
	if e != 0 {
		return errno(abi.EINVAL)
	}
	if of.rf.Flags()&abi.O_ACCMODE == abi.O_RDONLY {
		return errno(abi.EINVAL)
	}
	return t.fileChanged(of.rf, abi.IN_MODIFY, of.rf.Truncate(int64(a[1])))
}

// sysIoctl implements the terminal and fd ioctls programs use.
func sysIoctl(t *Task, a [6]uint64) uint64 {
	fd, req, arg := int(int32(a[0])), uint32(a[1]), a[2]
	f, ok := t.p.files.Get(fd)
	if !ok {
		return errno(abi.EBADF)
	}
	switch req {
	case abi.FIOCLEX, abi.FIONCLEX:
		t.p.files.SetCloseOnExec(fd, req == abi.FIOCLEX)
		return 0
	case abi.FIONBIO:
		v, err := t.readU32(arg)
		if err != nil {
			return errno(abi.EFAULT)
		}
		fl := sysFcntl(t, [6]uint64{uint64(fd), abi.F_GETFL})
		if int64(fl) < 0 {
			return fl
		}
		if v != 0 {
			fl |= abi.O_NONBLOCK
		} else {
			fl &^= abi.O_NONBLOCK
		}
		return sysFcntl(t, [6]uint64{uint64(fd), abi.F_SETFL, fl})
	}
	if in, ok := f.(*inotifyFile); ok {
		return in.ioctl(t, req, arg)
	}
	if sf, ok := f.(socketFile); ok {
		if r, handled := t.sockIoctl(sf, req, arg); handled {
			return r
		}
	}
	h, ok := f.(hostPollable)
	if !ok || h.HostFD() < 0 {
		t.p.compat.Record("ioctl:" + hex32(req))
		return errno(abi.ENOTTY)
	}
	return t.hostIoctl(h.HostFD(), req, arg)
}

// noteSyntheticMiss records, for the compat report, a path under the
// synthetic /proc or /sys that carrick does not provide (a program reading
// /proc/self/smaps finds ENOENT where Linux has a file).
func (t *Task) noteSyntheticMiss(p string, e abi.Errno) {
	if e != abi.ENOENT || !(strings.HasPrefix(p, "/proc/") || strings.HasPrefix(p, "/sys/")) {
		return
	}
	// Name the same file whatever the pid in the path.
	parts := strings.Split(p, "/")
	if len(parts) > 2 {
		if _, err := strconv.Atoi(parts[2]); err == nil {
			parts[2] = "<pid>"
		}
	}
	t.p.compat.Record("path:" + strings.Join(parts, "/"))
}
