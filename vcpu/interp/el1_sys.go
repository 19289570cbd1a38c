package interp

// System instructions and registers of the EL1 model, and its decoder: the
// plain decoder for everything else, with FP/AdvSIMD trapped while
// CPACR_EL1.FPEN forbids it at the current EL.
//
// Which EL executes an instruction is checked when it runs, except the FP
// trap, which is decided at decode time: decoded code is flushed when FPEN
// changes, or when the EL changes and FPEN treats EL0 and EL1 differently.

// System register numbers: op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2, which
// is both hv_sys_reg_t and bits 20:5 of MRS/MSR.
const (
	SysSCTLR      = 0xc080
	SysACTLR      = 0xc081
	SysCPACR      = 0xc082
	SysTTBR0      = 0xc100
	SysTTBR1      = 0xc101
	SysTCR        = 0xc102
	SysSPSR       = 0xc200
	SysELR        = 0xc201
	SysSPEL0      = 0xc208
	SysESR        = 0xc290
	SysFAR        = 0xc300
	SysPAR        = 0xc3a0
	SysMAIR       = 0xc510
	SysAMAIR      = 0xc518
	SysVBAR       = 0xc600
	SysCONTEXTIDR = 0xc681
	SysTPIDREL1   = 0xc684
	SysCNTKCTL    = 0xc708
	SysTPIDREL0   = 0xde82
	SysTPIDRROEL0 = 0xde83
	SysSPEL1      = 0xe208

	sysSPSel     = 0xc210
	sysCurrentEL = 0xc212
	sysPAN       = 0xc213
	sysDAIF      = 0xda11
)

// SCTLR_EL1 bits the model reads (M and A are read by the MMU code).
const (
	sctlrUMA = 1 << 9
	sctlrDZE = 1 << 14
	sctlrUCT = 1 << 15
	sctlrUCI = 1 << 26
)

// esrFPTrapISS is the ISS of an FP/AdvSIMD trap from AArch64: CV = 1,
// COND = 0b1110.
const esrFPTrapISS = 1<<24 | 0xe<<20

// sysStatus says how an access to a system register went.
type sysStatus uint8

const (
	sysOK     sysStatus = iota
	sysUndef            // UNDEFINED at this EL
	sysTrap             // trapped to EL1 as EC 0x18
	sysFPTrap           // trapped by CPACR_EL1.FPEN, EC 0x07
)

// el1Decode decodes raw at pc for the EL1 model.
func (c *CPU) el1Decode(raw uint32, pc uint64, in *Inst) {
	switch {
	case raw&0xffc00000 == 0xd5000000:
		decodeSysEL1(raw, in)
		return
	case raw&0xff000000 == 0xd4000000:
		decodeExcEL1(raw, in)
		return
	case raw == 0xd69f03e0:
		*in = Inst{raw: raw, fn: opEret}
		return
	}
	if !decodeInst(raw, pc, in) {
		*in = Inst{raw: raw, fn: opUndefEL1}
		return
	}
	if isFPInsn(raw) && !c.el1.fpOK(c.el1.el) {
		in.fn = opFPTrap
	}
}

// isFPInsn reports FP/AdvSIMD data processing and SIMD&FP loads and stores.
func isFPInsn(raw uint32) bool {
	op0 := raw >> 25 & 15
	return op0&7 == 7 || op0&5 == 4 && raw>>26&1 == 1
}

func decodeSysEL1(raw uint32, in *Inst) {
	*in = Inst{raw: raw}
	l, op0 := raw>>21&1, raw>>19&3
	op1, crn, crm, op2, rt := raw>>16&7, raw>>12&15, raw>>8&15, raw>>5&7, raw&31
	switch {
	case op0 == 0 && l == 0 && (crn == 2 || crn == 3): // hints, barriers, CLREX
		if decodeSystem(raw, in) {
			return
		}
	case op0 == 0 && l == 0 && crn == 4 && rt == 31: // MSR (immediate)
		in.imm, in.op = uint64(crm), uint8(op1<<3|op2)
		in.fn = opMSRImmEL1
		return
	case op0 == 1 && l == 0: // SYS: cache maintenance, TLBI
		in.rn = rZR(rt)
		in.imm = uint64(op1<<11 | crn<<7 | crm<<3 | op2)
		in.fn = opSysEL1
		return
	case op0 >= 2:
		in.imm = uint64(field(raw, 5, 16))
		if l == 1 {
			in.rd = wZR(rt)
			in.fn = opMRSEL1
		} else {
			in.rn = rZR(rt)
			in.fn = opMSREL1
		}
		return
	}
	*in = Inst{raw: raw, fn: opUndefEL1}
}

