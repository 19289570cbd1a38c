package risu

import "math/rand/v2"

// Branches (forward, inside the block), system register moves for NZCV,
// FPCR, FPSR and TPIDR_EL0, hints, barriers and EL0 cache maintenance.

// branchPads is how many marker instructions follow a generated branch. The
// branch goes 1..branchPads+1 instructions forward: onto a marker or just
// past the last one.
const branchPads = 3

// pads returns marker instructions `movz xR, #tag` with random registers:
// skipping one of them leaves a visible trace in the register file.
func pads(r *rand.Rand) []uint32 {
	out := make([]uint32, branchPads)
	for i := range out {
		out[i] = movz(r.IntN(31), uint16(0xb000+r.IntN(0x1000)), 0)
	}
	return out
}

// forward returns a Gen that writes a forward offset of 1..branchPads+1
// instructions into the field w[lo+width-1:lo] and appends the pads.
func forward(lo, width uint) func(r *rand.Rand, w uint32) []uint32 {
	return func(r *rand.Rand, w uint32) []uint32 {
		w = setFld(w, lo, width, uint32(1+r.IntN(branchPads+1)))
		return append([]uint32{w}, pads(r)...)
	}
}

// forwardZero is forward, and sometimes sets Rt (bits 4:0) to zero first
// (or to a value whose low 32 bits are zero), so CBZ/CBNZ take both paths.
func forwardZero(lo, width uint) func(r *rand.Rand, w uint32) []uint32 {
	fw := forward(lo, width)
	return func(r *rand.Rand, w uint32) []uint32 {
		seq := fw(r, w)
		rt := int(fld(w, 0, 5))
		if rt == 31 {
			return seq
		}
		switch r.IntN(3) {
		case 0:
			return append([]uint32{movz(rt, 0, 0)}, seq...)
		case 1:
			return append([]uint32{movz(rt, uint16(1+r.IntN(0xffff)), 2)}, seq...)
		}
		return seq
	}
}

// indirect returns a Gen for BR/BLR/RET Xn: ADR Xn with the forward target
// first, then the branch and the pads.
func indirect(r *rand.Rand, w uint32) []uint32 {
	rn := int(fld(w, 5, 5))
	k := 1 + r.IntN(branchPads+1)
	return append([]uint32{adr(rn, 4*(k+1)), w}, pads(r)...)
}

// Backward branches: bounded loops, so negative offsets (sign extension of
// imm26/imm19/imm14) are exercised. Each loop counts down a register xc
// from k = 1..4 and increments a marker xm per iteration.

// loopRegs returns three distinct random registers (not 30, which BL
// overwrites, nor 31): counter, marker, flag.
func loopRegs(r *rand.Rand) (xc, xm, xf int) {
	p := r.Perm(30)
	return p[0], p[1], p[2]
}

// withOffset sets a signed branch offset (in instructions) into w[lo+width-1:lo].
func withOffset(w uint32, lo, width uint, insns int) uint32 {
	return setFld(w, lo, width, uint32(insns))
}

// loopConds terminate a `subs xc, xc, #1` count-down from k >= 1:
// NE, CS, PL, HI, GE, GT.
var loopConds = []uint32{1, 2, 5, 8, 10, 12}

// backCond: movz xc,#k; L: subs xc,xc,#1; add xm,xm,#1; b.cond L.
func backCond(r *rand.Rand, w uint32) []uint32 {
	xc, xm, _ := loopRegs(r)
	w = setFld(withOffset(w, 5, 19, -2), 0, 4, loopConds[r.IntN(len(loopConds))])
	return []uint32{movz(xc, uint16(1+r.IntN(4)), 0), subsImm(xc, xc, 1), addImm(xm, xm, 1), w}
}

// backCbnz: movz xc,#k; L: sub xc,xc,#1; add xm,xm,#1; cbnz xc, L.
func backCbnz(r *rand.Rand, w uint32) []uint32 {
	xc, xm, _ := loopRegs(r)
	w = setFld(withOffset(w, 5, 19, -2), 0, 5, uint32(xc))
	return []uint32{movz(xc, uint16(1+r.IntN(4)), 0), subImm(xc, xc, 1), addImm(xm, xm, 1), w}
}

// backCbz: movz xc,#k; L: subs xc,xc,#1; cset xf,eq; add xm,xm,#1; cbz xf, L.
func backCbz(r *rand.Rand, w uint32) []uint32 {
	xc, xm, xf := loopRegs(r)
	w = setFld(withOffset(w, 5, 19, -3), 0, 5, uint32(xf))
	return []uint32{movz(xc, uint16(1+r.IntN(4)), 0), subsImm(xc, xc, 1), csetEQ(xf), addImm(xm, xm, 1), w}
}

