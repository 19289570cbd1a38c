package fpu

import (
	"bufio"
	"compress/gzip"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Golden vectors: each line of testdata/golden.txt.gz is
//
//	op fpcr a b c result fpsr nzcv   (hex)
//
// as produced by the instruction op (an A64 mnemonic plus size suffixes, see
// run below) executed with FPCR=fpcr, FPSR=0 and operands a, b, c in
// registers 0, 1, 2 under qemu-aarch64 7.2 (cpu max), whose ARM floating
// point is modelled bit-exactly on the pseudocode. FPU_GOLDEN=file runs the
// test on another (possibly uncompressed) file of the same format.

// ops16/32/64 adapt the typed methods to uint64 operands.
type sized struct {
	n                                  int
	add, sub, mul, mulx, div, max, min func(e *Env, a, b uint64) uint64
	maxnm, minnm, abd, recps, rsqrts   func(e *Env, a, b uint64) uint64
	sqrt, recpe, rsqrte, recpx         func(e *Env, a uint64) uint64
	muladd                             func(e *Env, c, a, b uint64) uint64
	cmp                                func(e *Env, a, b uint64, sig bool) uint32
	eq, ge, gt                         func(e *Env, a, b uint64) bool
	rint                               func(e *Env, a uint64, rm int, exact bool) uint64
	rintn                              func(e *Env, a uint64, rm int, bits int) uint64
	toInt                              func(e *Env, a uint64, rm int, u bool, bits, fbits int) uint64
	fromInt                            func(e *Env, v uint64, s bool, bits, fbits int) uint64
	neg, abs                           func(a uint64) uint64
}

var sizedOps = map[int]*sized{
	64: {
		n:   64,
		add: (*Env).Add64, sub: (*Env).Sub64, mul: (*Env).Mul64, mulx: (*Env).MulX64, div: (*Env).Div64,
		max: (*Env).Max64, min: (*Env).Min64, maxnm: (*Env).MaxNum64, minnm: (*Env).MinNum64, abd: (*Env).Abd64,
		recps: (*Env).RecipStep64, rsqrts: (*Env).RSqrtStep64,
		sqrt: (*Env).Sqrt64, recpe: (*Env).RecipEstimate64, rsqrte: (*Env).RSqrtEstimate64, recpx: (*Env).RecpX64,
		muladd: (*Env).MulAdd64, cmp: (*Env).Compare64,
		eq: (*Env).CompareEQ64, ge: (*Env).CompareGE64, gt: (*Env).CompareGT64,
		rint: (*Env).RoundInt64, rintn: (*Env).RoundIntN64, toInt: (*Env).ToInt64, fromInt: (*Env).FromInt64,
		neg: Neg64, abs: Abs64,
	},
	32: {
		n:   32,
		add: w2(32, (*Env).Add32), sub: w2(32, (*Env).Sub32), mul: w2(32, (*Env).Mul32), mulx: w2(32, (*Env).MulX32),
		div: w2(32, (*Env).Div32), max: w2(32, (*Env).Max32), min: w2(32, (*Env).Min32),
		maxnm: w2(32, (*Env).MaxNum32), minnm: w2(32, (*Env).MinNum32), abd: w2(32, (*Env).Abd32),
		recps: w2(32, (*Env).RecipStep32), rsqrts: w2(32, (*Env).RSqrtStep32),
		sqrt: w1(32, (*Env).Sqrt32), recpe: w1(32, (*Env).RecipEstimate32), rsqrte: w1(32, (*Env).RSqrtEstimate32),
		recpx:  w1(32, (*Env).RecpX32),
		muladd: func(e *Env, c, a, b uint64) uint64 { return uint64(e.MulAdd32(uint32(c), uint32(a), uint32(b))) },
		cmp:    func(e *Env, a, b uint64, s bool) uint32 { return e.Compare32(uint32(a), uint32(b), s) },
		eq:     func(e *Env, a, b uint64) bool { return e.CompareEQ32(uint32(a), uint32(b)) },
		ge:     func(e *Env, a, b uint64) bool { return e.CompareGE32(uint32(a), uint32(b)) },
		gt:     func(e *Env, a, b uint64) bool { return e.CompareGT32(uint32(a), uint32(b)) },
		rint:   func(e *Env, a uint64, rm int, x bool) uint64 { return uint64(e.RoundInt32(uint32(a), rm, x)) },
		rintn:  func(e *Env, a uint64, rm int, n int) uint64 { return uint64(e.RoundIntN32(uint32(a), rm, n)) },
		toInt: func(e *Env, a uint64, rm int, u bool, b, f int) uint64 {
			return e.ToInt32(uint32(a), rm, u, b, f)
		},
		fromInt: func(e *Env, v uint64, s bool, b, f int) uint64 { return uint64(e.FromInt32(v, s, b, f)) },
		neg:     func(a uint64) uint64 { return uint64(Neg32(uint32(a))) },
		abs:     func(a uint64) uint64 { return uint64(Abs32(uint32(a))) },
	},
	16: {
		n:   16,
		add: h2((*Env).Add16), sub: h2((*Env).Sub16), mul: h2((*Env).Mul16), mulx: h2((*Env).MulX16),
		div: h2((*Env).Div16), max: h2((*Env).Max16), min: h2((*Env).Min16),
		maxnm: h2((*Env).MaxNum16), minnm: h2((*Env).MinNum16), abd: h2((*Env).Abd16),
		recps: h2((*Env).RecipStep16), rsqrts: h2((*Env).RSqrtStep16),
		sqrt: h1((*Env).Sqrt16), recpe: h1((*Env).RecipEstimate16), rsqrte: h1((*Env).RSqrtEstimate16),
		recpx:  h1((*Env).RecpX16),
		muladd: func(e *Env, c, a, b uint64) uint64 { return uint64(e.MulAdd16(uint16(c), uint16(a), uint16(b))) },
		cmp:    func(e *Env, a, b uint64, s bool) uint32 { return e.Compare16(uint16(a), uint16(b), s) },
		eq:     func(e *Env, a, b uint64) bool { return e.CompareEQ16(uint16(a), uint16(b)) },
		ge:     func(e *Env, a, b uint64) bool { return e.CompareGE16(uint16(a), uint16(b)) },
		gt:     func(e *Env, a, b uint64) bool { return e.CompareGT16(uint16(a), uint16(b)) },
		rint:   func(e *Env, a uint64, rm int, x bool) uint64 { return uint64(e.RoundInt16(uint16(a), rm, x)) },
		toInt: func(e *Env, a uint64, rm int, u bool, b, f int) uint64 {
			return e.ToInt16(uint16(a), rm, u, b, f)
		},
		fromInt: func(e *Env, v uint64, s bool, b, f int) uint64 { return uint64(e.FromInt16(v, s, b, f)) },
		neg:     func(a uint64) uint64 { return uint64(Neg16(uint16(a))) },
		abs:     func(a uint64) uint64 { return uint64(Abs16(uint16(a))) },
	},
}

func w2(_ int, f func(*Env, uint32, uint32) uint32) func(*Env, uint64, uint64) uint64 {
	return func(e *Env, a, b uint64) uint64 { return uint64(f(e, uint32(a), uint32(b))) }
}
func w1(_ int, f func(*Env, uint32) uint32) func(*Env, uint64) uint64 {
	return func(e *Env, a uint64) uint64 { return uint64(f(e, uint32(a))) }
}
func h2(f func(*Env, uint16, uint16) uint16) func(*Env, uint64, uint64) uint64 {
	return func(e *Env, a, b uint64) uint64 { return uint64(f(e, uint16(a), uint16(b))) }
}
func h1(f func(*Env, uint16) uint16) func(*Env, uint64) uint64 {
	return func(e *Env, a uint64) uint64 { return uint64(f(e, uint16(a))) }
}

var (
	reSized   = regexp.MustCompile(`^([a-z]+?)(32x|32z|64x|64z)?(16|32|64)$`)
	reToInt   = regexp.MustCompile(`^fcvt([npmza])([su])(16|32|64)_(16|32|64)(?:_f(\d+))?$`)
	reFromInt = regexp.MustCompile(`^([su])cvtf(16|32|64)_(16|32|64)(?:_f(\d+))?$`)
	reConvert = regexp.MustCompile(`^fcvt(16|32|64)to(16|32|64)$`)
)

var rmodes = map[string]int{"n": RoundNearest, "p": RoundPlusInf, "m": RoundMinusInf, "z": RoundZero, "a": RoundTiesAway}

func mask(n int) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<uint(n) - 1
}

