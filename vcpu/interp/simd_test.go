package interp

import (
	"math/rand/v2"
	"testing"
)

// simdSetBytes loads v with the bytes b (element 0 first).
func simdSetBytes(v *[2]uint64, b []byte) {
	*v = [2]uint64{}
	for i, x := range b {
		v[i/8] |= uint64(x) << (8 * (i % 8))
	}
}

func simdCheckV(t *testing.T, c *CPU, r int, lo, hi uint64) {
	t.Helper()
	if c.V[r] != [2]uint64{lo, hi} {
		t.Errorf("v%d = %016x:%016x, want %016x:%016x", r, c.V[r][1], c.V[r][0], hi, lo)
	}
}

func simdCheckX(t *testing.T, c *CPU, r int, want uint64) {
	t.Helper()
	if c.X[r] != want {
		t.Errorf("x%d = %#x, want %#x", r, c.X[r], want)
	}
}

// The idioms of glibc's strlen and memchr and Go's bytealg.
func TestSIMDStringIdioms(t *testing.T) {
	c := testCPU(t)
	simdSetBytes(&c.V[1], []byte("hello\x00world\x80\xff\x01\x02\x03"))
	c.X[2] = 'l'
	runCode(t, c,
		0x4e209820, // cmeq v0.16b, v1.16b, #0
		0x0f0c8400, // shrn v0.8b, v0.8h, #4
		0x4e083c00, // mov x0, v0.d[0]
		0x6e20a402, // umaxp v2.16b, v0.16b, v0.16b
		0x4e010c43, // dup v3.16b, w2
		0x6e238c24, // cmeq v4.16b, v1.16b, v3.16b
		0x4e24bc85, // addp v5.16b, v4.16b, v4.16b
		0x4ee5bca5, // addp v5.2d, v5.2d, v5.2d
		0x4e083ca3, // mov x3, v5.d[0]
		0x4e032c24, // smov x4, v1.b[1]
		0x6e30382f, // uaddlv h15, v1.16b
		0x4e205830, // cnt v16.16b, v1.16b
	)
	simdCheckV(t, c, 0, 0xf00000, 0)
	simdCheckX(t, c, 0, 0xf00000)
	simdCheckV(t, c, 2, 0xf000, 0xf000)
	simdCheckV(t, c, 3, 0x6c6c6c6c6c6c6c6c, 0x6c6c6c6c6c6c6c6c)
	simdCheckV(t, c, 4, 0x00000000ffff0000, 0x000000000000ff00)
	simdCheckX(t, c, 3, 0x000001fe0001fc00)
	simdCheckX(t, c, 4, 'e')
	var sum, pop uint64
	for _, b := range []byte("hello\x00world\x80\xff\x01\x02\x03") {
		sum += uint64(b)
	}
	simdCheckV(t, c, 15, sum, 0)
	pop = c.V[16][0]>>(8*4)&0xff + c.V[16][1]>>(8*4)&0xff // 'o' = 6 bits, 0xff = 8 bits
	if pop != 6+8 {
		t.Errorf("cnt: %#x", c.V[16])
	}
}

func TestSIMDImmediates(t *testing.T) {
	c := testCPU(t)
	c.V[8] = [2]uint64{0x1111222233334444, 0x5555666677778888}
	c.V[14] = [2]uint64{0x0123456789abcdef, 0xfedcba9876543210}
	c.X[2] = 0xabcdef6c
	simdSetBytes(&c.V[1], []byte{0x68})
	runCode(t, c,
		0x6f05e546, // movi v6.2d, #0xff00ff00ff00ff00
		0x6f002647, // mvni v7.4s, #0x12, lsl #8
		0x0f01b688, // orr v8.4h, #0x34, lsl #8
		0x4f03f709, // fmov v9.4s, #1.5
		0x4e0c1c4e, // mov v14.s[1], w2
		0x6e1f042e, // mov v14.b[15], v1.b[0]
	)
	simdCheckV(t, c, 6, 0xff00ff00ff00ff00, 0xff00ff00ff00ff00)
	simdCheckV(t, c, 7, 0xffffedffffffedff, 0xffffedffffffedff)
	simdCheckV(t, c, 8, 0x3511362237337444, 0)
	simdCheckV(t, c, 9, 0x3fc000003fc00000, 0x3fc000003fc00000)
	simdCheckV(t, c, 14, 0xabcdef6c89abcdef, 0x68dcba9876543210)
}

