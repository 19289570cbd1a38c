package interp

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/carrick-go/carrick/vcpu"
)

// runWord executes one arbitrary instruction word (followed by brk) with
// registers pointing into the data area, bounded in time. It returns the exit.
func runWord(t testing.TB, c *CPU, w uint32) vcpu.Exit {
	var buf [8]byte
	binary.LittleEndian.PutUint32(buf[:], w)
	binary.LittleEndian.PutUint32(buf[4:], 0xd4200000)
	if err := c.mem.WriteForce(codeBase, buf[:]); err != nil {
		t.Fatal(err)
	}
	c.mem.InvalidateCode(codeBase, 8)
	for i := range c.X[:31] {
		c.X[i] = dataBase + uint64(i)*64
	}
	c.X[regSP] = dataBase + dataSize/2
	c.PC = codeBase
	stop := time.AfterFunc(20*time.Millisecond, c.Interrupt) // `b .` loops forever
	defer stop.Stop()
	return c.Run()
}

// FuzzDecode: no instruction word makes the decoder or an executed handler
// panic; every run ends in an Exit.
func FuzzDecode(f *testing.F) {
	for _, w := range []uint32{0, 0xd4200000, 0x14000000, 0xd61f0000, 0xf9400000, 0x1e602820, 0x4e208400, 0xc8dffc00, 0xf8200020} {
		f.Add(w)
	}
	c := testCPU(f)
	f.Fuzz(func(t *testing.T, w uint32) {
		runWord(t, c, w)
	})
}

// TestRandomWordsDoNotPanic runs the fuzz body over a fixed random sample in
// every `go test`, so the property is checked without -fuzz.
func TestRandomWordsDoNotPanic(t *testing.T) {
	c := testCPU(t)
	x := uint32(0x9e3779b9)
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for i := 0; i < n; i++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		runWord(t, c, x)
	}
}

// TestUnallocatedIsUndefined: reserved and unimplemented encodings exit with
// ExitUndefined, PC on the instruction.
func TestUnallocatedIsUndefined(t *testing.T) {
	for _, w := range []uint32{
		0x00000000, // UDF #0
		0x0000beef, // UDF #0xbeef
		0xd4000002, // HVC #0 (EL0: undefined)
		0xd4000003, // SMC #0
		0x91800000, // ADD (immediate) with tags: MTE, not implemented
		0xd53be220, // MRS CNTP_CTL_EL0: the physical timer is not EL0-accessible
		0xd51b4220, // MSR DAIF, x0: traps at EL0
		0x5ac01800, // reserved 1-source opcode 000110
		0x9ac01000, // reserved 2-source opcode 000100
		0x25204000, // SVE
		0xd500401f, // MSR SPSel, #0: EL1 only
	} {
		c := testCPU(t)
		ex := runWord(t, c, w)
		if ex.Kind != vcpu.ExitUndefined || ex.Insn != w || c.PC != codeBase {
			t.Errorf("%#08x: exit %v insn %#x pc %#x, want undefined at %#x", w, ex, ex.Insn, c.PC, codeBase)
		}
	}
}

// isStore decides the WnR bit of a data abort's syndrome.
func TestIsStore(t *testing.T) {
	for _, c := range []struct {
		w     uint32
		store bool
	}{
		{0xf9400020, false}, // ldr x0, [x1]
		{0xf9000020, true},  // str x0, [x1]
		{0xc85f7c20, false}, // ldxr x0, [x1]
		{0xc8027c20, true},  // stxr w2, x0, [x1]
		{0xc87f0440, false}, // ldxp x0, x1, [x2]
		{0x08207c82, true},  // casp w0, w1, w2, w3, [x4]
		{0x08607c82, true},  // caspa w0, w1, w2, w3, [x4]
		{0xc8a07c41, true},  // cas x0, x1, [x2]
		{0xf8200020, true},  // ldadd x0, x0, [x1]
		{0xf8bfc020, false}, // ldapr x0, [x1]
		{0xa9400420, false}, // ldp x0, x1, [x1]
		{0xa9000420, true},  // stp x0, x1, [x1]
		{0x3d800020, true},  // str q0, [x1]
		{0x3dc00020, false}, // ldr q0, [x1]
		{0x4c007020, true},  // st1 {v0.16b}, [x1]
		{0xd50b7420, true},  // dc zva, x0
	} {
		if got := isStore(c.w); got != c.store {
			t.Errorf("%#08x: isStore = %v, want %v", c.w, got, c.store)
		}
	}
}
