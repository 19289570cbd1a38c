package risu

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
)

// State is the architectural state the harness sets and compares.
type State struct {
	X    [31]uint64
	SP   uint64
	NZCV uint64 // as MRS NZCV reads it: N,Z,C,V in bits 31:28
	FPCR uint64
	FPSR uint64
	V    [32][2]uint64 // low, high halves
}

// encode writes s as a state record.
func (s *State) encode(rec []byte) {
	le := binary.LittleEndian
	for i, x := range s.X {
		le.PutUint64(rec[offX+8*i:], x)
	}
	le.PutUint64(rec[offSP:], s.SP)
	le.PutUint64(rec[offNZCV:], s.NZCV)
	le.PutUint64(rec[offFPCR:], s.FPCR)
	le.PutUint64(rec[offFPSR:], s.FPSR)
	for i, v := range s.V {
		le.PutUint64(rec[offV+16*i:], v[0])
		le.PutUint64(rec[offV+16*i+8:], v[1])
	}
}

// decodeState reads a state record.
func decodeState(rec []byte) State {
	le := binary.LittleEndian
	var s State
	for i := range s.X {
		s.X[i] = le.Uint64(rec[offX+8*i:])
	}
	s.SP = le.Uint64(rec[offSP:])
	s.NZCV = le.Uint64(rec[offNZCV:])
	s.FPCR = le.Uint64(rec[offFPCR:])
	s.FPSR = le.Uint64(rec[offFPSR:])
	for i := range s.V {
		s.V[i][0] = le.Uint64(rec[offV+16*i:])
		s.V[i][1] = le.Uint64(rec[offV+16*i+8:])
	}
	return s
}

// Insn is one word of a case's test sequence.
type Insn struct {
	Word    uint32
	Pattern *Pattern // nil for harness setup instructions and Gen extras
}

// Case is one test case: initial state, scratch contents and the test
// sequence, which runs between the generated prologue and epilogue.
type Case struct {
	Index   uint64
	In      State
	Scratch []byte // ScratchSize bytes
	Seq     []Insn
}

// prologue loads the state record at StateInAddr into all registers.
func prologue() []uint32 {
	w := movImm(0, StateInAddr)
	for i := 0; i < 32; i += 2 {
		w = append(w, ldpQ(i, i+1, 0, offV+16*i))
	}
	for _, sr := range []struct {
		sys uint32
		off int
	}{{SysNZCV, offNZCV}, {SysFPCR, offFPCR}, {SysFPSR, offFPSR}} {
		w = append(w, ldrX(1, 0, sr.off), msr(sr.sys, 1))
	}
	w = append(w, ldrX(1, 0, offSP), movToSP(1))
	for i := 1; i < 31; i += 2 {
		w = append(w, ldpX(i, i+1, 0, offX+8*i))
	}
	return append(w, ldrX(0, 0, offX))
}

// epilogue stores all registers to the record at StateOut and branches to
// ret (the runner's risu_return). X0 is stashed in TPIDR_EL0.
func epilogue(retAddr uint64) []uint32 {
	w := []uint32{msr(SysTPIDR, 0)}
	w = append(w, movImm(0, StateOut)...)
	for i := 1; i < 31; i += 2 {
		w = append(w, stpX(i, i+1, 0, offX+8*i))
	}
	w = append(w, mrs(1, SysTPIDR), strX(1, 0, offX))
	w = append(w, movFromSP(1), strX(1, 0, offSP))
	for _, sr := range []struct {
		sys uint32
		off int
	}{{SysNZCV, offNZCV}, {SysFPCR, offFPCR}, {SysFPSR, offFPSR}} {
		w = append(w, mrs(1, sr.sys), strX(1, 0, sr.off))
	}
	for i := 0; i < 32; i += 2 {
		w = append(w, stpQ(i, i+1, 0, offV+16*i))
	}
	w = append(w, movImm(1, retAddr)...)
	return append(w, br(1))
}

// Code returns the whole block: prologue, test sequence, epilogue.
func (c *Case) Code(retAddr uint64) []uint32 {
	code := prologue()
	for _, in := range c.Seq {
		code = append(code, in.Word)
	}
	return append(code, epilogue(retAddr)...)
}

// SeqStart is the index in Code() of the first test instruction.
func SeqStart() int { return len(prologue()) }

