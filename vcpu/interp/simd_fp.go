package interp

import (
	"unsafe"

	"github.com/carrick-go/carrick/vcpu/interp/fpu"
)

// AdvSIMD floating point, vector and scalar: three same, two-register
// miscellaneous (incl. conversions), across lanes, pairwise, by element and
// the fixed-point conversions of the shift-by-immediate group. All
// arithmetic goes through package fpu. Half-precision arithmetic (FEAT_FP16)
// is not implemented: its encodings are undefined; FCVTL and FCVTN convert
// to and from half precision as ARMv8.0 does.
//
// Lanes are uint32 (single) or uint64 (double) bit patterns; sz is 2 or 3.
// Conversions keep the rounding mode in imm (as an int, fpu.RoundFPCR for
// the FPCR mode), the fraction bits in sh and 1 in ra for unsigned.

// fpEnv is the fpu environment of c: it aliases c.FPCR and c.FPSR, so fpu
// operations read the guest's FPCR and accumulate into its FPSR directly.
func (c *CPU) fpEnv() *fpu.Env { return (*fpu.Env)(unsafe.Pointer(&c.FPCR)) }

// fpEnv relies on these layouts.
var (
	_ = [1]struct{}{}[unsafe.Offsetof(CPU{}.FPSR)-unsafe.Offsetof(CPU{}.FPCR)-4]
	_ = [1]struct{}{}[unsafe.Offsetof(fpu.Env{}.FPCR)]
	_ = [1]struct{}{}[unsafe.Offsetof(fpu.Env{}.FPSR)-4]
	_ = [1]struct{}{}[unsafe.Sizeof(fpu.Env{})-8]
)

type flane interface{ ~uint32 | ~uint64 }

// fp2 applies f to the elements of Vn and Vm.
func fp2[T flane](c *CPU, in *Inst, f func(e *fpu.Env, a, b T) T) {
	e := c.fpEnv()
	var r [2]uint64
	n, m, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = f(e, n[i], m[i])
	}
	c.V[in.rd] = r
}

// fp1 applies f to the elements of Vn.
func fp1[T flane](c *CPU, in *Inst, f func(e *fpu.Env, a T) T) {
	e := c.fpEnv()
	var r [2]uint64
	n, d := lanes[T](&c.V[in.rn]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = f(e, n[i])
	}
	c.V[in.rd] = r
}

// fpCmp sets each result element to all ones where f holds.
func fpCmp[T flane](c *CPU, in *Inst, f func(e *fpu.Env, a, b T) bool) {
	e := c.fpEnv()
	var r [2]uint64
	n, m, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&r)
	for i := range int(in.op) {
		if f(e, n[i], m[i]) {
			d[i] = ^T(0)
		}
	}
	c.V[in.rd] = r
}

// fpCmpZero compares each element of Vn with +0: zeroFirst swaps the
// operands (FCMLE, FCMLT).
func fpCmpZero[T flane](c *CPU, in *Inst, f func(e *fpu.Env, a, b T) bool, zeroFirst bool) {
	e := c.fpEnv()
	var r [2]uint64
	n, d := lanes[T](&c.V[in.rn]), lanes[T](&r)
	for i := range int(in.op) {
		var ok bool
		if zeroFirst {
			ok = f(e, 0, n[i])
		} else {
			ok = f(e, n[i], 0)
		}
		if ok {
			d[i] = ^T(0)
		}
	}
	c.V[in.rd] = r
}

// fpPair is the vector pairwise form of f.
func fpPair[T flane](c *CPU, in *Inst, f func(e *fpu.Env, a, b T) T) {
	e := c.fpEnv()
	var r [2]uint64
	n, m, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&r)
	half := int(in.op) / 2
	for i := range half {
		d[i] = f(e, n[2*i], n[2*i+1])
	}
	for i := range half {
		d[half+i] = f(e, m[2*i], m[2*i+1])
	}
	c.V[in.rd] = r
}

