package fpu

import (
	"math"
	"testing"
)

// Benchmarks of the common operations on ordinary operands, with FPCR=0
// (fast paths) and with FPCR.RMode=RZ (exact software path).

var sink uint64

func benchOperands64() (a, b, c uint64) {
	return math.Float64bits(1.2345678901234), math.Float64bits(-9.87654321e3), math.Float64bits(0.333)
}

func benchOperands32() (a, b, c uint32) {
	return math.Float32bits(1.2345678), math.Float32bits(-9.876543e3), math.Float32bits(0.333)
}

func benchModes(b *testing.B, f func(b *testing.B, e *Env)) {
	b.Run("fast", func(b *testing.B) { f(b, &Env{}) })
	b.Run("exact", func(b *testing.B) { f(b, &Env{FPCR: RoundZero << 22}) })
}

func BenchmarkAdd64(b *testing.B) {
	x, y, _ := benchOperands64()
	benchModes(b, func(b *testing.B, e *Env) {
		for i := 0; i < b.N; i++ {
			sink += e.Add64(x, y)
		}
	})
}

func BenchmarkMul64(b *testing.B) {
	x, y, _ := benchOperands64()
	benchModes(b, func(b *testing.B, e *Env) {
		for i := 0; i < b.N; i++ {
			sink += e.Mul64(x, y)
		}
	})
}

func BenchmarkDiv64(b *testing.B) {
	x, y, _ := benchOperands64()
	benchModes(b, func(b *testing.B, e *Env) {
		for i := 0; i < b.N; i++ {
			sink += e.Div64(x, y)
		}
	})
}

func BenchmarkSqrt64(b *testing.B) {
	x, _, _ := benchOperands64()
	benchModes(b, func(b *testing.B, e *Env) {
		for i := 0; i < b.N; i++ {
			sink += e.Sqrt64(x)
		}
	})
}

func BenchmarkMulAdd64(b *testing.B) {
	x, y, z := benchOperands64()
	benchModes(b, func(b *testing.B, e *Env) {
		for i := 0; i < b.N; i++ {
			sink += e.MulAdd64(z, x, y)
		}
	})
}

func BenchmarkCompare64(b *testing.B) {
	x, y, _ := benchOperands64()
	benchModes(b, func(b *testing.B, e *Env) {
		for i := 0; i < b.N; i++ {
			sink += uint64(e.Compare64(x, y, false))
		}
	})
}

func BenchmarkToInt64(b *testing.B) {
	_, y, _ := benchOperands64()
	benchModes(b, func(b *testing.B, e *Env) {
		for i := 0; i < b.N; i++ {
			sink += e.ToInt64(y, RoundZero, false, 64, 0)
		}
	})
}

func BenchmarkFromInt64(b *testing.B) {
	benchModes(b, func(b *testing.B, e *Env) {
		for i := 0; i < b.N; i++ {
			sink += e.FromInt64(uint64(i)*0x9E3779B97F4A7C15, true, 64, 0)
		}
	})
}

func BenchmarkAdd32(b *testing.B) {
	x, y, _ := benchOperands32()
	benchModes(b, func(b *testing.B, e *Env) {
		for i := 0; i < b.N; i++ {
			sink += uint64(e.Add32(x, y))
		}
	})
}

func BenchmarkMul32(b *testing.B) {
	x, y, _ := benchOperands32()
	benchModes(b, func(b *testing.B, e *Env) {
		for i := 0; i < b.N; i++ {
			sink += uint64(e.Mul32(x, y))
		}
	})
}

func BenchmarkDiv32(b *testing.B) {
	x, y, _ := benchOperands32()
	benchModes(b, func(b *testing.B, e *Env) {
		for i := 0; i < b.N; i++ {
			sink += uint64(e.Div32(x, y))
		}
	})
}

func BenchmarkMulAdd32(b *testing.B) {
	x, y, z := benchOperands32()
	benchModes(b, func(b *testing.B, e *Env) {
		for i := 0; i < b.N; i++ {
			sink += uint64(e.MulAdd32(z, x, y))
		}
	})
}

func BenchmarkConvert64to32(b *testing.B) {
	x, _, _ := benchOperands64()
	benchModes(b, func(b *testing.B, e *Env) {
		for i := 0; i < b.N; i++ {
			sink += e.Convert(x, 64, 32)
		}
	})
}

func BenchmarkAdd16(b *testing.B) {
	benchModes(b, func(b *testing.B, e *Env) {
		for i := 0; i < b.N; i++ {
			sink += uint64(e.Add16(0x3c01, 0x4248))
		}
	})
}

func TestNoAllocs(t *testing.T) {
	x, y, z := benchOperands64()
	for _, fpcr := range []uint32{0, RoundZero << 22} {
		e := Env{FPCR: fpcr}
		n := testing.AllocsPerRun(100, func() {
			sink += e.MulAdd64(z, x, y) + e.Div64(x, y) + e.Sqrt64(x) + e.ToInt64(x, RoundNearest, true, 32, 3)
			sink += uint64(e.MulAdd32(1, 2, 3)+e.RecipEstimate32(5)) + e.Convert(x, 64, 16)
		})
		if n != 0 {
			t.Errorf("fpcr=%#x: %v allocations", fpcr, n)
		}
	}
}
