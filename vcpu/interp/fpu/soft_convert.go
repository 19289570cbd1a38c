package fpu

import (
	"math"
	"math/bits"
)

// The exact software path, continued: comparisons, min/max, rounding to
// integral, fixed-point and format conversions, and the estimate tables.

// cmpVal compares two non-NaN unpacked values: -1, 0 or +1.
func cmpVal(a, b unp) int {
	if a.cls == clsZero && b.cls == clsZero {
		return 0
	}
	// Map to a monotone key: class zero < num < inf in magnitude.
	ka, kb := magKey(a), magKey(b)
	if a.cls == clsZero {
		a.sign = b.sign ^ 1
	}
	if b.cls == clsZero {
		b.sign = a.sign ^ 1
	}
	if a.sign != b.sign {
		if a.sign != 0 {
			return -1
		}
		return 1
	}
	r := 0
	switch {
	case ka.hi != kb.hi:
		if ka.hi < kb.hi {
			r = -1
		} else {
			r = 1
		}
	case ka.lo != kb.lo:
		if ka.lo < kb.lo {
			r = -1
		} else {
			r = 1
		}
	}
	if a.sign != 0 {
		r = -r
	}
	return r
}

type key struct {
	hi int
	lo uint64
}

func magKey(a unp) key {
	switch a.cls {
	case clsZero:
		return key{math.MinInt, 0}
	case clsInf:
		return key{math.MaxInt, 0}
	}
	return key{a.exp, a.mant}
}

// minMax is FPMax/FPMin, and FPMaxNum/FPMinNum when num is set.
func (e *Env) minMax(f *format, x, y uint64, isMax, num bool) uint64 {
	fz := e.fz(f)
	a := e.unpack(f, x, fz, false)
	b := e.unpack(f, y, fz, false)
	if num {
		var s uint64 // the infinity a single quiet NaN is treated as
		if !isMax {
			s = 0
		} else {
			s = 1
		}
		if a.cls == clsQNaN && b.cls != clsQNaN {
			x = f.inf(s)
			a = unp{cls: clsInf, sign: s}
		} else if a.cls != clsQNaN && b.cls == clsQNaN {
			y = f.inf(s)
			b = unp{cls: clsInf, sign: s}
		}
	}
	if a.cls >= clsQNaN || b.cls >= clsQNaN {
		return e.processNaNs(f, a.cls, b.cls, x, y)
	}
	c := cmpVal(a, b)
	pickA := c > 0
	if !isMax {
		pickA = c < 0
	}
	r, rx := b, y
	if pickA {
		r, rx = a, x
	}
	switch r.cls {
	case clsInf:
		return f.inf(r.sign)
	case clsZero:
		if isMax {
			return f.zero(a.sign & b.sign)
		}
		return f.zero(a.sign | b.sign)
	}
	return rx // FPRound of a representable value is exact
}

// compare is the common part of FPCompare*: it returns the ordering and
// whether the operands are unordered, raising IOC for signalling NaNs and,
// when signalAll, for quiet NaNs.
func (e *Env) compare(f *format, x, y uint64, signalAll bool) (int, bool) {
	fz := e.fz(f)
	a := e.unpack(f, x, fz, false)
	b := e.unpack(f, y, fz, false)
	if a.cls >= clsQNaN || b.cls >= clsQNaN {
		if a.cls == clsSNaN || b.cls == clsSNaN || signalAll {
			e.FPSR |= IOC
		}
		return 0, true
	}
	return cmpVal(a, b), false
}

func (e *Env) nzcv(f *format, x, y uint64, signalAll bool) uint32 {
	c, un := e.compare(f, x, y, signalAll)
	switch {
	case un:
		return 0b0011
	case c == 0:
		return 0b0110
	case c < 0:
		return 0b1000
	}
	return 0b0010
}

