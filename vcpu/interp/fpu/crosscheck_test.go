package fpu

import (
	"math"
	"math/rand/v2"
	"testing"
)

// The fast paths (host IEEE arithmetic) must agree bit for bit, flags
// included, with the exact software path they short-cut. These tests run
// both on millions of operands biased towards the cases that matter:
// specials, denormals, exponent extremes, ties, cancellation, and results
// near the underflow and overflow thresholds.

type opGen struct{ *rand.Rand }

func newGen(seed uint64) opGen { return opGen{rand.New(rand.NewPCG(seed, 0x5eed))} }

// fp returns an operand of format f.
func (g opGen) fp(f *format) uint64 {
	emax := f.expMax()
	bias := uint64(f.bias)
	s := g.Uint64N(2)
	fr := g.Uint64() & f.fracMask()
	mk := func(e, fr uint64) uint64 { return s<<(f.n-1) | (e&emax)<<f.f | fr&f.fracMask() }
	switch g.IntN(20) {
	case 0:
		return mk(0, 0)
	case 1:
		return mk(emax, 0)
	case 2:
		return mk(emax, f.quiet()|fr)
	case 3:
		fr &^= f.quiet()
		if fr == 0 {
			fr = 1
		}
		return mk(emax, fr)
	case 4: // denormal
		return mk(0, fr>>g.UintN(f.f)|1)
	case 5, 6: // extreme exponents
		if g.IntN(2) == 0 {
			return mk(1+g.Uint64N(3), fr)
		}
		return mk(emax-1-g.Uint64N(3), fr)
	case 7: // integers and halves
		e := bias + g.Uint64N(uint64(f.f)+3)
		return mk(e, fr&^(1<<g.UintN(f.f+1)-1))
	case 8: // few significant bits
		return mk(bias+uint64(g.IntN(21))-10, fr&(^uint64(0)<<(f.f-g.UintN(5))))
	case 9: // all ones fraction
		return mk(1+g.Uint64N(emax-1), f.fracMask()>>g.UintN(3))
	case 10: // around integer conversion limits
		lims := []uint64{15, 16, 31, 32, 52, 53, 63, 64}
		e := bias + lims[g.IntN(len(lims))] - g.Uint64N(2)
		if e >= emax {
			e = emax - 1
		}
		if g.IntN(2) == 0 {
			fr = 0
		}
		return mk(e, fr)
	case 11, 12, 13:
		return mk(bias+uint64(g.IntN(61))-30, fr)
	}
	return mk(1+g.Uint64N(emax-1), fr)
}

// near returns x moved by a few units in the last place (same sign).
func (g opGen) near(f *format, x uint64) uint64 {
	d := uint64(g.IntN(9)) - 4
	y := (x + d) & (1<<f.n - 1)
	if y>>(f.n-1) != x>>(f.n-1) {
		return x
	}
	return y
}

// withExp returns a normal operand of format f with biased exponent e.
func (g opGen) withExp(f *format, e int) uint64 {
	if e < 1 {
		e = 1
	}
	if uint64(e) > f.expMax()-1 {
		e = int(f.expMax() - 1)
	}
	return g.Uint64N(2)<<(f.n-1) | uint64(e)<<f.f | g.Uint64()&f.fracMask()
}

func (g opGen) fastFPCR() uint32 {
	switch g.IntN(6) {
	case 0:
		return FPCRDN
	case 1:
		return FPCRAHP | FPCRFZ16
	case 2:
		return FPCRFZ
	case 3:
		return FPCRFZ | FPCRDN
	}
	return 0
}

func expOf(f *format, x uint64) int { return int(x >> f.f & f.expMax()) }

// operands returns a, b, c for op kind, with constructions for the
// interesting cases.
func (g opGen) operands(f *format, kind string) (a, b, c uint64) {
	a, b, c = g.fp(f), g.fp(f), g.fp(f)
	bias := f.bias
	switch kind {
	case "add":
		switch g.IntN(4) {
		case 0: // cancellation
			b = g.near(f, a) ^ uint64(g.IntN(2))<<(f.n-1)
		case 1: // aligned within the guard bits
			b = g.withExp(f, expOf(f, a)+g.IntN(int(f.f)+6)-int(f.f)/2-3)
		}
	case "mul":
		switch g.IntN(4) {
		case 0, 1: // product near the denormal/normal boundary or overflow
			ea := g.IntN(int(f.expMax()-1)) + 1
			target := 1 + g.IntN(int(f.f)+8) - 3
			if g.IntN(3) == 0 {
				target = int(f.expMax()) - 2 + g.IntN(3)
			}
			a = g.withExp(f, ea)
			b = g.withExp(f, target-ea+bias)
		}
	case "div":
		if g.IntN(2) == 0 {
			ea := g.IntN(int(f.expMax()-1)) + 1
			target := 1 + g.IntN(int(f.f)+8) - 3
			if g.IntN(3) == 0 {
				target = int(f.expMax()) - 2 + g.IntN(3)
			}
			a = g.withExp(f, ea)
			b = g.withExp(f, ea-target+bias)
		}
	case "fma":
		switch g.IntN(5) {
		case 0, 1: // addend cancels the product
			e := Env{}
			p := e.mul(f, a, b, false)
			c = g.near(f, p) ^ 1<<(f.n-1)
			if g.IntN(3) == 0 {
				c = p ^ 1<<(f.n-1)
			}
		case 2: // addend a few exponents away from the product
			ep := expOf(f, a) + expOf(f, b) - bias
			c = g.withExp(f, ep+g.IntN(2*int(f.f)+10)-int(f.f)-5)
		case 3: // product and result near the bottom of the range
			ea := g.IntN(int(f.expMax()-1)) + 1
			target := 1 + g.IntN(2*int(f.f)+60) - 10
			a = g.withExp(f, ea)
			b = g.withExp(f, target-ea+bias)
			c = g.withExp(f, target+g.IntN(5)-2)
		}
	}
	return
}

