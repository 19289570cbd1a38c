package interp

// AdvSIMD three same (integer part; FP in simd_fp.go): vector and scalar.

// decodeThreeSame decodes "three same" (vector) and "scalar three same".
func decodeThreeSame(raw uint32, in *Inst, scalar bool) bool {
	q, u, sz, opc := raw>>30&1, raw>>29&1, field(raw, 22, 2), field(raw, 11, 5)
	if opc >= 0b11000 {
		return decodeFPThreeSame(raw, in, scalar)
	}
	if opc == 0b00011 { // logic
		if scalar {
			return false
		}
		in.imm2 = qmask(q)
		in.fn = logicOps[u<<2|sz]
		return true
	}
	if scalar {
		switch opc {
		case 0b00001, 0b00101, 0b01001, 0b01011: // saturating: any size
		case 0b10110: // SQDMULH, SQRDMULH
			if sz != 1 && sz != 2 {
				return false
			}
		case 0b00110, 0b00111, 0b01000, 0b01010, 0b10000, 0b10001:
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
	case 0b00000_0:
		h = [4]handler{opHadd[int8], opHadd[int16], opHadd[int32]}
	case 0b00000_1:
		h = [4]handler{opHadd[uint8], opHadd[uint16], opHadd[uint32]}
	case 0b00001_0:
		h = [4]handler{opQadd[int8], opQadd[int16], opQadd[int32], opQadd[int64]}
	case 0b00001_1:
		h = [4]handler{opQadd[uint8], opQadd[uint16], opQadd[uint32], opQadd[uint64]}
	case 0b00010_0:
		h = [4]handler{opRhadd[int8], opRhadd[int16], opRhadd[int32]}
	case 0b00010_1:
		h = [4]handler{opRhadd[uint8], opRhadd[uint16], opRhadd[uint32]}
	case 0b00100_0:
		h = [4]handler{opHsub[int8], opHsub[int16], opHsub[int32]}
	case 0b00100_1:
		h = [4]handler{opHsub[uint8], opHsub[uint16], opHsub[uint32]}
	case 0b00101_0:
		h = [4]handler{opQsub[int8], opQsub[int16], opQsub[int32], opQsub[int64]}
	case 0b00101_1:
		h = [4]handler{opQsub[uint8], opQsub[uint16], opQsub[uint32], opQsub[uint64]}
	case 0b00110_0:
		h = [4]handler{opCmgt[int8], opCmgt[int16], opCmgt[int32], opCmgt[int64]}
	case 0b00110_1:
		h = [4]handler{opCmgt[uint8], opCmgt[uint16], opCmgt[uint32], opCmgt[uint64]}
	case 0b00111_0:
		h = [4]handler{opCmge[int8], opCmge[int16], opCmge[int32], opCmge[int64]}
	case 0b00111_1:
		h = [4]handler{opCmge[uint8], opCmge[uint16], opCmge[uint32], opCmge[uint64]}
	case 0b01000_0:
		h = [4]handler{opShl[int8], opShl[int16], opShl[int32], opShl[int64]}
	case 0b01000_1:
		h = [4]handler{opShl[uint8], opShl[uint16], opShl[uint32], opShl[uint64]}
	case 0b01001_0:
		h = [4]handler{opQshl[int8], opQshl[int16], opQshl[int32], opQshl[int64]}
	case 0b01001_1:
		h = [4]handler{opQshl[uint8], opQshl[uint16], opQshl[uint32], opQshl[uint64]}
	case 0b01010_0:
		h = [4]handler{opRshl[int8], opRshl[int16], opRshl[int32], opRshl[int64]}
	case 0b01010_1:
		h = [4]handler{opRshl[uint8], opRshl[uint16], opRshl[uint32], opRshl[uint64]}
	case 0b01011_0:
		h = [4]handler{opQrshl[int8], opQrshl[int16], opQrshl[int32], opQrshl[int64]}
	case 0b01011_1:
		h = [4]handler{opQrshl[uint8], opQrshl[uint16], opQrshl[uint32], opQrshl[uint64]}
	case 0b01100_0:
		h = [4]handler{opMax[int8], opMax[int16], opMax[int32]}
	case 0b01100_1:
		h = [4]handler{opMax[uint8], opMax[uint16], opMax[uint32]}
	case 0b01101_0:
		h = [4]handler{opMin[int8], opMin[int16], opMin[int32]}
	case 0b01101_1:
		h = [4]handler{opMin[uint8], opMin[uint16], opMin[uint32]}
	case 0b01110_0:
		h = [4]handler{opAbd[int8], opAbd[int16], opAbd[int32]}
	case 0b01110_1:
		h = [4]handler{opAbd[uint8], opAbd[uint16], opAbd[uint32]}
	case 0b01111_0:
		h = [4]handler{opAba[int8], opAba[int16], opAba[int32]}
	case 0b01111_1:
		h = [4]handler{opAba[uint8], opAba[uint16], opAba[uint32]}
	case 0b10000_0:
		in.imm = swarHigh[sz]
		h = [4]handler{opVAdd, opVAdd, opVAdd, opVAdd}
	case 0b10000_1:
		in.imm = swarHigh[sz]
		h = [4]handler{opVSub, opVSub, opVSub, opVSub}
	case 0b10001_0:
		in.imm, in.sh = swarHigh[sz]|1<<63, uint8(8<<sz-1)
		h = [4]handler{opCmtst, opCmtst, opCmtst, opCmtst}
	case 0b10001_1:
		in.imm, in.sh = swarHigh[sz]|1<<63, uint8(8<<sz-1)
		h = [4]handler{opCmeq, opCmeq, opCmeq, opCmeq}
	case 0b10010_0:
		h = [4]handler{opMla[uint8], opMla[uint16], opMla[uint32]}
	case 0b10010_1:
		h = [4]handler{opMls[uint8], opMls[uint16], opMls[uint32]}
	case 0b10011_0:
		h = [4]handler{opMul[uint8], opMul[uint16], opMul[uint32]}
	case 0b10011_1:
		h = [4]handler{opPmul}
	case 0b10100_0:
		h = [4]handler{opMaxp[int8], opMaxp[int16], opMaxp[int32]}
	case 0b10100_1:
		h = [4]handler{opMaxp[uint8], opMaxp[uint16], opMaxp[uint32]}
	case 0b10101_0:
		h = [4]handler{opMinp[int8], opMinp[int16], opMinp[int32]}
	case 0b10101_1:
		h = [4]handler{opMinp[uint8], opMinp[uint16], opMinp[uint32]}
	case 0b10110_0:
		h = [4]handler{nil, opQdmulh[int16], opQdmulh[int32]}
	case 0b10110_1:
		h = [4]handler{nil, opQrdmulh[int16], opQrdmulh[int32]}
	case 0b10111_0:
		h = [4]handler{opAddp[uint8], opAddp[uint16], opAddp[uint32], opAddp[uint64]}
	}
	in.fn = bySize(sz, h)
	return in.fn != nil
}

// swarHigh has the top bit of every lane of a size set; 64-bit lanes need
// no SWAR carry handling, so their entry is 0.
var swarHigh = [4]uint64{0x8080808080808080, 0x8000800080008000, 0x8000000080000000, 0}

// Logic: index U:size.
var logicOps = [8]handler{
	func(c *CPU, in *Inst) { // AND
		n, m := &c.V[in.rn], &c.V[in.rm]
		c.V[in.rd] = [2]uint64{n[0] & m[0], n[1] & m[1] & in.imm2}
	},
	func(c *CPU, in *Inst) { // BIC
		n, m := &c.V[in.rn], &c.V[in.rm]
		c.V[in.rd] = [2]uint64{n[0] &^ m[0], n[1] &^ m[1] & in.imm2}
	},
	func(c *CPU, in *Inst) { // ORR
		n, m := &c.V[in.rn], &c.V[in.rm]
		c.V[in.rd] = [2]uint64{n[0] | m[0], (n[1] | m[1]) & in.imm2}
	},
	func(c *CPU, in *Inst) { // ORN
		n, m := &c.V[in.rn], &c.V[in.rm]
		c.V[in.rd] = [2]uint64{n[0] | ^m[0], (n[1] | ^m[1]) & in.imm2}
	},
	func(c *CPU, in *Inst) { // EOR
		n, m := &c.V[in.rn], &c.V[in.rm]
		c.V[in.rd] = [2]uint64{n[0] ^ m[0], (n[1] ^ m[1]) & in.imm2}
	},
	func(c *CPU, in *Inst) { // BSL
		n, m, d := &c.V[in.rn], &c.V[in.rm], &c.V[in.rd]
		*d = [2]uint64{m[0] ^ (m[0]^n[0])&d[0], (m[1] ^ (m[1]^n[1])&d[1]) & in.imm2}
	},
	func(c *CPU, in *Inst) { // BIT
		n, m, d := &c.V[in.rn], &c.V[in.rm], &c.V[in.rd]
		*d = [2]uint64{d[0] ^ (d[0]^n[0])&m[0], (d[1] ^ (d[1]^n[1])&m[1]) & in.imm2}
	},
	func(c *CPU, in *Inst) { // BIF
		n, m, d := &c.V[in.rn], &c.V[in.rm], &c.V[in.rd]
		*d = [2]uint64{d[0] ^ (d[0]^n[0])&^m[0], (d[1] ^ (d[1]^n[1])&^m[1]) & in.imm2}
	},
}

// ADD/SUB on all lanes of a 64-bit word at once; imm = swarHigh.
func opVAdd(c *CPU, in *Inst) {
	n, m, h := &c.V[in.rn], &c.V[in.rm], in.imm
	c.V[in.rd] = [2]uint64{
		(n[0]&^h + m[0]&^h) ^ (n[0]^m[0])&h,
		((n[1]&^h + m[1]&^h) ^ (n[1]^m[1])&h) & in.imm2,
	}
}

func opVSub(c *CPU, in *Inst) {
	n, m, h := &c.V[in.rn], &c.V[in.rm], in.imm
	c.V[in.rd] = [2]uint64{
		((n[0] | h) - m[0]&^h) ^ (n[0]^^m[0])&h,
		(((n[1] | h) - m[1]&^h) ^ (n[1]^^m[1])&h) & in.imm2,
	}
}

// zeroLanes returns all ones in the lanes of x that are zero. h has the top
// bit of each lane set, sh is the lane width minus one.
func zeroLanes(x, h uint64, sh uint8) uint64 {
	l := ^h
	nz := ((x & l) + l | x) & h
	return ^(nz >> sh * (2<<sh - 1))
}

// CMEQ/CMTST (register) and CMEQ #0: imm = top bits of the lanes, sh = lane
// width - 1.
func opCmeq(c *CPU, in *Inst) {
	n, m := &c.V[in.rn], &c.V[in.rm]
	c.V[in.rd] = [2]uint64{zeroLanes(n[0]^m[0], in.imm, in.sh), zeroLanes(n[1]^m[1], in.imm, in.sh) & in.imm2}
}
func opCmtst(c *CPU, in *Inst) {
	n, m := &c.V[in.rn], &c.V[in.rm]
	c.V[in.rd] = [2]uint64{^zeroLanes(n[0]&m[0], in.imm, in.sh), ^zeroLanes(n[1]&m[1], in.imm, in.sh) & in.imm2}
}
func opCmeqZero(c *CPU, in *Inst) {
	n := &c.V[in.rn]
	c.V[in.rd] = [2]uint64{zeroLanes(n[0], in.imm, in.sh), zeroLanes(n[1], in.imm, in.sh) & in.imm2}
}

func opHadd[T elem](c *CPU, in *Inst) {
	vmap2(c, in, func(a, b T) T { return T((int64(a) + int64(b)) >> 1) })
}
func opRhadd[T elem](c *CPU, in *Inst) {
	vmap2(c, in, func(a, b T) T { return T((int64(a) + int64(b) + 1) >> 1) })
}
func opHsub[T elem](c *CPU, in *Inst) {
	vmap2(c, in, func(a, b T) T { return T((int64(a) - int64(b)) >> 1) })
}
func opQadd[T elem](c *CPU, in *Inst) { vmap2q(c, in, qadd[T]) }
func opQsub[T elem](c *CPU, in *Inst) { vmap2q(c, in, qsub[T]) }

func opCmgt[T elem](c *CPU, in *Inst) {
	var r [2]uint64
	n, m, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = mask[T](n[i] > m[i])
	}
	c.V[in.rd] = r
}
func opCmge[T elem](c *CPU, in *Inst) {
	var r [2]uint64
	n, m, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = mask[T](n[i] >= m[i])
	}
	c.V[in.rd] = r
}

