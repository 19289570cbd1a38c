package interp

import (
	"sync"
	"testing"

	"github.com/carrick-go/carrick/vcpu"
)

func TestExclusives(t *testing.T) {
	c := testCPU(t)
	m := fillData(t, c)
	a := uint64(dataBase + 0x100)
	c.X[1] = a
	c.X[3] = 0x1234
	runCode(t, c,
		0xc85f7c20, // ldxr x0, [x1]
		0xc8027c23, // stxr w2, x3, [x1]
	)
	checkX(t, c, regWant{0, le(m, 0x100, 8)}, regWant{2, 0})
	if got := memLE(t, c, a, 8); got != 0x1234 {
		t.Errorf("stxr stored %#x", got)
	}
	// The monitor is cleared: a second STXR fails.
	c.X[3] = 0x5678
	runCode(t, c, 0xc8027c23) // stxr w2, x3, [x1]
	checkX(t, c, regWant{2, 1})
	if got := memLE(t, c, a, 8); got != 0x1234 {
		t.Errorf("failed stxr stored %#x", got)
	}
	// A store of another value between LDXR and STXR makes it fail.
	c.X[9] = 0x99
	runCode(t, c,
		0xc85f7c20, // ldxr x0, [x1]
		0xf9000029, // str x9, [x1]
		0xc8027c23, // stxr w2, x3, [x1]
	)
	checkX(t, c, regWant{2, 1})
	// CLREX clears the monitor.
	runCode(t, c,
		0xc85f7c20, // ldxr x0, [x1]
		0xd5033f5f, // clrex
		0xc8027c23, // stxr w2, x3, [x1]
	)
	checkX(t, c, regWant{2, 1})
	// Size mismatch fails.
	runCode(t, c,
		0x885ffc24, // ldaxr w4, [x1]
		0xc8027c23, // stxr w2, x3, [x1]
	)
	checkX(t, c, regWant{2, 1})
	// Address mismatch fails.
	c.X[10] = a + 8
	runCode(t, c,
		0xc85f7c20, // ldxr x0, [x1]
		0xc8027d43, // stxr w2, x3, [x10]
	)
	checkX(t, c, regWant{2, 1})

	// Bytes and halfwords touch only their bytes.
	c.X[9], c.X[12] = 0xab, 0xcdef
	before := memLE(t, c, a, 8)
	runCode(t, c,
		0x085f7c27, // ldxrb w7, [x1]
		0x08087c29, // stxrb w8, w9, [x1]
		0x485f7c2a, // ldxrh w10, [x1]
		0x480b7c2c, // stxrh w11, w12, [x1]
	)
	checkX(t, c, regWant{7, before & 0xff}, regWant{8, 0}, regWant{10, before&0xff00 | 0xab}, regWant{11, 0})
	if got := memLE(t, c, a, 8); got != before&^0xffff|0xcdef {
		t.Errorf("memory %#x after byte/halfword exclusives", got)
	}
	c.X[1] = a + 3
	runCode(t, c,
		0x085f7c27, // ldxrb w7, [x1]
		0x08087c29, // stxrb w8, w9, [x1]
	)
	checkX(t, c, regWant{7, before >> 24 & 0xff}, regWant{8, 0})
	if got := memLE(t, c, a, 8); got != before&^0xff00ffff|0xab000000|0xcdef {
		t.Errorf("memory %#x after stxrb at +3", got)
	}

	// Pairs.
	c.X[1] = a + 0x10
	c.X[16], c.X[17] = 0x1111, 0x2222
	runCode(t, c,
		0xc87f382d, // ldxp x13, x14, [x1]
		0xc82f4430, // stxp w15, x16, x17, [x1]
	)
	checkX(t, c, regWant{13, le(m, 0x110, 8)}, regWant{14, le(m, 0x118, 8)}, regWant{15, 0})
	if memLE(t, c, a+0x10, 8) != 0x1111 || memLE(t, c, a+0x18, 8) != 0x2222 {
		t.Errorf("stxp did not store")
	}
	c.X[21], c.X[22] = 0xaaaaaaaa33333333, 0xbbbbbbbb44444444
	runCode(t, c,
		0x887fcc32, // ldaxp w18, w19, [x1]
		0x8834d835, // stlxp w20, w21, w22, [x1]
	)
	checkX(t, c, regWant{18, 0x1111}, regWant{19, 0}, regWant{20, 0})
	if got := memLE(t, c, a+0x10, 8); got != 0x4444444433333333 {
		t.Errorf("stlxp w stored %#x", got)
	}
	// Pair after a single LDXR fails.
	runCode(t, c,
		0xc85f7c20, // ldxr x0, [x1]
		0xc82f4430, // stxp w15, x16, x17, [x1]
	)
	checkX(t, c, regWant{15, 1})
}