// Method expressions of fpu by lane type.
type fpOps[T flane] struct {
	add, sub, mul, mulx, div, max, min, maxnm, minnm, abd, recps, rsqrts func(*fpu.Env, T, T) T
	mulAdd                                                               func(*fpu.Env, T, T, T) T
	eq, ge, gt                                                           func(*fpu.Env, T, T) bool
	sqrt, recpe, rsqrte, recpx                                           func(*fpu.Env, T) T
	roundInt                                                             func(*fpu.Env, T, int, bool) T
	toInt                                                                func(*fpu.Env, T, int, bool, int, int) uint64
	fromInt                                                              func(*fpu.Env, uint64, bool, int, int) T
	neg, abs                                                             func(T) T
	bits                                                                 int
}

var fp32 = fpOps[uint32]{
	(*fpu.Env).Add32, (*fpu.Env).Sub32, (*fpu.Env).Mul32, (*fpu.Env).MulX32, (*fpu.Env).Div32,
	(*fpu.Env).Max32, (*fpu.Env).Min32, (*fpu.Env).MaxNum32, (*fpu.Env).MinNum32, (*fpu.Env).Abd32,
	(*fpu.Env).RecipStep32, (*fpu.Env).RSqrtStep32, (*fpu.Env).MulAdd32,
	(*fpu.Env).CompareEQ32, (*fpu.Env).CompareGE32, (*fpu.Env).CompareGT32,
	(*fpu.Env).Sqrt32, (*fpu.Env).RecipEstimate32, (*fpu.Env).RSqrtEstimate32, (*fpu.Env).RecpX32,
	(*fpu.Env).RoundInt32, (*fpu.Env).ToInt32, (*fpu.Env).FromInt32, fpu.Neg32, fpu.Abs32, 32,
}

var fp64 = fpOps[uint64]{
	(*fpu.Env).Add64, (*fpu.Env).Sub64, (*fpu.Env).Mul64, (*fpu.Env).MulX64, (*fpu.Env).Div64,
	(*fpu.Env).Max64, (*fpu.Env).Min64, (*fpu.Env).MaxNum64, (*fpu.Env).MinNum64, (*fpu.Env).Abd64,
	(*fpu.Env).RecipStep64, (*fpu.Env).RSqrtStep64, (*fpu.Env).MulAdd64,
	(*fpu.Env).CompareEQ64, (*fpu.Env).CompareGE64, (*fpu.Env).CompareGT64,
	(*fpu.Env).Sqrt64, (*fpu.Env).RecipEstimate64, (*fpu.Env).RSqrtEstimate64, (*fpu.Env).RecpX64,
	(*fpu.Env).RoundInt64, (*fpu.Env).ToInt64, (*fpu.Env).FromInt64, fpu.Neg64, fpu.Abs64, 64,
}

// fpSel picks the single (sz = 0) or double handler.
func fpSel(sz uint32, s, d handler) handler {
	if sz == 1 {
		return d
	}
	return s
}

// setFPVec fills in the common operands of an FP form; it reports false for
// the reserved double-precision 64-bit arrangement.
func setFPVec(in *Inst, q, sz uint32, scalar bool) bool {
	if !scalar && sz == 1 && q == 0 {
		return false
	}
	setVec(in, q, 2+sz, scalar)
	return true
}

