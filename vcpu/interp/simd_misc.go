package interp

import "math/bits"

// AdvSIMD two-register miscellaneous (integer part), across lanes, and
// scalar pairwise.

// decodeTwoMisc decodes "two-register miscellaneous" (vector and scalar).
func decodeTwoMisc(raw uint32, in *Inst, scalar bool) bool {
	q, u, sz, opc := raw>>30&1, raw>>29&1, field(raw, 22, 2), field(raw, 12, 5)
	if opc >= 0b11000 || opc >= 0b01100 && opc <= 0b01111 && sz >= 2 || opc == 0b10110 || opc == 0b10111 {
		return decodeFPTwoMisc(raw, in, scalar)
	}
	switch opc {
	case 0b10010, 0b10100: // XTN, SQXTUN, SQXTN, UQXTN
		return decodeNarrowMisc(raw, in, scalar)
	case 0b00010, 0b00110, 0b10011: // SADDLP, UADDLP, SADALP, UADALP, SHLL
		if scalar {
			return false
		}
		return decodeLongMisc(raw, in)
	}
	if scalar {
		switch opc {
		case 0b00011, 0b00111: // SUQADD, USQADD, SQABS, SQNEG: any size
		case 0b01000, 0b01001, 0b01011, 0b01010:
			if sz != 3 {
				return false
			}
		default:
			return false
		}
	} else if sz == 3 && q == 0 {
		return false
	}
	setVec(in, q, sz, scalar)
	var h [4]handler
	switch opc<<1 | u {
	case 0b00000_0: // REV64
		in.imm = 7 >> sz << sz & 7
		h = [4]handler{opRev, opRev, opRev}
	case 0b00000_1: // REV32
		in.imm = 3 >> sz << sz & 3
		h = [4]handler{opRev, opRev}
	case 0b00001_0: // REV16
		in.imm = 1
		h = [4]handler{opRev}
	case 0b00011_0:
		h = [4]handler{opSuqadd[int8, uint8], opSuqadd[int16, uint16], opSuqadd[int32, uint32], opSuqadd[int64, uint64]}
	case 0b00011_1:
		h = [4]handler{opUsqadd[uint8, int8], opUsqadd[uint16, int16], opUsqadd[uint32, int32], opUsqadd[uint64, int64]}
	case 0b00100_0:
		h = [4]handler{opCls[int8], opCls[int16], opCls[int32]}
	case 0b00100_1:
		h = [4]handler{opClz[uint8], opClz[uint16], opClz[uint32]}
	case 0b00101_0:
		h = [4]handler{opCnt}
	case 0b00101_1:
		h = [4]handler{opNot, opRbit}
	case 0b00111_0:
		h = [4]handler{opQabs[int8], opQabs[int16], opQabs[int32], opQabs[int64]}
	case 0b00111_1:
		h = [4]handler{opQneg[int8], opQneg[int16], opQneg[int32], opQneg[int64]}
	case 0b01000_0:
		h = [4]handler{opCmgtZ[int8], opCmgtZ[int16], opCmgtZ[int32], opCmgtZ[int64]}
	case 0b01000_1:
		h = [4]handler{opCmgeZ[int8], opCmgeZ[int16], opCmgeZ[int32], opCmgeZ[int64]}
	case 0b01001_0:
		in.imm, in.sh = swarHigh[sz]|1<<63, uint8(8<<sz-1)
		h = [4]handler{opCmeqZero, opCmeqZero, opCmeqZero, opCmeqZero}
	case 0b01001_1:
		h = [4]handler{opCmleZ[int8], opCmleZ[int16], opCmleZ[int32], opCmleZ[int64]}
	case 0b01010_0:
		h = [4]handler{opCmltZ[int8], opCmltZ[int16], opCmltZ[int32], opCmltZ[int64]}
	case 0b01011_0:
		h = [4]handler{opAbs[int8], opAbs[int16], opAbs[int32], opAbs[int64]}
	case 0b01011_1:
		h = [4]handler{opNeg[int8], opNeg[int16], opNeg[int32], opNeg[int64]}
	}
	in.fn = bySize(sz, h)
	return in.fn != nil
}

