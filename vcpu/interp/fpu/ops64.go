package fpu

import (
	"math"
	"math/bits"
)

// Fast paths: when FPCR selects round-to-nearest (DN only matters for NaN
// results, which always take the exact path; FZ only for denormal operands
// and tiny results, which do too), host IEEE arithmetic gives the ARM result
// for finite operands and finite, non-tiny results; the inexact flag comes
// from error-free transformations (Fast2Sum, FMA residuals, Boldo-Muller
// ErrFma). Anything else falls back to the exact software path in soft.go.
// Expressions that must be rounded separately are wrapped in float64() so
// that no compiler fuses them (Go may fuse x*y+z on arm64).

const (
	fastMask = FPCRFZ | FPCRRMode // FPCR bits the fast paths must look at
	sign64   = 1 << 63
	exp64    = 0x7FF << 52
)

// fast64 reports whether the fast paths may handle operands a and b:
// round to nearest, and under FZ no denormal operand (which would need
// flushing). Results that FZ would flush are rejected by each fast path.
func (e *Env) fast64(a, b uint64) bool {
	switch e.FPCR & fastMask {
	case 0:
		return true
	case FPCRFZ:
		return !denormal64(a) && !denormal64(b)
	}
	return false
}

// noFlush64 reports that FZ would not change a or b.
func (e *Env) noFlush64(a, b uint64) bool {
	return e.FPCR&FPCRFZ == 0 || !denormal64(a) && !denormal64(b)
}

func denormal64(a uint64) bool { return a&exp64 == 0 && a&^sign64 != 0 }

// expIn64 reports whether the biased exponent field of r (sign ignored)
// lies in [lo, 0x7FE].
func expIn64(r uint64, lo uint64) bool { return (r>>52&0x7FF)-lo <= 0x7FE-lo }

// Add64 is FADD (FPAdd).
func (e *Env) Add64(a, b uint64) uint64 {
	if e.fast64(a, b) {
		if r, ok := e.fastAdd64(math.Float64frombits(a), math.Float64frombits(b)); ok {
			return r
		}
	}
	return e.add(&fmt64, a, b, false)
}

// fastAdd64 adds finite operands whose sum is finite: sums never underflow
// inexactly, and exact zeros get IEEE's (= ARM's) round-to-nearest sign.
func (e *Env) fastAdd64(x, y float64) (uint64, bool) {
	s := x + y
	r := math.Float64bits(s)
	if r&exp64 == exp64 || denormal64(r) && e.FPCR&FPCRFZ != 0 {
		return 0, false
	}
	if math.Abs(x) < math.Abs(y) {
		x, y = y, x
	}
	if float64(s-x) != y { // Fast2Sum: s-x is exact, the error is y-(s-x)
		e.FPSR |= IXC
	}
	return r, true
}

// Sub64 is FSUB (FPSub). The NaN operand b is propagated with its own sign.
func (e *Env) Sub64(a, b uint64) uint64 {
	if e.fast64(a, b) {
		if r, ok := e.fastAdd64(math.Float64frombits(a), -math.Float64frombits(b)); ok {
			return r
		}
	}
	return e.add(&fmt64, a, b, true)
}

// Mul64 is FMUL (FPMul).
func (e *Env) Mul64(a, b uint64) uint64 {
	if e.fast64(a, b) {
		if r, ok := e.fastMul64(math.Float64frombits(a), math.Float64frombits(b)); ok {
			return r
		}
	}
	return e.mul(&fmt64, a, b, false)
}

// fastMul64 multiplies when the product is far enough from the subnormal
// range for the FMA residual to be exact, or is an exact zero.
func (e *Env) fastMul64(x, y float64) (uint64, bool) {
	p := x * y
	r := math.Float64bits(p)
	if expIn64(r, 55) {
		if math.FMA(x, y, -p) != 0 {
			e.FPSR |= IXC
		}
		return r, true
	}
	if p == 0 && (x == 0 || y == 0) { // finite: 0*Inf would be NaN
		return r, true
	}
	return 0, false
}

// MulX64 is FMULX (FPMulX: 0 * Inf = ±2.0).
func (e *Env) MulX64(a, b uint64) uint64 {
	if e.fast64(a, b) {
		if r, ok := e.fastMul64(math.Float64frombits(a), math.Float64frombits(b)); ok {
			return r
		}
	}
	return e.mul(&fmt64, a, b, true)
}

// Div64 is FDIV (FPDiv).
func (e *Env) Div64(a, b uint64) uint64 {
	if e.fast64(a, b) && expIn64(b, 1) {
		x, y := math.Float64frombits(a), math.Float64frombits(b)
		q := x / y
		r := math.Float64bits(q)
		if expIn64(r, 2) && expIn64(a, 54) {
			if math.FMA(-q, y, x) != 0 { // exact remainder
				e.FPSR |= IXC
			}
			return r
		}
		if a&^sign64 == 0 {
			return r
		}
	}
	return e.div(&fmt64, a, b)
}

