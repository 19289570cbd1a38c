package vcpu

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"
	"unsafe"

	"golang.org/x/sys/unix"
)

// GuestPageSize is the page size the guest sees: Linux arm64 with 4 KiB pages.
// The host page may be larger (16 KiB on Apple Silicon); nothing here assumes
// they are equal.
const GuestPageSize = 4096

// GuestSpaceSize is the size of the guest address space: 1 TiB, the 40-bit
// IPA limit of Hypervisor.framework, so both backends share one layout.
const GuestSpaceSize = 1 << 40

// KernelSize is the top of the guest space kept for the backend's own EL1
// pages (vectors, page tables, save areas under hvf). Guests never map
// there: for them the address space ends at UserSpaceSize, as a Linux
// task's ends at TASK_SIZE.
const KernelSize = 64 << 20

// UserSpaceSize is where the guest's part of the address space ends.
const UserSpaceSize = GuestSpaceSize - KernelSize

// Prot is a guest page protection.
type Prot uint8

// Protection bits, as PROT_READ/WRITE/EXEC.
const (
	ProtRead  Prot = 1
	ProtWrite Prot = 2
	ProtExec  Prot = 4
)

func (p Prot) String() string {
	b := []byte("---")
	if p&ProtRead != 0 {
		b[0] = 'r'
	}
	if p&ProtWrite != 0 {
		b[1] = 'w'
	}
	if p&ProtExec != 0 {
		b[2] = 'x'
	}
	return string(b)
}

// ErrFault is returned when a guest range is not mapped with the needed
// protection. Syscalls turn it into EFAULT.
var ErrFault = errors.New("bad guest address")

// CodeCache is implemented by backends that cache decoded guest code. The
// Memory tells every registered cache when code in a range may have changed.
type CodeCache interface {
	InvalidateCode(addr, length uint64)
}

// Memory is a guest address space: one host reservation of GuestSpaceSize
// bytes, guest virtual address = offset into it. It tracks the protection of
// each guest page so that instruction fetch, syscall pointer checks and
// /proc/self/maps agree with what the host enforces.
//
// Memory does not choose addresses: the kernel's memory manager (sysemu) does,
// and calls Map, Protect and Unmap with page-aligned ranges.
type Memory struct {
	base unsafe.Pointer
	size uint64
	host []byte
	// fixed: the host backing is one shared mapping that is never replaced
	// (see MemoryOptions); granule is the host page size it assumes.
	fixed   bool
	granule uint64

	mu sync.RWMutex
	// regions are the mapped ranges, sorted by start, non-overlapping; guarded by mu.
	regions []region

	// remapped are the host-granule ranges where a file replaced the fixed
	// backing (MAP_SHARED file mappings); guarded by mu.
	remapped []span

	cmu sync.Mutex
	// caches are the decoded-code caches to invalidate; guarded by cmu.
	caches []CodeCache
	// observers are told of every mapping change; guarded by cmu.
	observers []MappingObserver
}

type span struct{ start, end uint64 }

type region struct {
	start, end uint64
	prot       Prot
}

// MemoryOptions choose how guest memory is backed on the host.
type MemoryOptions struct {
	// Fixed backs the whole space with one shared, readable and writable
	// host mapping made once and never replaced: Hypervisor.framework maps
	// it at stage 2 once, so mmap, mprotect and munmap must change only
	// bookkeeping (and the backend's stage-1 tables, told through
	// MappingObserver). Guest protections are then enforced by the backend,
	// not by host page protections. Only MAP_SHARED file mappings replace
	// host pages, a whole host granule at a time.
	Fixed bool
	// HostGranule is the host page size Fixed memory assumes (16 KiB on
	// Apple Silicon); 0 means the real one. Tests set 16 KiB on Linux.
	HostGranule uint64
}

// NewMemory reserves a guest address space. Nothing is mapped.
func NewMemory() (*Memory, error) {
	return newMemory(GuestSpaceSize, MemoryOptions{})
}