// run executes golden op on e and returns the result and NZCV.
func run(e *Env, op string, a, b, c uint64) (r uint64, nzcv uint32, ok bool) {
	if m := reToInt.FindStringSubmatch(op); m != nil {
		sz, w := atoi(m[3]), atoi(m[4])
		fb := 0
		if m[5] != "" {
			fb = atoi(m[5])
		}
		return sizedOps[sz].toInt(e, a&mask(sz), rmodes[m[1]], m[2] == "u", w, fb), 0, true
	}
	if m := reFromInt.FindStringSubmatch(op); m != nil {
		sz, w := atoi(m[2]), atoi(m[3])
		fb := 0
		if m[4] != "" {
			fb = atoi(m[4])
		}
		return sizedOps[sz].fromInt(e, a&mask(w), m[1] == "s", w, fb), 0, true
	}
	if m := reConvert.FindStringSubmatch(op); m != nil {
		from := atoi(m[1])
		return e.Convert(a&mask(from), from, atoi(m[2])), 0, true
	}
	switch op {
	case "fcvtxn":
		return e.ConvertRM(a, 64, 32, RoundOdd), 0, true
	case "fjcvtzs":
		v, z := e.JSConvert(a)
		if z {
			nzcv = 4
		}
		return uint64(v), nzcv, true
	case "urecpe": // lane 1 (input 0) gives all ones
		return 0xFFFFFFFF<<32 | uint64(UnsignedRecipEstimate(uint32(a))), 0, true
	case "ursqrte":
		return 0xFFFFFFFF<<32 | uint64(UnsignedRSqrtEstimate(uint32(a))), 0, true
	}
	m := reSized.FindStringSubmatch(op)
	if m == nil {
		return 0, 0, false
	}
	s := sizedOps[atoi(m[3])]
	if s == nil {
		return 0, 0, false
	}
	mk := mask(s.n)
	a, b, c = a&mk, b&mk, c&mk
	bool2 := func(v bool) uint64 {
		if v {
			return mk
		}
		return 0
	}
	switch m[1] + m[2] {
	case "fadd":
		r = s.add(e, a, b)
	case "fsub":
		r = s.sub(e, a, b)
	case "fmul":
		r = s.mul(e, a, b)
	case "fmulx":
		r = s.mulx(e, a, b)
	case "fdiv":
		r = s.div(e, a, b)
	case "fmax":
		r = s.max(e, a, b)
	case "fmin":
		r = s.min(e, a, b)
	case "fmaxnm":
		r = s.maxnm(e, a, b)
	case "fminnm":
		r = s.minnm(e, a, b)
	case "fabd":
		r = s.abd(e, a, b)
	case "frecps":
		r = s.recps(e, a, b)
	case "frsqrts":
		r = s.rsqrts(e, a, b)
	case "fnmul":
		r = s.neg(s.mul(e, a, b))
	case "fsqrt":
		r = s.sqrt(e, a)
	case "frecpe":
		r = s.recpe(e, a)
	case "frsqrte":
		r = s.rsqrte(e, a)
	case "frecpx":
		r = s.recpx(e, a)
	case "fabs":
		r = s.abs(a)
	case "fneg":
		r = s.neg(a)
	case "frintn", "frintp", "frintm", "frintz", "frinta":
		r = s.rint(e, a, rmodes[m[1][5:]], false)
	case "frinti":
		r = s.rint(e, a, RoundFPCR, false)
	case "frintx":
		r = s.rint(e, a, RoundFPCR, true)
	case "frint32x":
		r = s.rintn(e, a, RoundFPCR, 32)
	case "frint32z":
		r = s.rintn(e, a, RoundZero, 32)
	case "frint64x":
		r = s.rintn(e, a, RoundFPCR, 64)
	case "frint64z":
		r = s.rintn(e, a, RoundZero, 64)
	case "fmadd":
		r = s.muladd(e, a, b, c)
	case "fmsub":
		r = s.muladd(e, a, s.neg(b), c)
	case "fnmadd":
		r = s.muladd(e, s.neg(a), s.neg(b), c)
	case "fnmsub":
		r = s.muladd(e, s.neg(a), b, c)
	case "fcmp":
		nzcv = s.cmp(e, a, b, false)
	case "fcmpe":
		nzcv = s.cmp(e, a, b, true)
	case "fcmeq":
		r = bool2(s.eq(e, a, b))
	case "fcmge":
		r = bool2(s.ge(e, a, b))
	case "fcmgt":
		r = bool2(s.gt(e, a, b))
	case "facge":
		r = bool2(s.ge(e, s.abs(a), s.abs(b)))
	case "facgt":
		r = bool2(s.gt(e, s.abs(a), s.abs(b)))
	default:
		return 0, 0, false
	}
	return r, nzcv, true
}