func TestOrderedAndLSE(t *testing.T) {
	c := testCPU(t)
	fillData(t, c)
	a := uint64(dataBase + 0x200)
	c.X[1] = a
	set := func(v uint64) {
		t.Helper()
		b := make([]byte, 8)
		for i := range b {
			b[i] = byte(v >> (8 * i))
		}
		if err := c.mem.Write(a, b); err != nil {
			t.Fatal(err)
		}
	}
	type tc struct {
		name    string
		insn    uint32
		mem     uint64 // initial memory
		x0, x2  uint64 // initial registers
		wantMem uint64
		wantX0  uint64
		wantX2  uint64
	}
	const M = 0x8877665544332281
	for _, k := range []tc{
		{"ldar", 0xc8dffc20, M, 0, 0, M, M, 0},
		{"stlr", 0xc89ffc20, M, 0x1122334455667788, 0, 0x1122334455667788, 0x1122334455667788, 0},
		{"ldarb", 0x08dffc20, M, 5, 0, M, 0x81, 0},
		{"stlrh", 0x489ffc20, M, 0xabcdef, 0, M&^0xffff | 0xcdef, 0xabcdef, 0},
		{"ldlar", 0xc8df7c20, M, 0, 0, M, M, 0},
		{"stllr w", 0x889f7c20, M, 0xffffffff00000001, 0, M&^0xffffffff | 1, 0xffffffff00000001, 0},
		{"ldapr", 0xf8bfc020, M, 0, 0, M, M, 0},
		{"ldaprb", 0x38bfc020, M, 0, 0, M, 0x81, 0},
		{"ldaprh", 0x78bfc020, M, 0, 0, M, 0x2281, 0},
		{"cas x hit", 0xc8a07c22, M, M, 7, 7, M, 7},
		{"cas x miss", 0xc8a07c22, M, 1, 7, M, M, 7},
		{"casal w hit", 0x88e0fc22, M, 0xffffffff44332281, 9, M&^0xffffffff | 9, 0x44332281, 9},
		{"casb hit", 0x08a07c22, M, 0x81, 0x17, M&^0xff | 0x17, 0x81, 0x17},
		{"caslh miss", 0x48a0fc22, M, 0x81, 0x17, M, 0x2281, 0x17},
		{"ldadd", 0xf8200022, M, 1, 0, M + 1, 1, M},
		{"ldaddal w", 0xb8e00022, M, 0xffffffff, 0, M&^0xffffffff | 0x44332280, 0xffffffff, 0x44332281},
		{"ldclrb", 0x38201022, M, 0x01, 0, M &^ 1, 1, 0x81},
		{"ldeorh", 0x78202022, M, 0xffff, 0, M ^ 0xffff, 0xffff, 0x2281},
		{"ldset", 0xf8203022, M, 0x7000000000000000, 0, M | 0x7000000000000000, 0x7000000000000000, M},
		{"ldsmax w", 0xb8204022, 0x80000000, 5, 0, 5, 5, 0x80000000},
		{"ldsminb", 0x38205022, 0x7f, 0x80, 0, 0x80, 0x80, 0x7f},
		{"ldsmaxb", 0x38204022, 0x80, 0x7f, 0, 0x7f, 0x7f, 0x80},
		{"ldumax", 0xf8206022, M, 1, 0, M, 1, M},
		{"lduminh", 0x78207022, 0x8000, 0x7fff, 0, 0x7fff, 0x7fff, 0x8000},
		{"swp", 0xf8208022, M, 3, 0, 3, 3, M},
		{"swpb", 0x38208022, M, 0x1234, 0, M&^0xff | 0x34, 0x1234, 0x81},
		{"stadd", 0xf820003f, M, 2, 0, M + 2, 2, 0},
	} {
		set(k.mem)
		c.X[0], c.X[2] = k.x0, k.x2
		runCode(t, c, k.insn)
		if got := memLE(t, c, a, 8); got != k.wantMem {
			t.Errorf("%s: memory %#x, want %#x", k.name, got, k.wantMem)
		}
		if c.X[0] != k.wantX0 || c.X[2] != k.wantX2 {
			t.Errorf("%s: x0=%#x x2=%#x, want %#x %#x", k.name, c.X[0], c.X[2], k.wantX0, k.wantX2)
		}
	}

	// CASP.
	set(0x1111111111111111)
	if err := c.mem.Write(a+8, []byte{0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22}); err != nil {
		t.Fatal(err)
	}
	c.X[4], c.X[5], c.X[6], c.X[7] = 0x1111111111111111, 0x2222222222222222, 0xa, 0xb
	runCode(t, c, 0x48247c26) // casp x4, x5, x6, x7, [x1]
	checkX(t, c, regWant{4, 0x1111111111111111}, regWant{5, 0x2222222222222222})
	if memLE(t, c, a, 8) != 0xa || memLE(t, c, a+8, 8) != 0xb {
		t.Errorf("casp x did not store")
	}
	runCode(t, c, 0x48247c26) // miss: loads the current value
	checkX(t, c, regWant{4, 0xa}, regWant{5, 0xb})
	c.X[4], c.X[5], c.X[6], c.X[7] = 0xffffffff0000000a, 0, 0xc, 0xd
	runCode(t, c, 0x0864fc26) // caspal w4, w5, w6, w7, [x1]
	checkX(t, c, regWant{4, 0xa}, regWant{5, 0})
	if memLE(t, c, a, 8) != 0x0000000d0000000c {
		t.Errorf("caspal w stored %#x", memLE(t, c, a, 8))
	}
}

