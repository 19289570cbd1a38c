// Command mathexact prints math package results exactly (shortest
// round-trip decimal and the IEEE bit pattern) over a range of inputs,
// plus float32 arithmetic, FMA, rounding and classification.
package main

import (
	"fmt"
	"math"
	"math/bits"
	"strconv"
)

func exact(x float64) string {
	return strconv.FormatFloat(x, 'g', -1, 64) + "/" + strconv.FormatUint(math.Float64bits(x), 16)
}

func main() {
	inputs := []float64{0, math.Copysign(0, -1), 1e-310, 1e-8, 0.1, 0.5, 1, 1.5, 2, math.Pi / 3, math.E, 10, 100.25,
		709.5, 1e15, 1e300, -0.5, -1.5, -3.75, -1e10, math.Inf(1), math.Inf(-1), math.NaN()}
	funcs := []struct {
		name string
		f    func(float64) float64
	}{
		{"Sin", math.Sin}, {"Cos", math.Cos}, {"Tan", math.Tan}, {"Asin", math.Asin}, {"Atan", math.Atan},
		{"Sinh", math.Sinh}, {"Tanh", math.Tanh}, {"Exp", math.Exp}, {"Exp2", math.Exp2}, {"Expm1", math.Expm1},
		{"Log", math.Log}, {"Log2", math.Log2}, {"Log10", math.Log10}, {"Log1p", math.Log1p}, {"Sqrt", math.Sqrt},
		{"Cbrt", math.Cbrt}, {"Floor", math.Floor}, {"Ceil", math.Ceil}, {"Trunc", math.Trunc}, {"Round", math.Round},
		{"RoundToEven", math.RoundToEven}, {"Abs", math.Abs}, {"Erf", math.Erf}, {"Gamma", math.Gamma},
		{"J0", math.J0},
	}
	for _, fn := range funcs {
		fmt.Printf("%s:", fn.name)
		for i, x := range inputs {
			if i%3 == 0 {
				fmt.Printf(" %s", exact(fn.f(x)))
			}
		}
		fmt.Println()
	}
	var acc uint64 = 1469598103934665603
	fold := func(x float64) { acc = (acc ^ math.Float64bits(x)) * 1099511628211 }
	for i := -3000; i <= 3000; i++ {
		x := float64(i) * 0.00731
		fold(math.Sin(x))
		fold(math.Cos(x))
		fold(math.Exp(x / 4))
		fold(math.Log(math.Abs(x) + 1e-3))
		fold(math.Pow(math.Abs(x), 0.3+float64(i)*1e-4))
		fold(math.Atan2(x, 1-x))
		fold(math.Hypot(x, 2))
		fold(math.Mod(x*1000, 7))
		fold(math.Remainder(x*1000, 2.5))
		fold(math.FMA(x, x+1, -x*x))
		fold(math.Sqrt(math.Abs(x)))
		fold(float64(float32(x) * float32(1.1)))
		fold(float64(float32(x) / 3))
	}
	fmt.Printf("sweep checksum %016x\n", acc)

	fmt.Println("Pow", exact(math.Pow(2, -1074)), exact(math.Pow(-8, 1.0/3)), exact(math.Pow(1.0000001, 1e7)),
		exact(math.Pow(10, 308)), exact(math.Pow(10, 309)))
	fmt.Println("FMA", exact(math.FMA(1.0000001, 1.0000001, -1)), exact(math.FMA(1e308, 10, -math.MaxFloat64)))
	frac, exp := math.Frexp(1234.5678)
	fmt.Println("Frexp", exact(frac), exp, "Ldexp", exact(math.Ldexp(0.75, -1070)))
	ip, fp := math.Modf(-3.75)
	fmt.Println("Modf", exact(ip), exact(fp), "Nextafter", exact(math.Nextafter(1, 2)), exact(float64(math.Nextafter32(1, 0))))
	fmt.Println("Inf/NaN", math.IsInf(1/math.Inf(-1), 0), math.IsNaN(math.Inf(1)-math.Inf(1)), math.Signbit(math.Copysign(0, -1)))
	fmt.Println("Max/Min", exact(math.Max(-0.0, 0)), exact(math.Min(math.Copysign(0, -1), 0)), exact(math.Max(math.NaN(), 1)))

	// conversions the Go spec defines
	for _, x := range []float64{0.5, -0.5, 2.5, -2.5, 1e10, -1e10, 4294967295.9, 9.2e18, 0.9999999999999999} {
		fmt.Printf("int64(%v)=%d int32(int64)=%d uint8(int64)=%d float32=%s\n", x, int64(x), int32(int64(x)),
			uint8(int64(x)), strconv.FormatFloat(float64(float32(x)), 'g', -1, 32))
	}
	// math/bits
	var bh uint64
	x := uint64(0x9e3779b97f4a7c15)
	for i := 0; i < 10000; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		hi, lo := bits.Mul64(x, x>>3|1)
		q, r := bits.Div64(hi%(x|1), lo, x|1)
		s, c := bits.Add64(x, lo, 1)
		bh = bh*31 + hi + lo + q + r + s + c + uint64(bits.LeadingZeros64(x)+bits.TrailingZeros64(x)+bits.OnesCount64(x)) +
			bits.Reverse64(x) + bits.ReverseBytes64(x) + bits.RotateLeft64(x, int(x%64))
	}
	fmt.Printf("bits checksum %016x\n", bh)
}
