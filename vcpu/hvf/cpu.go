package hvf

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/carrick-go/carrick/vcpu"
)

// cpu is one guest thread's vCPU.
//
// Between runs the guest's EL0 state lives in the vCPU's save area: the
// EL1 code put it there before its hvc, and the return path loads it
// before its eret, so Regs and SetRegs are plain memory accesses. When the
// vCPU stopped at EL0 instead (a kick, or an abort the framework delivered
// directly), the live registers are first copied into the save area and
// the vCPU is pointed at the return path: every resume is the same eret.
type cpu struct {
	m *Machine
	// hw is the hardware vCPU, nil until the first Run made it; slot is
	// its save area (-1 until then). hwMu guards hw for Interrupt, which
	// may come from any goroutine.
	hwMu sync.Mutex
	hw   hardware
	slot int
	save []uint64 // the save area, as words (a private buffer until the first Run)

	tlbGen, icGen uint64 // the machine's counts this vCPU's TLB and I-cache reflect
	vDirty        bool   // the save area's Q0–Q31/FPCR/FPSR are newer than the hardware's
	kicked        atomic.Bool
	midSave       bool // a kick stopped the EL1 code before its hvc
	closed        bool
}

func (c *cpu) word(off int) *uint64 { return &c.save[off/8] }

// boot programs the system registers and leaves the vCPU at the return
// path, with the EL0 state in the save area.
func (c *cpu) boot() error {
	for _, r := range bootRegs(c.slot, c.m.tables.Root()) {
		if err := c.hw.setSysReg(r.Reg, r.Val); err != nil {
			return err
		}
	}
	return c.enterRestore()
}

// enterRestore points the vCPU at the return path, at EL1.
func (c *cpu) enterRestore() error {
	if err := c.hw.setReg(RegCPSR, cpsrEL1h); err != nil {
		return err
	}
	return c.hw.setReg(RegPC, VectorBase+uint64(c.m.code.Restore))
}

// pullLive copies the live EL0 state of a vCPU that stopped at EL0 into
// the save area and points it at the return path.
func (c *cpu) pullLive() error {
	for i := 0; i < 31; i++ {
		v, err := c.hw.reg(Reg(i))
		if err != nil {
			return err
		}
		c.save[i] = v
	}
	var err error
	get := func(p *uint64, f func() (uint64, error)) {
		if err == nil {
			*p, err = f()
		}
	}
	get(c.word(saveSP), func() (uint64, error) { return c.hw.sysReg(SysRegSP_EL0) })
	get(c.word(saveELR), func() (uint64, error) { return c.hw.reg(RegPC) })
	get(c.word(saveSPSR), func() (uint64, error) { return c.hw.reg(RegCPSR) })
	get(c.word(saveTPIDR), func() (uint64, error) { return c.hw.sysReg(SysRegTPIDR_EL0) })
	if err != nil {
		return err
	}
	return c.enterRestore()
}

// start makes the hardware vCPU on this thread: it waits for a free slot,
// programs the registers and moves the state set so far into the slot's
// save area. false means an Interrupt came first.
func (c *cpu) start() (bool, error) {
	slot, ok := c.m.acquire(func() bool { return c.kicked.Load() })
	if !ok {
		return false, nil
	}
	hw, err := c.m.hv.newCPU()
	if err != nil {
		c.m.freeSlot(slot)
		return false, err
	}
	save := unsafe.Slice((*uint64)(unsafe.Add(c.m.mem.Base(), SlotBase+uint64(slot)*SlotSize)), SlotSize/8)
	copy(save, c.save)
	c.hwMu.Lock()
	c.hw, c.slot, c.save = hw, slot, save
	c.hwMu.Unlock()
	return true, c.boot()
}

// Run executes guest code until an exit.
func (c *cpu) Run() vcpu.Exit {
	if c.hw == nil {
		ok, err := c.start()
		if err != nil {
			e, _ := errorExit(err)
			return e
		}
		if !ok {
			c.kicked.Store(false)
			return vcpu.Exit{Kind: vcpu.ExitInterrupted}
		}
	}
	for {
		// A kick ends Run before it runs again, unless the vCPU was caught
		// mid-save: its state is then half in the save area, and the trap a
		// few instructions on is the next consistent point.
		if !c.midSave && c.kicked.Swap(false) {
			return vcpu.Exit{Kind: vcpu.ExitInterrupted}
		}
		if !c.midSave {
			c.prepareResume()
		}
		c.midSave = false
		x, err := c.hw.run()
		if err != nil {
			e, _ := errorExit(err)
			return e
		}
		if e, done := c.handle(x); done {
			return e
		}
	}
}