// NewMemoryWith reserves a guest address space backed as opts says.
func NewMemoryWith(opts MemoryOptions) (*Memory, error) {
	return newMemory(GuestSpaceSize, opts)
}

func newMemory(size uint64, opts MemoryOptions) (*Memory, error) {
	prot, flags := unix.PROT_NONE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE
	if opts.Fixed {
		// Shared, so that the hypervisor's view and ours are one memory.
		prot, flags = unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED|unix.MAP_ANON|unix.MAP_NORESERVE
	}
	host, err := unix.Mmap(-1, 0, int(size), prot, flags)
	if err != nil {
		return nil, fmt.Errorf("reserve %d GiB guest address space: %w", size>>30, err)
	}
	g := opts.HostGranule
	if g == 0 {
		g = uint64(os.Getpagesize())
	}
	if g%GuestPageSize != 0 || g&(g-1) != 0 {
		unix.Munmap(host)
		return nil, fmt.Errorf("host granule %d is not a power-of-two multiple of %d", g, GuestPageSize)
	}
	return &Memory{base: unsafe.Pointer(&host[0]), size: size, host: host, fixed: opts.Fixed, granule: g}, nil
}

// Fixed reports whether the memory is fixed-backed (MemoryOptions.Fixed).
func (m *Memory) Fixed() bool { return m.fixed }

// HostGranule is the host page size the memory assumes.
func (m *Memory) HostGranule() uint64 { return m.granule }

// ErrHostGranule is returned for a MAP_SHARED file mapping of fixed memory
// that does not cover whole host pages: the host cannot map a file at a
// finer grain than its page. Syscalls turn it into EINVAL.
var ErrHostGranule = errors.New("shared file mapping not aligned to the host page size")

// MappingObserver is told after every change of mappings or protections in
// [addr, addr+length); it reads the new state back (ProtAt, Mappings). It
// is how a backend that keeps its own page tables follows the guest.
type MappingObserver interface {
	MappingChanged(addr, length uint64)
}

// AddObserver registers o to be told of mapping changes.
func (m *Memory) AddObserver(o MappingObserver) {
	m.cmu.Lock()
	m.observers = append(m.observers, o)
	m.cmu.Unlock()
}

// notify tells the observers of a change. It runs after m.mu is released,
// so observers may read the memory's state; each reads the state as it is
// when it runs, so concurrent changes still end in the final state.
func (m *Memory) notify(addr, length uint64) {
	m.cmu.Lock()
	obs := m.observers
	m.cmu.Unlock()
	for _, o := range obs {
		o.MappingChanged(addr, length)
	}
}

// Close releases the reservation. No VCPU may run on it afterwards.
func (m *Memory) Close() error {
	if m.host == nil {
		return nil
	}
	err := unix.Munmap(m.host)
	m.host = nil
	return err
}

// Base is the host address of guest address 0.
func (m *Memory) Base() unsafe.Pointer { return m.base }

// Size is the size of the guest address space.
func (m *Memory) Size() uint64 { return m.size }

func (m *Memory) checkRange(addr, length uint64) error {
	if addr%GuestPageSize != 0 || length%GuestPageSize != 0 || length == 0 {
		return fmt.Errorf("guest range %#x+%#x: not page aligned", addr, length)
	}
	if addr >= m.size || length > m.size-addr {
		return fmt.Errorf("guest range %#x+%#x: outside the %d GiB address space", addr, length, m.size>>30)
	}
	return nil
}

func hostProt(p Prot) int {
	hp := unix.PROT_NONE
	// The interpreter reads code through host memory, so exec needs read.
	if p&(ProtRead|ProtExec) != 0 {
		hp |= unix.PROT_READ
	}
	if p&ProtWrite != 0 {
		hp |= unix.PROT_READ | unix.PROT_WRITE
	}
	return hp
}

func (m *Memory) hostSlice(addr, length uint64) []byte {
	return unsafe.Slice((*byte)(unsafe.Add(m.base, addr)), length)
}