func TestAlignmentFaults(t *testing.T) {
	c := testCPU(t)
	fillData(t, c)
	for _, k := range []struct {
		name string
		insn uint32
		off  uint64
		acc  vcpu.Access
	}{
		{"ldxr x", 0xc85f7c20, 4, vcpu.AccessRead},
		{"stxr x", 0xc8027c23, 4, vcpu.AccessWrite},
		{"ldxrh", 0x485f7c2a, 1, vcpu.AccessRead},
		{"ldxp x", 0xc87f382d, 8, vcpu.AccessRead},
		{"ldaxp w", 0x887fcc32, 4, vcpu.AccessRead},
		{"stxp x", 0xc82f4430, 8, vcpu.AccessWrite},
		{"ldar", 0xc8dffc20, 2, vcpu.AccessRead},
		{"stlrh", 0x489ffc20, 1, vcpu.AccessWrite},
		{"ldapr", 0xf8bfc020, 4, vcpu.AccessRead},
		{"cas", 0xc8a07c22, 4, vcpu.AccessWrite},
		{"casp x", 0x48247c26, 8, vcpu.AccessWrite},
		{"caspal w", 0x0864fc26, 4, vcpu.AccessWrite},
		{"ldadd", 0xf8200022, 4, vcpu.AccessWrite},
		{"ldaddal w", 0xb8e00022, 2, vcpu.AccessWrite},
		{"ldeorh", 0x78202022, 1, vcpu.AccessWrite},
		{"swp", 0xf8208022, 1, vcpu.AccessWrite},
	} {
		c.X[1] = dataBase + 0x100 + k.off
		before := c.X
		ex := runFault(t, c, k.insn)
		if ex.Kind != vcpu.ExitFault || ex.Cause != vcpu.FaultAlignment || ex.Access != k.acc ||
			ex.Addr != dataBase+0x100+k.off || ex.ESR&0x3f != 0x21 {
			t.Errorf("%s: exit %+v, want %v alignment fault", k.name, ex, k.acc)
		}
		if c.X != before || c.PC != codeBase {
			t.Errorf("%s: state changed", k.name)
		}
	}
	// Byte accesses are always aligned; plain loads need no alignment.
	c.X[1] = dataBase + 0x101
	runCode(t, c,
		0x085f7c27, // ldxrb w7, [x1]
		0x38208022, // swpb w0, w2, [x1]
		0xf9400020, // ldr x0, [x1]
	)
}

