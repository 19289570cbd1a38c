package interp

import (
	"encoding/binary"
	"math/rand/v2"
	"testing"

	"github.com/carrick-go/carrick/vcpu"
)

// vecOf makes a V register value from 16 bytes (fewer bytes: zero upper).
func vecOf(b []byte) [2]uint64 {
	var x [16]byte
	copy(x[:], b)
	return [2]uint64{binary.LittleEndian.Uint64(x[:]), binary.LittleEndian.Uint64(x[8:])}
}

// deinterleave models LDn (multiple structures): register xs of n gets the
// elements xs, xs+n, … of esize bytes from m, regBytes bytes per register.
func deinterleave(m []byte, n, esize, regBytes, xs int) [2]uint64 {
	b := make([]byte, regBytes)
	for j := range b {
		k := j / esize
		b[j] = m[(k*n+xs)*esize+j%esize]
	}
	return vecOf(b)
}

func TestStructMultiple(t *testing.T) {
	c := testCPU(t)
	m := fillData(t, c)
	o := 0x300
	base := uint64(dataBase + o)
	for i := range c.V {
		c.V[i] = [2]uint64{0x5555555555555555, 0x6666666666666666}
	}
	c.X[1], c.X[2] = base, 7
	runCode(t, c,
		0x4c407020, // ld1 {v0.16b}, [x1]
		0x0c40a021, // ld1 {v1.8b, v2.8b}, [x1]
		0x4c408427, // ld2 {v7.8h, v8.8h}, [x1]
		0x4c404829, // ld3 {v9.4s-v11.4s}, [x1]
		0x0c40002c, // ld4 {v12.8b-v15.8b}, [x1]
		0x4cc22823, // ld1 {v3.4s-v6.4s}, [x1], x2
		0x4cdf6c3e, // ld1 {v30.2d, v31.2d, v0.2d}, [x1], #48
	)
	mm := m[o:]
	want := map[int][2]uint64{
		1: vecOf(mm[0:8]), 2: vecOf(mm[8:16]),
		7: deinterleave(mm, 2, 2, 16, 0), 8: deinterleave(mm, 2, 2, 16, 1),
		9: deinterleave(mm, 3, 4, 16, 0), 10: deinterleave(mm, 3, 4, 16, 1), 11: deinterleave(mm, 3, 4, 16, 2),
		12: deinterleave(mm, 4, 1, 8, 0), 13: deinterleave(mm, 4, 1, 8, 1),
		14: deinterleave(mm, 4, 1, 8, 2), 15: deinterleave(mm, 4, 1, 8, 3),
		3: vecOf(mm[0:16]), 4: vecOf(mm[16:32]), 5: vecOf(mm[32:48]), 6: vecOf(mm[48:64]),
		30: vecOf(mm[7:23]), 31: vecOf(mm[23:39]), 0: vecOf(mm[39:55]), // wraps to v0
	}
	for r, w := range want {
		checkV(t, c, r, w[0], w[1])
	}
	checkX(t, c, regWant{1, base + 7 + 48})

	// Stores are the inverse of the loads.
	c.X[3] = base + 0x400
	runCode(t, c,
		0x4c008467, // st2 {v7.8h, v8.8h}, [x3]
		0x0c00006c, // st4 {v12.8b-v15.8b}, [x3]
		0x4c9f4869, // st3 {v9.4s-v11.4s}, [x3], #48
		0x4c9fa060, // st1 {v0.16b, v1.16b}, [x3], #32
	)
	got := make([]byte, 80)
	if err := c.mem.Read(base+0x400, got); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 48; i++ {
		if got[i] != mm[i] {
			t.Fatalf("st3 byte %d = %#x, want %#x", i, got[i], mm[i])
		}
	}
	if vecOf(got[48:64]) != c.V[0] || vecOf(got[64:80]) != c.V[1] {
		t.Errorf("st1 stored %x", got[48:80])
	}
	checkX(t, c, regWant{3, base + 0x400 + 80})
}

