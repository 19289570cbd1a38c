package hvf

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/carrick-go/carrick/vcpu"
)

// hardware is one hardware vCPU: what Hypervisor.framework's hv_vcpu_*
// calls do. hv_darwin.go implements it with the framework; the tests with
// the interpreter's EL1 model. Every method but cancel is called on the
// vCPU's own (locked) thread.
type hardware interface {
	run() (hwExit, error)
	reg(r Reg) (uint64, error)
	setReg(r Reg, v uint64) error
	sysReg(r SysReg) (uint64, error)
	setSysReg(r SysReg, v uint64) error
	// simd reads V[i]. There is no setter: Hypervisor.framework's takes the
	// vector by value, which purego cannot pass; writes go through the
	// save area and the EL1 return path.
	simd(i int) ([2]uint64, error)
	cancel()
	destroy() error
}

// hypervisor is the VM: one per process under Hypervisor.framework.
type hypervisor interface {
	// mapMemory maps host memory at stage 2 (read, write, execute: stage 1
	// does the permissions).
	mapMemory(host unsafe.Pointer, ipa, size uint64) error
	unmapMemory(ipa, size uint64) error
	// newCPU creates a vCPU for the calling thread.
	newCPU() (hardware, error)
	// maxCPUs is how many vCPUs may exist at once.
	maxCPUs() int
}

// Machine is a guest address space run by hardware vCPUs.
type Machine struct {
	mem    *vcpu.Memory
	hv     hypervisor
	tables *Tables
	code   *EL1Code
	feat   vcpu.Features
	ids    map[SysReg]uint64 // sanitized ID registers EL0 may read

	// tlbGen and icGen count stage-1 edits and host code writes; a vCPU
	// that saw an older count has its return path run tlbi or ic.
	tlbGen atomic.Uint64
	icGen  atomic.Uint64

	icMu sync.Mutex
	// icPending are code ranges InvalidateCode queued; guarded by icMu.
	icPending [][2]uint64

	mu sync.Mutex
	// slots[i] is set while save area i is in use; cond signals a free
	// slot. Guarded by mu.
	slots []bool
	live  int
	cond  *sync.Cond
	// syncErr is the first failure to update the tables; guarded by mu.
	syncErr error
}

// newMachine sets up mem (fixed-backed) on hv: stage 2 once, the EL1 page,
// the tables from mem's current mappings.
func newMachine(mem *vcpu.Memory, hv hypervisor) (*Machine, error) {
	if !mem.Fixed() {
		return nil, errors.New("hvf: guest memory must be fixed-backed")
	}
	t, err := NewTables(mem)
	if err != nil {
		return nil, err
	}
	m := &Machine{mem: mem, hv: hv, tables: t, code: GenerateEL1(),
		slots: make([]bool, min(MaxSlots, hv.maxCPUs()))}
	m.cond = sync.NewCond(&m.mu)
	copy(unsafe.Slice((*byte)(unsafe.Add(mem.Base(), VectorBase)), 4096), m.code.Bytes())
	if err := hv.mapMemory(mem.Base(), 0, mem.Size()); err != nil {
		return nil, fmt.Errorf("hvf: map guest memory at stage 2: %w", err)
	}
	if err := t.Sync(mem, 0, KernelBase); err != nil {
		return nil, err
	}
	// The features must be known before the first thread runs (they go
	// into the auxiliary vector): read the ID registers on a scratch vCPU,
	// as QEMU does.
	hw, err := hv.newCPU()
	if err != nil {
		return nil, fmt.Errorf("hvf: scratch vCPU: %w", err)
	}
	err = m.setIDs(hw.sysReg)
	hw.destroy()
	if err != nil {
		return nil, err
	}
	mem.AddObserver(m)
	mem.AddCodeCache(m)
	return m, nil
}

