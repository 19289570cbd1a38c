package vdso

import (
	"debug/elf"
	"encoding/binary"
	"fmt"
	"sort"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// function is one export's code.
type function struct {
	name string
	typ  elf.SymType
	// leadingNop puts a NOP right before the symbol, as the kernel does for
	// __kernel_rt_sigreturn ("the mysterious NOP"): an unwinder that looks
	// up return address - 1 still lands on an instruction of this routine.
	leadingNop bool
	code       []uint32
}

// syscallStub is "mov x8, #nr; svc #0; ret": the syscall's result in x0 is
// the function's return value.
func syscallStub(nr uint16) []uint32 {
	return []uint32{movzX(regSyscallNr, nr), svc(0), insnRET}
}

func functions() []function {
	return []function{
		// STT_NOTYPE, as the kernel's SYM_CODE_START leaves it; every
		// consumer accepts NOTYPE and FUNC.
		{RtSigreturn, elf.STT_NOTYPE, true, []uint32{sigreturnMov(), svc(0)}},
		{ClockGettime, elf.STT_FUNC, false, syscallStub(abi.SYS_CLOCK_GETTIME)},
		{Gettimeofday, elf.STT_FUNC, false, syscallStub(abi.SYS_GETTIMEOFDAY)},
		{ClockGetres, elf.STT_FUNC, false, syscallStub(abi.SYS_CLOCK_GETRES)},
	}
}

// Hash-table geometry. Small, but with more than one bucket so lookups walk
// real chains.
const (
	sysvNBucket = 3
	gnuNBucket  = 3
	gnuBloomN   = 1 // 64-bit bloom words; a power of two
	gnuShift    = 6 // bloom filter's second hash shift
	funcAlign   = 16
)

// elfHash is the SysV ABI symbol hash (DT_HASH, and vd_hash of a version).
func elfHash(name string) uint32 {
	var h uint32
	for i := 0; i < len(name); i++ {
		h = h<<4 + uint32(name[i])
		g := h & 0xf0000000
		if g != 0 {
			h ^= g >> 24
		}
		h &^= g
	}
	return h
}

// gnuHash is the DT_GNU_HASH symbol hash (Bernstein's h*33 + c from 5381).
func gnuHash(name string) uint32 {
	h := uint32(5381)
	for i := 0; i < len(name); i++ {
		h = h*33 + uint32(name[i])
	}
	return h
}

// Section indices in the section header table, in file order.
const (
	shNull = iota
	shHash
	shGnuHash
	shDynsym
	shDynstr
	shVersym
	shVerdef
	shNote
	shText
	shDynamic
	shShstrtab
	shNum
)

type section struct {
	name    string
	typ     elf.SectionType
	flags   elf.SectionFlag
	align   uint64
	link    uint32
	info    uint32
	entsize uint64
	size    uint64
	off     uint64
}

const (
	ehdrSize  = 64
	phdrSize  = 56
	shdrSize  = 64
	symSize   = 24
	dynSize   = 16
	phNum     = 3 // PT_LOAD, PT_DYNAMIC, PT_NOTE
	verdefLen = 20
	verdaux   = 8
)

// strtab accumulates a NUL-separated string table with a leading NUL.
type strtab struct {
	b   []byte
	off map[string]uint32
}

func newStrtab() *strtab { return &strtab{b: []byte{0}, off: map[string]uint32{"": 0}} }

func (t *strtab) add(s string) uint32 {
	if o, ok := t.off[s]; ok {
		return o
	}
	o := uint32(len(t.b))
	t.b = append(append(t.b, s...), 0)
	t.off[s] = o
	return o
}

func alignUp(v, a uint64) uint64 { return (v + a - 1) &^ (a - 1) }

// buildImage lays out and writes the ELF image.
func buildImage() ([]byte, []Symbol) {
	le := binary.LittleEndian
	funcs := functions()

	// .text: each function at a 16-byte boundary, padding is UDF #0.
	var text []byte
	textOff := make(map[string]uint64) // symbol value relative to .text
	textSize := make(map[string]uint64)
	for _, f := range funcs {
		for uint64(len(text))%funcAlign != 0 {
			text = le.AppendUint32(text, insnUDF)
		}
		if f.leadingNop {
			text = le.AppendUint32(text, insnNOP)
		}
		textOff[f.name] = uint64(len(text))
		textSize[f.name] = uint64(4 * len(f.code))
		for _, w := range f.code {
			text = le.AppendUint32(text, w)
		}
	}
	for uint64(len(text))%funcAlign != 0 {
		text = le.AppendUint32(text, insnUDF)
	}

	// .dynsym order: the null symbol, then the exports sorted by GNU hash
	// bucket (DT_GNU_HASH requires each bucket's symbols to be contiguous).
	order := append([]function(nil), funcs...)
	sort.SliceStable(order, func(i, j int) bool {
		return gnuHash(order[i].name)%gnuNBucket < gnuHash(order[j].name)%gnuNBucket
	})
	nsym := uint32(len(order) + 1)
	const symOffset = 1 // first symbol covered by DT_GNU_HASH

	// .dynstr
	dynstr := newStrtab()
	sonameOff := dynstr.add(Soname)
	versionOff := dynstr.add(Version)
	nameOff := make([]uint32, len(order))
	for i, f := range order {
		nameOff[i] = dynstr.add(f.name)
	}

	// .hash (SysV): nbucket, nchain, buckets, chains.
	sysvBucket := make([]uint32, sysvNBucket)
	sysvChain := make([]uint32, nsym)
	for i, f := range order {
		idx := uint32(i + 1)
		b := elfHash(f.name) % sysvNBucket
		sysvChain[idx] = sysvBucket[b]
		sysvBucket[b] = idx
	}
	var hash []byte
	hash = le.AppendUint32(hash, sysvNBucket)
	hash = le.AppendUint32(hash, nsym)
	for _, v := range sysvBucket {
		hash = le.AppendUint32(hash, v)
	}
	for _, v := range sysvChain {
		hash = le.AppendUint32(hash, v)
	}

	// .gnu.hash: nbuckets, symoffset, bloom size, bloom shift, bloom
	// words (64-bit), buckets, then one hash value per covered symbol with
	// bit 0 set on the last of each bucket's run.
	var bloom [gnuBloomN]uint64
	gnuBucket := make([]uint32, gnuNBucket)
	gnuChain := make([]uint32, len(order))
	for i, f := range order {
		h := gnuHash(f.name)
		bloom[(h/64)%gnuBloomN] |= 1<<(h%64) | 1<<((h>>gnuShift)%64)
		b := h % gnuNBucket
		if gnuBucket[b] == 0 {
			gnuBucket[b] = uint32(i + symOffset)
		}
		gnuChain[i] = h &^ 1
		if i == len(order)-1 || gnuHash(order[i+1].name)%gnuNBucket != b {
			gnuChain[i] |= 1
		}
	}
	var gnuhash []byte
	gnuhash = le.AppendUint32(gnuhash, gnuNBucket)
	gnuhash = le.AppendUint32(gnuhash, symOffset)
	gnuhash = le.AppendUint32(gnuhash, gnuBloomN)
	gnuhash = le.AppendUint32(gnuhash, gnuShift)
	for _, w := range bloom {
		gnuhash = le.AppendUint64(gnuhash, w)
	}
	for _, v := range gnuBucket {
		gnuhash = le.AppendUint32(gnuhash, v)
	}
	for _, v := range gnuChain {
		gnuhash = le.AppendUint32(gnuhash, v)
	}

	// .gnu.version: VER_NDX_LOCAL (0) for the null symbol, index 2
	// (LINUX_2.6.39) for every export.
	const verNdxExport = 2
	var versym []byte
	versym = le.AppendUint16(versym, 0)
	for range order {
		versym = le.AppendUint16(versym, verNdxExport)
	}

	// .gnu.version_d: the base definition (the object itself, index 1,
	// VER_FLG_BASE) and LINUX_2.6.39 (index 2), each with one Verdaux.
	var verdef []byte
	putVerdef := func(flags, ndx uint16, name string, nameOff uint32, last bool) {
		verdef = le.AppendUint16(verdef, 1) // vd_version
		verdef = le.AppendUint16(verdef, flags)
		verdef = le.AppendUint16(verdef, ndx)
		verdef = le.AppendUint16(verdef, 1) // vd_cnt
		verdef = le.AppendUint32(verdef, elfHash(name))
		verdef = le.AppendUint32(verdef, verdefLen) // vd_aux
		next := uint32(verdefLen + verdaux)
		if last {
			next = 0
		}
		verdef = le.AppendUint32(verdef, next)
		verdef = le.AppendUint32(verdef, nameOff) // vda_name
		verdef = le.AppendUint32(verdef, 0)       // vda_next
	}
	putVerdef(uint16(elf.VER_FLG_BASE), 1, Soname, sonameOff, false)
	putVerdef(0, verNdxExport, Version, versionOff, true)
	if elfHash(Version) != VersionHash {
		panic("vdso: ELF hash of the version string is wrong")
	}

	// .note: the kernel's "Linux" note (type 0) holding LINUX_VERSION_CODE.
	var note []byte
	note = le.AppendUint32(note, 6) // namesz, "Linux\0"
	note = le.AppendUint32(note, 4) // descsz
	note = le.AppendUint32(note, 0) // type
	note = append(note, "Linux\x00\x00\x00"...)
	note = le.AppendUint32(note, KernelVersion)

	// Section table (contents of .dynsym and .dynamic come once addresses
	// are known; their sizes are fixed now).
	const numDyn = 11
	secs := [shNum]section{
		shNull:     {},
		shHash:     {name: ".hash", typ: elf.SHT_HASH, flags: elf.SHF_ALLOC, align: 8, link: shDynsym, entsize: 4, size: uint64(len(hash))},
		shGnuHash:  {name: ".gnu.hash", typ: elf.SHT_GNU_HASH, flags: elf.SHF_ALLOC, align: 8, link: shDynsym, size: uint64(len(gnuhash))},
		shDynsym:   {name: ".dynsym", typ: elf.SHT_DYNSYM, flags: elf.SHF_ALLOC, align: 8, link: shDynstr, info: 1, entsize: symSize, size: uint64(nsym) * symSize},
		shDynstr:   {name: ".dynstr", typ: elf.SHT_STRTAB, flags: elf.SHF_ALLOC, align: 1, size: uint64(len(dynstr.b))},
		shVersym:   {name: ".gnu.version", typ: elf.SHT_GNU_VERSYM, flags: elf.SHF_ALLOC, align: 2, link: shDynsym, entsize: 2, size: uint64(len(versym))},
		shVerdef:   {name: ".gnu.version_d", typ: elf.SHT_GNU_VERDEF, flags: elf.SHF_ALLOC, align: 8, link: shDynstr, info: 2, size: uint64(len(verdef))},
		shNote:     {name: ".note", typ: elf.SHT_NOTE, flags: elf.SHF_ALLOC, align: 4, size: uint64(len(note))},
		shText:     {name: ".text", typ: elf.SHT_PROGBITS, flags: elf.SHF_ALLOC | elf.SHF_EXECINSTR, align: funcAlign, size: uint64(len(text))},
		shDynamic:  {name: ".dynamic", typ: elf.SHT_DYNAMIC, flags: elf.SHF_ALLOC, align: 8, link: shDynstr, entsize: dynSize, size: numDyn * dynSize},
		shShstrtab: {name: ".shstrtab", typ: elf.SHT_STRTAB, align: 1},
	}
	shstr := newStrtab()
	shName := make([]uint32, shNum)
	for i := 1; i < shNum; i++ {
		shName[i] = shstr.add(secs[i].name)
	}
	secs[shShstrtab].size = uint64(len(shstr.b))

	// Layout: headers, then the sections in index order, then the section
	// header table.
	off := uint64(ehdrSize + phNum*phdrSize)
	for i := 1; i < shNum; i++ {
		off = alignUp(off, secs[i].align)
		secs[i].off = off
		off += secs[i].size
	}
	loadEnd := secs[shDynamic].off + secs[shDynamic].size
	shoff := alignUp(off, 8)
	end := shoff + shNum*shdrSize
	if end > Size {
		panic(fmt.Sprintf("vdso: image needs %d bytes, more than Size (%d)", end, Size))
	}

	img := make([]byte, Size)
	put := func(i int, b []byte) {
		if uint64(len(b)) != secs[i].size {
			panic(fmt.Sprintf("vdso: %s is %d bytes, laid out as %d", secs[i].name, len(b), secs[i].size))
		}
		copy(img[secs[i].off:], b)
	}

	// .dynsym
	var dynsym []byte
	dynsym = append(dynsym, make([]byte, symSize)...) // STN_UNDEF
	syms := make([]Symbol, len(order))
	for i, f := range order {
		value := secs[shText].off + textOff[f.name]
		syms[i] = Symbol{Name: f.name, Offset: value, Size: textSize[f.name]}
		dynsym = le.AppendUint32(dynsym, nameOff[i])
		dynsym = append(dynsym, byte(elf.STB_GLOBAL)<<4|byte(f.typ), byte(elf.STV_DEFAULT))
		dynsym = le.AppendUint16(dynsym, shText)
		dynsym = le.AppendUint64(dynsym, value)
		dynsym = le.AppendUint64(dynsym, textSize[f.name])
	}

	// .dynamic: every pointer is an offset from the image start (= its
	// p_vaddr, since the single PT_LOAD has p_vaddr = p_offset = 0).
	var dynamic []byte
	dyn := func(tag elf.DynTag, val uint64) {
		dynamic = le.AppendUint64(dynamic, uint64(tag))
		dynamic = le.AppendUint64(dynamic, val)
	}
	dyn(elf.DT_SONAME, uint64(sonameOff))
	dyn(elf.DT_HASH, secs[shHash].off)
	dyn(elf.DT_GNU_HASH, secs[shGnuHash].off)
	dyn(elf.DT_STRTAB, secs[shDynstr].off)
	dyn(elf.DT_SYMTAB, secs[shDynsym].off)
	dyn(elf.DT_STRSZ, secs[shDynstr].size)
	dyn(elf.DT_SYMENT, symSize)
	dyn(elf.DT_VERSYM, secs[shVersym].off)
	dyn(elf.DT_VERDEF, secs[shVerdef].off)
	dyn(elf.DT_VERDEFNUM, 2)
	dyn(elf.DT_NULL, 0)

	put(shHash, hash)
	put(shGnuHash, gnuhash)
	put(shDynsym, dynsym)
	put(shDynstr, dynstr.b)
	put(shVersym, versym)
	put(shVerdef, verdef)
	put(shNote, note)
	put(shText, text)
	put(shDynamic, dynamic)
	put(shShstrtab, shstr.b)

	// ELF header.
	h := img[:ehdrSize]
	copy(h, elf.ELFMAG)
	h[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	h[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	h[elf.EI_VERSION] = byte(elf.EV_CURRENT)
	h[elf.EI_OSABI] = byte(elf.ELFOSABI_NONE)
	le.PutUint16(h[16:], uint16(elf.ET_DYN))
	le.PutUint16(h[18:], uint16(elf.EM_AARCH64))
	le.PutUint32(h[20:], uint32(elf.EV_CURRENT))
	le.PutUint64(h[24:], 0)        // e_entry: none
	le.PutUint64(h[32:], ehdrSize) // e_phoff
	le.PutUint64(h[40:], shoff)
	le.PutUint32(h[48:], 0) // e_flags
	le.PutUint16(h[52:], ehdrSize)
	le.PutUint16(h[54:], phdrSize)
	le.PutUint16(h[56:], phNum)
	le.PutUint16(h[58:], shdrSize)
	le.PutUint16(h[60:], shNum)
	le.PutUint16(h[62:], shShstrtab)

	// Program headers.
	ph := img[ehdrSize:]
	phdr := func(typ elf.ProgType, flags elf.ProgFlag, off, size, align uint64) {
		le.PutUint32(ph[0:], uint32(typ))
		le.PutUint32(ph[4:], uint32(flags))
		le.PutUint64(ph[8:], off)   // p_offset
		le.PutUint64(ph[16:], off)  // p_vaddr
		le.PutUint64(ph[24:], off)  // p_paddr
		le.PutUint64(ph[32:], size) // p_filesz
		le.PutUint64(ph[40:], size) // p_memsz
		le.PutUint64(ph[48:], align)
		ph = ph[phdrSize:]
	}
	phdr(elf.PT_LOAD, elf.PF_R|elf.PF_X, 0, loadEnd, PageSize)
	phdr(elf.PT_DYNAMIC, elf.PF_R, secs[shDynamic].off, secs[shDynamic].size, 8)
	phdr(elf.PT_NOTE, elf.PF_R, secs[shNote].off, secs[shNote].size, 4)

	// Section headers. Allocated sections have sh_addr = sh_offset.
	for i := 1; i < shNum; i++ {
		s := secs[i]
		b := img[shoff+uint64(i)*shdrSize:]
		le.PutUint32(b[0:], shName[i])
		le.PutUint32(b[4:], uint32(s.typ))
		le.PutUint64(b[8:], uint64(s.flags))
		if s.flags&elf.SHF_ALLOC != 0 {
			le.PutUint64(b[16:], s.off)
		}
		le.PutUint64(b[24:], s.off)
		le.PutUint64(b[32:], s.size)
		le.PutUint32(b[40:], s.link)
		le.PutUint32(b[44:], s.info)
		le.PutUint64(b[48:], s.align)
		le.PutUint64(b[56:], s.entsize)
	}
	return img, syms
}
