package fpu

// Add32 is FADD (FPAdd).
func (e *Env) Add32(a, b uint32) uint32 { return uint32(e.add(&fmt32, uint64(a), uint64(b), false)) }

// Sub32 is FSUB (FPSub). The NaN operand b is propagated with its own sign.
func (e *Env) Sub32(a, b uint32) uint32 { return uint32(e.add(&fmt32, uint64(a), uint64(b), true)) }

// Mul32 is FMUL (FPMul).
func (e *Env) Mul32(a, b uint32) uint32 { return uint32(e.mul(&fmt32, uint64(a), uint64(b), false)) }

// MulX32 is FMULX (FPMulX: 0 * Inf = ±2.0).
func (e *Env) MulX32(a, b uint32) uint32 { return uint32(e.mul(&fmt32, uint64(a), uint64(b), true)) }

// Div32 is FDIV (FPDiv).
func (e *Env) Div32(a, b uint32) uint32 { return uint32(e.div(&fmt32, uint64(a), uint64(b))) }

// Sqrt32 is FSQRT (FPSqrt).
func (e *Env) Sqrt32(a uint32) uint32 { return uint32(e.sqrt(&fmt32, uint64(a))) }

// MulAdd32 is FPMulAdd: addend + a*b with a single rounding (FMADD, FMLA;
// see the package comment for FMSUB, FNMADD, FNMSUB, FMLS). NaNs are
// processed in the order addend, a, b; Inf*0 gives the default NaN and IOC
// even when the addend is a quiet NaN.
func (e *Env) MulAdd32(addend, a, b uint32) uint32 {
	return uint32(e.mulAdd(&fmt32, uint64(addend), uint64(a), uint64(b)))
}

// Max32 is FMAX (FPMax): NaNs propagate; max(-0, +0) = +0.
func (e *Env) Max32(a, b uint32) uint32 {
	return uint32(e.minMax(&fmt32, uint64(a), uint64(b), true, false))
}

// Min32 is FMIN (FPMin): NaNs propagate; min(-0, +0) = -0.
func (e *Env) Min32(a, b uint32) uint32 {
	return uint32(e.minMax(&fmt32, uint64(a), uint64(b), false, false))
}

// MaxNum32 is FMAXNM (FPMaxNum): a single quiet NaN operand is ignored.
func (e *Env) MaxNum32(a, b uint32) uint32 {
	return uint32(e.minMax(&fmt32, uint64(a), uint64(b), true, true))
}

// MinNum32 is FMINNM (FPMinNum): a single quiet NaN operand is ignored.
func (e *Env) MinNum32(a, b uint32) uint32 {
	return uint32(e.minMax(&fmt32, uint64(a), uint64(b), false, true))
}

// Abd32 is FABD: Abs32(Sub32(a, b)), which also clears a NaN's sign.
func (e *Env) Abd32(a, b uint32) uint32 { return Abs32(e.Sub32(a, b)) }

// Compare32 is FCMP (signalAll=false: IOC only for signalling NaNs) and
// FCMPE (signalAll=true: IOC for any NaN). It returns NZCV in bits 3:0
// (N=8 Z=4 C=2 V=1): equal 0110, less 1000, greater 0010, unordered 0011.
func (e *Env) Compare32(a, b uint32, signalAll bool) uint32 {
	return e.nzcv(&fmt32, uint64(a), uint64(b), signalAll)
}

// CompareEQ32 is FCMEQ (FPCompareEQ: IOC only for signalling NaNs).
func (e *Env) CompareEQ32(a, b uint32) bool {
	c, un := e.compare(&fmt32, uint64(a), uint64(b), false)
	return !un && c == 0
}

// CompareGE32 is FCMGE (FPCompareGE: IOC for any NaN).
func (e *Env) CompareGE32(a, b uint32) bool {
	c, un := e.compare(&fmt32, uint64(a), uint64(b), true)
	return !un && c >= 0
}

// CompareGT32 is FCMGT (FPCompareGT: IOC for any NaN).
func (e *Env) CompareGT32(a, b uint32) bool {
	c, un := e.compare(&fmt32, uint64(a), uint64(b), true)
	return !un && c > 0
}

// RoundInt32 is FRINTN/P/M/Z/A (rmode explicit, exact=false), FRINTI
// (RoundFPCR, exact=false) and FRINTX (RoundFPCR, exact=true: IXC when the
// result differs from the operand).
func (e *Env) RoundInt32(a uint32, rmode int, exact bool) uint32 {
	return uint32(e.roundInt(&fmt32, uint64(a), rmode, exact))
}

// RoundIntN32 is FRINT32X/FRINT64X (rmode RoundFPCR) and FRINT32Z/FRINT64Z
// (RoundZero) (FPRoundIntN): intBits is 32 or 64; NaN, infinity and values
// out of range give -2^(intBits-1) and IOC; IXC whenever inexact.
func (e *Env) RoundIntN32(a uint32, rmode int, intBits int) uint32 {
	return uint32(e.roundIntN(&fmt32, uint64(a), rmode, intBits))
}

// ToInt32 is FPToFixed: FCVT{N,P,M,Z,A}{S,U} (rmode RoundNearest,
// RoundPlusInf, RoundMinusInf, RoundZero, RoundTiesAway) with fbits fraction
// bits (0 for the integer forms) to a bits-wide (16, 32 or 64) integer. The
// result saturates (NaN gives 0; IOC on NaN and overflow, IXC when inexact
// and not IOC) and is zero-extended to 64 bits.
func (e *Env) ToInt32(a uint32, rmode int, unsigned bool, bits int, fbits int) uint64 {
	return e.toFixed(&fmt32, uint64(a), rmode, unsigned, bits, fbits)
}

// FromInt32 is FixedToFP to single: SCVTF (signed) or UCVTF of the low
// srcBits (16, 32 or 64) bits of v with fbits fraction bits (0 for the
// integer forms), rounded per FPCR.
func (e *Env) FromInt32(v uint64, signed bool, srcBits int, fbits int) uint32 {
	return uint32(e.fromFixed(&fmt32, v, signed, srcBits, fbits, RoundFPCR))
}

// RecipEstimate32 is FRECPE (FPRecipEstimate).
func (e *Env) RecipEstimate32(a uint32) uint32 { return uint32(e.recipEstimate(&fmt32, uint64(a))) }

// RSqrtEstimate32 is FRSQRTE (FPRSqrtEstimate).
func (e *Env) RSqrtEstimate32(a uint32) uint32 { return uint32(e.rsqrtEstimate(&fmt32, uint64(a))) }

// RecipStep32 is FRECPS (FPRecipStepFused): 2 - a*b with one rounding
// (a is negated before NaN processing; Inf*0 gives 2.0).
func (e *Env) RecipStep32(a, b uint32) uint32 {
	return uint32(e.stepFused(&fmt32, uint64(a), uint64(b), false))
}

// RSqrtStep32 is FRSQRTS (FPRSqrtStepFused): (3 - a*b)/2 with one rounding
// (a is negated before NaN processing; Inf*0 gives 1.5).
func (e *Env) RSqrtStep32(a, b uint32) uint32 {
	return uint32(e.stepFused(&fmt32, uint64(a), uint64(b), true))
}

// RecpX32 is FRECPX (FPRecpX).
func (e *Env) RecpX32(a uint32) uint32 { return uint32(e.recpX(&fmt32, uint64(a))) }
