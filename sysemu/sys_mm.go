package sysemu

import (
	"os"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/mm"
	"github.com/carrick-go/carrick/vcpu"
)

func guestProt(p uint64) (vcpu.Prot, bool) {
	if p&^uint64(abi.PROT_READ|abi.PROT_WRITE|abi.PROT_EXEC) != 0 {
		return 0, false
	}
	return vcpu.Prot(p), true
}

// sysBrk implements brk(2).
func sysBrk(t *Task, a [6]uint64) uint64 { return t.p.mm.Brk(a[0]) }

// sysMmap implements mmap(2) for anonymous private memory.
func sysMmap(t *Task, a [6]uint64) uint64 {
	addr, length, protArg, flags, fd := a[0], a[1], a[2], a[3], int64(int32(a[4]))
	prot, ok := guestProt(protArg)
	if !ok {
		return errno(abi.EINVAL)
	}
	typ := flags & abi.MAP_TYPE
	if typ != abi.MAP_PRIVATE && typ != abi.MAP_SHARED && typ != abi.MAP_SHARED_VALIDATE {
		return errno(abi.EINVAL)
	}
	if flags&abi.MAP_ANONYMOUS == 0 {
		return t.mmapFile(addr, length, prot, flags, fd, a[5])
	}
	if typ != abi.MAP_PRIVATE {
		return t.mmapSharedAnon(addr, length, prot, flags)
	}
	r, e := t.p.mm.Mmap(addr, length, prot, flags)
	if e != 0 {
		return errno(e)
	}
	return r
}

// sysMunmap implements munmap(2).
func sysMunmap(t *Task, a [6]uint64) uint64 {
	if e := t.p.mm.Munmap(a[0], a[1]); e != 0 {
		return errno(e)
	}
	return 0
}

// sysMprotect implements mprotect(2).
func sysMprotect(t *Task, a [6]uint64) uint64 {
	prot, ok := guestProt(a[2] &^ 0x03000000) // PROT_GROWSDOWN/UP: nothing grows here
	if !ok {
		return errno(abi.EINVAL)
	}
	if e := t.p.mm.Mprotect(a[0], a[1], prot); e != 0 {
		return errno(e)
	}
	return 0
}

// sysMadvise implements madvise(2).
func sysMadvise(t *Task, a [6]uint64) uint64 {
	if e := t.p.mm.Madvise(a[0], a[1], a[2]); e != 0 {
		return errno(e)
	}
	return 0
}

// mmapFile maps a file. Private mappings are copies (the file is read into
// private memory, so later changes to the file are not seen: a documented
// difference from Linux, which shares clean pages); shared mappings map the
// host file itself.
func (t *Task) mmapFile(addr, length uint64, prot vcpu.Prot, flags uint64, fd int64, off uint64) uint64 {
	if off%mm.PageSize != 0 {
		return errno(abi.EINVAL)
	}
	f, ok := t.p.files.Get(int(fd))
	if !ok {
		return errno(abi.EBADF)
	}
	var hfd, acc int
	var name string
	switch f := f.(type) {
	case *osFile:
		if f.rf.Fd() < 0 || f.rf.IsDir() {
			return errno(abi.ENODEV)
		}
		hfd, acc, name = f.rf.Fd(), f.rf.Flags()&abi.O_ACCMODE, f.rf.Path(t.p.fs.root())
	case *memFile:
		hfd, acc, name = f.fd, abi.O_RDWR, f.name
	default:
		return errno(abi.ENODEV)
	}
	if acc == abi.O_WRONLY || (flags&abi.MAP_TYPE != abi.MAP_PRIVATE && prot&vcpu.ProtWrite != 0 && acc != abi.O_RDWR) {
		return errno(abi.EACCES)
	}
	if flags&abi.MAP_TYPE != abi.MAP_PRIVATE {
		// The VMA keeps its own descriptor: the guest may close fd, and a
		// fork child maps the same file again.
		dup, err := dupCloexec(hfd)
		if err != nil {
			return errno(hostErrno(err))
		}
		bf := os.NewFile(uintptr(dup), name)
		r, e := t.p.mm.MmapFile(addr, length, prot, flags, bf, int64(off), name)
		if e != 0 {
			bf.Close()
			return errno(e)
		}
		return r
	}
	r, e := t.p.mm.Mmap(addr, length, prot, flags)
	if e != 0 {
		return errno(e)
	}
	t.p.mm.SetName(r, length, name)
	// Copy the file's bytes in; the rest of the mapping stays zero.
	buf := make([]byte, min(mm.PageUp(length), 1<<20))
	for done := uint64(0); done < length; {
		n, err := unix.Pread(hfd, buf[:min(uint64(len(buf)), length-done)], int64(off+done))
		if n <= 0 || err != nil {
			break
		}
		if err := t.mem().WriteForce(r+done, buf[:n]); err != nil {
			t.p.mm.Munmap(r, length)
			return errno(abi.ENOMEM)
		}
		done += uint64(n)
	}
	return r
}

// mmapSharedAnon maps shared anonymous memory: a host file nobody else can
// name backs it, so that fork children map the same pages (Linux names it
// /dev/zero in /proc/self/maps).
func (t *Task) mmapSharedAnon(addr, length uint64, prot vcpu.Prot, flags uint64) uint64 {
	if length == 0 || mm.PageUp(length) == 0 || length > vcpu.UserSpaceSize {
		return errno(abi.EINVAL)
	}
	f, err := anonFile("carrick-shared")
	if err != nil {
		return errno(hostErrno(err))
	}
	if err := f.Truncate(int64(mm.PageUp(length))); err != nil {
		f.Close()
		return errno(abi.ENOMEM)
	}
	r, e := t.p.mm.MmapFile(addr, length, prot, flags, f, 0, "/dev/zero (deleted)")
	if e != 0 {
		f.Close()
		return errno(e)
	}
	return r
}

// sysMremap implements mremap(2).
func sysMremap(t *Task, a [6]uint64) uint64 {
	r, e := t.p.mm.Mremap(a[0], a[1], a[2], a[3], a[4])
	if e != 0 {
		return errno(e)
	}
	return r
}

// sysMemfdCreate implements memfd_create(2) with an unlinked host temp file
// (the same on every host); MFD_CLOEXEC is honoured, sealing is not
// supported.
func sysMemfdCreate(t *Task, a [6]uint64) uint64 {
	name, e := t.readPath(a[0])
	if e != 0 {
		return errno(e)
	}
	const mfdCloexec, mfdAllowSealing, mfdHugetlb = 1, 2, 4
	if len(name) > 249 {
		return errno(abi.EINVAL)
	}
	if a[1]&^uint64(mfdCloexec|mfdAllowSealing) != 0 {
		t.p.compat.Record("flag:memfd_create " + itoa(a[1]))
		return errno(abi.EINVAL)
	}
	f, err := os.CreateTemp("", "carrick-memfd-")
	if err != nil {
		return errno(hostErrno(err))
	}
	os.Remove(f.Name())
	fd, e := t.p.files.Install(&memFile{hostFile: newHostFile(f, true), name: "/memfd:" + name + " (deleted)"}, 0, a[1]&mfdCloexec != 0)
	if e != 0 {
		f.Close()
		return errno(e)
	}
	return uint64(fd)
}

// memFile is a memfd: a host file nobody else can name.
type memFile struct {
	*hostFile
	name string
}