type crossCase struct {
	name string
	kind string
	fast func(e *Env, a, b, c uint64) uint64
	slow func(e *Env, a, b, c uint64) uint64
}

func b2u(v bool) uint64 {
	if v {
		return 1
	}
	return 0
}

func crossCases(f *format) []crossCase {
	s, ok := sizedOps[int(f.n)]
	if !ok {
		panic("size")
	}
	rm := func(c uint64) int { return int(c%6) - 1 } // RoundFPCR .. RoundTiesAway
	cs := []crossCase{
		{"Add", "add", func(e *Env, a, b, _ uint64) uint64 { return s.add(e, a, b) },
			func(e *Env, a, b, _ uint64) uint64 { return e.add(f, a, b, false) }},
		{"Sub", "add", func(e *Env, a, b, _ uint64) uint64 { return s.sub(e, a, b) },
			func(e *Env, a, b, _ uint64) uint64 { return e.add(f, a, b, true) }},
		{"Mul", "mul", func(e *Env, a, b, _ uint64) uint64 { return s.mul(e, a, b) },
			func(e *Env, a, b, _ uint64) uint64 { return e.mul(f, a, b, false) }},
		{"MulX", "mul", func(e *Env, a, b, _ uint64) uint64 { return s.mulx(e, a, b) },
			func(e *Env, a, b, _ uint64) uint64 { return e.mul(f, a, b, true) }},
		{"Div", "div", func(e *Env, a, b, _ uint64) uint64 { return s.div(e, a, b) },
			func(e *Env, a, b, _ uint64) uint64 { return e.div(f, a, b) }},
		{"Sqrt", "", func(e *Env, a, _, _ uint64) uint64 { return s.sqrt(e, a) },
			func(e *Env, a, _, _ uint64) uint64 { return e.sqrt(f, a) }},
		{"MulAdd", "fma", func(e *Env, a, b, c uint64) uint64 { return s.muladd(e, c, a, b) },
			func(e *Env, a, b, c uint64) uint64 { return e.mulAdd(f, c, a, b) }},
		{"Max", "", func(e *Env, a, b, _ uint64) uint64 { return s.max(e, a, b) },
			func(e *Env, a, b, _ uint64) uint64 { return e.minMax(f, a, b, true, false) }},
		{"Min", "", func(e *Env, a, b, _ uint64) uint64 { return s.min(e, a, b) },
			func(e *Env, a, b, _ uint64) uint64 { return e.minMax(f, a, b, false, false) }},
		{"MaxNum", "", func(e *Env, a, b, _ uint64) uint64 { return s.maxnm(e, a, b) },
			func(e *Env, a, b, _ uint64) uint64 { return e.minMax(f, a, b, true, true) }},
		{"MinNum", "", func(e *Env, a, b, _ uint64) uint64 { return s.minnm(e, a, b) },
			func(e *Env, a, b, _ uint64) uint64 { return e.minMax(f, a, b, false, true) }},
		{"Compare", "", func(e *Env, a, b, c uint64) uint64 { return uint64(s.cmp(e, a, b, c&1 != 0)) },
			func(e *Env, a, b, c uint64) uint64 { return uint64(e.nzcv(f, a, b, c&1 != 0)) }},
		{"CompareEQ", "", func(e *Env, a, b, _ uint64) uint64 { return b2u(s.eq(e, a, b)) },
			func(e *Env, a, b, _ uint64) uint64 { c, u := e.compare(f, a, b, false); return b2u(!u && c == 0) }},
		{"CompareGE", "", func(e *Env, a, b, _ uint64) uint64 { return b2u(s.ge(e, a, b)) },
			func(e *Env, a, b, _ uint64) uint64 { c, u := e.compare(f, a, b, true); return b2u(!u && c >= 0) }},
		{"CompareGT", "", func(e *Env, a, b, _ uint64) uint64 { return b2u(s.gt(e, a, b)) },
			func(e *Env, a, b, _ uint64) uint64 { c, u := e.compare(f, a, b, true); return b2u(!u && c > 0) }},
		{"RoundInt", "", func(e *Env, a, _, c uint64) uint64 { return s.rint(e, a, rm(c), c&8 != 0) },
			func(e *Env, a, _, c uint64) uint64 { return e.roundInt(f, a, rm(c), c&8 != 0) }},
		{"ToInt", "", func(e *Env, a, _, c uint64) uint64 {
			return s.toInt(e, a, rm(c)&^(rm(c)>>63), c&8 != 0, 32<<(c>>4&1), 0)
		}, func(e *Env, a, _, c uint64) uint64 {
			return e.toFixed(f, a, rm(c)&^(rm(c)>>63), c&8 != 0, 32<<(c>>4&1), 0)
		}},
		{"FromInt", "", func(e *Env, _, b, c uint64) uint64 {
			v := b * 0x9E3779B97F4A7C15 >> (c >> 8 % 64)
			return s.fromInt(e, v, c&8 != 0, 32<<(c>>4&1), 0)
		}, func(e *Env, _, b, c uint64) uint64 {
			v := b * 0x9E3779B97F4A7C15 >> (c >> 8 % 64)
			return e.fromFixed(f, v, c&8 != 0, 32<<(c>>4&1), 0, RoundFPCR)
		}},
	}
	if f.n == 64 {
		cs = append(cs, crossCase{"Convert64to32", "", func(e *Env, a, _, _ uint64) uint64 { return e.Convert(a, 64, 32) },
			func(e *Env, a, _, _ uint64) uint64 { return e.convert(a, &fmt64, &fmt32, RoundFPCR) }})
	} else {
		cs = append(cs, crossCase{"Convert32to64", "", func(e *Env, a, _, _ uint64) uint64 { return e.Convert(a, 32, 64) },
			func(e *Env, a, _, _ uint64) uint64 { return e.convert(a, &fmt32, &fmt64, RoundFPCR) }})
	}
	return cs
}

