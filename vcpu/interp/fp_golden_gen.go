//go:build ignore

// fp_golden_gen.go generates fp_golden_test.go: scalar FP instructions run
// on qemu-aarch64 from a fixed register state, and the state after each.
// It needs aarch64-linux-gnu-{as,objdump,gcc} and qemu-aarch64-static:
//
//	go run fp_golden_gen.go
//
// Every case runs one instruction with V0 = garbage, V1–V3 = inputs (upper
// halves garbage), X0 = garbage, X1 = input, and the given NZCV, FPCR and
// FPSR; the table records V0, X0, NZCV and FPSR afterwards.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"go/format"
	"log"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

type gcase struct {
	asm                string
	fpcr, fpsr         uint32
	nzcv               uint64
	v1, v2, v3, x1     uint64
	insn               uint32
	v0lo, v0hi, x0, nz uint64
	fpsrOut            uint32
}

var (
	d64 = []uint64{
		0x3ff8000000000000, // 1.5
		0xc002000000000000, // -2.25
		0x3fb999999999999a, // 0.1
		0x3fd5555555555555, // 1/3
		0x4008000000000000, // 3
		0x4004000000000000, // 2.5
		0xbfe0000000000000, // -0.5
		0x7fefffffffffffff, // max
		0xffefffffffffffff, // -max
		0x0010000000000000, // min normal
		0x0000000000000001, // min denormal
		0x800fffffffffffff, // -max denormal
		0x0000000000000000, 0x8000000000000000,
		0x7ff0000000000000, 0xfff0000000000000,
		0x7ff8000000000001, // qNaN with payload
		0xfff8000000000007, // negative qNaN
		0x7ff0000000000005, // sNaN
		0xfff4000000000003, // negative sNaN
		0x43e0000000000000, // 2^63
		0xc3e0000000000000, // -2^63
		0x41f0000000000000, // 2^32
		0x41dfffffffc00000, // 2^31-1
		0xc1e0000000200000, // -2^31-1
		0x4341000000000000, // 2^53+2^52
		0x41efffffffe00000, // 2^32-1
		0x3cb0000000000000, // 2^-52
		0xc0590ccccccccccd, // -100.2
	}
	s32 = []uint64{
		0x3fc00000, 0xc0100000, 0x3dcccccd, 0x3eaaaaab, 0x40400000, 0x40200000,
		0xbf000000, 0x7f7fffff, 0xff7fffff, 0x00800000, 0x00000001, 0x807fffff,
		0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00001, 0xffc00007,
		0x7f800005, 0xffa00003, 0x5f000000, 0xdf000000, 0x4f800000, 0x4effffff,
		0xcf000000, 0x4b800001, 0x34000000, 0xc2c86666,
	}
	h16 = []uint64{
		0x3c00, 0xbc00, 0x7bff, 0xfbff, 0x0001, 0x83ff, 0x0400, 0x0000, 0x8000,
		0x7c00, 0xfc00, 0x7e01, 0xfe07, 0x7d00, 0xfd03, 0x3555, 0x5bff,
	}
	ints = []uint64{
		0, 1, ^uint64(0), 0x7fffffffffffffff, 0x8000000000000000, 0x80000000,
		0x7fffffff, 0xffffffff, 12345678901234567, 0x1fffffffffffff, 0x20000000000001,
		0x1000001, 0xfffffffffffffffd, 0xffffffff80000001, 0x123456789abcdef0,
	}
	fpcrs     = []uint32{0, 0, 0, 1 << 22, 2 << 22, 3 << 22, 1 << 24, 1 << 25, 1<<24 | 1<<25 | 1<<22, 3<<24 | 2<<22}
	halfFPCRs = []uint32{0, 1 << 26, 1<<26 | 1<<25, 1<<26 | 3<<22, 1<<26 | 1<<24 | 2<<22, 1 << 19, 1<<19 | 1<<24 | 1<<22, 1 << 25}
	conds     = []string{"eq", "ne", "cs", "cc", "mi", "pl", "vs", "vc", "hi", "ls", "ge", "lt", "gt", "le", "al", "nv"}
)

var rng = rand.New(rand.NewPCG(1, 2))

func pickv(p []uint64) uint64 { return p[rng.IntN(len(p))] }

// add appends n cases of asm, with inputs drawn from the pools.
func add(cs *[]gcase, n int, asm func() string, p1, p2, p3, px []uint64) {
	for i := 0; i < n; i++ {
		c := gcase{asm: asm(), fpcr: fpcrs[rng.IntN(len(fpcrs))], nzcv: uint64(rng.IntN(16)) << 28}
		if rng.IntN(4) == 0 {
			c.fpsr = 0x08000010 // QC and IXC already set: flags accumulate
		}
		if p1 != nil {
			c.v1 = pickv(p1)
		}
		if p2 != nil {
			c.v2 = pickv(p2)
		}
		if p3 != nil {
			c.v3 = pickv(p3)
		}
		if px != nil {
			c.x1 = pickv(px)
		} else {
			c.x1 = 0x5555aaaa5555aaaa
		}
		*cs = append(*cs, c)
	}
}

