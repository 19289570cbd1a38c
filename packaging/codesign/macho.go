package codesign

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Mach-O constants, from Apple's <mach-o/loader.h>, <mach-o/fat.h> and
// <mach/machine.h>. Mach-O headers are in the byte order of the target
// (little-endian for arm64); fat headers are always big-endian.
const (
	mhMagic64 = 0xfeedfacf
	mhCigam64 = 0xcffaedfe
	mhMagic   = 0xfeedface
	mhCigam   = 0xcefaedfe
	fatMagic  = 0xcafebabe
	fatMagic6 = 0xcafebabf

	cpuTypeARM64  = 0x0100000c
	cpuTypeX86_64 = 0x01000007

	mhExecute = 0x2

	lcSegment64     = 0x19
	lcCodeSignature = 0x1d

	machHeader64Size = 32
	segment64Size    = 72
	section64Size    = 80
	linkeditCmdSize  = 16

	// segPageSize is the arm64 VM page size that __LINKEDIT's vmsize is
	// rounded to, as Apple's linker does.
	segPageSize = 0x4000
)

// Errors returned for inputs that cannot be signed or verified. They are
// wrapped with details; test with errors.Is.
var (
	ErrNotMachO    = errors.New("not a Mach-O file")
	ErrFat         = errors.New("fat (universal) Mach-O: sign each thin slice, e.g. after lipo -thin arm64")
	ErrUnsupported = errors.New("unsupported Mach-O")
	ErrMalformed   = errors.New("malformed Mach-O")
	ErrNotSigned   = errors.New("no code signature")
	ErrBadSig      = errors.New("bad code signature")
)

// segment is a parsed LC_SEGMENT_64 with the file offset of its load
// command, so its fields can be patched in place.
type segment struct {
	name     string
	cmdOff   int
	vmaddr   uint64
	vmsize   uint64
	fileoff  uint64
	filesize uint64
}

// machO is what signing needs to know about a thin 64-bit arm64 Mach-O.
type machO struct {
	filetype   uint32
	ncmds      uint32
	sizeofcmds uint32
	segments   []segment
	text       *segment
	linkedit   *segment
	// sigCmdOff is the file offset of LC_CODE_SIGNATURE, or -1.
	sigCmdOff int
	dataoff   uint32
	datasize  uint32
	// firstData is the lowest file offset of section or segment content
	// after the load commands: the room a new load command may use.
	firstData uint64
}

var le = binary.LittleEndian

