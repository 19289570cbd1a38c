package interp

import "github.com/carrick-go/carrick/vcpu/interp/fpu"

// FP arithmetic handlers. Each builds an fpu.Env from FPCR/FPSR on the
// stack, calls fpu, stores FPSR back and writes the result with the rest of
// the register zeroed.

// fp2D and fp2S are the 2-source operations by opcode: FMUL, FDIV, FADD,
// FSUB, FMAX, FMIN, FMAXNM, FMINNM, FNMUL.
var fp2D = [9]func(*CPU, *Inst){
	opFmulD,
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.Div64(c.V[in.rn][0], c.V[in.rm][0])
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{r, 0}
	},
	opFaddD,
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.Sub64(c.V[in.rn][0], c.V[in.rm][0])
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{r, 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.Max64(c.V[in.rn][0], c.V[in.rm][0])
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{r, 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.Min64(c.V[in.rn][0], c.V[in.rm][0])
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{r, 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.MaxNum64(c.V[in.rn][0], c.V[in.rm][0])
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{r, 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.MinNum64(c.V[in.rn][0], c.V[in.rm][0])
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{r, 0}
	},
	func(c *CPU, in *Inst) { // FNMUL negates after rounding, NaN results too
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := fpu.Neg64(e.Mul64(c.V[in.rn][0], c.V[in.rm][0]))
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{r, 0}
	},
}

var fp2S = [9]func(*CPU, *Inst){
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.Mul32(uint32(c.V[in.rn][0]), uint32(c.V[in.rm][0]))
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{uint64(r), 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.Div32(uint32(c.V[in.rn][0]), uint32(c.V[in.rm][0]))
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{uint64(r), 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.Add32(uint32(c.V[in.rn][0]), uint32(c.V[in.rm][0]))
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{uint64(r), 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.Sub32(uint32(c.V[in.rn][0]), uint32(c.V[in.rm][0]))
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{uint64(r), 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.Max32(uint32(c.V[in.rn][0]), uint32(c.V[in.rm][0]))
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{uint64(r), 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.Min32(uint32(c.V[in.rn][0]), uint32(c.V[in.rm][0]))
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{uint64(r), 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.MaxNum32(uint32(c.V[in.rn][0]), uint32(c.V[in.rm][0]))
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{uint64(r), 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.MinNum32(uint32(c.V[in.rn][0]), uint32(c.V[in.rm][0]))
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{uint64(r), 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := fpu.Neg32(e.Mul32(uint32(c.V[in.rn][0]), uint32(c.V[in.rm][0])))
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{uint64(r), 0}
	},
}

// opFaddD is FADD Dd, Dn, Dm.
func opFaddD(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.Add64(c.V[in.rn][0], c.V[in.rm][0])
	c.FPSR = e.FPSR
	c.V[in.rd] = [2]uint64{r, 0}
}

// opFmulD is FMUL Dd, Dn, Dm.
func opFmulD(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.Mul64(c.V[in.rn][0], c.V[in.rm][0])
	c.FPSR = e.FPSR
	c.V[in.rd] = [2]uint64{r, 0}
}

// fp3D and fp3S are FMADD, FMSUB, FNMADD, FNMSUB by o1:o0. The ARM
// pseudocode negates operands before FPMulAdd (see package fpu).
var fp3D = [4]func(*CPU, *Inst){
	opFmaddD,
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.MulAdd64(c.V[in.ra][0], fpu.Neg64(c.V[in.rn][0]), c.V[in.rm][0])
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{r, 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.MulAdd64(fpu.Neg64(c.V[in.ra][0]), fpu.Neg64(c.V[in.rn][0]), c.V[in.rm][0])
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{r, 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.MulAdd64(fpu.Neg64(c.V[in.ra][0]), c.V[in.rn][0], c.V[in.rm][0])
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{r, 0}
	},
}

var fp3S = [4]func(*CPU, *Inst){
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.MulAdd32(uint32(c.V[in.ra][0]), uint32(c.V[in.rn][0]), uint32(c.V[in.rm][0]))
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{uint64(r), 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.MulAdd32(uint32(c.V[in.ra][0]), fpu.Neg32(uint32(c.V[in.rn][0])), uint32(c.V[in.rm][0]))
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{uint64(r), 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.MulAdd32(fpu.Neg32(uint32(c.V[in.ra][0])), fpu.Neg32(uint32(c.V[in.rn][0])), uint32(c.V[in.rm][0]))
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{uint64(r), 0}
	},
	func(c *CPU, in *Inst) {
		e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
		r := e.MulAdd32(fpu.Neg32(uint32(c.V[in.ra][0])), uint32(c.V[in.rn][0]), uint32(c.V[in.rm][0]))
		c.FPSR = e.FPSR
		c.V[in.rd] = [2]uint64{uint64(r), 0}
	},
}

// opFmaddD is FMADD Dd, Dn, Dm, Da.
func opFmaddD(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.MulAdd64(c.V[in.ra][0], c.V[in.rn][0], c.V[in.rm][0])
	c.FPSR = e.FPSR
	c.V[in.rd] = [2]uint64{r, 0}
}

// 1-source operations.

func opFabsD(c *CPU, in *Inst) { c.V[in.rd] = [2]uint64{fpu.Abs64(c.V[in.rn][0]), 0} }
func opFabsS(c *CPU, in *Inst) { c.V[in.rd] = [2]uint64{uint64(fpu.Abs32(uint32(c.V[in.rn][0]))), 0} }
func opFnegD(c *CPU, in *Inst) { c.V[in.rd] = [2]uint64{fpu.Neg64(c.V[in.rn][0]), 0} }
func opFnegS(c *CPU, in *Inst) { c.V[in.rd] = [2]uint64{uint64(fpu.Neg32(uint32(c.V[in.rn][0]))), 0} }

func opFsqrtD(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.Sqrt64(c.V[in.rn][0])
	c.FPSR = e.FPSR
	c.V[in.rd] = [2]uint64{r, 0}
}

func opFsqrtS(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.Sqrt32(uint32(c.V[in.rn][0]))
	c.FPSR = e.FPSR
	c.V[in.rd] = [2]uint64{uint64(r), 0}
}

// opFrintD and opFrintS are FRINT{N,P,M,Z,A,X,I}: op is the rounding mode,
// sh=1 for FRINTX.
func opFrintD(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.RoundInt64(c.V[in.rn][0], rmodeOf(in.op), in.sh != 0)
	c.FPSR = e.FPSR
	c.V[in.rd] = [2]uint64{r, 0}
}

func opFrintS(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.RoundInt32(uint32(c.V[in.rn][0]), rmodeOf(in.op), in.sh != 0)
	c.FPSR = e.FPSR
	c.V[in.rd] = [2]uint64{uint64(r), 0}
}

// opFcvt is FCVT between precisions: sz is the source width, imm2 the
// destination's.
func opFcvt(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	from := int(in.sz)
	a := c.V[in.rn][0]
	if from < 64 {
		a &= 1<<from - 1
	}
	r := e.Convert(a, from, int(in.imm2))
	c.FPSR = e.FPSR
	c.V[in.rd] = [2]uint64{r, 0}
}
