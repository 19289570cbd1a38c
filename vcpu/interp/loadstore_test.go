package interp

import (
	"encoding/binary"
	"testing"

	"github.com/carrick-go/carrick/vcpu"
)

// fillData fills the data pages with a known byte pattern.
func fillData(t testing.TB, c *CPU) []byte {
	t.Helper()
	b := make([]byte, dataSize)
	for i := range b {
		b[i] = byte(i*37 + 11)
	}
	if err := c.mem.Write(dataBase, b); err != nil {
		t.Fatal(err)
	}
	return b
}

// le reads n ≤ 8 bytes of b at off, little-endian.
func le(b []byte, off, n int) uint64 {
	var v uint64
	for i := n - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[off+i])
	}
	return v
}

func memLE(t testing.TB, c *CPU, addr uint64, n int) uint64 {
	t.Helper()
	b := make([]byte, n)
	if err := c.mem.Read(addr, b); err != nil {
		t.Fatal(err)
	}
	return le(b, 0, n)
}

func sx(v uint64, bits uint) uint64 { return sext(v, bits) }

type regWant struct {
	r    int
	want uint64
}

func checkX(t *testing.T, c *CPU, ws ...regWant) {
	t.Helper()
	for _, w := range ws {
		if c.X[w.r] != w.want {
			t.Errorf("x%d = %#x, want %#x", w.r, c.X[w.r], w.want)
		}
	}
}

func checkV(t *testing.T, c *CPU, r int, lo, hi uint64) {
	t.Helper()
	if c.V[r] != [2]uint64{lo, hi} {
		t.Errorf("v%d = %#x:%#x, want %#x:%#x", r, c.V[r][1], c.V[r][0], hi, lo)
	}
}

func TestLoadSingleGPR(t *testing.T) {
	c := testCPU(t)
	m := fillData(t, c)
	base := uint64(dataBase + 0x100)
	o := 0x100
	c.X[1] = base
	c.X[2] = 3
	c.X[3] = uint64(0xffffffff) // w3 = -1
	for i := 5; i <= 9; i++ {
		c.X[i] = 0xdeadbeefdeadbeef // W loads must clear the top half
	}
	runCode(t, c,
		0xf9400420, // ldr x0, [x1, #8]
		0xb9400422, // ldr w2, [x1, #4]
		0x39400423, // ldrb w3, [x1, #1]
		0x79400424, // ldrh w4, [x1, #2]
		0x39800c25, // ldrsb x5, [x1, #3]
		0x39c00c26, // ldrsb w6, [x1, #3]
		0x79800c27, // ldrsh x7, [x1, #6]
		0x79c00c28, // ldrsh w8, [x1, #6]
		0xb9800429, // ldrsw x9, [x1, #4]
		0xf85f802a, // ldur x10, [x1, #-8]
		0xf840882b, // ldtr x11, [x1, #8]
		0xf9800020, // prfm pldl1keep, [x1]
		0xf89ff020, // prfum pldl1keep, [x1, #-1]
		0xf8a26820, // prfm pldl1keep, [x1, x2]
	)
	checkX(t, c,
		regWant{0, le(m, o+8, 8)},
		regWant{2, le(m, o+4, 4)},
		regWant{3, le(m, o+1, 1)},
		regWant{4, le(m, o+2, 2)},
		regWant{5, sx(le(m, o+3, 1), 8)},
		regWant{6, sx(le(m, o+3, 1), 8) & 0xffffffff},
		regWant{7, sx(le(m, o+6, 2), 16)},
		regWant{8, sx(le(m, o+6, 2), 16) & 0xffffffff},
		regWant{9, sx(le(m, o+4, 4), 32)},
		regWant{10, le(m, o-8, 8)},
		regWant{11, le(m, o+8, 8)},
		regWant{1, base},
	)
	// The pattern must exercise both signs.
	if le(m, o+3, 1) < 0x80 && le(m, o+6, 2) < 0x8000 {
		t.Log("pattern has no negative bytes here")
	}
}