// Writes of 64-bit arrangements and scalars clear the upper bits; saturating
// ops set FPSR.QC.
func TestSIMDUpperBitsAndQC(t *testing.T) {
	c := testCPU(t)
	for i := range c.V {
		c.V[i] = [2]uint64{^uint64(0), ^uint64(0)}
	}
	c.V[22] = [2]uint64{0x7f7f7f7f7f7f7f7f, 0}
	c.V[23] = [2]uint64{0x0101010101010101, 0}
	runCode(t, c,
		0x0e370ed5, // sqadd v21.8b, v22.8b, v23.8b
		0x5ee28420, // add d0, d1, d2
		0x0ea31c43, // mov v3.8b, v2.8b (orr)
	)
	simdCheckV(t, c, 21, 0x7f7f7f7f7f7f7f7f, 0)
	simdCheckV(t, c, 0, 0xfffffffffffffffe, 0)
	simdCheckV(t, c, 3, ^uint64(0), 0)
	if c.FPSR>>27&1 != 1 {
		t.Errorf("FPSR.QC not set: %#x", c.FPSR)
	}
}

// TestSIMDGolden replays cases recorded from qemu-aarch64 (see
// simd_qemu_test.go): every pattern group, random states.
func TestSIMDGolden(t *testing.T) {
	c := testCPU(t)
	bad := 0
	for i, g := range simdGolden {
		insn := uint32(g[0])
		got, p := runInterp(t, c, insn, goldenState(uint64(i)))
		if p != nil {
			t.Fatalf("case %d (%#08x): panic %v", i, insn, p)
		}
		if h := stateHash(&got); h != g[1] {
			t.Errorf("case %d: %#08x differs from qemu (run CARRICK_QEMU_DIFF=1 for details)", i, insn)
			if bad++; bad > 20 {
				t.FailNow()
			}
		}
	}
}