// Map maps fresh zero-filled private memory at [addr, addr+length),
// replacing whatever was there.
func (m *Memory) Map(addr, length uint64, prot Prot) error {
	return m.mapAt(addr, length, prot, -1, 0, false)
}

// MapFile maps length bytes of the host file fd from offset at addr. With
// shared, stores reach the file (MAP_SHARED); otherwise they stay private.
func (m *Memory) MapFile(addr, length uint64, prot Prot, fd int, offset int64, shared bool) error {
	return m.mapAt(addr, length, prot, fd, offset, shared)
}

func (m *Memory) mapAt(addr, length uint64, prot Prot, fd int, offset int64, shared bool) error {
	if err := m.checkRange(addr, length); err != nil {
		return err
	}
	if m.fixed {
		return m.mapFixed(addr, length, prot, fd, offset, shared)
	}
	flags := unix.MAP_FIXED
	if shared {
		flags |= unix.MAP_SHARED
	} else {
		flags |= unix.MAP_PRIVATE
	}
	if fd < 0 {
		flags |= unix.MAP_ANON
	}
	m.mu.Lock()
	if _, err := mmapFixed(unsafe.Add(m.base, addr), length, hostProt(prot), flags, fd, offset); err != nil {
		m.mu.Unlock()
		return fmt.Errorf("map guest %#x+%#x: %w", addr, length, err)
	}
	m.commitLocked(addr, addr+length, prot, true, length)
	return nil
}

// Protect changes the protection of [addr, addr+length), which must be mapped.
func (m *Memory) Protect(addr, length uint64, prot Prot) error {
	if err := m.checkRange(addr, length); err != nil {
		return err
	}
	m.mu.Lock()
	if !m.mappedLocked(addr, addr+length) {
		m.mu.Unlock()
		return fmt.Errorf("protect guest %#x+%#x: %w", addr, length, ErrFault)
	}
	if !m.fixed {
		if err := unix.Mprotect(m.hostSlice(addr, length), hostProt(prot)); err != nil {
			m.mu.Unlock()
			return fmt.Errorf("protect guest %#x+%#x: %w", addr, length, err)
		}
	}
	m.commitLocked(addr, addr+length, prot, true, length)
	return nil
}

// Unmap removes [addr, addr+length). Memory mapped there later reads as zeros.
func (m *Memory) Unmap(addr, length uint64) error {
	if err := m.checkRange(addr, length); err != nil {
		return err
	}
	m.mu.Lock()
	if m.fixed {
		if err := m.unmapFixed(addr, length); err != nil {
			m.mu.Unlock()
			return err
		}
	} else if _, err := mmapFixed(unsafe.Add(m.base, addr), length, unix.PROT_NONE,
		unix.MAP_FIXED|unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE, -1, 0); err != nil {
		// Replacing with a fresh inaccessible reservation frees the pages
		// and keeps the range ours.
		m.mu.Unlock()
		return fmt.Errorf("unmap guest %#x+%#x: %w", addr, length, err)
	}
	m.commitLocked(addr, addr+length, 0, false, length)
	return nil
}

// commitLocked records [start, end) as mapped with prot (or unmapped),
// drops decoded code over the n bytes from start that changed, releases
// m.mu and tells the observers.
// Preconditions: m.mu is held for writing; it is released.
func (m *Memory) commitLocked(start, end uint64, prot Prot, mapped bool, n uint64) {
	m.setRegion(start, end, prot, mapped)
	m.invalidate(start, n)
	m.mu.Unlock()
	m.notify(start, n)
}

// setRegion records [start,end) as mapped with prot, or as unmapped.
// Preconditions: m.mu is held for writing.
func (m *Memory) setRegion(start, end uint64, prot Prot, mapped bool) {
	out := m.regions[:0:0]
	for _, r := range m.regions {
		if r.end <= start || r.start >= end {
			out = append(out, r)
			continue
		}
		if r.start < start {
			out = append(out, region{r.start, start, r.prot})
		}
		if r.end > end {
			out = append(out, region{end, r.end, r.prot})
		}
	}
	if mapped {
		out = append(out, region{start, end, prot})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].start < out[j].start })
	// Merge neighbours with equal protection so the list stays short.
	merged := out[:0]
	for _, r := range out {
		if n := len(merged); n > 0 && merged[n-1].end == r.start && merged[n-1].prot == r.prot {
			merged[n-1].end = r.end
			continue
		}
		merged = append(merged, r)
	}
	m.regions = merged
}

