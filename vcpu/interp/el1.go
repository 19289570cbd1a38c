package interp

import (
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/carrick-go/carrick/vcpu"
)

// The EL1 model: the interpreter behaving like a Hypervisor.framework vCPU,
// so that the EL1 code the hvf backend installs (vectors, the EL0 entry
// trampoline, TLBI stubs, stage-1 tables) can be run and tested without a
// Mac. In this mode the CPU runs at EL1 or EL0 of the EL1&0 regime:
// exceptions from EL0 go to VBAR_EL1, stage-1 translation follows TCR_EL1,
// and only HVC, stage-2 faults, illegal state and Interrupt leave RunEL1, as
// exits of hv_vcpu_run do.
//
// Files: el1.go (state, exception entry and return, the hv_* style API),
// el1_mmu.go (translation, TLB, data and fetch paths), el1_sys.go (system
// instructions and registers).

// HVExit is what an EL1-model Run returns, shaped like Hypervisor.framework's
// hv_vcpu_exit_t.
type HVExit struct {
	Reason   uint32 // HVExitCanceled or HVExitException, as hv_exit_reason_t
	Syndrome uint64 // ESR_EL2-style: EC<<26 | IL | ISS
	VA, PA   uint64 // faulting virtual address / IPA for aborts
}

// Exit reasons, as hv_exit_reason_t.
const (
	HVExitCanceled  = 0
	HVExitException = 1
)

// hv_reg_t numbering of HVReg and SetHVReg.
const (
	hvRegPC   = 31
	hvRegFPCR = 32
	hvRegFPSR = 33
	hvRegCPSR = 34
)

// Exception classes beyond those cpu.go names.
const (
	ecFPTrap         = 0x07
	ecHVC64          = 0x16
	ecSMC64          = 0x17
	ecSysTrap        = 0x18
	ecInsnAbortSame  = 0x21
	ecDataAbortSame  = 0x25
	psrDAIF          = 0xf << 6
	psrPAN           = 1 << 22
	psrNZCV          = 0xf << 28
	stopTLB          = stopInval << 1 // the next free stop bit: a peer's TLBI IS
	vectorLowerSync  = 0x400
	vectorCurrentSPx = 0x200
	vectorCurrentSP0 = 0x000
)

// el1State is the part of an EL1-mode CPU that a plain CPU does not have.
// NZCV, X, V, FPCR/FPSR, TPIDR_EL0 and the active SP stay in CPU.
type el1State struct {
	el    uint8  // current exception level, 0 or 1
	spsel uint8  // PSTATE.SP: at EL1, 1 selects SP_EL1
	daif  uint64 // PSTATE.DAIF in bits 9:6
	pan   bool   // PSTATE.PAN as SPSR gave it to EL0; EL1 always reads 1
	badM  uint64 // a CPSR.M the host wrote that is not EL0t/EL1t/EL1h, or 0
	sp    [2]uint64
	r     el1Regs

	tlb     [el1TLBSize]tlbEntry
	codePA  map[uint64]uint64 // VA page of a decoded code page → output page it was read from
	fetchPA uint64            // output page of c.page
	fetchPC uint64            // the PC being fetched while inFetch
	inFetch bool              // a host fault now is on an instruction fetch or its walk
	inWalk  bool              // a host fault now is on a descriptor read (S1PTW)
	lastVA  uint64            // the data access being translated, for host faults
	lastPA  uint64

	hv        HVExit // an exit a handler asked for (HVC, illegal state, stage 2)
	hvPending bool

	tlbReq atomic.Bool // a peer ran TLBI …IS: flush before the next instruction
}

// el1Regs are the EL1 system registers the model keeps as plain storage.
type el1Regs struct {
	sctlr, actlr, cpacr, ttbr0, ttbr1, tcr   uint64
	spsr, elr, esr, far, par, mair, amair    uint64
	vbar, contextidr, tpidr, cntkctl, tpidro uint64
}

// el1Peers are the EL1-mode CPUs of each memory, for broadcast TLBI.
var el1Peers struct {
	mu sync.Mutex
	m  map[*vcpu.Memory][]*CPU
}