// prepareResume tells the return path what to redo before eret.
func (c *cpu) prepareResume() {
	var flags uint64
	if g := c.m.tlbGen.Load(); g != c.tlbGen {
		c.tlbGen, flags = g, flags|flagTLBI
	}
	c.m.codeChanged()
	if g := c.m.icGen.Load(); g != c.icGen {
		c.icGen, flags = g, flags|flagIC
	}
	if c.vDirty {
		c.vDirty, flags = false, flags|flagReloadV
	}
	*c.word(saveFlags) = flags
}

// handle decodes one hardware exit; done says whether it ends Run.
func (c *cpu) handle(x hwExit) (vcpu.Exit, bool) {
	switch x.Reason {
	case exitCanceled:
		return c.canceled()
	case exitException:
	case exitVTimer:
		// carrick never arms the vtimer; resume through the return path.
		if err := c.toRestore(); err != nil {
			e, _ := errorExit(err)
			return e, true
		}
		return vcpu.Exit{}, false
	default:
		return vcpu.Exit{Kind: vcpu.ExitUndefined}, true
	}
	switch ec(x.Syndrome) {
	case ecHVC:
		imm := int(x.Syndrome & 0xffff)
		if imm == hvcTrap {
			return c.trap()
		}
		esr, _ := c.hw.sysReg(SysRegESR_EL1)
		elr, _ := c.hw.sysReg(SysRegELR_EL1)
		far, _ := c.hw.sysReg(SysRegFAR_EL1)
		e, _ := errorExit(vectorError(imm-hvcVector, esr, elr, far))
		return e, true
	case ecDataAbort, ecInsnAbort:
		// A stage-2 fault the framework delivered without our vector: the
		// registers are live at EL0.
		if err := c.pullLive(); err != nil {
			e, _ := errorExit(err)
			return e, true
		}
		return faultExit(x.Syndrome, x.VA), true
	case ecSysReg:
		// An EL0 system-register access the framework trapped to itself
		// rather than to our EL1 (reported for DC ZVA under HCR_EL2.TDZ):
		// the state is live. Emulate it as the trap path would.
		if err := c.pullLive(); err != nil {
			e, _ := errorExit(err)
			return e, true
		}
		return c.emulateSysReg(x.Syndrome)
	case ecWFx:
		// Trapped WFI/WFE at EL0: a hint, done. Step over it.
		if err := c.pullLive(); err != nil {
			e, _ := errorExit(err)
			return e, true
		}
		*c.word(saveELR) += 4
		return vcpu.Exit{}, false
	}
	e, _ := errorExit(vectorError(-1, x.Syndrome, x.VA, x.PA))
	return e, true
}

// trap handles hvc #hvcTrap: an EL0 exception whose state is in the save
// area. The vCPU is at the return path, so resuming needs nothing more.
func (c *cpu) trap() (vcpu.Exit, bool) {
	esr, far := *c.word(saveESR), *c.word(saveFAR)
	e, ok := decodeTrap(esr, far)
	if ok {
		if e.Kind == vcpu.ExitUndefined {
			e.Insn = c.insnAt(*c.word(saveELR))
		}
		return e, true
	}
	return c.emulateSysReg(esr)
}

// emulateSysReg handles a trapped EL0 system instruction (EC 0x18) whose
// state is in the save area: an MRS of the ID space, which Linux emulates,
// or DC ZVA, which zeroes the 64-byte block DCZID_EL0 promises. Anything
// else is undefined for EL0.
func (c *cpu) emulateSysReg(esr uint64) (vcpu.Exit, bool) {
	t := decodeSysRegTrap(esr)
	reg := func(i int) uint64 {
		if i == 31 {
			return 0
		}
		return c.save[i]
	}
	switch {
	case t.Read && isIDReg(t.Reg):
		v := c.m.ids[t.Reg] // the rest of the ID space reads as zero
		if t.Rt != 31 {
			c.save[t.Rt] = v
		}
	case !t.Read && t.Reg == sysDCZVA:
		addr := reg(t.Rt) &^ (dczBlock - 1)
		if err := c.m.mem.Write(addr, make([]byte, dczBlock)); err != nil {
			return vcpu.Exit{Kind: vcpu.ExitFault, Addr: addr, Access: vcpu.AccessWrite,
				Cause: vcpu.FaultTranslation, ESR: uint64(ecDataAbort)<<26 | 1<<25 | 1<<6 | 0x07}, true
		}
	default:
		return vcpu.Exit{Kind: vcpu.ExitUndefined, ESR: esr, Insn: c.insnAt(*c.word(saveELR))}, true
	}
	*c.word(saveELR) += 4
	return vcpu.Exit{}, false
}