func TestLoadStoreIndexAndRegOffset(t *testing.T) {
	c := testCPU(t)
	m := fillData(t, c)
	base := uint64(dataBase + 0x200)
	o := 0x200
	c.X[1] = base
	c.X[2] = 5
	c.X[3] = uint64(0xfffffffe) // w3 = -2
	runCode(t, c,
		0xf8410c2c, // ldr x12, [x1, #16]!
		0xf85f042d, // ldr x13, [x1], #-16
		0xf862782e, // ldr x14, [x1, x2, lsl #3]
		0xf862482f, // ldr x15, [x1, w2, uxtw]
		0xf863d830, // ldr x16, [x1, w3, sxtw #3]
		0x38626831, // ldrb w17, [x1, x2]
	)
	checkX(t, c,
		regWant{12, le(m, o+16, 8)},
		regWant{13, le(m, o+16, 8)},
		regWant{1, base},
		regWant{14, le(m, o+40, 8)},
		regWant{15, le(m, o+5, 8)},
		regWant{16, le(m, o-16, 8)},
		regWant{17, le(m, o+5, 1)},
	)
	c.X[0] = 0x0102030405060708
	c.X[3] = 0xffffffffffffffff // sxtx -1
	runCode(t, c,
		0xf9000c20, // str x0, [x1, #24]
		0x39008020, // strb w0, [x1, #32]
		0x79004420, // strh w0, [x1, #34]
		0xb9002420, // str w0, [x1, #36]
		0xf81ff020, // stur x0, [x1, #-1]
		0xb8028820, // sttr w0, [x1, #40]
		0x78227820, // strh w0, [x1, x2, lsl #1]
		0xf863e832, // ldr x18, [x1, x3, sxtx]
		0xf8030c20, // str x0, [x1, #48]!
		0xf81d0420, // str x0, [x1], #-48
	)
	checkX(t, c, regWant{1, base}, regWant{18, 0x0102030405060708 /* stored by stur at base-1 */})
	for _, w := range []struct {
		off  uint64
		n    int
		want uint64
	}{
		{24, 8, 0x0102030405060708},
		{32, 1, 0x08},
		{34, 2, 0x0708},
		{36, 4, 0x05060708},
		{0xffffffffffffffff, 8, 0x0102030405060708},
		{40, 4, 0x05060708},
		{10, 2, 0x0708},
		{48, 8, 0x0102030405060708},
	} {
		if got := memLE(t, c, base+w.off, w.n); got != w.want {
			t.Errorf("mem[base%+d] = %#x, want %#x", int64(w.off), got, w.want)
		}
	}
}

func TestLoadLiteral(t *testing.T) {
	c := testCPU(t)
	c.X[24] = 0xffffffffffffffff
	runCode(t, c,
		0x58000113,                                     // ldr x19, lit
		0x980000f4,                                     // ldrsw x20, lit
		0x9c0000d5,                                     // ldr q21, lit
		0xd80000a0,                                     // prfm pldl1keep, lit
		0x5c000096,                                     // ldr d22, lit
		0x1c000077,                                     // ldr s23, lit
		0x18000058,                                     // ldr w24, lit
		0x14000005,                                     // b end
		0x80000001, 0x12345678, 0xaaaaaaaa, 0xbbbbbbbb, // lit
	)
	checkX(t, c,
		regWant{19, 0x1234567880000001},
		regWant{20, 0xffffffff80000001},
		regWant{24, 0x80000001},
	)
	checkV(t, c, 21, 0x1234567880000001, 0xbbbbbbbbaaaaaaaa)
	checkV(t, c, 22, 0x1234567880000001, 0)
	checkV(t, c, 23, 0x80000001, 0)
}