// TestAtomicConcurrency: four vCPUs on one Memory increment one counter
// with LDXR/STXR loops, LDADD and CAS loops; no increment may be lost.
func TestAtomicConcurrency(t *testing.T) {
	const n = 100000
	loops := map[string][]uint32{
		"ldxr/stxr": {
			0xc85f7c20, // loop: ldxr x0, [x1]
			0x91000400, // add x0, x0, #1
			0xc8027c20, // stxr w2, x0, [x1]
			0x35ffffa2, // cbnz w2, loop
			0xf1000463, // subs x3, x3, #1
			0x54ffff61, // b.ne loop
		},
		"ldaxr/stlxr w": {
			0x885ffc20, // loop: ldaxr w0, [x1]
			0x11000400, // add w0, w0, #1
			0x8802fc20, // stlxr w2, w0, [x1]
			0x35ffffa2, // cbnz w2, loop
			0xf1000463, // subs x3, x3, #1
			0x54ffff61, // b.ne loop
		},
		"ldxrh/stxrh": { // a halfword counter next to bytes others write
			0x485f7c20, // loop: ldxrh w0, [x1]
			0x11000400, // add w0, w0, #1
			0x48027c20, // stxrh w2, w0, [x1]
			0x35ffffa2, // cbnz w2, loop
			0xf1000463, // subs x3, x3, #1
			0x54ffff61, // b.ne loop
		},
		"ldadd": {
			0xf8e40020, // loop: ldaddal x4, x0, [x1]
			0xf1000463, // subs x3, x3, #1
			0x54ffffc1, // b.ne loop
		},
		"cas": {
			0xf9400020, // ldr x0, [x1]
			0x91000402, // loop: add x2, x0, #1
			0xaa0003e5, // mov x5, x0
			0xc8e0fc22, // casal x0, x2, [x1]
			0xeb0000bf, // cmp x5, x0
			0x54ffff81, // b.ne loop
			0xf1000463, // subs x3, x3, #1
			0x54ffff41, // b.ne loop
		},
	}
	for name, loop := range loops {
		t.Run(name, func(t *testing.T) {
			c0 := testCPU(t)
			counter := uint64(dataBase + 0x40)
			if name == "ldxrh/stxrh" {
				counter += 2
			}
			words := append(loop, 0xd4200000)
			buf := make([]byte, 4*len(words))
			for i, w := range words {
				buf[4*i], buf[4*i+1], buf[4*i+2], buf[4*i+3] = byte(w), byte(w>>8), byte(w>>16), byte(w>>24)
			}
			if err := c0.mem.WriteForce(codeBase, buf); err != nil {
				t.Fatal(err)
			}
			const workers = 4
			var wg sync.WaitGroup
			exits := make([]vcpu.Exit, workers)
			for i := 0; i < workers; i++ {
				cpu := c0.m.newCPU()
				defer cpu.Close()
				cpu.X[1], cpu.X[3], cpu.X[4] = counter, n, 1
				cpu.PC = codeBase
				wg.Add(1)
				go func() {
					defer wg.Done()
					exits[i] = cpu.Run()
				}()
			}
			wg.Wait()
			for i, ex := range exits {
				if ex.Kind != vcpu.ExitBreakpoint {
					t.Fatalf("cpu %d: %v", i, ex)
				}
			}
			size := 8
			want := uint64(workers * n)
			if name == "ldaxr/stlxr w" {
				size = 4
			}
			if name == "ldxrh/stxrh" {
				size, want = 2, want&0xffff
			}
			if got := memLE(t, c0, counter, size); got != want {
				t.Errorf("counter = %d, want %d", got, want)
			}
		})
	}
}
