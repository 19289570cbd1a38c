package interp

import "testing"

// SIMD throughput on loop kernels like those of string routines, hashing and
// vector float code (see bench_test.go).

func BenchmarkSIMDStringLoop(b *testing.B) {
	benchLoop(b, func(c *CPU) { c.V[1] = [2]uint64{0x6f6c6c6568, 0x646c726f77} }, 8,
		0x4e209820, // cmeq v0.16b, v1.16b, #0
		0x0f0c8400, // shrn v0.8b, v0.8h, #4
		0x6e20a402, // umaxp v2.16b, v0.16b, v0.16b
		0x4e083c00, // mov x0, v0.d[0]
		0x4e090028, // tbl v8.16b, {v1.16b}, v9.16b
		0x6e08282a, // ext v10.16b, v1.16b, v8.16b, #5
		0x4e010c6b, // dup v11.16b, w3
		0x4e2a1d6c, // and v12.16b, v11.16b, v10.16b
	)
}

func BenchmarkSIMDIntLoop(b *testing.B) {
	benchLoop(b, nil, 4,
		0x4ea18400, // add v0.4s, v0.4s, v1.4s
		0x6f3d0402, // ushr v2.4s, v0.4s, #3
		0x6e221c63, // eor v3.16b, v3.16b, v2.16b
		0x6e303864, // uaddlv h4, v3.16b
	)
}

func BenchmarkSIMDAESLoop(b *testing.B) {
	benchLoop(b, nil, 4,
		0x4e284820, // aese v0.16b, v1.16b
		0x4e286800, // aesmc v0.16b, v0.16b
		0x4e284840, // aese v0.16b, v2.16b
		0x4e286800, // aesmc v0.16b, v0.16b
	)
}

func BenchmarkSIMDFloatLoop(b *testing.B) {
	benchLoop(b, func(c *CPU) {
		c.V[1] = [2]uint64{0x3f8000003f800000, 0x3f8000003f800000}
		c.V[2] = c.V[1]
		c.V[4] = [2]uint64{0x3ff0000000000000, 0x3ff0000000000000}
	}, 4,
		0x4e22cc20, // fmla v0.4s, v1.4s, v2.4s
		0x4e64d463, // fadd v3.2d, v3.2d, v4.2d
		0x4fa690a5, // fmul v5.4s, v5.4s, v6.s[1]
		0x6e20d4e7, // faddp v7.4s, v7.4s, v0.4s
	)
}