// decodeFPThreeSame decodes the FP three-same forms (opcode 11xxx).
func decodeFPThreeSame(raw uint32, in *Inst, scalar bool) bool {
	q, u, a, sz, opc := raw>>30&1, raw>>29&1, raw>>23&1, raw>>22&1, field(raw, 11, 3)
	key := u<<4 | a<<3 | opc
	if scalar {
		switch key {
		case 0b0_0_011, 0b0_0_100, 0b0_0_111, 0b0_1_111, 0b1_0_100, 0b1_0_101, 0b1_1_010, 0b1_1_100, 0b1_1_101:
		default:
			return false
		}
	}
	if !setFPVec(in, q, sz, scalar) {
		return false
	}
	var s, d handler
	switch key {
	case 0b0_0_000:
		s, d = opFMaxNM[uint32], opFMaxNM[uint64]
	case 0b0_1_000:
		s, d = opFMinNM[uint32], opFMinNM[uint64]
	case 0b1_0_000:
		s, d = opFMaxNMP[uint32], opFMaxNMP[uint64]
	case 0b1_1_000:
		s, d = opFMinNMP[uint32], opFMinNMP[uint64]
	case 0b0_0_001:
		s, d = opFMla[uint32], opFMla[uint64]
	case 0b0_1_001:
		s, d = opFMls[uint32], opFMls[uint64]
	case 0b0_0_010:
		s, d = opFAdd[uint32], opFAdd[uint64]
	case 0b0_1_010:
		s, d = opFSub[uint32], opFSub[uint64]
	case 0b1_0_010:
		s, d = opFAddP[uint32], opFAddP[uint64]
	case 0b1_1_010:
		s, d = opFAbd[uint32], opFAbd[uint64]
	case 0b0_0_011:
		s, d = opFMulX[uint32], opFMulX[uint64]
	case 0b1_0_011:
		s, d = opFMul[uint32], opFMul[uint64]
	case 0b0_0_100:
		s, d = opFCmEQ[uint32], opFCmEQ[uint64]
	case 0b1_0_100:
		s, d = opFCmGE[uint32], opFCmGE[uint64]
	case 0b1_1_100:
		s, d = opFCmGT[uint32], opFCmGT[uint64]
	case 0b1_0_101:
		s, d = opFAcGE[uint32], opFAcGE[uint64]
	case 0b1_1_101:
		s, d = opFAcGT[uint32], opFAcGT[uint64]
	case 0b0_0_110:
		s, d = opFMax[uint32], opFMax[uint64]
	case 0b0_1_110:
		s, d = opFMin[uint32], opFMin[uint64]
	case 0b1_0_110:
		s, d = opFMaxP[uint32], opFMaxP[uint64]
	case 0b1_1_110:
		s, d = opFMinP[uint32], opFMinP[uint64]
	case 0b0_0_111:
		s, d = opFRecpS[uint32], opFRecpS[uint64]
	case 0b0_1_111:
		s, d = opFRsqrtS[uint32], opFRsqrtS[uint64]
	case 0b1_0_111:
		s, d = opFDiv[uint32], opFDiv[uint64]
	default:
		return false
	}
	in.fn = fpSel(sz, s, d)
	return true
}

// ops returns the fpu operations for lane type T.
func ops[T flane]() *fpOps[T] {
	var z T
	if unsafe.Sizeof(z) == 4 {
		return any(&fp32).(*fpOps[T])
	}
	return any(&fp64).(*fpOps[T])
}