// Sqrt64 is FSQRT (FPSqrt).
func (e *Env) Sqrt64(a uint64) uint64 {
	if e.FPCR&FPCRRMode == 0 && a>>52-54 <= 0x7FE-54 { // positive, exponent >= 54
		x := math.Float64frombits(a)
		s := math.Sqrt(x)
		if math.FMA(s, s, -x) != 0 {
			e.FPSR |= IXC
		}
		return math.Float64bits(s)
	}
	return e.sqrt(&fmt64, a)
}

// MulAdd64 is FPMulAdd: addend + a*b with a single rounding (FMADD, FMLA;
// see the package comment for FMSUB, FNMADD, FNMSUB, FMLS). NaNs are
// processed in the order addend, a, b; Inf*0 gives the default NaN and IOC
// even when the addend is a quiet NaN.
func (e *Env) MulAdd64(addend, a, b uint64) uint64 {
	if e.FPCR&FPCRRMode == 0 { // fastMulAdd64 takes no denormal operand
		if r, ok := e.fastMulAdd64(addend, a, b); ok {
			return r
		}
	}
	return e.mulAdd(&fmt64, addend, a, b)
}

// fastMulAdd64 handles normal operands with the product exponent in
// [-960, 1000] and the addend's below 1000, or a zero addend. The rounding
// error of the FMA is r2 = gamma + alpha2 of Boldo and Muller's ErrFma
// ("Exact and approximated error of the FMA", IEEE TC 2011), computed exactly.
func (e *Env) fastMulAdd64(c, a, b uint64) (uint64, bool) {
	ea, eb, ec := a>>52&0x7FF, b>>52&0x7FF, c>>52&0x7FF
	if ea-1 > 0x7FD || eb-1 > 0x7FD || ea+eb-1086 > 3046-1086 {
		return 0, false
	}
	x, y, z := math.Float64frombits(a), math.Float64frombits(b), math.Float64frombits(c)
	if c&^sign64 == 0 { // zero addend: the rounded product
		return e.fastMul64(x, y)
	}
	if ec-1 > 2023-1 {
		return 0, false
	}
	r1 := math.FMA(x, y, z)
	r := math.Float64bits(r1)
	if !expIn64(r, 2) {
		return 0, false
	}
	u1 := float64(x * y)
	u2 := math.FMA(x, y, -u1)
	a1, a2 := twoSum(z, u2)
	b1, b2 := twoSum(u1, a1)
	g := float64(float64(b1-r1) + b2)
	if g != -a2 {
		e.FPSR |= IXC
	}
	return r, true
}

// twoSum returns s = fl(a+b) and the exact error a+b-s (Knuth).
func twoSum(a, b float64) (float64, float64) {
	s := float64(a + b)
	bb := float64(s - a)
	return s, float64(a-float64(s-bb)) + float64(b-bb)
}

// Max64 is FMAX (FPMax): NaNs propagate; max(-0, +0) = +0.
func (e *Env) Max64(a, b uint64) uint64 {
	if a&^sign64 <= exp64 && b&^sign64 <= exp64 && e.noFlush64(a, b) {
		return max64(a, b)
	}
	return e.minMax(&fmt64, a, b, true, false)
}

// max64 and min64 are FPMax and FPMin for non-NaN operands without flushing.
func max64(a, b uint64) uint64 {
	x, y := math.Float64frombits(a), math.Float64frombits(b)
	switch {
	case x > y:
		return a
	case x < y:
		return b
	}
	return a & b // equal: +0 unless both are -0
}

func min64(a, b uint64) uint64 {
	x, y := math.Float64frombits(a), math.Float64frombits(b)
	switch {
	case x < y:
		return a
	case x > y:
		return b
	}
	return a | b // equal: -0 if either is -0
}

// Min64 is FMIN (FPMin): NaNs propagate; min(-0, +0) = -0.
func (e *Env) Min64(a, b uint64) uint64 {
	if a&^sign64 <= exp64 && b&^sign64 <= exp64 && e.noFlush64(a, b) {
		return min64(a, b)
	}
	return e.minMax(&fmt64, a, b, false, false)
}

// MaxNum64 is FMAXNM (FPMaxNum): a single quiet NaN operand is ignored.
func (e *Env) MaxNum64(a, b uint64) uint64 {
	if a&^sign64 <= exp64 && b&^sign64 <= exp64 && e.noFlush64(a, b) {
		return max64(a, b)
	}
	return e.minMax(&fmt64, a, b, true, true)
}

// MinNum64 is FMINNM (FPMinNum): a single quiet NaN operand is ignored.
func (e *Env) MinNum64(a, b uint64) uint64 {
	if a&^sign64 <= exp64 && b&^sign64 <= exp64 && e.noFlush64(a, b) {
		return min64(a, b)
	}
	return e.minMax(&fmt64, a, b, false, true)
}

// Abd64 is FABD: Abs64(Sub64(a, b)), which also clears a NaN's sign.
func (e *Env) Abd64(a, b uint64) uint64 { return Abs64(e.Sub64(a, b)) }

