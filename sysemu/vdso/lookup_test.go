package vdso

// Re-implementations of the three vDSO symbol lookups guests actually run,
// each against the image "mapped" at a guest address (a byte window that
// faults on any access outside the PT_LOAD segment):
//
//   - Go's runtime (runtime/vdso_linux.go, Go 1.26): PT_LOAD/PT_DYNAMIC,
//     DT_GNU_HASH chains without the bloom filter (or DT_HASH when there is
//     no DT_GNU_HASH), DT_VERDEF matched by vd_hash + name, DT_VERSYM;
//   - glibc (elf/setup-vdso.h setup_vdso, elf_get_dynamic_info,
//     _dl_setup_hash, _dl_check_map_versions, and _dl_vdso_vsym →
//     _dl_lookup_symbol_x → do_lookup_x/check_match): DT_GNU_HASH with the
//     bloom filter, hidden version match against l_versions;
//   - musl (src/internal/vdso.c __vdsosym): DT_HASH's nchain as the symbol
//     count, linear scan, checkver against DT_VERDEF.

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/carrick-go/carrick/sysemu/mm"
)

// refELFHash and refGNUHash are independent copies of the two ELF hash
// functions (TestHashes checks the package's against published values).
func refELFHash(s string) uint32 {
	var h uint32
	for _, c := range []byte(s) {
		h = (h << 4) + uint32(c)
		if g := h & 0xf0000000; g != 0 {
			h ^= g >> 24
			h &^= g
		}
	}
	return h
}

func refGNUHash(s string) uint32 {
	h := uint32(5381)
	for _, c := range []byte(s) {
		h = (h << 5) + h + uint32(c)
	}
	return h
}

// guestMem is the image mapped at base; reads outside [base, base+len)
// panic with a "fault", which the tests turn into failures.
type guestMem struct {
	base uint64
	b    []byte
}

type fault string

func (m *guestMem) at(addr, n uint64) []byte {
	if addr < m.base || addr-m.base > uint64(len(m.b)) || n > uint64(len(m.b))-(addr-m.base) {
		panic(fault(fmt.Sprintf("read of %d bytes at %#x outside the mapping [%#x, %#x)", n, addr, m.base, m.base+uint64(len(m.b)))))
	}
	return m.b[addr-m.base:][:n]
}

func (m *guestMem) u8(a uint64) uint8   { return m.at(a, 1)[0] }
func (m *guestMem) u16(a uint64) uint16 { return binary.LittleEndian.Uint16(m.at(a, 2)) }
func (m *guestMem) u32(a uint64) uint32 { return binary.LittleEndian.Uint32(m.at(a, 4)) }
func (m *guestMem) u64(a uint64) uint64 { return binary.LittleEndian.Uint64(m.at(a, 8)) }

func (m *guestMem) cstr(a uint64) string {
	var s []byte
	for {
		c := m.u8(a)
		if c == 0 {
			return string(s)
		}
		s = append(s, c)
		a++
	}
}

// mapImage maps the PT_LOAD part of the image at base.
func mapImage(t *testing.T, base uint64) *guestMem {
	t.Helper()
	img := Image()
	f, err := elf.NewFile(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_LOAD {
			return &guestMem{base: base, b: img[:p.Memsz]}
		}
	}
	t.Fatal("no PT_LOAD")
	return nil
}

// catch runs f, turning a fault into an error.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if fl, ok := r.(fault); ok {
				err = fmt.Errorf("fault: %s", string(fl))
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}

// Field offsets of the ELF64 structures (elf.h).
const (
	eEhdrPhoff, eEhdrPhentsize, eEhdrPhnum = 32, 54, 56
	pType, pFlags, pOffset, pVaddr, pMemsz = 0, 4, 8, 16, 40
	sName, sInfo, sShndx, sValue           = 0, 4, 6, 8
	vdVersion, vdFlags, vdNdx, vdHash      = 0, 2, 4, 8
	vdAux, vdNext                          = 12, 16
)

// ---- Go's runtime ------------------------------------------------------

