package interp

import (
	"unsafe"
)

// Advanced SIMD: the vector and scalar forms of class op0 = x111 (bits
// 28:25) other than scalar FP, plus the crypto extension (crypto.go).
// Loads and stores of vectors are in loadstore*.go.
//
// Operand conventions for every SIMD handler (families document extras):
//
//	rd, rn, rm, ra  V register numbers; general registers (DUP, INS, UMOV,
//	                SMOV) are mapped indices into CPU.X as elsewhere
//	sz              log2 of the element size in bytes of the elements the
//	                handler iterates (0 = B … 3 = D)
//	op              number of elements processed (lanes); 1 for scalar forms
//	imm2            mask applied to bits 127:64 of full-width results: all
//	                ones for 128-bit (Q=1) forms, 0 for 64-bit and scalar ones
//	sh              shift amount, or the first element of the upper half
//	                for the "2" (second-part) forms of widening and narrowing
//	                (shift-narrow and shift-long forms keep it in cond/imm)
//	cond            element index of by-element and INS/DUP/UMOV forms,
//	                operation selector of FP reductions
//	imm             constants: immediates, SWAR masks, rounding modes
//
// Results are built in a local value and stored whole, so a destination
// that is also a source reads the old value. Writes of 64-bit arrangements
// and scalar results zero the rest of the register.
//
// Element-wise operations are generic over the Go integer type of one lane
// (uint8 … int64): each instantiation is compiled for its own shape, so the
// lane arithmetic is direct; rarer operations pass a lane function to a
// shared loop (vmap2 and friends). The hot forms used by string, memory and
// hashing routines (logic, ADD/SUB, CMEQ, SHRN, DUP, MOVI, TBL, EXT, REV,
// CNT, AES…) have SWAR or unrolled handlers.
func decodeSIMD(raw uint32, in *Inst) bool {
	if raw>>31 == 1 {
		// SHA512, SHA3, SM3, SM4 and unallocated space.
		return false
	}
	in.rd, in.rn, in.rm = uint8(raw&31), uint8(raw>>5&31), uint8(raw>>16&31)
	if raw>>28&1 == 0 {
		return decodeSIMDVector(raw, in)
	}
	return decodeSIMDScalar(raw, in)
}

// decodeSIMDVector decodes the vector forms (op0 = 0xx0).
func decodeSIMDVector(raw uint32, in *Inst) bool {
	b10, b11, b15, b21 := raw>>10&1, raw>>11&1, raw>>15&1, raw>>21&1
	if raw>>24&1 == 1 {
		switch {
		case b10 == 0:
			return decodeVecElem(raw, in, false)
		case raw>>23&1 == 1:
			return false
		case field(raw, 19, 4) == 0:
			return decodeModImm(raw, in)
		}
		return decodeShiftImm(raw, in, false)
	}
	if b21 == 1 {
		switch {
		case b10 == 1:
			return decodeThreeSame(raw, in, false)
		case b11 == 0:
			return decodeThreeDiff(raw, in, false)
		}
		switch field(raw, 17, 4) {
		case 0b0000:
			return decodeTwoMisc(raw, in, false)
		case 0b1000:
			return decodeAcross(raw, in)
		case 0b0100:
			if raw&0xfffe0c00 == 0x4e280800 {
				return decodeAES(raw, in)
			}
		}
		return false
	}
	if b10 == 1 {
		if field(raw, 21, 3) == 0 && b15 == 0 {
			return decodeCopy(raw, in, false)
		}
		return false // FP16 three same, three-register extension (dot product, RDM, FCMLA)
	}
	if b15 != 0 {
		return false
	}
	if raw>>29&1 == 1 {
		return decodeExt(raw, in)
	}
	if b11 == 0 {
		return decodeTbl(raw, in)
	}
	return decodePermute(raw, in)
}

// decodeSIMDScalar decodes the scalar forms (op0 = 01x1) and the SHA
// instructions.
func decodeSIMDScalar(raw uint32, in *Inst) bool {
	b10, b11, b15, b21 := raw>>10&1, raw>>11&1, raw>>15&1, raw>>21&1
	if raw>>24&1 == 1 {
		switch {
		case b10 == 0:
			return decodeVecElem(raw, in, true)
		case raw>>23&1 == 1 || field(raw, 19, 4) == 0:
			return false
		}
		return decodeShiftImm(raw, in, true)
	}
	if b21 == 1 {
		switch {
		case b10 == 1:
			return decodeThreeSame(raw, in, true)
		case b11 == 0:
			return decodeThreeDiff(raw, in, true)
		}
		switch field(raw, 17, 4) {
		case 0b0000:
			return decodeTwoMisc(raw, in, true)
		case 0b1000:
			return decodePairScalar(raw, in)
		case 0b0100:
			if raw&0xfffe0c00 == 0x5e280800 {
				return decodeSHA2Reg(raw, in)
			}
		}
		return false
	}
	if b10 == 1 {
		if field(raw, 21, 3) == 0 && b15 == 0 && raw>>29&1 == 0 {
			return decodeCopy(raw, in, true)
		}
		return false
	}
	if raw&0xffe08c00 == 0x5e000000 {
		return decodeSHA3Reg(raw, in)
	}
	return false
}

