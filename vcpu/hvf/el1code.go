package hvf

import "fmt"

// A64 encoders for the few instructions the EL1 code uses. Each is checked
// against golang.org/x/arch's disassembler in the tests.

const (
	insnERET       = 0xd69f03e0
	insnNOP        = 0xd503201f
	insnISB        = 0xd5033fdf
	insnDSBISH     = 0xd5033b9f
	insnDSBISHST   = 0xd5033a9f
	insnTLBIVMALLE = 0xd508831f // tlbi vmalle1is
	insnICIALLUIS  = 0xd508711f
	regSP          = 31 // the base register field value for SP
)

func hvc(imm uint16) uint32 { return 0xd4000002 | uint32(imm)<<5 }

// stp/ldp of X registers, signed offset (a multiple of 8 in -512..504).
func stpX(t1, t2, n int, off int) uint32 { return pairX(0xa9000000, t1, t2, n, off) }
func ldpX(t1, t2, n int, off int) uint32 { return pairX(0xa9400000, t1, t2, n, off) }

func pairX(op uint32, t1, t2, n, off int) uint32 {
	return op | uint32(off/8&0x7f)<<15 | uint32(t2)<<10 | uint32(n)<<5 | uint32(t1)
}

// ldp of Q registers, signed offset (a multiple of 16 in -1024..1008).
func ldpQ(t1, t2, n int, off int) uint32 {
	return 0xad400000 | uint32(off/16&0x7f)<<15 | uint32(t2)<<10 | uint32(n)<<5 | uint32(t1)
}

// str/ldr of an X register, unsigned offset (a multiple of 8).
func strX(t, n, off int) uint32 { return 0xf9000000 | uint32(off/8)<<10 | uint32(n)<<5 | uint32(t) }
func ldrX(t, n, off int) uint32 { return 0xf9400000 | uint32(off/8)<<10 | uint32(n)<<5 | uint32(t) }

// mrs/msr with a system register in hv_sys_reg_t form
// (op0<<14|op1<<11|CRn<<7|CRm<<3|op2), which is bits 20:5 of the insn.
func mrs(t int, r SysReg) uint32 { return 0xd5300000 | uint32(r)<<5 | uint32(t) }
func msr(r SysReg, t int) uint32 { return 0xd5100000 | uint32(r)<<5 | uint32(t) }

// tbz Xt, #bit, +off (off in bytes from the tbz).
func tbz(t, bit, off int) uint32 {
	return 0x36000000 | uint32(bit>>5)<<31 | uint32(bit&31)<<19 | uint32(off/4&0x3fff)<<5 | uint32(t)
}

// b +off.
func b(off int) uint32 { return 0x14000000 | uint32(off/4)&0x3ffffff }

// EL1Code is the generated vector page and where its parts are.
type EL1Code struct {
	Words []uint32 // the page, from VectorBase
	// Save is the offset of the code that stores the EL0 state; Trap that
	// of its hvc #hvcTrap; Restore the first instruction after it (where
	// a resume starts); End the offset past the final eret.
	Save, Trap, Restore, End int
}

// Bytes is the page as the CPU reads it (little-endian words).
func (c *EL1Code) Bytes() []byte {
	out := make([]byte, 4096)
	for i, w := range c.Words {
		out[4*i], out[4*i+1], out[4*i+2], out[4*i+3] = byte(w), byte(w>>8), byte(w>>16), byte(w>>24)
	}
	return out
}

// GenerateEL1 builds the vector page.
//
// Every vector slot but the lower-EL synchronous one leaves with
// hvc #hvcVector+slot: nothing else should ever be taken (IRQs stay masked,
// EL1 code does not fault), and the host reports it. The lower-EL
// synchronous slot branches to the save code:
//
//	stp x0..x29 / x30,sp_el0 / elr,spsr / esr,far / tpidr_el0 → [sp]
//	hvc #2                              ← the host runs here
//	restore: flags → reload Q0–Q31/FPCR/FPSR; tlbi vmalle1is; ic ialluis
//	reload tpidr_el0, elr, spsr, sp_el0, x30..x0; eret
//
// SP is SP_EL1, the vCPU's save area, so nothing of EL0 is clobbered. A
// new vCPU starts at Restore with its first state in the save area: the
// EL0 entry and the TLB maintenance are the same code.
func GenerateEL1() *EL1Code {
	w := make([]uint32, 1024)
	for i := range w {
		w[i] = insnNOP
	}
	for slot := 0; slot < 16; slot++ {
		off := slot * 0x80
		if off == vecLowerSync {
			w[off/4] = b(vecCodeOff - off)
			continue
		}
		w[off/4] = hvc(uint16(hvcVector + slot))
		w[off/4+1] = b(0) // never resumed; spin rather than run on
	}
	c := &EL1Code{Save: vecCodeOff}
	pc := vecCodeOff / 4
	emit := func(ws ...uint32) {
		for _, x := range ws {
			w[pc] = x
			pc++
		}
	}
	for i := 0; i < 30; i += 2 {
		emit(stpX(i, i+1, regSP, saveX+8*i))
	}
	emit(mrs(0, SysRegSP_EL0), stpX(30, 0, regSP, saveX30),
		mrs(0, SysRegELR_EL1), mrs(1, SysRegSPSR_EL1), stpX(0, 1, regSP, saveELR),
		mrs(0, SysRegESR_EL1), mrs(1, SysRegFAR_EL1), stpX(0, 1, regSP, saveESR),
		mrs(0, SysRegTPIDR_EL0), strX(0, regSP, saveTPIDR))
	c.Trap = pc * 4
	emit(hvc(hvcTrap))
	c.Restore = pc * 4
	emit(ldrX(0, regSP, saveFlags))
	// Reload the vector registers (the framework cannot set them: its
	// setter takes a vector by value, which purego cannot pass).
	skipV := pc
	emit(0)
	for i := 0; i < 32; i += 2 {
		emit(ldpQ(i, i+1, regSP, saveQ+16*i))
	}
	emit(ldpX(1, 2, regSP, saveFPCR), msr(SysRegFPCR, 1), msr(SysRegFPSR, 2))
	w[skipV] = tbz(0, 0, (pc-skipV)*4)
	skipT := pc
	emit(0, insnDSBISHST, insnTLBIVMALLE, insnDSBISH, insnISB)
	w[skipT] = tbz(0, 1, (pc-skipT)*4)
	skipI := pc
	emit(0, insnICIALLUIS, insnDSBISH, insnISB)
	w[skipI] = tbz(0, 2, (pc-skipI)*4)
	emit(strX(31, regSP, saveFlags), // xzr: the work is done
		ldrX(0, regSP, saveTPIDR), msr(SysRegTPIDR_EL0, 0),
		ldpX(0, 1, regSP, saveELR), msr(SysRegELR_EL1, 0), msr(SysRegSPSR_EL1, 1),
		ldpX(30, 0, regSP, saveX30), msr(SysRegSP_EL0, 0))
	for i := 0; i < 30; i += 2 {
		emit(ldpX(i, i+1, regSP, saveX+8*i))
	}
	emit(insnERET)
	c.End = pc * 4
	if c.End > 4096 {
		panic(fmt.Sprintf("hvf: EL1 code overflows its page (%d bytes)", c.End))
	}
	c.Words = w
	return c
}
