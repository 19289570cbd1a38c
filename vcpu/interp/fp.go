package interp

import "github.com/carrick-go/carrick/vcpu/interp/fpu"

// Scalar floating point: data processing with 1, 2 and 3 sources, compares,
// conditional compare and select, FMOV (immediate, register, general), and
// the conversions between precisions, to and from integers and fixed point.
// The arithmetic itself is package fpu's; handlers move operands between the
// register files and FPCR/FPSR.
//
// Single and double precision are implemented. Half precision only where
// the base architecture has it (FCVT to and from H, FMOV between H and a
// general register); the FEAT_FP16 arithmetic forms, FRINT32/64 (FEAT_FRINTTS),
// BFCVT (FEAT_BF16) and FJCVTZS (FEAT_JSCVT) are not advertised and decode
// as undefined.
//
// Operand conventions:
//   - rd, rn, rm, ra are V register numbers for FP operands and mapped X
//     indices (rZR for sources, wZR for destinations) for general ones: no
//     FP instruction addresses SP.
//   - imm: the value of FMOV (immediate); the element mask (0xffff,
//     0xffffffff or all ones) for moves and FCSEL.
//   - imm2: the NZCV (bits 31:28) FCCMP sets when its condition fails.
//   - cond: the condition of FCCMP and FCSEL.
//   - op: the fpu rounding mode of FRINT* and FCVT* (rmodeFPCR for
//     FRINTX/FRINTI); 1 for the signalling compares FCMPE/FCCMPE.
//   - sh: fraction bits of fixed-point conversions; 1 for FRINTX (exact).
//   - sz: the integer width (32 or 64) of FP/integer conversions; the
//     source width of FCVT (16, 32 or 64), destination width in imm2.
//
// Every scalar write zeroes the register above the element written.
func decodeFP(raw uint32, in *Inst) bool {
	if raw>>24&1 == 1 {
		return decodeFP3Source(raw, in)
	}
	if raw>>21&1 == 0 {
		return decodeFPFixed(raw, in)
	}
	switch {
	case field(raw, 10, 6) == 0:
		return decodeFPInt(raw, in)
	case field(raw, 10, 5) == 0b10000:
		return decodeFP1Source(raw, in)
	case field(raw, 10, 4) == 0b1000:
		return decodeFPCompare(raw, in)
	case field(raw, 10, 3) == 0b100:
		return decodeFPImm(raw, in)
	case field(raw, 10, 2) == 0b01:
		return decodeFPCondCompare(raw, in)
	case field(raw, 10, 2) == 0b10:
		return decodeFP2Source(raw, in)
	case field(raw, 10, 2) == 0b11:
		return decodeFPCondSelect(raw, in)
	}
	return false
}

// FP element types (the ftype field).
const (
	ftSingle = 0
	ftDouble = 1
	ftHalf   = 3
)

// rmodeFPCR in Inst.op stands for fpu.RoundFPCR, which does not fit a uint8.
const rmodeFPCR = 0xff

// rmodeOf turns Inst.op back into an fpu rounding mode.
func rmodeOf(op uint8) int {
	if op == rmodeFPCR {
		return fpu.RoundFPCR
	}
	return int(op)
}

// fpArith reports the ftype of a single- or double-precision arithmetic
// instruction (M=0, S=0); half precision is FEAT_FP16, not advertised.
func fpArith(raw uint32) (ft uint32, ok bool) {
	ft = field(raw, 22, 2)
	return ft, raw>>29&5 == 0 && ft <= ftDouble // bits 31 (M) and 29 (S)
}

func decodeFP3Source(raw uint32, in *Inst) bool {
	ft, ok := fpArith(raw)
	if !ok {
		return false
	}
	in.rd, in.rn, in.rm, in.ra = uint8(raw&31), uint8(field(raw, 5, 5)), uint8(field(raw, 16, 5)), uint8(field(raw, 10, 5))
	k := raw>>21&1<<1 | raw>>15&1 // o1:o0
	if ft == ftDouble {
		in.fn = fp3D[k]
	} else {
		in.fn = fp3S[k]
	}
	return true
}

