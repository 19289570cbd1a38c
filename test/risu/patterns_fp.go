package risu

// Scalar floating point (vcpu/interp/fp*.go): every form the interpreter
// implements, single and double precision, half only for FCVT
// to/from general registers. Field letters: t/tt ftype, o opcode bits, m n d
// a registers, c condition, f nzcv, r rmode, s sf, x scale, i imm8.

// fixedScaleOK rejects 32-bit fixed-point conversions with more than 32
// fraction bits (scale < 32).
func fixedScaleOK(w uint32) bool { return w>>31 == 1 || fld(w, 10, 6) >= 32 }

func init() {
	Register(
		Pattern{Name: "FMADD/FMSUB/FNMADD/FNMSUB", Class: "fp", FPCR: true,
			Enc: "00011111 0t o mmmmm o aaaaa nnnnn ddddd"},
		Pattern{Name: "FMUL/FDIV/FADD/FSUB/FMAX/FMIN/FMAXNM/FMINNM/FNMUL (scalar)", Class: "fp", FPCR: true,
			Enc:   "00011110 0t 1 mmmmm oooo 10 nnnnn ddddd",
			Check: func(w uint32) bool { return fld(w, 12, 4) <= 8 }},
		Pattern{Name: "FMOV/FABS/FNEG/FSQRT (scalar)", Class: "fp", FPCR: true,
			Enc: "00011110 0t 1 0000oo 10000 nnnnn ddddd"},
		Pattern{Name: "FRINTN/P/M/Z/A/X/I (scalar)", Class: "fp", FPCR: true,
			Enc:   "00011110 0t 1 001ooo 10000 nnnnn ddddd",
			Check: func(w uint32) bool { return fld(w, 15, 3) != 5 }},
		Pattern{Name: "FCVT (between precisions)", Class: "fp", FPCR: true,
			Enc: "00011110 tt 1 0001oo 10000 nnnnn ddddd",
			Check: func(w uint32) bool {
				ft, to := fld(w, 22, 2), fld(w, 15, 2)
				return ft != 2 && to != 2 && ft != to
			}},
		Pattern{Name: "FCMP/FCMPE", Class: "fp", FPCR: true,
			Enc: "00011110 0t 1 mmmmm 001000 nnnnn oz000",
			// With #0.0 the Rm field should be zero.
			Check: func(w uint32) bool { return fld(w, 3, 1) == 0 || fld(w, 16, 5) == 0 }},
		Pattern{Name: "FCCMP/FCCMPE", Class: "fp", FPCR: true,
			Enc: "00011110 0t 1 mmmmm cccc 01 nnnnn offff"},
		Pattern{Name: "FCSEL", Class: "fp", FPCR: true,
			Enc: "00011110 0t 1 mmmmm cccc 11 nnnnn ddddd"},
		Pattern{Name: "FMOV (scalar, immediate)", Class: "fp", FPCR: true,
			Enc: "00011110 0t 1 iiiiiiii 100 00000 ddddd"},
		Pattern{Name: "FCVTNS/NU/PS/PU/MS/MU/ZS/ZU (scalar, integer)", Class: "fp", FPCR: true,
			Enc: "s0011110 0t 1 rr 00o 000000 nnnnn ddddd"},
		Pattern{Name: "FCVTAS/FCVTAU (scalar, integer)", Class: "fp", FPCR: true,
			Enc: "s0011110 0t 1 00 10o 000000 nnnnn ddddd"},
		Pattern{Name: "SCVTF/UCVTF (scalar, integer)", Class: "fp", FPCR: true,
			Enc: "s0011110 0t 1 00 01o 000000 nnnnn ddddd"},
		Pattern{Name: "FMOV (general)", Class: "fp", FPCR: true,
			Enc: "s0011110 tt 1 0r 11o 000000 nnnnn ddddd",
			Check: func(w uint32) bool {
				sf, ft, rm := w>>31, fld(w, 22, 2), fld(w, 19, 2)
				if rm == 1 {
					return ft == 2 && sf == 1 // Vd.D[1] / Vn.D[1]
				}
				return ft == sf // Ws/Sn, Xn/Dn (the Hn forms are FEAT_FP16, not advertised)
			}},
		Pattern{Name: "FCVTZS/FCVTZU (scalar, fixed-point)", Class: "fp", FPCR: true,
			Enc: "s0011110 0t 0 11 00o xxxxxx nnnnn ddddd", Check: fixedScaleOK},
		Pattern{Name: "SCVTF/UCVTF (scalar, fixed-point)", Class: "fp", FPCR: true,
			Enc: "s0011110 0t 0 00 01o xxxxxx nnnnn ddddd", Check: fixedScaleOK},
	)
}
