package fpu

// Add64 is FADD (FPAdd).
func (e *Env) Add64(a, b uint64) uint64 { return e.add(&fmt64, a, b, false) }

// Sub64 is FSUB (FPSub). The NaN operand b is propagated with its own sign.
func (e *Env) Sub64(a, b uint64) uint64 { return e.add(&fmt64, a, b, true) }

// Mul64 is FMUL (FPMul).
func (e *Env) Mul64(a, b uint64) uint64 { return e.mul(&fmt64, a, b, false) }

// MulX64 is FMULX (FPMulX: 0 * Inf = ±2.0).
func (e *Env) MulX64(a, b uint64) uint64 { return e.mul(&fmt64, a, b, true) }

// Div64 is FDIV (FPDiv).
func (e *Env) Div64(a, b uint64) uint64 { return e.div(&fmt64, a, b) }

// Sqrt64 is FSQRT (FPSqrt).
func (e *Env) Sqrt64(a uint64) uint64 { return e.sqrt(&fmt64, a) }

// MulAdd64 is FPMulAdd: addend + a*b with a single rounding (FMADD, FMLA;
// see the package comment for FMSUB, FNMADD, FNMSUB, FMLS). NaNs are
// processed in the order addend, a, b; Inf*0 gives the default NaN and IOC
// even when the addend is a quiet NaN.
func (e *Env) MulAdd64(addend, a, b uint64) uint64 {
	return e.mulAdd(&fmt64, uint64(addend), a, b)
}

// Max64 is FMAX (FPMax): NaNs propagate; max(-0, +0) = +0.
func (e *Env) Max64(a, b uint64) uint64 { return e.minMax(&fmt64, a, b, true, false) }

// Min64 is FMIN (FPMin): NaNs propagate; min(-0, +0) = -0.
func (e *Env) Min64(a, b uint64) uint64 { return e.minMax(&fmt64, a, b, false, false) }

// MaxNum64 is FMAXNM (FPMaxNum): a single quiet NaN operand is ignored.
func (e *Env) MaxNum64(a, b uint64) uint64 { return e.minMax(&fmt64, a, b, true, true) }

// MinNum64 is FMINNM (FPMinNum): a single quiet NaN operand is ignored.
func (e *Env) MinNum64(a, b uint64) uint64 { return e.minMax(&fmt64, a, b, false, true) }

// Abd64 is FABD: Abs64(Sub64(a, b)), which also clears a NaN's sign.
func (e *Env) Abd64(a, b uint64) uint64 { return Abs64(e.Sub64(a, b)) }

// Compare64 is FCMP (signalAll=false: IOC only for signalling NaNs) and
// FCMPE (signalAll=true: IOC for any NaN). It returns NZCV in bits 3:0
// (N=8 Z=4 C=2 V=1): equal 0110, less 1000, greater 0010, unordered 0011.
func (e *Env) Compare64(a, b uint64, signalAll bool) uint32 {
	return e.nzcv(&fmt64, a, b, signalAll)
}

// CompareEQ64 is FCMEQ (FPCompareEQ: IOC only for signalling NaNs).
func (e *Env) CompareEQ64(a, b uint64) bool {
	c, un := e.compare(&fmt64, a, b, false)
	return !un && c == 0
}

// CompareGE64 is FCMGE (FPCompareGE: IOC for any NaN).
func (e *Env) CompareGE64(a, b uint64) bool {
	c, un := e.compare(&fmt64, a, b, true)
	return !un && c >= 0
}

// CompareGT64 is FCMGT (FPCompareGT: IOC for any NaN).
func (e *Env) CompareGT64(a, b uint64) bool {
	c, un := e.compare(&fmt64, a, b, true)
	return !un && c > 0
}

// RoundInt64 is FRINTN/P/M/Z/A (rmode explicit, exact=false), FRINTI
// (RoundFPCR, exact=false) and FRINTX (RoundFPCR, exact=true: IXC when the
// result differs from the operand).
func (e *Env) RoundInt64(a uint64, rmode int, exact bool) uint64 {
	return e.roundInt(&fmt64, a, rmode, exact)
}

// RoundIntN64 is FRINT32X/FRINT64X (rmode RoundFPCR) and FRINT32Z/FRINT64Z
// (RoundZero) (FPRoundIntN): intBits is 32 or 64; NaN, infinity and values
// out of range give -2^(intBits-1) and IOC; IXC whenever inexact.
func (e *Env) RoundIntN64(a uint64, rmode int, intBits int) uint64 {
	return e.roundIntN(&fmt64, a, rmode, intBits)
}

// ToInt64 is FPToFixed: FCVT{N,P,M,Z,A}{S,U} (rmode RoundNearest,
// RoundPlusInf, RoundMinusInf, RoundZero, RoundTiesAway) with fbits fraction
// bits (0 for the integer forms) to a bits-wide (16, 32 or 64) integer. The
// result saturates (NaN gives 0; IOC on NaN and overflow, IXC when inexact
// and not IOC) and is zero-extended to 64 bits.
func (e *Env) ToInt64(a uint64, rmode int, unsigned bool, bits int, fbits int) uint64 {
	return e.toFixed(&fmt64, a, rmode, unsigned, bits, fbits)
}

// FromInt64 is FixedToFP to double: SCVTF (signed) or UCVTF of the low
// srcBits (16, 32 or 64) bits of v with fbits fraction bits (0 for the
// integer forms), rounded per FPCR.
func (e *Env) FromInt64(v uint64, signed bool, srcBits int, fbits int) uint64 {
	return e.fromFixed(&fmt64, v, signed, srcBits, fbits, RoundFPCR)
}

// RecipEstimate64 is FRECPE (FPRecipEstimate).
func (e *Env) RecipEstimate64(a uint64) uint64 { return e.recipEstimate(&fmt64, a) }

// RSqrtEstimate64 is FRSQRTE (FPRSqrtEstimate).
func (e *Env) RSqrtEstimate64(a uint64) uint64 { return e.rsqrtEstimate(&fmt64, a) }

// RecipStep64 is FRECPS (FPRecipStepFused): 2 - a*b with one rounding
// (a is negated before NaN processing; Inf*0 gives 2.0).
func (e *Env) RecipStep64(a, b uint64) uint64 { return e.stepFused(&fmt64, a, b, false) }

// RSqrtStep64 is FRSQRTS (FPRSqrtStepFused): (3 - a*b)/2 with one rounding
// (a is negated before NaN processing; Inf*0 gives 1.5).
func (e *Env) RSqrtStep64(a, b uint64) uint64 { return e.stepFused(&fmt64, a, b, true) }

// RecpX64 is FRECPX (FPRecpX).
func (e *Env) RecpX64(a uint64) uint64 { return e.recpX(&fmt64, a) }
