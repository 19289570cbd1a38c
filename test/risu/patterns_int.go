package risu

import (
	"math/rand/v2"
	"strings"
)

// Integer data processing: immediate and register classes (ARMv8.0 base).

// sf is bit 31 (1 = 64-bit form).
func sf(w uint32) uint32 { return w >> 31 }

// shiftOK: shift type != ROR (11) and, in 32-bit forms, imm6 < 32.
func shiftOK(w uint32) bool { return fld(w, 22, 2) != 3 && (sf(w) == 1 || fld(w, 15, 1) == 0) }

// imm6OK: in 32-bit forms imm6 (bits 15:10) < 32.
func imm6OK(w uint32) bool { return sf(w) == 1 || fld(w, 15, 1) == 0 }

// bitmaskOK reports whether N:immr:imms is a valid logical immediate for
// the register size (DecodeBitMasks with immediate = TRUE).
func bitmaskOK(w uint32) bool {
	n, imms := fld(w, 22, 1), fld(w, 10, 6)
	if sf(w) == 0 && n == 1 {
		return false
	}
	v := n<<6 | (^imms & 0x3f)
	if v == 0 {
		return false
	}
	l := 0
	for v>>(l+1) != 0 {
		l++
	}
	if l < 1 {
		return false
	}
	levels := uint32(1)<<l - 1
	return imms&levels != levels
}

// bitfieldOK: N == sf, and immr/imms < 32 in 32-bit forms.
func bitfieldOK(w uint32) bool {
	if fld(w, 22, 1) != sf(w) {
		return false
	}
	return sf(w) == 1 || (fld(w, 21, 1) == 0 && fld(w, 15, 1) == 0)
}

// edgeX are operand values at the edges of 64- and 32-bit arithmetic.
var edgeX = []uint64{
	0, 1, 2, 0xffffffffffffffff, 0xfffffffffffffffe,
	0x8000000000000000, 0x7fffffffffffffff, 0x8000000000000001,
	0xffffffff, 0x80000000, 0x7fffffff, 0xffffffff80000000, 0x100000000,
	0x00000000fffffffe, 0xffffffff7fffffff,
}

// edges returns a Gen that, for each source register field (given by its
// low bit), sometimes sets the register to an edge value right before the
// instruction, so that rare operand combinations (INT_MIN / -1, carry chains
// through all-ones, ...) come up in short runs too.
func edges(fields []uint) func(r *rand.Rand, w uint32) []uint32 {
	return func(r *rand.Rand, w uint32) []uint32 {
		var seq []uint32
		for _, lo := range fields {
			if reg := int(fld(w, lo, 5)); reg != 31 && r.IntN(3) == 0 {
				v := edgeX[r.IntN(len(edgeX))]
				if v == 0xffffffffffffffff {
					seq = append(seq, 0x92800000|uint32(reg)) // MOVN Xd, #0
				} else {
					seq = append(seq, movImm(reg, v)...)
				}
			}
		}
		return append(seq, w)
	}
}

// sdivEdges is edges for SDIV plus, in a quarter of the cases, the
// overflowing division INT_MIN / -1 (of the operation's size; the upper
// half of a W operand random).
func sdivEdges(r *rand.Rand, w uint32) []uint32 {
	rn, rm := int(fld(w, 5, 5)), int(fld(w, 16, 5))
	if rn == 31 || rm == 31 || rn == rm || r.IntN(4) != 0 {
		return edges([]uint{5, 16})(r, w)
	}
	min, minus1 := uint64(1)<<63, ^uint64(0)
	if sf(w) == 0 {
		min, minus1 = r.Uint64()<<32|0x80000000, r.Uint64()<<32|0xffffffff
	}
	return append(append(movImm(rn, min), movImm(rm, minus1)...), w)
}

