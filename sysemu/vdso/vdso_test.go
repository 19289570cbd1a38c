package vdso

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"slices"
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// wantCode is the code each export must hold at its offset.
var wantCode = map[string][]uint32{
	ClockGettime: {0xd2800e28, 0xd4000001, 0xd65f03c0}, // mov x8, #113; svc #0; ret
	Gettimeofday: {0xd2801528, 0xd4000001, 0xd65f03c0}, // mov x8, #169; svc #0; ret
	ClockGetres:  {0xd2800e48, 0xd4000001, 0xd65f03c0}, // mov x8, #114; svc #0; ret
	RtSigreturn:  {0xd2801168, 0xd4000001},             // mov x8, #139; svc #0
}

var exportNames = []string{ClockGettime, Gettimeofday, ClockGetres, RtSigreturn}

func words(b []byte, off uint64, n int) []uint32 {
	w := make([]uint32, n)
	for i := range w {
		w[i] = binary.LittleEndian.Uint32(b[off+uint64(4*i):])
	}
	return w
}

func TestEncoder(t *testing.T) {
	for _, c := range []struct {
		got, want uint32
		what      string
	}{
		{movzX(8, abi.SYS_RT_SIGRETURN), 0xd2801168, "mov x8, #139"},
		{movzX(8, abi.SYS_CLOCK_GETTIME), 0xd2800e28, "mov x8, #113"},
		{movzX(8, abi.SYS_GETTIMEOFDAY), 0xd2801528, "mov x8, #169"},
		{movzX(8, abi.SYS_CLOCK_GETRES), 0xd2800e48, "mov x8, #114"},
		{movzX(0, 0xffff), 0xd29fffe0, "mov x0, #0xffff"},
		{svc(0), 0xd4000001, "svc #0"},
		{svc(0x80), 0xd4001001, "svc #0x80"},
		{insnRET, 0xd65f03c0, "ret"},
		{insnNOP, 0xd503201f, "nop"},
		{InsnMovX8RtSigreturn, 0xd2801168, "InsnMovX8RtSigreturn"},
		{InsnSvc0, 0xd4000001, "InsnSvc0"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#08x, want %#08x", c.what, c.got, c.want)
		}
	}
}

func TestHashes(t *testing.T) {
	// Values from Go's runtime/vdso_linux_arm64.go (vdsoLinuxVersion and
	// vdsoSymbolKeys) and the SysV / GNU reference examples.
	for _, c := range []struct {
		name      string
		sysv, gnu uint32
	}{
		{"LINUX_2.6.39", 0x75fcb89, 0},
		{"__kernel_clock_gettime", 0xb0cd725, 0xdfa941fd},
		{"__kernel_getrandom", 0x9800c0d, 0x540d4e24},
		{"", 0, 5381},
		{"printf", 0x077905a6, 0x156b2bb8},
	} {
		if got := elfHash(c.name); got != c.sysv {
			t.Errorf("elfHash(%q) = %#x, want %#x", c.name, got, c.sysv)
		}
		if c.gnu != 0 {
			if got := gnuHash(c.name); got != c.gnu {
				t.Errorf("gnuHash(%q) = %#x, want %#x", c.name, got, c.gnu)
			}
		}
	}
	if elfHash(Version) != VersionHash {
		t.Errorf("VersionHash does not match elfHash(Version)")
	}
}

func TestAPI(t *testing.T) {
	a, b := Image(), Image()
	if len(a) != Size || Size%4096 != 0 || Size == 0 {
		t.Fatalf("len(Image()) = %d, Size = %d: want a non-zero multiple of 4096", len(a), Size)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("Image() differs between calls")
	}
	a[0] = 0
	if Image()[0] != 0x7f {
		t.Fatal("mutating a returned image changed the package's copy")
	}

	syms := Symbols()
	var names []string
	for _, s := range syms {
		names = append(names, s.Name)
		off, ok := Offset(s.Name)
		if !ok || off != s.Offset {
			t.Errorf("Offset(%q) = %d, %v; Symbols says %d", s.Name, off, ok, s.Offset)
		}
		if want := uint64(4 * len(wantCode[s.Name])); s.Size != want {
			t.Errorf("%s: Size %d, want %d", s.Name, s.Size, want)
		}
		if s.Offset == 0 || s.Offset%4 != 0 || s.Offset+s.Size > Size {
			t.Errorf("%s: bad offset %#x", s.Name, s.Offset)
		}
	}
	slices.Sort(names)
	want := slices.Clone(exportNames)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("Symbols() names = %v, want %v", names, want)
	}
	if _, ok := Offset("__kernel_getrandom"); ok {
		t.Error("__kernel_getrandom must not be exported")
	}
	if off, _ := Offset(RtSigreturn); SigreturnOffset() != off {
		t.Error("SigreturnOffset disagrees with Offset(RtSigreturn)")
	}

	img := Image()
	for _, name := range exportNames {
		off, _ := Offset(name)
		if got := words(img, off, len(wantCode[name])); !slices.Equal(got, wantCode[name]) {
			t.Errorf("%s code = %#08x, want %#08x", name, got, wantCode[name])
		}
	}
	// The kernel's "mysterious NOP" right before __kernel_rt_sigreturn.
	if w := words(img, SigreturnOffset()-4, 1)[0]; w != insnNOP {
		t.Errorf("word before __kernel_rt_sigreturn = %#08x, want nop", w)
	}
}

