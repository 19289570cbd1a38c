package interp

import "testing"

func BenchmarkLoadStorePairLoop(b *testing.B) {
	benchLoop(b, func(c *CPU) {
		c.X[0], c.X[1] = dataBase, dataBase+0x8000
	}, 4,
		0xa8c10c02, // ldp x2, x3, [x0], #16
		0xa9810c22, // stp x2, x3, [x1, #16]!
		0xd1004000, // sub x0, x0, #0x10
		0xd1004021, // sub x1, x1, #0x10
	)
}

func BenchmarkLoadStoreSingleLoop(b *testing.B) {
	benchLoop(b, func(c *CPU) {
		c.X[0], c.X[1] = dataBase, dataBase+0x8000
	}, 4,
		0x39400402, // ldrb w2, [x0, #1]
		0x39000c22, // strb w2, [x1, #3]
		0xb9400803, // ldr w3, [x0, #8]
		0xf9000823, // str x3, [x1, #16]
	)
}
