package risu

import "fmt"

// Advanced SIMD (vcpu/interp/simd*.go): every vector and scalar form of
// ARMv8.0 AdvSIMD, integer and floating point (no FP16 arithmetic), in
// class "simd"; the crypto extension (crypto.go) in class "crypto".
// Allocation rules follow the ARM ARM encoding tables; Check rejects the
// reserved size/Q combinations. Field letters: q Q, u U, s size, z sz,
// a size<1> of FP forms, o opcode, m n d registers, h immh, b immb, i
// index/immediate bits.

// simdQ and friends extract the common AdvSIMD fields.
func simdQ(w uint32) uint32    { return fld(w, 30, 1) }
func simdSize(w uint32) uint32 { return fld(w, 22, 2) }

// sizes returns a Check accepting the listed sizes (bit 23:22); vector
// forms with size 3 also need Q = 1 unless long is set.
func sizes(allowed string, vector, long bool) func(uint32) bool {
	return func(w uint32) bool {
		s := simdSize(w)
		ok := false
		for _, c := range allowed {
			if uint32(c-'0') == s {
				ok = true
			}
		}
		return ok && (!vector || long || s != 3 || simdQ(w) == 1)
	}
}

// fpQ rejects the reserved vector double 64-bit arrangement (sz = bit 22).
func fpQ(w uint32) bool { return fld(w, 22, 1) == 0 || simdQ(w) == 1 }

type simdForm struct {
	u      int
	opc    uint32
	sizes  string
	name   string
	fp     bool // FP form: bit 23 (a) fixed below, sz free
	a      int
	scalar bool // has a scalar form with the given scalar sizes
	ssizes string
}

