package fpu

// Add16 is FADD (FPAdd).
func (e *Env) Add16(a, b uint16) uint16 { return uint16(e.add(&fmt16, uint64(a), uint64(b), false)) }

// Sub16 is FSUB (FPSub). The NaN operand b is propagated with its own sign.
func (e *Env) Sub16(a, b uint16) uint16 { return uint16(e.add(&fmt16, uint64(a), uint64(b), true)) }

// Mul16 is FMUL (FPMul).
func (e *Env) Mul16(a, b uint16) uint16 { return uint16(e.mul(&fmt16, uint64(a), uint64(b), false)) }

// MulX16 is FMULX (FPMulX: 0 * Inf = ±2.0).
func (e *Env) MulX16(a, b uint16) uint16 { return uint16(e.mul(&fmt16, uint64(a), uint64(b), true)) }

// Div16 is FDIV (FPDiv).
func (e *Env) Div16(a, b uint16) uint16 { return uint16(e.div(&fmt16, uint64(a), uint64(b))) }

// Sqrt16 is FSQRT (FPSqrt).
func (e *Env) Sqrt16(a uint16) uint16 { return uint16(e.sqrt(&fmt16, uint64(a))) }

// MulAdd16 is FPMulAdd: addend + a*b with a single rounding (FMADD, FMLA;
// see the package comment for FMSUB, FNMADD, FNMSUB, FMLS). NaNs are
// processed in the order addend, a, b; Inf*0 gives the default NaN and IOC
// even when the addend is a quiet NaN.
func (e *Env) MulAdd16(addend, a, b uint16) uint16 {
	return uint16(e.mulAdd(&fmt16, uint64(addend), uint64(a), uint64(b)))
}

// Max16 is FMAX (FPMax): NaNs propagate; max(-0, +0) = +0.
func (e *Env) Max16(a, b uint16) uint16 {
	return uint16(e.minMax(&fmt16, uint64(a), uint64(b), true, false))
}

// Min16 is FMIN (FPMin): NaNs propagate; min(-0, +0) = -0.
func (e *Env) Min16(a, b uint16) uint16 {
	return uint16(e.minMax(&fmt16, uint64(a), uint64(b), false, false))
}

// MaxNum16 is FMAXNM (FPMaxNum): a single quiet NaN operand is ignored.
func (e *Env) MaxNum16(a, b uint16) uint16 {
	return uint16(e.minMax(&fmt16, uint64(a), uint64(b), true, true))
}

// MinNum16 is FMINNM (FPMinNum): a single quiet NaN operand is ignored.
func (e *Env) MinNum16(a, b uint16) uint16 {
	return uint16(e.minMax(&fmt16, uint64(a), uint64(b), false, true))
}

// Abd16 is FABD: Abs16(Sub16(a, b)), which also clears a NaN's sign.
func (e *Env) Abd16(a, b uint16) uint16 { return Abs16(e.Sub16(a, b)) }

// Compare16 is FCMP (signalAll=false: IOC only for signalling NaNs) and
// FCMPE (signalAll=true: IOC for any NaN). It returns NZCV in bits 3:0
// (N=8 Z=4 C=2 V=1): equal 0110, less 1000, greater 0010, unordered 0011.
func (e *Env) Compare16(a, b uint16, signalAll bool) uint32 {
	return e.nzcv(&fmt16, uint64(a), uint64(b), signalAll)
}

// CompareEQ16 is FCMEQ (FPCompareEQ: IOC only for signalling NaNs).
func (e *Env) CompareEQ16(a, b uint16) bool {
	c, un := e.compare(&fmt16, uint64(a), uint64(b), false)
	return !un && c == 0
}

// CompareGE16 is FCMGE (FPCompareGE: IOC for any NaN).
func (e *Env) CompareGE16(a, b uint16) bool {
	c, un := e.compare(&fmt16, uint64(a), uint64(b), true)
	return !un && c >= 0
}

// CompareGT16 is FCMGT (FPCompareGT: IOC for any NaN).
func (e *Env) CompareGT16(a, b uint16) bool {
	c, un := e.compare(&fmt16, uint64(a), uint64(b), true)
	return !un && c > 0
}

// RoundInt16 is FRINTN/P/M/Z/A (rmode explicit, exact=false), FRINTI
// (RoundFPCR, exact=false) and FRINTX (RoundFPCR, exact=true: IXC when the
// result differs from the operand).
func (e *Env) RoundInt16(a uint16, rmode int, exact bool) uint16 {
	return uint16(e.roundInt(&fmt16, uint64(a), rmode, exact))
}

// ToInt16 is FPToFixed: FCVT{N,P,M,Z,A}{S,U} (rmode RoundNearest,
// RoundPlusInf, RoundMinusInf, RoundZero, RoundTiesAway) with fbits fraction
// bits (0 for the integer forms) to a bits-wide (16, 32 or 64) integer. The
// result saturates (NaN gives 0; IOC on NaN and overflow, IXC when inexact
// and not IOC) and is zero-extended to 64 bits.
func (e *Env) ToInt16(a uint16, rmode int, unsigned bool, bits int, fbits int) uint64 {
	return e.toFixed(&fmt16, uint64(a), rmode, unsigned, bits, fbits)
}

// FromInt16 is FixedToFP to half: SCVTF (signed) or UCVTF of the low
// srcBits (16, 32 or 64) bits of v with fbits fraction bits (0 for the
// integer forms), rounded per FPCR.
func (e *Env) FromInt16(v uint64, signed bool, srcBits int, fbits int) uint16 {
	return uint16(e.fromFixed(&fmt16, v, signed, srcBits, fbits, RoundFPCR))
}

// RecipEstimate16 is FRECPE (FPRecipEstimate).
func (e *Env) RecipEstimate16(a uint16) uint16 { return uint16(e.recipEstimate(&fmt16, uint64(a))) }

// RSqrtEstimate16 is FRSQRTE (FPRSqrtEstimate).
func (e *Env) RSqrtEstimate16(a uint16) uint16 { return uint16(e.rsqrtEstimate(&fmt16, uint64(a))) }

// RecipStep16 is FRECPS (FPRecipStepFused): 2 - a*b with one rounding
// (a is negated before NaN processing; Inf*0 gives 2.0).
func (e *Env) RecipStep16(a, b uint16) uint16 {
	return uint16(e.stepFused(&fmt16, uint64(a), uint64(b), false))
}

// RSqrtStep16 is FRSQRTS (FPRSqrtStepFused): (3 - a*b)/2 with one rounding
// (a is negated before NaN processing; Inf*0 gives 1.5).
func (e *Env) RSqrtStep16(a, b uint16) uint16 {
	return uint16(e.stepFused(&fmt16, uint64(a), uint64(b), true))
}

// RecpX16 is FRECPX (FPRecpX).
func (e *Env) RecpX16(a uint16) uint16 { return uint16(e.recpX(&fmt16, uint64(a))) }