// EnableEL1 switches this CPU into the EL1 model; from now on use RunEL1,
// not Run. It resets PSTATE to 0x3c5 (EL1h, DAIF masked) and every EL1
// system register to 0. The current SP becomes SP_EL0; SP_EL1 is 0.
func (c *CPU) EnableEL1() {
	if c.el1 == nil {
		c.el1 = &el1State{}
		el1Peers.mu.Lock()
		if el1Peers.m == nil {
			el1Peers.m = make(map[*vcpu.Memory][]*CPU)
		}
		el1Peers.m[c.mem] = append(el1Peers.m[c.mem], c)
		el1Peers.mu.Unlock()
		c.el1.sp[0] = c.X[regSP]
	} else {
		c.el1.sp[c.el1.spIdx()] = c.X[regSP]
	}
	e := c.el1
	e.r = el1Regs{}
	e.el, e.spsel, e.daif, e.pan, e.badM = 1, 1, psrDAIF, true, 0
	e.sp[1] = 0
	c.X[regSP] = e.sp[1]
	c.NZCV = 0
	e.hvPending = false
	c.limit = ^uint64(0) // every data access takes eaSlow, then el1EA
	c.exclSize = 0
	c.el1FlushTLB()
	c.flushCode()
	e.codePA = make(map[uint64]uint64)
}

// el1Close drops the CPU from the broadcast-TLBI peers.
func (c *CPU) el1Close() {
	el1Peers.mu.Lock()
	defer el1Peers.mu.Unlock()
	ps := el1Peers.m[c.mem]
	for i, p := range ps {
		if p == c {
			ps = append(ps[:i], ps[i+1:]...)
			break
		}
	}
	if len(ps) == 0 {
		delete(el1Peers.m, c.mem)
	} else {
		el1Peers.m[c.mem] = ps
	}
}

// RunEL1 runs until an exit to the "hypervisor": HVC at EL1, a stage-2
// fault, an illegal exception return, or Interrupt (HVExitCanceled).
func (c *CPU) RunEL1() HVExit {
	if c.el1 == nil {
		panic("interp: RunEL1 on a CPU without EnableEL1")
	}
	debug.SetPanicOnFault(true)
	if ex, bad := c.el1IllegalState(); bad {
		return ex
	}
	for {
		if ex, done := c.el1Slice(); done {
			return ex
		}
	}
}

// el1IllegalState reports the exit for a PSTATE the model refuses to run:
// a mode that is not EL0t/EL1t/EL1h, or EL0 with the MMU off.
func (c *CPU) el1IllegalState() (HVExit, bool) {
	e := c.el1
	if e.badM != 0 || e.el == 0 && e.r.sctlr&1 == 0 {
		return HVExit{Reason: HVExitException, Syndrome: ecUnknown << 26}, true
	}
	return HVExit{}, false
}

// el1Slice runs the loop once and handles why it stopped.
func (c *CPU) el1Slice() (ex HVExit, done bool) {
	defer func() {
		if r := recover(); r != nil {
			ex, done = c.el1Recover(r)
		}
	}()
	c.loop()
	s := c.stop.Load()
	if s&stopInval != 0 {
		c.stop.And(^uint32(stopInval))
		c.applyInvalidations()
	}
	if s&stopTLB != 0 {
		c.stop.And(^uint32(stopTLB))
		if c.el1.tlbReq.Swap(false) {
			c.el1FlushTLB()
		}
	}
	if s&stopExit != 0 {
		c.stop.And(^uint32(stopExit))
		if e := c.el1; e.hvPending {
			e.hvPending = false
			return e.hv, true
		}
		// An exit from a handler shared with the plain interpreter (PC
		// alignment, BRK, undefined): deliver it to EL1 instead.
		x := c.exit
		c.el1Take(uint32(x.ESR>>26), x.ESR&(esrIL-1), x.Addr, c.PC)
	}
	if s&stopInterrupt != 0 {
		c.stop.And(^uint32(stopInterrupt))
		return HVExit{Reason: HVExitCanceled}, true
	}
	return HVExit{}, false
}

// el1Exit makes the loop stop and RunEL1 return ex after this instruction.
func (c *CPU) el1Exit(ex HVExit) {
	c.el1.hv, c.el1.hvPending = ex, true
	c.stop.Or(stopExit)
}

// el1Abort is panicked by the translation paths: an abort taken to EL1, or
// (direct) an exit straight to the hypervisor.
type el1Abort struct {
	ec     uint32 // lower-EL class; el1Take adjusts it for aborts at EL1
	iss    uint64
	far    uint64
	direct bool
	hv     HVExit
}

