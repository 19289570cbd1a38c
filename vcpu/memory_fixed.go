package vcpu

import (
	"fmt"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Fixed-backed memory (MemoryOptions.Fixed) keeps one host mapping for the
// whole guest space, because Hypervisor.framework maps it at stage 2 once
// and cannot be told that host pages under it were replaced. Linux's 4 KiB
// VMA semantics are kept on top of host pages of any size (16 KiB on Apple
// Silicon) by changing contents, never mappings:
//   - a fresh anonymous mapping is zeroed where the guest ever touched it;
//   - a private file mapping is a copy (pread) of the file;
//   - protections are bookkeeping here and stage-1 descriptors in the
//     backend;
//   - only a MAP_SHARED file mapping replaces host pages, whole host pages
//     at a time, and munmap puts fresh shared memory back.

// mapFixed implements mapAt for fixed memory.
func (m *Memory) mapFixed(addr, length uint64, prot Prot, fd int, offset int64, shared bool) error {
	if shared && fd >= 0 {
		return m.mapSharedFile(addr, length, prot, fd, offset)
	}
	m.mu.Lock()
	err := m.restoreBacking(addr, length)
	if err == nil && overlaps(m.remapped, span{addr, addr + length}) {
		// Part of a host page still holds another mapping's file: private
		// memory there would write into that file.
		err = ErrHostGranule
	}
	if err == nil {
		err = m.zero(addr, length)
	}
	if err == nil && fd >= 0 {
		err = m.preadAll(fd, offset, m.hostSlice(addr, length))
	}
	if err != nil {
		m.mu.Unlock()
		return fmt.Errorf("map guest %#x+%#x: %w", addr, length, err)
	}
	m.commitLocked(addr, addr+length, prot, true, length)
	return nil
}

// mapSharedFile maps a file over whole host pages of the fixed backing.
func (m *Memory) mapSharedFile(addr, length uint64, prot Prot, fd int, offset int64) error {
	g := m.granule
	if addr%g != 0 || uint64(offset)%g != 0 {
		return fmt.Errorf("map guest %#x+%#x at file offset %#x: %w", addr, length, offset, ErrHostGranule)
	}
	hostLen := (length + g - 1) &^ (g - 1)
	m.mu.Lock()
	// The tail of the last host page beyond length must not hold another
	// guest mapping, or the file would replace its contents.
	if hostLen > length && m.anyMappedLocked(addr+length, addr+hostLen) {
		m.mu.Unlock()
		return fmt.Errorf("map guest %#x+%#x: the rest of its host page is in use: %w", addr, length, ErrHostGranule)
	}
	if _, err := mmapFixed(unsafe.Add(m.base, addr), hostLen, unix.PROT_READ|unix.PROT_WRITE,
		unix.MAP_FIXED|unix.MAP_SHARED, fd, offset); err != nil {
		m.mu.Unlock()
		return fmt.Errorf("map guest %#x+%#x: %w", addr, length, err)
	}
	m.remapped = addSpan(m.remapped, span{addr, addr + hostLen})
	m.commitLocked(addr, addr+length, prot, true, hostLen)
	return nil
}

// unmapFixed drops the contents of [addr, addr+length) of fixed memory.
// Preconditions: m.mu is held for writing.
func (m *Memory) unmapFixed(addr, length uint64) error {
	if err := m.restoreBacking(addr, length); err != nil {
		return fmt.Errorf("unmap guest %#x+%#x: %w", addr, length, err)
	}
	// Free the whole host pages of the range that no file backs, so the
	// guest's munmap returns memory to the host as it does on Linux.
	g := m.granule
	lo, hi := (addr+g-1)&^(g-1), (addr+length)&^(g-1)
	if lo < hi && !overlaps(m.remapped, span{lo, hi}) {
		discard(m.hostSlice(lo, hi-lo))
	}
	return nil
}

// restoreBacking puts fresh shared anonymous memory back over the host
// pages of [addr, addr+length) that a file replaced. A host page only
// partly inside the range keeps its file while another part of it is
// mapped.
// Preconditions: m.mu is held for writing.
func (m *Memory) restoreBacking(addr, length uint64) error {
	g := m.granule
	end := addr + length
	var keep []span
	for _, r := range m.remapped {
		lo, hi := max(r.start, addr&^(g-1)), min(r.end, (end+g-1)&^(g-1))
		if lo >= hi {
			keep = append(keep, r)
			continue
		}
		// Host pages of r in [lo, hi) go back to anonymous memory unless
		// part of them stays mapped outside [addr, end).
		var back []span
		for p := lo; p < hi; p += g {
			inUse := m.anyMappedLocked(p, max(p, min(p+g, addr))) || m.anyMappedLocked(min(p+g, max(p, end)), p+g)
			if !inUse {
				back = addSpan(back, span{p, p + g})
			}
		}
		rest := []span{r}
		for _, b := range back {
			if _, err := mmapFixed(unsafe.Add(m.base, b.start), b.end-b.start, unix.PROT_READ|unix.PROT_WRITE,
				unix.MAP_FIXED|unix.MAP_SHARED|unix.MAP_ANON|unix.MAP_NORESERVE, -1, 0); err != nil {
				return err
			}
			rest = cutSpan(rest, b)
		}
		keep = append(keep, rest...)
	}
	m.remapped = keep
	return nil
}

// zero clears [addr, addr+length) where the host has pages for it, so a
// fresh mapping reads as zeros without touching (and allocating) pages the
// guest never used.
// Preconditions: m.mu is held.
func (m *Memory) zero(addr, length uint64) error {
	ps := uint64(os.Getpagesize())
	lo, hi := addr&^(ps-1), (addr+length+ps-1)&^(ps-1)
	return residentRuns(m.hostSlice(lo, hi-lo), func(a, b uint64) {
		a, b = max(lo+a, addr), min(lo+b, addr+length)
		if a < b {
			clear(m.hostSlice(a, b-a))
		}
	})
}

// preadAll fills b from fd at offset; bytes past the end of the file stay
// zero, as in a private file mapping.
func (m *Memory) preadAll(fd int, offset int64, b []byte) error {
	for len(b) > 0 {
		n, err := unix.Pread(fd, b, offset)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		b, offset = b[n:], offset+int64(n)
	}
	return nil
}

// anyMappedLocked reports whether any guest page of [start, end) is mapped.
// Preconditions: m.mu is held.
func (m *Memory) anyMappedLocked(start, end uint64) bool {
	for _, r := range m.regions {
		if r.start < end && r.end > start {
			return true
		}
	}
	return false
}

// addSpan adds s to a sorted list of disjoint spans, merging neighbours.
func addSpan(list []span, s span) []span {
	out := cutSpan(list, s)
	out = append(out, s)
	for i := len(out) - 1; i > 0 && out[i].start < out[i-1].start; i-- {
		out[i], out[i-1] = out[i-1], out[i]
	}
	merged := out[:0]
	for _, r := range out {
		if n := len(merged); n > 0 && merged[n-1].end >= r.start {
			merged[n-1].end = max(merged[n-1].end, r.end)
			continue
		}
		merged = append(merged, r)
	}
	return merged
}

// cutSpan removes s from a list of disjoint spans.
func cutSpan(list []span, s span) []span {
	var out []span
	for _, r := range list {
		if r.end <= s.start || r.start >= s.end {
			out = append(out, r)
			continue
		}
		if r.start < s.start {
			out = append(out, span{r.start, s.start})
		}
		if r.end > s.end {
			out = append(out, span{s.end, r.end})
		}
	}
	return out
}

// overlaps reports whether any span of list intersects s.
func overlaps(list []span, s span) bool {
	for _, r := range list {
		if r.start < s.end && r.end > s.start {
			return true
		}
	}
	return false
}