type goVdsoInfo struct {
	valid                 bool
	loadAddr, loadOffset  uint64
	loadStart, loadEnd    uint64 // vdsoLoadStart/End, for inVDSOPage
	symtab, symstrings    uint64
	bucket                uint64 // address of bucket[0]
	nbucket               uint32
	chain                 uint64 // address of chain[0]
	nchain                uint32 // DT_HASH only (Go bounds-checks it)
	symOff                uint32
	isGNUHash             bool
	versym, verdef        uint64
	haveVersym, haveVerdf bool
}

// goInit is vdsoInitFromSysinfoEhdr. ignoreGNU pretends DT_GNU_HASH is
// absent, to exercise the DT_HASH path (Go's, and the kernel selftest's).
func goInit(m *guestMem, hdr uint64, ignoreGNU bool) *goVdsoInfo {
	info := &goVdsoInfo{loadAddr: hdr}
	pt := info.loadAddr + m.u64(hdr+eEhdrPhoff)
	var foundVaddr bool
	var dyn uint64
	for i := uint64(0); i < uint64(m.u16(hdr+eEhdrPhnum)); i++ {
		p := pt + i*56 // unsafe.Sizeof(elfPhdr{})
		switch elf.ProgType(m.u32(p + pType)) {
		case elf.PT_LOAD:
			if !foundVaddr {
				foundVaddr = true
				info.loadOffset = info.loadAddr + m.u64(p+pOffset) - m.u64(p+pVaddr)
				info.loadStart = info.loadOffset
				info.loadEnd = info.loadOffset + m.u64(p+pMemsz)
			}
		case elf.PT_DYNAMIC:
			dyn = info.loadAddr + m.u64(p+pOffset)
		}
	}
	if !foundVaddr || dyn == 0 {
		return info
	}
	var hash, gnuhash uint64
	for d := dyn; m.u64(d) != uint64(elf.DT_NULL); d += 16 {
		p := info.loadOffset + m.u64(d+8)
		switch elf.DynTag(m.u64(d)) {
		case elf.DT_STRTAB:
			info.symstrings = p
		case elf.DT_SYMTAB:
			info.symtab = p
		case elf.DT_HASH:
			hash = p
		case elf.DT_GNU_HASH:
			if !ignoreGNU {
				gnuhash = p
			}
		case elf.DT_VERSYM:
			info.versym, info.haveVersym = p, true
		case elf.DT_VERDEF:
			info.verdef, info.haveVerdf = p, true
		}
	}
	if info.symstrings == 0 || info.symtab == 0 || (hash == 0 && gnuhash == 0) {
		return info
	}
	if !info.haveVerdf {
		info.haveVersym = false
	}
	if gnuhash != 0 {
		info.nbucket = m.u32(gnuhash)
		info.symOff = m.u32(gnuhash + 4)
		bloomSize := m.u32(gnuhash + 8)
		info.bucket = gnuhash + 4*uint64(4+bloomSize*2) // vdsoBloomSizeScale = 2
		info.chain = info.bucket + 4*uint64(info.nbucket)
		info.isGNUHash = true
	} else {
		info.nbucket = m.u32(hash)
		info.nchain = m.u32(hash + 4)
		info.bucket = hash + 8
		info.chain = info.bucket + 4*uint64(info.nbucket)
	}
	info.valid = true
	return info
}

// goFindVersion is vdsoFindVersion.
func goFindVersion(m *guestMem, info *goVdsoInfo, version string, verHash uint32) int32 {
	if !info.valid {
		return 0
	}
	def := info.verdef
	for {
		if m.u16(def+vdFlags)&uint16(elf.VER_FLG_BASE) == 0 {
			aux := def + uint64(m.u32(def+vdAux))
			if m.u32(def+vdHash) == verHash && version == m.cstr(info.symstrings+uint64(m.u32(aux))) {
				return int32(m.u16(def+vdNdx) & 0x7fff)
			}
		}
		if m.u32(def+vdNext) == 0 {
			break
		}
		def += uint64(m.u32(def + vdNext))
	}
	return -1
}

type goKey struct {
	name             string
	symHash, gnuHash uint32
}