// el1Recover turns a panic from guest execution into an exception or exit.
// The faulting instruction is at c.PC-4 (the loop advances PC first), or at
// fetchPC for fetches.
func (c *CPU) el1Recover(r any) (HVExit, bool) {
	e := c.el1
	c.exclSize = 0
	pc, fetch := c.PC-4, e.inFetch
	if fetch {
		pc, e.inFetch = e.fetchPC, false
	}
	switch f := r.(type) {
	case el1Abort:
		c.PC = pc
		if f.direct {
			return f.hv, true
		}
		c.el1Take(f.ec, f.iss, f.far, pc)
		return HVExit{}, false
	case guestFault: // alignment of exclusives and atomics (atomic.go)
		c.PC = pc
		c.el1Take(ecDataAbortLower, faultISS(f.access, fscAlignment), f.addr, pc)
		return HVExit{}, false
	case runtime.Error:
		a, ok := r.(interface{ Addr() uintptr })
		if !ok {
			break
		}
		host, b := a.Addr(), uintptr(c.base)
		if host < b || uint64(host-b) >= c.mem.Size() {
			break
		}
		// The host refused the access: what stage 2 does under HVF.
		pa := uint64(host - b)
		fsc := uint64(fscStage2)
		if _, mapped := c.mem.ProtAt(pa &^ (pageBytes - 1)); mapped {
			fsc = fscPermission + 3
		}
		if e.inWalk {
			fsc |= issS1PTW
			e.inWalk = false
		}
		c.PC = pc
		if fetch {
			return c.el1Stage2(ecInsnAbortLower, fsc, pc, pa), true
		}
		acc := vcpu.AccessRead
		if off := pc - c.pageAddr; off < pageBytes && isStore(c.page.insts[off>>2].raw) {
			acc = vcpu.AccessWrite
		}
		va := e.lastVA
		if pa-e.lastPA < 2*pageBytes {
			va += pa - e.lastPA
		}
		return c.el1Stage2(ecDataAbortLower, faultISS(acc, fsc), va, pa), true
	}
	panic(r)
}

// faultISS is a data abort's ISS: the fault status code and WnR.
func faultISS(acc vcpu.Access, fsc uint64) uint64 {
	if acc == vcpu.AccessWrite {
		fsc |= 1 << 6
	}
	return fsc
}

// el1Stage2 is the exit HVF gives for an IPA it cannot map: an abort class
// for the current EL, straight to the hypervisor.
func (c *CPU) el1Stage2(ec uint32, iss, va, pa uint64) HVExit {
	return HVExit{Reason: HVExitException, Syndrome: uint64(c.el1.sameEL(ec))<<26 | esrIL | iss, VA: va, PA: pa}
}

// sameEL turns a lower-EL abort class into the current-EL one at EL1.
func (e *el1State) sameEL(ec uint32) uint32 {
	if e.el == 1 {
		switch ec {
		case ecDataAbortLower:
			return ecDataAbortSame
		case ecInsnAbortLower:
			return ecInsnAbortSame
		}
	}
	return ec
}

// el1Take takes a synchronous exception to EL1: ec and iss form ESR_EL1,
// far is FAR_EL1 for aborts and PC alignment, ret the preferred return.
func (c *CPU) el1Take(ec uint32, iss, far, ret uint64) {
	e := c.el1
	ec = e.sameEL(ec)
	off := uint64(vectorLowerSync)
	if e.el == 1 {
		off = vectorCurrentSP0
		if e.spsel == 1 {
			off = vectorCurrentSPx
		}
	}
	e.r.spsr = c.el1CPSR()
	e.r.elr = ret
	e.r.esr = uint64(ec)<<26 | esrIL | iss&(esrIL-1)
	switch ec {
	case ecDataAbortLower, ecDataAbortSame, ecInsnAbortLower, ecInsnAbortSame, ecPCAlign:
		e.r.far = far
	}
	e.daif, e.pan = psrDAIF, true
	c.exclSize = 0
	c.el1SetMode(1, 1)
	c.PC = e.r.vbar&^0x7ff + off
}