func init() {
	var ps []Pattern
	add := func(class, name, enc string, fp bool, check func(uint32) bool) {
		ps = append(ps, Pattern{Name: name, Class: class, Enc: enc, FPCR: fp, Check: check})
	}
	simd := func(name, enc string, check func(uint32) bool) { add("simd", name, enc, false, check) }
	simdFP := func(name, enc string, check func(uint32) bool) { add("simd", name, enc, true, check) }

	// Three same, integer: 0 Q U 01110 size 1 Rm opcode 1 Rn Rd.
	for _, f := range []simdForm{
		{0, 0b00000, "012", "SHADD", false, 0, false, ""}, {1, 0b00000, "012", "UHADD", false, 0, false, ""},
		{0, 0b00001, "0123", "SQADD", false, 0, true, "0123"}, {1, 0b00001, "0123", "UQADD", false, 0, true, "0123"},
		{0, 0b00010, "012", "SRHADD", false, 0, false, ""}, {1, 0b00010, "012", "URHADD", false, 0, false, ""},
		{0, 0b00100, "012", "SHSUB", false, 0, false, ""}, {1, 0b00100, "012", "UHSUB", false, 0, false, ""},
		{0, 0b00101, "0123", "SQSUB", false, 0, true, "0123"}, {1, 0b00101, "0123", "UQSUB", false, 0, true, "0123"},
		{0, 0b00110, "0123", "CMGT (register)", false, 0, true, "3"}, {1, 0b00110, "0123", "CMHI (register)", false, 0, true, "3"},
		{0, 0b00111, "0123", "CMGE (register)", false, 0, true, "3"}, {1, 0b00111, "0123", "CMHS (register)", false, 0, true, "3"},
		{0, 0b01000, "0123", "SSHL", false, 0, true, "3"}, {1, 0b01000, "0123", "USHL", false, 0, true, "3"},
		{0, 0b01001, "0123", "SQSHL (register)", false, 0, true, "0123"}, {1, 0b01001, "0123", "UQSHL (register)", false, 0, true, "0123"},
		{0, 0b01010, "0123", "SRSHL", false, 0, true, "3"}, {1, 0b01010, "0123", "URSHL", false, 0, true, "3"},
		{0, 0b01011, "0123", "SQRSHL", false, 0, true, "0123"}, {1, 0b01011, "0123", "UQRSHL", false, 0, true, "0123"},
		{0, 0b01100, "012", "SMAX", false, 0, false, ""}, {1, 0b01100, "012", "UMAX", false, 0, false, ""},
		{0, 0b01101, "012", "SMIN", false, 0, false, ""}, {1, 0b01101, "012", "UMIN", false, 0, false, ""},
		{0, 0b01110, "012", "SABD", false, 0, false, ""}, {1, 0b01110, "012", "UABD", false, 0, false, ""},
		{0, 0b01111, "012", "SABA", false, 0, false, ""}, {1, 0b01111, "012", "UABA", false, 0, false, ""},
		{0, 0b10000, "0123", "ADD (vector)", false, 0, true, "3"}, {1, 0b10000, "0123", "SUB (vector)", false, 0, true, "3"},
		{0, 0b10001, "0123", "CMTST", false, 0, true, "3"}, {1, 0b10001, "0123", "CMEQ (register)", false, 0, true, "3"},
		{0, 0b10010, "012", "MLA (vector)", false, 0, false, ""}, {1, 0b10010, "012", "MLS (vector)", false, 0, false, ""},
		{0, 0b10011, "012", "MUL (vector)", false, 0, false, ""}, {1, 0b10011, "0", "PMUL", false, 0, false, ""},
		{0, 0b10100, "012", "SMAXP", false, 0, false, ""}, {1, 0b10100, "012", "UMAXP", false, 0, false, ""},
		{0, 0b10101, "012", "SMINP", false, 0, false, ""}, {1, 0b10101, "012", "UMINP", false, 0, false, ""},
		{0, 0b10110, "12", "SQDMULH (vector)", false, 0, true, "12"}, {1, 0b10110, "12", "SQRDMULH (vector)", false, 0, true, "12"},
		{0, 0b10111, "0123", "ADDP (vector)", false, 0, false, ""},
	} {
		simd(f.name+" (three same)", fmt.Sprintf("0q%d01110 ss1 mmmmm %05b 1 nnnnn ddddd", f.u, f.opc), sizes(f.sizes, true, false))
		if f.scalar {
			simd(f.name+" (scalar three same)", fmt.Sprintf("01%d11110 ss1 mmmmm %05b 1 nnnnn ddddd", f.u, f.opc), sizes(f.ssizes, false, false))
		}
	}
	simd("AND/BIC/ORR/ORN (vector)", "0q001110 ss1 mmmmm 00011 1 nnnnn ddddd", nil)
	simd("EOR/BSL/BIT/BIF (vector)", "0q101110 ss1 mmmmm 00011 1 nnnnn ddddd", nil)

	// Three same, FP: 0 Q U 01110 a sz 1 Rm 11 opc 1 Rn Rd.
	for _, f := range []simdForm{
		{0, 0b000, "", "FMAXNM", true, 0, false, ""}, {0, 0b000, "", "FMINNM", true, 1, false, ""},
		{1, 0b000, "", "FMAXNMP (vector)", true, 0, false, ""}, {1, 0b000, "", "FMINNMP (vector)", true, 1, false, ""},
		{0, 0b001, "", "FMLA (vector)", true, 0, false, ""}, {0, 0b001, "", "FMLS (vector)", true, 1, false, ""},
		{0, 0b010, "", "FADD (vector)", true, 0, false, ""}, {0, 0b010, "", "FSUB (vector)", true, 1, false, ""},
		{1, 0b010, "", "FADDP (vector)", true, 0, false, ""}, {1, 0b010, "", "FABD", true, 1, true, ""},
		{0, 0b011, "", "FMULX", true, 0, true, ""}, {1, 0b011, "", "FMUL (vector)", true, 0, false, ""},
		{0, 0b100, "", "FCMEQ (register)", true, 0, true, ""}, {1, 0b100, "", "FCMGE (register)", true, 0, true, ""},
		{1, 0b100, "", "FCMGT (register)", true, 1, true, ""},
		{1, 0b101, "", "FACGE", true, 0, true, ""}, {1, 0b101, "", "FACGT", true, 1, true, ""},
		{0, 0b110, "", "FMAX (vector)", true, 0, false, ""}, {0, 0b110, "", "FMIN (vector)", true, 1, false, ""},
		{1, 0b110, "", "FMAXP (vector)", true, 0, false, ""}, {1, 0b110, "", "FMINP (vector)", true, 1, false, ""},
		{0, 0b111, "", "FRECPS", true, 0, true, ""}, {0, 0b111, "", "FRSQRTS", true, 1, true, ""},
		{1, 0b111, "", "FDIV (vector)", true, 0, false, ""},
	} {
		simdFP(f.name+" (three same)", fmt.Sprintf("0q%d01110 %dz1 mmmmm 11%03b 1 nnnnn ddddd", f.u, f.a, f.opc), fpQ)
		if f.scalar {
			simdFP(f.name+" (scalar three same)", fmt.Sprintf("01%d11110 %dz1 mmmmm 11%03b 1 nnnnn ddddd", f.u, f.a, f.opc), nil)
		}
	}

	// Three different: 0 Q U 01110 size 1 Rm opcode 00 Rn Rd.
	for _, f := range []simdForm{
		{0, 0b0000, "012", "SADDL", false, 0, false, ""}, {1, 0b0000, "012", "UADDL", false, 0, false, ""},
		{0, 0b0001, "012", "SADDW", false, 0, false, ""}, {1, 0b0001, "012", "UADDW", false, 0, false, ""},
		{0, 0b0010, "012", "SSUBL", false, 0, false, ""}, {1, 0b0010, "012", "USUBL", false, 0, false, ""},
		{0, 0b0011, "012", "SSUBW", false, 0, false, ""}, {1, 0b0011, "012", "USUBW", false, 0, false, ""},
		{0, 0b0100, "012", "ADDHN", false, 0, false, ""}, {1, 0b0100, "012", "RADDHN", false, 0, false, ""},
		{0, 0b0101, "012", "SABAL", false, 0, false, ""}, {1, 0b0101, "012", "UABAL", false, 0, false, ""},
		{0, 0b0110, "012", "SUBHN", false, 0, false, ""}, {1, 0b0110, "012", "RSUBHN", false, 0, false, ""},
		{0, 0b0111, "012", "SABDL", false, 0, false, ""}, {1, 0b0111, "012", "UABDL", false, 0, false, ""},
		{0, 0b1000, "012", "SMLAL (vector)", false, 0, false, ""}, {1, 0b1000, "012", "UMLAL (vector)", false, 0, false, ""},
		{0, 0b1001, "12", "SQDMLAL (vector)", false, 0, true, "12"},
		{0, 0b1010, "012", "SMLSL (vector)", false, 0, false, ""}, {1, 0b1010, "012", "UMLSL (vector)", false, 0, false, ""},
		{0, 0b1011, "12", "SQDMLSL (vector)", false, 0, true, "12"},
		{0, 0b1100, "012", "SMULL (vector)", false, 0, false, ""}, {1, 0b1100, "012", "UMULL (vector)", false, 0, false, ""},
		{0, 0b1101, "12", "SQDMULL (vector)", false, 0, true, "12"},
		{0, 0b1110, "0", "PMULL (8-bit)", false, 0, false, ""},
	} {
		simd(f.name+" (three different)", fmt.Sprintf("0q%d01110 ss1 mmmmm %04b 00 nnnnn ddddd", f.u, f.opc), sizes(f.sizes, true, true))
		if f.scalar {
			simd(f.name+" (scalar three different)", fmt.Sprintf("01%d11110 ss1 mmmmm %04b 00 nnnnn ddddd", f.u, f.opc), sizes(f.ssizes, false, false))
		}
	}

	// Two-register miscellaneous, integer: 0 Q U 01110 size 10000 opcode 10 Rn Rd.
	for _, f := range []struct {
		u       int
		opc     uint32
		sizes   string
		name    string
		long    bool // narrowing/widening: Q selects the half, any size listed
		ssizes  string
		hasScal bool
	}{
		{0, 0b00000, "012", "REV64", false, "", false}, {1, 0b00000, "01", "REV32", false, "", false},
		{0, 0b00001, "0", "REV16", false, "", false},
		{0, 0b00010, "012", "SADDLP", true, "", false}, {1, 0b00010, "012", "UADDLP", true, "", false},
		{0, 0b00011, "0123", "SUQADD", false, "0123", true}, {1, 0b00011, "0123", "USQADD", false, "0123", true},
		{0, 0b00100, "012", "CLS (vector)", false, "", false}, {1, 0b00100, "012", "CLZ (vector)", false, "", false},
		{0, 0b00101, "0", "CNT", false, "", false}, {1, 0b00101, "01", "NOT/RBIT (vector)", false, "", false},
		{0, 0b00110, "012", "SADALP", true, "", false}, {1, 0b00110, "012", "UADALP", true, "", false},
		{0, 0b00111, "0123", "SQABS", false, "0123", true}, {1, 0b00111, "0123", "SQNEG", false, "0123", true},
		{0, 0b01000, "0123", "CMGT (zero)", false, "3", true}, {1, 0b01000, "0123", "CMGE (zero)", false, "3", true},
		{0, 0b01001, "0123", "CMEQ (zero)", false, "3", true}, {1, 0b01001, "0123", "CMLE (zero)", false, "3", true},
		{0, 0b01010, "0123", "CMLT (zero)", false, "3", true},
		{0, 0b01011, "0123", "ABS", false, "3", true}, {1, 0b01011, "0123", "NEG (vector)", false, "3", true},
		{0, 0b10010, "012", "XTN", true, "", false}, {1, 0b10010, "012", "SQXTUN", true, "012", true},
		{1, 0b10011, "012", "SHLL", true, "", false},
		{0, 0b10100, "012", "SQXTN", true, "012", true}, {1, 0b10100, "012", "UQXTN", true, "012", true},
	} {
		simd(f.name+" (two-reg misc)", fmt.Sprintf("0q%d01110 ss10000 %05b 10 nnnnn ddddd", f.u, f.opc), sizes(f.sizes, true, f.long))
		if f.hasScal {
			simd(f.name+" (scalar two-reg misc)", fmt.Sprintf("01%d11110 ss10000 %05b 10 nnnnn ddddd", f.u, f.opc), sizes(f.ssizes, false, false))
		}
	}

	// Two-register miscellaneous, FP: 0 Q U 01110 a sz 10000 opcode 10 Rn Rd.
	for _, f := range []simdForm{
		{0, 0b01100, "", "FCMGT (zero)", true, 1, true, ""}, {1, 0b01100, "", "FCMGE (zero)", true, 1, true, ""},
		{0, 0b01101, "", "FCMEQ (zero)", true, 1, true, ""}, {1, 0b01101, "", "FCMLE (zero)", true, 1, true, ""},
		{0, 0b01110, "", "FCMLT (zero)", true, 1, true, ""},
		{0, 0b01111, "", "FABS (vector)", true, 1, false, ""}, {1, 0b01111, "", "FNEG (vector)", true, 1, false, ""},
		{0, 0b11000, "", "FRINTN (vector)", true, 0, false, ""}, {0, 0b11000, "", "FRINTP (vector)", true, 1, false, ""},
		{1, 0b11000, "", "FRINTA (vector)", true, 0, false, ""},
		{0, 0b11001, "", "FRINTM (vector)", true, 0, false, ""}, {0, 0b11001, "", "FRINTZ (vector)", true, 1, false, ""},
		{1, 0b11001, "", "FRINTX (vector)", true, 0, false, ""}, {1, 0b11001, "", "FRINTI (vector)", true, 1, false, ""},
		{0, 0b11010, "", "FCVTNS (vector)", true, 0, true, ""}, {0, 0b11010, "", "FCVTPS (vector)", true, 1, true, ""},
		{1, 0b11010, "", "FCVTNU (vector)", true, 0, true, ""}, {1, 0b11010, "", "FCVTPU (vector)", true, 1, true, ""},
		{0, 0b11011, "", "FCVTMS (vector)", true, 0, true, ""}, {0, 0b11011, "", "FCVTZS (vector, integer)", true, 1, true, ""},
		{1, 0b11011, "", "FCVTMU (vector)", true, 0, true, ""}, {1, 0b11011, "", "FCVTZU (vector, integer)", true, 1, true, ""},
		{0, 0b11100, "", "FCVTAS (vector)", true, 0, true, ""}, {1, 0b11100, "", "FCVTAU (vector)", true, 0, true, ""},
		{0, 0b11101, "", "SCVTF (vector, integer)", true, 0, true, ""}, {1, 0b11101, "", "UCVTF (vector, integer)", true, 0, true, ""},
		{0, 0b11101, "", "FRECPE", true, 1, true, ""}, {1, 0b11101, "", "FRSQRTE", true, 1, true, ""},
		{1, 0b11111, "", "FSQRT (vector)", true, 1, false, ""},
	} {
		simdFP(f.name+" (two-reg misc)", fmt.Sprintf("0q%d01110 %dz10000 %05b 10 nnnnn ddddd", f.u, f.a, f.opc), fpQ)
		if f.scalar {
			simdFP(f.name+" (scalar two-reg misc)", fmt.Sprintf("01%d11110 %dz10000 %05b 10 nnnnn ddddd", f.u, f.a, f.opc), nil)
		}
	}
	simdFP("FRECPX", "01011110 1z10000 11111 10 nnnnn ddddd", nil)
	simd("URECPE", "0q001110 1010000 11100 10 nnnnn ddddd", nil)
	simd("URSQRTE", "0q101110 1010000 11100 10 nnnnn ddddd", nil)
	simdFP("FCVTN/FCVTN2", "0q001110 0z10000 10110 10 nnnnn ddddd", nil)
	simdFP("FCVTXN/FCVTXN2", "0q101110 0110000 10110 10 nnnnn ddddd", nil)
	simdFP("FCVTXN (scalar)", "01111110 0110000 10110 10 nnnnn ddddd", nil)
	simdFP("FCVTL/FCVTL2", "0q001110 0z10000 10111 10 nnnnn ddddd", nil)

	// Across lanes: 0 Q U 01110 size 11000 opcode 10 Rn Rd.
	acrossOK := func(w uint32) bool { s := simdSize(w); return s < 2 || s == 2 && simdQ(w) == 1 }
	for _, f := range []struct {
		u    int
		opc  uint32
		name string
	}{{0, 0b00011, "SADDLV"}, {1, 0b00011, "UADDLV"}, {0, 0b01010, "SMAXV"}, {1, 0b01010, "UMAXV"},
		{0, 0b11010, "SMINV"}, {1, 0b11010, "UMINV"}, {0, 0b11011, "ADDV"}} {
		simd(f.name, fmt.Sprintf("0q%d01110 ss11000 %05b 10 nnnnn ddddd", f.u, f.opc), acrossOK)
	}
	simdFP("FMAXNMV/FMINNMV", "01101110 a011000 01100 10 nnnnn ddddd", nil)
	simdFP("FMAXV/FMINV", "01101110 a011000 01111 10 nnnnn ddddd", nil)

	// Scalar pairwise: 01 U 11110 size 11000 opcode 10 Rn Rd.
	simd("ADDP (scalar)", "01011110 1111000 11011 10 nnnnn ddddd", nil)
	simdFP("FMAXNMP/FMINNMP (scalar)", "01111110 az11000 01100 10 nnnnn ddddd", nil)
	simdFP("FADDP (scalar)", "01111110 0z11000 01101 10 nnnnn ddddd", nil)
	simdFP("FMAXP/FMINP (scalar)", "01111110 az11000 01111 10 nnnnn ddddd", nil)

	// Copy: 0 Q op 01110000 imm5 0 imm4 1 Rn Rd.
	imm5 := func(w uint32) uint32 { return fld(w, 16, 5) }
	imm5Size := func(w uint32) int {
		for s := 0; s < 4; s++ {
			if imm5(w)>>s&1 == 1 {
				return s
			}
		}
		return 4
	}
	simd("DUP (element)", "0q001110000 iiiii 0 0000 1 nnnnn ddddd",
		func(w uint32) bool { s := imm5Size(w); return s < 3 || s == 3 && simdQ(w) == 1 })
	simd("DUP (general)", "0q001110000 iiiii 0 0001 1 nnnnn ddddd",
		func(w uint32) bool { s := imm5Size(w); return s < 3 || s == 3 && simdQ(w) == 1 })
	simd("INS (general)", "01001110000 iiiii 0 0011 1 nnnnn ddddd", func(w uint32) bool { return imm5Size(w) < 4 })
	simd("INS (element)", "01101110000 iiiii 0 iiii 1 nnnnn ddddd", func(w uint32) bool { return imm5Size(w) < 4 })
	simd("SMOV", "0q001110000 iiiii 0 0101 1 nnnnn ddddd",
		func(w uint32) bool { s := imm5Size(w); return s < 2 || s == 2 && simdQ(w) == 1 })
	simd("UMOV", "0q001110000 iiiii 0 0111 1 nnnnn ddddd",
		func(w uint32) bool { s := imm5Size(w); return simdQ(w) == 0 && s < 3 || simdQ(w) == 1 && s == 3 })
	simd("DUP (scalar)", "01011110000 iiiii 0 0000 1 nnnnn ddddd", func(w uint32) bool { return imm5Size(w) < 4 })

	// Modified immediate: 0 Q op 0111100000 abc cmode o2 1 defgh Rd.
	simdFP("MOVI/MVNI/ORR/BIC/FMOV (vector, immediate)", "0qo0111100000 iii cccc 0 1 iiiii ddddd",
		func(w uint32) bool { return !(fld(w, 12, 4) == 15 && fld(w, 29, 1) == 1 && simdQ(w) == 0) })

	// Shift by immediate: 0 Q U 011110 immh immb opcode 1 Rn Rd (immh != 0).
	immh := func(w uint32) uint32 { return fld(w, 19, 4) }
	vshift := func(w uint32) bool { h := immh(w); return h != 0 && (h < 8 || simdQ(w) == 1) }
	sshift := func(w uint32) bool { return immh(w) >= 8 }
	narrow := func(w uint32) bool { h := immh(w); return h != 0 && h < 8 }
	anyShift := func(w uint32) bool { return immh(w) != 0 }
	fixedV := func(w uint32) bool { h := immh(w); return h >= 4 && (h < 8 || simdQ(w) == 1) }
	fixedS := func(w uint32) bool { return immh(w) >= 4 }
	for _, f := range []struct {
		u         int
		opc       uint32
		name      string
		vec, scal func(uint32) bool
		fp        bool
	}{
		{0, 0b00000, "SSHR", vshift, sshift, false}, {1, 0b00000, "USHR", vshift, sshift, false},
		{0, 0b00010, "SSRA", vshift, sshift, false}, {1, 0b00010, "USRA", vshift, sshift, false},
		{0, 0b00100, "SRSHR", vshift, sshift, false}, {1, 0b00100, "URSHR", vshift, sshift, false},
		{0, 0b00110, "SRSRA", vshift, sshift, false}, {1, 0b00110, "URSRA", vshift, sshift, false},
		{1, 0b01000, "SRI", vshift, sshift, false},
		{0, 0b01010, "SHL", vshift, sshift, false}, {1, 0b01010, "SLI", vshift, sshift, false},
		{1, 0b01100, "SQSHLU", vshift, anyShift, false},
		{0, 0b01110, "SQSHL (immediate)", vshift, anyShift, false}, {1, 0b01110, "UQSHL (immediate)", vshift, anyShift, false},
		{0, 0b10000, "SHRN", narrow, nil, false}, {1, 0b10000, "SQSHRUN", narrow, narrow, false},
		{0, 0b10001, "RSHRN", narrow, nil, false}, {1, 0b10001, "SQRSHRUN", narrow, narrow, false},
		{0, 0b10010, "SQSHRN", narrow, narrow, false}, {1, 0b10010, "UQSHRN", narrow, narrow, false},
		{0, 0b10011, "SQRSHRN", narrow, narrow, false}, {1, 0b10011, "UQRSHRN", narrow, narrow, false},
		{0, 0b10100, "SSHLL", narrow, nil, false}, {1, 0b10100, "USHLL", narrow, nil, false},
		{0, 0b11100, "SCVTF (vector, fixed-point)", fixedV, fixedS, true},
		{1, 0b11100, "UCVTF (vector, fixed-point)", fixedV, fixedS, true},
		{0, 0b11111, "FCVTZS (vector, fixed-point)", fixedV, fixedS, true},
		{1, 0b11111, "FCVTZU (vector, fixed-point)", fixedV, fixedS, true},
	} {
		add("simd", f.name+" (shift immediate)", fmt.Sprintf("0q%d011110 hhhh bbb %05b 1 nnnnn ddddd", f.u, f.opc), f.fp, f.vec)
		if f.scal != nil {
			add("simd", f.name+" (scalar shift immediate)", fmt.Sprintf("01%d111110 hhhh bbb %05b 1 nnnnn ddddd", f.u, f.opc), f.fp, f.scal)
		}
	}

	// By element: 0 Q U 01111 size L M Rm opcode H 0 Rn Rd.
	intElem := sizes("12", false, false)
	for _, f := range []struct {
		u          int
		opc        uint32
		name       string
		long, scal bool
	}{
		{1, 0b0000, "MLA (by element)", false, false}, {1, 0b0100, "MLS (by element)", false, false},
		{0, 0b1000, "MUL (by element)", false, false},
		{0, 0b0010, "SMLAL (by element)", true, false}, {1, 0b0010, "UMLAL (by element)", true, false},
		{0, 0b0110, "SMLSL (by element)", true, false}, {1, 0b0110, "UMLSL (by element)", true, false},
		{0, 0b1010, "SMULL (by element)", true, false}, {1, 0b1010, "UMULL (by element)", true, false},
		{0, 0b0011, "SQDMLAL (by element)", true, true}, {0, 0b0111, "SQDMLSL (by element)", true, true},
		{0, 0b1011, "SQDMULL (by element)", true, true},
		{0, 0b1100, "SQDMULH (by element)", false, true}, {0, 0b1101, "SQRDMULH (by element)", false, true},
	} {
		simd(f.name, fmt.Sprintf("0q%d01111 ss iimmmm %04b i 0 nnnnn ddddd", f.u, f.opc), intElem)
		if f.scal {
			simd(f.name+" (scalar)", fmt.Sprintf("01%d11111 ss iimmmm %04b i 0 nnnnn ddddd", f.u, f.opc), intElem)
		}
	}
	fpElem := func(vector bool) func(uint32) bool {
		return func(w uint32) bool {
			switch simdSize(w) {
			case 2:
				return true
			case 3:
				return fld(w, 21, 1) == 0 && (!vector || simdQ(w) == 1)
			}
			return false
		}
	}
	for _, f := range []struct {
		u    int
		opc  uint32
		name string
	}{{0, 0b0001, "FMLA (by element)"}, {0, 0b0101, "FMLS (by element)"}, {0, 0b1001, "FMUL (by element)"},
		{1, 0b1001, "FMULX (by element)"}} {
		simdFP(f.name, fmt.Sprintf("0q%d01111 ss iimmmm %04b i 0 nnnnn ddddd", f.u, f.opc), fpElem(true))
		simdFP(f.name+" (scalar)", fmt.Sprintf("01%d11111 ss iimmmm %04b i 0 nnnnn ddddd", f.u, f.opc), fpElem(false))
	}

	// Table lookup, permute, extract.
	simd("TBL/TBX", "0q001110 000 mmmmm 0 ll o 00 nnnnn ddddd", nil)
	for _, f := range []struct {
		opc  uint32
		name string
	}{{1, "UZP1"}, {2, "TRN1"}, {3, "ZIP1"}, {5, "UZP2"}, {6, "TRN2"}, {7, "ZIP2"}} {
		simd(f.name, fmt.Sprintf("0q001110 ss0 mmmmm 0 %03b 10 nnnnn ddddd", f.opc), sizes("0123", true, false))
	}
	simd("EXT", "0q101110 000 mmmmm 0 iiii 0 nnnnn ddddd",
		func(w uint32) bool { return simdQ(w) == 1 || fld(w, 14, 1) == 0 })

	// Crypto (class "crypto").
	crypto := func(name, enc string) { add("crypto", name, enc, false, nil) }
	crypto("AESE", "0100111000101000 01001 0 nnnnn ddddd")
	crypto("AESD", "0100111000101000 01011 0 nnnnn ddddd")
	crypto("AESMC", "0100111000101000 01101 0 nnnnn ddddd")
	crypto("AESIMC", "0100111000101000 01111 0 nnnnn ddddd")
	for _, f := range []struct {
		opc  uint32
		name string
	}{{0, "SHA1C"}, {1, "SHA1P"}, {2, "SHA1M"}, {3, "SHA1SU0"}, {4, "SHA256H"}, {5, "SHA256H2"}, {6, "SHA256SU1"}} {
		crypto(f.name, fmt.Sprintf("01011110000 mmmmm 0 %03b 00 nnnnn ddddd", f.opc))
	}
	crypto("SHA1H", "0101111000101000 00001 0 nnnnn ddddd")
	crypto("SHA1SU1", "0101111000101000 00011 0 nnnnn ddddd")
	crypto("SHA256SU0", "0101111000101000 00101 0 nnnnn ddddd")
	crypto("PMULL/PMULL2 (64-bit)", "0q001110111 mmmmm 1110 00 nnnnn ddddd")

	Register(ps...)
}
