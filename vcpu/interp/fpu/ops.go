package fpu

// This file lists the exported operations (bodies are being filled in); see the package comment for the
// conventions. Each method ORs exception bits into e.FPSR.

// Add64 is FADD (FPAdd).
func (e *Env) Add64(a, b uint64) uint64 { return 0 }

// Sub64 is FSUB (FPSub).
func (e *Env) Sub64(a, b uint64) uint64 { return 0 }

// Mul64 is FMUL (FPMul).
func (e *Env) Mul64(a, b uint64) uint64 { return 0 }

// MulX64 is FMULX (FPMulX: 0*Inf = ±2).
func (e *Env) MulX64(a, b uint64) uint64 { return 0 }

// Div64 is FDIV (FPDiv).
func (e *Env) Div64(a, b uint64) uint64 { return 0 }

// Sqrt64 is FSQRT (FPSqrt).
func (e *Env) Sqrt64(a uint64) uint64 { return 0 }

// MulAdd64 is FPMulAdd: addend + a*b with a single rounding (FMADD, FMLA).
func (e *Env) MulAdd64(addend, a, b uint64) uint64 { return 0 }

// Max64 is FMAX (FPMax).
func (e *Env) Max64(a, b uint64) uint64 { return 0 }

// Min64 is FMIN (FPMin).
func (e *Env) Min64(a, b uint64) uint64 { return 0 }

// MaxNum64 is FMAXNM (FPMaxNum).
func (e *Env) MaxNum64(a, b uint64) uint64 { return 0 }

// MinNum64 is FMINNM (FPMinNum).
func (e *Env) MinNum64(a, b uint64) uint64 { return 0 }

// Abd64 is FABD: Abs64(Sub64(a, b)).
func (e *Env) Abd64(a, b uint64) uint64 { return 0 }

// Compare64 is FCMP (signalAll=false) / FCMPE (signalAll=true); it returns
// NZCV in bits 3:0 (N=8 Z=4 C=2 V=1): equal 0110, less 1000, greater 0010,
// unordered 0011.
func (e *Env) Compare64(a, b uint64, signalAll bool) uint32 { return 0 }

// CompareEQ64 is FCMEQ (quiet: IOC only for SNaN).
func (e *Env) CompareEQ64(a, b uint64) bool { return false }

// CompareGE64 is FCMGE (signaling: IOC for any NaN).
func (e *Env) CompareGE64(a, b uint64) bool { return false }

// CompareGT64 is FCMGT (signaling: IOC for any NaN).
func (e *Env) CompareGT64(a, b uint64) bool { return false }

// RoundInt64 is FRINT{N,P,M,Z,A,I,X} (FPRoundInt); exact raises IXC when
// the result differs from the input (FRINTX). rmode may be RoundFPCR.
func (e *Env) RoundInt64(a uint64, rmode int, exact bool) uint64 { return 0 }

// RoundIntN64 is FRINT32{X,Z}/FRINT64{X,Z} (FPRoundIntN, intBits 32 or 64).
func (e *Env) RoundIntN64(a uint64, rmode int, intBits int) uint64 { return 0 }

// ToInt64 is FPToFixed: FCVT{Z,N,P,M,A}{S,U} with fbits fraction bits to a
// bits-wide (16, 32 or 64) integer, saturating; the result is
// zero-extended to 64 bits.
func (e *Env) ToInt64(a uint64, rmode int, unsigned bool, bits int, fbits int) uint64 { return 0 }

// FromInt64 is FixedToFP to double: SCVTF (signed) / UCVTF of the low srcBits
// (16, 32 or 64) bits of v with fbits fraction bits, rounded per FPCR.
func (e *Env) FromInt64(v uint64, signed bool, srcBits int, fbits int) uint64 { return 0 }

// RecipEstimate64 is FRECPE (FPRecipEstimate).
func (e *Env) RecipEstimate64(a uint64) uint64 { return 0 }

// RSqrtEstimate64 is FRSQRTE (FPRSqrtEstimate).
func (e *Env) RSqrtEstimate64(a uint64) uint64 { return 0 }

// RecipStep64 is FRECPS (FPRecipStepFused): 2 - a*b fused.
func (e *Env) RecipStep64(a, b uint64) uint64 { return 0 }

// RSqrtStep64 is FRSQRTS (FPRSqrtStepFused): (3 - a*b)/2 fused.
func (e *Env) RSqrtStep64(a, b uint64) uint64 { return 0 }

// RecpX64 is FRECPX (FPRecpX).
func (e *Env) RecpX64(a uint64) uint64 { return 0 }

// Add32 is FADD (FPAdd).
func (e *Env) Add32(a, b uint32) uint32 { return 0 }

