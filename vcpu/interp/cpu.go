// Package interp is carrick's portable ARM64 backend: a pure-Go interpreter of
// the A64 user-level instruction set (integer, FP, AdvSIMD, LSE atomics).
//
// Each guest instruction is decoded once per address into an Inst (a handler
// and its pre-extracted operands) held in a per-page cache; the run loop then
// only fetches the Inst and calls its handler. Guest memory is the flat host
// range of vcpu.Memory: a guest address plus the base is the host address, and
// host faults on unmapped or protected pages come back as Go panics
// (debug.SetPanicOnFault) that become Fault exits.
package interp

import (
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/carrick-go/carrick/vcpu"
)

// Register indices in CPU.X. Register field 31 means XZR or SP depending on
// the encoding; the decoder resolves it once so handlers index X directly.
const (
	regZR   = 31 // always reads 0; never written
	regSP   = 32 // the stack pointer
	regSink = 33 // writes to XZR land here and are never read
)

// Stop reasons, in CPU.stop.
const (
	stopExit      = 1 << iota // a handler filled CPU.exit
	stopInterrupt             // Interrupt was called
	stopInval                 // code in CPU.inval must be dropped
)

// CPU is one interpreted vCPU.
type CPU struct {
	// X holds X0–X30, then XZR (31), SP (32) and the write sink (33).
	X [34]uint64
	// PC is the address of the next instruction to run.
	PC uint64
	// NZCV holds the condition flags in bits 31:28, as PSTATE does.
	NZCV uint64
	// V holds V0–V31; V[i][0] is bits 63:0.
	V     [32][2]uint64
	FPCR  uint32
	FPSR  uint32
	TPIDR uint64

	base  unsafe.Pointer // host address of guest 0
	limit uint64         // highest guest address a 16-byte access may start at; all ones in EL1 mode (see ea)
	// el1 is the EL1 model's state (el1.go); nil for a plain EL0 vCPU.
	el1 *el1State

	stop atomic.Uint32
	exit vcpu.Exit

	// Exclusive monitor: STXR succeeds only if memory still holds what LDXR
	// read (compare-and-swap), as QEMU does.
	exclAddr  uint64
	exclSize  uint8 // bytes; 0 = monitor open
	exclPair  bool
	exclVal   uint64
	exclVal2  uint64
	startTime int64

	// Decoded-code cache.
	page     *codePage // page holding PC, or noPage
	pageAddr uint64    // guest address of page
	tlb      [tlbSize]*codePage
	pages    map[uint64]*codePage

	invMu sync.Mutex
	// inval and invalAll are ranges other goroutines dropped; guarded by invMu.
	inval    []span
	invalAll bool

	m   *Machine
	mem *vcpu.Memory
}

type span struct{ start, end uint64 }

// Machine is a guest address space run by interpreted vCPUs.
type Machine struct {
	mem *vcpu.Memory

	// pool holds decoded pages of closed vCPUs for reuse (cache.go).
	poolMu sync.Mutex
	pool   []*codePage
}

// NewMachine returns a machine on mem.
func NewMachine(mem *vcpu.Memory) *Machine {
	return &Machine{mem: mem}
}

// Memory is the guest address space.
func (m *Machine) Memory() *vcpu.Memory { return m.mem }

// Features reports what the interpreter implements and its tests verify.
func (m *Machine) Features() vcpu.Features { return features }

// Close releases nothing of its own: the Memory belongs to its creator.
func (m *Machine) Close() error { return nil }

// NewVCPU creates a vCPU on the machine's memory.
func (m *Machine) NewVCPU() (vcpu.VCPU, error) {
	return m.newCPU(), nil
}

func (m *Machine) newCPU() *CPU {
	c := &CPU{
		m:        m,
		mem:      m.mem,
		base:     m.mem.Base(),
		limit:    m.mem.Size() - 16,
		pages:    make(map[uint64]*codePage),
		page:     noPage,
		pageAddr: noPageAddr,
	}
	m.mem.AddCodeCache(c)
	return c
}

// Close unregisters the vCPU from its memory's code caches.
func (c *CPU) Close() error {
	if c.el1 != nil {
		c.el1Close()
	}
	c.mem.RemoveCodeCache(c)
	if c.el1 == nil && c.m != nil {
		c.m.recyclePages(c.pages)
		c.pages = map[uint64]*codePage{}
		c.tlb = [tlbSize]*codePage{}
		c.page, c.pageAddr = noPage, noPageAddr
	}
	return nil
}

// Regs reads the general-purpose state.
func (c *CPU) Regs(r *vcpu.Regs) {
	copy(r.X[:], c.X[:31])
	r.SP = c.X[regSP]
	r.PC = c.PC
	r.PSTATE = c.NZCV & 0xf0000000
	r.TPIDR = c.TPIDR
}

// SetRegs writes the general-purpose state.
func (c *CPU) SetRegs(r *vcpu.Regs) {
	copy(c.X[:31], r.X[:])
	c.X[regSP] = r.SP
	c.PC = r.PC
	c.NZCV = r.PSTATE & 0xf0000000
	c.TPIDR = r.TPIDR
}

// FPRegs reads the FP/AdvSIMD state.
func (c *CPU) FPRegs(f *vcpu.FPRegs) {
	f.V = c.V
	f.FPCR = c.FPCR
	f.FPSR = c.FPSR
}

// SetFPRegs writes the FP/AdvSIMD state.
func (c *CPU) SetFPRegs(f *vcpu.FPRegs) {
	c.V = f.V
	c.FPCR = f.FPCR & fpcrMask
	c.FPSR = f.FPSR & fpsrMask
}