// goParseSymbols is vdsoParseSymbols; it returns the address found per key.
func goParseSymbols(t *testing.T, m *guestMem, info *goVdsoInfo, version int32, keys []goKey) map[string]uint64 {
	found := map[string]uint64{}
	if !info.valid {
		return found
	}
	apply := func(symIndex uint32, k goKey) bool {
		sym := info.symtab + 24*uint64(symIndex)
		st := m.u8(sym + sInfo)
		typ, bind := elf.SymType(st&0xf), elf.SymBind(st>>4)
		if typ != elf.STT_FUNC && typ != elf.STT_NOTYPE || bind != elf.STB_GLOBAL && bind != elf.STB_WEAK || m.u16(sym+sShndx) == uint16(elf.SHN_UNDEF) {
			return false
		}
		if k.name != m.cstr(info.symstrings+uint64(m.u32(sym+sName))) {
			return false
		}
		if info.haveVersym && version != 0 && int32(m.u16(info.versym+2*uint64(symIndex))&0x7fff) != version {
			return false
		}
		found[k.name] = info.loadOffset + m.u64(sym+sValue)
		return true
	}
	if !info.isGNUHash {
		for _, k := range keys {
			if info.nbucket > 0 {
				for chain := m.u32(info.bucket + 4*uint64(k.symHash%info.nbucket)); chain != 0; chain = m.u32(info.chain + 4*uint64(chain)) {
					if chain >= info.nchain {
						t.Fatalf("Go runtime: chain index %d out of range (nchain %d): index out of range panic", chain, info.nchain)
					}
					if apply(chain, k) {
						break
					}
				}
			}
		}
		return found
	}
	for _, k := range keys {
		symIndex := m.u32(info.bucket + 4*uint64(k.gnuHash%info.nbucket))
		if symIndex < info.symOff {
			continue
		}
		for ; ; symIndex++ {
			hash := m.u32(info.chain + 4*uint64(symIndex-info.symOff))
			if hash|1 == k.gnuHash|1 {
				if apply(symIndex, k) {
					break
				}
			}
			if hash&1 != 0 {
				break
			}
		}
	}
	return found
}

// goLookup is vdsoauxv(_AT_SYSINFO_EHDR, base).
func goLookup(t *testing.T, m *guestMem, ignoreGNU bool, version string, names []string) (map[string]uint64, *goVdsoInfo) {
	var keys []goKey
	for _, n := range names {
		keys = append(keys, goKey{n, refELFHash(n), refGNUHash(n)})
	}
	info := goInit(m, m.base, ignoreGNU)
	return goParseSymbols(t, m, info, goFindVersion(m, info, version, refELFHash(version)), keys), info
}

// ---- glibc -------------------------------------------------------------

type glibcVersion struct {
	hash uint32
	name string
}

type glibcMap struct {
	lAddr, mapStart, mapEnd, ld uint64
	ldReadonly                  bool
	info                        map[elf.DynTag]uint64 // d_un as stored
	nbuckets, idxbits, shift    uint32
	bitmask, buckets, chainZero uint64
	versyms                     uint64
	versions                    []glibcVersion
}

// dptr is D_PTR: the stored d_ptr, relocated by l_addr unless glibc
// relocated the dynamic section in place (it does not for a read-only one).
func (l *glibcMap) dptr(tag elf.DynTag) uint64 { return l.info[tag] + l.lAddr }