func fixed(s string) func() string { return func() string { return s } }

func cases() []gcase {
	var cs []gcase
	pool := map[string][]uint64{"d": d64, "s": s32, "h": h16}
	for _, r := range []string{"d", "s"} {
		p := pool[r]
		for _, op := range []string{"fmul", "fdiv", "fadd", "fsub", "fmax", "fmin", "fmaxnm", "fminnm", "fnmul"} {
			add(&cs, 12, fixed(fmt.Sprintf("%s %s0, %s1, %s2", op, r, r, r)), p, p, nil, nil)
		}
		for _, op := range []string{"fmadd", "fmsub", "fnmadd", "fnmsub"} {
			add(&cs, 14, fixed(fmt.Sprintf("%s %s0, %s1, %s2, %s3", op, r, r, r, r)), p, p, p, nil)
		}
		for _, op := range []string{"fcmp", "fcmpe"} {
			add(&cs, 12, fixed(fmt.Sprintf("%s %s1, %s2", op, r, r)), p, p, nil, nil)
			add(&cs, 8, fixed(fmt.Sprintf("%s %s1, #0.0", op, r)), p, nil, nil, nil)
		}
		for _, op := range []string{"fccmp", "fccmpe"} {
			add(&cs, 12, func() string {
				return fmt.Sprintf("%s %s1, %s2, #%d, %s", op, r, r, rng.IntN(16), conds[rng.IntN(16)])
			}, p, p, nil, nil)
		}
		add(&cs, 10, func() string { return fmt.Sprintf("fcsel %s0, %s1, %s2, %s", r, r, r, conds[rng.IntN(16)]) }, p, p, nil, nil)
		for _, op := range []string{"fmov", "fabs", "fneg", "fsqrt", "frintn", "frintp", "frintm", "frintz", "frinta", "frintx", "frinti"} {
			add(&cs, 8, fixed(fmt.Sprintf("%s %s0, %s1", op, r, r)), p, nil, nil, nil)
		}
		for _, imm := range []string{"1.0", "-0.125", "31.0", "0.5", "-1.9375"} {
			add(&cs, 1, fixed(fmt.Sprintf("fmov %s0, #%s", r, imm)), nil, nil, nil, nil)
		}
		for _, rnd := range []string{"n", "p", "m", "z", "a"} {
			for _, sign := range []string{"s", "u"} {
				for _, g := range []string{"w", "x"} {
					add(&cs, 5, fixed(fmt.Sprintf("fcvt%s%s %s0, %s1", rnd, sign, g, r)), p, nil, nil, nil)
				}
			}
		}
		for _, op := range []string{"scvtf", "ucvtf"} {
			for _, g := range []string{"w", "x"} {
				add(&cs, 8, fixed(fmt.Sprintf("%s %s0, %s1", op, r, g)), nil, nil, nil, ints)
				max := 32
				if g == "x" {
					max = 64
				}
				add(&cs, 4, func() string { return fmt.Sprintf("%s %s0, %s1, #%d", op, r, g, 1+rng.IntN(max)) }, nil, nil, nil, ints)
			}
		}
		for _, op := range []string{"fcvtzs", "fcvtzu"} {
			for _, g := range []string{"w", "x"} {
				max := 32
				if g == "x" {
					max = 64
				}
				add(&cs, 5, func() string { return fmt.Sprintf("%s %s0, %s1, #%d", op, g, r, 1+rng.IntN(max)) }, p, nil, nil, nil)
			}
		}
	}
	for _, ft := range [][2]string{{"s", "d"}, {"d", "s"}, {"h", "s"}, {"h", "d"}, {"s", "h"}, {"d", "h"}} {
		n := len(cs)
		add(&cs, 16, fixed(fmt.Sprintf("fcvt %s0, %s1", ft[0], ft[1])), pool[ft[1]], nil, nil, nil)
		for i := n; i < len(cs); i++ { // half precision: AHP and FZ16 too
			cs[i].fpcr = halfFPCRs[rng.IntN(len(halfFPCRs))]
		}
	}
	for _, s := range []string{"fmov x0, d1", "fmov w0, s1", "fmov x0, v1.d[1]"} {
		add(&cs, 2, fixed(s), d64, nil, nil, nil)
	}
	for _, s := range []string{"fmov d0, x1", "fmov s0, w1", "fmov v0.d[1], x1"} {
		add(&cs, 2, fixed(s), nil, nil, nil, ints)
	}
	return cs
}

func run(name string, args ...string) []byte {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		log.Fatalf("%s: %v", name, err)
	}
	return out
}

const probeS = `
	.text
	.globl probe, slot
	.p2align 12
probe:
	mov x9, x0
	ldp q0, q1, [x9, #0]
	ldp q2, q3, [x9, #32]
	ldp x0, x1, [x9, #64]
	ldr x10, [x9, #80]
	msr nzcv, x10
	ldr x10, [x9, #88]
	msr fpcr, x10
	ldr x10, [x9, #96]
	msr fpsr, x10
slot:
	nop
	mrs x10, fpsr
	str x10, [x9, #96]
	mrs x10, nzcv
	str x10, [x9, #80]
	stp q0, q1, [x9, #0]
	stp x0, x1, [x9, #64]
	msr fpcr, xzr
	ret
	.p2align 12
`