// opRev is REV16, REV32 and REV64: reversing the elements of a container
// is swapping its halves, then their halves, down to the element size. imm
// has bit 2 set to swap 32-bit halves, bit 1 for 16-bit, bit 0 for bytes.
func opRev(c *CPU, in *Inst) {
	n := &c.V[in.rn]
	c.V[in.rd] = [2]uint64{revSwaps(n[0], in.imm), revSwaps(n[1], in.imm) & in.imm2}
}

func revSwaps(v, steps uint64) uint64 {
	if steps&4 != 0 {
		v = v>>32 | v<<32
	}
	if steps&2 != 0 {
		v = v>>16&0x0000ffff0000ffff | v&0x0000ffff0000ffff<<16
	}
	if steps&1 != 0 {
		v = v>>8&0x00ff00ff00ff00ff | v&0x00ff00ff00ff00ff<<8
	}
	return v
}

// opSuqadd is SUQADD: signed Vd plus unsigned Vn, signed saturation. The
// sum only overflows upwards; hi - d is representable unsigned.
func opSuqadd[S selem, U uelem](c *CPU, in *Inst) {
	vmap2d(c, in, func(d, a S) (S, bool) {
		_, hi := limits[S]()
		if U(a) > U(hi)-U(d) {
			return hi, true
		}
		return S(U(d) + U(a)), false
	})
}

// opUsqadd is USQADD: unsigned Vd plus signed Vn, unsigned saturation.
func opUsqadd[U uelem, S selem](c *CPU, in *Inst) {
	vmap2d(c, in, func(d, a U) (U, bool) {
		b := S(a)
		if b < 0 {
			nb := U(-(b + 1)) + 1 // |b|, exact even for the minimum
			if d < nb {
				return 0, true
			}
			return d - nb, false
		}
		r := d + U(b)
		if r < d {
			return ^U(0), true
		}
		return r, false
	})
}

func opCls[T elem](c *CPU, in *Inst) { vmap1(c, in, cls[T]) }
func opClz[T elem](c *CPU, in *Inst) { vmap1(c, in, clz[T]) }

func opCnt(c *CPU, in *Inst) {
	n := &c.V[in.rn]
	c.V[in.rd] = [2]uint64{popBytes(n[0]), popBytes(n[1]) & in.imm2}
}

// popBytes counts the set bits of each byte of x.
func popBytes(x uint64) uint64 {
	x -= x >> 1 & 0x5555555555555555
	x = x&0x3333333333333333 + x>>2&0x3333333333333333
	return (x + x>>4) & 0x0f0f0f0f0f0f0f0f
}

func opNot(c *CPU, in *Inst) {
	n := &c.V[in.rn]
	c.V[in.rd] = [2]uint64{^n[0], ^n[1] & in.imm2}
}

func opRbit(c *CPU, in *Inst) {
	n := &c.V[in.rn]
	rb := func(v uint64) uint64 { return bits.ReverseBytes64(bits.Reverse64(v)) }
	c.V[in.rd] = [2]uint64{rb(n[0]), rb(n[1]) & in.imm2}
}

func opQabs[T selem](c *CPU, in *Inst) {
	vmap1q(c, in, func(a T) (T, bool) {
		if a == smin[T]() {
			return smax[T](), true
		}
		if a < 0 {
			return -a, false
		}
		return a, false
	})
}
func opQneg[T selem](c *CPU, in *Inst) {
	vmap1q(c, in, func(a T) (T, bool) {
		if a == smin[T]() {
			return smax[T](), true
		}
		return -a, false
	})
}
func opAbs[T selem](c *CPU, in *Inst) {
	vmap1(c, in, func(a T) T {
		if a < 0 {
			return -a
		}
		return a
	})
}
func opNeg[T selem](c *CPU, in *Inst)   { vmap1(c, in, func(a T) T { return -a }) }
func opCmgtZ[T selem](c *CPU, in *Inst) { vmap1(c, in, func(a T) T { return mask[T](a > 0) }) }
func opCmgeZ[T selem](c *CPU, in *Inst) { vmap1(c, in, func(a T) T { return mask[T](a >= 0) }) }
func opCmleZ[T selem](c *CPU, in *Inst) { vmap1(c, in, func(a T) T { return mask[T](a <= 0) }) }
func opCmltZ[T selem](c *CPU, in *Inst) { vmap1(c, in, func(a T) T { return a >> (bitsOf[T]() - 1) }) }