// glibcSetupVdso follows setup_vdso, elf_get_dynamic_info, _dl_setup_hash
// and _dl_check_map_versions for the vDSO's link_map.
func glibcSetupVdso(t *testing.T, m *guestMem, ehdr uint64) *glibcMap {
	l := &glibcMap{info: map[elf.DynTag]uint64{}}
	phdr := ehdr + m.u64(ehdr+eEhdrPhoff)
	phnum := uint64(m.u16(ehdr + eEhdrPhnum))
	for i := uint64(0); i < phnum; i++ {
		ph := phdr + i*56 // sizeof(ElfW(Phdr)); l_phdr is an array
		vaddr, memsz := m.u64(ph+pVaddr), m.u64(ph+pMemsz)
		switch elf.ProgType(m.u32(ph + pType)) {
		case elf.PT_DYNAMIC:
			l.ld = vaddr
			l.ldReadonly = elf.ProgFlag(m.u32(ph+pFlags))&elf.PF_W == 0
		case elf.PT_LOAD:
			if l.lAddr == 0 {
				l.lAddr = vaddr
			}
			if vaddr+memsz >= l.mapEnd {
				l.mapEnd = vaddr + memsz
			}
		case elf.PT_TLS:
			t.Fatal("glibc: assert (ph->p_type != PT_TLS)")
		}
	}
	l.mapStart = ehdr
	l.lAddr = l.mapStart - l.lAddr
	l.mapEnd += l.lAddr
	l.ld += l.lAddr

	// elf_get_dynamic_info. A writable PT_DYNAMIC would make glibc ≥2.35
	// add l_addr to the d_ptr values in place — a write into the
	// read-only vDSO. (Before 2.35 glibc relocated the vDSO's pointers
	// into a static dyn_temp[DL_RO_DYN_TEMP_CNT = 8] copy instead.)
	if !l.ldReadonly && l.lAddr != 0 {
		t.Fatal("glibc: PT_DYNAMIC is writable: elf_get_dynamic_info would relocate the vDSO's dynamic section in place")
	}
	adjusted := 0
	for d := l.ld; ; d += 16 {
		tag := elf.DynTag(m.u64(d))
		if tag == elf.DT_NULL {
			break
		}
		l.info[tag] = m.u64(d + 8)
		switch tag {
		case elf.DT_HASH, elf.DT_PLTGOT, elf.DT_STRTAB, elf.DT_SYMTAB, elf.DT_RELA, elf.DT_REL, elf.DT_JMPREL, elf.DT_VERSYM, elf.DT_GNU_HASH:
			adjusted++
		}
	}
	if adjusted > 8 {
		t.Fatalf("glibc <2.35: assert (cnt <= DL_RO_DYN_TEMP_CNT) with %d pointers", adjusted)
	}
	for _, c := range [][3]elf.DynTag{{elf.DT_RELA, elf.DT_RELAENT, 24}, {elf.DT_REL, elf.DT_RELENT, 16}} {
		if _, ok := l.info[c[0]]; ok && l.info[c[1]] != uint64(c[2]) {
			t.Fatalf("glibc: assert on %v entry size", c[0])
		}
	}
	if _, ok := l.info[elf.DT_SONAME]; !ok {
		t.Error("glibc: no DT_SONAME: the vDSO's link_map keeps an empty name")
	} else if name := m.cstr(l.dptr(elf.DT_STRTAB) + l.info[elf.DT_SONAME]); name != Soname {
		t.Errorf("glibc: vDSO link_map name %q", name)
	}

	// _dl_setup_hash.
	if _, ok := l.info[elf.DT_GNU_HASH]; !ok {
		t.Fatal("glibc: no DT_GNU_HASH (this model only follows the GNU path glibc takes when it is present)")
	}
	h := l.dptr(elf.DT_GNU_HASH)
	l.nbuckets = m.u32(h)
	symbias := m.u32(h + 4)
	nwords := m.u32(h + 8)
	if nwords&(nwords-1) != 0 {
		t.Fatal("glibc: assert ((bitmask_nwords & (bitmask_nwords - 1)) == 0)")
	}
	l.idxbits = nwords - 1
	l.shift = m.u32(h + 12)
	l.bitmask = h + 16
	l.buckets = l.bitmask + 8*uint64(nwords) // __ELF_NATIVE_CLASS / 32 words each
	l.chainZero = l.buckets + 4*uint64(l.nbuckets) - 4*uint64(symbias)

	// _dl_check_map_versions: this map needs nothing (no DT_VERNEED) and
	// defines versions; l_versions[ndx] = {vd_hash, name}.
	if _, ok := l.info[elf.DT_VERNEED]; ok {
		t.Error("glibc: the vDSO must not need versions")
	}
	if _, ok := l.info[elf.DT_VERDEF]; ok {
		def := l.dptr(elf.DT_VERDEF)
		strtab := l.dptr(elf.DT_STRTAB)
		ndxHigh := 0
		for ent := def; ; {
			if m.u16(ent+vdVersion) != 1 {
				t.Fatal("glibc: unsupported version of Verdef record")
			}
			ndxHigh = max(ndxHigh, int(m.u16(ent+vdNdx)&0x7fff))
			if m.u32(ent+vdNext) == 0 {
				break
			}
			ent += uint64(m.u32(ent + vdNext))
		}
		l.versions = make([]glibcVersion, ndxHigh+1)
		for ent := def; ; {
			aux := ent + uint64(m.u32(ent+vdAux))
			l.versions[m.u16(ent+vdNdx)&0x7fff] = glibcVersion{m.u32(ent + vdHash), m.cstr(strtab + uint64(m.u32(aux)))}
			if m.u32(ent+vdNext) == 0 {
				break
			}
			ent += uint64(m.u32(ent + vdNext))
		}
		if _, ok := l.info[elf.DT_VERSYM]; ok {
			l.versyms = l.dptr(elf.DT_VERSYM)
		}
	}
	return l
}