// backTb: xc = ones(k)<<b (TBNZ) or its complement (TBZ); L: lsr xc,xc,#1;
// add xm,xm,#1; tb(n)z xc, #b, L. Bit b+i+1 is tested after i+1 shifts.
func backTb(r *rand.Rand, w uint32) []uint32 {
	xc, xm, _ := loopRegs(r)
	k := 1 + r.IntN(4)
	maxb := 63 - k
	if fld(w, 31, 1) == 0 { // W form tests bits 0..31
		maxb = 31
	}
	bit := r.IntN(maxb + 1)
	v := (uint64(1)<<k - 1) << bit
	if fld(w, 24, 1) == 0 { // TBZ
		v = ^v
	}
	w = withOffset(w, 5, 14, -2)
	w = setFld(setFld(setFld(w, 31, 1, uint32(bit>>5)), 19, 5, uint32(bit&31)), 0, 5, uint32(xc))
	return append(movImm(xc, v), lsrImm(xc, xc, 1), addImm(xm, xm, 1), w)
}

// backB: movz xc,#k; L: sub xc,xc,#1; add xm,xm,#1; cbz xc, E; b/bl L; E:.
func backB(r *rand.Rand, w uint32) []uint32 {
	xc, xm, _ := loopRegs(r)
	w = withOffset(w, 0, 26, -3)
	cbz := 0xb4000000 | uint32(2)<<5 | uint32(xc) // CBZ xc, .+8
	return []uint32{movz(xc, uint16(1+r.IntN(4)), 0), subImm(xc, xc, 1), addImm(xm, xm, 1), cbz, w}
}

// hintOK: the hints that behave as NOPs for a Linux EL0 program without
// guarded pages or PAC: NOP, YIELD, SEV, SEVL, DGH, ESB, PSB CSYNC,
// TSB CSYNC, CSDB, BTI (all variants).
func hintOK(w uint32) bool {
	switch fld(w, 5, 7) {
	case 0, 1, 4, 5, 6, 16, 17, 18, 20, 32, 34, 36, 38:
		return true
	}
	return false
}

// fpcrValue sets Xt (bits 4:0 of w) before MSR FPCR to a value with random
// control bits (AHP, DN, FZ, RMode, FZ16) and sometimes other bits set.
//
// Never set: Len (18:16) and Stride (21:20). They are AArch32 state that
// reads back when the CPU implements AArch32 (qemu keeps them) and RES0 on
// AArch64-only CPUs such as Apple's, which carrick follows.
func fpcrValue(r *rand.Rand, w uint32) []uint32 {
	rt := int(fld(w, 0, 5))
	if rt == 31 {
		return []uint32{w}
	}
	v := uint64(r.IntN(32))<<22 | uint64(r.IntN(2))<<19
	if r.IntN(4) == 0 {
		v |= r.Uint64() &^ (0x37 << 16)
	}
	return append(movImm(rt, v), w)
}

// cacheAddr returns a Gen for DC/IC <op>, Xt: it points Xt (bits 4:0) at a
// random byte of the scratch block (not aligned; sometimes with a tag in the
// top byte, which Linux's TBI ignores for data addresses).
func cacheAddr(r *rand.Rand, w uint32) []uint32 {
	a := uint64(ScratchBase + 64 + r.IntN(ScratchSize-128))
	if r.IntN(4) == 0 {
		a |= uint64(1+r.IntN(255)) << 56
	}
	return append(movImm(int(fld(w, 0, 5)), a), w)
}

// notXZR: Rt (bits 4:0) is not 31.
func notXZR(w uint32) bool { return fld(w, 0, 5) != 31 }

