package fpu

// Convert is FCVT (scalar) and FCVTL/FCVTN (vector) between the precisions
// from and to (16, 32 or 64 bits), rounding per FPCR (FPConvert). Half
// precision uses FPCR.AHP; FZ flushes single/double inputs (IDC) and
// outputs (UFC); FZ16 is ignored, as in the pseudocode.
func (e *Env) Convert(a uint64, from, to int) uint64 {
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
