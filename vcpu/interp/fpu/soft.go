package fpu

import (
	"math"
	"math/bits"
)

// This file is the exact software path: a direct transcription of the ARM
// ARM pseudocode (FPUnpack, FPProcessNaNs, FPRoundBase, FPAdd, FPMulAdd, ...)
// onto an unpacked representation with a 64-bit significand. It handles
// every precision, rounding mode, FPCR setting and operand class; the fast
// paths in the per-size files only handle common cases and fall back here.

// format describes one IEEE binary format.
type format struct {
	n      uint   // total width
	e      uint   // exponent bits
	f      uint   // fraction bits
	bias   int    // exponent bias
	minExp int    // exponent of the smallest normal
	fzBit  uint32 // FPCR bit that flushes this format (FZ or FZ16)
	idc    bool   // flushing an input sets IDC (not for half: FZ16 never does)
}

var (
	fmt16 = format{16, 5, 10, 15, -14, FPCRFZ16, false}
	fmt32 = format{32, 8, 23, 127, -126, FPCRFZ, true}
	fmt64 = format{64, 11, 52, 1023, -1022, FPCRFZ, true}
)

func (f *format) expMax() uint64   { return 1<<f.e - 1 }
func (f *format) fracMask() uint64 { return 1<<f.f - 1 }
func (f *format) quiet() uint64    { return 1 << (f.f - 1) }
func (f *format) zero(sign uint64) uint64 {
	return sign << (f.n - 1)
}
func (f *format) inf(sign uint64) uint64 {
	return sign<<(f.n-1) | f.expMax()<<f.f
}
func (f *format) maxNormal(sign uint64) uint64 {
	return sign<<(f.n-1) | (f.expMax()-1)<<f.f | f.fracMask()
}
func (f *format) defaultNaN() uint64 {
	return f.expMax()<<f.f | f.quiet()
}

// constant returns sign:(bias+exp):frac-top-bits, used for 1.5, 2.0, 3.0.
func (f *format) constant(sign uint64, exp int, topFrac uint64) uint64 {
	return sign<<(f.n-1) | uint64(f.bias+exp)<<f.f | topFrac<<(f.f-2)
}

func formatOf(n int) *format {
	switch n {
	case 16:
		return &fmt16
	case 32:
		return &fmt32
	}
	return &fmt64
}

// Operand classes (FPType). Everything >= clsQNaN is a NaN.
const (
	clsZero = iota
	clsNum  // finite and nonzero (normal, or denormal that was not flushed)
	clsInf
	clsQNaN
	clsSNaN
)

// unp is an unpacked operand: value = (-1)^sign * mant * 2^(exp-63), with
// bit 63 of mant set for clsNum.
type unp struct {
	cls  int
	sign uint64
	exp  int
	mant uint64
}

// unpack is FPUnpackBase. fz flushes denormals to zero (setting IDC when the
// format says so); ahp selects the alternative half-precision format.
func (e *Env) unpack(f *format, x uint64, fz, ahp bool) (u unp) {
	u.sign = x >> (f.n - 1) & 1
	ex := x >> f.f & f.expMax()
	frac := x & f.fracMask()
	switch {
	case ex == 0:
		if frac == 0 {
			u.cls = clsZero
			return
		}
		if fz {
			u.cls = clsZero
			if f.idc {
				e.FPSR |= IDC
			}
			return
		}
		lz := bits.LeadingZeros64(frac)
		u.cls = clsNum
		u.mant = frac << uint(lz)
		u.exp = f.minExp - int(f.f) + 63 - lz
	case ex == f.expMax() && !ahp:
		switch {
		case frac == 0:
			u.cls = clsInf
		case frac&f.quiet() != 0:
			u.cls = clsQNaN
		default:
			u.cls = clsSNaN
		}
	default:
		u.cls = clsNum
		u.mant = (1<<f.f | frac) << (63 - f.f)
		u.exp = int(ex) - f.bias
	}
	return
}

func (e *Env) fz(f *format) bool { return e.FPCR&f.fzBit != 0 }

func (e *Env) rmode(r int) int {
	if r < 0 {
		return int(e.FPCR>>22) & 3
	}
	return r
}

