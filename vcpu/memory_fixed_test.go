package vcpu

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// newFixedMem is fixed-backed memory with Apple Silicon's 16 KiB host
// granule simulated, as the hvf backend uses it.
func newFixedMem(t *testing.T) *Memory {
	t.Helper()
	m, err := newMemory(1<<32, MemoryOptions{Fixed: true, HostGranule: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

type recorder struct{ changes []span }

func (r *recorder) MappingChanged(addr, length uint64) {
	r.changes = append(r.changes, span{addr, addr + length})
}

// TestFixedMemory4KSemanticsOn16K keeps Linux's 4 KiB page semantics inside
// one 16 KiB host page: each guest page is mapped, protected, unmapped and
// remapped on its own, and a fresh mapping reads as zeros.
func TestFixedMemory4KSemanticsOn16K(t *testing.T) {
	m := newFixedMem(t)
	obs := &recorder{}
	m.AddObserver(obs)
	const a = 0x40000 // one 16 KiB host page: four guest pages
	if err := m.Map(a, 4*GuestPageSize, ProtRead|ProtWrite); err != nil {
		t.Fatal(err)
	}
	for i := uint64(0); i < 4; i++ {
		if err := m.Write(a+i*GuestPageSize, []byte{byte(i + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	// The second guest page alone: read-only, then unmapped, then fresh.
	if err := m.Protect(a+GuestPageSize, GuestPageSize, ProtRead); err != nil {
		t.Fatal(err)
	}
	if err := m.Write(a+GuestPageSize, []byte{9}); !errors.Is(err, ErrFault) {
		t.Fatalf("write to a read-only 4 KiB page inside a 16 KiB host page: %v", err)
	}
	if p, _ := m.ProtAt(a); p != ProtRead|ProtWrite {
		t.Fatalf("neighbour page prot %v", p)
	}
	if err := m.Unmap(a+GuestPageSize, GuestPageSize); err != nil {
		t.Fatal(err)
	}
	if _, ok := m.ProtAt(a + GuestPageSize); ok {
		t.Fatal("unmapped page still mapped")
	}
	if err := m.Map(a+GuestPageSize, GuestPageSize, ProtRead|ProtWrite); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 4)
	for i := uint64(0); i < 4; i++ {
		if err := m.Read(a+i*GuestPageSize, got[i:i+1]); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(got, []byte{1, 0, 3, 4}) {
		t.Fatalf("first bytes of the four pages = %v, want [1 0 3 4] (the remapped page fresh, its neighbours kept)", got)
	}
	// Protections are bookkeeping: the host page stays writable, so the
	// loader and the backend's stage-1 tables decide.
	if err := m.Protect(a, 4*GuestPageSize, ProtRead); err != nil {
		t.Fatal(err)
	}
	if err := m.WriteForce(a, []byte{7}); err != nil {
		t.Fatal(err)
	}
	if len(obs.changes) != 5 {
		t.Fatalf("observer saw %d changes, want 5 (map, protect, unmap, map, protect; none for writes): %v", len(obs.changes), obs.changes)
	}
	if c := obs.changes[1]; c.start != a+GuestPageSize || c.end != a+2*GuestPageSize {
		t.Fatalf("protect reported %#x-%#x", c.start, c.end)
	}
}

func TestFixedMemoryFiles(t *testing.T) {
	m := newFixedMem(t)
	path := filepath.Join(t.TempDir(), "f")
	data := bytes.Repeat([]byte("0123456789abcdef"), 2048) // 32 KiB
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd := int(f.Fd())

	// Private file mappings are copies at any 4 KiB offset; past the end of
	// the file they read zeros.
	const p = 0x80000
	if err := m.MapFile(p+GuestPageSize, 3*GuestPageSize, ProtRead, fd, 0x7000, false); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 16)
	m.Read(p+GuestPageSize, got)
	if !bytes.Equal(got, data[0x7000:0x7010]) {
		t.Fatalf("private copy reads %q", got)
	}
	m.Read(p+GuestPageSize+0x1000, got)
	if !bytes.Equal(got, make([]byte, 16)) {
		t.Fatalf("past EOF reads %q, want zeros", got)
	}

	// Shared file mappings replace whole host pages only.
	const s = 0x100000
	if err := m.MapFile(s+GuestPageSize, GuestPageSize, ProtRead|ProtWrite, fd, 0, true); !errors.Is(err, ErrHostGranule) {
		t.Fatalf("shared map at a 4 KiB address: %v, want ErrHostGranule", err)
	}
	if err := m.MapFile(s, GuestPageSize, ProtRead|ProtWrite, fd, 0x1000, true); !errors.Is(err, ErrHostGranule) {
		t.Fatalf("shared map at a 4 KiB file offset: %v, want ErrHostGranule", err)
	}
	if err := m.MapFile(s, 2*GuestPageSize, ProtRead|ProtWrite, fd, 0x4000, true); err != nil {
		t.Fatal(err)
	}
	if err := m.Write(s+1, []byte("XY")); err != nil {
		t.Fatal(err)
	}
	back := make([]byte, 3)
	f.ReadAt(back, 0x4000)
	if string(back) != "0XY" {
		t.Fatalf("file sees %q after a guest store, want 0XY", back)
	}
	// The rest of the host page cannot take private memory while the file
	// is there; after munmap it is fresh anonymous memory again.
	if err := m.Map(s+3*GuestPageSize, GuestPageSize, ProtRead|ProtWrite); !errors.Is(err, ErrHostGranule) {
		t.Fatalf("private map inside a file-backed host page: %v", err)
	}
	if err := m.Unmap(s, 2*GuestPageSize); err != nil {
		t.Fatal(err)
	}
	if err := m.Map(s, 4*GuestPageSize, ProtRead|ProtWrite); err != nil {
		t.Fatal(err)
	}
	m.Read(s, back)
	if !bytes.Equal(back, []byte{0, 0, 0}) {
		t.Fatalf("after munmap the page reads %q, want zeros", back)
	}
	m.Write(s, []byte("zz"))
	f.ReadAt(back, 0x4000)
	if string(back) != "0XY" {
		t.Fatalf("file changed to %q by a store after munmap", back)
	}
}

// TestFixedMemoryUnmapFrees: munmap gives whole host pages back (Linux:
// MADV_REMOVE on the shared backing), so a guest that maps and unmaps in a
// loop does not grow the host process.
func TestFixedMemoryUnmapFrees(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("pages are freed with MADV_REMOVE on Linux only")
	}
	m := newFixedMem(t)
	const a, n = 0x200000, 1 << 20
	if err := m.Map(a, n, ProtRead|ProtWrite); err != nil {
		t.Fatal(err)
	}
	for off := uint64(0); off < n; off += GuestPageSize {
		m.Write(a+off, []byte{1})
	}
	resident := func() (pages uint64) {
		m.Resident(a, n, func(s, e uint64) { pages += (e - s) / GuestPageSize })
		return
	}
	if r := resident(); r != n/GuestPageSize {
		t.Fatalf("%d pages resident after touching all %d", r, n/GuestPageSize)
	}
	if err := m.Unmap(a, n); err != nil {
		t.Fatal(err)
	}
	if r := resident(); r != 0 {
		t.Fatalf("%d pages still resident after munmap", r)
	}
}