// sourceFields finds the register fields of enc that an instruction reads:
// Rn "nnnnn" (9:5), Rm "mmmmm" (20:16), Ra "aaaaa" (14:10), and Rd
// "ddddd" (4:0) for the forms that read it too (BFM, MOVK).
func sourceFields(enc string, readsRd bool) []uint {
	enc = strings.NewReplacer(" ", "", "_", "").Replace(enc)
	var out []uint
	for _, f := range []struct {
		lo  uint
		pat string
	}{{5, "nnnnn"}, {16, "mmmmm"}, {10, "aaaaa"}} {
		if enc[31-f.lo-4:32-f.lo] == f.pat {
			out = append(out, f.lo)
		}
	}
	if readsRd {
		out = append(out, 0)
	}
	return out
}

func init() {
	var ps []Pattern
	add := func(name, enc string, check func(uint32) bool) {
		p := Pattern{Name: name, Class: "int", Enc: enc, Check: check}
		if f := sourceFields(enc, name == "BFM" || name == "MOVK"); len(f) > 0 {
			p.Gen = edges(f)
		}
		if name == "SDIV" {
			p.Gen = sdivEdges
		}
		ps = append(ps, p)
	}

	// Add/subtract (immediate): sf op S 100010 sh imm12 Rn Rd.
	for _, op := range []struct{ name, bits string }{{"ADD", "00"}, {"ADDS", "01"}, {"SUB", "10"}, {"SUBS", "11"}} {
		add(op.name+" (immediate)", "x"+op.bits+"100010h iiiiiiiiiiii nnnnn ddddd", nil)
		// Add/subtract (shifted register): sf op S 01011 shift 0 Rm imm6 Rn Rd.
		add(op.name+" (shifted register)", "x"+op.bits+"01011ss0 mmmmm iiiiii nnnnn ddddd", shiftOK)
		// Add/subtract (extended register): sf op S 01011 00 1 Rm option imm3 Rn Rd.
		add(op.name+" (extended register)", "x"+op.bits+"01011001 mmmmm ooo iii nnnnn ddddd",
			func(w uint32) bool { return fld(w, 10, 3) <= 4 })
		// Add/subtract with carry: sf op S 11010000 Rm 000000 Rn Rd.
		carry := map[string]string{"ADD": "ADC", "ADDS": "ADCS", "SUB": "SBC", "SUBS": "SBCS"}[op.name]
		add(carry, "x"+op.bits+"11010000 mmmmm 000000 nnnnn ddddd", nil)
	}

	// Logical (immediate): sf opc 100100 N immr imms Rn Rd.
	// Logical (shifted register): sf opc 01010 shift N Rm imm6 Rn Rd.
	for _, op := range []struct{ imm, reg, regN, opc string }{
		{"AND", "AND", "BIC", "00"}, {"ORR", "ORR", "ORN", "01"},
		{"EOR", "EOR", "EON", "10"}, {"ANDS", "ANDS", "BICS", "11"},
	} {
		add(op.imm+" (immediate)", "x"+op.opc+"100100 N rrrrrr ssssss nnnnn ddddd", bitmaskOK)
		add(op.reg+" (shifted register)", "x"+op.opc+"01010ss0 mmmmm iiiiii nnnnn ddddd", imm6OK)
		add(op.regN+" (shifted register)", "x"+op.opc+"01010ss1 mmmmm iiiiii nnnnn ddddd", imm6OK)
	}

	// Move wide (immediate): sf opc 100101 hw imm16 Rd.
	hwOK := func(w uint32) bool { return sf(w) == 1 || fld(w, 22, 1) == 0 }
	add("MOVN", "x00100101 hh iiiiiiiiiiiiiiii ddddd", hwOK)
	add("MOVZ", "x10100101 hh iiiiiiiiiiiiiiii ddddd", hwOK)
	add("MOVK", "x11100101 hh iiiiiiiiiiiiiiii ddddd", hwOK)

	// PC-relative addressing: op immlo 10000 immhi Rd.
	add("ADR", "0ll10000 hhhhhhhhhhhhhhhhhhh ddddd", nil)
	add("ADRP", "1ll10000 hhhhhhhhhhhhhhhhhhh ddddd", nil)

	// Bitfield: sf opc 100110 N immr imms Rn Rd.
	add("SBFM", "x00100110 N rrrrrr ssssss nnnnn ddddd", bitfieldOK)
	add("BFM", "x01100110 N rrrrrr ssssss nnnnn ddddd", bitfieldOK)
	add("UBFM", "x10100110 N rrrrrr ssssss nnnnn ddddd", bitfieldOK)

	// Extract: sf 00 100111 N 0 Rm imms Rn Rd.
	add("EXTR", "x00100111 N 0 mmmmm ssssss nnnnn ddddd",
		func(w uint32) bool { return fld(w, 22, 1) == sf(w) && imm6OK(w) })

	// Conditional compare: sf op 1 11010010 Rm|imm5 cond R 0 Rn 0 nzcv.
	add("CCMN (register)", "x0111010010 mmmmm cccc 00 nnnnn 0 ffff", nil)
	add("CCMP (register)", "x1111010010 mmmmm cccc 00 nnnnn 0 ffff", nil)
	add("CCMN (immediate)", "x0111010010 iiiii cccc 10 nnnnn 0 ffff", nil)
	add("CCMP (immediate)", "x1111010010 iiiii cccc 10 nnnnn 0 ffff", nil)

	// Conditional select: sf op 0 11010100 Rm cond op2 Rn Rd.
	add("CSEL", "x0011010100 mmmmm cccc 00 nnnnn ddddd", nil)
	add("CSINC", "x0011010100 mmmmm cccc 01 nnnnn ddddd", nil)
	add("CSINV", "x1011010100 mmmmm cccc 00 nnnnn ddddd", nil)
	add("CSNEG", "x1011010100 mmmmm cccc 01 nnnnn ddddd", nil)

	// Data processing (2 source): sf 0 0 11010110 Rm opcode Rn Rd.
	for _, op := range []struct{ name, opcode string }{
		{"UDIV", "000010"}, {"SDIV", "000011"},
		{"LSLV", "001000"}, {"LSRV", "001001"}, {"ASRV", "001010"}, {"RORV", "001011"},
	} {
		add(op.name, "x0011010110 mmmmm "+op.opcode+" nnnnn ddddd", nil)
	}
	for _, op := range []struct{ name, sf, opcode string }{
		{"CRC32B", "0", "010000"}, {"CRC32H", "0", "010001"}, {"CRC32W", "0", "010010"}, {"CRC32X", "1", "010011"},
		{"CRC32CB", "0", "010100"}, {"CRC32CH", "0", "010101"}, {"CRC32CW", "0", "010110"}, {"CRC32CX", "1", "010111"},
	} {
		add(op.name, op.sf+"0011010110 mmmmm "+op.opcode+" nnnnn ddddd", nil)
	}

	// Data processing (1 source): sf 1 0 11010110 00000 opcode Rn Rd.
	for _, op := range []struct{ name, sf, opcode string }{
		{"RBIT", "x", "000000"}, {"REV16", "x", "000001"},
		{"REV (32-bit)", "0", "000010"}, {"REV32", "1", "000010"}, {"REV (64-bit)", "1", "000011"},
		{"CLZ", "x", "000100"}, {"CLS", "x", "000101"},
	} {
		add(op.name, op.sf+"1011010110 00000 "+op.opcode+" nnnnn ddddd", nil)
	}

	// Data processing (3 source): sf 00 11011 op31 Rm o0 Ra Rn Rd.
	for _, op := range []struct{ name, sf, op31, o0, ra string }{
		{"MADD", "x", "000", "0", "aaaaa"}, {"MSUB", "x", "000", "1", "aaaaa"},
		{"SMADDL", "1", "001", "0", "aaaaa"}, {"SMSUBL", "1", "001", "1", "aaaaa"},
		{"SMULH", "1", "010", "0", "11111"},
		{"UMADDL", "1", "101", "0", "aaaaa"}, {"UMSUBL", "1", "101", "1", "aaaaa"},
		{"UMULH", "1", "110", "0", "11111"},
	} {
		add(op.name, op.sf+"0011011"+op.op31+" mmmmm "+op.o0+op.ra+" nnnnn ddddd", nil)
	}

	Register(ps...)
}
