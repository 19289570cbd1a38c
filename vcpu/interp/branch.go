package interp

import (
	"github.com/carrick-go/carrick/vcpu"
)

// Branches, exception generation and system instructions.
//
// Operand conventions: imm is the absolute branch target; imm2 the link
// address (BL/BLR); sh the bit number of TBZ/TBNZ.
func decodeBranchSys(raw uint32, pc uint64, in *Inst) bool {
	switch {
	case raw&0x7c000000 == 0x14000000: // B, BL
		in.imm = pc + sext(uint64(raw&0x3ffffff)<<2, 28)
		if raw>>31 == 1 {
			in.imm2 = pc + 4
			in.fn = opBL
		} else {
			in.fn = opB
		}
		return true
	case raw&0xff000010 == 0x54000000: // B.cond
		in.imm = pc + sext(uint64(field(raw, 5, 19))<<2, 21)
		in.cond = uint8(raw & 15)
		if in.cond >= 14 {
			in.fn = opB
		} else {
			in.fn = opBcond
		}
		return true
	case raw&0x7e000000 == 0x34000000: // CBZ, CBNZ
		in.imm = pc + sext(uint64(field(raw, 5, 19))<<2, 21)
		in.rn = rZR(raw)
		nz := raw>>24&1 == 1
		switch sf := raw>>31 == 1; {
		case sf && nz:
			in.fn = opCbnz64
		case sf:
			in.fn = opCbz64
		case nz:
			in.fn = opCbnz32
		default:
			in.fn = opCbz32
		}
		return true
	case raw&0x7e000000 == 0x36000000: // TBZ, TBNZ
		in.imm = pc + sext(uint64(field(raw, 5, 14))<<2, 16)
		in.rn = rZR(raw)
		in.imm2 = 1 << (raw>>31<<5 | field(raw, 19, 5))
		if raw>>24&1 == 1 {
			in.fn = opTbnz
		} else {
			in.fn = opTbz
		}
		return true
	case raw&0xfe000000 == 0xd6000000: // unconditional branch (register)
		return decodeBranchReg(raw, pc, in)
	case raw&0xff000000 == 0xd4000000: // exception generation
		return decodeException(raw, in)
	case raw&0xffc00000 == 0xd5000000: // system
		return decodeSystem(raw, in)
	}
	return false
}

func opB(c *CPU, in *Inst) { c.PC = in.imm }
func opBL(c *CPU, in *Inst) {
	c.X[30] = in.imm2
	c.PC = in.imm
}
func opBcond(c *CPU, in *Inst) {
	if c.cond(in.cond) {
		c.PC = in.imm
	}
}
func opCbz64(c *CPU, in *Inst) {
	if c.X[in.rn] == 0 {
		c.PC = in.imm
	}
}
func opCbnz64(c *CPU, in *Inst) {
	if c.X[in.rn] != 0 {
		c.PC = in.imm
	}
}
func opCbz32(c *CPU, in *Inst) {
	if uint32(c.X[in.rn]) == 0 {
		c.PC = in.imm
	}
}
func opCbnz32(c *CPU, in *Inst) {
	if uint32(c.X[in.rn]) != 0 {
		c.PC = in.imm
	}
}
func opTbz(c *CPU, in *Inst) {
	if c.X[in.rn]&in.imm2 == 0 {
		c.PC = in.imm
	}
}
func opTbnz(c *CPU, in *Inst) {
	if c.X[in.rn]&in.imm2 != 0 {
		c.PC = in.imm
	}
}

func decodeBranchReg(raw uint32, pc uint64, in *Inst) bool {
	// Only BR, BLR and RET without pointer authentication: the PAC forms
	// (BRAA, RETAA, …) are not advertised.
	if field(raw, 10, 6) != 0 || raw&31 != 0 || field(raw, 16, 5) != 31 {
		return false
	}
	in.rn = rZR(raw >> 5)
	switch field(raw, 21, 4) {
	case 0, 2: // BR, RET
		in.fn = opBr
	case 1: // BLR
		in.imm2 = pc + 4
		in.fn = opBlr
	default:
		return false
	}
	return true
}

// Register branches take the target as is: a misaligned target faults when
// the loop fetches it (switchPage), and the loop only trusts page offsets of
// aligned PCs, so check alignment here.
func opBr(c *CPU, in *Inst) {
	t := c.X[in.rn]
	if t&3 != 0 {
		c.pcAlignFault(t)
		return
	}
	c.PC = t
}
func opBlr(c *CPU, in *Inst) {
	t := c.X[in.rn]
	c.X[30] = in.imm2
	if t&3 != 0 {
		c.pcAlignFault(t)
		return
	}
	c.PC = t
}

// pcAlignFault reports a branch to a misaligned PC. Linux reports the fault
// with PC at the bad target.
func (c *CPU) pcAlignFault(t uint64) {
	c.PC = t
	c.setExit(vcpu.Exit{Kind: vcpu.ExitFault, Addr: t, Access: vcpu.AccessExec,
		Cause: vcpu.FaultPCAlignment, ESR: ecPCAlign<<26 | esrIL})
}

func decodeException(raw uint32, in *Inst) bool {
	imm := uint16(field(raw, 5, 16))
	switch raw & 0x00e0001f {
	case 0x00000001: // SVC
		in.imm = uint64(imm)
		in.fn = opSvc
		return true
	case 0x00200000: // BRK
		in.imm = uint64(imm)
		in.fn = opBrk
		return true
	}
	// HVC, SMC, HLT, DCPS: undefined at EL0.
	return false
}

func opSvc(c *CPU, in *Inst) {
	c.exclSize = 0 // an exception return clears the monitor
	c.setExit(vcpu.Exit{Kind: vcpu.ExitSyscall, Imm: uint16(in.imm), ESR: ecSVC64<<26 | esrIL | in.imm})
}

func opBrk(c *CPU, in *Inst) {
	c.PC -= 4
	c.setExit(vcpu.Exit{Kind: vcpu.ExitBreakpoint, Imm: uint16(in.imm), ESR: ecBRK<<26 | esrIL | in.imm})
}

func opNop(c *CPU, in *Inst) {}
