package mm

import (
	"os"
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
)

func newMM(t *testing.T) *MM {
	t.Helper()
	mem, err := vcpu.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mem.Close() })
	return New(mem)
}

const rw = vcpu.ProtRead | vcpu.ProtWrite

func TestMmapPlacementTopDown(t *testing.T) {
	m := newMM(t)
	a, e := m.Mmap(0, 3*PageSize, rw, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS)
	if e != 0 || a != MmapTop-3*PageSize {
		t.Fatalf("first mmap at %#x (%v), want %#x", a, e, MmapTop-3*PageSize)
	}
	b, _ := m.Mmap(0, PageSize, rw, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS)
	if b != a-PageSize {
		t.Fatalf("second mmap at %#x, want just below %#x", b, a)
	}
	// Unmapping the middle page leaves a hole the next mmap reuses.
	if e := m.Munmap(a+PageSize, PageSize); e != 0 {
		t.Fatal(e)
	}
	c, _ := m.Mmap(0, PageSize, rw, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS)
	if c != a+PageSize {
		t.Fatalf("mmap after hole at %#x, want %#x", c, a+PageSize)
	}
	// A free hint is honoured; an occupied one is not.
	h, _ := m.Mmap(0x7000_0000, PageSize, rw, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS)
	if h != 0x7000_0000 {
		t.Fatalf("hint ignored: %#x", h)
	}
	h2, _ := m.Mmap(0x7000_0000, PageSize, rw, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS)
	if h2 == 0x7000_0000 {
		t.Fatal("occupied hint reused")
	}
	if _, e := m.Mmap(0x7000_0000, PageSize, rw, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS|abi.MAP_FIXED_NOREPLACE); e != abi.EEXIST {
		t.Fatalf("MAP_FIXED_NOREPLACE over a mapping: %v, want EEXIST", e)
	}
	if _, e := m.Mmap(0x7000_0001, PageSize, rw, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS|abi.MAP_FIXED); e != abi.EINVAL {
		t.Fatalf("unaligned MAP_FIXED: %v, want EINVAL", e)
	}
	if _, e := m.Mmap(0, 0, rw, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS); e != abi.EINVAL {
		t.Fatalf("zero-length mmap: %v, want EINVAL", e)
	}
}

func TestMprotectSplitsAndChecksMapping(t *testing.T) {
	m := newMM(t)
	a, _ := m.Mmap(0, 4*PageSize, rw, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS)
	if e := m.Mprotect(a+PageSize, PageSize, vcpu.ProtRead); e != 0 {
		t.Fatal(e)
	}
	vmas := m.VMAs()
	if len(vmas) != 3 || vmas[1].Prot != vcpu.ProtRead || vmas[1].Start != a+PageSize {
		t.Fatalf("vmas after mprotect: %+v", vmas)
	}
	if e := m.Mprotect(a+3*PageSize, 2*PageSize, rw); e != abi.ENOMEM {
		t.Fatalf("mprotect over a hole: %v, want ENOMEM", e)
	}
}

func TestBrkGrowsAndShrinks(t *testing.T) {
	m := newMM(t)
	m.SetBrk(0x420010)
	start := m.Brk(0)
	if start != 0x421000 {
		t.Fatalf("initial brk %#x", start)
	}
	if got := m.Brk(start + 3*PageSize + 5); got != start+3*PageSize+5 {
		t.Fatalf("grow: brk = %#x", got)
	}
	if err := m.Memory().Write(start+3*PageSize, []byte{1}); err != nil {
		t.Fatalf("heap not writable: %v", err)
	}
	if got := m.Brk(start + PageSize); got != start+PageSize {
		t.Fatalf("shrink: brk = %#x", got)
	}
	if err := m.Memory().Write(start+2*PageSize, []byte{1}); err == nil {
		t.Fatal("memory above a shrunk break is still mapped")
	}
	if got := m.Brk(start - PageSize); got != start+PageSize {
		t.Fatalf("brk below the start must fail and return the old break, got %#x", got)
	}
}

func TestMadviseDontneedZeroes(t *testing.T) {
	m := newMM(t)
	a, _ := m.Mmap(0, PageSize, rw, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS)
	m.Memory().Write(a, []byte{42})
	if e := m.Madvise(a, PageSize, abi.MADV_DONTNEED); e != 0 {
		t.Fatal(e)
	}
	b := []byte{1}
	m.Memory().Read(a, b)
	if b[0] != 0 {
		t.Fatal("MADV_DONTNEED did not zero private anonymous memory")
	}
}

// A shared file mapping split by munmap and mprotect keeps, in each piece,
// the file offset of its own first page, so that a fork child maps the
// same file pages at the same addresses.
func TestSharedMappingOffsetsFollowSplits(t *testing.T) {
	m := newMM(t)
	f, err := os.CreateTemp(t.TempDir(), "backing")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(8 * PageSize); err != nil {
		t.Fatal(err)
	}
	a, e := m.MmapFile(0, 6*PageSize, rw, abi.MAP_SHARED, f, 2*PageSize, "file")
	if e != 0 {
		t.Fatal(e)
	}
	if e := m.Munmap(a+PageSize, PageSize); e != 0 {
		t.Fatal(e)
	}
	if e := m.Mprotect(a+3*PageSize, PageSize, vcpu.ProtRead); e != 0 {
		t.Fatal(e)
	}
	want := map[uint64]int64{a: 2 * PageSize, a + 2*PageSize: 4 * PageSize, a + 3*PageSize: 5 * PageSize, a + 4*PageSize: 6 * PageSize}
	got := map[uint64]int64{}
	for _, v := range m.VMAs() {
		if v.Backing != f {
			t.Fatalf("VMA %#x lost its backing file", v.Start)
		}
		got[v.Start] = v.Offset
	}
	if len(got) != len(want) {
		t.Fatalf("VMAs %v, want starts and offsets %v", got, want)
	}
	for s, off := range want {
		if got[s] != off {
			t.Errorf("VMA at %#x: offset %#x, want %#x", s, got[s], off)
		}
	}
	// The pages really are the file's: a store shows in the file.
	if err := m.Memory().Write(a+4*PageSize, []byte("x")); err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 1)
	f.ReadAt(b, 6*PageSize)
	if b[0] != 'x' {
		t.Fatalf("file byte %q, want the store through the mapping", b)
	}
}