// roundMag rounds the magnitude mant * 2^(exp-63) (exp <= 63) to an integer
// per rmode, where sign is the value's sign. It returns the magnitude and
// whether the value was not an integer.
func roundMag(sign uint64, exp int, mant uint64, rmode int) (uint64, bool) {
	shift := 63 - exp
	var im, rem, half uint64
	switch {
	case shift <= 0:
		return mant, false
	case shift < 64:
		im = mant >> uint(shift)
		rem = mant & (1<<uint(shift) - 1)
		half = 1 << uint(shift-1)
	case shift == 64:
		rem, half = mant, 1<<63
	default:
		rem, half = 1, 1<<63
	}
	inexact := rem != 0
	var up bool
	switch rmode {
	case RoundNearest:
		up = rem > half || rem == half && im&1 != 0
	case RoundPlusInf:
		up = inexact && sign == 0
	case RoundMinusInf:
		up = inexact && sign != 0
	case RoundTiesAway:
		up = rem >= half
	}
	if up {
		im++
	}
	return im, inexact
}

// fromMag encodes the exact nonzero integer m (< 2^(f+2)) with the given sign.
func (e *Env) fromMag(f *format, sign, m uint64) uint64 {
	lz := bits.LeadingZeros64(m)
	return e.round(f, sign, 63-lz, m<<uint(lz), RoundZero, false, false)
}

// roundInt is FPRoundInt.
func (e *Env) roundInt(f *format, x uint64, rmode int, exact bool) uint64 {
	a := e.unpack(f, x, e.fz(f), false)
	switch a.cls {
	case clsQNaN, clsSNaN:
		return e.processNaN(f, a.cls, x)
	case clsInf:
		return f.inf(a.sign)
	case clsZero:
		return f.zero(a.sign)
	}
	if a.exp >= int(f.f) {
		return x // already an integer
	}
	m, inexact := roundMag(a.sign, a.exp, a.mant, e.rmode(rmode))
	if inexact && exact {
		e.FPSR |= IXC
	}
	if m == 0 {
		return f.zero(a.sign)
	}
	return e.fromMag(f, a.sign, m)
}

// roundIntN is FPRoundIntN (FRINT32*/FRINT64*).
func (e *Env) roundIntN(f *format, x uint64, rmode int, intBits int) uint64 {
	a := e.unpack(f, x, e.fz(f), false)
	// -2^(intBits-1), the result for NaN, infinity and overflow
	ovf := 1<<(f.n-1) | uint64(f.bias+intBits-1)<<f.f
	switch a.cls {
	case clsQNaN, clsSNaN, clsInf:
		e.FPSR |= IOC
		return ovf
	case clsZero:
		return f.zero(a.sign)
	}
	if a.exp >= intBits {
		e.FPSR |= IOC
		return ovf
	}
	m, inexact := roundMag(a.sign, a.exp, a.mant, e.rmode(rmode))
	lim := uint64(1) << uint(intBits-1)
	if m > lim || m == lim && a.sign == 0 {
		e.FPSR |= IOC
		return ovf
	}
	if inexact {
		e.FPSR |= IXC
	}
	if m == 0 {
		return f.zero(a.sign)
	}
	return e.fromMag(f, a.sign, m)
}

// toFixed is FPToFixed to an intBits-wide integer, zero-extended.
func (e *Env) toFixed(f *format, x uint64, rmode int, unsigned bool, intBits, fbits int) uint64 {
	a := e.unpack(f, x, e.fz(f), false)
	mask := uint64(1)<<uint(intBits) - 1
	if intBits >= 64 {
		mask = ^uint64(0)
	}
	var m uint64
	var inexact, ovf bool
	switch a.cls {
	case clsQNaN, clsSNaN:
		e.FPSR |= IOC
		return 0
	case clsZero:
		return 0
	case clsInf:
		ovf = true
	default:
		exp := a.exp + fbits
		if exp >= 64 {
			ovf = true
		} else {
			m, inexact = roundMag(a.sign, exp, a.mant, e.rmode(rmode))
		}
	}
	var r uint64
	if unsigned {
		switch {
		case a.sign != 0 && (ovf || m != 0):
			ovf, r = true, 0
		case ovf || m > mask:
			ovf, r = true, mask
		default:
			r = m
		}
	} else {
		lim := uint64(1) << uint(intBits-1)
		switch {
		case a.sign == 0 && (ovf || m >= lim):
			ovf, r = true, lim-1
		case a.sign != 0 && (ovf || m > lim):
			ovf, r = true, lim
		case a.sign != 0:
			r = -m
		default:
			r = m
		}
	}
	if ovf {
		e.FPSR |= IOC
	} else if inexact {
		e.FPSR |= IXC
	}
	return r & mask
}

