package interp

import "math/bits"

// AdvSIMD shift by immediate, vector and scalar. sh is the shift amount; for
// narrowing and widening forms sz is the narrow element size and the
// first narrow element is in imm (0, or half the narrow elements for "2"
// forms).

func decodeShiftImm(raw uint32, in *Inst, scalar bool) bool {
	q, u, immh, immb, opc := raw>>30&1, raw>>29&1, field(raw, 19, 4), field(raw, 16, 3), field(raw, 11, 5)
	sz := uint32(bits.Len32(immh)) - 1
	esize := uint32(8) << sz
	immhb := immh<<3 | immb
	rshift, lshift := 2*esize-immhb, immhb-esize
	switch opc {
	case 0b11100, 0b11111: // SCVTF, UCVTF, FCVTZS, FCVTZU (fixed point)
		return decodeFPFixedVec(raw, in, scalar)
	case 0b10000, 0b10001, 0b10010, 0b10011:
		return decodeShiftNarrow(raw, in, scalar, sz, rshift)
	case 0b10100: // SSHLL, USHLL
		if scalar || sz == 3 {
			return false
		}
		in.sz, in.sh = uint8(sz), uint8(lshift)
		in.op = uint8(8 >> sz)
		in.imm = uint64(q * (8 >> sz))
		if u == 0 {
			in.fn = bySize(sz, [4]handler{opShll2[int8, int16], opShll2[int16, int32], opShll2[int32, int64]})
		} else {
			in.fn = bySize(sz, [4]handler{opShll2[uint8, uint16], opShll2[uint16, uint32], opShll2[uint32, uint64]})
		}
		return true
	}
	if scalar {
		switch opc {
		case 0b01100, 0b01110: // SQSHLU, SQSHL, UQSHL: any size
		default:
			if sz != 3 {
				return false
			}
		}
	} else if sz == 3 && q == 0 {
		return false
	}
	setVec(in, q, sz, scalar)
	var h [4]handler
	switch opc<<1 | u {
	case 0b00000_0:
		in.sh = uint8(rshift)
		h = [4]handler{opSshr[int8], opSshr[int16], opSshr[int32], opSshr[int64]}
	case 0b00000_1:
		in.sh = uint8(rshift)
		h = [4]handler{opSshr[uint8], opSshr[uint16], opSshr[uint32], opSshr[uint64]}
	case 0b00010_0:
		in.sh = uint8(rshift)
		h = [4]handler{opSsra[int8], opSsra[int16], opSsra[int32], opSsra[int64]}
	case 0b00010_1:
		in.sh = uint8(rshift)
		h = [4]handler{opSsra[uint8], opSsra[uint16], opSsra[uint32], opSsra[uint64]}
	case 0b00100_0:
		in.sh = uint8(rshift)
		h = [4]handler{opSrshr[int8], opSrshr[int16], opSrshr[int32], opSrshr[int64]}
	case 0b00100_1:
		in.sh = uint8(rshift)
		h = [4]handler{opSrshr[uint8], opSrshr[uint16], opSrshr[uint32], opSrshr[uint64]}
	case 0b00110_0:
		in.sh = uint8(rshift)
		h = [4]handler{opSrsra[int8], opSrsra[int16], opSrsra[int32], opSrsra[int64]}
	case 0b00110_1:
		in.sh = uint8(rshift)
		h = [4]handler{opSrsra[uint8], opSrsra[uint16], opSrsra[uint32], opSrsra[uint64]}
	case 0b01000_1:
		in.sh = uint8(rshift)
		h = [4]handler{opSri[uint8], opSri[uint16], opSri[uint32], opSri[uint64]}
	case 0b01010_0:
		in.sh = uint8(lshift)
		h = [4]handler{opShlImm[uint8], opShlImm[uint16], opShlImm[uint32], opShlImm[uint64]}
	case 0b01010_1:
		in.sh = uint8(lshift)
		h = [4]handler{opSli[uint8], opSli[uint16], opSli[uint32], opSli[uint64]}
	case 0b01100_1:
		in.sh = uint8(lshift)
		h = [4]handler{opQshlu[int8, uint8], opQshlu[int16, uint16], opQshlu[int32, uint32], opQshlu[int64, uint64]}
	case 0b01110_0:
		in.sh = uint8(lshift)
		h = [4]handler{opQshlImm[int8], opQshlImm[int16], opQshlImm[int32], opQshlImm[int64]}
	case 0b01110_1:
		in.sh = uint8(lshift)
		h = [4]handler{opQshlImm[uint8], opQshlImm[uint16], opQshlImm[uint32], opQshlImm[uint64]}
	}
	in.fn = bySize(sz, h)
	return in.fn != nil
}

func opSshr[T elem](c *CPU, in *Inst) {
	var r [2]uint64
	n, d := lanes[T](&c.V[in.rn]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = n[i] >> in.sh
	}
	c.V[in.rd] = r
}

func opSsra[T elem](c *CPU, in *Inst) {
	var r [2]uint64
	n, acc, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rd]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = acc[i] + n[i]>>in.sh
	}
	c.V[in.rd] = r
}
func opSrshr[T elem](c *CPU, in *Inst) {
	var r [2]uint64
	n, d := lanes[T](&c.V[in.rn]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = rshr(n[i], uint(in.sh), true)
	}
	c.V[in.rd] = r
}
func opSrsra[T elem](c *CPU, in *Inst) {
	var r [2]uint64
	n, acc, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rd]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = acc[i] + rshr(n[i], uint(in.sh), true)
	}
	c.V[in.rd] = r
}