// Sub32 is FSUB (FPSub).
func (e *Env) Sub32(a, b uint32) uint32 { return 0 }

// Mul32 is FMUL (FPMul).
func (e *Env) Mul32(a, b uint32) uint32 { return 0 }

// MulX32 is FMULX (FPMulX: 0*Inf = ±2).
func (e *Env) MulX32(a, b uint32) uint32 { return 0 }

// Div32 is FDIV (FPDiv).
func (e *Env) Div32(a, b uint32) uint32 { return 0 }

// Sqrt32 is FSQRT (FPSqrt).
func (e *Env) Sqrt32(a uint32) uint32 { return 0 }

// MulAdd32 is FPMulAdd: addend + a*b with a single rounding (FMADD, FMLA).
func (e *Env) MulAdd32(addend, a, b uint32) uint32 { return 0 }

// Max32 is FMAX (FPMax).
func (e *Env) Max32(a, b uint32) uint32 { return 0 }

// Min32 is FMIN (FPMin).
func (e *Env) Min32(a, b uint32) uint32 { return 0 }

// MaxNum32 is FMAXNM (FPMaxNum).
func (e *Env) MaxNum32(a, b uint32) uint32 { return 0 }

// MinNum32 is FMINNM (FPMinNum).
func (e *Env) MinNum32(a, b uint32) uint32 { return 0 }

// Abd32 is FABD: Abs32(Sub32(a, b)).
func (e *Env) Abd32(a, b uint32) uint32 { return 0 }

// Compare32 is FCMP (signalAll=false) / FCMPE (signalAll=true); it returns
// NZCV in bits 3:0 (N=8 Z=4 C=2 V=1): equal 0110, less 1000, greater 0010,
// unordered 0011.
func (e *Env) Compare32(a, b uint32, signalAll bool) uint32 { return 0 }

// CompareEQ32 is FCMEQ (quiet: IOC only for SNaN).
func (e *Env) CompareEQ32(a, b uint32) bool { return false }

// CompareGE32 is FCMGE (signaling: IOC for any NaN).
func (e *Env) CompareGE32(a, b uint32) bool { return false }

// CompareGT32 is FCMGT (signaling: IOC for any NaN).
func (e *Env) CompareGT32(a, b uint32) bool { return false }

// RoundInt32 is FRINT{N,P,M,Z,A,I,X} (FPRoundInt); exact raises IXC when
// the result differs from the input (FRINTX). rmode may be RoundFPCR.
func (e *Env) RoundInt32(a uint32, rmode int, exact bool) uint32 { return 0 }

// RoundIntN32 is FRINT32{X,Z}/FRINT32{X,Z} (FPRoundIntN, intBits 32 or 64).
func (e *Env) RoundIntN32(a uint32, rmode int, intBits int) uint32 { return 0 }

// ToInt32 is FPToFixed: FCVT{Z,N,P,M,A}{S,U} with fbits fraction bits to a
// bits-wide (16, 32 or 64) integer, saturating; the result is
// zero-extended to 64 bits.
func (e *Env) ToInt32(a uint32, rmode int, unsigned bool, bits int, fbits int) uint64 { return 0 }

// FromInt32 is FixedToFP to single: SCVTF (signed) / UCVTF of the low srcBits
// (16, 32 or 64) bits of v with fbits fraction bits, rounded per FPCR.
func (e *Env) FromInt32(v uint64, signed bool, srcBits int, fbits int) uint32 { return 0 }

// RecipEstimate32 is FRECPE (FPRecipEstimate).
func (e *Env) RecipEstimate32(a uint32) uint32 { return 0 }

// RSqrtEstimate32 is FRSQRTE (FPRSqrtEstimate).
func (e *Env) RSqrtEstimate32(a uint32) uint32 { return 0 }

// RecipStep32 is FRECPS (FPRecipStepFused): 2 - a*b fused.
func (e *Env) RecipStep32(a, b uint32) uint32 { return 0 }

// RSqrtStep32 is FRSQRTS (FPRSqrtStepFused): (3 - a*b)/2 fused.
func (e *Env) RSqrtStep32(a, b uint32) uint32 { return 0 }

// RecpX32 is FRECPX (FPRecpX).
func (e *Env) RecpX32(a uint32) uint32 { return 0 }

// Add16 is FADD (FPAdd).
func (e *Env) Add16(a, b uint16) uint16 { return 0 }

// Sub16 is FSUB (FPSub).
func (e *Env) Sub16(a, b uint16) uint16 { return 0 }

// Mul16 is FMUL (FPMul).
func (e *Env) Mul16(a, b uint16) uint16 { return 0 }

// MulX16 is FMULX (FPMulX: 0*Inf = ±2).
func (e *Env) MulX16(a, b uint16) uint16 { return 0 }

