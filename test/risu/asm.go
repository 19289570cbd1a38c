package risu

import "fmt"

// A tiny A64 encoder for the harness's own instructions (prologue, epilogue,
// operand setup) and for pattern Gen functions. Registers are numbers 0–31;
// 31 means SP or XZR as the instruction defines. asm_test.go checks every
// encoder against aarch64-linux-gnu-as.

// System registers as op0:op1:CRn:CRm:op2 (16 bits).
const (
	SysNZCV  = 3<<14 | 3<<11 | 4<<7 | 2<<3 | 0
	SysFPCR  = 3<<14 | 3<<11 | 4<<7 | 4<<3 | 0
	SysFPSR  = 3<<14 | 3<<11 | 4<<7 | 4<<3 | 1
	SysTPIDR = 3<<14 | 3<<11 | 13<<7 | 0<<3 | 2 // TPIDR_EL0
)

const nopWord = 0xd503201f

func nop() uint32 { return nopWord }

func reg(r int) uint32 {
	if r < 0 || r > 31 {
		panic(fmt.Sprintf("risu/asm: bad register %d", r))
	}
	return uint32(r)
}

// scaledImm returns off/scale after checking it fits in bits (unsigned) or
// bits (signed, when signed is set).
func scaledImm(off, scale int, bits uint, signed bool) uint32 {
	if off%scale != 0 {
		panic(fmt.Sprintf("risu/asm: offset %d not a multiple of %d", off, scale))
	}
	v := off / scale
	lo, hi := 0, 1<<bits-1
	if signed {
		lo, hi = -(1 << (bits - 1)), 1<<(bits-1)-1
	}
	if v < lo || v > hi {
		panic(fmt.Sprintf("risu/asm: offset %d out of range", off))
	}
	return uint32(v) & (1<<bits - 1)
}

// movz: MOVZ Xd, #imm16, LSL #(16*hw).
func movz(rd int, imm16 uint16, hw int) uint32 {
	return 0xd2800000 | uint32(hw&3)<<21 | uint32(imm16)<<5 | reg(rd)
}

// movk: MOVK Xd, #imm16, LSL #(16*hw).
func movk(rd int, imm16 uint16, hw int) uint32 {
	return 0xf2800000 | uint32(hw&3)<<21 | uint32(imm16)<<5 | reg(rd)
}

// movImm sets Xd to v with a MOVZ and a MOVK per further non-zero halfword.
func movImm(rd int, v uint64) []uint32 {
	out := []uint32{movz(rd, uint16(v), 0)}
	for hw := 1; hw < 4; hw++ {
		if h := uint16(v >> (16 * hw)); h != 0 {
			out = append(out, movk(rd, h, hw))
		}
	}
	return out
}

// ldrX / strX: LDR/STR Xt, [Xn|SP, #off] (unsigned offset, multiple of 8).
func ldrX(rt, rn, off int) uint32 {
	return 0xf9400000 | scaledImm(off, 8, 12, false)<<10 | reg(rn)<<5 | reg(rt)
}
func strX(rt, rn, off int) uint32 {
	return 0xf9000000 | scaledImm(off, 8, 12, false)<<10 | reg(rn)<<5 | reg(rt)
}

// ldpX / stpX: LDP/STP Xt, Xt2, [Xn|SP, #off] (signed offset, multiple of 8).
func ldpX(rt, rt2, rn, off int) uint32 {
	return 0xa9400000 | scaledImm(off, 8, 7, true)<<15 | reg(rt2)<<10 | reg(rn)<<5 | reg(rt)
}
func stpX(rt, rt2, rn, off int) uint32 {
	return 0xa9000000 | scaledImm(off, 8, 7, true)<<15 | reg(rt2)<<10 | reg(rn)<<5 | reg(rt)
}

// ldrQ / strQ: LDR/STR Qt, [Xn|SP, #off] (unsigned offset, multiple of 16).
func ldrQ(rt, rn, off int) uint32 {
	return 0x3dc00000 | scaledImm(off, 16, 12, false)<<10 | reg(rn)<<5 | reg(rt)
}
func strQ(rt, rn, off int) uint32 {
	return 0x3d800000 | scaledImm(off, 16, 12, false)<<10 | reg(rn)<<5 | reg(rt)
}

// ldpQ / stpQ: LDP/STP Qt, Qt2, [Xn|SP, #off] (signed offset, multiple of 16).
func ldpQ(rt, rt2, rn, off int) uint32 {
	return 0xad400000 | scaledImm(off, 16, 7, true)<<15 | reg(rt2)<<10 | reg(rn)<<5 | reg(rt)
}
func stpQ(rt, rt2, rn, off int) uint32 {
	return 0xad000000 | scaledImm(off, 16, 7, true)<<15 | reg(rt2)<<10 | reg(rn)<<5 | reg(rt)
}

// msr: MSR <sysreg>, Xt. mrs: MRS Xt, <sysreg>.
func msr(sys uint32, rt int) uint32 { return 0xd5000000 | (sys&0xffff)<<5 | reg(rt) }
func mrs(rt int, sys uint32) uint32 { return 0xd5200000 | (sys&0xffff)<<5 | reg(rt) }

// br: BR Xn. blr: BLR Xn. ret: RET Xn.
func br(rn int) uint32  { return 0xd61f0000 | reg(rn)<<5 }
func blr(rn int) uint32 { return 0xd63f0000 | reg(rn)<<5 }
func ret(rn int) uint32 { return 0xd65f0000 | reg(rn)<<5 }

// movToSP: MOV SP, Xn (ADD SP, Xn, #0). movFromSP: MOV Xd, SP.
func movToSP(rn int) uint32   { return 0x91000000 | reg(rn)<<5 | 31 }
func movFromSP(rd int) uint32 { return 0x91000000 | 31<<5 | reg(rd) }

// adr: ADR Xd, .+off.
func adr(rd int, off int) uint32 {
	if off < -(1<<20) || off >= 1<<20 {
		panic("risu/asm: adr offset out of range")
	}
	u := uint32(off)
	return 0x10000000 | (u&3)<<29 | (u>>2&0x7ffff)<<5 | reg(rd)
}

// b: B .+off (multiple of 4).
func b(off int) uint32 { return 0x14000000 | scaledImm(off, 4, 26, true) }

// hint: HINT #imm (0 = NOP).
func hint(imm int) uint32 { return 0xd503201f | uint32(imm&0x7f)<<5 }

// addImm / subImm / subsImm: ADD/SUB/SUBS Xd, Xn, #imm12 (Xn = SP for
// ADD/SUB when 31).
func addImm(rd, rn int, imm uint32) uint32 {
	return 0x91000000 | (imm&0xfff)<<10 | reg(rn)<<5 | reg(rd)
}
func subImm(rd, rn int, imm uint32) uint32 {
	return 0xd1000000 | (imm&0xfff)<<10 | reg(rn)<<5 | reg(rd)
}
func subsImm(rd, rn int, imm uint32) uint32 {
	return 0xf1000000 | (imm&0xfff)<<10 | reg(rn)<<5 | reg(rd)
}

// lsrImm: LSR Xd, Xn, #sh (UBFM Xd, Xn, #sh, #63).
func lsrImm(rd, rn int, sh uint32) uint32 {
	return 0xd340fc00 | (sh&63)<<16 | reg(rn)<<5 | reg(rd)
}

// csetEQ: CSET Xd, EQ (CSINC Xd, XZR, XZR, NE).
func csetEQ(rd int) uint32 { return 0x9a9f17e0 | reg(rd) }