func atoi(s string) int {
	v, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return v
}

// qemuBug reports vectors where qemu 7.2 deviates from the ARM ARM: FJCVTZS
// of a positive denormal flushed by FZ must clear Z (FPToFixedJS; fixed in
// qemu by gitlab issue 2375, whose test expects z == 0).
func qemuBug(op string, fpcr uint32, a uint64) bool {
	return op == "fjcvtzs" && fpcr&FPCRFZ != 0 && a>>52 == 0 && a != 0
}

func TestGolden(t *testing.T) {
	path := os.Getenv("FPU_GOLDEN")
	if path == "" {
		path = "testdata/golden.txt.gz"
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rd io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		z, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		rd = z
	}
	sc := bufio.NewScanner(rd)
	fails := map[string]int{}
	total := 0
	for sc.Scan() {
		fl := strings.Fields(sc.Text())
		if len(fl) != 8 {
			continue
		}
		var v [7]uint64
		for i := range v {
			v[i], err = strconv.ParseUint(fl[i+1], 16, 64)
			if err != nil {
				t.Fatalf("%q: %v", sc.Text(), err)
			}
		}
		if qemuBug(fl[0], uint32(v[0]), v[1]) {
			continue
		}
		e := Env{FPCR: uint32(v[0])}
		r, nz, ok := run(&e, fl[0], v[1], v[2], v[3])
		if !ok {
			t.Fatalf("unknown op %q", fl[0])
		}
		total++
		if r != v[4] || e.FPSR != uint32(v[5]) || nz != uint32(v[6]) {
			if fails[fl[0]] < 5 {
				t.Errorf("%s fpcr=%x a=%x b=%x c=%x: got %x fpsr=%x nzcv=%x, want %x fpsr=%x nzcv=%x",
					fl[0], v[0], v[1], v[2], v[3], r, e.FPSR, nz, v[4], v[5], v[6])
			}
			fails[fl[0]]++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for op, n := range fails {
		t.Errorf("%s: %d failures", op, n)
	}
	t.Logf("%d vectors", total)
}