func opShl[T elem](c *CPU, in *Inst) {
	vmap2(c, in, func(a, b T) T { r, _ := shlReg(a, b, false, false); return r })
}
func opRshl[T elem](c *CPU, in *Inst) {
	vmap2(c, in, func(a, b T) T { r, _ := shlReg(a, b, true, false); return r })
}
func opQshl[T elem](c *CPU, in *Inst) {
	vmap2q(c, in, func(a, b T) (T, bool) { return shlReg(a, b, false, true) })
}
func opQrshl[T elem](c *CPU, in *Inst) {
	vmap2q(c, in, func(a, b T) (T, bool) { return shlReg(a, b, true, true) })
}

func opMax[T elem](c *CPU, in *Inst) { vmap2(c, in, func(a, b T) T { return max(a, b) }) }
func opMin[T elem](c *CPU, in *Inst) { vmap2(c, in, func(a, b T) T { return min(a, b) }) }
func opAbd[T elem](c *CPU, in *Inst) { vmap2(c, in, abd[T]) }
func opAba[T elem](c *CPU, in *Inst) {
	vmap3(c, in, func(d, a, b T) T { return d + abd(a, b) })
}
func opMul[T elem](c *CPU, in *Inst) { vmap2(c, in, func(a, b T) T { return a * b }) }
func opMla[T elem](c *CPU, in *Inst) {
	vmap3(c, in, func(d, a, b T) T { return d + a*b })
}
func opMls[T elem](c *CPU, in *Inst) {
	vmap3(c, in, func(d, a, b T) T { return d - a*b })
}
func opPmul(c *CPU, in *Inst) {
	vmap2(c, in, func(a, b uint8) uint8 { return uint8(pmul8(a, b)) })
}