func opFAdd[T flane](c *CPU, in *Inst)       { fp2(c, in, ops[T]().add) }
func opFSub[T flane](c *CPU, in *Inst)       { fp2(c, in, ops[T]().sub) }
func opFMul[T flane](c *CPU, in *Inst)       { fp2(c, in, ops[T]().mul) }
func opFMulX[T flane](c *CPU, in *Inst)      { fp2(c, in, ops[T]().mulx) }
func opFDiv[T flane](c *CPU, in *Inst)       { fp2(c, in, ops[T]().div) }
func opFMax[T flane](c *CPU, in *Inst)       { fp2(c, in, ops[T]().max) }
func opFMin[T flane](c *CPU, in *Inst)       { fp2(c, in, ops[T]().min) }
func opFMaxNM[T flane](c *CPU, in *Inst)     { fp2(c, in, ops[T]().maxnm) }
func opFMinNM[T flane](c *CPU, in *Inst)     { fp2(c, in, ops[T]().minnm) }
func opFAbd[T flane](c *CPU, in *Inst)       { fp2(c, in, ops[T]().abd) }
func opFRecpS[T flane](c *CPU, in *Inst)     { fp2(c, in, ops[T]().recps) }
func opFRsqrtS[T flane](c *CPU, in *Inst)    { fp2(c, in, ops[T]().rsqrts) }
func opFAddP[T flane](c *CPU, in *Inst)      { fpPair(c, in, ops[T]().add) }
func opFMaxP[T flane](c *CPU, in *Inst)      { fpPair(c, in, ops[T]().max) }
func opFMinP[T flane](c *CPU, in *Inst)      { fpPair(c, in, ops[T]().min) }
func opFMaxNMP[T flane](c *CPU, in *Inst)    { fpPair(c, in, ops[T]().maxnm) }
func opFMinNMP[T flane](c *CPU, in *Inst)    { fpPair(c, in, ops[T]().minnm) }
func opFCmEQ[T flane](c *CPU, in *Inst)      { fpCmp(c, in, ops[T]().eq) }
func opFCmGE[T flane](c *CPU, in *Inst)      { fpCmp(c, in, ops[T]().ge) }
func opFCmGT[T flane](c *CPU, in *Inst)      { fpCmp(c, in, ops[T]().gt) }
func opFCmEQZ[T flane](c *CPU, in *Inst)     { fpCmpZero(c, in, ops[T]().eq, false) }
func opFCmGEZ[T flane](c *CPU, in *Inst)     { fpCmpZero(c, in, ops[T]().ge, false) }
func opFCmGTZ[T flane](c *CPU, in *Inst)     { fpCmpZero(c, in, ops[T]().gt, false) }
func opFCmLEZ[T flane](c *CPU, in *Inst)     { fpCmpZero(c, in, ops[T]().ge, true) }
func opFCmLTZ[T flane](c *CPU, in *Inst)     { fpCmpZero(c, in, ops[T]().gt, true) }
func opFSqrt[T flane](c *CPU, in *Inst)      { fp1(c, in, ops[T]().sqrt) }
func opFRecpE[T flane](c *CPU, in *Inst)     { fp1(c, in, ops[T]().recpe) }
func opFRsqrtE[T flane](c *CPU, in *Inst)    { fp1(c, in, ops[T]().rsqrte) }
func opFRecpX[T flane](c *CPU, in *Inst)     { fp1(c, in, ops[T]().recpx) }
func opFAcGE[T flane](c *CPU, in *Inst)      { fpCmp(c, in, facge[T]) }
func opFAcGT[T flane](c *CPU, in *Inst)      { fpCmp(c, in, facgt[T]) }
func facge[T flane](e *fpu.Env, a, b T) bool { o := ops[T](); return o.ge(e, o.abs(a), o.abs(b)) }
func facgt[T flane](e *fpu.Env, a, b T) bool { o := ops[T](); return o.gt(e, o.abs(a), o.abs(b)) }

func opFMla[T flane](c *CPU, in *Inst) {
	e, f := c.fpEnv(), ops[T]().mulAdd
	var r [2]uint64
	n, m, acc, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&c.V[in.rd]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = f(e, acc[i], n[i], m[i])
	}
	c.V[in.rd] = r
}

func opFMls[T flane](c *CPU, in *Inst) {
	o := ops[T]()
	e := c.fpEnv()
	var r [2]uint64
	n, m, acc, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&c.V[in.rd]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = o.mulAdd(e, acc[i], o.neg(n[i]), m[i])
	}
	c.V[in.rd] = r
}

// FABS and FNEG work on the bits: imm has the sign bits of all lanes.
func opFAbsV(c *CPU, in *Inst) {
	n := &c.V[in.rn]
	c.V[in.rd] = [2]uint64{n[0] &^ in.imm, n[1] &^ in.imm & in.imm2}
}
func opFNegV(c *CPU, in *Inst) {
	n := &c.V[in.rn]
	c.V[in.rd] = [2]uint64{n[0] ^ in.imm, (n[1] ^ in.imm) & in.imm2}
}

