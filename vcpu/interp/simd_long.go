package interp

// AdvSIMD three different: widening (long and wide) and narrowing (high
// half) operations, vector and scalar (SQDMLAL, SQDMLSL, SQDMULL).
//
// sz is the size of the narrow elements, op the number of wide elements
// (4, 8 or 2 in a 128-bit vector), sh the index of the first narrow source
// element (or destination element for the HN forms): 0, or half the
// narrow elements for the "2" forms.

func decodeThreeDiff(raw uint32, in *Inst, scalar bool) bool {
	q, u, sz, opc := raw>>30&1, raw>>29&1, field(raw, 22, 2), field(raw, 12, 4)
	if scalar {
		switch opc {
		case 0b1001, 0b1011, 0b1101:
			if u == 0 && (sz == 1 || sz == 2) {
				break
			}
			return false
		default:
			return false
		}
	}
	if sz == 3 {
		if opc == 0b1110 && u == 0 && !scalar {
			return decodePmull64(raw, in)
		}
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
	case 0b0000_0:
		h = [4]handler{opAddl[int8, int16], opAddl[int16, int32], opAddl[int32, int64]}
	case 0b0000_1:
		h = [4]handler{opAddl[uint8, uint16], opAddl[uint16, uint32], opAddl[uint32, uint64]}
	case 0b0001_0:
		h = [4]handler{opAddw[int8, int16], opAddw[int16, int32], opAddw[int32, int64]}
	case 0b0001_1:
		h = [4]handler{opAddw[uint8, uint16], opAddw[uint16, uint32], opAddw[uint32, uint64]}
	case 0b0010_0:
		h = [4]handler{opSubl[int8, int16], opSubl[int16, int32], opSubl[int32, int64]}
	case 0b0010_1:
		h = [4]handler{opSubl[uint8, uint16], opSubl[uint16, uint32], opSubl[uint32, uint64]}
	case 0b0011_0:
		h = [4]handler{opSubw[int8, int16], opSubw[int16, int32], opSubw[int32, int64]}
	case 0b0011_1:
		h = [4]handler{opSubw[uint8, uint16], opSubw[uint16, uint32], opSubw[uint32, uint64]}
	case 0b0100_0:
		h = [4]handler{opAddhn[uint8, uint16], opAddhn[uint16, uint32], opAddhn[uint32, uint64]}
	case 0b0100_1:
		h = [4]handler{opRaddhn[uint8, uint16], opRaddhn[uint16, uint32], opRaddhn[uint32, uint64]}
	case 0b0101_0:
		h = [4]handler{opAbal[int8, int16], opAbal[int16, int32], opAbal[int32, int64]}
	case 0b0101_1:
		h = [4]handler{opAbal[uint8, uint16], opAbal[uint16, uint32], opAbal[uint32, uint64]}
	case 0b0110_0:
		h = [4]handler{opSubhn[uint8, uint16], opSubhn[uint16, uint32], opSubhn[uint32, uint64]}
	case 0b0110_1:
		h = [4]handler{opRsubhn[uint8, uint16], opRsubhn[uint16, uint32], opRsubhn[uint32, uint64]}
	case 0b0111_0:
		h = [4]handler{opAbdl[int8, int16], opAbdl[int16, int32], opAbdl[int32, int64]}
	case 0b0111_1:
		h = [4]handler{opAbdl[uint8, uint16], opAbdl[uint16, uint32], opAbdl[uint32, uint64]}
	case 0b1000_0:
		h = [4]handler{opMlal[int8, int16], opMlal[int16, int32], opMlal[int32, int64]}
	case 0b1000_1:
		h = [4]handler{opMlal[uint8, uint16], opMlal[uint16, uint32], opMlal[uint32, uint64]}
	case 0b1001_0:
		h = [4]handler{nil, opQdmlal[int16, int32], opQdmlal[int32, int64]}
	case 0b1010_0:
		h = [4]handler{opMlsl[int8, int16], opMlsl[int16, int32], opMlsl[int32, int64]}
	case 0b1010_1:
		h = [4]handler{opMlsl[uint8, uint16], opMlsl[uint16, uint32], opMlsl[uint32, uint64]}
	case 0b1011_0:
		h = [4]handler{nil, opQdmlsl[int16, int32], opQdmlsl[int32, int64]}
	case 0b1100_0:
		h = [4]handler{opMull[int8, int16], opMull[int16, int32], opMull[int32, int64]}
	case 0b1100_1:
		h = [4]handler{opMull[uint8, uint16], opMull[uint16, uint32], opMull[uint32, uint64]}
	case 0b1101_0:
		h = [4]handler{nil, opQdmull[int16, int32], opQdmull[int32, int64]}
	case 0b1110_0:
		h = [4]handler{opPmull8}
	}
	in.fn = bySize(sz, h)
	return in.fn != nil
}

// vlong applies f to the widened elements of Vn and Vm.
func vlong[N, W elem](c *CPU, in *Inst, f func(a, b W) W) {
	var r [2]uint64
	n, m, d := lanes[N](&c.V[in.rn]), lanes[N](&c.V[in.rm]), lanes[W](&r)
	o := int(in.sh)
	for i := range int(in.op) {
		d[i] = f(W(n[o+i]), W(m[o+i]))
	}
	c.V[in.rd] = r
}

