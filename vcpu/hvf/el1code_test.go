package hvf

import (
	"encoding/binary"
	"strings"
	"testing"

	"golang.org/x/arch/arm64/arm64asm"
)

func disasm(t *testing.T, w uint32) string {
	t.Helper()
	// arm64asm does not know HVC (ARM ARM C6.2: 11010100 000 imm16 000 10).
	if w&0xffe0001f == 0xd4000002 {
		return "hvc #" + hexs(int(w>>5&0xffff))
	}
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], w)
	// Nor some SYS aliases (TLBI, IC): print their fields.
	if w&0xfff8001f == 0xd508001f {
		return "sys #" + itoa(int(w>>16&7)) + ", c" + itoa(int(w>>12&15)) + ", c" + itoa(int(w>>8&15)) + ", #" + itoa(int(w>>5&7))
	}
	in, err := arm64asm.Decode(b[:])
	if err != nil {
		t.Fatalf("%#08x does not decode: %v", w, err)
	}
	s := strings.TrimSpace(strings.ToLower(in.String()))
	// arm64asm names system registers by their encoding; the ARM ARM's
	// names for the ones the EL1 code uses:
	for _, n := range [][2]string{
		{"s3_0_c4_c1_0", "sp_el0"}, {"s3_0_c4_c0_0", "spsr_el1"}, {"s3_0_c4_c0_1", "elr_el1"},
		{"s3_0_c5_c2_0", "esr_el1"}, {"s3_0_c6_c0_0", "far_el1"}, {"s3_3_c13_c0_2", "tpidr_el0"},
		{"s3_3_c4_c4_0", "fpcr"}, {"s3_3_c4_c4_1", "fpsr"},
	} {
		s = strings.ReplaceAll(s, n[0], n[1])
	}
	return s
}

// TestEncoders checks each encoder against the disassembler.
func TestEncoders(t *testing.T) {
	for _, c := range []struct {
		w    uint32
		want string
	}{
		{hvc(2), "hvc #0x2"},
		{hvc(0x1f), "hvc #0x1f"},
		{stpX(0, 1, regSP, 0), "stp x0, x1, [sp]"},
		{stpX(28, 29, regSP, 0xe0), "stp x28, x29, [sp,#224]"},
		{ldpX(30, 0, regSP, saveX30), "ldp x30, x0, [sp,#240]"},
		{ldpQ(30, 31, regSP, saveQ+16*30), "ldp q30, q31, [sp,#800]"},
		{strX(31, regSP, saveFlags), "str xzr, [sp,#296]"},
		{ldrX(0, regSP, saveTPIDR), "ldr x0, [sp,#288]"},
		{mrs(0, SysRegSP_EL0), "mrs x0, sp_el0"},
		{mrs(1, SysRegSPSR_EL1), "mrs x1, spsr_el1"},
		{mrs(0, SysRegESR_EL1), "mrs x0, esr_el1"},
		{mrs(1, SysRegFAR_EL1), "mrs x1, far_el1"},
		{mrs(0, SysRegTPIDR_EL0), "mrs x0, tpidr_el0"},
		{msr(SysRegELR_EL1, 0), "msr elr_el1, x0"},
		{msr(SysRegFPCR, 1), "msr fpcr, x1"},
		{msr(SysRegFPSR, 2), "msr fpsr, x2"},
		{tbz(0, 1, 20), "tbz w0, #1, .+0x14"},
		{b(0x800 - 0x400), "b .+0x400"},
		{insnERET, "eret"},
		{insnISB, "isb sy"},
		{insnDSBISH, "dsb ish"},
		{insnDSBISHST, "dsb ishst"},
		{insnNOP, "nop"},
	} {
		if got := disasm(t, c.w); got != c.want {
			t.Errorf("%#08x decodes as %q, want %q", c.w, got, c.want)
		}
	}
	// arm64asm prints TLBI and IC as SYS; check the fields instead.
	for _, c := range []struct {
		w                  uint32
		op1, crn, crm, op2 uint32
	}{
		{insnTLBIVMALLE, 0, 8, 3, 0}, // TLBI VMALLE1IS
		{insnICIALLUIS, 0, 7, 1, 0},  // IC IALLUIS
	} {
		if c.w&0xfff8001f != 0xd508001f || c.w>>16&7 != c.op1 || c.w>>12&15 != c.crn || c.w>>8&15 != c.crm || c.w>>5&7 != c.op2 {
			t.Errorf("%#08x is not SYS #%d, C%d, C%d, #%d", c.w, c.op1, c.crn, c.crm, c.op2)
		}
	}
}