// decodeNarrowMisc decodes XTN, SQXTN, UQXTN, SQXTUN (vector and scalar).
// sz is the size of the narrow elements, op their number, sh the first
// destination element (the upper half for the "2" forms).
func decodeNarrowMisc(raw uint32, in *Inst, scalar bool) bool {
	q, u, sz, opc := raw>>30&1, raw>>29&1, field(raw, 22, 2), field(raw, 12, 5)
	if sz == 3 || scalar && opc == 0b10010 && u == 0 {
		return false
	}
	in.sz = uint8(sz)
	if scalar {
		in.op, in.sh = 1, 0
	} else {
		in.op = uint8(8 >> sz)
		in.sh = uint8(q * (8 >> sz))
	}
	var h [4]handler
	switch opc<<1 | u {
	case 0b10010_0:
		h = [4]handler{opXtn[uint8, uint16], opXtn[uint16, uint32], opXtn[uint32, uint64]}
	case 0b10010_1:
		h = [4]handler{opQxtn[uint8, int16], opQxtn[uint16, int32], opQxtn[uint32, int64]}
	case 0b10100_0:
		h = [4]handler{opQxtn[int8, int16], opQxtn[int16, int32], opQxtn[int32, int64]}
	case 0b10100_1:
		h = [4]handler{opQxtn[uint8, uint16], opQxtn[uint16, uint32], opQxtn[uint32, uint64]}
	}
	in.fn = bySize(sz, h)
	return true
}

// narrowDest starts the result of a narrowing operation: the "2" forms
// (sh > 0) keep the low half of Vd, the others zero all of it.
func narrowDest(c *CPU, in *Inst) [2]uint64 {
	if in.sh == 0 {
		return [2]uint64{}
	}
	return [2]uint64{c.V[in.rd][0], 0}
}

func opXtn[N, W uelem](c *CPU, in *Inst) {
	r := narrowDest(c, in)
	n, d := lanes[W](&c.V[in.rn]), lanes[N](&r)
	o := int(in.sh)
	for i := range int(in.op) {
		d[o+i] = N(n[i])
	}
	c.V[in.rd] = r
}

func opQxtn[N, W elem](c *CPU, in *Inst) {
	r := narrowDest(c, in)
	n, d := lanes[W](&c.V[in.rn]), lanes[N](&r)
	o := int(in.sh)
	var q bool
	for i := range int(in.op) {
		var s bool
		d[o+i], s = narrowSat[N](n[i])
		q = q || s
	}
	c.V[in.rd] = r
	if q {
		c.setQC()
	}
}

// decodeLongMisc decodes SADDLP, UADDLP, SADALP, UADALP and SHLL. sz is the
// narrow element size, op the number of wide results, sh the first source
// element of SHLL2, imm the SHLL shift.
func decodeLongMisc(raw uint32, in *Inst) bool {
	q, u, sz, opc := raw>>30&1, raw>>29&1, field(raw, 22, 2), field(raw, 12, 5)
	if sz == 3 {
		return false
	}
	in.sz = uint8(sz)
	var h [4]handler
	switch opc<<1 | u {
	case 0b00010_0:
		h = [4]handler{opAddlp[int8, int16], opAddlp[int16, int32], opAddlp[int32, int64]}
	case 0b00010_1:
		h = [4]handler{opAddlp[uint8, uint16], opAddlp[uint16, uint32], opAddlp[uint32, uint64]}
	case 0b00110_0:
		h = [4]handler{opAdalp[int8, int16], opAdalp[int16, int32], opAdalp[int32, int64]}
	case 0b00110_1:
		h = [4]handler{opAdalp[uint8, uint16], opAdalp[uint16, uint32], opAdalp[uint32, uint64]}
	case 0b10011_1: // SHLL
		in.op = uint8(8 >> sz)
		in.sh = uint8(q * (8 >> sz))
		in.imm = 8 << sz
		in.fn = bySize(sz, [4]handler{opShll[uint8, uint16], opShll[uint16, uint32], opShll[uint32, uint64]})
		return true
	default:
		return false
	}
	in.op = uint8((4 << q) >> sz)
	in.fn = bySize(sz, h)
	return true
}

func opAddlp[N, W elem](c *CPU, in *Inst) {
	var r [2]uint64
	n, d := lanes[N](&c.V[in.rn]), lanes[W](&r)
	for i := range int(in.op) {
		d[i] = W(n[2*i]) + W(n[2*i+1])
	}
	c.V[in.rd] = r
}

