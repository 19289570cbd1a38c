package interp

import (
	"testing"

	"github.com/carrick-go/carrick/vcpu"
)

// Test layout: code at codeBase, scratch data at dataBase.
const (
	codeBase = 0x10000
	dataBase = 0x100000
	dataSize = 0x10000
)

// testCPU returns a CPU with code pages at codeBase (rx) and data pages at
// dataBase (rw), on a small private address space.
func testCPU(t testing.TB) *CPU {
	t.Helper()
	mem, err := newTestMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mem.Close() })
	if err := mem.Map(codeBase, 0x10000, vcpu.ProtRead|vcpu.ProtExec); err != nil {
		t.Fatal(err)
	}
	if err := mem.Map(dataBase, dataSize, vcpu.ProtRead|vcpu.ProtWrite); err != nil {
		t.Fatal(err)
	}
	c := NewMachine(mem).newCPU()
	t.Cleanup(func() { c.Close() })
	return c
}

func newTestMemory() (*vcpu.Memory, error) { return vcpu.NewMemory() }

// runCode writes insns at codeBase followed by `brk #0`, runs from codeBase,
// and fails the test unless the run ends at that brk.
func runCode(t testing.TB, c *CPU, insns ...uint32) {
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
	ex := c.Run()
	want := uint64(codeBase + 4*len(insns))
	if ex.Kind != vcpu.ExitBreakpoint || c.PC != want {
		t.Fatalf("run ended with %v at pc %#x, want brk at %#x", ex, c.PC, want)
	}
}