// appendStream appends the case's stdin bytes for the runner.
func (c *Case) appendStream(buf []byte, retAddr uint64) []byte {
	code := c.Code(retAddr)
	le := binary.LittleEndian
	buf = le.AppendUint32(buf, HeaderMagic)
	buf = le.AppendUint32(buf, uint32(4*len(code)))
	buf = le.AppendUint64(buf, c.Index)
	var rec [RecordSize]byte
	c.In.encode(rec[:])
	buf = append(buf, rec[:]...)
	buf = append(buf, c.Scratch...)
	for _, w := range code {
		buf = le.AppendUint32(buf, w)
	}
	return buf
}

// Generator makes random cases.
type Generator struct {
	r *rand.Rand
}

// NewGenerator returns a generator with a deterministic stream for seed.
func NewGenerator(seed uint64) *Generator {
	return &Generator{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// interesting 64-bit integer values.
var specialX = []uint64{
	0, 1, 2, 0xffffffffffffffff, 0xfffffffffffffffe,
	0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001,
	0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0xffffffff80000000,
	0xffff, 0x8000, 0xff, 0x80, 63, 64, 32, 31,
}

func (g *Generator) xValue() uint64 {
	r := g.r
	switch r.IntN(8) {
	case 0, 1, 2:
		return r.Uint64()
	case 3:
		return uint64(r.IntN(65)) // small
	case 4:
		return specialX[r.IntN(len(specialX))]
	case 5:
		return uint64(r.Uint32()) // 32-bit, zero upper
	case 6:
		return -uint64(r.IntN(65)) // small negative
	default:
		v := uint64(1) << r.IntN(64) // power of two, maybe ±1
		return v + uint64(r.IntN(3)) - 1
	}
}

var specialF64 = []uint64{
	0, 1 << 63, // ±0
	0x7ff0000000000000, 0xfff0000000000000, // ±inf
	0x7ff8000000000000, 0xfff8000000000000, 0x7ff8000000000001, // qNaN
	0x7ff0000000000001, 0xfff4000000000000, 0x7ff7ffffffffffff, // sNaN
	0x0000000000000001, 0x000fffffffffffff, 0x8000000000000001, // denormals
	0x3ff0000000000000, 0xbff0000000000000, // ±1.0
	0x7fefffffffffffff, 0xffefffffffffffff, // ±max normal
	0x0010000000000000, 0x8010000000000000, // ±min normal
	0x3fe0000000000000, 0x4000000000000000, 0x43e0000000000000, // 0.5, 2, 2^63
	0x41dfffffffc00000, 0xc1e0000000000000, // 2^31-1, -2^31
}

var specialF32 = []uint32{
	0, 1 << 31, 0x7f800000, 0xff800000, // ±0, ±inf
	0x7fc00000, 0xffc00000, 0x7fc00001, // qNaN
	0x7f800001, 0xffa00000, 0x7fbfffff, // sNaN
	0x00000001, 0x007fffff, 0x80000001, // denormals
	0x3f800000, 0xbf800000, 0x7f7fffff, 0xff7fffff, // ±1, ±max
	0x00800000, 0x80800000, 0x3f000000, 0x4f000000, 0x5f000000, // ±min, 0.5, 2^31, 2^63
	0x4effffff, 0xcf000000,
}

var specialF16 = []uint16{
	0, 0x8000, 0x7c00, 0xfc00, 0x7e00, 0xfe00, 0x7c01, 0x7d00,
	0x0001, 0x03ff, 0x8001, 0x3c00, 0xbc00, 0x7bff, 0xfbff, 0x0400, 0x8400,
}

func (g *Generator) fp64() uint64 {
	r := g.r
	switch r.IntN(4) {
	case 0, 1:
		return specialF64[r.IntN(len(specialF64))]
	case 2:
		return math.Float64bits((r.Float64()*2 - 1) * math.Pow(2, float64(r.IntN(80)-40)))
	default:
		return r.Uint64()
	}
}

func (g *Generator) fp32() uint32 {
	r := g.r
	switch r.IntN(4) {
	case 0, 1:
		return specialF32[r.IntN(len(specialF32))]
	case 2:
		return math.Float32bits(float32((r.Float64()*2 - 1) * math.Pow(2, float64(r.IntN(60)-30))))
	default:
		return r.Uint32()
	}
}

func (g *Generator) fp16() uint16 {
	r := g.r
	if r.IntN(2) == 0 {
		return specialF16[r.IntN(len(specialF16))]
	}
	return uint16(r.Uint32())
}

func (g *Generator) vValue() [2]uint64 {
	r := g.r
	var v [2]uint64
	switch r.IntN(5) {
	case 0:
		v[0], v[1] = r.Uint64(), r.Uint64()
	case 1:
		v[0], v[1] = g.fp64(), g.fp64()
	case 2, 3:
		for i := range 4 {
			v[i/2] |= uint64(g.fp32()) << (32 * (i % 2))
		}
	default:
		for i := range 8 {
			v[i/4] |= uint64(g.fp16()) << (16 * (i % 4))
		}
	}
	return v
}

// memBase is a random base address for a memory operand, and the initial SP.
func (g *Generator) memBase() uint64 {
	j := MemBaseJitter / 16
	return ScratchBase + MemBaseOff + uint64(16*(g.r.IntN(2*j+1)-j))
}

// randomFPCR: RMode (23:22), FZ (24), DN (25).
func (g *Generator) randomFPCR() uint64 {
	return uint64(g.r.IntN(8)) << 22
}

// Case makes case index from the patterns (one class). It reports false if
// a pattern cannot produce an acceptable word.
func (g *Generator) Case(index uint64, pats []*Pattern) (*Case, error) {
	r := g.r
	c := &Case{Index: index, Scratch: make([]byte, ScratchSize)}
	// In a quarter of the cases, half of the registers come from a small
	// pool, so that operands are often equal (compares, SDIV INT_MIN/-1,
	// FP x-x, ...).
	var xPool []uint64
	var vPool [][2]uint64
	if r.IntN(4) == 0 {
		for range 4 {
			xPool = append(xPool, g.xValue())
			vPool = append(vPool, g.vValue())
		}
	}
	for i := range c.In.X {
		if xPool != nil && r.IntN(2) == 0 {
			c.In.X[i] = xPool[r.IntN(len(xPool))]
		} else {
			c.In.X[i] = g.xValue()
		}
	}
	for i := range c.In.V {
		if vPool != nil && r.IntN(2) == 0 {
			c.In.V[i] = vPool[r.IntN(len(vPool))]
		} else {
			c.In.V[i] = g.vValue()
		}
	}
	c.In.NZCV = uint64(r.IntN(16)) << 28
	c.In.SP = g.memBase()
	for i := 0; i < len(c.Scratch); i += 8 {
		binary.LittleEndian.PutUint64(c.Scratch[i:], g.xValue())
	}

	n := 1 + r.IntN(6)
	var single *Pattern
	if r.IntN(2) == 0 {
		single = pats[r.IntN(len(pats))]
	}
	fpcr := false
	for range n {
		p := single
		if p == nil {
			p = pats[r.IntN(len(pats))]
		}
		w, ok := p.random(r)
		if !ok {
			return nil, &patternError{p, "Enc/Check accept no word after 10000 draws"}
		}
		if p.Mem {
			c.Seq = append(c.Seq, g.memSetup(p, w)...)
		}
		seq := []uint32{w}
		if p.Gen != nil {
			seq = p.Gen(r, w)
		}
		found := false
		for _, x := range seq {
			in := Insn{Word: x}
			if !found && p.Matches(x) {
				in.Pattern, found = p, true
			}
			c.Seq = append(c.Seq, in)
		}
		if !found {
			return nil, &patternError{p, "Gen returned no word matching the pattern"}
		}
		fpcr = fpcr || p.FPCR
	}
	if fpcr {
		c.In.FPCR = g.randomFPCR()
	}
	return c, nil
}

type patternError struct {
	p   *Pattern
	msg string
}

func (e *patternError) Error() string { return "pattern " + e.p.Name + ": " + e.msg }

// memSetup returns the instructions that point Rn (and Rm, for Index) of w
// into the scratch block.
func (g *Generator) memSetup(p *Pattern, w uint32) []Insn {
	var out []uint32
	rn := int(fld(w, 5, 5))
	base := g.memBase()
	if rn == 31 {
		used := map[int]bool{31: true, int(fld(w, 0, 5)): true, int(fld(w, 10, 5)): true, int(fld(w, 16, 5)): true}
		t := 0
		for used[t] {
			t++
		}
		out = append(movImm(t, base), movToSP(t))
	} else {
		out = movImm(rn, base)
	}
	if p.Index {
		if rm := int(fld(w, 16, 5)); rm != 31 {
			out = append(out, movz(rm, uint16(g.r.IntN(MaxIndex)), 0))
		}
	}
	ins := make([]Insn, len(out))
	for i, x := range out {
		ins[i] = Insn{Word: x}
	}
	return ins
}