// parseMachO checks that b is a thin little-endian 64-bit arm64 Mach-O and
// walks its load commands with every offset bounds-checked.
func parseMachO(b []byte) (*machO, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("%w: file is %d bytes", ErrNotMachO, len(b))
	}
	switch m := binary.BigEndian.Uint32(b); m {
	case fatMagic, fatMagic6:
		return nil, ErrFat
	}
	switch m := le.Uint32(b); m {
	case mhMagic64:
	case mhMagic, mhCigam:
		return nil, fmt.Errorf("%w: 32-bit Mach-O, want 64-bit arm64", ErrUnsupported)
	case mhCigam64:
		return nil, fmt.Errorf("%w: big-endian Mach-O, want little-endian arm64", ErrUnsupported)
	default:
		return nil, fmt.Errorf("%w: magic %#08x", ErrNotMachO, m)
	}
	if len(b) < machHeader64Size {
		return nil, fmt.Errorf("%w: truncated header (%d bytes)", ErrMalformed, len(b))
	}
	if cpu := le.Uint32(b[4:]); cpu != cpuTypeARM64 {
		name := fmt.Sprintf("%#x", cpu)
		if cpu == cpuTypeX86_64 {
			name = "x86_64"
		}
		return nil, fmt.Errorf("%w: cpu type %s, want arm64", ErrUnsupported, name)
	}
	m := &machO{
		filetype:   le.Uint32(b[12:]),
		ncmds:      le.Uint32(b[16:]),
		sizeofcmds: le.Uint32(b[20:]),
		sigCmdOff:  -1,
		firstData:  uint64(len(b)),
	}
	end := uint64(machHeader64Size) + uint64(m.sizeofcmds)
	if end > uint64(len(b)) {
		return nil, fmt.Errorf("%w: load commands (%d bytes) run past the end of the file (%d bytes)", ErrMalformed, m.sizeofcmds, len(b))
	}
	off := uint64(machHeader64Size)
	for i := uint32(0); i < m.ncmds; i++ {
		if off+8 > end {
			return nil, fmt.Errorf("%w: load command %d at %#x outside sizeofcmds", ErrMalformed, i, off)
		}
		cmd, size := le.Uint32(b[off:]), uint64(le.Uint32(b[off+4:]))
		if size < 8 || size%8 != 0 || off+size > end {
			return nil, fmt.Errorf("%w: load command %d (%#x) has size %d", ErrMalformed, i, cmd, size)
		}
		lc := b[off : off+size]
		switch cmd {
		case lcSegment64:
			if err := m.addSegment(lc, int(off), len(b)); err != nil {
				return nil, err
			}
		case lcCodeSignature:
			if size != linkeditCmdSize {
				return nil, fmt.Errorf("%w: LC_CODE_SIGNATURE size %d", ErrMalformed, size)
			}
			if m.sigCmdOff >= 0 {
				return nil, fmt.Errorf("%w: two LC_CODE_SIGNATURE commands", ErrMalformed)
			}
			m.sigCmdOff = int(off)
			m.dataoff, m.datasize = le.Uint32(lc[8:]), le.Uint32(lc[12:])
		}
		off += size
	}
	for i := range m.segments {
		p := &m.segments[i]
		switch {
		case p.name == "__TEXT" && m.text == nil:
			m.text = p
		case p.name == "__LINKEDIT" && m.linkedit == nil:
			m.linkedit = p
		case p.name == "__TEXT" || p.name == "__LINKEDIT":
			return nil, fmt.Errorf("%w: two %s segments", ErrMalformed, p.name)
		}
	}
	if m.text == nil {
		return nil, fmt.Errorf("%w: no __TEXT segment", ErrMalformed)
	}
	if m.linkedit == nil {
		return nil, fmt.Errorf("%w: no __LINKEDIT segment", ErrMalformed)
	}
	lk := m.linkedit
	for _, s := range m.segments {
		if s.name != "__LINKEDIT" && s.filesize > 0 && s.fileoff+s.filesize > lk.fileoff {
			return nil, fmt.Errorf("%w: segment %s ends at %#x, after __LINKEDIT starts (%#x); __LINKEDIT must be last", ErrUnsupported, s.name, s.fileoff+s.filesize, lk.fileoff)
		}
	}
	if m.sigCmdOff >= 0 {
		so, se := uint64(m.dataoff), uint64(m.dataoff)+uint64(m.datasize)
		if so < lk.fileoff || se > lk.fileoff+lk.filesize || se > uint64(len(b)) {
			return nil, fmt.Errorf("%w: code signature [%#x,%#x) outside __LINKEDIT [%#x,%#x) or the file (%#x bytes)", ErrMalformed, so, se, lk.fileoff, lk.fileoff+lk.filesize, len(b))
		}
	}
	return m, nil
}

func (m *machO) addSegment(lc []byte, cmdOff, fileLen int) error {
	if len(lc) < segment64Size {
		return fmt.Errorf("%w: LC_SEGMENT_64 of %d bytes", ErrMalformed, len(lc))
	}
	s := segment{
		name:     cstring(lc[8:24]),
		cmdOff:   cmdOff,
		vmaddr:   le.Uint64(lc[24:]),
		vmsize:   le.Uint64(lc[32:]),
		fileoff:  le.Uint64(lc[40:]),
		filesize: le.Uint64(lc[48:]),
	}
	if s.fileoff+s.filesize < s.fileoff || s.fileoff+s.filesize > uint64(fileLen) {
		return fmt.Errorf("%w: segment %s [%#x,+%#x) past the end of the file (%#x bytes)", ErrMalformed, s.name, s.fileoff, s.filesize, fileLen)
	}
	nsects := uint64(le.Uint32(lc[64:]))
	if uint64(segment64Size)+nsects*section64Size > uint64(len(lc)) {
		return fmt.Errorf("%w: segment %s claims %d sections in %d bytes", ErrMalformed, s.name, nsects, len(lc))
	}
	if s.filesize > 0 && s.fileoff > 0 && s.fileoff < m.firstData {
		m.firstData = s.fileoff
	}
	for i := uint64(0); i < nsects; i++ {
		sect := lc[segment64Size+i*section64Size:]
		size, off := le.Uint64(sect[40:]), uint64(le.Uint32(sect[48:]))
		// Zero-fill sections (__bss) have offset 0 and take no file space.
		if off > 0 && size > 0 && off < m.firstData {
			m.firstData = off
		}
	}
	m.segments = append(m.segments, s)
	return nil
}

func cstring(b []byte) string {
	for i, c := range b {
		if c == 0 {
			return string(b[:i])
		}
	}
	return string(b)
}

func alignUp(x, a uint64) uint64 { return (x + a - 1) &^ (a - 1) }