// handler is the type of instruction handlers.
type handler = func(*CPU, *Inst)

// Lane types.
type uelem interface {
	~uint8 | ~uint16 | ~uint32 | ~uint64
}
type selem interface {
	~int8 | ~int16 | ~int32 | ~int64
}
type elem interface{ uelem | selem }

// lanes views a 128-bit register value as its elements.
func lanes[T elem](v *[2]uint64) []T {
	var z T
	return unsafe.Slice((*T)(unsafe.Pointer(v)), 16/unsafe.Sizeof(z))
}

// bitsOf is the width of T in bits.
func bitsOf[T elem]() uint {
	var z T
	return uint(unsafe.Sizeof(z)) * 8
}

// Signed and unsigned limits of a lane type.
func smax[T selem]() T { return ^smin[T]() }
func smin[T selem]() T { return T(1) << (bitsOf[T]() - 1) }

// bySize picks the handler for element size sz (log2 bytes); nil entries
// mark sizes the encoding leaves unallocated.
func bySize(sz uint32, h [4]handler) handler { return h[sz&3] }

// qmask is the bits-127:64 mask for a Q bit.
func qmask(q uint32) uint64 { return -uint64(q & 1) }

// setVec fills the common operands of a vector (q = Q bit) or scalar
// (scalar = true) form working on elements of size sz.
func setVec(in *Inst, q, sz uint32, scalar bool) {
	in.sz = uint8(sz)
	if scalar {
		in.op = 1
		in.imm2 = 0
		return
	}
	in.op = uint8((8 << q) >> sz)
	in.imm2 = qmask(q)
}

// laneMask is the mask of one lane of size sz.
func laneMask(sz uint8) uint64 { return ^uint64(0) >> (64 - 8<<sz) }

// getLane reads element i (of size sz) of v, zero-extended.
func getLane(v *[2]uint64, i int, sz uint8) uint64 {
	pos := uint(i) << (3 + sz)
	return v[pos>>6&1] >> (pos & 63) & laneMask(sz)
}

// setLane replaces element i (of size sz) of v.
func setLane(v *[2]uint64, i int, sz uint8, x uint64) {
	pos := uint(i) << (3 + sz)
	m := laneMask(sz) << (pos & 63)
	w := &v[pos>>6&1]
	*w = *w&^m | x<<(pos&63)&m
}

// setQC records saturation in FPSR.QC.
func (c *CPU) setQC() { c.FPSR |= 1 << 27 }

// vmap1 applies f to each element of Vn.
func vmap1[T elem](c *CPU, in *Inst, f func(a T) T) {
	var r [2]uint64
	n, d := lanes[T](&c.V[in.rn]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = f(n[i])
	}
	c.V[in.rd] = r
}

// vmap1q is vmap1 for saturating operations: f reports saturation.
func vmap1q[T elem](c *CPU, in *Inst, f func(a T) (T, bool)) {
	var r [2]uint64
	var q bool
	n, d := lanes[T](&c.V[in.rn]), lanes[T](&r)
	for i := range int(in.op) {
		var s bool
		d[i], s = f(n[i])
		q = q || s
	}
	c.V[in.rd] = r
	if q {
		c.setQC()
	}
}

// vmap2 applies f to each pair of elements of Vn and Vm.
func vmap2[T elem](c *CPU, in *Inst, f func(a, b T) T) {
	var r [2]uint64
	n, m, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = f(n[i], m[i])
	}
	c.V[in.rd] = r
}

// vmap2q is vmap2 for saturating operations.
func vmap2q[T elem](c *CPU, in *Inst, f func(a, b T) (T, bool)) {
	var r [2]uint64
	var q bool
	n, m, d := lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&r)
	for i := range int(in.op) {
		var s bool
		d[i], s = f(n[i], m[i])
		q = q || s
	}
	c.V[in.rd] = r
	if q {
		c.setQC()
	}
}

// vmap3 applies f to each element of Vd (the accumulator), Vn and Vm.
func vmap3[T elem](c *CPU, in *Inst, f func(d, a, b T) T) {
	var r [2]uint64
	acc, n, m, d := lanes[T](&c.V[in.rd]), lanes[T](&c.V[in.rn]), lanes[T](&c.V[in.rm]), lanes[T](&r)
	for i := range int(in.op) {
		d[i] = f(acc[i], n[i], m[i])
	}
	c.V[in.rd] = r
}

// vmap2d applies f to each element of Vd (the accumulator) and Vn.
func vmap2d[T elem](c *CPU, in *Inst, f func(d, a T) (T, bool)) {
	var r [2]uint64
	var q bool
	acc, n, d := lanes[T](&c.V[in.rd]), lanes[T](&c.V[in.rn]), lanes[T](&r)
	for i := range int(in.op) {
		var s bool
		d[i], s = f(acc[i], n[i])
		q = q || s
	}
	c.V[in.rd] = r
	if q {
		c.setQC()
	}
}