// glibcVdsoVsym is dl_vdso_vsym(name): a weak, versioned (hidden) lookup in
// the vDSO's own scope; 0 when not found.
func glibcVdsoVsym(t *testing.T, m *guestMem, l *glibcMap, name, version string) uint64 {
	want := glibcVersion{refELFHash(version), version}
	if l.nbuckets == 0 {
		return 0
	}
	symtab := l.dptr(elf.DT_SYMTAB)
	strtab := l.dptr(elf.DT_STRTAB)
	newHash := refGNUHash(name)

	checkMatch := func(symidx uint64) bool {
		sym := symtab + 24*symidx
		st := m.u8(sym + sInfo)
		stt := elf.SymType(st & 0xf)
		shndx := elf.SectionIndex(m.u16(sym + sShndx))
		if m.u64(sym+sValue) == 0 && shndx != elf.SHN_ABS && stt != elf.STT_TLS {
			return false
		}
		const allowed = 1<<elf.STT_NOTYPE | 1<<elf.STT_OBJECT | 1<<elf.STT_FUNC | 1<<elf.STT_COMMON | 1<<elf.STT_TLS | 1<<elf.STT_GNU_IFUNC
		if (1<<stt)&allowed == 0 {
			return false
		}
		if m.cstr(strtab+uint64(m.u32(sym+sName))) != name {
			return false
		}
		if l.versyms != 0 {
			vs := m.u16(l.versyms + 2*symidx)
			ndx := int(vs & 0x7fff)
			if ndx >= len(l.versions) {
				t.Fatalf("glibc: versym %d beyond l_versions", ndx)
			}
			// version->hidden is 1 for the vDSO lookup.
			if l.versions[ndx] != want {
				return false
			}
		}
		switch elf.SymBind(st >> 4) {
		case elf.STB_GLOBAL, elf.STB_WEAK, 10: // 10 = STB_GNU_UNIQUE
			return true
		}
		return false // local symbols are ignored
	}

	word := m.u64(l.bitmask + 8*uint64((newHash/64)&l.idxbits))
	hashbit1 := newHash & 63
	hashbit2 := (newHash >> l.shift) & 63
	if (word>>hashbit1)&(word>>hashbit2)&1 == 0 {
		return 0
	}
	bucket := m.u32(l.buckets + 4*uint64(newHash%l.nbuckets))
	if bucket == 0 {
		return 0
	}
	for hasharr := l.chainZero + 4*uint64(bucket); ; hasharr += 4 {
		v := m.u32(hasharr)
		if (v^newHash)>>1 == 0 {
			symidx := (hasharr - l.chainZero) / 4
			if checkMatch(symidx) {
				sym := symtab + 24*symidx
				if elf.SectionIndex(m.u16(sym+sShndx)) == elf.SHN_ABS {
					return m.u64(sym + sValue)
				}
				return l.lAddr + m.u64(sym+sValue)
			}
		}
		if v&1 != 0 {
			return 0
		}
	}
}

// ---- musl --------------------------------------------------------------

