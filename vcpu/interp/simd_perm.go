package interp

import (
	"math/bits"
	"unsafe"
)

// Data movement: DUP, INS, UMOV, SMOV, MOVI and friends, TBL/TBX, the
// permutes (ZIP, UZP, TRN) and EXT.

// replicate8 etc. multiply a lane value into every lane of 64 bits.
var replMul = [4]uint64{0x0101010101010101, 0x0001000100010001, 0x0000000100000001, 1}

// decodeCopy decodes DUP (element and general), INS (element and general),
// UMOV and SMOV, and the scalar DUP (MOV Vd, Vn.T[i]). cond is the
// (destination) element index, ra the source index of INS (element); imm
// holds replMul for DUP.
func decodeCopy(raw uint32, in *Inst, scalar bool) bool {
	q, op := raw>>30&1, raw>>29&1
	imm5, imm4 := field(raw, 16, 5), field(raw, 11, 4)
	sz := uint32(bits.TrailingZeros32(imm5))
	if sz > 3 {
		return false
	}
	in.sz = uint8(sz)
	in.cond = uint8(imm5 >> (sz + 1))
	in.imm = replMul[sz]
	in.imm2 = qmask(q)
	if scalar {
		if op != 0 || imm4 != 0 {
			return false
		}
		in.fn = opDupScalar
		return true
	}
	switch {
	case op == 1: // INS (element)
		if q == 0 {
			return false
		}
		in.ra = uint8(imm4 >> sz)
		in.fn = opInsElem
	case imm4 == 0: // DUP (element)
		if sz == 3 && q == 0 {
			return false
		}
		in.fn = opDupElem
		if sz == 0 && q == 1 {
			in.fn = opDupElem16b
		}
	case imm4 == 1: // DUP (general)
		if sz == 3 && q == 0 {
			return false
		}
		in.rn = rZR(raw >> 5)
		in.fn = opDupGen
	case imm4 == 3: // INS (general)
		if q == 0 {
			return false
		}
		in.rn = rZR(raw >> 5)
		in.fn = opInsGen
	case imm4 == 5: // SMOV
		in.rd = wZR(raw)
		switch {
		case q == 0 && sz <= 1:
			in.fn = opSmov32
		case q == 1 && sz <= 2:
			in.fn = opSmov64
		default:
			return false
		}
	case imm4 == 7: // UMOV
		if q == 0 && sz > 2 || q == 1 && sz != 3 {
			return false
		}
		in.rd = wZR(raw)
		in.fn = opUmov
		if sz == 3 {
			in.fn = opUmovD
		}
	default:
		return false
	}
	return true
}

func opDupScalar(c *CPU, in *Inst) {
	c.V[in.rd] = [2]uint64{getLane(&c.V[in.rn], int(in.cond), in.sz), 0}
}

func opDupElem(c *CPU, in *Inst) {
	x := getLane(&c.V[in.rn], int(in.cond), in.sz) * in.imm
	c.V[in.rd] = [2]uint64{x, x & in.imm2}
}

func opDupElem16b(c *CPU, in *Inst) {
	x := uint64(lanes[uint8](&c.V[in.rn])[in.cond&15]) * 0x0101010101010101
	c.V[in.rd] = [2]uint64{x, x}
}

func opDupGen(c *CPU, in *Inst) {
	x := c.X[in.rn] & laneMask(in.sz) * in.imm
	c.V[in.rd] = [2]uint64{x, x & in.imm2}
}

func opInsGen(c *CPU, in *Inst) { setLane(&c.V[in.rd], int(in.cond), in.sz, c.X[in.rn]) }

func opInsElem(c *CPU, in *Inst) {
	setLane(&c.V[in.rd], int(in.cond), in.sz, getLane(&c.V[in.rn], int(in.ra), in.sz))
}

func opUmov(c *CPU, in *Inst)  { c.X[in.rd] = getLane(&c.V[in.rn], int(in.cond), in.sz) }
func opUmovD(c *CPU, in *Inst) { c.X[in.rd] = c.V[in.rn][in.cond&1] }
func opSmov32(c *CPU, in *Inst) {
	c.X[in.rd] = uint64(uint32(sext(getLane(&c.V[in.rn], int(in.cond), in.sz), 8<<in.sz)))
}
func opSmov64(c *CPU, in *Inst) {
	c.X[in.rd] = sext(getLane(&c.V[in.rn], int(in.cond), in.sz), 8<<in.sz)
}

