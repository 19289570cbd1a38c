package risu

import "math/rand/v2"

// Loads and stores (op0 = x1x0): every addressing mode of the single
// register forms (GPR and SIMD&FP), literals, pairs, exclusives, ordered
// accesses, LSE atomics and the AdvSIMD structure forms.
//
// CONSTRAINED UNPREDICTABLE forms are rejected: writeback with Rt == Rn (or
// Rt2 == Rn), LDP/LDXP with Rt == Rt2, STXR with Rs == Rt/Rt2/Rn. Accesses
// are naturally aligned where the instruction requires it (the base is
// 16-byte aligned and exclusive/atomic forms have no offset).

// lsV is the SIMD&FP bit (26).
func lsV(w uint32) bool { return fld(w, 26, 1) == 1 }

// lsScale returns log2 of the access size of a single-register form and
// whether the size/opc combination is allocated (PRFM counts as allocated
// when prfm is set).
func lsScale(w uint32, prfm bool) (uint32, bool) {
	size, opc := fld(w, 30, 2), fld(w, 22, 2)
	if lsV(w) {
		size |= (opc & 2) << 1
		return size, size <= 4
	}
	if size == 3 && opc == 2 {
		return 3, prfm
	}
	if opc == 3 && size > 1 {
		return 0, false
	}
	return size, true
}

// lsLoad: the single-register form writes Rt.
func lsLoad(w uint32) bool {
	if lsV(w) {
		return fld(w, 22, 1) == 1
	}
	return fld(w, 22, 2) != 0
}

// wbOK: a GPR writeback form does not also load or store its base (Rt is
// a V register in SIMD&FP forms).
func wbOK(w uint32) bool { return lsV(w) || fld(w, 0, 5) != fld(w, 5, 5) }

func pairOK(w uint32) bool {
	opc, v, idx, l := fld(w, 30, 2), lsV(w), fld(w, 23, 2), fld(w, 22, 1)
	rt, rt2, rn := fld(w, 0, 5), fld(w, 10, 5), fld(w, 5, 5)
	if opc == 3 || !v && opc == 1 && (l == 0 || idx == 0) {
		return false
	}
	if l == 1 && rt == rt2 {
		return false
	}
	if idx&1 == 1 && !v && (rt == rn || rt2 == rn) { // writeback
		return false
	}
	return true
}

// multiOK: AdvSIMD load/store multiple structures.
func multiOK(w uint32) bool {
	switch fld(w, 12, 4) {
	case 0x0, 0x4, 0x8: // LD4/LD3/LD2
		return !(fld(w, 10, 2) == 3 && fld(w, 30, 1) == 0)
	case 0x2, 0x6, 0x7, 0xa: // LD1 with 4/3/1/2 registers
		return true
	}
	return false
}

// singleOK: AdvSIMD load/store single structure (and replicate).
func singleOK(w uint32) bool {
	size, s, opc, l := fld(w, 10, 2), fld(w, 12, 1), fld(w, 13, 3), fld(w, 22, 1)
	switch opc >> 1 {
	case 3:
		return l == 1 && s == 0
	case 1:
		return size&1 == 0
	case 2:
		return size&2 == 0 && (size&1 == 0 || s == 0)
	}
	return true
}

// exclusive load/store words used by Gen.
func ldxr(size uint32, rt, rn int) uint32 {
	return 0x085f7c00 | size<<30 | reg(rn)<<5 | reg(rt)
}
func ldrSized(size uint32, rt, rn int) uint32 { // LDR (unsigned offset) #0
	return 0x39400000 | size<<30 | reg(rn)<<5 | reg(rt)
}

const clrexWord = 0xd503305f

// otherReg picks a register in 0..30 different from all of avoid.
func otherReg(r *rand.Rand, avoid ...uint32) int {
	for {
		x := uint32(r.IntN(31))
		ok := true
		for _, a := range avoid {
			ok = ok && x != a
		}
		if ok {
			return int(x)
		}
	}
}

