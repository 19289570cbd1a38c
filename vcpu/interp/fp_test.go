package interp

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/carrick-go/carrick/vcpu"
)

// fpGoldenCase is one instruction run on qemu-aarch64 (fp_golden_gen.go):
// the state before (V0 = fpGarbage, Vn = {vn, garbage}, X0 = 0xdeadbeef…,
// X1 = x1) and V0, X0, NZCV and FPSR after.
type fpGoldenCase struct {
	asm                         string
	insn                        uint32
	fpcr, fpsr                  uint32
	nzcv                        uint64
	v1, v2, v3, x1              uint64
	wantLo, wantHi, wantX0, wNZ uint64
	wantFPSR                    uint32
}

var fpGarbage = [4][2]uint64{
	{0x0123456789abcdef, 0xfedcba9876543210},
	{0, 0x1111111111111111},
	{0, 0x2222222222222222},
	{0, 0x3333333333333333},
}

func TestFPGolden(t *testing.T) {
	c := testCPU(t)
	fails := 0
	for _, g := range fpGolden {
		c.V = [32][2]uint64{}
		c.V[0] = fpGarbage[0]
		c.V[1] = [2]uint64{g.v1, fpGarbage[1][1]}
		c.V[2] = [2]uint64{g.v2, fpGarbage[2][1]}
		c.V[3] = [2]uint64{g.v3, fpGarbage[3][1]}
		c.X[0], c.X[1] = 0xdeadbeefdeadbeef, g.x1
		c.NZCV = g.nzcv << 28
		c.FPCR, c.FPSR = g.fpcr, g.fpsr
		runCode(t, c, g.insn)
		if c.V[0] != [2]uint64{g.wantLo, g.wantHi} || c.X[0] != g.wantX0 || c.NZCV != g.wNZ<<28 || c.FPSR != g.wantFPSR {
			t.Errorf("%s (%#08x) fpcr=%#x fpsr=%#x nzcv=%04b v1=%#x v2=%#x v3=%#x x1=%#x:\n"+
				"\tgot  v0=%#x:%#x x0=%#x nzcv=%04b fpsr=%#x\n\twant v0=%#x:%#x x0=%#x nzcv=%04b fpsr=%#x",
				g.asm, g.insn, g.fpcr, g.fpsr, g.nzcv, g.v1, g.v2, g.v3, g.x1,
				c.V[0][1], c.V[0][0], c.X[0], c.NZCV>>28, c.FPSR,
				g.wantHi, g.wantLo, g.wantX0, g.wNZ, g.wantFPSR)
			if fails++; fails > 40 {
				t.Fatal("too many failures")
			}
		}
	}
}

// Moves, selects and immediates do not depend on package fpu's arithmetic.
func TestFPMoves(t *testing.T) {
	c := testCPU(t)
	for i := range c.V {
		c.V[i] = [2]uint64{0xaaaaaaaaaaaaaaaa, 0xbbbbbbbbbbbbbbbb}
	}
	c.V[1] = [2]uint64{0x3ff8000000000000, 0x1111111111111111}
	c.V[2] = [2]uint64{0x12345678c0100000, 0x2222222222222222}
	c.X[1] = 0x0123456789abcdef
	c.NZCV = 0b0110 << 28 // EQ holds
	runCode(t, c,
		0x1e604020, // fmov d0, d1
		0x1e204043, // fmov s3, s2
		0x1e6e1004, // fmov d4, #1.0
		0x1e381005, // fmov s5, #-0.125
		0x9e670026, // fmov d6, x1
		0x1e270027, // fmov s7, w1
		0x9eaf0028, // fmov v8.d[1], x1
		0x9eae0029, // fmov x9, v1.d[1]
		0x1e26004a, // fmov w10, s2
		0x9e66002b, // fmov x11, d1
		0x1e620c2c, // fcsel d12, d1, d2, eq
		0x1e221c4d, // fcsel s13, s2, s2, ne
		0x1e60c02e, // fabs d14, d1
		0x1e21404f, // fneg s15, s2
		0x9e6703f2, // fmov d18, xzr
		0x9e66003f, // fmov xzr, d1
	)
	want := map[int][2]uint64{
		0:  {0x3ff8000000000000, 0},
		3:  {0xc0100000, 0},
		4:  {0x3ff0000000000000, 0},
		5:  {0xbe000000, 0},
		6:  {0x0123456789abcdef, 0},
		7:  {0x89abcdef, 0},
		8:  {0xaaaaaaaaaaaaaaaa, 0x0123456789abcdef},
		12: {0x3ff8000000000000, 0},
		13: {0xc0100000, 0},
		14: {0x3ff8000000000000, 0},
		15: {0x40100000, 0},
		18: {0, 0},
	}
	for r, w := range want {
		if c.V[r] != w {
			t.Errorf("v%d = %#x:%#x, want %#x:%#x", r, c.V[r][1], c.V[r][0], w[1], w[0])
		}
	}
	if c.X[regZR] != 0 {
		t.Errorf("xzr = %#x", c.X[regZR])
	}
	for r, w := range map[int]uint64{9: 0x1111111111111111, 10: 0xc0100000, 11: 0x3ff8000000000000, 16: 0} {
		if c.X[r] != w {
			t.Errorf("x%d = %#x, want %#x", r, c.X[r], w)
		}
	}
}