func init() {
	Register(
		// Unconditional branch (immediate): op 00101 imm26.
		Pattern{Name: "B", Class: "branch", Enc: "000101 iiiiiiiiiiiiiiiiiiiiiiiiii", Gen: forward(0, 26)},
		Pattern{Name: "BL", Class: "branch", Enc: "100101 iiiiiiiiiiiiiiiiiiiiiiiiii", Gen: forward(0, 26)},
		// Conditional branch (immediate): 0101010 0 imm19 0 cond.
		Pattern{Name: "B.cond", Class: "branch", Enc: "01010100 iiiiiiiiiiiiiiiiiii 0 cccc", Gen: forward(5, 19)},
		// Compare and branch (immediate): sf 011010 op imm19 Rt.
		Pattern{Name: "CBZ", Class: "branch", Enc: "x0110100 iiiiiiiiiiiiiiiiiii ttttt", Gen: forwardZero(5, 19)},
		Pattern{Name: "CBNZ", Class: "branch", Enc: "x0110101 iiiiiiiiiiiiiiiiiii ttttt", Gen: forwardZero(5, 19)},
		// Test and branch (immediate): b5 011011 op b40 imm14 Rt.
		Pattern{Name: "TBZ", Class: "branch", Enc: "b0110110 bbbbb iiiiiiiiiiiiii ttttt", Gen: forward(5, 14)},
		Pattern{Name: "TBNZ", Class: "branch", Enc: "b0110111 bbbbb iiiiiiiiiiiiii ttttt", Gen: forward(5, 14)},
		// The same, backward, in bounded loops.
		Pattern{Name: "B (backward)", Class: "branch", Enc: "000101 iiiiiiiiiiiiiiiiiiiiiiiiii", Gen: backB},
		Pattern{Name: "BL (backward)", Class: "branch", Enc: "100101 iiiiiiiiiiiiiiiiiiiiiiiiii", Gen: backB},
		Pattern{Name: "B.cond (backward)", Class: "branch", Enc: "01010100 iiiiiiiiiiiiiiiiiii 0 cccc", Gen: backCond},
		Pattern{Name: "CBZ (backward)", Class: "branch", Enc: "x0110100 iiiiiiiiiiiiiiiiiii ttttt", Gen: backCbz},
		Pattern{Name: "CBNZ (backward)", Class: "branch", Enc: "x0110101 iiiiiiiiiiiiiiiiiii ttttt", Gen: backCbnz},
		Pattern{Name: "TBZ (backward)", Class: "branch", Enc: "b0110110 bbbbb iiiiiiiiiiiiii ttttt", Gen: backTb},
		Pattern{Name: "TBNZ (backward)", Class: "branch", Enc: "b0110111 bbbbb iiiiiiiiiiiiii ttttt", Gen: backTb},
		// Unconditional branch (register): 1101011 opc op2=11111 op3=000000 Rn op4=00000.
		Pattern{Name: "BR", Class: "branch", Enc: "1101011 0000 11111 000000 nnnnn 00000", Gen: indirect,
			Check: func(w uint32) bool { return fld(w, 5, 5) != 31 }},
		Pattern{Name: "BLR", Class: "branch", Enc: "1101011 0001 11111 000000 nnnnn 00000", Gen: indirect,
			Check: func(w uint32) bool { return fld(w, 5, 5) != 31 }},
		Pattern{Name: "RET", Class: "branch", Enc: "1101011 0010 11111 000000 nnnnn 00000", Gen: indirect,
			Check: func(w uint32) bool { return fld(w, 5, 5) != 31 }},

		// System register moves: 1101010100 L 1 op0[0] op1 CRn CRm op2 Rt.
		Pattern{Name: "MRS NZCV", Class: "branch", Enc: "1101010100 1 1 1 011 0100 0010 000 ttttt"},
		Pattern{Name: "MSR NZCV", Class: "branch", Enc: "1101010100 0 1 1 011 0100 0010 000 ttttt"},
		Pattern{Name: "MRS FPCR", Class: "branch", Enc: "1101010100 1 1 1 011 0100 0100 000 ttttt", FPCR: true},
		Pattern{Name: "MSR FPCR", Class: "branch", Enc: "1101010100 0 1 1 011 0100 0100 000 ttttt", Gen: fpcrValue},
		Pattern{Name: "MRS FPSR", Class: "branch", Enc: "1101010100 1 1 1 011 0100 0100 001 ttttt"},
		Pattern{Name: "MSR FPSR", Class: "branch", Enc: "1101010100 0 1 1 011 0100 0100 001 ttttt"},
		// TPIDR_EL0 holds the previous case's X0 on entry (the epilogue
		// uses it), so MRS comes after an MSR from a random register.
		Pattern{Name: "MSR+MRS TPIDR_EL0", Class: "branch", Enc: "1101010100 1 1 1 011 1101 0000 010 ttttt",
			Gen: func(r *rand.Rand, w uint32) []uint32 { return []uint32{msr(SysTPIDR, r.IntN(32)), w} }},

		// Hints: 11010101000000110010 CRm op2 11111.
		Pattern{Name: "HINT (NOP, YIELD, SEV, BTI, ...)", Class: "branch", Enc: "11010101000000110010 hhhhhhh 11111", Check: hintOK},
		// Barriers: 11010101000000110011 CRm op2 11111.
		Pattern{Name: "CLREX", Class: "branch", Enc: "11010101000000110011 mmmm 010 11111"},
		Pattern{Name: "DSB", Class: "branch", Enc: "11010101000000110011 mmmm 100 11111",
			Check: func(w uint32) bool { m := fld(w, 8, 4); return m != 0 && m != 4 }}, // 0, 4: SSBB, PSSBB
		Pattern{Name: "DMB", Class: "branch", Enc: "11010101000000110011 mmmm 101 11111"},
		Pattern{Name: "ISB", Class: "branch", Enc: "11010101000000110011 1111 110 11111"},

		// Cache maintenance by VA allowed at EL0: SYS #3, C7, Cm, #1, Xt.
		Pattern{Name: "DC ZVA", Class: "branch", Enc: "1101010100 0 01 011 0111 0100 001 ttttt", Check: notXZR, Gen: cacheAddr},
		Pattern{Name: "DC CVAC", Class: "branch", Enc: "1101010100 0 01 011 0111 1010 001 ttttt", Check: notXZR, Gen: cacheAddr},
		Pattern{Name: "DC CVAU", Class: "branch", Enc: "1101010100 0 01 011 0111 1011 001 ttttt", Check: notXZR, Gen: cacheAddr},
		Pattern{Name: "DC CIVAC", Class: "branch", Enc: "1101010100 0 01 011 0111 1110 001 ttttt", Check: notXZR, Gen: cacheAddr},
		Pattern{Name: "IC IVAU", Class: "branch", Enc: "1101010100 0 01 011 0111 0101 001 ttttt", Check: notXZR, Gen: cacheAddr},
	)
}