func TestPairs(t *testing.T) {
	c := testCPU(t)
	m := fillData(t, c)
	base := uint64(dataBase + 0x400)
	o := 0x400
	c.X[2] = base
	runCode(t, c,
		0xa9410440, // ldp x0, x1, [x2, #16]
		0x297f1043, // ldp w3, w4, [x2, #-8]
		0x69411845, // ldpsw x5, x6, [x2, #8]
		0xa9c12047, // ldp x7, x8, [x2, #16]!
		0xa8ff2849, // ldp x9, x10, [x2], #-16
		0xa840304b, // ldnp x11, x12, [x2]
	)
	checkX(t, c,
		regWant{0, le(m, o+16, 8)}, regWant{1, le(m, o+24, 8)},
		regWant{3, le(m, o-8, 4)}, regWant{4, le(m, o-4, 4)},
		regWant{5, sx(le(m, o+8, 4), 32)}, regWant{6, sx(le(m, o+12, 4), 32)},
		regWant{7, le(m, o+16, 8)}, regWant{8, le(m, o+24, 8)},
		regWant{9, le(m, o+16, 8)}, regWant{10, le(m, o+24, 8)},
		regWant{11, le(m, o, 8)}, regWant{12, le(m, o+8, 8)},
		regWant{2, base},
	)
	c.X[0], c.X[1], c.X[3], c.X[4] = 0x1111111111111111, 0x2222222222222222, 0xaaaaaaaa33333333, 0xbbbbbbbb44444444
	runCode(t, c,
		0xa9020440, // stp x0, x1, [x2, #32]
		0x29861043, // stp w3, w4, [x2, #48]!
		0xa8bd0440, // stp x0, x1, [x2], #-48
		0x28081043, // stnp w3, w4, [x2, #64]
	)
	checkX(t, c, regWant{2, base})
	for _, w := range []struct {
		off  uint64
		n    int
		want uint64
	}{
		{32, 8, 0x1111111111111111}, {40, 8, 0x2222222222222222},
		{48, 8, 0x1111111111111111}, {56, 8, 0x2222222222222222}, // stp x over stp w
		{64, 8, 0x4444444433333333},
	} {
		if got := memLE(t, c, base+w.off, w.n); got != w.want {
			t.Errorf("mem[base+%d] = %#x, want %#x", w.off, got, w.want)
		}
	}
}

