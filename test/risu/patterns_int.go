package risu

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

func init() {
	var ps []Pattern
	add := func(name, enc string, check func(uint32) bool) {
		ps = append(ps, Pattern{Name: name, Class: "int", Enc: enc, Check: check})
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