func TestFPExpandImm(t *testing.T) {
	for imm8 := uint32(0); imm8 < 256; imm8++ {
		// imm8 encodes ±(16+efgh)/16 × 2^(n), n = (NOT b):c:d − 3 as a signed 3-bit value.
		sign := 1.0
		if imm8&0x80 != 0 {
			sign = -1
		}
		n := int(imm8>>4&7) ^ 4 // b:c:d with b inverted is a biased exponent
		v := sign * float64(16+imm8&15) / 16 * math.Ldexp(1, n-3)
		if got := vfpExpandImm(imm8, true); got != math.Float64bits(v) {
			t.Errorf("imm8 %#x double: %#x, want %#x (%g)", imm8, got, math.Float64bits(v), v)
		}
		if got := vfpExpandImm(imm8, false); got != uint64(math.Float32bits(float32(v))) {
			t.Errorf("imm8 %#x single: %#x, want %#x (%g)", imm8, got, math.Float32bits(float32(v)), v)
		}
	}
}

func TestFPUndefined(t *testing.T) {
	for _, w := range []uint32{
		0x1ee22820,         // fadd h0, h1, h2 (FEAT_FP16)
		0x1ee01000,         // fmov h0, #2.0 (FEAT_FP16)
		0x1ee04020,         // fmov h0, h1 (FEAT_FP16)
		0x1ee60050,         // fmov w16, h2 (FEAT_FP16)
		0x1ee70031,         // fmov h17, w1 (FEAT_FP16)
		0x1ee22020,         // fcmp h1, h2 (FEAT_FP16)
		0x1e284020,         // frint32z s0, s1 (FEAT_FRINTTS)
		0x1e634020,         // bfcvt h0, s1 (FEAT_BF16)
		0x1e7e0020,         // fjcvtzs w0, d1 (FEAT_JSCVT)
		0x1ee30020,         // ucvtf h0, w1 (FEAT_FP16)
		0x3e622820,         // S=1: unallocated
		0x9e222820,         // M=1: unallocated
		0x1ea22820,         // ftype=10: unallocated
		0x1e229820,         // 2-source opcode 1001: unallocated
		0x1e22a020,         // fcmp with op=10: unallocated
		0x1e2f1020,         // fmov s0, #imm with imm5 != 0
		0x1e260020 | 1<<31, // fmov x0, s1: unallocated
		0x1e020020,         // scvtf s0, w1, #fbits with scale < 32
	} {
		if Decode(w) {
			t.Errorf("%#08x decodes; want undefined", w)
		}
	}
	c := testCPU(t)
	c.V[0] = [2]uint64{1, 2}
	runCodeExit(t, c, vcpu.ExitUndefined, 0x1ee22820)
	if c.V[0] != [2]uint64{1, 2} || c.PC != codeBase {
		t.Errorf("undefined instruction changed state: v0=%#x pc=%#x", c.V[0], c.PC)
	}
}

// runCodeExit runs insns and expects the first to end the run with kind.
func runCodeExit(t *testing.T, c *CPU, kind vcpu.ExitKind, insns ...uint32) {
	t.Helper()
	words := append(append([]uint32(nil), insns...), 0xd4200000)
	buf := make([]byte, 4*len(words))
	for i, w := range words {
		buf[4*i], buf[4*i+1], buf[4*i+2], buf[4*i+3] = byte(w), byte(w>>8), byte(w>>16), byte(w>>24)
	}
	if err := c.mem.WriteForce(codeBase, buf); err != nil {
		t.Fatal(err)
	}
	c.mem.InvalidateCode(codeBase, uint64(len(buf)))
	c.PC = codeBase
	if ex := c.Run(); ex.Kind != kind {
		t.Fatalf("run ended with %v, want kind %v", ex, kind)
	}
}