// decodeFPTwoMisc decodes the FP two-register miscellaneous forms.
func decodeFPTwoMisc(raw uint32, in *Inst, scalar bool) bool {
	q, u, a, sz, opc := raw>>30&1, raw>>29&1, raw>>23&1, raw>>22&1, field(raw, 12, 5)
	switch opc {
	case 0b10110, 0b10111:
		return decodeFPCvtLN(raw, in, scalar)
	}
	key := opc<<2 | u<<1 | a
	if scalar {
		switch {
		case opc == 0b11010, opc == 0b11011, opc == 0b11100 && a == 0, opc == 0b11101: // FCVT*, SCVTF/UCVTF, FRECPE, FRSQRTE
		case opc >= 0b01100 && opc <= 0b01110: // compare with zero
		case key == 0b11111_0_1: // FRECPX
		default:
			return false
		}
	}
	if !setFPVec(in, q, sz, scalar) {
		return false
	}
	rm := func(mode int, s, d handler) (handler, handler) {
		in.imm = uint64(int64(mode))
		return s, d
	}
	var s, d handler
	switch key {
	case 0b01100_0_1:
		s, d = opFCmGTZ[uint32], opFCmGTZ[uint64]
	case 0b01100_1_1:
		s, d = opFCmGEZ[uint32], opFCmGEZ[uint64]
	case 0b01101_0_1:
		s, d = opFCmEQZ[uint32], opFCmEQZ[uint64]
	case 0b01101_1_1:
		s, d = opFCmLEZ[uint32], opFCmLEZ[uint64]
	case 0b01110_0_1:
		s, d = opFCmLTZ[uint32], opFCmLTZ[uint64]
	case 0b01111_0_1, 0b01111_1_1: // FABS, FNEG
		in.imm = 0x8000000080000000
		if sz == 1 {
			in.imm = 1 << 63
		}
		s = opFAbsV
		if u == 1 {
			s = opFNegV
		}
		d = s
	case 0b11000_0_0:
		s, d = rm(fpu.RoundNearest, opFRint[uint32], opFRint[uint64])
	case 0b11000_0_1:
		s, d = rm(fpu.RoundPlusInf, opFRint[uint32], opFRint[uint64])
	case 0b11000_1_0:
		s, d = rm(fpu.RoundTiesAway, opFRint[uint32], opFRint[uint64])
	case 0b11001_0_0:
		s, d = rm(fpu.RoundMinusInf, opFRint[uint32], opFRint[uint64])
	case 0b11001_0_1:
		s, d = rm(fpu.RoundZero, opFRint[uint32], opFRint[uint64])
	case 0b11001_1_0:
		s, d = rm(fpu.RoundFPCR, opFRintX[uint32], opFRintX[uint64])
	case 0b11001_1_1:
		s, d = rm(fpu.RoundFPCR, opFRint[uint32], opFRint[uint64])
	case 0b11010_0_0, 0b11010_1_0:
		s, d = rm(fpu.RoundNearest, opFCvtToInt[uint32], opFCvtToInt[uint64])
	case 0b11010_0_1, 0b11010_1_1:
		s, d = rm(fpu.RoundPlusInf, opFCvtToInt[uint32], opFCvtToInt[uint64])
	case 0b11011_0_0, 0b11011_1_0:
		s, d = rm(fpu.RoundMinusInf, opFCvtToInt[uint32], opFCvtToInt[uint64])
	case 0b11011_0_1, 0b11011_1_1:
		s, d = rm(fpu.RoundZero, opFCvtToInt[uint32], opFCvtToInt[uint64])
	case 0b11100_0_0, 0b11100_1_0:
		s, d = rm(fpu.RoundTiesAway, opFCvtToInt[uint32], opFCvtToInt[uint64])
	case 0b11100_0_1: // URECPE
		s = opURecpE
	case 0b11100_1_1: // URSQRTE
		s = opURsqrtE
	case 0b11101_0_0, 0b11101_1_0:
		s, d = opFCvtFromInt[uint32], opFCvtFromInt[uint64]
	case 0b11101_0_1:
		s, d = opFRecpE[uint32], opFRecpE[uint64]
	case 0b11101_1_1:
		s, d = opFRsqrtE[uint32], opFRsqrtE[uint64]
	case 0b11111_0_1:
		if !scalar {
			return false
		}
		s, d = opFRecpX[uint32], opFRecpX[uint64]
	case 0b11111_1_1:
		s, d = opFSqrt[uint32], opFSqrt[uint64]
	default:
		return false
	}
	in.ra = uint8(u)
	in.sh = 0
	in.fn = fpSel(sz, s, d)
	return in.fn != nil
}