// find returns the index of the region containing addr, or -1.
// Preconditions: m.mu is held.
func (m *Memory) find(addr uint64) int {
	i := sort.Search(len(m.regions), func(i int) bool { return m.regions[i].end > addr })
	if i < len(m.regions) && m.regions[i].start <= addr {
		return i
	}
	return -1
}

func (m *Memory) mappedLocked(start, end uint64) bool {
	for a := start; a < end; {
		i := m.find(a)
		if i < 0 {
			return false
		}
		a = m.regions[i].end
	}
	return true
}

// ProtAt returns the protection of the page containing addr and whether it is
// mapped.
func (m *Memory) ProtAt(addr uint64) (Prot, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	i := m.find(addr)
	if i < 0 {
		return 0, false
	}
	return m.regions[i].prot, true
}

// Check reports whether every byte of [addr, addr+n) may be accessed as acc.
func (m *Memory) Check(addr, n uint64, acc Access) error {
	if n == 0 {
		return nil
	}
	if addr >= m.size || n > m.size-addr {
		return ErrFault
	}
	want := ProtRead
	switch acc {
	case AccessWrite:
		want = ProtWrite
	case AccessExec:
		want = ProtExec
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	for a, end := addr, addr+n; a < end; {
		i := m.find(a)
		if i < 0 || m.regions[i].prot&want == 0 {
			return ErrFault
		}
		a = m.regions[i].end
	}
	return nil
}

// Slice returns host memory backing [addr, addr+n) after checking it may be
// accessed as acc. The slice aliases guest memory: another guest thread may
// unmap it concurrently, so callers run with debug.SetPanicOnFault set (the
// VCPU goroutine does).
func (m *Memory) Slice(addr, n uint64, acc Access) ([]byte, error) {
	if err := m.Check(addr, n, acc); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, nil
	}
	return m.hostSlice(addr, n), nil
}

// Read copies guest memory at addr into p.
func (m *Memory) Read(addr uint64, p []byte) error {
	s, err := m.Slice(addr, uint64(len(p)), AccessRead)
	if err != nil {
		return err
	}
	copy(p, s)
	return nil
}

// Write copies p into guest memory at addr.
func (m *Memory) Write(addr uint64, p []byte) error {
	s, err := m.Slice(addr, uint64(len(p)), AccessWrite)
	if err != nil {
		return err
	}
	copy(s, p)
	return nil
}

// WriteForce copies p into guest memory regardless of guest protection, for
// the loader filling read-only segments. The range must be mapped.
func (m *Memory) WriteForce(addr uint64, p []byte) error {
	return m.force(addr, uint64(len(p)), true, func(host []byte) { copy(host, p) })
}

// ReadForce copies guest memory into p regardless of guest protection (the
// pages must be mapped), for the kernel moving memory (mremap).
func (m *Memory) ReadForce(addr uint64, p []byte) error {
	return m.force(addr, uint64(len(p)), false, func(host []byte) { copy(p, host) })
}