const probeC = `
#include <stdio.h>
#include <stdint.h>
#include <sys/mman.h>
struct st { uint64_t v[4][2]; uint64_t x0, x1, nzcv, fpcr, fpsr; };
extern void probe(struct st *);
extern uint32_t slot[];
int main(void) {
	uintptr_t page = (uintptr_t)slot & ~(uintptr_t)4095;
	if (mprotect((void *)page, 8192, PROT_READ|PROT_WRITE|PROT_EXEC)) { perror("mprotect"); return 1; }
	unsigned insn, fpcr, fpsr; unsigned long long nzcv, v1, v2, v3, x1;
	while (scanf("%x %x %x %llx %llx %llx %llx %llx", &insn, &fpcr, &fpsr, &nzcv, &v1, &v2, &v3, &x1) == 8) {
		struct st s = {{{0x0123456789abcdefULL, 0xfedcba9876543210ULL}, {v1, 0x1111111111111111ULL},
			{v2, 0x2222222222222222ULL}, {v3, 0x3333333333333333ULL}},
			0xdeadbeefdeadbeefULL, x1, nzcv, fpcr, fpsr};
		slot[0] = insn;
		__builtin___clear_cache((char *)slot, (char *)(slot + 1));
		probe(&s);
		printf("%llx %llx %llx %llx %llx\n", (unsigned long long)s.v[0][0], (unsigned long long)s.v[0][1],
			(unsigned long long)s.x0, (unsigned long long)s.nzcv, (unsigned long long)s.fpsr);
	}
	return 0;
}
`

func main() {
	cs := cases()
	dir, err := os.MkdirTemp("", "fpgolden")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	// Assemble every case's instruction.
	var src bytes.Buffer
	for _, c := range cs {
		fmt.Fprintf(&src, "\t%s\n", c.asm)
	}
	os.WriteFile(filepath.Join(dir, "c.s"), src.Bytes(), 0o644)
	run("aarch64-linux-gnu-as", "-march=armv8.2-a+fp16", "-o", filepath.Join(dir, "c.o"), filepath.Join(dir, "c.s"))
	dis := run("aarch64-linux-gnu-objdump", "-d", filepath.Join(dir, "c.o"))
	var words []uint32
	for _, line := range strings.Split(string(dis), "\n") {
		f := strings.Split(line, "\t")
		if len(f) >= 3 && strings.HasSuffix(strings.TrimSpace(f[0]), ":") {
			w, err := strconv.ParseUint(strings.TrimSpace(f[1]), 16, 32)
			if err == nil {
				words = append(words, uint32(w))
			}
		}
	}
	if len(words) != len(cs) {
		log.Fatalf("assembled %d words for %d cases", len(words), len(cs))
	}

	// Run them under qemu.
	os.WriteFile(filepath.Join(dir, "p.S"), []byte(probeS), 0o644)
	os.WriteFile(filepath.Join(dir, "p.c"), []byte(probeC), 0o644)
	bin := filepath.Join(dir, "probe")
	run("aarch64-linux-gnu-gcc", "-static", "-O2", "-o", bin, filepath.Join(dir, "p.c"), filepath.Join(dir, "p.S"))
	var in bytes.Buffer
	for i := range cs {
		c := &cs[i]
		c.insn = words[i]
		fmt.Fprintf(&in, "%x %x %x %x %x %x %x %x\n", c.insn, c.fpcr, c.fpsr, c.nzcv, c.v1, c.v2, c.v3, c.x1)
	}
	cmd := exec.Command("qemu-aarch64-static", bin)
	cmd.Stdin = &in
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		log.Fatal(err)
	}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for i := range cs {
		if !sc.Scan() {
			log.Fatalf("qemu output ends at case %d", i)
		}
		c := &cs[i]
		var fpsr uint64
		fmt.Sscanf(sc.Text(), "%x %x %x %x %x", &c.v0lo, &c.v0hi, &c.x0, &c.nz, &fpsr)
		c.fpsrOut = uint32(fpsr)
	}

	var g bytes.Buffer
	g.WriteString("// Code generated by fp_golden_gen.go; DO NOT EDIT.\n\npackage interp\n\n")
	g.WriteString("var fpGolden = []fpGoldenCase{\n")
	for _, c := range cs {
		fmt.Fprintf(&g, "\t{%q, %#08x, %#x, %#x, %#x, %#x, %#x, %#x, %#x, %#x, %#x, %#x, %#x, %#x},\n",
			c.asm, c.insn, c.fpcr, c.fpsr, c.nzcv>>28, c.v1, c.v2, c.v3, c.x1, c.v0lo, c.v0hi, c.x0, c.nz>>28, c.fpsrOut)
	}
	g.WriteString("}\n")
	src2, err := format.Source(g.Bytes())
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile("fp_golden_test.go", src2, 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%d cases\n", len(cs))
}