// processNaN is FPProcessNaN.
func (e *Env) processNaN(f *format, cls int, x uint64) uint64 {
	if cls == clsSNaN {
		x |= f.quiet()
		e.FPSR |= IOC
	}
	if e.FPCR&FPCRDN != 0 {
		return f.defaultNaN()
	}
	return x
}

// processNaNs is FPProcessNaNs; the caller knows one operand is a NaN.
func (e *Env) processNaNs(f *format, c1, c2 int, x1, x2 uint64) uint64 {
	switch {
	case c1 == clsSNaN:
		return e.processNaN(f, c1, x1)
	case c2 == clsSNaN:
		return e.processNaN(f, c2, x2)
	case c1 == clsQNaN:
		return e.processNaN(f, c1, x1)
	}
	return e.processNaN(f, c2, x2)
}

// processNaNs3 is FPProcessNaNs3; the caller knows one operand is a NaN.
func (e *Env) processNaNs3(f *format, c1, c2, c3 int, x1, x2, x3 uint64) uint64 {
	switch {
	case c1 == clsSNaN:
		return e.processNaN(f, c1, x1)
	case c2 == clsSNaN:
		return e.processNaN(f, c2, x2)
	case c3 == clsSNaN:
		return e.processNaN(f, c3, x3)
	case c1 == clsQNaN:
		return e.processNaN(f, c1, x1)
	case c2 == clsQNaN:
		return e.processNaN(f, c2, x2)
	}
	return e.processNaN(f, c3, x3)
}

func (e *Env) invalid(f *format) uint64 {
	e.FPSR |= IOC
	return f.defaultNaN()
}

// exactZero is the result of an exact sum that is zero with operands of
// different signs: -0 when rounding toward minus infinity, else +0.
func (f *format) exactZero(rmode int) uint64 {
	if rmode == RoundMinusInf {
		return f.zero(1)
	}
	return 0
}

// round is FPRoundBase for the nonzero value (-1)^sign * mant * 2^(exp-63),
// where bit 63 of mant is set and bit 0 is sticky (ORed with any nonzero
// bits below it). fz flushes tiny results (UFC); ahp selects the
// alternative half-precision overflow rule.
func (e *Env) round(f *format, sign uint64, exp int, mant uint64, rmode int, fz, ahp bool) uint64 {
	if exp < f.minExp && fz {
		e.FPSR |= UFC
		return f.zero(sign)
	}
	biased := exp - f.minExp + 1
	shift := 63 - int(f.f)
	if biased < 1 {
		shift += 1 - biased
		biased = 0
	}
	var im, rem, half uint64
	switch {
	case shift < 64:
		im = mant >> uint(shift)
		rem = mant & (1<<uint(shift) - 1)
		half = 1 << uint(shift-1)
	case shift == 64:
		rem, half = mant, 1<<63
	default:
		rem, half = 1, 1<<63 // nonzero, below one half
	}
	inexact := rem != 0
	if biased == 0 && inexact {
		e.FPSR |= UFC
	}
	up, toInf := false, true
	switch rmode {
	case RoundNearest:
		up = rem > half || rem == half && im&1 != 0
	case RoundPlusInf:
		up, toInf = inexact && sign == 0, sign == 0
	case RoundMinusInf:
		up, toInf = inexact && sign != 0, sign != 0
	case RoundZero, RoundOdd:
		toInf = false
	case RoundTiesAway:
		up = rem >= half
	}
	if up {
		im++
		if im == 1<<f.f { // denormal rounded up to the smallest normal
			biased = 1
		}
		if im == 1<<(f.f+1) {
			biased++
			im >>= 1
		}
	}
	if inexact && rmode == RoundOdd {
		im |= 1
	}
	if !ahp {
		if uint64(biased) >= f.expMax() {
			e.FPSR |= OFC | IXC
			if toInf {
				return f.inf(sign)
			}
			return f.maxNormal(sign)
		}
	} else if uint64(biased) > f.expMax() {
		e.FPSR |= IOC
		return sign<<(f.n-1) | (1<<(f.n-1) - 1)
	}
	if inexact {
		e.FPSR |= IXC
	}
	return sign<<(f.n-1) | uint64(biased)<<f.f | im&f.fracMask()
}