// muslVdsosym is __vdsosym(vername, name).
func muslVdsosym(m *guestMem, eh uint64, vername, name string) uint64 {
	ph := eh + m.u64(eh+eEhdrPhoff)
	var dynv uint64
	base := ^uint64(0)
	for i := 0; i < int(m.u16(eh+eEhdrPhnum)); i, ph = i+1, ph+uint64(m.u16(eh+eEhdrPhentsize)) {
		switch elf.ProgType(m.u32(ph + pType)) {
		case elf.PT_LOAD:
			base = eh + m.u64(ph+pOffset) - m.u64(ph+pVaddr)
		case elf.PT_DYNAMIC:
			dynv = eh + m.u64(ph+pOffset)
		}
	}
	if dynv == 0 || base == ^uint64(0) {
		return 0
	}
	var strs, syms, hashtab, versym, verdef uint64
	for d := dynv; m.u64(d) != 0; d += 16 {
		p := base + m.u64(d+8)
		switch elf.DynTag(m.u64(d)) {
		case elf.DT_STRTAB:
			strs = p
		case elf.DT_SYMTAB:
			syms = p
		case elf.DT_HASH:
			hashtab = p
		case elf.DT_VERSYM:
			versym = p
		case elf.DT_VERDEF:
			verdef = p
		}
	}
	if strs == 0 || syms == 0 || hashtab == 0 {
		return 0
	}
	if verdef == 0 {
		versym = 0
	}
	checkver := func(def uint64, vsym uint16) bool {
		vsym &= 0x7fff
		for {
			if m.u16(def+vdFlags)&uint16(elf.VER_FLG_BASE) == 0 && m.u16(def+vdNdx)&0x7fff == vsym {
				break
			}
			if m.u32(def+vdNext) == 0 {
				return false
			}
			def += uint64(m.u32(def + vdNext))
		}
		aux := def + uint64(m.u32(def+vdAux))
		return m.cstr(strs+uint64(m.u32(aux))) == vername
	}
	const okTypes = 1<<elf.STT_NOTYPE | 1<<elf.STT_OBJECT | 1<<elf.STT_FUNC | 1<<elf.STT_COMMON
	const okBinds = 1<<elf.STB_GLOBAL | 1<<elf.STB_WEAK | 1<<10 // STB_GNU_UNIQUE
	nsym := uint64(m.u32(hashtab + 4))
	for i := uint64(0); i < nsym; i++ {
		sym := syms + 24*i
		st := m.u8(sym + sInfo)
		if (1<<(st&0xf))&okTypes == 0 || (1<<(st>>4))&okBinds == 0 || m.u16(sym+sShndx) == 0 {
			continue
		}
		if m.cstr(strs+uint64(m.u32(sym+sName))) != name {
			continue
		}
		if versym != 0 && !checkver(verdef, m.u16(versym+2*i)) {
			continue
		}
		return base + m.u64(sym+sValue)
	}
	return 0
}

// ---- tests -------------------------------------------------------------

var testBases = []uint64{mm.VDSOBase, 0x7fff_b7ff_d000, 0x1_0000}

// absent are names no lookup may find.
var absent = []string{"__kernel_getrandom", "__kernel_time", "__kernel_clock_gettime64", "clock_gettime", "", "LINUX_2.6.39", "linux-vdso.so.1"}

func checkCode(t *testing.T, who string, m *guestMem, name string, addr uint64) {
	t.Helper()
	off, _ := Offset(name)
	if addr != m.base+off {
		t.Errorf("%s: %s at %#x, want base %#x + %#x", who, name, addr, m.base, off)
		return
	}
	for i, w := range wantCode[name] {
		if got := m.u32(addr + 4*uint64(i)); got != w {
			t.Errorf("%s: %s word %d = %#08x, want %#08x", who, name, i, got, w)
		}
	}
}