func TestSIMDRegisterLoadStore(t *testing.T) {
	c := testCPU(t)
	m := fillData(t, c)
	base := uint64(dataBase + 0x800)
	o := 0x800
	c.X[2] = base
	c.X[3] = 2
	for i := range c.V {
		c.V[i] = [2]uint64{0x5555555555555555, 0x6666666666666666}
	}
	runCode(t, c,
		0x3d400448, // ldr b8, [x2, #1]
		0x7d400449, // ldr h9, [x2, #2]
		0xbd40044a, // ldr s10, [x2, #4]
		0xfd40044b, // ldr d11, [x2, #8]
		0x3dc0044c, // ldr q12, [x2, #16]
		0x3cc0104d, // ldur q13, [x2, #1]
		0x3ce3784e, // ldr q14, [x2, x3, lsl #4]
		0x2d400440, // ldp s0, s1, [x2]
		0x6d408c42, // ldp d2, d3, [x2, #8]
		0xadc11444, // ldp q4, q5, [x2, #32]!
		0xac401c46, // ldnp q6, q7, [x2]
		0x3c401c4f, // ldr b15, [x2, #1]!
	)
	checkV(t, c, 8, le(m, o+1, 1), 0)
	checkV(t, c, 9, le(m, o+2, 2), 0)
	checkV(t, c, 10, le(m, o+4, 4), 0)
	checkV(t, c, 11, le(m, o+8, 8), 0)
	checkV(t, c, 12, le(m, o+16, 8), le(m, o+24, 8))
	checkV(t, c, 13, le(m, o+1, 8), le(m, o+9, 8))
	checkV(t, c, 14, le(m, o+32, 8), le(m, o+40, 8))
	checkV(t, c, 0, le(m, o, 4), 0)
	checkV(t, c, 1, le(m, o+4, 4), 0)
	checkV(t, c, 2, le(m, o+8, 8), 0)
	checkV(t, c, 3, le(m, o+16, 8), 0)
	checkV(t, c, 4, le(m, o+32, 8), le(m, o+40, 8))
	checkV(t, c, 5, le(m, o+48, 8), le(m, o+56, 8))
	checkV(t, c, 6, le(m, o+32, 8), le(m, o+40, 8))
	checkV(t, c, 7, le(m, o+48, 8), le(m, o+56, 8))
	checkV(t, c, 15, le(m, o+33, 1), 0)
	checkX(t, c, regWant{2, base + 33})

	c.X[2] = base
	c.V[8] = [2]uint64{0x0102030405060708, 0x1112131415161718}
	c.V[12] = [2]uint64{0xa1a2a3a4a5a6a7a8, 0xb1b2b3b4b5b6b7b8}
	runCode(t, c,
		0x3d019048, // str b8, [x2, #100]
		0x7d00cc49, // str h9, [x2, #102]
		0xbd00684a, // str s10, [x2, #104]
		0xfd00384b, // str d11, [x2, #112]
		0x3c880c4c, // str q12, [x2, #128]!
		0x3c98044c, // str q12, [x2], #-128
		0xacbf1444, // stp q4, q5, [x2], #-32
	)
	checkX(t, c, regWant{2, base - 32})
	for _, w := range []struct {
		off  uint64
		n    int
		want uint64
	}{
		{100, 1, 0x08}, {102, 2, le(m, o+2, 2)}, {104, 4, le(m, o+4, 4)}, {112, 8, le(m, o+8, 8)},
		{128, 8, 0xa1a2a3a4a5a6a7a8}, {136, 8, 0xb1b2b3b4b5b6b7b8},
		{0, 8, le(m, o+32, 8)}, {24, 8, le(m, o+56, 8)},
	} {
		if got := memLE(t, c, base+w.off, w.n); got != w.want {
			t.Errorf("mem[base+%d] = %#x, want %#x", w.off, got, w.want)
		}
	}
}

// TestZeroRegister: Rt = 31 loads discard, stores write zero; Rn = 31 is SP.
func TestZeroRegisterAndSP(t *testing.T) {
	c := testCPU(t)
	fillData(t, c)
	c.X[regSP] = dataBase + 0x1000
	c.X[1] = dataBase + 0x100
	runCode(t, c,
		0xf940003f, // ldr xzr, [x1]
		0xf900003f, // str xzr, [x1]
		0xa9bf7bfd, // stp x29, x30, [sp, #-16]!
		0xf94003e5, // ldr x5, [sp]
		0xa8c17bfd, // ldp x29, x30, [sp], #16
	)
	if got := memLE(t, c, dataBase+0x100, 8); got != 0 {
		t.Errorf("str xzr stored %#x", got)
	}
	if c.X[31] != 0 {
		t.Errorf("xzr = %#x", c.X[31])
	}
	checkX(t, c, regWant{regSP, dataBase + 0x1000}, regWant{5, c.X[29]})
}

// TestWritebackOverlap pins the CONSTRAINED UNPREDICTABLE choices (QEMU's):
// a loaded register that is also the written-back base gets the address;
// stores store the base's old value; LDP Rt == Rt2 keeps the first value.
func TestWritebackOverlap(t *testing.T) {
	c := testCPU(t)
	m := fillData(t, c)
	base := uint64(dataBase + 0x100)
	c.X[1] = base
	runCode(t, c, 0xf8408c21) // ldr x1, [x1, #8]!
	checkX(t, c, regWant{1, base + 8})
	c.X[1] = base
	runCode(t, c, 0xf8008c21) // str x1, [x1, #8]!
	if got := memLE(t, c, base+8, 8); got != base {
		t.Errorf("stored %#x, want %#x", got, base)
	}
	c.X[1] = base
	runCode(t, c, 0xa9400020) // ldp x0, x0, [x1]
	checkX(t, c, regWant{0, le(m, 0x100, 8)})
}