func crossCheck(t *testing.T, f *format, n int) {
	for ci, cc := range crossCases(f) {
		g := newGen(uint64(ci)<<8 | uint64(f.n))
		fails := 0
		for i := 0; i < n; i++ {
			a, b, c := g.operands(f, cc.kind)
			fpcr := g.fastFPCR()
			if g.IntN(16) == 0 { // also the fallbacks with other settings
				fpcr = g.Uint32() & (FPCRAHP | FPCRDN | FPCRFZ | FPCRRMode | FPCRFZ16)
			}
			e1 := Env{FPCR: fpcr}
			e2 := Env{FPCR: fpcr}
			r1 := cc.fast(&e1, a, b, c)
			r2 := cc.slow(&e2, a, b, c)
			if r1 != r2 || e1.FPSR != e2.FPSR {
				if fails < 10 {
					t.Errorf("%s%d fpcr=%#x a=%#x b=%#x c=%#x: fast %#x fpsr=%#x, exact %#x fpsr=%#x",
						cc.name, f.n, fpcr, a, b, c, r1, e1.FPSR, r2, e2.FPSR)
				}
				fails++
			}
		}
		if fails > 0 {
			t.Errorf("%s%d: %d of %d differ", cc.name, f.n, fails, n)
		}
	}
}

func crossN() int {
	if testing.Short() {
		return 50_000
	}
	return 250_000
}

func TestCrossCheck64(t *testing.T) { t.Parallel(); crossCheck(t, &fmt64, crossN()) }
func TestCrossCheck32(t *testing.T) { t.Parallel(); crossCheck(t, &fmt32, crossN()) }

// TestFastFMAHard hammers the ErrFma-based inexact detection of MulAdd64 with
// sums whose exact value is a tie or within a few ulps of one.
func TestFastFMAHard(t *testing.T) {
	g := newGen(77)
	n := crossN()
	for i := 0; i < n; i++ {
		x := math.Float64frombits(g.withExp(&fmt64, 1023+g.IntN(200)-100))
		y := math.Float64frombits(g.withExp(&fmt64, 1023+g.IntN(200)-100))
		p := x * y
		lo := math.FMA(x, y, -p)
		var z float64
		switch g.IntN(4) {
		case 0: // result = p's rounding error only
			z = -p
		case 1: // result = tie-ish: p plus half an ulp of something
			z = math.Ldexp(1, int(g.IntN(60))-30) * p
		case 2:
			z = -lo * float64(g.IntN(5)-2)
		default:
			z = math.Nextafter(-p, math.Inf(g.IntN(2)*2-1))
		}
		a, b, c := math.Float64bits(x), math.Float64bits(y), math.Float64bits(z)
		e1, e2 := Env{}, Env{}
		r1 := e1.MulAdd64(c, a, b)
		r2 := e2.mulAdd(&fmt64, c, a, b)
		if r1 != r2 || e1.FPSR != e2.FPSR {
			t.Fatalf("MulAdd64(%#x, %#x, %#x): fast %#x fpsr=%#x, exact %#x fpsr=%#x", c, a, b, r1, e1.FPSR, r2, e2.FPSR)
		}
	}
}
