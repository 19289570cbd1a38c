package fpu

import (
	"strings"
	"testing"
)

// FuzzFPU checks, for arbitrary operands and FPCR, that the fast paths
// agree with the exact path, and that every golden op (all sizes) keeps the
// invariants: only cumulative exception bits are set, results fit their
// size, and with FPCR.DN a NaN result is the default NaN.
func FuzzFPU(f *testing.F) {
	for _, tc := range rules {
		f.Add(uint16(len(tc.op)*7+int(tc.a)), tc.fpcr, tc.a, tc.b, tc.c)
	}
	cross := [][]crossCase{crossCases(&fmt64), crossCases(&fmt32)}
	fmts := []*format{&fmt64, &fmt32}
	var ops []string
	for _, tc := range rules {
		if len(ops) == 0 || ops[len(ops)-1] != tc.op {
			ops = append(ops, tc.op)
		}
	}
	f.Fuzz(func(t *testing.T, sel uint16, fpcr uint32, a, b, c uint64) {
		fpcr &= FPCRAHP | FPCRDN | FPCRFZ | FPCRRMode | FPCRFZ16
		k := int(sel) % 2
		cc := cross[k][int(sel/2)%len(cross[k])]
		fm := fmts[k]
		m := uint64(1)<<fm.n - 1
		e1, e2 := Env{FPCR: fpcr}, Env{FPCR: fpcr}
		r1 := cc.fast(&e1, a&m, b&m, c&m)
		r2 := cc.slow(&e2, a&m, b&m, c&m)
		if r1 != r2 || e1.FPSR != e2.FPSR {
			t.Fatalf("%s%d fpcr=%#x a=%#x b=%#x c=%#x: fast %#x fpsr=%#x, exact %#x fpsr=%#x",
				cc.name, fm.n, fpcr, a&m, b&m, c&m, r1, e1.FPSR, r2, e2.FPSR)
		}

		op := ops[int(sel)%len(ops)]
		e := Env{FPCR: fpcr}
		r, nzcv, ok := run(&e, op, a, b, c)
		if !ok {
			t.Fatalf("unknown op %s", op)
		}
		if e.FPSR&^(IOC|DZC|OFC|UFC|IXC|IDC) != 0 || nzcv > 15 {
			t.Fatalf("%s: fpsr=%#x nzcv=%#x", op, e.FPSR, nzcv)
		}
		if m := reSized.FindStringSubmatch(op); m != nil && fpcr&FPCRDN != 0 && !strings.HasPrefix(op, "fc") && !strings.HasPrefix(op, "fa") {
			s := sizedOps[atoi(m[3])]
			f := formatOf(s.n)
			x := r & mask(s.n)
			isNaN := x>>f.f&f.expMax() == f.expMax() && x&f.fracMask() != 0
			if isNaN && x != f.defaultNaN() && x != f.defaultNaN()|1<<(f.n-1) { // FNMUL/FNEG/FABS may flip it
				t.Fatalf("%s fpcr=%#x: NaN result %#x with DN", op, fpcr, x)
			}
		}
	})
}