// FPCR bits a guest can set (AHP, DN, FZ, RMode, FZ16); trap enables read as 0
// as on hardware without FP trapping.
const (
	fpcrMask = 1<<26 | 1<<25 | 1<<24 | 3<<22 | 1<<19
	fpsrMask = 1<<31 | 1<<30 | 1<<29 | 1<<28 | 1<<27 | 1<<7 | 0x1f
)

// Interrupt makes Run return ExitInterrupted at the next instruction boundary.
func (c *CPU) Interrupt() { c.stop.Or(stopInterrupt) }

// InvalidateCode drops decoded instructions in [addr, addr+length). It may be
// called from any goroutine; the vCPU applies it before its next instruction.
func (c *CPU) InvalidateCode(addr, length uint64) {
	c.invMu.Lock()
	if len(c.inval) >= 64 {
		c.invalAll = true
		c.inval = c.inval[:0]
	} else if !c.invalAll {
		c.inval = append(c.inval, span{addr, addr + length})
	}
	c.invMu.Unlock()
	c.stop.Or(stopInval)
}

// Run executes guest code until an exit.
func (c *CPU) Run() vcpu.Exit {
	// Host faults on guest memory must come back as panics, not crash the
	// runtime. The flag is per goroutine; setting it each time is cheap.
	debug.SetPanicOnFault(true)
	c.exit = vcpu.Exit{}
	for !c.runSlice() {
	}
	return c.exit
}

// runSlice runs until a stop; it returns false when it only handled a
// recoverable event (code invalidation) and should be called again.
func (c *CPU) runSlice() (done bool) {
	defer func() {
		if r := recover(); r != nil {
			c.recoverFault(r)
			done = true
		}
	}()
	c.loop()
	s := c.stop.Load()
	if s&stopInval != 0 {
		c.stop.And(^uint32(stopInval))
		c.applyInvalidations()
	}
	if s&stopExit != 0 {
		c.stop.And(^uint32(stopExit))
		return true
	}
	if s&stopInterrupt != 0 {
		c.stop.And(^uint32(stopInterrupt))
		c.exit = vcpu.Exit{Kind: vcpu.ExitInterrupted}
		return true
	}
	return false
}

// loop is the interpreter's hot path.
func (c *CPU) loop() {
	for c.stop.Load() == 0 {
		pc := c.PC
		off := pc - c.pageAddr
		if off >= pageBytes {
			if !c.switchPage(pc) {
				return
			}
			off = pc - c.pageAddr
		}
		in := &c.page.insts[off>>2&(pageInsts-1)] // the mask drops the bounds check
		c.PC = pc + 4
		in.fn(c, in)
	}
}

// setExit records an exit; the loop stops after the current instruction.
func (c *CPU) setExit(e vcpu.Exit) {
	c.exit = e
	c.stop.Or(stopExit)
}

// insnPC is the address of the instruction being executed by a handler that
// has not changed PC.
func (c *CPU) insnPC() uint64 { return c.PC - 4 }

// recoverFault turns a panic from a guest memory access into a Fault exit.
// Anything else is a bug in the interpreter and keeps panicking.
func (c *CPU) recoverFault(r any) {
	c.exclSize = 0 // taking an exception clears the exclusive monitor
	pc := c.PC - 4
	var in *Inst
	if off := pc - c.pageAddr; off < pageBytes {
		in = &c.page.insts[off>>2]
	}
	switch f := r.(type) {
	case guestFault:
		c.PC = pc
		c.exit = vcpu.Exit{Kind: vcpu.ExitFault, Addr: f.addr, Access: f.access, Cause: f.cause}
		c.exit.ESR = dataAbortESR(f.access == vcpu.AccessWrite, f.cause)
		return
	case runtime.Error:
		if a, ok := r.(interface{ Addr() uintptr }); ok {
			host := a.Addr()
			b := uintptr(c.base)
			if host >= b && uint64(host-b) < c.mem.Size() {
				acc := vcpu.AccessRead
				if in != nil && isStore(in.raw) {
					acc = vcpu.AccessWrite
				}
				addr := uint64(host - b)
				cause := vcpu.FaultTranslation
				if _, mapped := c.mem.ProtAt(addr); mapped {
					cause = vcpu.FaultPermission
				}
				c.PC = pc
				c.exit = vcpu.Exit{Kind: vcpu.ExitFault, Addr: addr, Access: acc, Cause: cause,
					ESR: dataAbortESR(acc == vcpu.AccessWrite, cause)}
				return
			}
		}
	}
	panic(r)
}

// guestFault is panicked by memory accessors for addresses outside the guest
// space and for alignment faults.
type guestFault struct {
	addr   uint64
	access vcpu.Access
	cause  vcpu.FaultCause
}

// ESR_EL1 syndrome values for faults from EL0.
const (
	ecDataAbortLower = 0x24
	ecInsnAbortLower = 0x20
	ecPCAlign        = 0x22
	ecUnknown        = 0x00
	ecBRK            = 0x3c
	ecSVC64          = 0x15
	esrIL            = 1 << 25
)

func dataAbortESR(write bool, cause vcpu.FaultCause) uint64 {
	esr := uint64(ecDataAbortLower)<<26 | esrIL
	switch cause {
	case vcpu.FaultTranslation:
		esr |= 0x07 // translation fault, level 3
	case vcpu.FaultPermission:
		esr |= 0x0f // permission fault, level 3
	case vcpu.FaultAlignment:
		esr |= 0x21
	}
	if write {
		esr |= 1 << 6 // WnR
	}
	return esr
}
