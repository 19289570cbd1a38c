#include "textflag.h"

// func cas128LSE(p unsafe.Pointer, oldLo, oldHi, newLo, newHi uint64) (lo, hi uint64)
TEXT ·cas128LSE(SB), NOSPLIT, $0-56
	MOVD p+0(FP), R4
	MOVD oldLo+8(FP), R0
	MOVD oldHi+16(FP), R1
	MOVD newLo+24(FP), R2
	MOVD newHi+32(FP), R3
	WORD $0x4860fc82 // CASPAL X0, X1, X2, X3, [X4]
	MOVD R0, lo+40(FP)
	MOVD R1, hi+48(FP)
	RET

// func cas128LLSC(p unsafe.Pointer, oldLo, oldHi, newLo, newHi uint64) (lo, hi uint64)
TEXT ·cas128LLSC(SB), NOSPLIT, $0-56
	MOVD p+0(FP), R4
	MOVD oldLo+8(FP), R0
	MOVD oldHi+16(FP), R1
	MOVD newLo+24(FP), R2
	MOVD newHi+32(FP), R3
loop:
	LDAXP (R4), (R5, R6)
	CMP R0, R5
	BNE fail
	CMP R1, R6
	BNE fail
	STLXP (R2, R3), (R4), R7
	CBNZ R7, loop
	B done
fail:
	// Write back what was read, so the access is a write either way.
	STLXP (R5, R6), (R4), R7
	CBNZ R7, loop
done:
	MOVD R5, lo+40(FP)
	MOVD R6, hi+48(FP)
	RET