// vlongAcc applies f to the wide elements of Vd and the widened elements of
// Vn and Vm; f reports saturation.
func vlongAcc[N, W elem](c *CPU, in *Inst, f func(d, a, b W) (W, bool)) {
	var r [2]uint64
	n, m, acc, d := lanes[N](&c.V[in.rn]), lanes[N](&c.V[in.rm]), lanes[W](&c.V[in.rd]), lanes[W](&r)
	o := int(in.sh)
	var q bool
	for i := range int(in.op) {
		var s bool
		d[i], s = f(acc[i], W(n[o+i]), W(m[o+i]))
		q = q || s
	}
	c.V[in.rd] = r
	if q {
		c.setQC()
	}
}

// vwide applies f to the wide elements of Vn and widened elements of Vm.
func vwide[N, W elem](c *CPU, in *Inst, f func(a, b W) W) {
	var r [2]uint64
	n, m, d := lanes[W](&c.V[in.rn]), lanes[N](&c.V[in.rm]), lanes[W](&r)
	o := int(in.sh)
	for i := range int(in.op) {
		d[i] = f(n[i], W(m[o+i]))
	}
	c.V[in.rd] = r
}

// vhn applies f to the wide elements of Vn and Vm, giving narrow results.
func vhn[N, W elem](c *CPU, in *Inst, f func(a, b W) N) {
	r := narrowDest(c, in)
	n, m, d := lanes[W](&c.V[in.rn]), lanes[W](&c.V[in.rm]), lanes[N](&r)
	o := int(in.sh)
	for i := range int(in.op) {
		d[o+i] = f(n[i], m[i])
	}
	c.V[in.rd] = r
}

func opAddl[N, W elem](c *CPU, in *Inst) { vlong[N](c, in, func(a, b W) W { return a + b }) }
func opSubl[N, W elem](c *CPU, in *Inst) { vlong[N](c, in, func(a, b W) W { return a - b }) }
func opAddw[N, W elem](c *CPU, in *Inst) { vwide[N](c, in, func(a, b W) W { return a + b }) }
func opSubw[N, W elem](c *CPU, in *Inst) { vwide[N](c, in, func(a, b W) W { return a - b }) }
func opAbdl[N, W elem](c *CPU, in *Inst) { vlong[N](c, in, abd[W]) }
func opMull[N, W elem](c *CPU, in *Inst) { vlong[N](c, in, func(a, b W) W { return a * b }) }
func opAbal[N, W elem](c *CPU, in *Inst) {
	vlongAcc[N](c, in, func(d, a, b W) (W, bool) { return d + abd(a, b), false })
}
func opMlal[N, W elem](c *CPU, in *Inst) {
	vlongAcc[N](c, in, func(d, a, b W) (W, bool) { return d + a*b, false })
}
func opMlsl[N, W elem](c *CPU, in *Inst) {
	vlongAcc[N](c, in, func(d, a, b W) (W, bool) { return d - a*b, false })
}

// qdmull is the saturating doubled product of SQDMULL and friends; a and b
// are narrow values held in the wide type, so a*b cannot overflow.
func qdmull[W elem](a, b W) (W, bool) {
	p := a * b
	if r := p + p; (r ^ p) >= 0 {
		return r, false
	}
	_, hi := limits[W]()
	return hi, true
}

func opQdmull[N, W elem](c *CPU, in *Inst) {
	vlongAcc[N](c, in, func(_, a, b W) (W, bool) { return qdmull(a, b) })
}
func opQdmlal[N, W elem](c *CPU, in *Inst) {
	vlongAcc[N](c, in, func(d, a, b W) (W, bool) {
		p, s1 := qdmull(a, b)
		r, s2 := qadd(d, p)
		return r, s1 || s2
	})
}
func opQdmlsl[N, W elem](c *CPU, in *Inst) {
	vlongAcc[N](c, in, func(d, a, b W) (W, bool) {
		p, s1 := qdmull(a, b)
		r, s2 := qsub(d, p)
		return r, s1 || s2
	})
}

func opPmull8(c *CPU, in *Inst) {
	vlong[uint8](c, in, func(a, b uint16) uint16 { return pmul8(uint8(a), uint8(b)) })
}

func opAddhn[N, W uelem](c *CPU, in *Inst) {
	vhn(c, in, func(a, b W) N { return N((a + b) >> bitsOf[N]()) })
}
func opRaddhn[N, W uelem](c *CPU, in *Inst) {
	vhn(c, in, func(a, b W) N { return N((a + b + W(1)<<(bitsOf[N]()-1)) >> bitsOf[N]()) })
}
func opSubhn[N, W uelem](c *CPU, in *Inst) {
	vhn(c, in, func(a, b W) N { return N((a - b) >> bitsOf[N]()) })
}
func opRsubhn[N, W uelem](c *CPU, in *Inst) {
	vhn(c, in, func(a, b W) N { return N((a - b + W(1)<<(bitsOf[N]()-1)) >> bitsOf[N]()) })
}