// Div16 is FDIV (FPDiv).
func (e *Env) Div16(a, b uint16) uint16 { return 0 }

// Sqrt16 is FSQRT (FPSqrt).
func (e *Env) Sqrt16(a uint16) uint16 { return 0 }

// MulAdd16 is FPMulAdd: addend + a*b with a single rounding (FMADD, FMLA).
func (e *Env) MulAdd16(addend, a, b uint16) uint16 { return 0 }

// Max16 is FMAX (FPMax).
func (e *Env) Max16(a, b uint16) uint16 { return 0 }

// Min16 is FMIN (FPMin).
func (e *Env) Min16(a, b uint16) uint16 { return 0 }

// MaxNum16 is FMAXNM (FPMaxNum).
func (e *Env) MaxNum16(a, b uint16) uint16 { return 0 }

// MinNum16 is FMINNM (FPMinNum).
func (e *Env) MinNum16(a, b uint16) uint16 { return 0 }

// Abd16 is FABD: Abs16(Sub16(a, b)).
func (e *Env) Abd16(a, b uint16) uint16 { return 0 }

// Compare16 is FCMP (signalAll=false) / FCMPE (signalAll=true); it returns
// NZCV in bits 3:0 (N=8 Z=4 C=2 V=1): equal 0110, less 1000, greater 0010,
// unordered 0011.
func (e *Env) Compare16(a, b uint16, signalAll bool) uint32 { return 0 }

// CompareEQ16 is FCMEQ (quiet: IOC only for SNaN).
func (e *Env) CompareEQ16(a, b uint16) bool { return false }

// CompareGE16 is FCMGE (signaling: IOC for any NaN).
func (e *Env) CompareGE16(a, b uint16) bool { return false }

// CompareGT16 is FCMGT (signaling: IOC for any NaN).
func (e *Env) CompareGT16(a, b uint16) bool { return false }

// RoundInt16 is FRINT{N,P,M,Z,A,I,X} (FPRoundInt); exact raises IXC when
// the result differs from the input (FRINTX). rmode may be RoundFPCR.
func (e *Env) RoundInt16(a uint16, rmode int, exact bool) uint16 { return 0 }

// ToInt16 is FPToFixed: FCVT{Z,N,P,M,A}{S,U} with fbits fraction bits to a
// bits-wide (16, 32 or 64) integer, saturating; the result is
// zero-extended to 64 bits.
func (e *Env) ToInt16(a uint16, rmode int, unsigned bool, bits int, fbits int) uint64 { return 0 }

// FromInt16 is FixedToFP to half: SCVTF (signed) / UCVTF of the low srcBits
// (16, 32 or 64) bits of v with fbits fraction bits, rounded per FPCR.
func (e *Env) FromInt16(v uint64, signed bool, srcBits int, fbits int) uint16 { return 0 }

// RecipEstimate16 is FRECPE (FPRecipEstimate).
func (e *Env) RecipEstimate16(a uint16) uint16 { return 0 }

// RSqrtEstimate16 is FRSQRTE (FPRSqrtEstimate).
func (e *Env) RSqrtEstimate16(a uint16) uint16 { return 0 }

// RecipStep16 is FRECPS (FPRecipStepFused): 2 - a*b fused.
func (e *Env) RecipStep16(a, b uint16) uint16 { return 0 }

// RSqrtStep16 is FRSQRTS (FPRSqrtStepFused): (3 - a*b)/2 fused.
func (e *Env) RSqrtStep16(a, b uint16) uint16 { return 0 }

// RecpX16 is FRECPX (FPRecpX).
func (e *Env) RecpX16(a uint16) uint16 { return 0 }

// Convert is FCVT/FCVTL/FCVTN between precisions from and to (16, 32 or
// 64), rounding per FPCR, honouring AHP for half, DN, FZ (not FZ16: the
// pseudocode FPConvert ignores FZ16).
func (e *Env) Convert(a uint64, from, to int) uint64 { return 0 }

// ConvertRM is Convert with an explicit rounding mode (RoundOdd for FCVTXN).
func (e *Env) ConvertRM(a uint64, from, to int, rmode int) uint64 { return 0 }

// JSConvert is FJCVTZS (FPToFixedJS): the low 32 bits of the double
// truncated modulo 2^32, and the Z flag (NZCV = 0:z:0:0).
func (e *Env) JSConvert(a uint64) (result uint32, z bool) { return 0, false }

// UnsignedRecipEstimate is URECPE on one 32-bit element.
func UnsignedRecipEstimate(a uint32) uint32 { return 0 }

// UnsignedRSqrtEstimate is URSQRTE on one 32-bit element.
func UnsignedRSqrtEstimate(a uint32) uint32 { return 0 }
