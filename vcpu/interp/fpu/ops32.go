package fpu

import (
	"math"
	"math/bits"
)

// Single-precision fast paths (see ops64.go). Sums, differences and
// products of two singles are computed exactly or with innocuous double
// rounding in float64 (53 >= 2*24+2), so exactness is checked in float64.

const (
	sign32 = 1 << 31
	exp32  = 0xFF << 23
)

// fast32 is fast64 for single precision.
func (e *Env) fast32(a, b uint32) bool {
	switch e.FPCR & fastMask {
	case 0:
		return true
	case FPCRFZ:
		return !denormal32(a) && !denormal32(b)
	}
	return false
}

// noFlush32 reports that FZ would not change a or b.
func (e *Env) noFlush32(a, b uint32) bool {
	return e.FPCR&FPCRFZ == 0 || !denormal32(a) && !denormal32(b)
}

func denormal32(a uint32) bool { return a&exp32 == 0 && a&^sign32 != 0 }

// expIn32 reports whether the biased exponent field of r (sign ignored)
// lies in [lo, 0xFE].
func expIn32(r uint32, lo uint32) bool { return (r>>23&0xFF)-lo <= 0xFE-lo }

// Add32 is FADD (FPAdd).
func (e *Env) Add32(a, b uint32) uint32 {
	if e.fast32(a, b) {
		if r, ok := e.fastAdd32(math.Float32frombits(a), math.Float32frombits(b)); ok {
			return r
		}
	}
	return uint32(e.add(&fmt32, uint64(a), uint64(b), false))
}

// fastAdd32 is fastAdd64 in single precision.
func (e *Env) fastAdd32(x, y float32) (uint32, bool) {
	s := x + y
	r := math.Float32bits(s)
	if r&exp32 == exp32 || denormal32(r) && e.FPCR&FPCRFZ != 0 {
		return 0, false
	}
	if math.Abs(float64(x)) < math.Abs(float64(y)) {
		x, y = y, x
	}
	if float32(s-x) != y {
		e.FPSR |= IXC
	}
	return r, true
}

// Sub32 is FSUB (FPSub). The NaN operand b is propagated with its own sign.
func (e *Env) Sub32(a, b uint32) uint32 {
	if e.fast32(a, b) {
		if r, ok := e.fastAdd32(math.Float32frombits(a), -math.Float32frombits(b)); ok {
			return r
		}
	}
	return uint32(e.add(&fmt32, uint64(a), uint64(b), true))
}

// Mul32 is FMUL (FPMul).
func (e *Env) Mul32(a, b uint32) uint32 {
	if e.fast32(a, b) {
		if r, ok := e.fastMul32(a, b); ok {
			return r
		}
	}
	return uint32(e.mul(&fmt32, uint64(a), uint64(b), false))
}

// fastMul32 multiplies exactly in float64 and rounds once to single.
func (e *Env) fastMul32(a, b uint32) (uint32, bool) {
	x, y := float64(math.Float32frombits(a)), float64(math.Float32frombits(b))
	p := float64(x * y)
	f := float32(p)
	r := math.Float32bits(f)
	if expIn32(r, 2) {
		if float64(f) != p {
			e.FPSR |= IXC
		}
		return r, true
	}
	if p == 0 && (x == 0 || y == 0) {
		return r, true
	}
	return 0, false
}

// MulX32 is FMULX (FPMulX: 0 * Inf = ±2.0).
func (e *Env) MulX32(a, b uint32) uint32 {
	if e.fast32(a, b) {
		if r, ok := e.fastMul32(a, b); ok {
			return r
		}
	}
	return uint32(e.mul(&fmt32, uint64(a), uint64(b), true))
}

// Div32 is FDIV (FPDiv).
func (e *Env) Div32(a, b uint32) uint32 {
	if e.fast32(a, b) {
		x, y := float64(math.Float32frombits(a)), float64(math.Float32frombits(b))
		f := float32(x / y)
		r := math.Float32bits(f)
		if expIn32(r, 2) { // x, y finite and nonzero
			if float64(float64(f)*y) != x { // the product is exact in float64
				e.FPSR |= IXC
			}
			return r
		}
		if a&^sign32 == 0 && b&^sign32 != 0 && b&exp32 != exp32 {
			return r
		}
	}
	return uint32(e.div(&fmt32, uint64(a), uint64(b)))
}

