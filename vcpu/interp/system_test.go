package interp

import (
	"testing"

	"github.com/carrick-go/carrick/vcpu"
)

func TestSystemRegisters(t *testing.T) {
	c := testCPU(t)
	c.X[9] = 0xa0000000
	c.X[10] = 0x12345678
	c.X[11] = 3 << 22
	runCode(t, c,
		0xd5380000, // mrs x0, midr_el1
		0xd53b0021, // mrs x1, ctr_el0
		0xd53b00e2, // mrs x2, dczid_el0
		0xd53be003, // mrs x3, cntfrq_el0
		0xd53be044, // mrs x4, cntvct_el0
		0xd51b4209, // msr nzcv, x9
		0xd53b4205, // mrs x5, nzcv
		0xd51bd04a, // msr tpidr_el0, x10
		0xd53bd046, // mrs x6, tpidr_el0
		0xd51b440b, // msr fpcr, x11
		0xd53b4407, // mrs x7, fpcr
		0xd5380608, // mrs x8, id_aa64isar0_el1
		0xd538070c, // mrs x12, id_aa64mmfr0_el1 (reads as zero)
		0xd53be04d, // mrs x13, cntvct_el0
	)
	want := map[int]uint64{0: valMIDR, 1: valCTR, 2: valDCZID, 3: CounterFreq, 5: 0xa0000000,
		6: 0x12345678, 7: 3 << 22, 8: valISAR0, 12: 0}
	for r, v := range want {
		if c.X[r] != v {
			t.Errorf("x%d = %#x, want %#x", r, c.X[r], v)
		}
	}
	if c.X[13] < c.X[4] {
		t.Errorf("CNTVCT went backwards: %d then %d", c.X[4], c.X[13])
	}
}

// TestFeaturesMatchIDRegisters: what AT_HWCAP says and what the ID
// registers say must agree.
func TestFeaturesMatchIDRegisters(t *testing.T) {
	h := features.HWCAP
	check := func(name string, hw bool, id bool) {
		if hw != id {
			t.Errorf("%s: HWCAP says %v, ID register says %v", name, hw, id)
		}
	}
	check("CRC32", h&vcpu.HWCAP_CRC32 != 0, valISAR0>>16&15 == 1)
	check("ATOMICS", h&vcpu.HWCAP_ATOMICS != 0, valISAR0>>20&15 == 2)
	check("AES", h&vcpu.HWCAP_AES != 0, valISAR0>>4&15 >= 1)
	check("PMULL", h&vcpu.HWCAP_PMULL != 0, valISAR0>>4&15 == 2)
	check("SHA1", h&vcpu.HWCAP_SHA1 != 0, valISAR0>>8&15 == 1)
	check("SHA2", h&vcpu.HWCAP_SHA2 != 0, valISAR0>>12&15 >= 1)
	check("LRCPC", h&vcpu.HWCAP_LRCPC != 0, valISAR1>>20&15 >= 1)
	check("FP", h&vcpu.HWCAP_FP != 0, valPFR0>>16&15 == 0)
	check("ASIMD", h&vcpu.HWCAP_ASIMD != 0, valPFR0>>20&15 == 0)
}

func TestInterruptFromAnotherGoroutine(t *testing.T) {
	c := testCPU(t)
	// b . : spins until interrupted.
	c.mem.WriteForce(codeBase, []byte{0x00, 0x00, 0x00, 0x14})
	c.mem.InvalidateCode(codeBase, 4)
	c.PC = codeBase
	go c.Interrupt()
	if ex := c.Run(); ex.Kind != vcpu.ExitInterrupted || c.PC != codeBase {
		t.Fatalf("exit %v pc %#x", ex, c.PC)
	}
}

func TestSelfModifyingCodeWithICIVAU(t *testing.T) {
	c := testCPU(t)
	// Run "mov x0, #1", then patch it to "mov x0, #2" through a data alias
	// is not possible (code is r-x); patch via the loader path plus ic ivau
	// as a JIT would after writing to an rwx page.
	if err := c.mem.Protect(codeBase, 0x10000, vcpu.ProtRead|vcpu.ProtWrite|vcpu.ProtExec); err != nil {
		t.Fatal(err)
	}
	runCode(t, c, 0xd2800020) // mov x0, #1
	if c.X[0] != 1 {
		t.Fatal("first run")
	}
	// The guest rewrites its own instruction and runs ic ivau + isb.
	c.X[1] = codeBase + 0x100
	c.X[2] = 0xd2800040 // mov x0, #2
	prog := []uint32{
		0xb9000022,                // str w2, [x1]
		0xd50b7521,                // ic ivau, x1
		0xd5033fdf,                // isb
		0x14000000 + (0x100-12)/4, // b codeBase+0x100
	}
	buf := make([]byte, 0, 16)
	for _, w := range prog {
		buf = append(buf, byte(w), byte(w>>8), byte(w>>16), byte(w>>24))
	}
	c.mem.WriteForce(codeBase, buf)
	c.mem.WriteForce(codeBase+0x100, []byte{0x20, 0x00, 0x80, 0xd2, 0x00, 0x00, 0x20, 0xd4}) // mov x0,#1; brk
	c.mem.InvalidateCode(codeBase, 0x200)
	c.PC = codeBase + 0x100
	c.Run() // decodes "mov x0, #1" at +0x100
	if c.X[0] != 1 {
		t.Fatal("pre-patch run")
	}
	c.PC = codeBase
	if ex := c.Run(); ex.Kind != vcpu.ExitBreakpoint {
		t.Fatalf("exit %v", ex)
	}
	if c.X[0] != 2 {
		t.Fatalf("x0 = %d after patch + ic ivau: stale decoded code ran", c.X[0])
	}
}
