package hvf

import (
	"errors"
	"testing"

	"github.com/carrick-go/carrick/vcpu"
)

func newFixed(t *testing.T) *vcpu.Memory {
	t.Helper()
	mem, err := vcpu.NewMemoryWith(vcpu.MemoryOptions{Fixed: true, HostGranule: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mem.Close() })
	return mem
}

// tablesOn makes tables that follow mem, as a Machine's do.
type follower struct {
	t   *Tables
	mem *vcpu.Memory
	err error
}

func (f *follower) MappingChanged(addr, length uint64) {
	if err := f.t.Sync(f.mem, addr, length); err != nil && f.err == nil {
		f.err = err
	}
}

func tablesOn(t *testing.T, mem *vcpu.Memory) (*Tables, *follower) {
	t.Helper()
	tb, err := NewTables(mem)
	if err != nil {
		t.Fatal(err)
	}
	f := &follower{t: tb, mem: mem}
	mem.AddObserver(f)
	return tb, f
}

func TestLeafDescriptors(t *testing.T) {
	for _, c := range []struct {
		prot vcpu.Prot
		want uint64 // bits besides the address
	}{
		{vcpu.ProtRead, descValid | descTable | descAF | descSHIS | descAPEL0 | descAPRO | descPXN | descUXN},
		{vcpu.ProtRead | vcpu.ProtWrite, descValid | descTable | descAF | descSHIS | descAPEL0 | descPXN | descUXN},
		{vcpu.ProtRead | vcpu.ProtExec, descValid | descTable | descAF | descSHIS | descAPEL0 | descAPRO | descPXN},
		{vcpu.ProtWrite, descValid | descTable | descAF | descSHIS | descAPEL0 | descPXN | descUXN},
		{0, 0},
	} {
		d := leafDesc(0x12345000, c.prot, true)
		if c.want == 0 {
			if d != 0 {
				t.Errorf("PROT_NONE: %#x, want invalid", d)
			}
			continue
		}
		if d&descOA != 0x12345000 || d&^descOA != c.want {
			t.Errorf("%v: %#x, want %#x", c.prot, d, c.want|0x12345000)
		}
	}
	// The bit values are the architecture's (VMSAv8-64 stage 1).
	if descAF != 0x400 || descAPEL0 != 0x40 || descAPRO != 0x80 || descPXN != 1<<53 || descUXN != 1<<54 || descSHIS != 0x300 {
		t.Fatal("descriptor bit positions")
	}
	k := kernelDesc(VectorBase, true)
	if k&descAPEL0 != 0 || k&descUXN == 0 || k&descPXN != 0 || k&descAPRO == 0 {
		t.Errorf("vector page %#x: want EL1-only, read-only, EL1-executable, EL0 never", k)
	}
	if k := kernelDesc(SlotBase, false); k&descAPEL0 != 0 || k&descPXN == 0 || k&descAPRO != 0 {
		t.Errorf("save area %#x: want EL1-only read-write, never executable", k)
	}
}