func decodeFP2Source(raw uint32, in *Inst) bool {
	ft, ok := fpArith(raw)
	opc := field(raw, 12, 4)
	if !ok || opc > 8 {
		return false
	}
	in.rd, in.rn, in.rm = uint8(raw&31), uint8(field(raw, 5, 5)), uint8(field(raw, 16, 5))
	if ft == ftDouble {
		in.fn = fp2D[opc]
	} else {
		in.fn = fp2S[opc]
	}
	return true
}

func decodeFP1Source(raw uint32, in *Inst) bool {
	ft, opc := field(raw, 22, 2), field(raw, 15, 6)
	if raw>>29&5 != 0 || ft == 2 {
		return false
	}
	in.rd, in.rn = uint8(raw&31), uint8(field(raw, 5, 5))
	if opc&0b111100 == 0b000100 { // FCVT between precisions
		to := opc & 3
		if to == 2 || to == ft { // BFCVT (FEAT_BF16); same precision
			return false
		}
		in.sz = ftBits(ft)
		in.imm2 = uint64(ftBits(to))
		in.fn = opFcvt
		return true
	}
	if ft == ftHalf {
		return false // FEAT_FP16
	}
	d := ft == ftDouble
	switch opc {
	case 0: // FMOV (register)
		in.imm = elemMask(ft)
		in.fn = opFmovReg
	case 1:
		in.fn = pick(d, opFabsD, opFabsS)
	case 2:
		in.fn = pick(d, opFnegD, opFnegS)
	case 3:
		in.fn = pick(d, opFsqrtD, opFsqrtS)
	case 8, 9, 10, 11, 12, 14, 15: // FRINTN, P, M, Z, A, X, I
		switch opc {
		case 8:
			in.op = fpu.RoundNearest
		case 9:
			in.op = fpu.RoundPlusInf
		case 10:
			in.op = fpu.RoundMinusInf
		case 11:
			in.op = fpu.RoundZero
		case 12:
			in.op = fpu.RoundTiesAway
		case 14:
			in.op, in.sh = rmodeFPCR, 1
		case 15:
			in.op = rmodeFPCR
		}
		in.fn = pick(d, opFrintD, opFrintS)
	default: // FRINT32/64 (FEAT_FRINTTS) and unallocated
		return false
	}
	return true
}

// ftBits is the width of an FP element type.
func ftBits(ft uint32) uint8 {
	switch ft {
	case ftSingle:
		return 32
	case ftDouble:
		return 64
	}
	return 16
}

// elemMask is the mask of an element of type ft within a 64-bit lane.
func elemMask(ft uint32) uint64 {
	switch ft {
	case ftSingle:
		return 0xffffffff
	case ftDouble:
		return ^uint64(0)
	}
	return 0xffff
}

func decodeFPCompare(raw uint32, in *Inst) bool {
	ft, ok := fpArith(raw)
	opc2 := raw & 31
	if !ok || field(raw, 14, 2) != 0 || opc2&7 != 0 {
		return false
	}
	in.rn, in.rm = uint8(field(raw, 5, 5)), uint8(field(raw, 16, 5))
	in.op = uint8(opc2 >> 4) // FCMPE
	d := ft == ftDouble
	if opc2&8 != 0 { // with #0.0; the Rm field is ignored
		in.fn = pick(d, opFcmpZeroD, opFcmpZeroS)
	} else {
		in.fn = pick(d, opFcmpD, opFcmpS)
	}
	return true
}

func decodeFPCondCompare(raw uint32, in *Inst) bool {
	ft, ok := fpArith(raw)
	if !ok {
		return false
	}
	in.rn, in.rm = uint8(field(raw, 5, 5)), uint8(field(raw, 16, 5))
	in.cond = uint8(field(raw, 12, 4))
	in.imm2 = uint64(raw&15) << 28
	in.op = uint8(raw >> 4 & 1) // FCCMPE
	in.fn = pick(ft == ftDouble, opFccmpD, opFccmpS)
	return true
}

func decodeFPCondSelect(raw uint32, in *Inst) bool {
	ft, ok := fpArith(raw)
	if !ok {
		return false
	}
	in.rd, in.rn, in.rm = uint8(raw&31), uint8(field(raw, 5, 5)), uint8(field(raw, 16, 5))
	in.cond = uint8(field(raw, 12, 4))
	in.imm = elemMask(ft)
	in.fn = opFcsel
	return true
}