func init() {
	const C = "loadstore"
	Register(
		Pattern{Name: "LDR/STR (unsigned offset)", Class: C, Mem: true,
			Enc: "ss111V01oo iiiiiiiiiiii nnnnn ttttt",
			Check: func(w uint32) bool {
				sc, ok := lsScale(w, true)
				return ok && fld(w, 10, 12)<<sc+16 <= MemReach
			}},
		Pattern{Name: "LDUR/STUR (unscaled offset)", Class: C, Mem: true,
			Enc: "ss111V00oo0 iiiiiiiii 00 nnnnn ttttt",
			Check: func(w uint32) bool {
				_, ok := lsScale(w, true)
				return ok
			}},
		Pattern{Name: "LDR/STR (post-index)", Class: C, Mem: true,
			Enc: "ss111V00oo0 iiiiiiiii 01 nnnnn ttttt",
			Check: func(w uint32) bool {
				_, ok := lsScale(w, false)
				return ok && wbOK(w)
			}},
		Pattern{Name: "LDR/STR (pre-index)", Class: C, Mem: true,
			Enc: "ss111V00oo0 iiiiiiiii 11 nnnnn ttttt",
			Check: func(w uint32) bool {
				_, ok := lsScale(w, false)
				return ok && wbOK(w)
			}},
		Pattern{Name: "LDTR/STTR (unprivileged)", Class: C, Mem: true,
			Enc: "ss111000oo0 iiiiiiiii 10 nnnnn ttttt",
			Check: func(w uint32) bool {
				_, ok := lsScale(w, false)
				return ok
			}},
		Pattern{Name: "LDR/STR (register offset)", Class: C, Mem: true, Index: true,
			Enc: "ss111V00oo1 mmmmm xxx S 10 nnnnn ttttt",
			Check: func(w uint32) bool {
				_, ok := lsScale(w, true)
				return ok && fld(w, 14, 1) == 1 &&
					// a load into the index register is fine; into Rn too (no writeback)
					true
			}},
		// imm19 in [-32, -1] words: the literal is in code already run (the
		// prologue or this case's earlier instructions), the same on both sides.
		Pattern{Name: "LDR (literal)", Class: C,
			Enc: "oo011V00 11111111111111 iiiii ttttt",
			Check: func(w uint32) bool {
				return !lsV(w) || fld(w, 30, 2) != 3
			}},
		Pattern{Name: "LDP/STP/LDNP/STNP/LDPSW", Class: C, Mem: true,
			Enc:   "oo101V0ppL iiiiiii uuuuu nnnnn ttttt",
			Check: pairOK},
		Pattern{Name: "LD/ST multiple structures", Class: C, Mem: true,
			Enc:   "0Q0011000L000000 oooo ss nnnnn ttttt",
			Check: multiOK},
		Pattern{Name: "LD/ST multiple structures (post-index)", Class: C, Mem: true, Index: true,
			Enc:   "0Q0011001L0 mmmmm oooo ss nnnnn ttttt",
			Check: multiOK},
		Pattern{Name: "LD/ST single structure", Class: C, Mem: true,
			Enc:   "0Q0011010LR00000 oooS ss nnnnn ttttt",
			Check: singleOK},
		Pattern{Name: "LD/ST single structure (post-index)", Class: C, Mem: true, Index: true,
			Enc:   "0Q0011011LR mmmmm oooS ss nnnnn ttttt",
			Check: singleOK},
		Pattern{Name: "LDAR/STLR/LDLAR/STLLR", Class: C, Mem: true,
			Enc: "ss0010001L0 11111 o 11111 nnnnn ttttt"},
		Pattern{Name: "LDAPR", Class: C, Mem: true,
			Enc: "ss111000101 11111 1100 00 nnnnn ttttt"},
		Pattern{Name: "LSE atomic (LDADD…SWP)", Class: C, Mem: true,
			Enc:   "ss111000AR1 sssss oooo 00 nnnnn ttttt",
			Check: func(w uint32) bool { return fld(w, 12, 4) <= 8 }},
		Pattern{Name: "CAS", Class: C, Mem: true,
			Enc: "ss0010001L1 sssss o 11111 nnnnn ttttt",
			Gen: func(r *rand.Rand, w uint32) []uint32 {
				// Half the time make the comparison succeed.
				rs, rn := int(fld(w, 16, 5)), int(fld(w, 5, 5))
				if r.IntN(2) == 0 || rs == 31 || rs == rn {
					return []uint32{w}
				}
				return []uint32{ldrSized(fld(w, 30, 2), rs, rn), w}
			}},
		Pattern{Name: "CASP", Class: C, Mem: true,
			Enc: "0z0010000L1 sssss o 11111 nnnnn ttttt",
			Check: func(w uint32) bool {
				return fld(w, 0, 1) == 0 && fld(w, 16, 1) == 0
			},
			Gen: func(r *rand.Rand, w uint32) []uint32 {
				rs, rn := int(fld(w, 16, 5)), int(fld(w, 5, 5))
				if r.IntN(2) == 0 || rs >= 30 || rs == rn || rs+1 == rn {
					return []uint32{w}
				}
				if fld(w, 30, 1) == 1 {
					return []uint32{0xa9400000 | reg(rs+1)<<10 | reg(rn)<<5 | reg(rs), w} // LDP Xs, Xs+1, [Xn]
				}
				return []uint32{0x29400000 | reg(rs+1)<<10 | reg(rn)<<5 | reg(rs), w} // LDP Ws, Ws+1, [Xn]
			}},
		Pattern{Name: "LDXR/LDAXR", Class: C, Mem: true,
			Enc: "ss0010000101 1111 o 11111 nnnnn ttttt",
			Gen: func(r *rand.Rand, w uint32) []uint32 { return []uint32{w, clrexWord} }},
		Pattern{Name: "LDXP/LDAXP", Class: C, Mem: true,
			Enc:   "1z0010000111 1111 o uuuuu nnnnn ttttt",
			Check: func(w uint32) bool { return fld(w, 0, 5) != fld(w, 10, 5) },
			Gen:   func(r *rand.Rand, w uint32) []uint32 { return []uint32{w, clrexWord} }},
		// STXR after an LDXR of the same size and address (succeeds), after an
		// LDXR and a store to the address (fails unless the value is the
		// same), or alone (fails).
		Pattern{Name: "STXR/STLXR", Class: C, Mem: true,
			Enc: "ss001000000 sssss o 11111 nnnnn ttttt",
			Check: func(w uint32) bool {
				rs := fld(w, 16, 5)
				return rs != fld(w, 0, 5) && rs != fld(w, 5, 5)
			},
			Gen: func(r *rand.Rand, w uint32) []uint32 {
				size, rn := fld(w, 30, 2), int(fld(w, 5, 5))
				t := otherReg(r, uint32(rn))
				switch r.IntN(4) {
				case 0:
					return []uint32{clrexWord, w}
				case 1: // intervening store of another register
					u := otherReg(r, uint32(rn))
					return []uint32{ldxr(size, t, rn), 0x39000000 | size<<30 | reg(rn)<<5 | reg(u), w}
				}
				return []uint32{ldxr(size, t, rn), w}
			}},
		Pattern{Name: "STXP/STLXP", Class: C, Mem: true,
			Enc: "1z001000001 sssss o uuuuu nnnnn ttttt",
			Check: func(w uint32) bool {
				rs := fld(w, 16, 5)
				return rs != fld(w, 0, 5) && rs != fld(w, 10, 5) && rs != fld(w, 5, 5)
			},
			Gen: func(r *rand.Rand, w uint32) []uint32 {
				rn := int(fld(w, 5, 5))
				t := otherReg(r, uint32(rn))
				t2 := otherReg(r, uint32(rn), uint32(t))
				ldxp := 0x887f0000 | fld(w, 30, 1)<<30 | reg(t2)<<10 | reg(rn)<<5 | reg(t)
				if r.IntN(4) == 0 {
					return []uint32{clrexWord, w}
				}
				return []uint32{ldxp, w}
			}},
	)
}