func TestSigreturnTrampoline(t *testing.T) {
	p := SigreturnTrampoline()
	if len(p) != PageSize {
		t.Fatalf("trampoline page is %d bytes", len(p))
	}
	if got := words(p, SigreturnTrampolineEntry-4, 3); !slices.Equal(got, []uint32{0xd503201f, 0xd2801168, 0xd4000001}) {
		t.Errorf("trampoline = %#08x, want nop; mov x8, #139; svc #0", got)
	}
	// Everything else is UDF #0.
	for i := 0; i < PageSize; i += 4 {
		if i >= SigreturnTrampolineEntry-4 && i < SigreturnTrampolineEntry+8 {
			continue
		}
		if binary.LittleEndian.Uint32(p[i:]) != 0 {
			t.Fatalf("trampoline word at %#x is not UDF #0", i)
		}
	}
	// Same words as the vDSO's __kernel_rt_sigreturn.
	img := Image()
	if !bytes.Equal(img[SigreturnOffset()-4:SigreturnOffset()+8], p[SigreturnTrampolineEntry-4:SigreturnTrampolineEntry+8]) {
		t.Error("trampoline page and vDSO __kernel_rt_sigreturn differ")
	}
}

// TestDebugELF parses the image with the standard library's ELF reader.
func TestDebugELF(t *testing.T) {
	img := Image()
	f, err := elf.NewFile(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	if f.Class != elf.ELFCLASS64 || f.Data != elf.ELFDATA2LSB || f.Type != elf.ET_DYN || f.Machine != elf.EM_AARCH64 || f.OSABI != elf.ELFOSABI_NONE {
		t.Errorf("header: %v %v %v %v %v", f.Class, f.Data, f.Type, f.Machine, f.OSABI)
	}

	// Program headers: one PT_LOAD at vaddr = offset = 0, R+X, covering
	// every allocated section; PT_DYNAMIC and PT_NOTE inside it.
	var load, dyn, note *elf.Prog
	for _, p := range f.Progs {
		switch p.Type {
		case elf.PT_LOAD:
			if load != nil {
				t.Error("more than one PT_LOAD")
			}
			load = p
		case elf.PT_DYNAMIC:
			dyn = p
		case elf.PT_NOTE:
			note = p
		default:
			t.Errorf("unexpected program header %v", p.Type)
		}
	}
	if load == nil || dyn == nil || note == nil {
		t.Fatalf("missing PT_LOAD/PT_DYNAMIC/PT_NOTE: %v", f.Progs)
	}
	if load.Off != 0 || load.Vaddr != 0 || load.Filesz != load.Memsz || load.Flags != elf.PF_R|elf.PF_X || load.Memsz > Size {
		t.Errorf("PT_LOAD = %+v", load.ProgHeader)
	}
	for _, p := range []*elf.Prog{dyn, note} {
		if p.Off != p.Vaddr || p.Flags != elf.PF_R || p.Off+p.Filesz > load.Filesz {
			t.Errorf("%v = %+v", p.Type, p.ProgHeader)
		}
	}
	for _, s := range f.Sections {
		if s.Flags&elf.SHF_ALLOC != 0 && (s.Addr != s.Offset || s.Addr+s.Size > load.Memsz) {
			t.Errorf("section %s at %#x+%#x is not inside PT_LOAD at addr = offset", s.Name, s.Addr, s.Size)
		}
		if s.Flags&elf.SHF_WRITE != 0 {
			t.Errorf("section %s is writable", s.Name)
		}
	}

	// Linux version note.
	nb := img[note.Off : note.Off+note.Filesz]
	le := binary.LittleEndian
	if le.Uint32(nb[0:]) != 6 || le.Uint32(nb[4:]) != 4 || le.Uint32(nb[8:]) != 0 || string(nb[12:18]) != "Linux\x00" || le.Uint32(nb[20:]) != KernelVersion {
		t.Errorf("note = % x", nb)
	}

	// Dynamic section.
	if so, err := f.DynString(elf.DT_SONAME); err != nil || !slices.Equal(so, []string{Soname}) {
		t.Errorf("DT_SONAME = %v, %v", so, err)
	}
	for _, tag := range []elf.DynTag{elf.DT_HASH, elf.DT_GNU_HASH, elf.DT_STRTAB, elf.DT_SYMTAB, elf.DT_STRSZ, elf.DT_SYMENT, elf.DT_VERSYM, elf.DT_VERDEF, elf.DT_VERDEFNUM} {
		v, err := f.DynValue(tag)
		if err != nil || len(v) != 1 {
			t.Errorf("%v = %v, %v: want exactly one", tag, v, err)
		}
	}
	for _, tag := range []elf.DynTag{elf.DT_NEEDED, elf.DT_REL, elf.DT_RELA, elf.DynTag(36) /* DT_RELR */, elf.DT_JMPREL, elf.DT_TEXTREL, elf.DT_VERNEED, elf.DT_INIT, elf.DT_FINI} {
		if v, _ := f.DynValue(tag); len(v) != 0 {
			t.Errorf("%v present: %v", tag, v)
		}
	}
	for _, c := range []struct {
		tag  elf.DynTag
		sec  string
		want uint64
	}{
		{elf.DT_HASH, ".hash", 0}, {elf.DT_GNU_HASH, ".gnu.hash", 0}, {elf.DT_STRTAB, ".dynstr", 0},
		{elf.DT_SYMTAB, ".dynsym", 0}, {elf.DT_VERSYM, ".gnu.version", 0}, {elf.DT_VERDEF, ".gnu.version_d", 0},
	} {
		v, _ := f.DynValue(c.tag)
		if s := f.Section(c.sec); s == nil || len(v) != 1 || v[0] != s.Addr {
			t.Errorf("%v = %v, section %s = %v", c.tag, v, c.sec, s)
		}
	}
	if v, _ := f.DynValue(elf.DT_SYMENT); len(v) == 1 && v[0] != 24 {
		t.Errorf("DT_SYMENT = %d", v[0])
	}
	if v, _ := f.DynValue(elf.DT_VERDEFNUM); len(v) == 1 && v[0] != 2 {
		t.Errorf("DT_VERDEFNUM = %d", v[0])
	}
	if v, _ := f.DynValue(elf.DT_STRSZ); len(v) == 1 && v[0] != f.Section(".dynstr").Size {
		t.Errorf("DT_STRSZ = %d", v[0])
	}

	// Version definitions.
	vers, err := f.DynamicVersions()
	if err != nil {
		t.Fatal(err)
	}
	if len(vers) != 2 || vers[0].Name != Soname || vers[0].Index != 1 || vers[0].Flags != elf.VER_FLG_BASE ||
		vers[1].Name != Version || vers[1].Index != 2 || vers[1].Flags != 0 {
		t.Errorf("DynamicVersions = %+v", vers)
	}
	if need, _ := f.DynamicVersionNeeds(); len(need) != 0 {
		t.Errorf("DynamicVersionNeeds = %+v", need)
	}

	// Dynamic symbols with versions.
	syms, err := f.DynamicSymbols()
	if err != nil {
		t.Fatal(err)
	}
	if len(syms) != len(exportNames) {
		t.Fatalf("%d dynamic symbols, want %d: %+v", len(syms), len(exportNames), syms)
	}
	text := f.Section(".text")
	for _, s := range syms {
		off, ok := Offset(s.Name)
		if !ok {
			t.Errorf("unexpected symbol %q", s.Name)
			continue
		}
		wantType := elf.STT_FUNC
		if s.Name == RtSigreturn {
			wantType = elf.STT_NOTYPE
		}
		if s.Value != off || s.Size != uint64(4*len(wantCode[s.Name])) ||
			elf.ST_BIND(s.Info) != elf.STB_GLOBAL || elf.ST_TYPE(s.Info) != wantType ||
			elf.ST_VISIBILITY(s.Other) != elf.STV_DEFAULT || int(s.Section) != slices.Index(f.Sections, text) {
			t.Errorf("symbol %+v", s)
		}
		if !s.HasVersion || s.VersionIndex.Index() != 2 || s.VersionIndex.IsHidden() || s.Version != Version || s.Library != "" {
			t.Errorf("%s version: has=%v idx=%d hidden=%v %q %q", s.Name, s.HasVersion, s.VersionIndex.Index(), s.VersionIndex.IsHidden(), s.Version, s.Library)
		}
		if s.Value < text.Addr || s.Value+s.Size > text.Addr+text.Size {
			t.Errorf("%s outside .text", s.Name)
		}
	}
	if _, err := f.Symbols(); err != elf.ErrNoSymbols {
		t.Errorf("unexpected static symbol table: %v", err)
	}
}