// shr64s shifts right with sticky (any bit shifted out is ORed into bit 0).
func shr64s(m uint64, d int) uint64 {
	if d <= 0 {
		return m
	}
	if d >= 64 {
		if m != 0 {
			return 1
		}
		return 0
	}
	r := m >> uint(d)
	if m&(1<<uint(d)-1) != 0 {
		r |= 1
	}
	return r
}

// shr128s is shr64s for the 128-bit value hi:lo.
func shr128s(hi, lo uint64, d int) (uint64, uint64) {
	switch {
	case d <= 0:
		return hi, lo
	case d >= 128:
		if hi|lo != 0 {
			return 0, 1
		}
		return 0, 0
	case d >= 64:
		s := lo != 0 || hi<<uint(128-d) != 0
		lo = hi >> uint(d-64)
		if s {
			lo |= 1
		}
		return 0, lo
	}
	s := lo<<uint(64-d) != 0
	lo = lo>>uint(d) | hi<<uint(64-d)
	hi >>= uint(d)
	if s {
		lo |= 1
	}
	return hi, lo
}

// addNum adds two finite nonzero unpacked values exactly and rounds.
func (e *Env) addNum(f *format, a, b unp, rmode int, fz bool) uint64 {
	ma, mb := a.mant>>1, b.mant>>1
	if a.exp < b.exp || a.exp == b.exp && ma < mb {
		a, b = b, a
		ma, mb = mb, ma
	}
	mb = shr64s(mb, a.exp-b.exp)
	var m uint64
	if a.sign == b.sign {
		m = ma + mb
	} else {
		m = ma - mb
	}
	if m == 0 {
		return f.exactZero(rmode)
	}
	lz := bits.LeadingZeros64(m)
	return e.round(f, a.sign, a.exp+1-lz, m<<uint(lz), rmode, fz, false)
}

// add is FPAdd, or FPSub when sub is set.
func (e *Env) add(f *format, x, y uint64, sub bool) uint64 {
	fz := e.fz(f)
	a := e.unpack(f, x, fz, false)
	b := e.unpack(f, y, fz, false)
	if a.cls >= clsQNaN || b.cls >= clsQNaN {
		return e.processNaNs(f, a.cls, b.cls, x, y)
	}
	if sub {
		b.sign ^= 1
		y ^= 1 << (f.n - 1)
	}
	rmode := e.rmode(RoundFPCR)
	switch {
	case a.cls == clsInf && b.cls == clsInf && a.sign != b.sign:
		return e.invalid(f)
	case a.cls == clsInf:
		return f.inf(a.sign)
	case b.cls == clsInf:
		return f.inf(b.sign)
	case a.cls == clsZero && b.cls == clsZero:
		if a.sign == b.sign {
			return f.zero(a.sign)
		}
		return f.exactZero(rmode)
	case a.cls == clsZero:
		return y // exact: FPRound of a representable value
	case b.cls == clsZero:
		return x
	}
	return e.addNum(f, a, b, rmode, fz)
}

// mulNum multiplies two finite nonzero values and rounds.
func (e *Env) mulNum(f *format, a, b unp, rmode int, fz bool) uint64 {
	hi, lo := bits.Mul64(a.mant, b.mant)
	exp := a.exp + b.exp
	if hi>>63 != 0 {
		exp++
	} else {
		hi = hi<<1 | lo>>63
		lo <<= 1
	}
	if lo != 0 {
		hi |= 1
	}
	return e.round(f, a.sign^b.sign, exp, hi, rmode, fz, false)
}

// mul is FPMul, or FPMulX when mulx is set.
func (e *Env) mul(f *format, x, y uint64, mulx bool) uint64 {
	fz := e.fz(f)
	a := e.unpack(f, x, fz, false)
	b := e.unpack(f, y, fz, false)
	if a.cls >= clsQNaN || b.cls >= clsQNaN {
		return e.processNaNs(f, a.cls, b.cls, x, y)
	}
	sign := a.sign ^ b.sign
	switch {
	case a.cls == clsInf && b.cls == clsZero || a.cls == clsZero && b.cls == clsInf:
		if mulx {
			return f.constant(sign, 1, 0)
		}
		return e.invalid(f)
	case a.cls == clsInf || b.cls == clsInf:
		return f.inf(sign)
	case a.cls == clsZero || b.cls == clsZero:
		return f.zero(sign)
	}
	return e.mulNum(f, a, b, e.rmode(RoundFPCR), fz)
}