func opFRint[T flane](c *CPU, in *Inst) {
	o, e, mode := ops[T](), c.fpEnv(), int(int64(in.imm))
	var r [2]uint64
	n, d := lanes[T](&c.V[in.rn]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = o.roundInt(e, n[i], mode, false)
	}
	c.V[in.rd] = r
}

func opFRintX[T flane](c *CPU, in *Inst) {
	o, e := ops[T](), c.fpEnv()
	var r [2]uint64
	n, d := lanes[T](&c.V[in.rn]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = o.roundInt(e, n[i], fpu.RoundFPCR, true)
	}
	c.V[in.rd] = r
}

// opFCvtToInt is FCVT{N,P,M,Z,A}{S,U}, vector and scalar, with sh fraction
// bits.
func opFCvtToInt[T flane](c *CPU, in *Inst) {
	o, e, mode := ops[T](), c.fpEnv(), int(int64(in.imm))
	var r [2]uint64
	n, d := lanes[T](&c.V[in.rn]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = T(o.toInt(e, n[i], mode, in.ra == 1, o.bits, int(in.sh)))
	}
	c.V[in.rd] = r
}

// opFCvtFromInt is SCVTF/UCVTF, vector and scalar, with sh fraction bits.
func opFCvtFromInt[T flane](c *CPU, in *Inst) {
	o, e := ops[T](), c.fpEnv()
	var r [2]uint64
	n, d := lanes[T](&c.V[in.rn]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = o.fromInt(e, uint64(n[i]), in.ra == 0, o.bits, int(in.sh))
	}
	c.V[in.rd] = r
}

func opURecpE(c *CPU, in *Inst) {
	vmap1(c, in, func(a uint32) uint32 { return fpu.UnsignedRecipEstimate(a) })
}
func opURsqrtE(c *CPU, in *Inst) {
	vmap1(c, in, func(a uint32) uint32 { return fpu.UnsignedRSqrtEstimate(a) })
}

// decodeFPCvtLN decodes FCVTL(2), FCVTN(2) and FCVTXN(2) (vector and
// scalar FCVTXN). sz is the size of the narrow elements (1 = half, 2 =
// single), op the number of elements, sh the first narrow element.
func decodeFPCvtLN(raw uint32, in *Inst, scalar bool) bool {
	q, u, size, opc := raw>>30&1, raw>>29&1, field(raw, 22, 2), field(raw, 12, 5)
	if size >= 2 { // BFCVTN and unallocated
		return false
	}
	in.sz = uint8(size + 1)
	in.op = uint8(4 >> size)
	in.sh = uint8(q * (4 >> size))
	switch {
	case opc == 0b10110 && u == 1: // FCVTXN
		if size != 1 {
			return false
		}
		if scalar {
			in.op, in.sh = 1, 0
		}
		in.fn = opFCvtXN
	case scalar:
		return false
	case opc == 0b10110:
		in.fn = opFCvtN16
		if size == 1 {
			in.fn = opFCvtN32
		}
	case u == 0:
		in.fn = opFCvtL32
		if size == 1 {
			in.fn = opFCvtL64
		}
	default:
		return false
	}
	return true
}

func opFCvtN16(c *CPU, in *Inst) {
	e := c.fpEnv()
	r := narrowDest(c, in)
	n, d := lanes[uint32](&c.V[in.rn]), lanes[uint16](&r)
	o := int(in.sh)
	for i := range 4 {
		d[o+i] = uint16(e.Convert(uint64(n[i]), 32, 16))
	}
	c.V[in.rd] = r
}

