package interp

// AdvSIMD (vector and scalar) x indexed element: the second operand is one
// element of Vm, whose index is in cond. For the long forms sz is the narrow
// size, op the number of wide results and sh the first narrow element of
// Vn.

func decodeVecElem(raw uint32, in *Inst, scalar bool) bool {
	q, u, sz, opc := raw>>30&1, raw>>29&1, field(raw, 22, 2), field(raw, 12, 4)
	h, l, m := raw>>11&1, raw>>21&1, raw>>20&1
	switch opc {
	case 0b0001, 0b0101, 0b1001: // FMLA, FMLS, FMUL, FMULX (FCMLA for U=1 but FMULX)
		if u == 1 && opc != 0b1001 {
			return false
		}
		return decodeFPElem(raw, in, scalar)
	}
	if scalar {
		switch opc {
		case 0b0011, 0b0111, 0b1011, 0b1100, 0b1101:
			if u == 1 {
				return false
			}
		default:
			return false
		}
	}
	switch sz {
	case 1:
		in.cond = uint8(h<<2 | l<<1 | m)
		in.rm = uint8(field(raw, 16, 4))
	case 2:
		in.cond = uint8(h<<1 | l)
	default:
		return false
	}
	long := opc&0b0011 == 0b0010 || opc == 0b0011 || opc == 0b0111 || opc == 0b1011
	in.sz = uint8(sz)
	switch {
	case scalar:
		in.op, in.sh, in.imm2 = 1, 0, 0
	case long:
		in.op = uint8(8 >> sz)
		in.sh = uint8(q * (8 >> sz))
	default:
		setVec(in, q, sz, false)
	}
	var hs [4]handler
	switch opc<<1 | u {
	case 0b0000_1:
		hs = [4]handler{nil, opMlaElem[uint16], opMlaElem[uint32]}
	case 0b0100_1:
		hs = [4]handler{nil, opMlsElem[uint16], opMlsElem[uint32]}
	case 0b1000_0:
		hs = [4]handler{nil, opMulElem[uint16], opMulElem[uint32]}
	case 0b1100_0:
		hs = [4]handler{nil, opQdmulhElem[int16], opQdmulhElem[int32]}
	case 0b1101_0:
		hs = [4]handler{nil, opQrdmulhElem[int16], opQrdmulhElem[int32]}
	case 0b0010_0:
		hs = [4]handler{nil, opMlalElem[int16, int32], opMlalElem[int32, int64]}
	case 0b0010_1:
		hs = [4]handler{nil, opMlalElem[uint16, uint32], opMlalElem[uint32, uint64]}
	case 0b0110_0:
		hs = [4]handler{nil, opMlslElem[int16, int32], opMlslElem[int32, int64]}
	case 0b0110_1:
		hs = [4]handler{nil, opMlslElem[uint16, uint32], opMlslElem[uint32, uint64]}
	case 0b1010_0:
		hs = [4]handler{nil, opMullElem[int16, int32], opMullElem[int32, int64]}
	case 0b1010_1:
		hs = [4]handler{nil, opMullElem[uint16, uint32], opMullElem[uint32, uint64]}
	case 0b0011_0:
		hs = [4]handler{nil, opQdmlalElem[int16, int32], opQdmlalElem[int32, int64]}
	case 0b0111_0:
		hs = [4]handler{nil, opQdmlslElem[int16, int32], opQdmlslElem[int32, int64]}
	case 0b1011_0:
		hs = [4]handler{nil, opQdmullElem[int16, int32], opQdmullElem[int32, int64]}
	}
	in.fn = bySize(sz, hs)
	return in.fn != nil
}

// velem applies f to the accumulator, each element of Vn and the selected
// element of Vm; f reports saturation.
func velem[T elem](c *CPU, in *Inst, f func(d, a, b T) (T, bool)) {
	var r [2]uint64
	b := lanes[T](&c.V[in.rm])[in.cond&15]
	n, acc, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rd]), lanes[T](&r)
	var q bool
	for i := range int(in.op) {
		var s bool
		d[i], s = f(acc[i], n[i], b)
		q = q || s
	}
	c.V[in.rd] = r
	if q {
		c.setQC()
	}
}

// velemLong is velem for the widening forms.
func velemLong[N, W elem](c *CPU, in *Inst, f func(d, a, b W) (W, bool)) {
	var r [2]uint64
	b := W(lanes[N](&c.V[in.rm])[in.cond&15])
	n, acc, d := lanes[N](&c.V[in.rn]), lanes[W](&c.V[in.rd]), lanes[W](&r)
	o := int(in.sh)
	var q bool
	for i := range int(in.op) {
		var s bool
		d[i], s = f(acc[i], W(n[o+i]), b)
		q = q || s
	}
	c.V[in.rd] = r
	if q {
		c.setQC()
	}
}

func opMulElem[T elem](c *CPU, in *Inst) {
	velem(c, in, func(_, a, b T) (T, bool) { return a * b, false })
}
func opMlaElem[T elem](c *CPU, in *Inst) {
	velem(c, in, func(d, a, b T) (T, bool) { return d + a*b, false })
}
func opMlsElem[T elem](c *CPU, in *Inst) {
	velem(c, in, func(d, a, b T) (T, bool) { return d - a*b, false })
}
func opQdmulhElem[T elem](c *CPU, in *Inst) {
	velem(c, in, func(_, a, b T) (T, bool) { return qdmulh(a, b, false) })
}
func opQrdmulhElem[T elem](c *CPU, in *Inst) {
	velem(c, in, func(_, a, b T) (T, bool) { return qdmulh(a, b, true) })
}
func opMullElem[N, W elem](c *CPU, in *Inst) {
	velemLong[N](c, in, func(_, a, b W) (W, bool) { return a * b, false })
}
func opMlalElem[N, W elem](c *CPU, in *Inst) {
	velemLong[N](c, in, func(d, a, b W) (W, bool) { return d + a*b, false })
}
func opMlslElem[N, W elem](c *CPU, in *Inst) {
	velemLong[N](c, in, func(d, a, b W) (W, bool) { return d - a*b, false })
}
func opQdmullElem[N, W elem](c *CPU, in *Inst) {
	velemLong[N](c, in, func(_, a, b W) (W, bool) { return qdmull(a, b) })
}
func opQdmlalElem[N, W elem](c *CPU, in *Inst) {
	velemLong[N](c, in, func(d, a, b W) (W, bool) {
		p, s1 := qdmull(a, b)
		r, s2 := qadd(d, p)
		return r, s1 || s2
	})
}
func opQdmlslElem[N, W elem](c *CPU, in *Inst) {
	velemLong[N](c, in, func(d, a, b W) (W, bool) {
		p, s1 := qdmull(a, b)
		r, s2 := qsub(d, p)
		return r, s1 || s2
	})
}