func decodeExcEL1(raw uint32, in *Inst) {
	*in = Inst{raw: raw, imm: uint64(field(raw, 5, 16))}
	switch raw & 0x00e0001f {
	case 0x00000001:
		in.fn = opSvcEL1
	case 0x00000002:
		in.fn = opHvcEL1
	case 0x00000003:
		in.fn = opSmcEL1
	case 0x00200000:
		in.fn = opBrkEL1
	default: // HLT, DCPS
		in.fn = opUndefEL1
	}
}

// opUndefEL1 takes an undefined-instruction exception (EC 0) on the
// instruction.
func opUndefEL1(c *CPU, in *Inst) {
	c.PC -= 4
	c.el1Take(ecUnknown, 0, 0, c.PC)
}

func opFPTrap(c *CPU, in *Inst) {
	c.PC -= 4
	c.el1Take(ecFPTrap, esrFPTrapISS, 0, c.PC)
}

// el1SysTrap traps the MSR/MRS/SYS in to EL1 with EC 0x18.
func (c *CPU) el1SysTrap(in *Inst) {
	raw := in.raw
	iss := uint64(field(raw, 19, 2))<<20 | uint64(field(raw, 5, 3))<<17 | uint64(field(raw, 16, 3))<<14 |
		uint64(field(raw, 12, 4))<<10 | uint64(raw&31)<<5 | uint64(field(raw, 8, 4))<<1 | uint64(field(raw, 21, 1))
	c.PC -= 4
	c.el1Take(ecSysTrap, iss, 0, c.PC)
}

func (c *CPU) el1SysStatus(in *Inst, st sysStatus) {
	switch st {
	case sysUndef:
		opUndefEL1(c, in)
	case sysTrap:
		c.el1SysTrap(in)
	case sysFPTrap:
		opFPTrap(c, in)
	}
}

func opSvcEL1(c *CPU, in *Inst) { c.el1Take(ecSVC64, in.imm, 0, c.PC) }

func opBrkEL1(c *CPU, in *Inst) {
	c.PC -= 4
	c.el1Take(ecBRK, in.imm, 0, c.PC)
}

// opHvcEL1 exits to the hypervisor with PC already past the hvc, HVF's
// preferred return. At EL0 HVC is undefined.
func opHvcEL1(c *CPU, in *Inst) {
	if c.el1.el == 0 {
		opUndefEL1(c, in)
		return
	}
	c.el1Exit(HVExit{Reason: HVExitException, Syndrome: ecHVC64<<26 | esrIL | in.imm})
}

// opSmcEL1: HVF traps SMC to the host with the PC on the smc.
func opSmcEL1(c *CPU, in *Inst) {
	if c.el1.el == 0 {
		opUndefEL1(c, in)
		return
	}
	c.PC -= 4
	c.el1Exit(HVExit{Reason: HVExitException, Syndrome: ecSMC64<<26 | esrIL | in.imm})
}

func opMRSEL1(c *CPU, in *Inst) {
	v, st := c.el1ReadSys(in.imm)
	if st != sysOK {
		c.el1SysStatus(in, st)
		return
	}
	c.X[in.rd] = v
}

func opMSREL1(c *CPU, in *Inst) {
	if st := c.el1WriteSys(in.imm, c.X[in.rn]); st != sysOK {
		c.el1SysStatus(in, st)
	}
}

// opMSRImmEL1: MSR DAIFSet/DAIFClr/SPSel/PAN, #imm. in.op = op1<<3|op2.
func opMSRImmEL1(c *CPU, in *Inst) {
	e := c.el1
	switch in.op {
	case 3<<3 | 6, 3<<3 | 7: // DAIFSet, DAIFClr
		if e.el == 0 && e.r.sctlr&sctlrUMA == 0 {
			c.el1SysTrap(in)
			return
		}
		if in.op&1 == 0 {
			e.daif |= in.imm << 6
		} else {
			e.daif &^= in.imm << 6
		}
	case 0<<3 | 5: // SPSel
		if e.el == 0 {
			opUndefEL1(c, in)
			return
		}
		c.el1SetMode(1, uint8(in.imm&1))
	case 0<<3 | 4: // PAN: reads as 1 at EL1 whatever is written (HVF)
		if e.el == 0 {
			opUndefEL1(c, in)
		}
	default:
		opUndefEL1(c, in)
	}
}

