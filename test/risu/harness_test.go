package risu

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestRunnerLayout checks that runner.S and layout.go agree.
func TestRunnerLayout(t *testing.T) {
	src, err := os.ReadFile("runner.S")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]uint64{
		"IO_BASE": IOBase, "HEADER": HeaderAddr, "STATE_IN": StateInAddr, "STATE_OUT": StateOut,
		"CODE": CodeBase, "CODE_MAX": CodeMax, "SCRATCH": ScratchBase, "SCRATCH_SIZE": ScratchSize,
		"RECORD_SIZE": RecordSize, "MAGIC": HeaderMagic, "OFF_MAGIC": offMagic, "OFF_INDEX": offIndex,
	}
	re := regexp.MustCompile(`(?m)^\s*\.equ\s+(\w+),\s*(\w+)`)
	got := map[string]uint64{}
	for _, m := range re.FindAllStringSubmatch(string(src), -1) {
		v, err := strconv.ParseUint(m[2], 0, 64)
		if err != nil {
			t.Fatalf(".equ %s: %v", m[1], err)
		}
		got[m[1]] = v
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("runner.S .equ %s = %#x, layout.go has %#x", k, got[k], v)
		}
	}
	if n := len(prologue()) + 64 + len(epilogue(0xffffffffffff)); 4*n > CodeMax {
		t.Errorf("prologue+epilogue too large for CodeMax")
	}
}

// TestPatterns checks every registered pattern: Enc, Check and Gen produce
// words that have the fixed bits and that objdump decodes as a real
// instruction (not "undefined", UDF, BRK, SVC, HVC).
func TestPatterns(t *testing.T) {
	needTool(t, "aarch64-linux-gnu-objdump", "binutils-aarch64-linux-gnu")
	g := NewGenerator(1)
	type item struct {
		p *Pattern
		w uint32
	}
	var items []item
	for _, p := range Patterns("") {
		for range 64 {
			w, ok := p.random(g.r)
			if !ok {
				t.Errorf("%s: Enc/Check accept no word", p.Name)
				break
			}
			if !p.Matches(w) {
				t.Fatalf("%s: random word %08x does not match", p.Name, w)
			}
			items = append(items, item{p, w})
		}
	}
	words := make([]uint32, len(items))
	for i, it := range items {
		words[i] = it.w
	}
	lines := objdumpWords(words, 0)
	if lines == nil {
		t.Fatal("objdump failed")
	}
	bad := regexp.MustCompile(`undefined|^udf|^brk|^svc|^hvc|^smc|^\.inst`)
	reported := map[*Pattern]int{}
	for i, it := range items {
		if l := lines[i]; bad.MatchString(l) && reported[it.p] < 3 {
			reported[it.p]++
			t.Errorf("%s: %08x disassembles as %q", it.p.Name, it.w, l)
		}
	}
	// Cases build for every class.
	for _, class := range Classes() {
		for i := range 200 {
			if _, err := g.Case(uint64(i), Patterns(class)); err != nil {
				t.Errorf("class %s: %v", class, err)
				break
			}
		}
	}
}

// runQemu runs cases under qemu and returns their outputs.
func runQemu(t *testing.T, cases []*Case) [][]byte {
	h := setup(t)
	res, notes := RunAll(QemuTarget(h.qemu, h.qemuCPU, h.runner), cases, h.retAddr)
	for _, n := range notes {
		t.Error(n)
	}
	out := make([][]byte, len(res))
	for i, r := range res {
		if r.Out == nil {
			t.Fatalf("case %d: %s", i, r.Fail)
		}
		out[i] = r.Out
	}
	return out
}