func TestLoadStoreFaults(t *testing.T) {
	c := testCPU(t)
	fillData(t, c)
	if err := c.mem.Map(dataBase+dataSize, 0x1000, vcpu.ProtRead); err != nil {
		t.Fatal(err)
	}
	ro := uint64(dataBase + dataSize)
	unmapped := uint64(dataBase + dataSize + 0x1000)
	cases := []struct {
		name string
		insn uint32
		x1   uint64 // base register
		addr uint64 // faulting page
		acc  vcpu.Access
	}{
		{"ldr unmapped", 0xf8408c20, unmapped - 8, unmapped, vcpu.AccessRead},           // ldr x0, [x1, #8]!
		{"ldp unmapped", 0xa9c10420, unmapped - 16, unmapped, vcpu.AccessRead},          // ldp x0, x1, [x1, #16]!
		{"ldp straddling", 0xa9c10420, unmapped - 24, unmapped, vcpu.AccessRead},        // ldp x0, x1, [x1, #16]!
		{"str read-only", 0xf8008c20, ro - 8, ro, vcpu.AccessWrite},                     // str x0, [x1, #8]!
		{"stp read-only", 0xa9810420, ro - 16, ro, vcpu.AccessWrite},                    // stp x0, x1, [x1, #16]!
		{"ldr q unmapped", 0x3cc10c20, unmapped - 16, unmapped, vcpu.AccessRead},        // ldr q0, [x1, #16]!
		{"ld1 unmapped", 0x4cdfa020, unmapped - 16, unmapped, vcpu.AccessRead},          // ld1 {v0.16b, v1.16b}, [x1], #32
		{"ld4r unmapped", 0x4dffe020, unmapped - 2, unmapped, vcpu.AccessRead},          // ld4r {v0.16b-v3.16b}, [x1], #4
		{"ldadd read-only", 0xf8200022, ro, ro, vcpu.AccessWrite},                       // ldadd x0, x2, [x1]
		{"cas read-only", 0xc8a07c22, ro, ro, vcpu.AccessWrite},                         // cas x0, x2, [x1]
		{"ldxr unmapped", 0xc85f7c22, unmapped, unmapped, vcpu.AccessRead},              // ldxr x2, [x1]
		{"ldr outside space", 0xf9400020, 1 << 50, 1 << 50, vcpu.AccessRead},            // ldr x0, [x1]
		{"str tagged outside", 0xf9000020, 0xff<<56 | 1<<48, 1 << 48, vcpu.AccessWrite}, // str x0, [x1]
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.X[0], c.X[1], c.X[2] = 0x1111, tc.x1, 0x2222
			c.V[0] = [2]uint64{7, 7}
			before := c.X
			ex := runFault(t, c, tc.insn)
			if ex.Kind != vcpu.ExitFault || ex.Access != tc.acc {
				t.Fatalf("exit %v (access %v), want %v fault", ex, ex.Access, tc.acc)
			}
			if ex.Addr&^0xfff != tc.addr&^0xfff {
				t.Errorf("fault addr %#x, want page of %#x", ex.Addr, tc.addr)
			}
			if c.X != before || c.V[0] != [2]uint64{7, 7} {
				t.Errorf("registers changed by a faulting instruction")
			}
			if c.PC != codeBase {
				t.Errorf("pc = %#x", c.PC)
			}
		})
	}
}

// runFault runs one instruction that must not complete.
func runFault(t testing.TB, c *CPU, insns ...uint32) vcpu.Exit {
	t.Helper()
	words := append(append([]uint32(nil), insns...), 0xd4200000)
	buf := make([]byte, 4*len(words))
	for i, w := range words {
		binary.LittleEndian.PutUint32(buf[4*i:], w)
	}
	if err := c.mem.WriteForce(codeBase, buf); err != nil {
		t.Fatal(err)
	}
	c.mem.InvalidateCode(codeBase, uint64(len(buf)))
	c.PC = codeBase
	return c.Run()
}

