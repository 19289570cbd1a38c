package interp

import (
	"testing"
)

// Interpreter throughput on three loop kernels. Each reports guest
// instructions per second (insns/s); `make bench` runs the same kernels as
// static programs next to qemu-aarch64.

func benchLoop(b *testing.B, setup func(c *CPU), insnsPerIter int, body ...uint32) {
	c := testCPU(b)
	const iters = 1 << 20
	c.X[9] = iters
	prog := append(body, 0xf1000529, 0x54000001|uint32((-len(body)-1)&0x7ffff)<<5) // subs x9,x9,#1; b.ne body
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c.X[9] = iters
		if setup != nil {
			setup(c)
		}
		runCode(b, c, prog...)
	}
	b.ReportMetric(float64(iters*(insnsPerIter+2))*float64(b.N)/b.Elapsed().Seconds(), "insns/s")
}

func BenchmarkIntegerLoop(b *testing.B) {
	benchLoop(b, nil, 4,
		0x8b010000, // add x0, x0, x1
		0xca000421, // eor x1, x1, x0, lsl #1
		0xd341fc42, // lsr x2, x2, #1
		0x9a820063, // csel x3, x3, x2, eq
	)
}

func BenchmarkMemoryCopyLoop(b *testing.B) {
	benchLoop(b, func(c *CPU) {
		c.X[0], c.X[1], c.X[3] = dataBase, dataBase+0x8000, 0
	}, 4,
		0xf8636802, // ldr x2, [x0, x3]
		0xf8236822, // str x2, [x1, x3]
		0x91002063, // add x3, x3, #8
		0x927d2c63, // and x3, x3, #0x7ff8
	)
}

func BenchmarkFloatLoop(b *testing.B) {
	benchLoop(b, func(c *CPU) {
		c.V[0][0], c.V[1][0], c.V[2][0] = 0x3ff0000000000000, 0x3ff0000000000001, 0x3fe0000000000000
	}, 4,
		0x1e612800, // fadd d0, d0, d1
		0x1e620800, // fmul d0, d0, d2
		0x1f420400, // fmadd d0, d0, d2, d1
		0x1e602010, // fcmpe d0, d0
	)
}