// Sqrt32 is FSQRT (FPSqrt).
func (e *Env) Sqrt32(a uint32) uint32 {
	if e.fast32(a, 0) && a-1 < exp32-1 { // positive, finite, nonzero
		x := float64(math.Float32frombits(a))
		f := float32(math.Sqrt(x))
		if float64(float64(f)*float64(f)) != x {
			e.FPSR |= IXC
		}
		return math.Float32bits(f)
	}
	return uint32(e.sqrt(&fmt32, uint64(a)))
}

// MulAdd32 is FPMulAdd: addend + a*b with a single rounding (FMADD, FMLA;
// see the package comment for FMSUB, FNMADD, FNMSUB, FMLS). NaNs are
// processed in the order addend, a, b; Inf*0 gives the default NaN and IOC
// even when the addend is a quiet NaN.
func (e *Env) MulAdd32(addend, a, b uint32) uint32 {
	if e.fast32(a, b) && e.fast32(addend, 0) {
		if r, ok := e.fastMulAdd32(addend, a, b); ok {
			return r
		}
	}
	return uint32(e.mulAdd(&fmt32, uint64(addend), uint64(a), uint64(b)))
}

// fastMulAdd32 computes the exact product in float64, adds the addend with
// an exact error term, moves the sum to round-to-odd and rounds that to
// single, which gives the correctly rounded result (53 >= 24+2).
func (e *Env) fastMulAdd32(c, a, b uint32) (uint32, bool) {
	x, y := float64(math.Float32frombits(a)), float64(math.Float32frombits(b))
	p := float64(x * y)
	z := float64(math.Float32frombits(c))
	hi, lo := p, z
	if math.Abs(hi) < math.Abs(lo) {
		hi, lo = lo, hi
	}
	s := float64(hi + lo)
	sb := math.Float64bits(s)
	if sb&exp64 == exp64 {
		return 0, false
	}
	err := float64(lo - float64(s-hi)) // Fast2Sum
	if err != 0 && sb&1 == 0 {
		if (err > 0) == (s > 0) {
			sb++
		} else {
			sb--
		}
	}
	so := math.Float64frombits(sb)
	f := float32(so)
	r := math.Float32bits(f)
	if expIn32(r, 2) {
		if err != 0 || float64(f) != so {
			e.FPSR |= IXC
		}
		return r, true
	}
	if s == 0 { // exact zero sum: IEEE's sign rules are ARM's
		return r, true
	}
	return 0, false
}

// Max32 is FMAX (FPMax): NaNs propagate; max(-0, +0) = +0.
func (e *Env) Max32(a, b uint32) uint32 {
	if a&^sign32 <= exp32 && b&^sign32 <= exp32 && e.noFlush32(a, b) {
		return max32(a, b)
	}
	return uint32(e.minMax(&fmt32, uint64(a), uint64(b), true, false))
}

// Min32 is FMIN (FPMin): NaNs propagate; min(-0, +0) = -0.
func (e *Env) Min32(a, b uint32) uint32 {
	if a&^sign32 <= exp32 && b&^sign32 <= exp32 && e.noFlush32(a, b) {
		return min32(a, b)
	}
	return uint32(e.minMax(&fmt32, uint64(a), uint64(b), false, false))
}

// MaxNum32 is FMAXNM (FPMaxNum): a single quiet NaN operand is ignored.
func (e *Env) MaxNum32(a, b uint32) uint32 {
	if a&^sign32 <= exp32 && b&^sign32 <= exp32 && e.noFlush32(a, b) {
		return max32(a, b)
	}
	return uint32(e.minMax(&fmt32, uint64(a), uint64(b), true, true))
}

// MinNum32 is FMINNM (FPMinNum): a single quiet NaN operand is ignored.
func (e *Env) MinNum32(a, b uint32) uint32 {
	if a&^sign32 <= exp32 && b&^sign32 <= exp32 && e.noFlush32(a, b) {
		return min32(a, b)
	}
	return uint32(e.minMax(&fmt32, uint64(a), uint64(b), false, true))
}

// max32 and min32 are FPMax and FPMin for non-NaN operands without flushing.
func max32(a, b uint32) uint32 {
	x, y := math.Float32frombits(a), math.Float32frombits(b)
	switch {
	case x > y:
		return a
	case x < y:
		return b
	}
	return a & b
}

func min32(a, b uint32) uint32 {
	x, y := math.Float32frombits(a), math.Float32frombits(b)
	switch {
	case x < y:
		return a
	case x > y:
		return b
	}
	return a | b
}

