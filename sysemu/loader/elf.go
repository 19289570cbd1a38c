// Package loader puts a Linux ARM64 ELF program into a guest address space
// and builds its initial stack (argv, envp, auxv), as the kernel's
// binfmt_elf does.
package loader

import (
	"debug/elf"
	"errors"
	"fmt"
	"io"

	"github.com/carrick-go/carrick/sysemu/mm"
	"github.com/carrick-go/carrick/vcpu"
)

// ErrNotELF is returned for files that are not ELF at all; ErrBadELF for
// ELF files that are truncated or corrupt. Both are ENOEXEC to the kernel.
var (
	ErrNotELF = errors.New("not an ELF file")
	ErrBadELF = errors.New("truncated or corrupt ELF file")
)

// Image describes a loaded ELF object.
type Image struct {
	Entry  uint64 // entry point, load bias applied
	Phdr   uint64 // guest address of the program headers
	Phent  uint64
	Phnum  uint64
	Bias   uint64 // load bias (0 for ET_EXEC)
	End    uint64 // end of the highest segment: the initial program break
	Interp string // PT_INTERP, if any
}

// Load maps the PT_LOAD segments of the ELF in r into m. ET_DYN objects are
// placed at base.
func Load(m *mm.MM, r io.ReaderAt, base uint64) (*Image, error) {
	var magic [4]byte
	if _, err := r.ReadAt(magic[:], 0); err != nil || string(magic[:]) != elf.ELFMAG {
		return nil, ErrNotELF
	}
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadELF, err)
	}
	if f.Class != elf.ELFCLASS64 || f.Data != elf.ELFDATA2LSB {
		return nil, fmt.Errorf("not a 64-bit little-endian ELF (%v, %v)", f.Class, f.Data)
	}
	if f.Machine != elf.EM_AARCH64 {
		return nil, fmt.Errorf("ELF for %v, not aarch64", f.Machine)
	}
	img := &Image{Phent: 56, Phnum: uint64(len(f.Progs))}
	switch f.Type {
	case elf.ET_EXEC:
	case elf.ET_DYN:
		img.Bias = base
	default:
		return nil, fmt.Errorf("ELF type %v is not executable", f.Type)
	}

	// The pages the segments cover, with the union of their protections:
	// segments may share a page.
	type span struct {
		lo, hi uint64
		prot   vcpu.Prot
	}
	var spans []span
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_INTERP:
			b := make([]byte, min(p.Filesz, 4096))
			if _, err := p.ReadAt(b, 0); err != nil {
				return nil, fmt.Errorf("read PT_INTERP: %w", err)
			}
			for i, c := range b {
				if c == 0 {
					b = b[:i]
					break
				}
			}
			img.Interp = string(b)
		case elf.PT_PHDR:
			img.Phdr = p.Vaddr + img.Bias
		case elf.PT_LOAD:
			if p.Memsz == 0 {
				continue
			}
			if p.Filesz > p.Memsz || p.Vaddr+p.Memsz < p.Vaddr {
				return nil, fmt.Errorf("bad PT_LOAD segment at %#x", p.Vaddr)
			}
			lo := mm.PageDown(p.Vaddr + img.Bias)
			hi := mm.PageUp(p.Vaddr + img.Bias + p.Memsz)
			if lo < mm.NullGuardEnd || hi > vcpu.UserSpaceSize || hi < lo {
				return nil, fmt.Errorf("PT_LOAD segment %#x+%#x is outside the guest address space", p.Vaddr, p.Memsz)
			}
			var prot vcpu.Prot
			if p.Flags&elf.PF_R != 0 {
				prot |= vcpu.ProtRead
			}
			if p.Flags&elf.PF_W != 0 {
				prot |= vcpu.ProtWrite
			}
			if p.Flags&elf.PF_X != 0 {
				prot |= vcpu.ProtExec
			}
			spans = append(spans, span{lo, hi, prot})
			img.End = max(img.End, p.Vaddr+img.Bias+p.Memsz)
		}
	}
	if len(spans) == 0 {
		return nil, errors.New("ELF has no loadable segments")
	}
	for _, s := range spans {
		if err := m.Map(s.lo, s.hi-s.lo, vcpu.ProtRead|vcpu.ProtWrite, ""); err != nil {
			return nil, err
		}
	}
	mem := m.Memory()
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD || p.Filesz == 0 {
			continue
		}
		// Copy in chunks: Filesz comes from the file and may lie.
		buf := make([]byte, min(p.Filesz, 1<<20))
		for done := uint64(0); done < p.Filesz; {
			n := min(uint64(len(buf)), p.Filesz-done)
			if _, err := r.ReadAt(buf[:n], int64(p.Off+done)); err != nil {
				return nil, fmt.Errorf("%w: segment at file offset %#x: %v", ErrBadELF, p.Off+done, err)
			}
			if err := mem.Write(p.Vaddr+img.Bias+done, buf[:n]); err != nil {
				return nil, err
			}
			done += n
		}
	}
	// Final protections; a page shared by two segments gets the union.
	for _, s := range spans {
		if err := m.Mprotect(s.lo, s.hi-s.lo, s.prot); err != 0 {
			return nil, fmt.Errorf("protect segment %#x: %v", s.lo, err)
		}
	}
	for i, s := range spans {
		for _, t := range spans[i+1:] {
			lo, hi := max(s.lo, t.lo), min(s.hi, t.hi)
			if lo < hi {
				if err := m.Mprotect(lo, hi-lo, s.prot|t.prot); err != 0 {
					return nil, fmt.Errorf("protect shared page %#x: %v", lo, err)
				}
			}
		}
	}
	if img.Phdr == 0 {
		off := phoff(r)
		for _, p := range f.Progs {
			if p.Type == elf.PT_LOAD && off >= p.Off && off < p.Off+p.Filesz {
				img.Phdr = p.Vaddr + (off - p.Off) + img.Bias
			}
		}
	}
	img.Entry = f.Entry + img.Bias
	return img, nil
}

// phoff reads e_phoff from the ELF header.
func phoff(r io.ReaderAt) uint64 {
	var b [8]byte
	if _, err := r.ReadAt(b[:], 32); err != nil {
		return 0
	}
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// Span returns the page-aligned extent [lo, hi) of an ELF's PT_LOAD
// segments before relocation: what placing an ET_DYN object needs.
func Span(r io.ReaderAt) (lo, hi uint64, err error) {
	f, err := elf.NewFile(r)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: %v", ErrNotELF, err)
	}
	lo = ^uint64(0)
	for _, p := range f.Progs {
		if p.Type != elf.PT_LOAD || p.Memsz == 0 {
			continue
		}
		if p.Vaddr+p.Memsz < p.Vaddr {
			return 0, 0, errors.New("bad PT_LOAD segment")
		}
		lo = min(lo, mm.PageDown(p.Vaddr))
		hi = max(hi, mm.PageUp(p.Vaddr+p.Memsz))
	}
	if hi == 0 {
		return 0, 0, errors.New("ELF has no loadable segments")
	}
	return lo, hi, nil
}
