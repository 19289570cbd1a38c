package hvf

import (
	"errors"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/carrick-go/carrick/vcpu"
)

// Stage-1 translation tables: 4 KiB granule, 48-bit VA, four levels, the
// guest space identity-mapped (VA = IPA). Guest pages get Linux's
// permissions; 2 MiB blocks are used where a whole aligned 2 MiB has one
// protection, so large uniform mappings cost no L3 tables.

// Descriptor bits (VMSAv8-64 stage 1).
const (
	descValid = 1 << 0
	descTable = 1 << 1 // at levels 0-2: next-level table; at level 3: page
	descAF    = 1 << 10
	descSHIS  = 3 << 8 // inner shareable
	descAPEL0 = 1 << 6 // AP[1]: EL0 may access
	descAPRO  = 1 << 7 // AP[2]: read-only
	descPXN   = 1 << 53
	descUXN   = 1 << 54
	descOA    = 0x0000_ffff_ffff_f000 // output address bits 47:12
	// AttrIndx 0 selects MAIR Attr0: Normal write-back. Exclusives and
	// unaligned accesses need Normal memory.
	descNormal = 0 << 2
)

const (
	pageSize  = 4096
	blockSize = 2 << 20
	l1Size    = 1 << 30
	l0Size    = 512 << 30
	entries   = 512
)

// leafDesc is the descriptor of a user page (level 3) or block (level 2)
// at pa with the guest protection p. User pages are never executable at
// EL1 (PXN): with PAN, EL1 fetching from EL0-accessible memory faults
// anyway, and it must never run guest code.
func leafDesc(pa uint64, p vcpu.Prot, page bool) uint64 {
	if p&(vcpu.ProtRead|vcpu.ProtWrite|vcpu.ProtExec) == 0 {
		return 0 // PROT_NONE: no access at all, a translation fault
	}
	d := pa&descOA | descValid | descAF | descSHIS | descNormal | descAPEL0 | descPXN
	if page {
		d |= descTable
	}
	if p&vcpu.ProtWrite == 0 {
		d |= descAPRO
	}
	if p&vcpu.ProtExec == 0 {
		d |= descUXN
	}
	return d
}

// kernelDesc is the descriptor of a kernel-region page: EL1 only, never
// executable at EL0, executable at EL1 only if exec (the vector page,
// which is then read-only).
func kernelDesc(pa uint64, exec bool) uint64 {
	d := pa&descOA | descValid | descTable | descAF | descSHIS | descNormal | descUXN
	if exec {
		d |= descAPRO
	} else {
		d |= descPXN
	}
	return d
}

// ErrNoTables means the page-table pool is exhausted (ENOMEM for the guest).
var ErrNoTables = errors.New("hvf: out of page-table memory")

// Tables builds and edits the stage-1 tables in the kernel region of a
// fixed-backed guest memory.
type Tables struct {
	base unsafe.Pointer // host address of IPA 0

	mu sync.Mutex
	// root is the L0 table; next the first never-used pool table; free the
	// released ones. Guarded by mu.
	root uint64
	next uint64
	free []uint64
	// l3 counts the L3 tables in use, for tests; guarded by mu.
	l3 int
}