func TestGoRuntimeLookup(t *testing.T) {
	for _, base := range testBases {
		for _, ignoreGNU := range []bool{false, true} {
			t.Run(fmt.Sprintf("%#x/sysvOnly=%v", base, ignoreGNU), func(t *testing.T) {
				m := mapImage(t, base)
				err := catch(func() {
					names := append(append([]string(nil), exportNames...), absent...)
					found, info := goLookup(t, m, ignoreGNU, Version, names)
					if !info.valid || info.isGNUHash == ignoreGNU {
						t.Fatalf("vdsoInitFromSysinfoEhdr: valid=%v isGNUHash=%v", info.valid, info.isGNUHash)
					}
					if v := goFindVersion(m, info, Version, VersionHash); v != 2 {
						t.Errorf("vdsoFindVersion = %d, want 2", v)
					}
					for _, name := range exportNames {
						addr, ok := found[name]
						if !ok {
							t.Errorf("%s not found", name)
							continue
						}
						checkCode(t, "Go", m, name, addr)
						// inVDSOPage must cover the code (used by the
						// profiler's signal handler).
						if addr < info.loadStart || addr >= info.loadEnd {
							t.Errorf("%s at %#x outside [vdsoLoadStart, vdsoLoadEnd) = [%#x, %#x)", name, addr, info.loadStart, info.loadEnd)
						}
					}
					for _, name := range absent {
						if addr, ok := found[name]; ok {
							t.Errorf("%q found at %#x", name, addr)
						}
					}
					// Another version string matches nothing.
					if found, _ := goLookup(t, m, ignoreGNU, "LINUX_2.6.38", exportNames); len(found) != 0 {
						t.Errorf("lookup with version LINUX_2.6.38 found %v", found)
					}
				})
				if err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

func TestGlibcLookup(t *testing.T) {
	for _, base := range testBases {
		t.Run(fmt.Sprintf("%#x", base), func(t *testing.T) {
			m := mapImage(t, base)
			err := catch(func() {
				l := glibcSetupVdso(t, m, base)
				if l.lAddr != base || l.mapStart != base || l.mapEnd != base+uint64(len(m.b)) {
					t.Errorf("link_map l_addr %#x map [%#x, %#x)", l.lAddr, l.mapStart, l.mapEnd)
				}
				if len(l.versions) != 3 || l.versions[1] != (glibcVersion{refELFHash(Soname), Soname}) || l.versions[2] != (glibcVersion{VersionHash, Version}) {
					t.Errorf("l_versions = %+v", l.versions)
				}
				for _, name := range exportNames {
					addr := glibcVdsoVsym(t, m, l, name, Version)
					if addr == 0 {
						t.Errorf("%s not found", name)
						continue
					}
					checkCode(t, "glibc", m, name, addr)
					if addr := glibcVdsoVsym(t, m, l, name, "LINUX_2.6.38"); addr != 0 {
						t.Errorf("%s@LINUX_2.6.38 found", name)
					}
				}
				for _, name := range absent {
					if addr := glibcVdsoVsym(t, m, l, name, Version); addr != 0 {
						t.Errorf("%q found at %#x", name, addr)
					}
				}
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestGNUHashBloom checks that the bloom filter admits every export (a
// false negative would hide the symbol from glibc but not from Go, which
// skips the filter), and that it rejects at least some other names.
func TestGNUHashBloom(t *testing.T) {
	m := mapImage(t, 0x10_0000)
	if err := catch(func() {
		l := glibcSetupVdso(t, m, m.base)
		pass := func(name string) bool {
			h := refGNUHash(name)
			w := m.u64(l.bitmask + 8*uint64((h/64)&l.idxbits))
			return (w>>(h&63))&(w>>((h>>l.shift)&63))&1 != 0
		}
		for _, name := range exportNames {
			if !pass(name) {
				t.Errorf("bloom filter rejects %s", name)
			}
		}
		rejected := 0
		for i := range 64 {
			if !pass(fmt.Sprintf("__kernel_other_%d", i)) {
				rejected++
			}
		}
		if rejected == 0 {
			t.Error("bloom filter admits everything")
		}
	}); err != nil {
		t.Fatal(err)
	}
}

func TestMuslLookup(t *testing.T) {
	for _, base := range testBases {
		t.Run(fmt.Sprintf("%#x", base), func(t *testing.T) {
			m := mapImage(t, base)
			err := catch(func() {
				for _, name := range exportNames {
					addr := muslVdsosym(m, base, Version, name)
					if addr == 0 {
						t.Errorf("%s not found", name)
						continue
					}
					checkCode(t, "musl", m, name, addr)
					if muslVdsosym(m, base, "LINUX_2.6.38", name) != 0 {
						t.Errorf("%s@LINUX_2.6.38 found", name)
					}
				}
				for _, name := range absent {
					if addr := muslVdsosym(m, base, Version, name); addr != 0 {
						t.Errorf("%q found at %#x", name, addr)
					}
				}
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestHashTableStructure checks both hash tables as data, beyond what a
// successful lookup shows: every symbol is reachable exactly once from its
// own bucket, each DT_GNU_HASH bucket's run is contiguous and terminated
// (bit 0) inside the table, and the chains cover exactly the symbols.
func TestHashTableStructure(t *testing.T) {
	img := Image()
	f, err := elf.NewFile(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	dynsym := f.Section(".dynsym")
	nsym := uint32(dynsym.Size / 24)
	name := func(i uint32) string {
		strtab := f.Section(".dynstr")
		off := strtab.Offset + uint64(le.Uint32(img[dynsym.Offset+24*uint64(i):]))
		return string(img[off : off+uint64(bytes.IndexByte(img[off:], 0))])
	}

	// DT_HASH.
	hs := f.Section(".hash")
	h := img[hs.Offset : hs.Offset+hs.Size]
	nb, nchain := le.Uint32(h), le.Uint32(h[4:])
	if nchain != nsym || uint64(8+4*(nb+nchain)) != hs.Size || nb == 0 {
		t.Fatalf(".hash: nbucket %d nchain %d size %d, %d symbols", nb, nchain, hs.Size, nsym)
	}
	seen := map[uint32]bool{}
	for b := uint32(0); b < nb; b++ {
		for i, n := le.Uint32(h[8+4*b:]), 0; i != 0; i, n = le.Uint32(h[8+4*(nb+i):]), n+1 {
			if i >= nsym || seen[i] || n > int(nsym) {
				t.Fatalf(".hash: bucket %d reaches symbol %d again or out of range", b, i)
			}
			seen[i] = true
			if refELFHash(name(i))%nb != b {
				t.Errorf(".hash: %s in bucket %d", name(i), b)
			}
		}
	}
	if len(seen) != int(nsym-1) {
		t.Errorf(".hash reaches %d of %d symbols", len(seen), nsym-1)
	}

	// DT_GNU_HASH.
	gs := f.Section(".gnu.hash")
	g := img[gs.Offset : gs.Offset+gs.Size]
	gnb, symoff, bloomN := le.Uint32(g), le.Uint32(g[4:]), le.Uint32(g[8:])
	buckets := g[16+8*bloomN:]
	chain := buckets[4*gnb:]
	if symoff == 0 || symoff > nsym || uint32(len(chain)) != 4*(nsym-symoff) || gnb == 0 {
		t.Fatalf(".gnu.hash: nbucket %d symoffset %d, %d chain bytes for %d symbols", gnb, symoff, len(chain), nsym)
	}
	// Runs must tile [symoff, nsym) in bucket order. (Lookups only need
	// each run to be contiguous; the ordering is how ld lays them out.)
	next := symoff
	for b := uint32(0); b < gnb; b++ {
		start := le.Uint32(buckets[4*b:])
		if start == 0 {
			continue
		}
		if start != next {
			t.Fatalf(".gnu.hash: bucket %d starts at %d, want %d", b, start, next)
		}
		for i := start; ; i++ {
			if i >= nsym {
				t.Fatalf(".gnu.hash: bucket %d's run is not terminated inside the table", b)
			}
			v := le.Uint32(chain[4*(i-symoff):])
			hv := refGNUHash(name(i))
			if hv%gnb != b || v|1 != hv|1 {
				t.Errorf(".gnu.hash: symbol %d (%s) hash %#x in bucket %d, chain value %#x", i, name(i), hv, b, v)
			}
			if v&1 != 0 {
				next = i + 1
				break
			}
		}
	}
	if next != nsym {
		t.Errorf(".gnu.hash runs cover [%d, %d), want [%d, %d)", symoff, next, symoff, nsym)
	}
}
