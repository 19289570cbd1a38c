package mm

import (
	"errors"
	"os"
	"sort"
	"sync"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
)

// VMA is one guest mapping, as a line of /proc/self/maps.
type VMA struct {
	Start, End uint64
	Prot       vcpu.Prot
	Shared     bool
	Name       string // "[heap]", "[stack]", a file path, or ""
	// Backing is the host file behind a shared mapping and Offset the file
	// offset of Start: kept so that a fork child can map the same pages.
	Backing *os.File
	Offset  int64
}

// part is the piece [lo, hi) of v, with its file offset moved along.
func (v VMA) part(lo, hi uint64) VMA {
	w := v
	w.Start, w.End = lo, hi
	if w.Backing != nil {
		w.Offset += int64(lo - v.Start)
	}
	return w
}

// MM is a process's memory manager.
type MM struct {
	mem *vcpu.Memory

	mu sync.Mutex
	// vmas are sorted by Start and do not overlap; guarded by mu.
	vmas []VMA
	// brkStart and brk delimit the heap; guarded by mu.
	brkStart, brk uint64
}

// New returns a memory manager for mem, with nothing mapped.
func New(mem *vcpu.Memory) *MM { return &MM{mem: mem} }

// Memory is the guest address space.
func (m *MM) Memory() *vcpu.Memory { return m.mem }

// Map maps zeroed memory at a fixed, page-aligned range, replacing what was
// there. The loader uses it for segments and the stack.
func (m *MM) Map(start, length uint64, prot vcpu.Prot, name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.mapLocked(start, length, prot, name)
}

func (m *MM) mapLocked(start, length uint64, prot vcpu.Prot, name string) error {
	if err := m.mem.Map(start, length, prot); err != nil {
		return err
	}
	m.remove(start, start+length)
	m.insert(VMA{Start: start, End: start + length, Prot: prot, Name: name})
	return nil
}

// SetBrk sets the initial program break (end of the loaded image).
func (m *MM) SetBrk(addr uint64) {
	m.mu.Lock()
	m.brkStart, m.brk = PageUp(addr), PageUp(addr)
	m.mu.Unlock()
}

// remove cuts [start,end) out of the VMA list.
// Preconditions: m.mu is held.
func (m *MM) remove(start, end uint64) {
	out := m.vmas[:0:0]
	for _, v := range m.vmas {
		if v.End <= start || v.Start >= end {
			out = append(out, v)
			continue
		}
		if v.Start < start {
			out = append(out, v.part(v.Start, start))
		}
		if v.End > end {
			out = append(out, v.part(end, v.End))
		}
	}
	m.vmas = out
}

// insert adds v, which must not overlap anything.
// Preconditions: m.mu is held.
func (m *MM) insert(v VMA) {
	i := sort.Search(len(m.vmas), func(i int) bool { return m.vmas[i].Start >= v.End })
	m.vmas = append(m.vmas, VMA{})
	copy(m.vmas[i+1:], m.vmas[i:])
	m.vmas[i] = v
}

func (m *MM) overlaps(start, end uint64) bool {
	for _, v := range m.vmas {
		if v.Start < end && v.End > start {
			return true
		}
	}
	return false
}

// findGap returns the highest free range of length bytes below top and
// above MmapBottom.
// Preconditions: m.mu is held.
func (m *MM) findGap(length, top uint64) (uint64, bool) {
	end := top
	for i := len(m.vmas) - 1; i >= 0; i-- {
		v := m.vmas[i]
		if v.Start >= end {
			continue
		}
		if v.End < end && end-v.End >= length && end-length >= MmapBottom {
			return end - length, true
		}
		end = v.Start
		if end < MmapBottom+length {
			return 0, false
		}
	}
	if end >= MmapBottom+length {
		return end - length, true
	}
	return 0, false
}

// Mmap implements anonymous mmap(2) placement and mapping.
func (m *MM) Mmap(addr, length uint64, prot vcpu.Prot, flags uint64) (uint64, abi.Errno) {
	return m.mmap(addr, length, flags, func(a, n uint64) error {
		if err := m.mem.Map(a, n, prot); err != nil {
			return err
		}
		m.remove(a, a+n)
		m.insert(VMA{Start: a, End: a + n, Prot: prot})
		return nil
	})
}