// decodeModImm decodes MOVI, MVNI, ORR and BIC (vector, immediate) and
// FMOV (vector, immediate). imm is the expanded 64-bit immediate (already
// inverted for MVNI and BIC).
func decodeModImm(raw uint32, in *Inst) bool {
	q, op := raw>>30&1, raw>>29&1
	cmode := field(raw, 12, 4)
	if raw>>11&1 == 1 { // o2: FMOV (half precision), FEAT_FP16
		return false
	}
	imm8 := field(raw, 16, 3)<<5 | field(raw, 5, 5)
	imm := advSIMDExpandImm(op, cmode, imm8)
	in.imm2 = qmask(q)
	switch {
	case cmode < 12 && cmode&1 == 1: // ORR, BIC
		if op == 1 {
			in.imm = ^imm
			in.fn = opVAndImm
		} else {
			in.imm = imm
			in.fn = opVOrrImm
		}
		return true
	case cmode == 15 && op == 1 && q == 0: // FMOV Vd.1d: unallocated
		return false
	case cmode < 14 && op == 1: // MVNI
		imm = ^imm
	}
	in.imm = imm
	in.fn = opVMovImm
	return true
}

// advSIMDExpandImm is the ARM AdvSIMDExpandImm.
func advSIMDExpandImm(op, cmode, imm8 uint32) uint64 {
	i := uint64(imm8)
	r32 := func(x uint64) uint64 { return x | x<<32 }
	r16 := func(x uint64) uint64 { return x * 0x0001000100010001 }
	switch cmode >> 1 {
	case 0:
		return r32(i)
	case 1:
		return r32(i << 8)
	case 2:
		return r32(i << 16)
	case 3:
		return r32(i << 24)
	case 4:
		return r16(i)
	case 5:
		return r16(i << 8)
	case 6:
		if cmode&1 == 0 {
			return r32(i<<8 | 0xff)
		}
		return r32(i<<16 | 0xffff)
	}
	b := i >> 6 & 1
	switch {
	case cmode&1 == 0 && op == 0:
		return i * 0x0101010101010101
	case cmode&1 == 0:
		var r uint64
		for k := range 8 {
			if i>>k&1 == 1 {
				r |= 0xff << (8 * k)
			}
		}
		return r
	case op == 0:
		return r32(i>>7<<31 | (b^1)<<30 | b*0x1f<<25 | (i&0x3f)<<19)
	}
	return i>>7<<63 | (b^1)<<62 | b*0xff<<54 | (i&0x3f)<<48
}

func opVMovImm(c *CPU, in *Inst) { c.V[in.rd] = [2]uint64{in.imm, in.imm & in.imm2} }
func opVOrrImm(c *CPU, in *Inst) {
	d := &c.V[in.rd]
	d[0], d[1] = d[0]|in.imm, (d[1]|in.imm)&in.imm2
}
func opVAndImm(c *CPU, in *Inst) {
	d := &c.V[in.rd]
	d[0], d[1] = d[0]&in.imm, d[1]&in.imm&in.imm2
}

// decodeTbl decodes TBL and TBX. ra is the number of table registers.
func decodeTbl(raw uint32, in *Inst) bool {
	if field(raw, 22, 2) != 0 {
		return false
	}
	q := raw >> 30 & 1
	setVec(in, q, 0, false)
	in.ra = uint8(field(raw, 13, 2) + 1)
	tbx := raw>>12&1 == 1
	switch {
	case tbx:
		in.fn = opTbx
	case in.ra == 1 && q == 1:
		in.fn = opTbl1x16
	default:
		in.fn = opTbl
	}
	return true
}

// tblTable copies the table registers of TBL/TBX.
func (c *CPU) tblTable(in *Inst, t *[8]uint64) int {
	n := int(in.ra)
	for j := range n {
		v := &c.V[(int(in.rn)+j)&31]
		t[2*j], t[2*j+1] = v[0], v[1]
	}
	return n * 16
}

func opTbl1x16(c *CPU, in *Inst) {
	var r [2]uint64
	t := lanes[uint8](&c.V[in.rn])
	idx, d := lanes[uint8](&c.V[in.rm]), lanes[uint8](&r)
	for i := range 16 {
		if x := idx[i]; x < 16 {
			d[i] = t[x]
		}
	}
	c.V[in.rd] = r
}

func opTbl(c *CPU, in *Inst) {
	var tw [8]uint64
	n := c.tblTable(in, &tw)
	t := (*[64]byte)(unsafe.Pointer(&tw))
	var r [2]uint64
	idx, d := lanes[uint8](&c.V[in.rm]), lanes[uint8](&r)
	for i := range int(in.op) {
		if x := int(idx[i]); x < n {
			d[i] = t[x]
		}
	}
	c.V[in.rd] = r
}