func opAdalp[N, W elem](c *CPU, in *Inst) {
	var r [2]uint64
	n, acc, d := lanes[N](&c.V[in.rn]), lanes[W](&c.V[in.rd]), lanes[W](&r)
	for i := range int(in.op) {
		d[i] = acc[i] + W(n[2*i]) + W(n[2*i+1])
	}
	c.V[in.rd] = r
}

// opShll is SHLL/SHLL2: widen and shift by the element size (imm).
func opShll[N, W uelem](c *CPU, in *Inst) {
	var r [2]uint64
	n, d := lanes[N](&c.V[in.rn]), lanes[W](&r)
	o := int(in.sh)
	for i := range int(in.op) {
		d[i] = W(n[o+i]) << in.imm
	}
	c.V[in.rd] = r
}

// decodeAcross decodes ADDV, SADDLV, UADDLV, SMAXV, UMAXV, SMINV, UMINV and
// the FP max/min reductions. sz is the source element size, op the number
// of elements.
func decodeAcross(raw uint32, in *Inst) bool {
	q, u, sz, opc := raw>>30&1, raw>>29&1, field(raw, 22, 2), field(raw, 12, 5)
	if opc == 0b01100 || opc == 0b01111 {
		return decodeFPAcross(raw, in)
	}
	if sz == 3 || sz == 2 && q == 0 {
		return false
	}
	setVec(in, q, sz, false)
	var h [4]handler
	switch opc<<1 | u {
	case 0b00011_0:
		h = [4]handler{opAddlv[int8, int16], opAddlv[int16, int32], opAddlv[int32, int64]}
	case 0b00011_1:
		h = [4]handler{opAddlv[uint8, uint16], opAddlv[uint16, uint32], opAddlv[uint32, uint64]}
	case 0b01010_0:
		h = [4]handler{opMaxv[int8], opMaxv[int16], opMaxv[int32]}
	case 0b01010_1:
		h = [4]handler{opMaxv[uint8], opMaxv[uint16], opMaxv[uint32]}
	case 0b11010_0:
		h = [4]handler{opMinv[int8], opMinv[int16], opMinv[int32]}
	case 0b11010_1:
		h = [4]handler{opMinv[uint8], opMinv[uint16], opMinv[uint32]}
	case 0b11011_0:
		h = [4]handler{opAddv[uint8], opAddv[uint16], opAddv[uint32]}
	}
	in.fn = bySize(sz, h)
	return in.fn != nil
}

// scalarResult writes a scalar element value (already truncated) to Vd.
func (c *CPU) scalarResult(rd uint8, x uint64) { c.V[rd] = [2]uint64{x, 0} }

func opAddv[T uelem](c *CPU, in *Inst) {
	var s T
	for _, x := range lanes[T](&c.V[in.rn])[:in.op] {
		s += x
	}
	c.scalarResult(in.rd, uint64(s))
}

func opAddlv[N, W elem](c *CPU, in *Inst) {
	var s W
	for _, x := range lanes[N](&c.V[in.rn])[:in.op] {
		s += W(x)
	}
	c.scalarResult(in.rd, uint64(s)&laneMask(in.sz+1))
}

func opMaxv[T elem](c *CPU, in *Inst) {
	l := lanes[T](&c.V[in.rn])[:in.op]
	m := l[0]
	for _, x := range l[1:] {
		m = max(m, x)
	}
	c.scalarResult(in.rd, uint64(m)&laneMask(in.sz))
}

func opMinv[T elem](c *CPU, in *Inst) {
	l := lanes[T](&c.V[in.rn])[:in.op]
	m := l[0]
	for _, x := range l[1:] {
		m = min(m, x)
	}
	c.scalarResult(in.rd, uint64(m)&laneMask(in.sz))
}

// decodePairScalar decodes the scalar pairwise ADDP and FP pairwise forms.
func decodePairScalar(raw uint32, in *Inst) bool {
	u, sz, opc := raw>>29&1, field(raw, 22, 2), field(raw, 12, 5)
	if u == 0 {
		if opc != 0b11011 || sz != 3 {
			return false // includes the FP16 pairwise forms
		}
		setVec(in, 0, 3, true)
		in.fn = opAddp[uint64]
		return true
	}
	return decodeFPPairScalar(raw, in)
}
