package interp

import "math/bits"

// Lane arithmetic shared by the integer SIMD families: saturation, shifts
// by register and by immediate, rounding. Signedness comes from the lane
// type.

// isSigned reports whether T is a signed lane type.
func isSigned[T elem]() bool { return ^T(0) < 0 }

// limits returns the smallest and largest values of T.
func limits[T elem]() (lo, hi T) {
	if isSigned[T]() {
		lo = T(1) << (bitsOf[T]() - 1)
		return lo, ^lo
	}
	return 0, ^T(0)
}

// qadd is SQADD/UQADD.
func qadd[T elem](a, b T) (T, bool) {
	r := a + b
	if isSigned[T]() {
		if (r^a)&(r^b) < 0 {
			lo, hi := limits[T]()
			if a < 0 {
				return lo, true
			}
			return hi, true
		}
	} else if r < a {
		return ^T(0), true
	}
	return r, false
}

// qsub is SQSUB/UQSUB.
func qsub[T elem](a, b T) (T, bool) {
	r := a - b
	if isSigned[T]() {
		if (a^b)&(a^r) < 0 {
			lo, hi := limits[T]()
			if a < 0 {
				return lo, true
			}
			return hi, true
		}
	} else if a < b {
		return 0, true
	}
	return r, false
}

// satShl shifts a left by s (any non-negative amount), saturating to T.
func satShl[T elem](a T, s uint) (T, bool) {
	if a == 0 {
		return 0, false
	}
	if s < bitsOf[T]() {
		if r := a << s; r>>s == a {
			return r, false
		}
	}
	lo, hi := limits[T]()
	if a < 0 {
		return lo, true
	}
	return hi, true
}

// rshr is a right shift by s >= 1 (arithmetic for signed T), rounded to
// nearest (ties up) when round is set. Shifts of the element width or more
// are allowed.
func rshr[T elem](a T, s uint, round bool) T {
	if !round {
		return a >> s
	}
	return a>>s + a>>(s-1)&1
}

// shlReg is the shift by register of SSHL/USHL (round=sat=false), SRSHL/
// URSHL (round), SQSHL/UQSHL (sat) and SQRSHL/UQRSHL (both): b's low byte is
// a signed shift count, negative shifting right.
func shlReg[T elem](a, b T, round, sat bool) (T, bool) {
	s := int(int8(b))
	if s >= 0 {
		if sat {
			return satShl(a, uint(s))
		}
		return a << uint(s), false
	}
	return rshr(a, uint(-s), round), false
}

// abd is |a-b| as the bits of T.
func abd[T elem](a, b T) T {
	if a > b {
		return a - b
	}
	return b - a
}

// mask returns all ones when c holds.
func mask[T elem](c bool) T {
	if c {
		return ^T(0)
	}
	return 0
}

// narrowSat converts a wide value to the narrow type N with saturation
// (signed or unsigned per N).
func narrowSat[N, W elem](x W) (N, bool) {
	lo, hi := limits[N]()
	switch {
	case isSigned[W]() && x < 0 && (!isSigned[N]() || x < W(lo)):
		return lo, true
	case x > W(hi):
		return hi, true
	}
	return N(x), false
}

// pmul8 is the carry-less product of two bytes.
func pmul8(a, b uint8) uint16 {
	var r uint16
	for i := range 8 {
		if b>>i&1 == 1 {
			r ^= uint16(a) << i
		}
	}
	return r
}

// pmul64 is the carry-less product of two 64-bit values.
func pmul64(a, b uint64) (hi, lo uint64) {
	for i := range 64 {
		if b>>i&1 == 1 {
			lo ^= a << i
			if i > 0 {
				hi ^= a >> (64 - i)
			}
		}
	}
	return hi, lo
}

// cls counts the leading sign bits after the first.
func cls[T elem](a T) T {
	w := bitsOf[T]()
	x := uint64(a) << (64 - w) // sign bit to bit 63
	return T(bits.LeadingZeros64(x ^ x<<1 | 1<<(64-w)))
}

// clz counts leading zeros.
func clz[T elem](a T) T {
	w := bitsOf[T]()
	x := uint64(a) << (64 - w)
	if x == 0 {
		return T(w)
	}
	return T(bits.LeadingZeros64(x))
}