// NewTables makes empty tables (an L0 root) in mem's kernel region and maps
// the kernel region's EL1 pages.
func NewTables(mem *vcpu.Memory) (*Tables, error) {
	if !mem.Fixed() {
		return nil, errors.New("hvf: page tables need fixed-backed memory")
	}
	t := &Tables{base: mem.Base(), next: TableBase}
	root, err := t.alloc()
	if err != nil {
		return nil, err
	}
	t.root = root
	t.mu.Lock()
	defer t.mu.Unlock()
	if err := t.setPage(VectorBase, kernelDesc(VectorBase, true)); err != nil {
		return nil, err
	}
	for a := uint64(SlotBase); a < SlotBase+MaxSlots*SlotSize; a += pageSize {
		if err := t.setPage(a, kernelDesc(a, false)); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// Root is TTBR0_EL1.
func (t *Tables) Root() uint64 { return t.root }

func (t *Tables) word(pa uint64, i int) *uint64 {
	return (*uint64)(unsafe.Add(t.base, pa+uint64(i)*8))
}

func (t *Tables) load(pa uint64, i int) uint64 { return atomic.LoadUint64(t.word(pa, i)) }

// store writes one descriptor with a single 64-bit store: another vCPU's
// table walker may read it at any time and must see old or new, never half.
func (t *Tables) store(pa uint64, i int, d uint64) { atomic.StoreUint64(t.word(pa, i), d) }

func (t *Tables) alloc() (uint64, error) {
	var pa uint64
	if n := len(t.free); n > 0 {
		pa, t.free = t.free[n-1], t.free[:n-1]
	} else {
		if t.next >= TableEnd {
			return 0, ErrNoTables
		}
		pa, t.next = t.next, t.next+pageSize
	}
	clear(unsafe.Slice((*byte)(unsafe.Add(t.base, pa)), pageSize))
	return pa, nil
}

// l2For returns the L2 table covering va, creating the L1 and L2 tables
// on the way when create is set (0 when absent).
// Preconditions: t.mu is held.
func (t *Tables) l2For(va uint64, create bool) (uint64, error) {
	table := t.root
	for _, shift := range []uint{39, 30} {
		i := int(va >> shift & (entries - 1))
		d := t.load(table, i)
		if d&descValid == 0 {
			if !create {
				return 0, nil
			}
			next, err := t.alloc()
			if err != nil {
				return 0, err
			}
			t.store(table, i, next|descValid|descTable)
			d = next | descValid | descTable
		}
		table = d & descOA
	}
	return table, nil
}

// setPage sets the level-3 descriptor of one page, splitting nothing: the
// kernel region's 2 MiB is always mapped with pages.
// Preconditions: t.mu is held.
func (t *Tables) setPage(va, d uint64) error {
	l2, err := t.l2For(va, true)
	if err != nil {
		return err
	}
	i := int(va >> 21 & (entries - 1))
	e := t.load(l2, i)
	if e&(descValid|descTable) != descValid|descTable {
		l3, err := t.alloc()
		if err != nil {
			return err
		}
		t.l3++
		t.store(l2, i, l3|descValid|descTable)
		e = l3 | descValid | descTable
	}
	t.store(e&descOA, int(va>>12&(entries-1)), d)
	return nil
}

// Sync rewrites the descriptors of [addr, addr+length), widened to whole
// 2 MiB blocks, from mem's current mappings. The caller then has every
// vCPU run tlbi before it next returns to EL0 (the return path's
// flagTLBI); until then a vCPU may still use the old translation, as a
// Linux thread may until the kernel's TLB shootdown.
func (t *Tables) Sync(mem *vcpu.Memory, addr, length uint64) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	end := min(addr+length, uint64(KernelBase))
	var descs [entries]uint64
	for blk := addr &^ (blockSize - 1); blk < end; blk += blockSize {
		clear(descs[:])
		mem.MappingsIn(blk, blk+blockSize, func(s, e uint64, p vcpu.Prot) {
			for a := max(s, blk); a < min(e, blk+blockSize); a += pageSize {
				descs[(a-blk)/pageSize] = leafDesc(a, p, true)
			}
		})
		if err := t.setBlock(blk, &descs); err != nil {
			return err
		}
	}
	return nil
}

// setBlock installs the 512 page descriptors of the 2 MiB at blk: as one
// block descriptor (or none) when they are uniform, else as an L3 table.
// Preconditions: t.mu is held.
func (t *Tables) setBlock(blk uint64, descs *[entries]uint64) error {
	uniform := true
	first := descs[0]
	for i, d := range descs {
		if d&^descOA != first&^descOA || (d != 0 && d&descOA != blk+uint64(i)*pageSize) {
			uniform = false
			break
		}
	}
	empty := uniform && first == 0
	l2, err := t.l2For(blk, !empty)
	if err != nil || l2 == 0 {
		return err
	}
	i := int(blk >> 21 & (entries - 1))
	old := t.load(l2, i)
	oldL3 := uint64(0)
	if old&(descValid|descTable) == descValid|descTable {
		oldL3 = old & descOA
	}
	if uniform {
		d := uint64(0)
		if !empty {
			d = first&^descTable&^descOA | blk // a block: bit 1 clear
		}
		t.store(l2, i, d)
		if oldL3 != 0 {
			// Other vCPUs may still walk it until their tlbi; its contents
			// stay valid (what it mapped), and it is only reused for another
			// table, which is then cleared. A walk racing that reuse sees a
			// zeroed table: a translation fault the guest retries, as Linux
			// guests do after a concurrent munmap.
			t.free = append(t.free, oldL3)
			t.l3--
		}
		return nil
	}
	l3 := oldL3
	if l3 == 0 {
		if l3, err = t.alloc(); err != nil {
			return err
		}
		t.l3++
		// Fill before linking, so a walker never sees a half-built table.
		for j, d := range descs {
			t.store(l3, j, d)
		}
		t.store(l2, i, l3|descValid|descTable)
		return nil
	}
	for j, d := range descs {
		t.store(l3, j, d)
	}
	return nil
}

// Lookup walks the tables for va as the hardware would (no permission
// checks) and returns the final descriptor and its level, for tests and
// diagnostics.
func (t *Tables) Lookup(va uint64) (desc uint64, level int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	table := t.root
	for level, shift := 0, uint(39); level <= 3; level, shift = level+1, shift-9 {
		d := t.load(table, int(va>>shift&(entries-1)))
		if d&descValid == 0 || level == 3 || d&descTable == 0 {
			return d, level
		}
		table = d & descOA
	}
	return 0, 3
}
