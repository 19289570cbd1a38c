package loader

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/carrick-go/carrick/sysemu/mm"
	"github.com/carrick-go/carrick/vcpu"
)

func newMM(t testing.TB) *mm.MM {
	t.Helper()
	mem, err := vcpu.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mem.Close() })
	return mm.New(mem)
}

// tinyELF builds a minimal static ARM64 executable: one RX segment holding
// code at 0x400078.
func tinyELF(machine elf.Machine, typ elf.Type) []byte {
	var b bytes.Buffer
	h := elf.Header64{
		Type: uint16(typ), Machine: uint16(machine), Version: 1, Entry: 0x400078,
		Phoff: 64, Ehsize: 64, Phentsize: 56, Phnum: 1,
	}
	copy(h.Ident[:], elf.ELFMAG)
	h.Ident[elf.EI_CLASS] = byte(elf.ELFCLASS64)
	h.Ident[elf.EI_DATA] = byte(elf.ELFDATA2LSB)
	h.Ident[elf.EI_VERSION] = 1
	binary.Write(&b, binary.LittleEndian, h)
	code := []uint32{0xd2800540, 0xd2800bc8, 0xd4000001} // mov x0,#42; mov x8,#94; svc #0
	p := elf.Prog64{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X), Off: 0,
		Vaddr: 0x400000, Paddr: 0x400000, Filesz: 0x78 + 12, Memsz: 0x78 + 12, Align: 0x1000}
	binary.Write(&b, binary.LittleEndian, p)
	binary.Write(&b, binary.LittleEndian, code)
	return b.Bytes()
}

func TestLoadStatic(t *testing.T) {
	m := newMM(t)
	img, err := Load(m, bytes.NewReader(tinyELF(elf.EM_AARCH64, elf.ET_EXEC)), mm.PIEBase)
	if err != nil {
		t.Fatal(err)
	}
	if img.Entry != 0x400078 || img.Phdr != 0x400040 || img.Phnum != 1 {
		t.Fatalf("image %+v", img)
	}
	if p, ok := m.Memory().ProtAt(0x400078); !ok || p != vcpu.ProtRead|vcpu.ProtExec {
		t.Fatalf("text prot %v %v", p, ok)
	}
	w := make([]byte, 4)
	m.Memory().Read(0x400078, w)
	if binary.LittleEndian.Uint32(w) != 0xd2800540 {
		t.Fatalf("code not loaded: %x", w)
	}
}

func TestLoadRejectsBadInput(t *testing.T) {
	good := tinyELF(elf.EM_AARCH64, elf.ET_EXEC)
	cases := map[string][]byte{
		"not ELF":     []byte("#!/bin/sh\necho hi\n"),
		"empty":       nil,
		"x86_64":      tinyELF(elf.EM_X86_64, elf.ET_EXEC),
		"relocatable": tinyELF(elf.EM_AARCH64, elf.ET_REL),
		"truncated":   good[:70],
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Load(newMM(t), bytes.NewReader(data), mm.PIEBase)
			if err == nil {
				t.Fatal("loaded")
			}
			if name == "not ELF" && !errors.Is(err, ErrNotELF) {
				t.Fatalf("err = %v, want ErrNotELF", err)
			}
		})
	}
}

func FuzzLoad(f *testing.F) {
	f.Add(tinyELF(elf.EM_AARCH64, elf.ET_EXEC))
	f.Add(tinyELF(elf.EM_AARCH64, elf.ET_DYN))
	mem, err := vcpu.NewMemory()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := mm.New(mem)
		Load(m, bytes.NewReader(data), mm.PIEBase) // must not panic
		for _, v := range m.VMAs() {
			mem.Unmap(v.Start, v.End-v.Start)
		}
	})
}
