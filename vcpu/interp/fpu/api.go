// Package fpu implements the ARMv8-A floating-point semantics (the ARM ARM
// pseudocode FPAdd, FPMulAdd, FPRound, FPToFixed, FPRecipEstimate, ...) on raw
// IEEE bit patterns, bit-exact with real hardware and with qemu-aarch64,
// including the cumulative FPSR exception flags.
//
// All operations are methods on *Env: the caller builds an Env from the
// guest's FPCR and FPSR, calls the operation, and writes Env.FPSR back
// (operations only ever OR bits into FPSR). Operations never allocate.
//
// Sizes: functions with suffix 64 operate on double precision (uint64 bit
// patterns), 32 on single (uint32), 16 on IEEE half (uint16). For
// conversions the suffix names the floating-point side.
//
// Negation conventions for the fused multiply-add family (all bit-exact,
// including the sign of propagated NaNs, because the ARM pseudocode negates
// operands with FPNeg BEFORE calling FPMulAdd and NaN processing):
//
//	FMADD  d = a + n*m   MulAdd(a, n, m)
//	FMSUB  d = a - n*m   MulAdd(a, Neg(n), m)
//	FNMADD d = -a - n*m  MulAdd(Neg(a), Neg(n), m)
//	FNMSUB d = -a + n*m  MulAdd(Neg(a), n, m)
//	FMLA   Vd += Vn*Vm   MulAdd(d, n, m)
//	FMLS   Vd -= Vn*Vm   MulAdd(d, Neg(n), m)
//	FNMUL  d = -(n*m)    Neg(Mul(n, m))   (negation AFTER, also of NaN results)
//	FABD   d = |n-m|     Abd(n, m) = Abs(Sub(n, m)) (also clears a NaN's sign)
//	FACGE/FACGT          CompareGE/GT(Abs(n), Abs(m))
//	FCMLT/FCMLE #0       CompareGT/GE(0, n);  FCMGE/FCMGT/FCMEQ #0: (n, 0)
//	FSUB                 Sub(n, m): m's NaN sign is NOT flipped (FPSub).
//	FRECPS/FRSQRTS       RecipStep(n, m)/RSqrtStep(n, m): pass n unnegated,
//	                     the function applies the pseudocode's FPNeg itself.
//
// Rounding: operations that round per FPCR read FPCR.RMode; functions that
// take an rmode accept RoundFPCR (-1) for "as FPCR says" (FRINTI, FRINTX,
// FRINT32X, FRINT64X) or an explicit mode (FRINTN/P/M/Z/A, FCVT{N,P,M,Z,A}*,
// RoundOdd for FCVTXN via ConvertRM).
//
// Flushing follows the pseudocode exactly: FZ flushes single/double
// denormal inputs (IDC) and tiny results, detected before rounding (UFC, no
// IXC); FZ16 does the same for half, except that flushing a half input
// never sets IDC; conversions (Convert) ignore FZ16 but honour FZ on their
// single/double side. Underflow (UFC) is signalled when the result is tiny
// before rounding and inexact.
//
// Implementation: soft.go is an exact software transcription of the
// pseudocode for all sizes and settings; ops64.go/ops32.go add host-float
// fast paths for round-to-nearest (with FZ only when no operand is
// denormal), ordinary operands and ordinary results, which tests check
// against the exact path bit for bit, flags included. Half precision always
// takes the exact path.
//
// Verification: testdata/golden.txt.gz holds vectors produced by running
// each instruction under qemu-aarch64 7.2 (cpu max); rules_test.go lists
// one hand-picked qemu-checked case per rule. During development the same
// comparison passed on ~25 million further random vectors and exhaustively
// on every half-precision input of the unary operations. Known difference:
// qemu 7.2 sets Z for FJCVTZS of a positive denormal flushed by FZ; the ARM
// ARM (and later qemu) clears it, as this package does.
//
// Not provided: FPCR.AH/FIZ/NEP (FEAT_AFP) are treated as 0; trapped
// exceptions (FPCR bits 8-15) are not modelled (Linux keeps them 0);
// BFloat16 (BFCVT, BFDOT, ...) and the widening half-precision FMLAL/FMLSL
// (FPMulAddH) are not implemented.
package fpu

// FPCR bits used by this package.
const (
	FPCRAHP   = 1 << 26 // alternative half-precision format
	FPCRDN    = 1 << 25 // default NaN
	FPCRFZ    = 1 << 24 // flush-to-zero (single and double)
	FPCRFZ16  = 1 << 19 // flush-to-zero (half)
	FPCRRMode = 3 << 22 // rounding mode field, see RMode
)

// FPSR cumulative exception bits (ORed into Env.FPSR).
const (
	IOC = 1 << 0  // invalid operation
	DZC = 1 << 1  // divide by zero
	OFC = 1 << 2  // overflow
	UFC = 1 << 3  // underflow
	IXC = 1 << 4  // inexact
	IDC = 1 << 7  // input denormal (flushed)
	QC  = 1 << 27 // saturation (not set by this package)
)

// Rounding modes. The first four equal the FPCR.RMode encoding.
const (
	RoundNearest  = 0 // to nearest, ties to even
	RoundPlusInf  = 1
	RoundMinusInf = 2
	RoundZero     = 3
	RoundTiesAway = 4  // to nearest, ties away from zero (FRINTA, FCVTAS/AU)
	RoundOdd      = 5  // von Neumann rounding (FCVTXN); only for ConvertRM
	RoundFPCR     = -1 // use FPCR.RMode (accepted wherever a rounding mode is passed)
)

// Env is the floating-point environment of one operation: FPCR is read,
// FPSR receives the cumulative exception bits.
type Env struct {
	FPCR uint32
	FPSR uint32
}

// RMode returns the rounding mode selected by FPCR.RMode.
func (e *Env) RMode() int { return int(e.FPCR>>22) & 3 }

// Bit operations (no exceptions, no NaN processing), FPAbs / FPNeg.

// Abs64 clears the sign bit (FABS).
func Abs64(a uint64) uint64 { return a &^ (1 << 63) }

// Neg64 flips the sign bit (FNEG).
func Neg64(a uint64) uint64 { return a ^ (1 << 63) }

// Abs32 clears the sign bit (FABS).
func Abs32(a uint32) uint32 { return a &^ (1 << 31) }

// Neg32 flips the sign bit (FNEG).
func Neg32(a uint32) uint32 { return a ^ (1 << 31) }

// Abs16 clears the sign bit (FABS).
func Abs16(a uint16) uint16 { return a &^ (1 << 15) }

// Neg16 flips the sign bit (FNEG).
func Neg16(a uint16) uint16 { return a ^ (1 << 15) }

// DefaultNaN64 etc. are the ARM default NaNs.
const (
	DefaultNaN64 = 0x7FF8000000000000
	DefaultNaN32 = 0x7FC00000
	DefaultNaN16 = 0x7E00
)