// Handlers must not allocate.
func TestSIMDNoAlloc(t *testing.T) {
	c := testCPU(t)
	code := []uint32{
		0x4e2ccc20, // fmla v0.4s, v1.4s, v12.4s
		0x6e61d441, // faddp v1.2d, v2.2d, v1.2d
		0x4ea1d862, // frecpe v2.4s, v3.4s
		0x4ea1b883, // fcvtzs v3.4s, v4.4s
		0x0e370ed5, // sqadd v21.8b, v22.8b, v23.8b
		0x6e30382f, // uaddlv h15, v1.16b
		0x0e0b53cc, // tbx v12.8b, {v30.16b, v31.16b, v0.16b}, v11.8b
		0x6e0b182d, // ext v13.16b, v1.16b, v11.16b, #3
		0x4e284a20, // aese v0.16b, v17.16b
		0x5e1b52df, // sha256h2 q31, q22, v27.4s
		0x4f8b883b, // mul v27.4s, v1.4s, v11.s[2]
		0x6ee1b8a6, // fcvtzu v6.2d, v5.2d
		0x6f3c443a, // sri v26.4s, v1.4s, #4
		0x4e384319, // addhn2 v25.16b, v24.8h, v24.8h
		0xd4200000, // brk #0
	}
	buf := make([]byte, 0, 4*len(code))
	for _, w := range code {
		buf = append(buf, byte(w), byte(w>>8), byte(w>>16), byte(w>>24))
	}
	if err := c.mem.WriteForce(codeBase, buf); err != nil {
		t.Fatal(err)
	}
	c.mem.InvalidateCode(codeBase, uint64(len(buf)))
	allocs := testing.AllocsPerRun(100, func() {
		c.PC = codeBase
		c.Run()
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run", allocs)
	}
}

// simdWord forces w into the class decodeSIMD handles.
func simdWord(w uint32) uint32 {
	w = w&^(0xf<<25) | 0x7<<25 | w>>3&1<<28
	if w>>28&1 == 1 {
		w |= 1 << 30
	}
	return w
}

// runDecoded decodes w and, if it is implemented, runs its handler on c.
func runDecoded(c *CPU, w uint32) {
	var in Inst
	if decodeInst(w, codeBase, &in) {
		c.PC = codeBase + 4
		in.fn(c, &in)
	}
}

// Random words of the class: decoding and executing must never panic.
func TestSIMDDecodeNoPanic(t *testing.T) {
	c := testCPU(t)
	r := rand.New(rand.NewPCG(1, 2))
	n := 1 << 20
	if testing.Short() {
		n = 1 << 14
	}
	for i := range n {
		if i%64 == 0 {
			for k := range c.V {
				c.V[k] = [2]uint64{r.Uint64(), r.Uint64()}
			}
			c.FPCR = r.Uint32() & fpcrMask
		}
		runDecoded(c, simdWord(r.Uint32()))
	}
}

func FuzzSIMDDecode(f *testing.F) {
	for _, g := range simdGolden[:200] {
		f.Add(uint32(g[0]), g[1])
	}
	c := testCPU(f)
	f.Fuzz(func(t *testing.T, w uint32, seed uint64) {
		r := rand.New(rand.NewPCG(seed, 3))
		for k := range c.V {
			c.V[k] = [2]uint64{r.Uint64(), r.Uint64()}
		}
		for k := range 31 {
			c.X[k] = r.Uint64()
		}
		c.FPCR = r.Uint32() & fpcrMask
		runDecoded(c, simdWord(w))
	})
}

// Extensions that are not implemented (and not advertised) must be
// undefined, never executed wrongly.
func TestSIMDUnimplementedUndefined(t *testing.T) {
	for _, w := range []uint32{
		0x4e421420, // fadd v0.8h, v1.8h, v2.8h (FP16)
		0x0ef8f820, // fabs v0.4h, v1.4h (FP16)
		0x4f03fe00, // fmov v0.8h, #1.0 (FP16)
		0x5e30d820, // faddp h0, v1.2h (FP16)
		0x4e30f820, // fmaxv h0, v1.8h (FP16)
		0x4f329020, // fmul v0.8h, v1.8h, v2.h[3] (FP16)
		0x5f1dfc20, // fcvtzs h0, h1, #3 (FP16)
		0x4e829420, // sdot v0.4s, v1.16b, v2.16b (DotProd)
		0x6fa2e020, // udot v0.4s, v1.16b, v2.4b[1] (DotProd)
		0x6e428420, // sqrdmlah v0.8h, v1.8h, v2.8h (RDM)
		0x7fa2f020, // sqrdmlsh s0, s1, v2.s[1] (RDM)
		0x6e82cc20, // fcmla v0.4s, v1.4s, v2.4s, #90 (FCMA)
		0x6e82e420, // fcadd v0.4s, v1.4s, v2.4s, #90 (FCMA)
		0x4e22ec20, // fmlal v0.4s, v1.4h, v2.4h (FHM)
		0x0ea16820, // bfcvtn v0.4h, v1.4s (BF16)
		0x4e829c20, // usdot v0.4s, v1.16b, v2.16b (I8MM)
		0x4e21e820, // frint32z v0.4s, v1.4s (FRINTTS)
		0xce628020, // sha512h q0, q1, v2.2d (SHA512)
		0xce020c20, // eor3 v0.16b, v1.16b, v2.16b, v3.16b (SHA3)
		0xce420c20, // sm3ss1 v0.4s, v1.4s, v2.4s, v3.4s (SM3)
		0xcec08420, // sm4e v0.4s, v1.4s (SM4)
	} {
		if Decode(w) {
			t.Errorf("%#08x decodes; want undefined", w)
		}
	}
}
