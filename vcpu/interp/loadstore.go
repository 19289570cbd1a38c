package interp

// Loads and stores (op0 = x1x0): single registers in every addressing mode,
// literals, pairs, exclusives and ordered accesses (atomic.go), LSE atomics
// (atomic.go) and AdvSIMD structures (loadstore_simd.go).
//
// The decode follows QEMU's (translate-a64.c disas_ldst) so that unallocated
// encodings and CONSTRAINED UNPREDICTABLE choices match qemu-aarch64.
//
// Operand conventions for single registers and pairs: rd is Rt (wZR for GPR
// loads, rZR for GPR stores, the plain number for SIMD&FP registers), rm is
// Rt2 (pairs) or the offset register Rm (register offset), rn the base (rSP),
// imm the byte offset (pre-scaled, sign-extended; the post-index amount for
// post-index forms), sh the left shift of a register offset. Literal loads
// keep the absolute address in imm. The access handlers are generated
// (loadstore_gen.go) per kind and addressing mode.

// Addressing-mode indices of the generated handler tables.
const (
	amOff = iota
	amPre
	amPost
	amLsl
	amUxtw
	amSxtw
)

func decodeLoadStore(raw uint32, pc uint64, in *Inst) bool {
	switch raw >> 24 & 0x3f {
	case 0x08:
		return decodeExclusive(raw, in)
	case 0x18, 0x1c:
		return decodeLiteral(raw, pc, in)
	case 0x28, 0x29, 0x2c, 0x2d:
		return decodePair(raw, in)
	case 0x38, 0x3c:
		if raw>>21&1 == 0 {
			return decodeImm9(raw, in)
		}
		switch raw >> 10 & 3 {
		case 0:
			return decodeAtomic(raw, in)
		case 2:
			return decodeRegOffset(raw, in)
		}
		return false // LDRAA/LDRAB: pointer authentication is not advertised
	case 0x39, 0x3d:
		return decodeUImm(raw, in)
	case 0x0c:
		return decodeMultiStruct(raw, in)
	case 0x0d:
		return decodeSingleStruct(raw, in)
	}
	// 0x19: MTE tag accesses and LDAPUR/STLUR (FEAT_LRCPC2), not advertised;
	// the rest (RCpc3, LD64B, CPY/SET, SVE…) is unallocated here.
	return false
}

// ldstSingle picks the handler for a single-register access of the GPR or
// SIMD&FP kind given by size and opc (bits 31:30 and 23:22) in addressing
// mode am, and maps Rt. It reports false for unallocated combinations and
// sets in.fn = opNop for prefetches when prfm is allowed.
func ldstSingle(raw uint32, am int, prfm bool, in *Inst) (scale uint, ok bool) {
	size := uint(raw >> 30)
	opc := raw >> 22 & 3
	rt := raw & 31
	if raw>>26&1 == 1 { // SIMD&FP
		size |= uint(opc&2) << 1
		if size > 4 {
			return 0, false
		}
		in.rd = uint8(rt)
		if opc&1 == 0 {
			in.fn = fpStore[size][am]
		} else {
			in.fn = fpLoad[size][am]
		}
		return size, true
	}
	switch {
	case opc == 0:
		in.rd = rZR(rt)
		in.fn = gprStore[size][am]
	case opc == 1:
		in.rd = wZR(rt)
		in.fn = gprLoad[size][am]
	case size == 3 && opc == 2: // PRFM/PRFUM
		if !prfm {
			return 0, false
		}
		in.fn = opNop
	case opc == 2:
		in.rd = wZR(rt)
		in.fn = gprLoadSX[size][am]
	case size <= 1: // opc == 3
		in.rd = wZR(rt)
		in.fn = gprLoadSW[size][am]
	default:
		return 0, false
	}
	return size, true
}

// decodeUImm: LDR/STR (unsigned scaled 12-bit offset), PRFM.
func decodeUImm(raw uint32, in *Inst) bool {
	scale, ok := ldstSingle(raw, amOff, true, in)
	if !ok {
		return false
	}
	in.rn = rSP(raw >> 5)
	in.imm = uint64(field(raw, 10, 12)) << scale
	return true
}