// Abd32 is FABD: Abs32(Sub32(a, b)), which also clears a NaN's sign.
func (e *Env) Abd32(a, b uint32) uint32 { return Abs32(e.Sub32(a, b)) }

// Compare32 is FCMP (signalAll=false: IOC only for signalling NaNs) and
// FCMPE (signalAll=true: IOC for any NaN). It returns NZCV in bits 3:0
// (N=8 Z=4 C=2 V=1): equal 0110, less 1000, greater 0010, unordered 0011.
func (e *Env) Compare32(a, b uint32, signalAll bool) uint32 {
	if a&^sign32 <= exp32 && b&^sign32 <= exp32 && e.noFlush32(a, b) {
		x, y := math.Float32frombits(a), math.Float32frombits(b)
		switch {
		case x == y:
			return 0b0110
		case x < y:
			return 0b1000
		}
		return 0b0010
	}
	return e.nzcv(&fmt32, uint64(a), uint64(b), signalAll)
}

// CompareEQ32 is FCMEQ (FPCompareEQ: IOC only for signalling NaNs).
func (e *Env) CompareEQ32(a, b uint32) bool {
	if a&^sign32 <= exp32 && b&^sign32 <= exp32 && e.noFlush32(a, b) {
		return math.Float32frombits(a) == math.Float32frombits(b)
	}
	c, un := e.compare(&fmt32, uint64(a), uint64(b), false)
	return !un && c == 0
}

// CompareGE32 is FCMGE (FPCompareGE: IOC for any NaN).
func (e *Env) CompareGE32(a, b uint32) bool {
	if a&^sign32 <= exp32 && b&^sign32 <= exp32 && e.noFlush32(a, b) {
		return math.Float32frombits(a) >= math.Float32frombits(b)
	}
	c, un := e.compare(&fmt32, uint64(a), uint64(b), true)
	return !un && c >= 0
}

// CompareGT32 is FCMGT (FPCompareGT: IOC for any NaN).
func (e *Env) CompareGT32(a, b uint32) bool {
	if a&^sign32 <= exp32 && b&^sign32 <= exp32 && e.noFlush32(a, b) {
		return math.Float32frombits(a) > math.Float32frombits(b)
	}
	c, un := e.compare(&fmt32, uint64(a), uint64(b), true)
	return !un && c > 0
}

// RoundInt32 is FRINTN/P/M/Z/A (rmode explicit, exact=false), FRINTI
// (RoundFPCR, exact=false) and FRINTX (RoundFPCR, exact=true: IXC when the
// result differs from the operand).
func (e *Env) RoundInt32(a uint32, rmode int, exact bool) uint32 {
	if a&exp32 != exp32 && (a&exp32 != 0 || e.FPCR&FPCRFZ == 0) {
		x := float64(math.Float32frombits(a))
		r := roundF64(x, e.rmode(rmode))
		if exact && r != x {
			e.FPSR |= IXC
		}
		return math.Float32bits(float32(r))
	}
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
	if fbits == 0 && a&exp32 < (127+63)<<23 && (a&exp32 != 0 || e.FPCR&FPCRFZ == 0) {
		if r, ok := e.fastToInt(float64(math.Float32frombits(a)), rmode, unsigned, bits); ok {
			return r
		}
	}
	return e.toFixed(&fmt32, uint64(a), rmode, unsigned, bits, fbits)
}

// FromInt32 is FixedToFP to single: SCVTF (signed) or UCVTF of the low
// srcBits (16, 32 or 64) bits of v with fbits fraction bits (0 for the
// integer forms), rounded per FPCR.
func (e *Env) FromInt32(v uint64, signed bool, srcBits int, fbits int) uint32 {
	if e.FPCR&FPCRRMode == 0 && fbits == 0 { // results are never tiny
		var f float32
		var m uint64
		switch {
		case signed:
			s := int64(v<<(64-srcBits)) >> (64 - srcBits)
			f, m = float32(s), uint64(s)
			if s < 0 {
				m = -m
			}
		default:
			v &= ^uint64(0) >> (64 - srcBits)
			f, m = float32(v), v
		}
		if m != 0 && 64-bits.LeadingZeros64(m)-bits.TrailingZeros64(m) > 24 {
			e.FPSR |= IXC
		}
		return math.Float32bits(f)
	}
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