// opSysEL1: DC, IC, TLBI. in.imm = op1<<11 | CRn<<7 | CRm<<3 | op2.
func opSysEL1(c *CPU, in *Inst) {
	e := c.el1
	el0 := e.el == 0
	const (
		dcZVA    = 3<<11 | 7<<7 | 4<<3 | 1
		icIVAU   = 3<<11 | 7<<7 | 5<<3 | 1
		dcCVAC   = 3<<11 | 7<<7 | 10<<3 | 1
		dcCVAU   = 3<<11 | 7<<7 | 11<<3 | 1
		dcCIVAC  = 3<<11 | 7<<7 | 14<<3 | 1
		icIALLUS = 0<<11 | 7<<7 | 1<<3 | 0
		icIALLU  = 0<<11 | 7<<7 | 5<<3 | 0
		dcIVAC   = 0<<11 | 7<<7 | 6<<3 | 1
		dcISW    = 0<<11 | 7<<7 | 6<<3 | 2
		dcCSW    = 0<<11 | 7<<7 | 10<<3 | 2
		dcCISW   = 0<<11 | 7<<7 | 14<<3 | 2
	)
	switch enc := in.imm; enc {
	case dcZVA:
		if el0 && e.r.sctlr&sctlrDZE == 0 {
			c.el1SysTrap(in)
			return
		}
		opDCZVA(c, in)
	case icIVAU, dcCVAC, dcCVAU, dcCIVAC:
		if el0 && e.r.sctlr&sctlrUCI == 0 {
			c.el1SysTrap(in)
			return
		}
		if enc == icIVAU {
			opICIVAU(c, in)
		}
	default:
		switch {
		case el0:
			opUndefEL1(c, in)
		case enc == icIALLU:
			c.flushCode()
		case enc == icIALLUS:
			// Every core's instruction cache: the EL1 CPUs of this memory,
			// not every code cache the memory knows (a backend that keeps
			// one would take this as new code and ask for another ic).
			c.el1BroadcastIC()
		case enc == dcIVAC || enc == dcISW || enc == dcCSW || enc == dcCISW:
			// Coherent host memory: nothing to clean or invalidate.
		case enc>>7 == 8 && (enc>>3&15 == 3 || enc>>3&15 == 7) && isTLBIOp2(enc&7):
			// TLBI VMALLE1, VAE1, ASIDE1, VAAE1, VALE1, VAALE1 and their IS
			// forms: the model flushes everything for each.
			c.el1FlushTLB()
			if enc>>3&15 == 3 {
				c.el1BroadcastTLBI()
			}
		default:
			opUndefEL1(c, in)
		}
	}
}

func isTLBIOp2(op2 uint64) bool { return op2 != 4 && op2 != 6 }

// el1ReadSys reads system register enc at the current EL.
func (c *CPU) el1ReadSys(enc uint64) (uint64, sysStatus) {
	e := c.el1
	el0 := e.el == 0
	kctl := e.r.cntkctl
	switch enc {
	case sysNZCV:
		return c.NZCV & psrNZCV, sysOK
	case sysDAIF:
		if el0 && e.r.sctlr&sctlrUMA == 0 {
			return 0, sysTrap
		}
		return e.daif, sysOK
	case sysFPCR, sysFPSR:
		if !e.fpOK(e.el) {
			return 0, sysFPTrap
		}
		if enc == sysFPCR {
			return uint64(c.FPCR), sysOK
		}
		return uint64(c.FPSR), sysOK
	case SysTPIDREL0:
		return c.TPIDR, sysOK
	case SysTPIDRROEL0:
		return e.r.tpidro, sysOK
	case sysCNTFRQ, sysCNTVCT, sysCNTPCT:
		// EL0 needs CNTKCTL_EL1.EL0VCTEN (bit 1) for the virtual count,
		// EL0PCTEN (bit 0) for the physical one, either for the frequency.
		need := uint64(3)
		switch enc {
		case sysCNTVCT:
			need = 2
		case sysCNTPCT:
			need = 1
		}
		if el0 && kctl&need == 0 {
			return 0, sysTrap
		}
		if enc == sysCNTFRQ {
			return CounterFreq, sysOK
		}
		return counter(), sysOK
	case sysCTR:
		if el0 && e.r.sctlr&sctlrUCT == 0 {
			return 0, sysTrap
		}
		return valCTR, sysOK
	case sysDCZID:
		if el0 && e.r.sctlr&sctlrDZE == 0 {
			return valDCZID | 1<<4, sysOK // DZP: DC ZVA is prohibited
		}
		return valDCZID, sysOK
	}
	if isIDReg(enc) {
		if el0 {
			return 0, sysTrap // Linux emulates them (FEAT_IDST)
		}
		v, _ := constSysReg(enc)
		return v, sysOK
	}
	if el0 {
		return 0, sysUndef
	}
	switch enc {
	case sysCurrentEL:
		return 1 << 2, sysOK
	case sysSPSel:
		return uint64(e.spsel), sysOK
	case sysPAN:
		return psrPAN, sysOK
	case SysSPEL0:
		if e.spsel == 0 {
			return 0, sysUndef
		}
		return e.sp[0], sysOK
	}
	if p := e.reg(enc); p != nil {
		return *p, sysOK
	}
	return 0, sysUndef
}