// TestHarnessIdentity: with only a NOP between prologue and epilogue, the
// output state and scratch block equal the input (under qemu).
func TestHarnessIdentity(t *testing.T) {
	g := NewGenerator(2)
	nopPat := &Pattern{Name: "nop", Class: "x", Enc: "11010101000000110010000000011111", FPCR: true}
	if err := nopPat.compile(); err != nil {
		t.Fatal(err)
	}
	var cases []*Case
	for i := range 50 {
		c, err := g.Case(uint64(i), []*Pattern{nopPat})
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	for i, out := range runQemu(t, cases) {
		c := cases[i]
		var rec [RecordSize]byte
		c.In.encode(rec[:])
		want := append(rec[:], c.Scratch...)
		binary.LittleEndian.PutUint64(want[offMagic:], HeaderMagic)
		binary.LittleEndian.PutUint64(want[offIndex:], c.Index)
		if d := Compare(want, out); len(d) > 0 {
			t.Errorf("case %d: output differs from input:\n%s", i, FormatDiffs(d, "input", "output"))
		}
	}
}

// TestHarnessSemantics runs hand-written sequences under qemu and checks
// their effect, so a harness that silently ran nothing would fail.
func TestHarnessSemantics(t *testing.T) {
	g := NewGenerator(3)
	base := func() *Case {
		c, err := g.Case(0, Patterns("int")[:1])
		if err != nil {
			t.Fatal(err)
		}
		c.In.FPCR = 0
		return c
	}
	type check func(in, out State, mem []byte) error
	var cases []*Case
	var checks []check
	add := func(asm string, setup func(c *Case), chk check) {
		c := base()
		c.Index = uint64(len(cases))
		if setup != nil {
			setup(c)
		}
		c.Seq = nil
		for _, w := range gnuAs(t, asm) {
			c.Seq = append(c.Seq, Insn{Word: w})
		}
		cases = append(cases, c)
		checks = append(checks, chk)
	}
	add("add x0, x1, x2", nil, func(in, out State, _ []byte) error {
		if out.X[0] != in.X[1]+in.X[2] {
			return fmt.Errorf("x0 = %#x, want %#x", out.X[0], in.X[1]+in.X[2])
		}
		return nil
	})
	add("subs x3, x4, x5", func(c *Case) { c.In.X[4], c.In.X[5] = 5, 7 }, func(in, out State, _ []byte) error {
		if out.X[3] != ^uint64(1) || out.NZCV != 0x80000000 {
			return fmt.Errorf("x3 = %#x nzcv = %#x, want -2, N", out.X[3], out.NZCV)
		}
		return nil
	})
	add("b .+8\nmovz x8, #1\nmovz x9, #2", nil, func(in, out State, _ []byte) error {
		if out.X[8] != in.X[8] || out.X[9] != 2 {
			return fmt.Errorf("x8 = %#x (was %#x), x9 = %#x: branch not taken", out.X[8], in.X[8], out.X[9])
		}
		return nil
	})
	add("movz x7, #0x1000\nmovk x7, #0x3000, lsl #16\nstr x6, [x7, #8]\nrbit x10, x6", nil,
		func(in, out State, mem []byte) error {
			if v := binary.LittleEndian.Uint64(mem[0x1008:]); v != in.X[6] {
				return fmt.Errorf("mem[0x1008] = %#x, want x6 = %#x", v, in.X[6])
			}
			if out.X[10] != bits.Reverse64(in.X[6]) {
				return fmt.Errorf("rbit wrong")
			}
			return nil
		})
	add("mov x11, sp\nadd sp, sp, #16", nil, func(in, out State, _ []byte) error {
		if out.X[11] != in.SP || out.SP != in.SP+16 {
			return fmt.Errorf("x11 = %#x sp = %#x, in sp = %#x", out.X[11], out.SP, in.SP)
		}
		return nil
	})
	add("mov v0.16b, v31.16b\nmsr fpcr, x12\nmrs x13, fpcr", func(c *Case) { c.In.X[12] = 3 << 22 }, func(in, out State, _ []byte) error {
		if out.V[0] != in.V[31] || out.FPCR != 3<<22 || out.X[13] != 3<<22 {
			return fmt.Errorf("v0 = %v fpcr = %#x x13 = %#x", out.V[0], out.FPCR, out.X[13])
		}
		return nil
	})
	add("adr x14, .\nmov x0, #1", nil, func(in, out State, _ []byte) error {
		if want := uint64(CodeBase + 4*SeqStart()); out.X[14] != want || out.X[0] != 1 {
			return fmt.Errorf("x14 = %#x, want %#x; x0 = %#x", out.X[14], want, out.X[0])
		}
		return nil
	})
	outs := runQemu(t, cases)
	for i, out := range outs {
		in, st := cases[i].In, decodeState(out)
		if err := checks[i](in, st, out[RecordSize:]); err != nil {
			t.Errorf("case %d:\n%s    %v", i, FormatCase(cases[i]), err)
		}
	}
}

// TestCompareReport checks Compare's and FormatCase's output on doctored
// records.
func TestCompareReport(t *testing.T) {
	g := NewGenerator(4)
	c, err := g.Case(7, Patterns("int"))
	if err != nil {
		t.Fatal(err)
	}
	var rec [RecordSize]byte
	c.In.encode(rec[:])
	a := append(rec[:], c.Scratch...)
	b := bytes.Clone(a)
	binary.LittleEndian.PutUint64(b[offX+8*5:], c.In.X[5]^1)
	binary.LittleEndian.PutUint64(b[offNZCV:], c.In.NZCV^0x20000000)
	binary.LittleEndian.PutUint64(b[offFPSR:], 0x10)
	b[offV+16*3+15] ^= 0x80
	b[RecordSize+100] ^= 1
	b[RecordSize+101] ^= 1
	b[RecordSize+4000] ^= 1
	d := Compare(a, b)
	var whats []string
	for _, x := range d {
		whats = append(whats, x.What)
	}
	want := "x5 nzcv fpsr v3 mem[0x30000064..0x30000065] mem[0x30000fa0..0x30000fa0]"
	if got := strings.Join(whats, " "); got != want {
		t.Errorf("Compare found %q, want %q\n%s", got, want, FormatDiffs(d, "a", "b"))
	}
	if s := FormatCase(c); !strings.Contains(s, "initial:") || strings.Contains(s, " ? ") {
		t.Errorf("FormatCase:\n%s", s)
	}
	t.Logf("sample report:\n%s%s", FormatCase(c), FormatDiffs(d, "qemu", "interp"))
}

// fakeTarget stands in for a runner: it echoes each case's input state and
// scratch as its output, and misbehaves at the case indexes named in mode
// ("crash=3,garbage=5,hang=7,extra").
func fakeTarget(mode string) {
	at := map[string]uint64{}
	extra := false
	for _, f := range strings.Split(mode, ",") {
		if k, v, ok := strings.Cut(f, "="); ok {
			n, _ := strconv.ParseUint(v, 10, 64)
			at[k] = n
		} else if f == "extra" {
			extra = true
		}
	}
	in, out := os.Stdin, os.Stdout
	read := func(n int) []byte {
		b := make([]byte, n)
		if _, err := io.ReadFull(in, b); err != nil {
			if err == io.EOF {
				if extra {
					out.Write([]byte("extra"))
				}
				os.Exit(0)
			}
			os.Exit(2)
		}
		return b
	}
	for {
		h := read(HeaderSize)
		le := binary.LittleEndian
		idx := le.Uint64(h[8:])
		rec := read(RecordSize)
		scratch := read(ScratchSize)
		read(int(le.Uint32(h[4:])))
		if v, ok := at["crash"]; ok && idx == v {
			os.Exit(3)
		}
		if v, ok := at["hang"]; ok && idx == v {
			time.Sleep(time.Hour)
		}
		le.PutUint64(rec[offMagic:], HeaderMagic)
		le.PutUint64(rec[offIndex:], idx)
		if v, ok := at["garbage"]; ok && idx == v {
			rec = bytes.Repeat([]byte{0xaa}, RecordSize)
		}
		out.Write(rec)
		out.Write(scratch)
	}
}

// TestRunAllFaults checks that RunAll blames the right cases for crashes,
// garbage output and hangs, and resumes after them.
func TestRunAllFaults(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	old := timeoutBase
	timeoutBase = 2 * time.Second
	defer func() { timeoutBase = old }()
	g := NewGenerator(5)
	var cases []*Case
	for i := range 12 {
		c, err := g.Case(uint64(i), Patterns("int"))
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	fake := Target{Name: "fake", Command: func(ctx context.Context) *exec.Cmd {
		cmd := exec.CommandContext(ctx, exe)
		cmd.Env = append(os.Environ(), "RISU_FAKE_TARGET=crash=3,garbage=5,hang=7,extra")
		return cmd
	}}
	res, notes := RunAll(fake, cases, 0)
	for i, r := range res {
		bad := i == 3 || i == 5 || i == 7
		if bad != (r.Out == nil) {
			t.Errorf("case %d: out=%v fail=%q", i, r.Out != nil, r.Fail)
		}
		if r.Out != nil && !bytes.Equal(r.Out[RecordSize:], cases[i].Scratch) {
			t.Errorf("case %d: wrong output", i)
		}
	}
	for _, want := range []struct {
		i    int
		frag string
	}{{3, "exit status 3"}, {5, "out of sync"}, {7, "timed out"}} {
		if !strings.Contains(res[want.i].Fail, want.frag) {
			t.Errorf("case %d: Fail = %q, want %q", want.i, res[want.i].Fail, want.frag)
		}
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "extra output") {
		t.Errorf("notes = %q, want one about extra output", notes)
	}
}