// opSri is SRI: the shifted elements replace the low bits of Vd.
func opSri[T uelem](c *CPU, in *Inst) {
	m := ^T(0) >> in.sh
	var r [2]uint64
	n, acc, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rd]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = acc[i]&^m | n[i]>>in.sh
	}
	c.V[in.rd] = r
}
func opShlImm[T uelem](c *CPU, in *Inst) {
	var r [2]uint64
	n, d := lanes[T](&c.V[in.rn]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = n[i] << in.sh
	}
	c.V[in.rd] = r
}

// opSli is SLI: the shifted elements replace the high bits of Vd.
func opSli[T uelem](c *CPU, in *Inst) {
	m := ^T(0) << in.sh
	var r [2]uint64
	n, acc, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rd]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = acc[i]&^m | n[i]<<in.sh
	}
	c.V[in.rd] = r
}
func opQshlImm[T elem](c *CPU, in *Inst) {
	vmap1q(c, in, func(a T) (T, bool) { return satShl(a, uint(in.sh)) })
}

// opQshlu is SQSHLU: signed input, unsigned saturated result.
func opQshlu[S selem, U uelem](c *CPU, in *Inst) {
	vmap1q(c, in, func(a S) (S, bool) {
		if a < 0 {
			return 0, true
		}
		r, q := satShl(U(a), uint(in.sh))
		return S(r), q
	})
}

func opShll2[N, W elem](c *CPU, in *Inst) {
	var r [2]uint64
	n, d := lanes[N](&c.V[in.rn]), lanes[W](&r)
	o := int(in.imm)
	for i := range int(in.op) {
		d[i] = W(n[o+i]) << in.sh
	}
	c.V[in.rd] = r
}

// decodeShiftNarrow decodes SHRN, RSHRN, SQSHRN, UQSHRN, SQRSHRN, UQRSHRN,
// SQSHRUN and SQRSHRUN. sz is the narrow size, op the number of narrow
// results, cond the first destination element, sh the shift, ra 1 for the
// rounding forms.
func decodeShiftNarrow(raw uint32, in *Inst, scalar bool, sz, rshift uint32) bool {
	q, u, opc := raw>>30&1, raw>>29&1, field(raw, 11, 5)
	if sz == 3 || scalar && u == 0 && opc <= 0b10001 {
		return false
	}
	in.sz, in.sh, in.ra = uint8(sz), uint8(rshift), uint8(opc&1)
	if scalar {
		in.op, in.cond = 1, 0
	} else {
		in.op = uint8(8 >> sz)
		in.cond = uint8(q * (8 >> sz))
	}
	var h [4]handler
	switch opc&^1<<1 | u {
	case 0b10000_0: // SHRN, RSHRN
		h = [4]handler{opShrn[uint8, uint16], opShrn[uint16, uint32], opShrn[uint32, uint64]}
		if opc&1 == 0 && sz == 0 {
			h[0] = opShrn8
		}
	case 0b10000_1: // SQSHRUN, SQRSHRUN
		h = [4]handler{opQshrn[uint8, int16], opQshrn[uint16, int32], opQshrn[uint32, int64]}
	case 0b10010_0: // SQSHRN, SQRSHRN
		h = [4]handler{opQshrn[int8, int16], opQshrn[int16, int32], opQshrn[int32, int64]}
	case 0b10010_1: // UQSHRN, UQRSHRN
		h = [4]handler{opQshrn[uint8, uint16], opQshrn[uint16, uint32], opQshrn[uint32, uint64]}
	}
	in.fn = bySize(sz, h)
	return in.fn != nil
}

// narrowDestAt is narrowDest for handlers keeping the first element in cond.
func narrowDestAt(c *CPU, in *Inst) [2]uint64 {
	if in.cond == 0 {
		return [2]uint64{}
	}
	return [2]uint64{c.V[in.rd][0], 0}
}

func opShrn[N, W uelem](c *CPU, in *Inst) {
	r := narrowDestAt(c, in)
	n, d := lanes[W](&c.V[in.rn]), lanes[N](&r)
	o, s, round := int(in.cond), uint(in.sh), in.ra == 1
	for i := range int(in.op) {
		d[o+i] = N(rshr(n[i], s, round))
	}
	c.V[in.rd] = r
}

// opShrn8 is SHRN Vd.8b/16b, Vn.8h, #s, used by string routines.
func opShrn8(c *CPU, in *Inst) {
	r := narrowDestAt(c, in)
	n := lanes[uint16](&c.V[in.rn])
	d := lanes[uint8](&r)[in.cond&8:]
	s := in.sh
	d[0], d[1], d[2], d[3] = uint8(n[0]>>s), uint8(n[1]>>s), uint8(n[2]>>s), uint8(n[3]>>s)
	d[4], d[5], d[6], d[7] = uint8(n[4]>>s), uint8(n[5]>>s), uint8(n[6]>>s), uint8(n[7]>>s)
	c.V[in.rd] = r
}

func opQshrn[N, W elem](c *CPU, in *Inst) {
	r := narrowDestAt(c, in)
	n, d := lanes[W](&c.V[in.rn]), lanes[N](&r)
	o, s, round := int(in.cond), uint(in.sh), in.ra == 1
	var q bool
	for i := range int(in.op) {
		var sat bool
		d[o+i], sat = narrowSat[N](rshr(n[i], s, round))
		q = q || sat
	}
	c.V[in.rd] = r
	if q {
		c.setQC()
	}
}