func TestUnallocatedLoadStore(t *testing.T) {
	for _, w := range []uint32{
		0x7cc00c00,              // ldr SIMD size=01 opc=11: size > 4
		0xb9c00000,              // ldrsw w-form (size 2 opc 3)
		0xf9c00000,              // size 3 opc 3
		0xf8a04820 &^ (1 << 14), // register offset with option<1> = 0
		0xf8800c20,              // prfm pre-index
		0x3c800820 | 1<<22,      // ldtr SIMD
		0xe9400000,              // pair opc=11
		0x69000000,              // stgp
		0x68400000,              // ldnp with opc=01 (ldpsw non-temporal)
		0xf8200c20,              // ldraa (PAC)
		0xd9200000,              // stg (MTE)
		0x19400000,              // ldapurb (LRCPC2)
		0x1d000000,              // RCpc3/unallocated
		0x3c200000,              // V atomic
		0xf8209020,              // atomic op 1001
		0xf8ffc020,              // ldapr form with A=1, R=1
		0x0c001000,              // ld multiple opcode 0001
		0x0c000c00,              // ld4 .1d (size 3, Q 0, selem 4)
		0x0c010000,              // st4 no post-index with Rm != 0
		0x8c000000,              // bit 31 set
		0x0d004400,              // st1 h lane with size<0> = 1
		0x0d00c000,              // st1r (store replicate)
		0x0d40d000,              // ld1r with S = 1
		0x0d008c00,              // st1 d lane with S=1 (size 01, opc 100)
		0x48207c00 | 1,          // casp odd Rt
		0x48a07800,              // cas with Rt2 != 31
		0x19000000,              // stlurb
		0x1d800000,              // memcopy-ish 0x1d
	} {
		if Decode(w) {
			var in Inst
			decodeInst(w, 0x10000, &in)
			t.Errorf("%#08x decodes", w)
		}
	}
}

// TestLoadStoreNoAlloc: executing load/store handlers does not allocate.
func TestLoadStoreNoAlloc(t *testing.T) {
	c := testCPU(t)
	fillData(t, c)
	words := []uint32{
		0xf9400420, // ldr x0, [x1, #8]
		0xf8410c2c, // ldr x12, [x1, #16]!
		0xa9410440, // ldp x0, x1, [x2, #16]
		0xadc11444, // ldp q4, q5, [x2, #32]!
		0x4cc22823, // ld1 {v3.4s-v6.4s}, [x1], x2
		0x4c404829, // ld3 {v9.4s-v11.4s}, [x1]
		0x4c9f4869, // st3 {v9.4s-v11.4s}, [x3], #48
		0x4dc23c33, // ld3 {v19.b-v21.b}[15], [x1], x2
		0xc85f7c20, // ldxr x0, [x1]
		0xc8027c23, // stxr w2, x3, [x1]
		0xc87f382d, // ldxp x13, x14, [x1]
		0xc82f4430, // stxp w15, x16, x17, [x1]
		0xb8e00022, // ldaddal w0, w2, [x1]
		0x48247c26, // casp x4, x5, x6, x7, [x1]
	}
	ins := make([]Inst, len(words))
	for i, w := range words {
		decode(w, codeBase, &ins[i])
	}
	reset := func() {
		for i := range 31 {
			c.X[i] = dataBase + 0x800
		}
		c.X[2] = 16
	}
	allocs := testing.AllocsPerRun(100, func() {
		for i := range ins {
			reset()
			if i == 2 || i == 3 {
				c.X[2] = dataBase + 0x800
			}
			ins[i].fn(c, &ins[i])
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per run", allocs)
	}
}