// DC ZVA as a trapped SYS instruction (op0=1, op1=3, CRn=7, CRm=4, op2=1),
// and the block size DCZID_EL0 (BS=4) gives.
var sysDCZVA = sysReg(1, 3, 7, 4, 1)

const dczBlock = 64

// canceled handles a kick: the vCPU is brought to a consistent point and
// Run ends, unless it was caught mid-save (see toRestore).
func (c *cpu) canceled() (vcpu.Exit, bool) {
	if err := c.toRestore(); err != nil {
		e, _ := errorExit(err)
		return e, true
	}
	if c.midSave {
		return vcpu.Exit{}, false
	}
	// This exit answers the Interrupt that caused it (and any made since).
	c.kicked.Store(false)
	return vcpu.Exit{Kind: vcpu.ExitInterrupted}, true
}

// toRestore brings a vCPU stopped anywhere back to the return path with
// its EL0 state in the save area. At EL0 the state is live: copy it. In
// the EL1 code it is either still being saved (set midSave and run on: the
// hvc is a few instructions away) or already saved and being restored
// (restart the return path, which only reads the save area; the flags it
// may have cleared asked for work it had done).
func (c *cpu) toRestore() error {
	cpsr, err := c.hw.reg(RegCPSR)
	if err != nil {
		return err
	}
	if cpsr&cpsrMode == 0 {
		return c.pullLive()
	}
	pc, err := c.hw.reg(RegPC)
	if err != nil {
		return err
	}
	if off := int(pc - VectorBase); off >= c.m.code.Restore && off < c.m.code.End {
		return c.enterRestore()
	}
	c.midSave = true
	return nil
}

// insnAt reads the instruction word at pc for an Undefined exit.
func (c *cpu) insnAt(pc uint64) uint32 {
	var b [4]byte
	if c.m.mem.Read(pc, b[:]) != nil {
		return 0
	}
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

// Regs reads the EL0 state from the save area.
func (c *cpu) Regs(r *vcpu.Regs) {
	copy(r.X[:], c.save[:31])
	r.SP = *c.word(saveSP)
	r.PC = *c.word(saveELR)
	r.PSTATE = *c.word(saveSPSR) & nzcvMask
	r.TPIDR = *c.word(saveTPIDR)
}

// SetRegs writes the EL0 state the return path will load.
func (c *cpu) SetRegs(r *vcpu.Regs) {
	copy(c.save[:31], r.X[:])
	*c.word(saveSP) = r.SP
	*c.word(saveELR) = r.PC
	*c.word(saveSPSR) = r.PSTATE&nzcvMask | spsrEL0
	*c.word(saveTPIDR) = r.TPIDR
}

// FPRegs reads the vector registers from the hardware (or the save area
// while a write is pending).
func (c *cpu) FPRegs(f *vcpu.FPRegs) {
	if c.vDirty {
		for i := range f.V {
			f.V[i] = [2]uint64{c.save[saveQ/8+2*i], c.save[saveQ/8+2*i+1]}
		}
		f.FPCR, f.FPSR = uint32(*c.word(saveFPCR)), uint32(*c.word(saveFPSR))
		return
	}
	if c.hw == nil {
		return // not started: vDirty was set, so this is not reached
	}
	for i := range f.V {
		f.V[i], _ = c.hw.simd(i)
	}
	fpcr, _ := c.hw.reg(RegFPCR)
	fpsr, _ := c.hw.reg(RegFPSR)
	f.FPCR, f.FPSR = uint32(fpcr), uint32(fpsr)
}

// SetFPRegs stages the vector registers for the return path to load.
func (c *cpu) SetFPRegs(f *vcpu.FPRegs) {
	for i, v := range f.V {
		c.save[saveQ/8+2*i], c.save[saveQ/8+2*i+1] = v[0], v[1]
	}
	*c.word(saveFPCR), *c.word(saveFPSR) = uint64(f.FPCR), uint64(f.FPSR)
	c.vDirty = true
}

// Interrupt makes the vCPU leave the guest promptly (hv_vcpus_exit); safe
// from any goroutine.
func (c *cpu) Interrupt() {
	c.kicked.Store(true)
	c.hwMu.Lock()
	hw := c.hw
	c.hwMu.Unlock()
	if hw != nil {
		hw.cancel()
	} else {
		c.m.wake() // it may be waiting for a slot
	}
}

// Close destroys the hardware vCPU (on its own thread) and frees its slot.
func (c *cpu) Close() error {
	if c.closed || c.hw == nil {
		c.closed = true
		return nil
	}
	c.closed = true
	err := c.hw.destroy()
	c.m.freeSlot(c.slot)
	return err
}