// el1WriteSys writes system register enc at the current EL.
func (c *CPU) el1WriteSys(enc, v uint64) sysStatus {
	e := c.el1
	el0 := e.el == 0
	switch enc {
	case sysNZCV:
		c.NZCV = v & psrNZCV
		return sysOK
	case sysDAIF:
		if el0 && e.r.sctlr&sctlrUMA == 0 {
			return sysTrap
		}
		e.daif = v & psrDAIF
		return sysOK
	case sysFPCR, sysFPSR:
		if !e.fpOK(e.el) {
			return sysFPTrap
		}
		if enc == sysFPCR {
			c.FPCR = uint32(v) & fpcrMask
		} else {
			c.FPSR = uint32(v) & fpsrMask
		}
		return sysOK
	case SysTPIDREL0:
		c.TPIDR = v
		return sysOK
	}
	if el0 {
		return sysUndef
	}
	switch enc {
	case sysSPSel:
		c.el1SetMode(1, uint8(v&1))
		return sysOK
	case sysPAN:
		return sysOK // reads as 1 whatever is written (HVF)
	case SysSPEL0:
		if e.spsel == 0 {
			return sysUndef
		}
		e.sp[0] = v
		return sysOK
	}
	if e.reg(enc) == nil {
		return sysUndef
	}
	c.el1SetReg(enc, v)
	return sysOK
}

// isIDReg reports the ID register space: op0=3, op1=0, CRn=0.
func isIDReg(enc uint64) bool { return enc>>7 == 3<<7 }

// reg is the storage of a plain EL1 system register, or nil.
func (e *el1State) reg(enc uint64) *uint64 {
	r := &e.r
	switch enc {
	case SysSCTLR:
		return &r.sctlr
	case SysACTLR:
		return &r.actlr
	case SysCPACR:
		return &r.cpacr
	case SysTTBR0:
		return &r.ttbr0
	case SysTTBR1:
		return &r.ttbr1
	case SysTCR:
		return &r.tcr
	case SysSPSR:
		return &r.spsr
	case SysELR:
		return &r.elr
	case SysESR:
		return &r.esr
	case SysFAR:
		return &r.far
	case SysPAR:
		return &r.par
	case SysMAIR:
		return &r.mair
	case SysAMAIR:
		return &r.amair
	case SysVBAR:
		return &r.vbar
	case SysCONTEXTIDR:
		return &r.contextidr
	case SysTPIDREL1:
		return &r.tpidr
	case SysCNTKCTL:
		return &r.cntkctl
	case SysTPIDRROEL0:
		return &r.tpidro
	}
	return nil
}

// el1SetReg writes a plain EL1 register with its side effects: registers
// that shape translation flush the TLB; a new FPEN drops decoded code.
func (c *CPU) el1SetReg(enc, v uint64) {
	e := c.el1
	p := e.reg(enc)
	old := *p
	*p = v
	switch enc {
	case SysSCTLR, SysTCR, SysTTBR0, SysTTBR1, SysMAIR:
		c.el1FlushTLB()
	case SysCPACR:
		if (old^v)>>20&3 != 0 {
			c.flushCode()
		}
	}
}

// HVSysReg reads a system register by hv_sys_reg_t number, as
// hv_vcpu_get_sys_reg does; false for registers the model does not have.
func (c *CPU) HVSysReg(r uint16) (uint64, bool) {
	e := c.el1
	if e == nil {
		return 0, false
	}
	enc := uint64(r)
	switch enc {
	case SysSPEL0, SysSPEL1:
		idx := 0
		if enc == SysSPEL1 {
			idx = 1
		}
		if e.spIdx() == idx {
			return c.X[regSP], true
		}
		return e.sp[idx], true
	case SysTPIDREL0:
		return c.TPIDR, true
	}
	if p := e.reg(enc); p != nil {
		return *p, true
	}
	if isIDReg(enc) {
		v, _ := constSysReg(enc)
		return v, true
	}
	return 0, false
}

// SetHVSysReg writes a system register by hv_sys_reg_t number, as
// hv_vcpu_set_sys_reg does; false for unknown or read-only registers.
func (c *CPU) SetHVSysReg(r uint16, v uint64) bool {
	e := c.el1
	if e == nil {
		return false
	}
	enc := uint64(r)
	switch enc {
	case SysSPEL0, SysSPEL1:
		idx := 0
		if enc == SysSPEL1 {
			idx = 1
		}
		if e.spIdx() == idx {
			c.X[regSP] = v
		} else {
			e.sp[idx] = v
		}
		return true
	case SysTPIDREL0:
		c.TPIDR = v
		return true
	}
	if e.reg(enc) == nil {
		return false
	}
	c.el1SetReg(enc, v)
	return true
}