// fromFixed is FixedToFP from the low srcBits bits of v.
func (e *Env) fromFixed(f *format, v uint64, signed bool, srcBits, fbits int, rmode int) uint64 {
	if srcBits < 64 {
		v &= 1<<uint(srcBits) - 1
	}
	var sign uint64
	if signed && v>>uint(srcBits-1)&1 != 0 {
		sign = 1
		v = -(v | ^uint64(0)<<uint(srcBits-1))
	}
	if v == 0 {
		return 0
	}
	lz := bits.LeadingZeros64(v)
	return e.round(f, sign, 63-lz-fbits, v<<uint(lz), e.rmode(rmode), e.fz(f), false)
}

// convertNaN is FPConvertNaN.
func convertNaN(x uint64, from, to *format) uint64 {
	sign := x >> (from.n - 1) & 1
	frac := (x & (1<<(from.f-1) - 1)) << (52 - from.f) // 51-bit payload
	return sign<<(to.n-1) | (1<<(to.e+1)-1)<<(to.f-1) | frac>>(52-to.f)
}

// convert is FPConvert with the given rounding mode.
func (e *Env) convert(x uint64, from, to *format, rmode int) uint64 {
	ahp := e.FPCR&FPCRAHP != 0
	fzIn := from.n != 16 && e.FPCR&FPCRFZ != 0
	a := e.unpack(from, x, fzIn, from.n == 16 && ahp)
	altHP := to.n == 16 && ahp
	switch a.cls {
	case clsQNaN, clsSNaN:
		var r uint64
		switch {
		case altHP:
			r = to.zero(a.sign)
		case e.FPCR&FPCRDN != 0:
			r = to.defaultNaN()
		default:
			r = convertNaN(x, from, to)
		}
		if a.cls == clsSNaN || altHP {
			e.FPSR |= IOC
		}
		return r
	case clsInf:
		if altHP {
			e.FPSR |= IOC
			return a.sign<<15 | 0x7FFF
		}
		return to.inf(a.sign)
	case clsZero:
		return to.zero(a.sign)
	}
	fzOut := to.n != 16 && e.FPCR&FPCRFZ != 0
	return e.round(to, a.sign, a.exp, a.mant, e.rmode(rmode), fzOut, altHP)
}

// recipEstimate is FPRecipEstimate.
func (e *Env) recipEstimate(f *format, x uint64) uint64 {
	fz := e.fz(f)
	a := e.unpack(f, x, fz, false)
	switch a.cls {
	case clsQNaN, clsSNaN:
		return e.processNaN(f, a.cls, x)
	case clsInf:
		return f.zero(a.sign)
	case clsZero:
		e.FPSR |= DZC
		return f.inf(a.sign)
	}
	if a.exp < -(f.bias + 1) {
		e.FPSR |= OFC | IXC
		toInf := true
		switch e.rmode(RoundFPCR) {
		case RoundPlusInf:
			toInf = a.sign == 0
		case RoundMinusInf:
			toInf = a.sign != 0
		case RoundZero:
			toInf = false
		}
		if toInf {
			return f.inf(a.sign)
		}
		return f.maxNormal(a.sign)
	}
	if fz && a.exp >= f.bias-1 {
		e.FPSR |= UFC
		return f.zero(a.sign)
	}
	const m52 = 1<<52 - 1
	frac := (x & f.fracMask()) << (52 - f.f)
	ex := int(x >> f.f & f.expMax())
	if ex == 0 {
		if frac>>51 == 0 {
			ex = -1
			frac = frac << 2 & m52
		} else {
			frac = frac << 1 & m52
		}
	}
	rexp := 2*f.bias - 1 - ex
	est := uint64(recipTable[256|frac>>44&0xFF])
	frac = (est & 0xFF) << 44
	switch rexp {
	case 0:
		frac = 1<<51 | frac>>1
	case -1:
		frac = 1<<50 | frac>>2
		rexp = 0
	}
	return a.sign<<(f.n-1) | uint64(rexp)<<f.f | frac>>(52-f.f)
}