// div is FPDiv.
func (e *Env) div(f *format, x, y uint64) uint64 {
	fz := e.fz(f)
	a := e.unpack(f, x, fz, false)
	b := e.unpack(f, y, fz, false)
	if a.cls >= clsQNaN || b.cls >= clsQNaN {
		return e.processNaNs(f, a.cls, b.cls, x, y)
	}
	sign := a.sign ^ b.sign
	switch {
	case a.cls == clsInf && b.cls == clsInf || a.cls == clsZero && b.cls == clsZero:
		return e.invalid(f)
	case a.cls == clsInf || b.cls == clsZero:
		if a.cls != clsInf {
			e.FPSR |= DZC
		}
		return f.inf(sign)
	case a.cls == clsZero || b.cls == clsInf:
		return f.zero(sign)
	}
	q, r := bits.Div64(a.mant>>1, a.mant<<63, b.mant)
	exp := a.exp - b.exp
	if q>>63 == 0 {
		q <<= 1
		exp--
	}
	if r != 0 {
		q |= 1
	}
	return e.round(f, sign, exp, q, e.rmode(RoundFPCR), fz, false)
}

// isqrt returns floor(sqrt(hi:lo)) for 2^110 <= hi:lo < 2^112 and whether
// it is exact.
func isqrt(hi, lo uint64) (uint64, bool) {
	r := uint64(math.Sqrt(float64(hi)*0x1p64 + float64(lo)))
	q, _ := bits.Div64(hi, lo, r) // hi < 2^48 < r
	r = (r + q) >> 1
	for {
		h, l := bits.Mul64(r, r)
		if h > hi || h == hi && l > lo {
			r--
			continue
		}
		h, l = bits.Mul64(r+1, r+1)
		if h < hi || h == hi && l <= lo {
			r++
			continue
		}
		break
	}
	h, l := bits.Mul64(r, r)
	return r, h == hi && l == lo
}

// sqrt is FPSqrt.
func (e *Env) sqrt(f *format, x uint64) uint64 {
	fz := e.fz(f)
	a := e.unpack(f, x, fz, false)
	switch {
	case a.cls >= clsQNaN:
		return e.processNaN(f, a.cls, x)
	case a.cls == clsZero:
		return f.zero(a.sign)
	case a.cls == clsInf && a.sign == 0:
		return f.inf(0)
	case a.sign != 0:
		return e.invalid(f)
	}
	// value = mant * 2^E; take N = mant * 2^k in [2^110, 2^112) with E-k even.
	E := a.exp - 63
	k := 48
	if (E-k)&1 != 0 {
		k = 47
	}
	r, exact := isqrt(a.mant>>uint(64-k), a.mant<<uint(k))
	m := r << 8
	if !exact {
		m |= 1
	}
	return e.round(f, 0, 55+(E-k)/2, m, e.rmode(RoundFPCR), fz, false)
}