// opEret returns from an exception: PSTATE from SPSR_EL1, PC from ELR_EL1.
func opEret(c *CPU, in *Inst) {
	e := c.el1
	if e.el == 0 {
		opUndefEL1(c, in)
		return
	}
	spsr := e.r.spsr
	m := spsr & 0x1f
	if !validMode(m) || m == 0 && e.r.sctlr&1 == 0 {
		// An illegal return (or EL0 with the MMU off, which we never
		// want): stop on the eret.
		c.PC -= 4
		c.el1Exit(HVExit{Reason: HVExitException, Syndrome: ecUnknown << 26})
		return
	}
	c.exclSize = 0
	c.NZCV = spsr & psrNZCV
	e.daif = spsr & psrDAIF
	e.pan = spsr&psrPAN != 0
	c.el1SetMode(uint8(m>>2), uint8(m&1))
	c.PC = e.r.elr
}

func validMode(m uint64) bool { return m == 0 || m == 4 || m == 5 }

// spIdx is the SP bank in use: 0 for SP_EL0, 1 for SP_EL1.
func (e *el1State) spIdx() int {
	if e.el == 1 && e.spsel == 1 {
		return 1
	}
	return 0
}

// fpOK reports whether CPACR_EL1.FPEN lets el use FP and AdvSIMD.
func (e *el1State) fpOK(el uint8) bool {
	fpen := e.r.cpacr >> 20 & 3
	return fpen == 3 || fpen == 1 && el == 1
}

// el1SetMode changes EL and SP selection, banking SP. A new EL needs a new
// fetch check (permissions differ), and decoded code if the FP trap differs.
func (c *CPU) el1SetMode(el, spsel uint8) {
	e := c.el1
	oldIdx, oldEL, oldFP := e.spIdx(), e.el, e.fpOK(e.el)
	e.el, e.spsel, e.badM = el, spsel, 0
	if idx := e.spIdx(); idx != oldIdx {
		e.sp[oldIdx] = c.X[regSP]
		c.X[regSP] = e.sp[idx]
	}
	if el != oldEL {
		c.page, c.pageAddr = noPage, noPageAddr
		if e.fpOK(el) != oldFP {
			c.flushCode()
		}
	}
}

// el1CPSR is PSTATE in SPSR/CPSR form. PAN reads as 1 at EL1, as under HVF.
func (c *CPU) el1CPSR() uint64 {
	e := c.el1
	v := c.NZCV&psrNZCV | e.daif
	if e.badM != 0 {
		v |= e.badM
	} else {
		v |= uint64(e.el)<<2 | uint64(e.spsel)
	}
	if e.pan || e.el == 1 {
		v |= psrPAN
	}
	return v
}

// HVReg reads a register by hv_reg_t number: X0..X30 = 0..30, PC = 31,
// FPCR = 32, FPSR = 33, CPSR = 34. Other numbers read 0.
func (c *CPU) HVReg(r uint32) uint64 {
	switch {
	case r <= 30:
		return c.X[r]
	case r == hvRegPC:
		return c.PC
	case r == hvRegFPCR:
		return uint64(c.FPCR)
	case r == hvRegFPSR:
		return uint64(c.FPSR)
	case r == hvRegCPSR && c.el1 != nil:
		return c.el1CPSR()
	}
	return 0
}

// SetHVReg writes a register by hv_reg_t number. Writing CPSR may change the
// EL; a mode other than EL0t/EL1t/EL1h makes the next RunEL1 exit at once.
func (c *CPU) SetHVReg(r uint32, v uint64) {
	switch {
	case r <= 30:
		c.X[r] = v
	case r == hvRegPC:
		c.PC = v
	case r == hvRegFPCR:
		c.FPCR = uint32(v) & fpcrMask
	case r == hvRegFPSR:
		c.FPSR = uint32(v) & fpsrMask
	case r == hvRegCPSR && c.el1 != nil:
		e := c.el1
		c.NZCV = v & psrNZCV
		e.daif = v & psrDAIF
		e.pan = v&psrPAN != 0
		if m := v & 0x1f; validMode(m) {
			c.el1SetMode(uint8(m>>2), uint8(m&1))
		} else {
			e.badM = m // never 0: EL0t is valid
		}
	}
}

// HVSIMD reads V0..V31: [0] is bits 63:0.
func (c *CPU) HVSIMD(i int) [2]uint64 { return c.V[i&31] }

// SetHVSIMD writes V0..V31.
func (c *CPU) SetHVSIMD(i int, v [2]uint64) { c.V[i&31] = v }