// rsqrtEstimate is FPRSqrtEstimate.
func (e *Env) rsqrtEstimate(f *format, x uint64) uint64 {
	a := e.unpack(f, x, e.fz(f), false)
	switch {
	case a.cls >= clsQNaN:
		return e.processNaN(f, a.cls, x)
	case a.cls == clsZero:
		e.FPSR |= DZC
		return f.inf(a.sign)
	case a.sign != 0:
		return e.invalid(f)
	case a.cls == clsInf:
		return 0
	}
	const m52 = 1<<52 - 1
	frac := (x & f.fracMask()) << (52 - f.f)
	ex := int(x >> f.f & f.expMax())
	if ex == 0 {
		for frac>>51 == 0 {
			frac <<= 1
			ex--
		}
		frac = frac << 1 & m52
	}
	var scaled uint64
	if ex&1 == 0 {
		scaled = 256 | frac>>44&0xFF
	} else {
		scaled = 128 | frac>>45&0x7F
	}
	rexp := (3*f.bias - 1 - ex) / 2
	est := uint64(rsqrtTable[scaled])
	return uint64(rexp)<<f.f | (est&0xFF)<<(f.f-8)
}

// recpX is FPRecpX.
func (e *Env) recpX(f *format, x uint64) uint64 {
	a := e.unpack(f, x, e.fz(f), false)
	if a.cls >= clsQNaN {
		return e.processNaN(f, a.cls, x)
	}
	ex := x >> f.f & f.expMax()
	if ex == 0 {
		return a.sign<<(f.n-1) | (f.expMax()-1)<<f.f
	}
	return a.sign<<(f.n-1) | (^ex&f.expMax())<<f.f
}

// jsConvert is FPToFixedJS (FJCVTZS).
func (e *Env) jsConvert(x uint64) (uint32, bool) {
	a := e.unpack(&fmt64, x, e.fz(&fmt64), false)
	switch a.cls {
	case clsQNaN, clsSNaN:
		e.FPSR |= IOC
		return 0, false
	case clsInf:
		e.FPSR |= IOC
		return 0, false
	case clsZero:
		if a.sign != 0 || x&(1<<52-1) != 0 {
			return 0, false
		}
		return 0, true
	}
	var lo uint64 // low bits of the truncated magnitude
	var big, inexact bool
	switch {
	case a.exp >= 63+32:
		lo, big = 0, true
	case a.exp >= 63:
		lo, big = a.mant<<uint(a.exp-63), true
	default:
		lo, inexact = roundMag(a.sign, a.exp, a.mant, RoundZero)
		big = lo > 1<<31 || lo == 1<<31 && a.sign == 0
	}
	if a.sign != 0 {
		lo = -lo
	}
	switch {
	case big:
		e.FPSR |= IOC
		return uint32(lo), false
	case inexact:
		e.FPSR |= IXC
		return uint32(lo), false
	}
	return uint32(lo), true
}

// Estimate tables: RecipEstimate and RecipSqrtEstimate of the ARM ARM,
// indexed by the 9-bit scaled operand.
var recipTable, rsqrtTable [512]uint16

func init() {
	for a := 256; a < 512; a++ {
		b := (1 << 19) / (a*2 + 1)
		recipTable[a] = uint16((b + 1) / 2)
	}
	for a0 := 128; a0 < 512; a0++ {
		a := a0
		if a < 256 {
			a = a*2 + 1
		} else {
			a = (a >> 1) << 1
			a = (a + 1) * 2
		}
		b := 512
		for a*(b+1)*(b+1) < 1<<28 {
			b++
		}
		rsqrtTable[a0] = uint16((b + 1) / 2)
	}
}

// unsignedRecipEstimate is UnsignedRecipEstimate for 32 bits.
func unsignedRecipEstimate(x uint32) uint32 {
	if x>>31 == 0 {
		return 0xFFFFFFFF
	}
	return uint32(recipTable[x>>23]) << 23
}

// unsignedRSqrtEstimate is UnsignedRSqrtEstimate for 32 bits.
func unsignedRSqrtEstimate(x uint32) uint32 {
	if x>>30 == 0 {
		return 0xFFFFFFFF
	}
	return uint32(rsqrtTable[x>>23]) << 23
}