// fmaNum computes round((c + a*b) * 2^adj) for finite operands, at least one
// of c and a*b nonzero. It is the numeric tail of FPMulAdd,
// FPRecipStepFused (c=2) and FPRSqrtStepFused (c=3, adj=-1).
func (e *Env) fmaNum(f *format, c, a, b unp, adj int, rmode int, fz bool) uint64 {
	if a.cls == clsZero || b.cls == clsZero {
		if c.cls == clsZero { // opposite signs, exact zero
			return f.exactZero(rmode)
		}
		return e.round(f, c.sign, c.exp+adj, c.mant, rmode, fz, false)
	}
	phi, plo := bits.Mul64(a.mant, b.mant)
	pexp := a.exp + b.exp
	if phi>>63 != 0 {
		pexp++
	} else {
		phi = phi<<1 | plo>>63
		plo <<= 1
	}
	psign := a.sign ^ b.sign
	if c.cls == clsZero {
		if plo != 0 {
			phi |= 1
		}
		return e.round(f, psign, pexp+adj, phi, rmode, fz, false)
	}
	// Both leading bits at 127; make room for the carry (lossless: the
	// product has at least 20 trailing zero bits, the addend 64).
	phi, plo = phi>>1, plo>>1|phi<<63
	chi, clo := c.mant>>1, c.mant<<63
	csign, cexp := c.sign, c.exp
	if pexp > cexp || pexp == cexp && (phi > chi || phi == chi && plo > clo) {
		phi, plo, chi, clo = chi, clo, phi, plo
		psign, csign = csign, psign
		pexp, cexp = cexp, pexp
	}
	// now c is the larger magnitude
	phi, plo = shr128s(phi, plo, cexp-pexp)
	var hi, lo uint64
	if psign == csign {
		var carry uint64
		lo, carry = bits.Add64(clo, plo, 0)
		hi, _ = bits.Add64(chi, phi, carry)
	} else {
		var borrow uint64
		lo, borrow = bits.Sub64(clo, plo, 0)
		hi, _ = bits.Sub64(chi, phi, borrow)
	}
	if hi|lo == 0 {
		return f.exactZero(rmode)
	}
	lz := bits.LeadingZeros64(hi)
	if hi == 0 {
		lz = 64 + bits.LeadingZeros64(lo)
	}
	switch {
	case lz >= 64:
		hi, lo = lo<<uint(lz-64), 0
	case lz > 0:
		hi, lo = hi<<uint(lz)|lo>>uint(64-lz), lo<<uint(lz)
	}
	if lo != 0 {
		hi |= 1
	}
	return e.round(f, csign, cexp+1-lz+adj, hi, rmode, fz, false)
}

// mulAdd is FPMulAdd: c + a*b.
func (e *Env) mulAdd(f *format, z, x, y uint64) uint64 {
	fz := e.fz(f)
	c := e.unpack(f, z, fz, false)
	a := e.unpack(f, x, fz, false)
	b := e.unpack(f, y, fz, false)
	infZero := a.cls == clsInf && b.cls == clsZero || a.cls == clsZero && b.cls == clsInf
	if c.cls == clsQNaN && infZero {
		return e.invalid(f)
	}
	if c.cls >= clsQNaN || a.cls >= clsQNaN || b.cls >= clsQNaN {
		return e.processNaNs3(f, c.cls, a.cls, b.cls, z, x, y)
	}
	psign := a.sign ^ b.sign
	pinf := a.cls == clsInf || b.cls == clsInf
	pzero := a.cls == clsZero || b.cls == clsZero
	switch {
	case infZero || c.cls == clsInf && pinf && c.sign != psign:
		return e.invalid(f)
	case c.cls == clsInf:
		return f.inf(c.sign)
	case pinf:
		return f.inf(psign)
	case c.cls == clsZero && pzero && c.sign == psign:
		return f.zero(c.sign)
	}
	return e.fmaNum(f, c, a, b, 0, e.rmode(RoundFPCR), fz)
}

// stepFused is FPRecipStepFused (rsqrt=false: 2 - a*b) and
// FPRSqrtStepFused (rsqrt=true: (3 - a*b)/2).
func (e *Env) stepFused(f *format, x, y uint64, rsqrt bool) uint64 {
	fz := e.fz(f)
	x ^= 1 << (f.n - 1) // FPNeg before NaN processing
	a := e.unpack(f, x, fz, false)
	b := e.unpack(f, y, fz, false)
	if a.cls >= clsQNaN || b.cls >= clsQNaN {
		return e.processNaNs(f, a.cls, b.cls, x, y)
	}
	switch {
	case a.cls == clsInf && b.cls == clsZero || a.cls == clsZero && b.cls == clsInf:
		if rsqrt {
			return f.constant(0, 0, 2) // 1.5
		}
		return f.constant(0, 1, 0) // 2.0
	case a.cls == clsInf || b.cls == clsInf:
		return f.inf(a.sign ^ b.sign)
	}
	c := unp{cls: clsNum, exp: 1, mant: 1 << 63} // 2.0
	adj := 0
	if rsqrt {
		c.mant = 3 << 62 // 3.0
		adj = -1
	}
	return e.fmaNum(f, c, a, b, adj, e.rmode(RoundFPCR), fz)
}
