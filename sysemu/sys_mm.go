package sysemu

import (
	"github.com/carrick-go/carrick/sysemu/abi"
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
		// File mappings arrive with the file system.
		t.p.compat.Record("flag:mmap file-backed")
		if fd < 0 {
			return errno(abi.EBADF)
		}
		return errno(abi.ENODEV)
	}
	if typ != abi.MAP_PRIVATE {
		// Shared anonymous memory needs shareable backing (fork).
		t.p.compat.Record("flag:mmap MAP_SHARED|MAP_ANONYMOUS")
		return errno(abi.EINVAL)
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
