package vdso

// A tiny A64 encoder: only the instructions the vDSO and the sigreturn
// trampoline need. Every word is little-endian in the image.

// Fixed instruction words.
const (
	// insnNOP is NOP (HINT #0): 1101 0101 0000 0011 0010 0000 0001 1111.
	insnNOP uint32 = 0xd503201f
	// insnRET is RET (x30): 1101 0110 0101 1111 0000 0011 1100 0000.
	insnRET uint32 = 0xd65f03c0
	// insnUDF is UDF #0, permanently undefined: used as padding so a stray
	// fall-through traps (SIGILL) instead of sliding into the next function.
	insnUDF uint32 = 0x00000000
)

// movzX encodes MOVZ Xd, #imm16 (LSL #0), which is what the assembler emits
// for "mov xd, #imm16":
//
//	sf=1 opc=10 100101 hw=00 imm16 Rd  →  0xd2800000 | imm16<<5 | Rd
func movzX(rd uint32, imm16 uint16) uint32 {
	if rd > 30 {
		panic("vdso: movz to register 31 (xzr) is not meant here")
	}
	return 0xd2800000 | uint32(imm16)<<5 | rd
}

// svc encodes SVC #imm16: 1101 0100 000 imm16 000 01 → 0xd4000001 | imm16<<5.
func svc(imm16 uint16) uint32 {
	return 0xd4000001 | uint32(imm16)<<5
}

// regSyscallNr is x8, the arm64 Linux syscall-number register.
const regSyscallNr = 8