// Compare64 is FCMP (signalAll=false: IOC only for signalling NaNs) and
// FCMPE (signalAll=true: IOC for any NaN). It returns NZCV in bits 3:0
// (N=8 Z=4 C=2 V=1): equal 0110, less 1000, greater 0010, unordered 0011.
func (e *Env) Compare64(a, b uint64, signalAll bool) uint32 {
	if a&^sign64 <= exp64 && b&^sign64 <= exp64 && e.noFlush64(a, b) {
		x, y := math.Float64frombits(a), math.Float64frombits(b)
		switch {
		case x == y:
			return 0b0110
		case x < y:
			return 0b1000
		}
		return 0b0010
	}
	return e.nzcv(&fmt64, a, b, signalAll)
}

// CompareEQ64 is FCMEQ (FPCompareEQ: IOC only for signalling NaNs).
func (e *Env) CompareEQ64(a, b uint64) bool {
	if a&^sign64 <= exp64 && b&^sign64 <= exp64 && e.noFlush64(a, b) {
		return math.Float64frombits(a) == math.Float64frombits(b)
	}
	c, un := e.compare(&fmt64, a, b, false)
	return !un && c == 0
}

// CompareGE64 is FCMGE (FPCompareGE: IOC for any NaN).
func (e *Env) CompareGE64(a, b uint64) bool {
	if a&^sign64 <= exp64 && b&^sign64 <= exp64 && e.noFlush64(a, b) {
		return math.Float64frombits(a) >= math.Float64frombits(b)
	}
	c, un := e.compare(&fmt64, a, b, true)
	return !un && c >= 0
}

// CompareGT64 is FCMGT (FPCompareGT: IOC for any NaN).
func (e *Env) CompareGT64(a, b uint64) bool {
	if a&^sign64 <= exp64 && b&^sign64 <= exp64 && e.noFlush64(a, b) {
		return math.Float64frombits(a) > math.Float64frombits(b)
	}
	c, un := e.compare(&fmt64, a, b, true)
	return !un && c > 0
}

// RoundInt64 is FRINTN/P/M/Z/A (rmode explicit, exact=false), FRINTI
// (RoundFPCR, exact=false) and FRINTX (RoundFPCR, exact=true: IXC when the
// result differs from the operand).
func (e *Env) RoundInt64(a uint64, rmode int, exact bool) uint64 {
	if a&exp64 != exp64 && (a&exp64 != 0 || e.FPCR&FPCRFZ == 0) {
		x := math.Float64frombits(a)
		r := roundF64(x, e.rmode(rmode))
		if exact && r != x {
			e.FPSR |= IXC
		}
		return math.Float64bits(r)
	}
	return e.roundInt(&fmt64, a, rmode, exact)
}

// roundF64 rounds a finite x to an integral value (keeping the sign of zero).
func roundF64(x float64, rmode int) float64 {
	switch rmode {
	case RoundNearest:
		return math.RoundToEven(x)
	case RoundPlusInf:
		return math.Ceil(x)
	case RoundMinusInf:
		return math.Floor(x)
	case RoundZero:
		return math.Trunc(x)
	}
	return math.Round(x)
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
	if fbits == 0 && a&exp64 < (1023+63)<<52 && (a&exp64 != 0 || e.FPCR&FPCRFZ == 0) {
		if r, ok := e.fastToInt(math.Float64frombits(a), rmode, unsigned, bits); ok {
			return r
		}
	}
	return e.toFixed(&fmt64, a, rmode, unsigned, bits, fbits)
}

// fastToInt converts |x| < 2^63 when the result is in range.
func (e *Env) fastToInt(x float64, rmode int, unsigned bool, bits int) (uint64, bool) {
	t := roundF64(x, e.rmode(rmode))
	v := int64(t)
	switch {
	case unsigned && v < 0, bits < 64 && (unsigned && v>>bits != 0 || !unsigned && v != v<<(64-bits)>>(64-bits)):
		return 0, false
	}
	if t != x {
		e.FPSR |= IXC
	}
	if bits < 64 {
		return uint64(v) & (1<<bits - 1), true
	}
	return uint64(v), true
}

// FromInt64 is FixedToFP to double: SCVTF (signed) or UCVTF of the low
// srcBits (16, 32 or 64) bits of v with fbits fraction bits (0 for the
// integer forms), rounded per FPCR.
func (e *Env) FromInt64(v uint64, signed bool, srcBits int, fbits int) uint64 {
	if e.FPCR&FPCRRMode == 0 && fbits == 0 { // results are never tiny
		var f float64
		var m uint64
		switch {
		case signed:
			s := int64(v<<(64-srcBits)) >> (64 - srcBits)
			f, m = float64(s), uint64(s)
			if s < 0 {
				m = -m
			}
		default:
			v &= ^uint64(0) >> (64 - srcBits)
			f, m = float64(v), v
		}
		if m != 0 && 64-bits.LeadingZeros64(m)-bits.TrailingZeros64(m) > 53 {
			e.FPSR |= IXC
		}
		return math.Float64bits(f)
	}
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