// decodeImm9: LDUR/STUR, pre/post-index, LDTR/STTR, PRFUM.
func decodeImm9(raw uint32, in *Inst) bool {
	idx := raw >> 10 & 3
	am := amOff
	switch idx {
	case 1:
		am = amPost
	case 3:
		am = amPre
	case 2: // unprivileged: no SIMD&FP form
		if raw>>26&1 == 1 {
			return false
		}
	}
	if _, ok := ldstSingle(raw, am, idx == 0, in); !ok {
		return false
	}
	in.rn = rSP(raw >> 5)
	in.imm = sext(uint64(field(raw, 12, 9)), 9)
	return true
}

// decodeRegOffset: LDR/STR (register offset, extended and optionally scaled).
func decodeRegOffset(raw uint32, in *Inst) bool {
	var am int
	switch raw >> 13 & 7 {
	case 2: // UXTW
		am = amUxtw
	case 3, 7: // LSL (UXTX), SXTX
		am = amLsl
	case 6: // SXTW
		am = amSxtw
	default:
		return false
	}
	scale, ok := ldstSingle(raw, am, true, in)
	if !ok {
		return false
	}
	in.rn = rSP(raw >> 5)
	in.rm = rZR(raw >> 16)
	if raw>>12&1 == 1 {
		in.sh = uint8(scale)
	}
	return true
}

// decodeLiteral: LDR (literal) to W, X, S, D, Q; LDRSW (literal); PRFM
// (literal). The address is resolved here.
func decodeLiteral(raw uint32, pc uint64, in *Inst) bool {
	opc := raw >> 30
	rt := raw & 31
	in.imm = pc + sext(uint64(field(raw, 5, 19))<<2, 21)
	if raw>>26&1 == 1 {
		in.rd = uint8(rt)
		switch opc {
		case 0:
			in.fn = opLdrSOff
		case 1:
			in.fn = opLdrDOff
		case 2:
			in.fn = opLdrQOff
		default:
			return false
		}
	} else {
		in.rd = wZR(rt)
		switch opc {
		case 0:
			in.fn = opLdrWOff
		case 1:
			in.fn = opLdrXOff
		case 2:
			in.fn = opLdrswOff
		default: // PRFM (literal)
			in.fn = opNop
		}
	}
	// The Off handlers add X[rn]: use XZR as the base.
	in.rn = regZR
	return true
}

// decodePair: LDP/STP/LDNP/STNP (GPR and SIMD&FP), LDPSW.
func decodePair(raw uint32, in *Inst) bool {
	opc := raw >> 30
	l := raw >> 22 & 1
	index := raw >> 23 & 3
	if opc == 3 {
		return false
	}
	var am int
	switch index {
	case 0, 2:
		am = amOff
	case 1:
		am = amPost
	case 3:
		am = amPre
	}
	rt, rt2 := raw&31, raw>>10&31
	var scale uint
	if raw>>26&1 == 1 { // SIMD&FP: S, D, Q
		scale = 2 + uint(opc)
		in.rd, in.rm = uint8(rt), uint8(rt2)
		if l == 1 {
			in.fn = fpPairLoad[opc][am]
		} else {
			in.fn = fpPairStore[opc][am]
		}
	} else {
		switch {
		case opc == 1 && l == 0: // STGP (MTE)
			return false
		case opc == 1: // LDPSW; no non-temporal form
			if index == 0 {
				return false
			}
			scale = 2
			in.fn = ldpswTab[0][am]
		default:
			scale = 2 + uint(opc>>1)
			if l == 1 {
				in.fn = gprPairLoad[opc>>1][am]
			} else {
				in.fn = gprPairStore[opc>>1][am]
			}
		}
		if l == 1 {
			in.rd, in.rm = wZR(rt), wZR(rt2)
		} else {
			in.rd, in.rm = rZR(rt), rZR(rt2)
		}
	}
	in.rn = rSP(raw >> 5)
	in.imm = sext(uint64(field(raw, 15, 7)), 7) << scale
	return true
}