func decodeFPImm(raw uint32, in *Inst) bool {
	ft, ok := fpArith(raw)
	if !ok || field(raw, 5, 5) != 0 {
		return false
	}
	in.rd = uint8(raw & 31)
	in.imm = vfpExpandImm(field(raw, 13, 8), ft == ftDouble)
	in.fn = opFmovImm
	return true
}

// vfpExpandImm is the ARM VFPExpandImm: imm8 = a:b:c:d:e:f:g:h becomes sign
// a, exponent NOT(b):Replicate(b):c:d and fraction efgh followed by zeros.
func vfpExpandImm(imm8 uint32, double bool) uint64 {
	a, b, cd, efgh := uint64(imm8>>7), uint64(imm8>>6&1), uint64(imm8>>4&3), uint64(imm8&15)
	if double {
		exp := (b^1)<<10 | b*0xff<<2 | cd // 11 bits
		return a<<63 | exp<<52 | efgh<<48
	}
	exp := (b^1)<<7 | b*0x1f<<2 | cd // 8 bits
	return a<<31 | exp<<23 | efgh<<19
}

// Moves and selects: imm is the element mask.

// opFmovImm is FMOV (immediate).
func opFmovImm(c *CPU, in *Inst) { c.V[in.rd] = [2]uint64{in.imm, 0} }

// opFmovReg is FMOV (register) between V registers.
func opFmovReg(c *CPU, in *Inst) { c.V[in.rd] = [2]uint64{c.V[in.rn][0] & in.imm, 0} }

// opFmovToGen is FMOV Wd/Xd from Hn, Sn or Dn.
func opFmovToGen(c *CPU, in *Inst) { c.X[in.rd] = c.V[in.rn][0] & in.imm }

// opFmovFromGen is FMOV Hd, Sd or Dd from Wn/Xn.
func opFmovFromGen(c *CPU, in *Inst) { c.V[in.rd] = [2]uint64{c.X[in.rn] & in.imm, 0} }

// opFmovToGenTop is FMOV Xd, Vn.D[1].
func opFmovToGenTop(c *CPU, in *Inst) { c.X[in.rd] = c.V[in.rn][1] }

// opFmovFromGenTop is FMOV Vd.D[1], Xn: it leaves the low half alone.
func opFmovFromGenTop(c *CPU, in *Inst) { c.V[in.rd][1] = c.X[in.rn] }

// opFcsel is FCSEL.
func opFcsel(c *CPU, in *Inst) {
	r := c.V[in.rm][0]
	if c.cond(in.cond) {
		r = c.V[in.rn][0]
	}
	c.V[in.rd] = [2]uint64{r & in.imm, 0}
}

// Compares set NZCV from fpu's bits 3:0; op=1 signals on quiet NaNs too.

func opFcmpD(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	c.NZCV = uint64(e.Compare64(c.V[in.rn][0], c.V[in.rm][0], in.op != 0)) << 28
	c.FPSR = e.FPSR
}

func opFcmpS(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	c.NZCV = uint64(e.Compare32(uint32(c.V[in.rn][0]), uint32(c.V[in.rm][0]), in.op != 0)) << 28
	c.FPSR = e.FPSR
}

func opFcmpZeroD(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	c.NZCV = uint64(e.Compare64(c.V[in.rn][0], 0, in.op != 0)) << 28
	c.FPSR = e.FPSR
}

func opFcmpZeroS(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	c.NZCV = uint64(e.Compare32(uint32(c.V[in.rn][0]), 0, in.op != 0)) << 28
	c.FPSR = e.FPSR
}

func opFccmpD(c *CPU, in *Inst) {
	if !c.cond(in.cond) {
		c.NZCV = in.imm2
		return
	}
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	c.NZCV = uint64(e.Compare64(c.V[in.rn][0], c.V[in.rm][0], in.op != 0)) << 28
	c.FPSR = e.FPSR
}

func opFccmpS(c *CPU, in *Inst) {
	if !c.cond(in.cond) {
		c.NZCV = in.imm2
		return
	}
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	c.NZCV = uint64(e.Compare32(uint32(c.V[in.rn][0]), uint32(c.V[in.rm][0]), in.op != 0)) << 28
	c.FPSR = e.FPSR
}
