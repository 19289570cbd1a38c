package risu

import (
	"fmt"
	"strings"
	"testing"
)

// TestAsm checks the encoders against aarch64-linux-gnu-as.
func TestAsm(t *testing.T) {
	type tc struct {
		got uint32
		src string
	}
	var cases []tc
	add := func(w uint32, format string, args ...any) {
		cases = append(cases, tc{w, fmt.Sprintf(format, args...)})
	}
	for _, r := range []int{0, 1, 17, 30, 31} {
		xr := fmt.Sprintf("x%d", r)
		if r == 31 {
			xr = "xzr"
		}
		xn := fmt.Sprintf("x%d", r)
		if r == 31 {
			xn = "sp"
		}
		for hw := 0; hw < 4; hw++ {
			add(movz(r, 0xbeef, hw), "movz %s, #0xbeef, lsl #%d", xr, 16*hw)
			add(movk(r, 0x1234, hw), "movk %s, #0x1234, lsl #%d", xr, 16*hw)
		}
		for _, off := range []int{0, 8, 504, 32760} {
			add(ldrX(r, 3, off), "ldr %s, [x3, #%d]", xr, off)
			add(strX(r, 3, off), "str %s, [x3, #%d]", xr, off)
			add(ldrX(2, r, off), "ldr x2, [%s, #%d]", xn, off)
		}
		for _, off := range []int{-512, -8, 0, 248, 504} {
			add(ldpX(r, 5, 4, off), "ldp %s, x5, [x4, #%d]", xr, off)
			add(stpX(6, r, 4, off), "stp x6, %s, [x4, #%d]", xr, off)
			add(stpX(6, 7, r, off), "stp x6, x7, [%s, #%d]", xn, off)
		}
		for _, off := range []int{0, 16, 992, 65520} {
			add(ldrQ(r, 3, off), "ldr q%d, [x3, #%d]", r, off)
			add(strQ(r, 3, off), "str q%d, [x3, #%d]", r, off)
		}
		for _, off := range []int{-1024, 0, 512, 1008} {
			add(ldpQ(r, 9, 4, off), "ldp q%d, q9, [x4, #%d]", r, off)
			add(stpQ(9, r, 4, off), "stp q9, q%d, [x4, #%d]", r, off)
			add(stpQ(9, 10, r, off), "stp q9, q10, [%s, #%d]", xn, off)
		}
		for sys, name := range map[uint32]string{SysNZCV: "nzcv", SysFPCR: "fpcr", SysFPSR: "fpsr", SysTPIDR: "tpidr_el0"} {
			add(msr(sys, r), "msr %s, %s", name, xr)
			add(mrs(r, sys), "mrs %s, %s", xr, name)
		}
		if r != 31 {
			add(br(r), "br x%d", r)
			add(blr(r), "blr x%d", r)
			add(ret(r), "ret x%d", r)
			add(movToSP(r), "mov sp, x%d", r)
			add(movFromSP(r), "mov x%d, sp", r)
			for _, off := range []int{-1 << 20, -4, 0, 1, 3, 4, 1<<20 - 1} {
				add(adr(r, off), "adr x%d, .%+d", r, off)
			}
		}
	}
	for _, r := range []int{0, 9, 30} {
		add(addImm(r, 31, 4095), "add x%d, sp, #4095", r)
		add(addImm(r, 3, 1), "add x%d, x3, #1", r)
		add(subImm(31, r, 16), "sub sp, x%d, #16", r)
		add(subsImm(r, 4, 1), "subs x%d, x4, #1", r)
		add(lsrImm(r, 5, 1), "lsr x%d, x5, #1", r)
		add(lsrImm(6, r, 63), "lsr x6, x%d, #63", r)
		add(csetEQ(r), "cset x%d, eq", r)
	}
	for _, off := range []int{-1 << 27, -4, 0, 4, 12, 1<<27 - 4} {
		add(b(off), "b .%+d", off)
	}
	for _, imm := range []int{0, 1, 5, 34, 127} {
		add(hint(imm), "hint #%d", imm)
	}
	add(nop(), "nop")

	var src strings.Builder
	for _, c := range cases {
		src.WriteString(c.src + "\n")
	}
	want := gnuAs(t, src.String())
	if len(want) != len(cases) {
		t.Fatalf("assembler produced %d words for %d lines", len(want), len(cases))
	}
	for i, c := range cases {
		if c.got != want[i] {
			t.Errorf("%-32s: encoder %08x, as %08x", c.src, c.got, want[i])
		}
	}

	// movImm: check by value with the assembler's mov alias expansion.
	for _, v := range []uint64{0, 1, 0x30000000, 0x123456789abcdef0, 0xffff000000000000, 0x10002000} {
		got := movImm(7, v)
		var s strings.Builder
		fmt.Fprintf(&s, "movz x7, #%#x\n", uint16(v))
		for hw := 1; hw < 4; hw++ {
			if h := uint16(v >> (16 * hw)); h != 0 {
				fmt.Fprintf(&s, "movk x7, #%#x, lsl #%d\n", h, 16*hw)
			}
		}
		want := gnuAs(t, s.String())
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("movImm(%#x) = %08x, want %08x", v, got, want)
		}
	}
}
