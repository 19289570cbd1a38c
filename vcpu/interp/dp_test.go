package interp

import "testing"

func TestIntegerBasics(t *testing.T) {
	c := testCPU(t)
	c.X[1] = 5
	c.X[2] = 7
	runCode(t, c,
		0x8b020020, // add x0, x1, x2
		0xcb010043, // sub x3, x2, x1
		0xd2800f44, // mov x4, #0x7a
		0xf2a00024, // movk x4, #1, lsl #16
		0xeb02003f, // cmp x1, x2
		0x9a82b025, // csel x5, x1, x2, lt
		0x9b027c26, // mul x6, x1, x2
	)
	for r, want := range map[int]uint64{0: 12, 3: 2, 4: 0x1007a, 5: 5, 6: 35} {
		if c.X[r] != want {
			t.Errorf("x%d = %#x, want %#x", r, c.X[r], want)
		}
	}
	if c.NZCV>>28 != 0b1000 { // 5-7: N set, borrow (C clear)
		t.Errorf("nzcv = %04b", c.NZCV>>28)
	}
}