// force runs fn on the host memory of [addr, addr+n) after raising the host
// protection of the pages that lack read (or write) access, and restores
// them after. Protections are only ever raised, so other threads using the
// pages never fault because of it.
func (m *Memory) force(addr, n uint64, write bool, fn func(host []byte)) error {
	if n == 0 {
		return nil
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if addr >= m.size || n > m.size-addr || !m.mappedLocked(addr, addr+n) {
		return ErrFault
	}
	need := unix.PROT_READ
	if write {
		need |= unix.PROT_WRITE
	}
	start := addr &^ (GuestPageSize - 1)
	end := (addr + n + GuestPageSize - 1) &^ (GuestPageSize - 1)
	type span struct {
		lo, hi uint64
		prot   int
	}
	var raised []span
	defer func() {
		for _, r := range raised {
			unix.Mprotect(m.hostSlice(r.lo, r.hi-r.lo), r.prot)
		}
	}()
	for a := start; a < end && !m.fixed; {
		r := m.regions[m.find(a)]
		hi := min(r.end, end)
		if hp := hostProt(r.prot); hp&need != need {
			if err := unix.Mprotect(m.hostSlice(a, hi-a), hp|need); err != nil {
				return err
			}
			raised = append(raised, span{a, hi, hp})
		}
		a = hi
	}
	fn(m.hostSlice(addr, n))
	return nil
}

// Mappings calls fn for each mapped range in address order.
func (m *Memory) Mappings(fn func(start, end uint64, prot Prot)) {
	m.mu.RLock()
	rs := append([]region(nil), m.regions...)
	m.mu.RUnlock()
	for _, r := range rs {
		fn(r.start, r.end, r.prot)
	}
}

// MappingsIn calls fn for each mapped range overlapping [lo, hi), in
// address order, clipped to it.
func (m *Memory) MappingsIn(lo, hi uint64, fn func(start, end uint64, prot Prot)) {
	m.mu.RLock()
	i := sort.Search(len(m.regions), func(i int) bool { return m.regions[i].end > lo })
	var rs []region
	for ; i < len(m.regions) && m.regions[i].start < hi; i++ {
		rs = append(rs, m.regions[i])
	}
	m.mu.RUnlock()
	for _, r := range rs {
		fn(max(r.start, lo), min(r.end, hi), r.prot)
	}
}

// AddCodeCache registers a decoded-code cache to be told of changes.
func (m *Memory) AddCodeCache(c CodeCache) {
	m.cmu.Lock()
	m.caches = append(m.caches, c)
	m.cmu.Unlock()
}

// RemoveCodeCache unregisters c.
func (m *Memory) RemoveCodeCache(c CodeCache) {
	m.cmu.Lock()
	defer m.cmu.Unlock()
	for i, x := range m.caches {
		if x == c {
			m.caches = append(m.caches[:i], m.caches[i+1:]...)
			return
		}
	}
}

// InvalidateCode tells every code cache that instructions in
// [addr, addr+length) may have changed (the guest ran `ic ivau`, or an exec).
func (m *Memory) InvalidateCode(addr, length uint64) {
	m.invalidate(addr, length)
}

func (m *Memory) invalidate(addr, length uint64) {
	m.cmu.Lock()
	defer m.cmu.Unlock()
	for _, c := range m.caches {
		c.InvalidateCode(addr, length)
	}
}

func mmapFixed(addr unsafe.Pointer, length uint64, prot, flags, fd int, offset int64) (unsafe.Pointer, error) {
	p, err := unix.MmapPtr(fd, offset, addr, uintptr(length), prot, flags)
	if err == nil && p != addr {
		return nil, fmt.Errorf("mmap placed at %p, wanted %p", p, addr)
	}
	return p, err
}

// Access runs fn on the host memory behind [addr, addr+n) regardless of
// guest protection (raised for the call only): fork copies pages out of a
// parent and into a child through it. The range must be mapped.
func (m *Memory) Access(addr, n uint64, write bool, fn func(host []byte)) error {
	return m.force(addr, n, write, fn)
}

// Resident calls fn for each run of pages in [addr, addr+length) that the
// guest has touched (resident or swapped out on the host), so that copying
// an address space costs what it uses, not what it reserved. The range
// must be page aligned.
func (m *Memory) Resident(addr, length uint64, fn func(start, end uint64)) error {
	if err := m.checkRange(addr, length); err != nil {
		return err
	}
	return residentRuns(m.hostSlice(addr, length), func(lo, hi uint64) { fn(addr+lo, addr+hi) })
}