// qdmulh is SQDMULH (round=false) and SQRDMULH on 16- or 32-bit lanes.
func qdmulh[T elem](a, b T, round bool) (T, bool) {
	w := bitsOf[T]()
	p := int64(a) * int64(b)
	if round {
		p += 1 << (w - 2)
	}
	p >>= w - 1
	if _, hi := limits[T](); p > int64(hi) {
		return hi, true
	}
	return T(p), false
}

func opQdmulh[T elem](c *CPU, in *Inst) {
	vmap2q(c, in, func(a, b T) (T, bool) { return qdmulh(a, b, false) })
}
func opQrdmulh[T elem](c *CPU, in *Inst) {
	vmap2q(c, in, func(a, b T) (T, bool) { return qdmulh(a, b, true) })
}

// Pairwise: the result's low half comes from pairs of Vn, the high half
// from pairs of Vm. Scalar ADDP (op = 1) adds the two D elements of Vn.
func opAddp[T elem](c *CPU, in *Inst) {
	var r [2]uint64
	n, m, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&r)
	half := int(in.op) / 2
	if half == 0 {
		d[0] = n[0] + n[1]
	}
	for i := range half {
		d[i] = n[2*i] + n[2*i+1]
		d[half+i] = m[2*i] + m[2*i+1]
	}
	c.V[in.rd] = r
}

func opMaxp[T elem](c *CPU, in *Inst) {
	var r [2]uint64
	n, m, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&r)
	half := int(in.op) / 2
	for i := range half {
		d[i] = max(n[2*i], n[2*i+1])
		d[half+i] = max(m[2*i], m[2*i+1])
	}
	c.V[in.rd] = r
}

func opMinp[T elem](c *CPU, in *Inst) {
	var r [2]uint64
	n, m, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&r)
	half := int(in.op) / 2
	for i := range half {
		d[i] = min(n[2*i], n[2*i+1])
		d[half+i] = min(m[2*i], m[2*i+1])
	}
	c.V[in.rd] = r
}