func TestTablesFollowMemory(t *testing.T) {
	mem := newFixed(t)
	tb, f := tablesOn(t, mem)
	rw := vcpu.ProtRead | vcpu.ProtWrite
	// A 4 MiB aligned mapping is two blocks, no L3 table.
	const big = 0x4000_0000
	if err := mem.Map(big, 4<<20, rw); err != nil {
		t.Fatal(err)
	}
	base := tb.l3
	d, lvl := tb.Lookup(big + 0x123000)
	if lvl != 2 || d&descTable != 0 || d&descOA != big || d&descAPRO != 0 {
		t.Fatalf("uniform 2 MiB: level %d desc %#x, want an L2 block", lvl, d)
	}
	// mprotect of one 4 KiB page splits its block into an L3 table.
	if err := mem.Protect(big+0x201000, 0x1000, vcpu.ProtRead|vcpu.ProtExec); err != nil {
		t.Fatal(err)
	}
	if tb.l3 != base+1 {
		t.Fatalf("L3 tables %d, want %d", tb.l3, base+1)
	}
	d, lvl = tb.Lookup(big + 0x201000)
	if lvl != 3 || d&descAPRO == 0 || d&descUXN != 0 || d&descOA != big+0x201000 {
		t.Fatalf("r-x page: level %d desc %#x", lvl, d)
	}
	d, _ = tb.Lookup(big + 0x202000)
	if d&descAPRO != 0 || d&descUXN == 0 {
		t.Fatalf("neighbour keeps rw-: %#x", d)
	}
	// Putting it back makes the block uniform again and frees the table.
	if err := mem.Protect(big+0x201000, 0x1000, rw); err != nil {
		t.Fatal(err)
	}
	if tb.l3 != base {
		t.Fatalf("L3 tables %d after coalescing, want %d", tb.l3, base)
	}
	// munmap and PROT_NONE are translation faults: invalid descriptors.
	if err := mem.Unmap(big, 0x1000); err != nil {
		t.Fatal(err)
	}
	if err := mem.Protect(big+0x2000, 0x1000, 0); err != nil {
		t.Fatal(err)
	}
	for _, a := range []uint64{big, big + 0x2000} {
		if d, _ := tb.Lookup(a); d&descValid != 0 {
			t.Errorf("%#x: %#x, want invalid", a, d)
		}
	}
	if d, _ := tb.Lookup(big + 0x1000); d&descValid == 0 {
		t.Error("the page between lost its mapping")
	}
	// Unmapping everything leaves no L3 table and no valid block.
	if err := mem.Unmap(big, 4<<20); err != nil {
		t.Fatal(err)
	}
	if tb.l3 != base {
		t.Fatalf("L3 tables %d after munmap, want %d", tb.l3, base)
	}
	if d, _ := tb.Lookup(big + 0x300000); d&descValid != 0 {
		t.Fatalf("after munmap: %#x", d)
	}
	if f.err != nil {
		t.Fatal(f.err)
	}
	// The kernel region: vector page and save areas, EL1 only.
	if d, lvl := tb.Lookup(VectorBase); lvl != 3 || d != kernelDesc(VectorBase, true) {
		t.Fatalf("vector page: level %d desc %#x", lvl, d)
	}
	if d, _ := tb.Lookup(SlotBase + 5*SlotSize); d != kernelDesc(SlotBase+0x1000, false) {
		t.Fatalf("save area: %#x", d)
	}
	if d, _ := tb.Lookup(TableBase); d&descValid != 0 {
		t.Fatalf("the table pool is mapped: %#x", d)
	}
	// Guest syncs never reach the kernel region.
	if err := tb.Sync(mem, KernelBase-blockSize, 2*blockSize); err != nil {
		t.Fatal(err)
	}
	if d, _ := tb.Lookup(VectorBase); d != kernelDesc(VectorBase, true) {
		t.Fatal("a guest sync rewrote the kernel region")
	}
}

// TestTablesExhaust fills the pool with alternating protections (one L3
// table per 2 MiB) until it runs out, which must be an error, not a crash.
func TestTablesExhaust(t *testing.T) {
	mem := newFixed(t)
	tb, f := tablesOn(t, mem)
	n := int((TableEnd - TableBase) / pageSize)
	var err error
	for i := 0; i < n+10 && err == nil; i++ {
		a := uint64(0x1_0000_0000) + uint64(i)*blockSize
		if err = mem.Map(a, 0x1000, vcpu.ProtRead); err == nil {
			err = f.err
		}
	}
	if !errors.Is(err, ErrNoTables) {
		t.Fatalf("after filling the pool: %v, want ErrNoTables", err)
	}
	if tb.next != TableEnd {
		t.Fatalf("pool next %#x, end %#x", tb.next, uint64(TableEnd))
	}
}