// TestEL1Page checks the generated vector page as the hardware will read
// it: every slot, the save path, the trap, the return path and where each
// branch lands.
func TestEL1Page(t *testing.T) {
	c := GenerateEL1()
	if len(c.Bytes()) != 4096 || c.End > 4096 {
		t.Fatalf("page %d bytes, code ends at %#x", len(c.Bytes()), c.End)
	}
	at := func(off int) string { return disasm(t, c.Words[off/4]) }
	for slot := 0; slot < 16; slot++ {
		off := slot * 0x80
		got := at(off)
		if off == vecLowerSync {
			if got != "b .+0x400" {
				t.Errorf("lower-EL sync slot: %q, want a branch to the save code at 0x800", got)
			}
			continue
		}
		want := "hvc #0x" + strings.TrimPrefix(strings.ToLower(hexs(hvcVector+slot)), "0x")
		if got != want {
			t.Errorf("slot %#x: %q, want %q", off, got, want)
		}
	}
	if at(c.Save) != "stp x0, x1, [sp]" {
		t.Errorf("save starts with %q", at(c.Save))
	}
	if at(c.Trap) != "hvc #0x2" || c.Restore != c.Trap+4 {
		t.Errorf("trap %q at %#x, restore at %#x", at(c.Trap), c.Trap, c.Restore)
	}
	if at(c.End-4) != "eret" {
		t.Errorf("the return path ends with %q", at(c.End-4))
	}
	// Every register is saved and restored at its save-area offset.
	text := map[string]bool{}
	for off := c.Save; off < c.End; off += 4 {
		text[at(off)] = true
	}
	for i := 0; i < 30; i += 2 {
		for _, op := range []string{"stp", "ldp"} {
			s := op + " x" + itoa(i) + ", x" + itoa(i+1) + ", [sp"
			if i > 0 {
				s += ",#" + itoa(8*i) + "]"
			} else {
				s += "]"
			}
			if !text[s] {
				t.Errorf("missing %q", s)
			}
		}
	}
	for _, s := range []string{"stp x30, x0, [sp,#240]", "ldp x30, x0, [sp,#240]", "msr sp_el0, x0",
		"msr elr_el1, x0", "msr spsr_el1, x1", "msr tpidr_el0, x0", "ldp q0, q1, [sp,#320]", "dsb ishst", "eret"} {
		if !text[s] {
			t.Errorf("missing %q", s)
		}
	}
	// The three flag tests skip exactly their block.
	for off := c.Restore; off < c.End; off += 4 {
		w := c.Words[off/4]
		if w&0x7f000000 != 0x36000000 {
			continue
		}
		bit := int(w >> 19 & 31)
		target := off + int(w>>5&0x3fff)*4
		next := at(target)
		switch bit {
		case 0: // after the Q reload: the TLBI test
			if c.Words[target/4]&0x7f000000 != 0x36000000 || c.Words[target/4]>>19&31 != 1 {
				t.Errorf("tbz #0 lands on %q", next)
			}
		case 1:
			if c.Words[target/4]>>19&31 != 2 {
				t.Errorf("tbz #1 lands on %q", next)
			}
		case 2:
			if next != "str xzr, [sp,#296]" {
				t.Errorf("tbz #2 lands on %q", next)
			}
		}
	}
}

func hexs(v int) string {
	const digits = "0123456789abcdef"
	if v == 0 {
		return "0x0"
	}
	s := ""
	for ; v > 0; v >>= 4 {
		s = string(digits[v&15]) + s
	}
	return "0x" + s
}

func itoa(v int) string {
	if v == 0 {
		return "0"
	}
	s := ""
	for ; v > 0; v /= 10 {
		s = string(rune('0'+v%10)) + s
	}
	return s
}