func opFCvtN32(c *CPU, in *Inst) {
	e := c.fpEnv()
	r := narrowDest(c, in)
	n, d := lanes[uint64](&c.V[in.rn]), lanes[uint32](&r)
	o := int(in.sh)
	for i := range 2 {
		d[o+i] = uint32(e.Convert(n[i], 64, 32))
	}
	c.V[in.rd] = r
}

func opFCvtXN(c *CPU, in *Inst) {
	e := c.fpEnv()
	r := narrowDest(c, in)
	n, d := lanes[uint64](&c.V[in.rn]), lanes[uint32](&r)
	o := int(in.sh)
	for i := range int(in.op) {
		d[o+i] = uint32(e.ConvertRM(n[i], 64, 32, fpu.RoundOdd))
	}
	c.V[in.rd] = r
}

func opFCvtL32(c *CPU, in *Inst) {
	e := c.fpEnv()
	var r [2]uint64
	n, d := lanes[uint16](&c.V[in.rn]), lanes[uint32](&r)
	o := int(in.sh)
	for i := range 4 {
		d[i] = uint32(e.Convert(uint64(n[o+i]), 16, 32))
	}
	c.V[in.rd] = r
}

func opFCvtL64(c *CPU, in *Inst) {
	e := c.fpEnv()
	var r [2]uint64
	n, d := lanes[uint32](&c.V[in.rn]), lanes[uint64](&r)
	o := int(in.sh)
	for i := range 2 {
		d[i] = e.Convert(uint64(n[o+i]), 32, 64)
	}
	c.V[in.rd] = r
}

// Binary operations of the reductions and scalar pairwise forms, selected
// by cond.
const (
	fbAdd = iota
	fbMax
	fbMin
	fbMaxNM
	fbMinNM
)

func (o *fpOps[T]) bin(k uint8) func(*fpu.Env, T, T) T {
	switch k {
	case fbAdd:
		return o.add
	case fbMax:
		return o.max
	case fbMin:
		return o.min
	case fbMaxNM:
		return o.maxnm
	}
	return o.minnm
}

// decodeFPAcross decodes FMAXV, FMINV, FMAXNMV and FMINNMV (4S only).
func decodeFPAcross(raw uint32, in *Inst) bool {
	q, u, a, sz, opc := raw>>30&1, raw>>29&1, raw>>23&1, raw>>22&1, field(raw, 12, 5)
	if u == 0 || q == 0 || sz == 1 { // U=0: FP16 forms
		return false
	}
	setVec(in, 1, 2, false)
	switch opc<<1 | a {
	case 0b01100_0:
		in.cond = fbMaxNM
	case 0b01100_1:
		in.cond = fbMinNM
	case 0b01111_0:
		in.cond = fbMax
	case 0b01111_1:
		in.cond = fbMin
	default:
		return false
	}
	in.fn = opFReduce4
	return true
}

// opFReduce4 reduces the four singles of Vn as the ARM Reduce does:
// f(f(e0, e1), f(e2, e3)).
func opFReduce4(c *CPU, in *Inst) {
	e, f := c.fpEnv(), fp32.bin(in.cond)
	n := lanes[uint32](&c.V[in.rn])
	lo := f(e, n[0], n[1])
	hi := f(e, n[2], n[3])
	c.scalarResult(in.rd, uint64(f(e, lo, hi)))
}

// decodeFPPairScalar decodes the scalar FADDP, FMAXP, FMINP, FMAXNMP,
// FMINNMP (U = 1; the U = 0 forms are FP16).
func decodeFPPairScalar(raw uint32, in *Inst) bool {
	a, sz, opc := raw>>23&1, raw>>22&1, field(raw, 12, 5)
	setVec(in, 0, 2+sz, true)
	switch opc<<1 | a {
	case 0b01100_0:
		in.cond = fbMaxNM
	case 0b01100_1:
		in.cond = fbMinNM
	case 0b01101_0:
		in.cond = fbAdd
	case 0b01111_0:
		in.cond = fbMax
	case 0b01111_1:
		in.cond = fbMin
	default:
		return false
	}
	in.fn = fpSel(sz, opFPairScalar[uint32], opFPairScalar[uint64])
	return true
}

