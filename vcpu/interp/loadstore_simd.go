package interp

import "encoding/binary"

// AdvSIMD structure loads and stores: LD1–LD4/ST1–ST4 (multiple structures),
// the single-structure (lane) forms and LD1R–LD4R.
//
// Operand conventions: rd is the first V register (registers wrap modulo
// 32), rn the base, op the structure size selem (1–4), sz the number of
// register groups rpt (multiple structures), sh log2 of the element size,
// cond the Q bit, ra the lane index. Post-index writeback (imm2 = 1) adds
// imm + X[rm] to the base: imm is the immediate amount with rm = XZR, or 0
// with rm the offset register.
//
// Loads read all of memory before writing any register, so a fault leaves
// the registers as they were.

func decodeStructWB(raw uint32, total uint64, in *Inst) bool {
	in.rn = rSP(raw >> 5)
	rm := raw >> 16 & 31
	if raw>>23&1 == 0 {
		return rm == 0
	}
	in.imm2 = 1
	if rm == 31 {
		in.rm, in.imm = regZR, total
	} else {
		in.rm = uint8(rm)
	}
	return true
}

func decodeMultiStruct(raw uint32, in *Inst) bool {
	if raw>>31 != 0 || raw>>21&1 != 0 {
		return false
	}
	var rpt, selem uint8
	switch raw >> 12 & 15 {
	case 0x0:
		rpt, selem = 1, 4
	case 0x2:
		rpt, selem = 4, 1
	case 0x4:
		rpt, selem = 1, 3
	case 0x6:
		rpt, selem = 3, 1
	case 0x7:
		rpt, selem = 1, 1
	case 0x8:
		rpt, selem = 1, 2
	case 0xa:
		rpt, selem = 2, 1
	default:
		return false
	}
	size := uint8(raw >> 10 & 3)
	q := uint8(raw >> 30 & 1)
	if size == 3 && q == 0 && selem != 1 {
		return false
	}
	total := uint64(rpt) * uint64(selem) * (8 << q)
	if !decodeStructWB(raw, total, in) {
		return false
	}
	in.rd = uint8(raw & 31)
	in.op, in.sz, in.sh, in.cond = selem, rpt, size, q
	load := raw>>22&1 == 1
	switch {
	case selem == 1 && load:
		in.fn = opLd1Multi
	case selem == 1:
		in.fn = opSt1Multi
	case load:
		in.fn = opLdNMulti
	default:
		in.fn = opStNMulti
	}
	return true
}

// structWB does the post-index writeback.
func (c *CPU) structWB(in *Inst) {
	if in.imm2 != 0 {
		c.X[in.rn] += in.imm + c.X[in.rm]
	}
}

// opLd1Multi: LD1 with one to four consecutive registers.
func opLd1Multi(c *CPU, in *Inst) {
	a := c.X[in.rn]
	var t [4][2]uint64
	n := int(in.sz)
	if in.cond == 1 {
		for r := 0; r < n; r++ {
			t[r][0], t[r][1] = c.read128(a + uint64(r)*16)
		}
	} else {
		for r := 0; r < n; r++ {
			t[r][0] = c.read64(a + uint64(r)*8)
		}
	}
	for r := 0; r < n; r++ {
		c.V[(int(in.rd)+r)&31] = t[r]
	}
	c.structWB(in)
}

func opSt1Multi(c *CPU, in *Inst) {
	a := c.X[in.rn]
	n := int(in.sz)
	if in.cond == 1 {
		for r := 0; r < n; r++ {
			v := &c.V[(int(in.rd)+r)&31]
			c.write128(a+uint64(r)*16, v[0], v[1])
		}
	} else {
		for r := 0; r < n; r++ {
			c.write64(a+uint64(r)*8, c.V[(int(in.rd)+r)&31][0])
		}
	}
	c.structWB(in)
}

// vbytes views a V register as 16 little-endian bytes.
func vbytes(v [2]uint64) (b [16]byte) {
	binary.LittleEndian.PutUint64(b[:], v[0])
	binary.LittleEndian.PutUint64(b[8:], v[1])
	return b
}

func fromBytes(b *[16]byte) [2]uint64 {
	return [2]uint64{binary.LittleEndian.Uint64(b[:]), binary.LittleEndian.Uint64(b[8:])}
}

// opLdNMulti: LD2, LD3, LD4 (de-interleaving).
func opLdNMulti(c *CPU, in *Inst) {
	a := c.X[in.rn]
	selem := int(in.op)
	regBytes := 8 << in.cond
	total := selem * regBytes
	var buf [64]byte
	for k := 0; k < total; k += 8 {
		binary.LittleEndian.PutUint64(buf[k:], c.read64(a+uint64(k)))
	}
	esize := 1 << in.sh
	var t [4][16]byte
	for e, off := 0, 0; e < regBytes; e += esize {
		for xs := 0; xs < selem; xs++ {
			copy(t[xs][e:e+esize], buf[off:off+esize])
			off += esize
		}
	}
	for xs := 0; xs < selem; xs++ {
		c.V[(int(in.rd)+xs)&31] = fromBytes(&t[xs])
	}
	c.structWB(in)
}