// MmapFile implements a shared mapping of the host file f at offset; the
// VMA keeps f (the caller's own descriptor, not closed here).
func (m *MM) MmapFile(addr, length uint64, prot vcpu.Prot, flags uint64, f *os.File, offset int64, name string) (uint64, abi.Errno) {
	if g := m.mem.HostGranule(); m.mem.Fixed() && g > PageSize {
		// The host maps files in whole host pages: place the mapping on one,
		// with its host pages to itself (see vcpu.ErrHostGranule).
		if uint64(offset)%g != 0 {
			return 0, abi.EINVAL
		}
		if flags&(abi.MAP_FIXED|abi.MAP_FIXED_NOREPLACE) == 0 {
			m.mu.Lock()
			a, ok := m.findGap((PageUp(length)+g-1)&^(g-1)+g, MmapTop)
			m.mu.Unlock()
			if ok {
				addr = (a + g - 1) &^ (g - 1)
				flags |= abi.MAP_FIXED_NOREPLACE
			}
		}
	}
	return m.mmap(addr, length, flags, func(a, n uint64) error {
		if err := m.mem.MapFile(a, n, prot, int(f.Fd()), offset, true); err != nil {
			return err
		}
		m.remove(a, a+n)
		m.insert(VMA{Start: a, End: a + n, Prot: prot, Shared: true, Name: name, Backing: f, Offset: offset})
		return nil
	})
}

// Restore recreates a VMA of a forked parent at its address: fresh private
// memory (filled by the caller) or the same shared file pages.
func (m *MM) Restore(v VMA) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := v.End - v.Start
	var err error
	if v.Backing != nil {
		err = m.mem.MapFile(v.Start, n, v.Prot, int(v.Backing.Fd()), v.Offset, true)
	} else {
		err = m.mem.Map(v.Start, n, v.Prot)
	}
	if err != nil {
		return err
	}
	m.remove(v.Start, v.End)
	m.insert(v)
	return nil
}

// BrkRange returns the heap's start and the current break.
func (m *MM) BrkRange() (start, brk uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.brkStart, m.brk
}

// SetBrkRange sets the heap's start and break (a fork child's).
func (m *MM) SetBrkRange(start, brk uint64) {
	m.mu.Lock()
	m.brkStart, m.brk = start, brk
	m.mu.Unlock()
}