func opFPairScalar[T flane](c *CPU, in *Inst) {
	n := lanes[T](&c.V[in.rn])
	c.scalarResult(in.rd, uint64(ops[T]().bin(in.cond)(c.fpEnv(), n[0], n[1])))
}

// decodeFPFixedVec decodes SCVTF, UCVTF, FCVTZS and FCVTZU (vector and
// scalar, fixed point): sh is the number of fraction bits.
func decodeFPFixedVec(raw uint32, in *Inst, scalar bool) bool {
	q, u, immh, immb, opc := raw>>30&1, raw>>29&1, field(raw, 19, 4), field(raw, 16, 3), field(raw, 11, 5)
	var sz uint32
	switch {
	case immh >= 8:
		sz = 1
	case immh >= 4:
		sz = 0
	default: // half precision (FP16) and unallocated
		return false
	}
	if !setFPVec(in, q, sz, scalar) {
		return false
	}
	in.sh = uint8((64 << sz) - (immh<<3 | immb))
	in.ra = uint8(u)
	if opc == 0b11100 {
		in.fn = fpSel(sz, opFCvtFromInt[uint32], opFCvtFromInt[uint64])
	} else {
		in.imm = uint64(int64(fpu.RoundZero))
		in.fn = fpSel(sz, opFCvtToInt[uint32], opFCvtToInt[uint64])
	}
	return true
}

// decodeFPElem decodes FMLA, FMLS, FMUL and FMULX by element (vector and
// scalar); cond is the element index of Vm.
func decodeFPElem(raw uint32, in *Inst, scalar bool) bool {
	q, u, size, opc := raw>>30&1, raw>>29&1, field(raw, 22, 2), field(raw, 12, 4)
	h, l := raw>>11&1, raw>>21&1
	in.rm = uint8(field(raw, 16, 5))
	switch size {
	case 2:
		in.cond = uint8(h<<1 | l)
	case 3:
		if l == 1 {
			return false
		}
		in.cond = uint8(h)
	default: // FP16 and unallocated
		return false
	}
	sz := size - 2
	if !setFPVec(in, q, sz, scalar) {
		return false
	}
	var s, d handler
	switch {
	case opc == 0b0001:
		s, d = opFMlaElem[uint32], opFMlaElem[uint64]
	case opc == 0b0101:
		s, d = opFMlsElem[uint32], opFMlsElem[uint64]
	case u == 0:
		s, d = opFMulElem[uint32], opFMulElem[uint64]
	default:
		s, d = opFMulXElem[uint32], opFMulXElem[uint64]
	}
	in.fn = fpSel(sz, s, d)
	return true
}

func opFMulElem[T flane](c *CPU, in *Inst)  { fpElem(c, in, ops[T]().mul) }
func opFMulXElem[T flane](c *CPU, in *Inst) { fpElem(c, in, ops[T]().mulx) }

// fpElem applies f to each element of Vn and the selected element of Vm.
func fpElem[T flane](c *CPU, in *Inst, f func(*fpu.Env, T, T) T) {
	e := c.fpEnv()
	var r [2]uint64
	b := lanes[T](&c.V[in.rm])[in.cond&3]
	n, d := lanes[T](&c.V[in.rn]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = f(e, n[i], b)
	}
	c.V[in.rd] = r
}

func opFMlaElem[T flane](c *CPU, in *Inst) {
	o, e := ops[T](), c.fpEnv()
	var r [2]uint64
	b := lanes[T](&c.V[in.rm])[in.cond&3]
	n, acc, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rd]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = o.mulAdd(e, acc[i], n[i], b)
	}
	c.V[in.rd] = r
}

func opFMlsElem[T flane](c *CPU, in *Inst) {
	o, e := ops[T](), c.fpEnv()
	var r [2]uint64
	b := lanes[T](&c.V[in.rm])[in.cond&3]
	n, acc, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rd]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = o.mulAdd(e, acc[i], o.neg(n[i]), b)
	}
	c.V[in.rd] = r
}