// Hot handlers must not allocate: the Env lives on the stack.
func TestFPNoAlloc(t *testing.T) {
	c := testCPU(t)
	for _, w := range []uint32{
		0x1e622820, // fadd d0, d1, d2
		0x1f420c20, // fmadd d0, d1, d2, d3
		0x1e622020, // fcmp d1, d2
		0x9e780020, // fcvtzs x0, d1
		0x9e620020, // scvtf d0, x1
		0x1e21c020, // fsqrt s0, s1
		0x1e63c020, // fcvt h0, d1
	} {
		var in Inst
		if !decodeInst(w, codeBase, &in) {
			t.Fatalf("%#08x does not decode", w)
		}
		if n := testing.AllocsPerRun(100, func() { in.fn(c, &in) }); n != 0 {
			t.Errorf("%#08x allocates %v times per run", w, n)
		}
	}
}

// fpWord returns a random word of the scalar FP space: bits 28:25 = 1111,
// bit 30 = 0.
func fpWord(r uint32) uint32 { return r&^(1<<30|0xf<<25) | 0xf<<25 }

// fpExecute decodes w and runs its handler directly on c (FP handlers do
// not touch PC or memory).
func fpExecute(c *CPU, w uint32) {
	var in Inst
	if decodeInst(w, codeBase, &in) {
		in.fn(c, &in)
	}
}

func fpRandomState(c *CPU, r *rand.Rand) {
	for i := range c.V {
		c.V[i] = [2]uint64{r.Uint64(), r.Uint64()}
	}
	for i := 0; i < 31; i++ {
		c.X[i] = r.Uint64()
	}
	c.NZCV = uint64(r.IntN(16)) << 28
	c.FPCR = r.Uint32() & fpcrMask
	c.FPSR = 0
}

// TestFPDecodeRandom runs random words of the FP space: no panics, and
// writes only go where they may (XZR stays zero).
func TestFPDecodeRandom(t *testing.T) {
	c := testCPU(t)
	r := rand.New(rand.NewPCG(7, 11))
	n := 200000
	if testing.Short() {
		n = 20000
	}
	for i := 0; i < n; i++ {
		if i%64 == 0 {
			fpRandomState(c, r)
		}
		w := fpWord(r.Uint32())
		fpExecute(c, w)
		if c.X[regZR] != 0 {
			t.Fatalf("%#08x wrote XZR", w)
		}
		if c.FPSR&^fpsrMask != 0 {
			t.Fatalf("%#08x set FPSR bits %#x", w, c.FPSR)
		}
	}
}

func FuzzFPDecode(f *testing.F) {
	for _, w := range []uint32{0x1e622820, 0x1f420c20, 0x9e780020, 0x1e624020, 0x9eaf0028, 0x1e62c421} {
		f.Add(w, uint64(0x3ff8000000000000), uint64(0x7ff0000000000005), uint32(0))
	}
	c := testCPU(f)
	f.Fuzz(func(t *testing.T, w uint32, a, b uint64, fpcr uint32) {
		w = fpWord(w)
		c.V = [32][2]uint64{}
		for i := range c.V {
			c.V[i] = [2]uint64{a, b}
			a, b = b^a<<1, a
		}
		for i := 0; i < 31; i++ {
			c.X[i] = a + uint64(i)*b
		}
		c.FPCR, c.FPSR = fpcr&fpcrMask, 0
		fpExecute(c, w)
		if c.X[regZR] != 0 {
			t.Fatalf("%#08x wrote XZR", w)
		}
	})
}

// BenchmarkFPLoop runs a loop of hot scalar FP instructions; ns/op is per
// instruction.
func BenchmarkFPLoop(b *testing.B) {
	c := testCPU(b)
	c.X[1] = uint64(b.N)/9 + 1
	c.V[1][0] = math.Float64bits(1.0000001)
	c.V[2][0] = math.Float64bits(0.9999999)
	b.ResetTimer()
	runCode(b, c,
		0x1f420020, // fmadd d0, d1, d2, d0
		0x1e612863, // fadd d3, d3, d1
		0x1e620884, // fmul d4, d4, d2
		0x9e780065, // fcvtzs x5, d3
		0x9e6200a6, // scvtf d6, x5
		0x1e642060, // fcmp d3, d4
		0x1e64cc67, // fcsel d7, d3, d4, gt
		0xf1000421, // subs x1, x1, #1
		0x54ffff01, // b.ne loop
	)
}