// mmap places a mapping per flags and calls do to make it.
func (m *MM) mmap(addr, length uint64, flags uint64, do func(addr, length uint64) error) (uint64, abi.Errno) {
	if length == 0 {
		return 0, abi.EINVAL
	}
	length = PageUp(length)
	if length == 0 || length > vcpu.UserSpaceSize {
		return 0, abi.ENOMEM
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	fixed := flags&(abi.MAP_FIXED|abi.MAP_FIXED_NOREPLACE) != 0
	if fixed {
		if addr%PageSize != 0 {
			return 0, abi.EINVAL
		}
		if addr < NullGuardEnd || addr+length > vcpu.UserSpaceSize || addr+length < addr {
			return 0, abi.ENOMEM
		}
		if flags&abi.MAP_FIXED == 0 && m.overlaps(addr, addr+length) {
			return 0, abi.EEXIST
		}
	} else {
		// A hint is honoured when the range is free, as Linux does.
		addr = PageDown(addr)
		if addr < NullGuardEnd || addr+length > MmapTop || addr+length < addr || m.overlaps(addr, addr+length) {
			a, ok := m.findGap(length, MmapTop)
			if !ok {
				return 0, abi.ENOMEM
			}
			addr = a
		}
	}
	if err := do(addr, length); err != nil {
		if errors.Is(err, vcpu.ErrHostGranule) {
			return 0, abi.EINVAL
		}
		return 0, abi.ENOMEM
	}
	return addr, 0
}

// SetName names the VMAs in [addr, addr+length) (a file path, "[heap]").
func (m *MM) SetName(addr, length uint64, name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	end := addr + PageUp(length)
	for i := range m.vmas {
		if m.vmas[i].Start >= addr && m.vmas[i].End <= end {
			m.vmas[i].Name = name
		}
	}
}

// Munmap implements munmap(2).
func (m *MM) Munmap(addr, length uint64) abi.Errno {
	if addr%PageSize != 0 || length == 0 {
		return abi.EINVAL
	}
	length = PageUp(length)
	if addr+length > vcpu.UserSpaceSize || addr+length < addr {
		return abi.EINVAL
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// Unmap only what is mapped; the holes stay holes.
	for _, v := range append([]VMA(nil), m.vmas...) {
		lo, hi := max(v.Start, addr), min(v.End, addr+length)
		if lo < hi {
			if err := m.mem.Unmap(lo, hi-lo); err != nil {
				return abi.EINVAL
			}
		}
	}
	m.remove(addr, addr+length)
	return 0
}

// Mprotect implements mprotect(2).
func (m *MM) Mprotect(addr, length uint64, prot vcpu.Prot) abi.Errno {
	if addr%PageSize != 0 {
		return abi.EINVAL
	}
	length = PageUp(length)
	if length == 0 {
		return 0
	}
	end := addr + length
	m.mu.Lock()
	defer m.mu.Unlock()
	// The whole range must be mapped (ENOMEM otherwise, as Linux).
	for a := addr; a < end; {
		i := m.find(a)
		if i < 0 {
			return abi.ENOMEM
		}
		a = m.vmas[i].End
	}
	if err := m.mem.Protect(addr, length, prot); err != nil {
		return abi.ENOMEM
	}
	var parts []VMA
	for _, v := range m.vmas {
		if v.Start < end && v.End > addr {
			w := v.part(max(v.Start, addr), min(v.End, end))
			w.Prot = prot
			parts = append(parts, w)
		}
	}
	m.remove(addr, end)
	for _, p := range parts {
		m.insert(p)
	}
	return 0
}

func (m *MM) find(addr uint64) int {
	i := sort.Search(len(m.vmas), func(i int) bool { return m.vmas[i].End > addr })
	if i < len(m.vmas) && m.vmas[i].Start <= addr {
		return i
	}
	return -1
}

// Madvise implements madvise(2) for the advice that changes contents:
// MADV_DONTNEED zeroes private anonymous memory. Other advice is a hint.
func (m *MM) Madvise(addr, length uint64, advice uint64) abi.Errno {
	if addr%PageSize != 0 {
		return abi.EINVAL
	}
	length = PageUp(length)
	if advice != abi.MADV_DONTNEED || length == 0 {
		return 0
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	end := addr + length
	for _, v := range m.vmas {
		lo, hi := max(v.Start, addr), min(v.End, end)
		if lo >= hi {
			continue
		}
		if !v.Shared {
			if err := m.mem.Map(lo, hi-lo, v.Prot); err != nil {
				return abi.ENOMEM
			}
		}
	}
	return 0
}

// Brk implements brk(2): it returns the new break, or the old one when the
// request cannot be met.
func (m *MM) Brk(addr uint64) uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if addr < m.brkStart || addr > m.brkStart+(1<<36) {
		return m.brk
	}
	newEnd, oldEnd := PageUp(addr), PageUp(m.brk)
	switch {
	case newEnd > oldEnd:
		if m.overlaps(oldEnd, newEnd) {
			return m.brk
		}
		if err := m.mem.Map(oldEnd, newEnd-oldEnd, vcpu.ProtRead|vcpu.ProtWrite); err != nil {
			return m.brk
		}
		// Grow the heap VMA (or start it).
		if i := m.find(oldEnd - 1); oldEnd > m.brkStart && i >= 0 && m.vmas[i].Name == "[heap]" {
			m.vmas[i].End = newEnd
		} else {
			m.insert(VMA{Start: oldEnd, End: newEnd, Prot: vcpu.ProtRead | vcpu.ProtWrite, Name: "[heap]"})
		}
	case newEnd < oldEnd:
		if err := m.mem.Unmap(newEnd, oldEnd-newEnd); err != nil {
			return m.brk
		}
		m.remove(newEnd, oldEnd)
	}
	m.brk = addr
	return m.brk
}

// Mapped reports whether a VMA covers addr.
func (m *MM) Mapped(addr uint64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.find(addr) >= 0
}

// Mremap implements mremap(2) for private mappings: shrink in place, grow
// in place when the pages after are free, or move (copying the contents)
// with MREMAP_MAYMOVE.
func (m *MM) Mremap(old, oldSize, newSize, flags, newAddr uint64) (uint64, abi.Errno) {
	const mayMove, fixed, dontUnmap = 1, 2, 4
	if old%PageSize != 0 || flags&^uint64(mayMove|fixed|dontUnmap) != 0 || (flags&fixed != 0 && flags&mayMove == 0) {
		return 0, abi.EINVAL
	}
	oldSize, newSize = PageUp(oldSize), PageUp(newSize)
	if newSize == 0 || flags&dontUnmap != 0 {
		return 0, abi.EINVAL
	}
	m.mu.Lock()
	i := m.find(old)
	if i < 0 || m.vmas[i].End < old+oldSize {
		m.mu.Unlock()
		return 0, abi.EFAULT
	}
	v := m.vmas[i]
	m.mu.Unlock()
	if v.Shared {
		return 0, abi.EINVAL // moving host file mappings is not supported
	}
	if flags&fixed == 0 {
		switch {
		case newSize == oldSize:
			return old, 0
		case newSize < oldSize:
			if e := m.Munmap(old+newSize, oldSize-newSize); e != 0 {
				return 0, e
			}
			return old, 0
		}
		m.mu.Lock()
		free := old+newSize <= MmapTop && !m.overlaps(old+oldSize, old+newSize)
		if free {
			if err := m.mem.Map(old+oldSize, newSize-oldSize, v.Prot); err == nil {
				m.insert(VMA{Start: old + oldSize, End: old + newSize, Prot: v.Prot, Name: v.Name})
				m.mu.Unlock()
				return old, 0
			}
		}
		m.mu.Unlock()
		if flags&mayMove == 0 {
			return 0, abi.ENOMEM
		}
	}
	mapFlags := uint64(abi.MAP_PRIVATE | abi.MAP_ANONYMOUS)
	hint := uint64(0)
	if flags&fixed != 0 {
		if newAddr%PageSize != 0 || (newAddr < old+oldSize && old < newAddr+newSize) {
			return 0, abi.EINVAL
		}
		mapFlags |= abi.MAP_FIXED
		hint = newAddr
	}
	dst, e := m.Mmap(hint, newSize, v.Prot|vcpu.ProtRead, mapFlags)
	if e != 0 {
		return 0, e
	}
	n := min(oldSize, newSize)
	buf := make([]byte, min(n, 1<<20))
	for off := uint64(0); off < n; off += uint64(len(buf)) {
		c := buf[:min(uint64(len(buf)), n-off)]
		m.mem.ReadForce(old+off, c)
		m.mem.WriteForce(dst+off, c)
	}
	m.Mprotect(dst, newSize, v.Prot)
	m.SetName(dst, newSize, v.Name)
	m.Munmap(old, oldSize)
	return dst, 0
}

// UnmapAll empties the address space (execve), heap included.
func (m *MM) UnmapAll() {
	m.mu.Lock()
	vmas := m.vmas
	m.vmas = nil
	m.brkStart, m.brk = 0, 0
	m.mu.Unlock()
	for _, v := range vmas {
		m.mem.Unmap(v.Start, v.End-v.Start)
	}
}

// Covered reports whether VMAs cover all of [addr, addr+length).
func (m *MM) Covered(addr, length uint64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	for a := addr; a < addr+length; {
		i := m.find(a)
		if i < 0 {
			return false
		}
		a = m.vmas[i].End
	}
	return true
}

// VMAs returns a copy of the mappings in address order.
func (m *MM) VMAs() []VMA {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]VMA(nil), m.vmas...)
}

// SharedAt reports whether addr lies in a shared mapping (one a fork
// child maps too, so its futexes are the host's).
func (m *MM) SharedAt(addr uint64) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := m.find(addr)
	return i >= 0 && m.vmas[i].Backing != nil
}
