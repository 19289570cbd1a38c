package fpu

import "math"

// Convert is FCVT (scalar) and FCVTL/FCVTN (vector) between the precisions
// from and to (16, 32 or 64 bits), rounding per FPCR (FPConvert). Half
// precision uses FPCR.AHP; FZ flushes single/double inputs (IDC) and
// outputs (UFC); FZ16 is ignored, as in the pseudocode.
func (e *Env) Convert(a uint64, from, to int) uint64 {
	if e.FPCR&FPCRRMode == 0 {
		switch {
		case from == 32 && to == 64 && a&exp32 != exp32 && e.noFlush32(uint32(a), 0): // exact
			return math.Float64bits(float64(math.Float32frombits(uint32(a))))
		case from == 64 && to == 32 && a&exp64 != exp64 && e.noFlush64(a, 0):
			x := math.Float64frombits(a)
			f := float32(x)
			r := math.Float32bits(f)
			if expIn32(r, 2) {
				if float64(f) != x {
					e.FPSR |= IXC
				}
				return uint64(r)
			}
			if x == 0 {
				return uint64(r)
			}
		}
	}
	return e.convert(a, formatOf(from), formatOf(to), RoundFPCR)
}

// ConvertRM is Convert with an explicit rounding mode (RoundOdd for FCVTXN).
func (e *Env) ConvertRM(a uint64, from, to int, rmode int) uint64 {
	return e.convert(a, formatOf(from), formatOf(to), rmode)
}

// JSConvert is FJCVTZS (FPToFixedJS): the double truncated toward zero,
// modulo 2^32, and the Z flag to set (NZCV = 0:z:0:0).
func (e *Env) JSConvert(a uint64) (result uint32, z bool) { return e.jsConvert(a) }

// UnsignedRecipEstimate is URECPE on one 32-bit element.
func UnsignedRecipEstimate(a uint32) uint32 { return unsignedRecipEstimate(a) }

// UnsignedRSqrtEstimate is URSQRTE on one 32-bit element.
func UnsignedRSqrtEstimate(a uint32) uint32 { return unsignedRSqrtEstimate(a) }
