// Command strconvrt round-trips numbers through strconv (ParseFloat /
// FormatFloat in every format and precision, 32 and 64 bit, ParseInt /
// FormatInt in several bases, Quote/Unquote) and computes with math/big.
package main

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
)

func main() {
	var x uint64 = 0x123456789abcdef
	bad := 0
	var h uint64 = 1469598103934665603
	fold := func(s string) {
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * 1099511628211
		}
	}
	for i := 0; i < 20000; i++ {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		f := math.Float64frombits(x)
		if math.IsNaN(f) {
			continue
		}
		s := strconv.FormatFloat(f, 'g', -1, 64)
		back, err := strconv.ParseFloat(s, 64)
		if err != nil || math.Float64bits(back) != x {
			bad++
		}
		fold(s)
		f32 := math.Float32frombits(uint32(x))
		if !math.IsNaN(float64(f32)) {
			s32 := strconv.FormatFloat(float64(f32), 'e', -1, 32)
			b32, err := strconv.ParseFloat(s32, 32)
			if err != nil || math.Float32bits(float32(b32)) != uint32(x) {
				bad++
			}
			fold(s32)
		}
		// a "human" decimal number
		d := float64(int64(x%2000000)-1000000) / 1000
		for _, fm := range []byte{'f', 'e', 'g'} {
			fold(strconv.FormatFloat(d, fm, 3, 64))
		}
	}
	fmt.Printf("random round trips: bad=%d hash=%016x\n", bad, h)

	vals := []float64{0, 1, -1, 0.1, 1.0 / 3, 2.0 / 3, 1e21, 1e-7, 123456789.125, 5e-324, math.MaxFloat64,
		math.SmallestNonzeroFloat64, float64(math.MaxFloat32), 9007199254740993, 0.30000000000000004}
	for _, v := range vals {
		fmt.Printf("%s | %s | %s | %s | %s | %s | %s\n",
			strconv.FormatFloat(v, 'g', -1, 64), strconv.FormatFloat(v, 'e', 17, 64),
			strconv.FormatFloat(v, 'f', -1, 64), strconv.FormatFloat(v, 'b', -1, 64),
			strconv.FormatFloat(v, 'x', -1, 64), strconv.FormatFloat(v, 'g', 5, 32), fmt.Sprintf("%v %.3f %8.2e", v, v, v))
	}
	for _, s := range []string{"1e400", "-1e400", "1e-400", "0x1p-1074", "0x1.fffffffffffffp1023", "inf", "-Inf", "NaN",
		"1_000.5", "2.2250738585072011e-308", "4.9406564584124654e-324", "179769313486231580793728971405301e276",
		"0.1e-", "+.5", "1.7976931348623159e308"} {
		v, err := strconv.ParseFloat(s, 64)
		fmt.Printf("ParseFloat(%q) = %s %v\n", s, strconv.FormatFloat(v, 'g', -1, 64), err)
	}
	for _, s := range []string{"0", "-9223372036854775808", "9223372036854775808", "0x7fffffffffffffff", "0b1011",
		"0o777", "-0x80", "12a", "1_000_000"} {
		v, err := strconv.ParseInt(s, 0, 64)
		u, uerr := strconv.ParseUint(s, 0, 64)
		fmt.Printf("ParseInt(%q) = %d %v; ParseUint = %d %v\n", s, v, err, u, uerr)
	}
	for _, b := range []int{2, 3, 8, 16, 36} {
		fmt.Printf("base %d: %s %s\n", b, strconv.FormatInt(-1234567890123, b), strconv.FormatUint(math.MaxUint64, b))
	}
	q := strconv.Quote("tab\there \"quoted\" \x00 \u00e9 \U0001F600 \xff")
	uq, err := strconv.Unquote(q)
	fmt.Println(q, strconv.QuoteToASCII(uq), err)
	fmt.Println(strconv.Itoa(-45), strconv.AppendBool(nil, true), strconv.AppendFloat([]byte("x="), 0.5, 'f', 2, 64))

	// math/big
	f := new(big.Int).MulRange(1, 300)
	fs := f.String()
	fmt.Printf("300! has %d digits, starts %s, ends %s\n", len(fs), fs[:20], fs[len(fs)-80:])
	p := new(big.Int).Exp(big.NewInt(2), big.NewInt(521), nil)
	p.Sub(p, big.NewInt(1))
	fmt.Printf("2^521-1 probably prime: %v\n", p.ProbablyPrime(10))
	qq, rr := new(big.Int).QuoRem(f, p, new(big.Int))
	fmt.Printf("300! / M521 = %s... rem %s...\n", qq.String()[:30], rr.String()[:30])
	g := new(big.Int).GCD(nil, nil, f, new(big.Int).Exp(big.NewInt(6), big.NewInt(200), nil))
	fmt.Printf("gcd bits %d, sqrt(300!) digits %d\n", g.BitLen(), len(new(big.Int).Sqrt(f).String()))
	r := new(big.Rat).SetFrac64(1, 3)
	r.Add(r, big.NewRat(5, 7))
	bf, _ := new(big.Float).SetPrec(200).SetString("1.5")
	bf.Sqrt(bf)
	fmt.Printf("rat %s float %s\n", r.String(), bf.Text('g', 50))
}