// setIDs records the host's ID registers (read from a first vCPU) as EL0
// will see them, and the features they promise.
func (m *Machine) setIDs(read func(SysReg) (uint64, error)) error {
	m.ids = map[SysReg]uint64{}
	for _, r := range []SysReg{SysRegMIDR_EL1, SysRegMPIDR_EL1, SysRegID_AA64PFR0_EL1, SysRegID_AA64ISAR0, SysRegID_AA64ISAR1} {
		v, err := read(r)
		if err != nil {
			return fmt.Errorf("hvf: read ID register %#x: %w", uint16(r), err)
		}
		m.ids[r] = sanitizeID(r, v)
	}
	m.feat = hwcapsFromID(m.ids[SysRegID_AA64PFR0_EL1], m.ids[SysRegID_AA64ISAR0], m.ids[SysRegID_AA64ISAR1])
	return nil
}

// Memory is the guest address space.
func (m *Machine) Memory() *vcpu.Memory { return m.mem }

// Features is what the host CPU offers, as its ID registers say.
func (m *Machine) Features() vcpu.Features { return m.feat }

// MappingChanged follows the guest's mmap, mprotect and munmap in the
// stage-1 tables.
func (m *Machine) MappingChanged(addr, length uint64) {
	if err := m.tables.Sync(m.mem, addr, length); err != nil {
		m.mu.Lock()
		if m.syncErr == nil {
			m.syncErr = err
		}
		m.mu.Unlock()
	}
	m.tlbGen.Add(1)
}

// InvalidateCode notes that code may have changed in [addr, addr+length):
// a mapping change, a host write (loader, fork, private file copy), or
// the guest's own ic ivau (which the hardware already honoured). Memory
// calls it with its lock held, so the range is only queued here;
// codeChanged looks at it.
func (m *Machine) InvalidateCode(addr, length uint64) {
	m.icMu.Lock()
	if len(m.icPending) < 64 {
		m.icPending = append(m.icPending, [2]uint64{addr, addr + length})
	} else {
		m.icPending[63] = [2]uint64{0, KernelBase} // too many: look at everything
	}
	m.icMu.Unlock()
}

// codeChanged moves the queued ranges into icGen: only a range that is
// executable now can hold code the guest will run, so only then does the
// next return to EL0 run ic ialluis, which empties every core's
// instruction cache; the guest's plain mmap and munmap must not pay that.
func (m *Machine) codeChanged() {
	m.icMu.Lock()
	pending := m.icPending
	m.icPending = nil
	m.icMu.Unlock()
	for _, r := range pending {
		exec := false
		m.mem.MappingsIn(r[0], r[1], func(_, _ uint64, p vcpu.Prot) {
			exec = exec || p&vcpu.ProtExec != 0
		})
		if exec {
			m.icGen.Add(1)
			return
		}
	}
}

// Close releases stage 2. The vCPUs must be closed.
func (m *Machine) Close() error {
	m.mem.RemoveCodeCache(m)
	return m.hv.unmapMemory(0, m.mem.Size())
}

// NewVCPU returns a vCPU for the calling goroutine. The hardware vCPU is
// made by its first Run, on that goroutine's thread, once one of the
// hardware's vCPUs is free: beyond the cap a new guest thread waits there,
// after clone has returned to the guest (Linux has no such cap, and a
// clone that blocked until another thread exits could deadlock a join).
// Registers set before then are kept and loaded by the first run.
func (m *Machine) NewVCPU() (vcpu.VCPU, error) {
	c := &cpu{m: m, slot: -1, save: make([]uint64, SlotSize/8)}
	*c.word(saveSPSR) = spsrEL0
	c.vDirty = true // zero vector registers, as a new thread of execve has
	return c, nil
}

// acquire waits for a free hardware vCPU slot; it gives up (false) when
// stop says so, checked whenever the wait is woken.
func (m *Machine) acquire(stop func() bool) (int, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for {
		for i, used := range m.slots {
			if !used {
				m.slots[i] = true
				return i, true
			}
		}
		if stop() {
			return -1, false
		}
		m.cond.Wait()
	}
}

// wake wakes the threads waiting in acquire (to see an Interrupt).
func (m *Machine) wake() {
	m.mu.Lock()
	m.cond.Broadcast()
	m.mu.Unlock()
}

func (m *Machine) freeSlot(slot int) {
	m.mu.Lock()
	m.slots[slot] = false
	m.mu.Unlock()
	m.cond.Broadcast()
}