func opTbx(c *CPU, in *Inst) {
	var tw [8]uint64
	n := c.tblTable(in, &tw)
	t := (*[64]byte)(unsafe.Pointer(&tw))
	r := c.V[in.rd]
	r[1] &= in.imm2
	idx, d := lanes[uint8](&c.V[in.rm]), lanes[uint8](&r)
	for i := range int(in.op) {
		if x := int(idx[i]); x < n {
			d[i] = t[x]
		}
	}
	c.V[in.rd] = r
}

// decodePermute decodes UZP1/2, TRN1/2 and ZIP1/2.
func decodePermute(raw uint32, in *Inst) bool {
	q, sz := raw>>30&1, field(raw, 22, 2)
	if sz == 3 && q == 0 {
		return false
	}
	setVec(in, q, sz, false)
	var h [4]handler
	switch field(raw, 12, 3) {
	case 1:
		h = [4]handler{opUzp[uint8], opUzp[uint16], opUzp[uint32], opUzp[uint64]}
		in.sh = 0
	case 5:
		h = [4]handler{opUzp[uint8], opUzp[uint16], opUzp[uint32], opUzp[uint64]}
		in.sh = 1
	case 2:
		h = [4]handler{opTrn[uint8], opTrn[uint16], opTrn[uint32], opTrn[uint64]}
		in.sh = 0
	case 6:
		h = [4]handler{opTrn[uint8], opTrn[uint16], opTrn[uint32], opTrn[uint64]}
		in.sh = 1
	case 3:
		h = [4]handler{opZip[uint8], opZip[uint16], opZip[uint32], opZip[uint64]}
		in.sh = 0
	case 7:
		h = [4]handler{opZip[uint8], opZip[uint16], opZip[uint32], opZip[uint64]}
		in.sh = in.op / 2
	default:
		return false
	}
	in.fn = bySize(sz, h)
	return true
}

// opUzp: sh is 0 for UZP1 (even elements), 1 for UZP2 (odd).
func opUzp[T uelem](c *CPU, in *Inst) {
	var r [2]uint64
	n, m, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&r)
	half := int(in.op) / 2
	o := int(in.sh)
	for i := range half {
		d[i] = n[2*i+o]
		d[half+i] = m[2*i+o]
	}
	c.V[in.rd] = r
}

// opTrn: sh is 0 for TRN1, 1 for TRN2.
func opTrn[T uelem](c *CPU, in *Inst) {
	var r [2]uint64
	n, m, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&r)
	o := int(in.sh)
	for p := 0; p < int(in.op); p += 2 {
		d[p] = n[p+o]
		d[p+1] = m[p+o]
	}
	c.V[in.rd] = r
}

// opZip: sh is the first source element (0 for ZIP1, half for ZIP2).
func opZip[T uelem](c *CPU, in *Inst) {
	var r [2]uint64
	n, m, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&r)
	base := int(in.sh)
	for p := range int(in.op) / 2 {
		d[2*p] = n[base+p]
		d[2*p+1] = m[base+p]
	}
	c.V[in.rd] = r
}

// decodeExt decodes EXT; sh is the byte position times 8.
func decodeExt(raw uint32, in *Inst) bool {
	q, imm4 := raw>>30&1, field(raw, 11, 4)
	if field(raw, 22, 2) != 0 || q == 0 && imm4 >= 8 {
		return false
	}
	in.sh = uint8(imm4 * 8)
	if q == 1 {
		in.fn = opExt16
	} else {
		in.fn = opExt8
	}
	return true
}

func opExt16(c *CPU, in *Inst) {
	n, m := &c.V[in.rn], &c.V[in.rm]
	p := uint(in.sh)
	var r0, r1 uint64
	if p < 64 {
		r0 = n[0]>>p | n[1]<<(64-p)
		r1 = n[1]>>p | m[0]<<(64-p)
	} else {
		p -= 64
		r0 = n[1]>>p | m[0]<<(64-p)
		r1 = m[0]>>p | m[1]<<(64-p)
	}
	c.V[in.rd] = [2]uint64{r0, r1}
}

func opExt8(c *CPU, in *Inst) {
	p := uint(in.sh)
	c.V[in.rd] = [2]uint64{c.V[in.rn][0]>>p | c.V[in.rm][0]<<(64-p), 0}
}