func TestStructSingle(t *testing.T) {
	c := testCPU(t)
	m := fillData(t, c)
	o := 0x500
	base := uint64(dataBase + o)
	mm := m[o:]
	for i := range c.V {
		c.V[i] = [2]uint64{0x5555555555555555, 0x6666666666666666}
	}
	c.X[1], c.X[2] = base, 3
	runCode(t, c,
		0x4d409030, // ld1 {v16.s}[3], [x1]
		0x4d60a436, // ld4 {v22.d-v25.d}[1], [x1]
		0x4d40c83a, // ld1r {v26.4s}, [x1]
		0x0d60ec3d, // ld4r {v29.1d, v30.1d, v31.1d, v0.1d}, [x1]
		0x4dff4831, // ld2 {v17.h, v18.h}[5], [x1], #4
		0x4dc23c33, // ld3 {v19.b-v21.b}[15], [x1], x2
		0x0dffc03b, // ld2r {v27.8b, v28.8b}, [x1], #2
		0x4dc2e421, // ld3r {v1.8h-v3.8h}, [x1], x2
	)
	checkV(t, c, 16, 0x5555555555555555, 0x6666666666666666&0xffffffff|le(mm, 0, 4)<<32)
	for k := 0; k < 4; k++ {
		checkV(t, c, 22+k, 0x5555555555555555, le(mm, 8*k, 8))
	}
	s := le(mm, 0, 4)
	checkV(t, c, 26, s|s<<32, s|s<<32)
	for k, r := range []int{29, 30, 31, 0} {
		checkV(t, c, r, le(mm, 8*k, 8), 0)
	}
	// ld2 h lane 5 is bits 95:80; x1 = base, then +4.
	for k, r := range []int{17, 18} {
		checkV(t, c, r, 0x5555555555555555, 0x6666666666666666&^(0xffff<<16)|le(mm, 2*k, 2)<<16)
	}
	for k, r := range []int{19, 20, 21} {
		checkV(t, c, r, 0x5555555555555555, 0x0066666666666666|le(mm, 4+k, 1)<<56)
	}
	b0, b1 := le(mm, 7, 1), le(mm, 8, 1)
	checkV(t, c, 27, b0*0x0101010101010101, 0)
	checkV(t, c, 28, b1*0x0101010101010101, 0)
	for k, r := range []int{1, 2, 3} {
		e := le(mm, 9+2*k, 2) * 0x0001000100010001
		checkV(t, c, r, e, e)
	}
	checkX(t, c, regWant{1, base + 4 + 3 + 2 + 3})

	c.X[3] = base + 0x400
	c.V[16] = [2]uint64{0, 0xabcdef0112345678}
	runCode(t, c, 0x4d009070) // st1 {v16.s}[3], [x3]
	if got := memLE(t, c, base+0x400, 4); got != 0xabcdef01 {
		t.Errorf("st1 lane stored %#x", got)
	}
	runCode(t, c, 0x4dbfa476) // st4 {v22.d-v25.d}[1], [x3], #32
	for k := 0; k < 4; k++ {
		if got := memLE(t, c, base+0x400+uint64(8*k), 8); got != le(mm, 8*k, 8) {
			t.Errorf("st4 lane %d stored %#x", k, got)
		}
	}
	checkX(t, c, regWant{3, base + 0x400 + 32})
}

// TestLoadStoreRandomWords decodes and runs random words of the class with
// base registers pointing at data: nothing may panic, every run ends in an
// exit, and a faulting instruction leaves PC on itself.
func TestLoadStoreRandomWords(t *testing.T) {
	c := testCPU(t)
	fillData(t, c)
	r := rand.New(rand.NewPCG(1, 2))
	n := 5000
	if testing.Short() {
		n = 2000
	}
	for i := 0; i < n; i++ {
		runRandomLoadStore(t, c, r.Uint32(), r.Uint64())
	}
}

func runRandomLoadStore(t testing.TB, c *CPU, w uint32, x uint64) {
	w = w | 1<<27
	w &^= 1 << 25
	for i := range 31 {
		c.X[i] = dataBase + 0x1000 + uint64(i)*16
	}
	c.X[regSP] = dataBase + 0x2000
	c.X[int(x%31)] = x
	c.exclSize = 0
	ex := runFault(t, c, w)
	switch ex.Kind {
	case vcpu.ExitBreakpoint:
		if c.PC != codeBase+4 {
			t.Fatalf("%#08x: brk at %#x", w, c.PC)
		}
	case vcpu.ExitFault, vcpu.ExitUndefined:
		if c.PC != codeBase && ex.Access != vcpu.AccessExec {
			t.Fatalf("%#08x: %v with pc %#x", w, ex, c.PC)
		}
	default:
		t.Fatalf("%#08x: %v", w, ex)
	}
}

func FuzzLoadStoreDecode(f *testing.F) {
	for _, w := range []uint32{0xf9400420, 0xa9ff07e0, 0xb8e00041, 0x4cdf6c3e, 0x0d60ec3d, 0xc87f382d, 0x48247c26} {
		f.Add(w, uint64(0))
	}
	c := testCPU(f)
	fillData(f, c)
	f.Fuzz(func(t *testing.T, w uint32, x uint64) {
		runRandomLoadStore(t, c, w, x)
	})
}