// opStNMulti: ST2, ST3, ST4 (interleaving).
func opStNMulti(c *CPU, in *Inst) {
	a := c.X[in.rn]
	selem := int(in.op)
	regBytes := 8 << in.cond
	total := selem * regBytes
	var t [4][16]byte
	for xs := 0; xs < selem; xs++ {
		t[xs] = vbytes(c.V[(int(in.rd)+xs)&31])
	}
	esize := 1 << in.sh
	var buf [64]byte
	for e, off := 0, 0; e < regBytes; e += esize {
		for xs := 0; xs < selem; xs++ {
			copy(buf[off:off+esize], t[xs][e:e+esize])
			off += esize
		}
	}
	for k := 0; k < total; k += 8 {
		c.write64(a+uint64(k), binary.LittleEndian.Uint64(buf[k:]))
	}
	c.structWB(in)
}

func decodeSingleStruct(raw uint32, in *Inst) bool {
	if raw>>31 != 0 {
		return false
	}
	size := raw >> 10 & 3
	s := raw >> 12 & 1
	opc := raw >> 13 & 7
	r := raw >> 21 & 1
	load := raw>>22&1 == 1
	q := raw >> 30 & 1
	scale := opc >> 1
	selem := (opc&1<<1 | r) + 1
	index := q<<3 | s<<2 | size
	replicate := false
	switch scale {
	case 3:
		if !load || s == 1 {
			return false
		}
		scale = size
		replicate = true
	case 1:
		if size&1 != 0 {
			return false
		}
		index >>= 1
	case 2:
		if size&2 != 0 {
			return false
		}
		if size&1 == 0 {
			index >>= 2
		} else {
			if s == 1 {
				return false
			}
			index >>= 3
			scale = 3
		}
	}
	if !decodeStructWB(raw, uint64(selem)<<scale, in) {
		return false
	}
	in.rd = uint8(raw & 31)
	in.op, in.sh, in.cond, in.ra = uint8(selem), uint8(scale), uint8(q), uint8(index)
	switch {
	case replicate:
		in.fn = opLdRep
	case load:
		in.fn = opLdLane
	default:
		in.fn = opStLane
	}
	return true
}

// readElem reads one element of 1<<scale bytes.
func (c *CPU) readElem(a uint64, scale uint8) uint64 {
	switch scale {
	case 0:
		return c.read8(a)
	case 1:
		return c.read16(a)
	case 2:
		return c.read32(a)
	}
	return c.read64(a)
}

func (c *CPU) writeElem(a uint64, scale uint8, v uint64) {
	switch scale {
	case 0:
		c.write8(a, v)
	case 1:
		c.write16(a, v)
	case 2:
		c.write32(a, v)
	default:
		c.write64(a, v)
	}
}

// opLdLane: LD1–LD4 (single structure) into one lane, other lanes kept.
func opLdLane(c *CPU, in *Inst) {
	a := c.X[in.rn]
	n := int(in.op)
	esize := uint64(1) << in.sh
	var t [4]uint64
	for k := 0; k < n; k++ {
		t[k] = c.readElem(a+uint64(k)*esize, in.sh)
	}
	bits := 8 * esize
	pos := uint64(in.ra) * bits // bit position of the lane
	half, sh := pos>>6, pos&63
	m := sizeMask[in.sh] << sh
	for k := 0; k < n; k++ {
		v := &c.V[(int(in.rd)+k)&31]
		v[half] = v[half]&^m | t[k]<<sh
	}
	c.structWB(in)
}

// opStLane: ST1–ST4 (single structure) from one lane.
func opStLane(c *CPU, in *Inst) {
	a := c.X[in.rn]
	n := int(in.op)
	esize := uint64(1) << in.sh
	pos := uint64(in.ra) * 8 * esize
	half, sh := pos>>6, pos&63
	for k := 0; k < n; k++ {
		c.writeElem(a+uint64(k)*esize, in.sh, c.V[(int(in.rd)+k)&31][half]>>sh)
	}
	c.structWB(in)
}

// replicate64 repeats the element v of 1<<scale bytes over 64 bits.
var replicate64 = [4]uint64{0x0101010101010101, 0x0001000100010001, 0x0000000100000001, 1}

// opLdRep: LD1R–LD4R.
func opLdRep(c *CPU, in *Inst) {
	a := c.X[in.rn]
	n := int(in.op)
	esize := uint64(1) << in.sh
	var t [4]uint64
	for k := 0; k < n; k++ {
		t[k] = c.readElem(a+uint64(k)*esize, in.sh) * replicate64[in.sh]
	}
	for k := 0; k < n; k++ {
		hi := uint64(0)
		if in.cond == 1 {
			hi = t[k]
		}
		c.V[(int(in.rd)+k)&31] = [2]uint64{t[k], hi}
	}
	c.structWB(in)
}
