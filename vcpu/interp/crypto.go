package interp

import "math/bits"

// The ARMv8.0 cryptographic extension: AESE, AESD, AESMC, AESIMC; SHA1C,
// SHA1P, SHA1M, SHA1H, SHA1SU0, SHA1SU1; SHA256H, SHA256H2, SHA256SU0,
// SHA256SU1; and PMULL/PMULL2 on 64-bit elements. SHA512, SHA3, SM3 and SM4
// are not implemented.

// decodeAES decodes the AES group (opcode bits 16:12).
func decodeAES(raw uint32, in *Inst) bool {
	switch field(raw, 12, 5) {
	case 0b00100:
		in.fn = opAESE
	case 0b00101:
		in.fn = opAESD
	case 0b00110:
		in.fn = opAESMC
	case 0b00111:
		in.fn = opAESIMC
	default:
		return false
	}
	return true
}

// AES tables, computed at start-up: the S-box, its inverse, and the byte
// permutations of ShiftRows and InvShiftRows (state byte r+4c is row r,
// column c, as in FIPS-197 with the state loaded in memory order).
var (
	aesSbox, aesInvSbox   [256]byte
	aesShift, aesInvShift [16]byte
)

func init() {
	// Multiplicative inverses by exponentiation of the generator 3.
	var exp, log [256]byte
	x := byte(1)
	for i := range 255 {
		exp[i] = x
		log[x] = byte(i)
		x ^= gmul2(x) // x *= 3
	}
	for i := range 256 {
		inv := byte(0)
		if i != 0 {
			inv = exp[(255-int(log[i]))%255]
		}
		s := inv ^ bits.RotateLeft8(inv, 1) ^ bits.RotateLeft8(inv, 2) ^ bits.RotateLeft8(inv, 3) ^
			bits.RotateLeft8(inv, 4) ^ 0x63
		aesSbox[i] = s
		aesInvSbox[s] = byte(i)
	}
	for r := range 4 {
		for c := range 4 {
			aesShift[r+4*c] = byte(r + 4*((c+r)%4))
			aesInvShift[r+4*c] = byte(r + 4*((c-r+4)%4))
		}
	}
}

// gmul2 multiplies by x in GF(2^8) modulo the AES polynomial.
func gmul2(b byte) byte { return b<<1 ^ byte(int8(b)>>7)&0x1b }

// opAESE is AESE: SubBytes(ShiftRows(Vd ^ Vn)). Output byte i is S(in[j])
// for j = aesShift[i], unrolled.
func opAESE(c *CPU, in *Inst) {
	d, n := &c.V[in.rd], &c.V[in.rn]
	lo, hi := d[0]^n[0], d[1]^n[1]
	s := &aesSbox
	d[0] = uint64(s[byte(lo)]) | uint64(s[byte(lo>>40)])<<8 | uint64(s[byte(hi>>16)])<<16 |
		uint64(s[byte(hi>>56)])<<24 | uint64(s[byte(lo>>32)])<<32 | uint64(s[byte(hi>>8)])<<40 |
		uint64(s[byte(hi>>48)])<<48 | uint64(s[byte(lo>>24)])<<56
	d[1] = uint64(s[byte(hi)]) | uint64(s[byte(hi>>40)])<<8 | uint64(s[byte(lo>>16)])<<16 |
		uint64(s[byte(lo>>56)])<<24 | uint64(s[byte(hi>>32)])<<32 | uint64(s[byte(lo>>8)])<<40 |
		uint64(s[byte(lo>>48)])<<48 | uint64(s[byte(hi>>24)])<<56
}

// opAESD is AESD: InvSubBytes(InvShiftRows(Vd ^ Vn)), unrolled likewise.
func opAESD(c *CPU, in *Inst) {
	d, n := &c.V[in.rd], &c.V[in.rn]
	lo, hi := d[0]^n[0], d[1]^n[1]
	s := &aesInvSbox
	d[0] = uint64(s[byte(lo)]) | uint64(s[byte(hi>>40)])<<8 | uint64(s[byte(hi>>16)])<<16 |
		uint64(s[byte(lo>>56)])<<24 | uint64(s[byte(lo>>32)])<<32 | uint64(s[byte(lo>>8)])<<40 |
		uint64(s[byte(hi>>48)])<<48 | uint64(s[byte(hi>>24)])<<56
	d[1] = uint64(s[byte(hi)]) | uint64(s[byte(lo>>40)])<<8 | uint64(s[byte(lo>>16)])<<16 |
		uint64(s[byte(hi>>56)])<<24 | uint64(s[byte(hi>>32)])<<32 | uint64(s[byte(hi>>8)])<<40 |
		uint64(s[byte(lo>>48)])<<48 | uint64(s[byte(lo>>24)])<<56
}

// xtime64 multiplies every byte of x by 2 in GF(2^8).
func xtime64(x uint64) uint64 {
	return (x&0x7f7f7f7f7f7f7f7f)<<1 ^ (x>>7&0x0101010101010101)*0x1b
}

// rotr32x2 rotates each 32-bit half of x right by k bits (k a multiple of 8).
func rotr32x2(x uint64, k uint) uint64 {
	m := uint64(0xffffffff>>k) * 0x100000001
	return x>>k&m | x<<(32-k)&^m
}

// mixColumns2 is MixColumns on the two columns (rows in byte order) of x:
// out_r = 2 a_r ^ 3 a_(r+1) ^ a_(r+2) ^ a_(r+3).
func mixColumns2(x uint64) uint64 {
	x2 := xtime64(x)
	return x2 ^ rotr32x2(x2^x, 8) ^ rotr32x2(x, 16) ^ rotr32x2(x, 24)
}

// opAESMC is AESMC: MixColumns of Vn.
func opAESMC(c *CPU, in *Inst) {
	n := &c.V[in.rn]
	c.V[in.rd] = [2]uint64{mixColumns2(n[0]), mixColumns2(n[1])}
}

// opAESIMC is AESIMC: InvMixColumns of Vn, as MixColumns after adding
// 4(a_r ^ a_(r+2)) to each byte.
func opAESIMC(c *CPU, in *Inst) {
	n := &c.V[in.rn]
	inv := func(x uint64) uint64 {
		return mixColumns2(x ^ xtime64(xtime64(x^rotr32x2(x, 16))))
	}
	c.V[in.rd] = [2]uint64{inv(n[0]), inv(n[1])}
}

// decodeSHA3Reg decodes the SHA three-register group.
func decodeSHA3Reg(raw uint32, in *Inst) bool {
	switch field(raw, 12, 3) {
	case 0:
		in.fn = opSHA1C
	case 1:
		in.fn = opSHA1P
	case 2:
		in.fn = opSHA1M
	case 3:
		in.fn = opSHA1SU0
	case 4:
		in.fn = opSHA256H
	case 5:
		in.fn = opSHA256H2
	case 6:
		in.fn = opSHA256SU1
	default:
		return false
	}
	return true
}

// decodeSHA2Reg decodes the SHA two-register group.
func decodeSHA2Reg(raw uint32, in *Inst) bool {
	switch field(raw, 12, 5) {
	case 0:
		in.fn = opSHA1H
	case 1:
		in.fn = opSHA1SU1
	case 2:
		in.fn = opSHA256SU0
	default:
		return false
	}
	return true
}

func shaChoose(x, y, z uint32) uint32   { return (y^z)&x ^ z }
func shaParity(x, y, z uint32) uint32   { return x ^ y ^ z }
func shaMajority(x, y, z uint32) uint32 { return x&y | (x|y)&z }

// sha1Hash runs the four rounds of SHA1C/P/M: X = Qd, Y = Sn, W = Vm.
func (c *CPU) sha1Hash(in *Inst, f func(x, y, z uint32) uint32) {
	x := c.V[in.rd]
	xs := lanes[uint32](&x)
	y := uint32(c.V[in.rn][0])
	w := lanes[uint32](&c.V[in.rm])
	for e := range 4 {
		t := f(xs[1], xs[2], xs[3])
		y += bits.RotateLeft32(xs[0], 5) + t + w[e]
		xs[1] = bits.RotateLeft32(xs[1], 30)
		// <Y, X> = ROL(Y:X, 32)
		y, xs[0], xs[1], xs[2], xs[3] = xs[3], y, xs[0], xs[1], xs[2]
	}
	c.V[in.rd] = x
}

func opSHA1C(c *CPU, in *Inst) { c.sha1Hash(in, shaChoose) }
func opSHA1P(c *CPU, in *Inst) { c.sha1Hash(in, shaParity) }
func opSHA1M(c *CPU, in *Inst) { c.sha1Hash(in, shaMajority) }

func opSHA1H(c *CPU, in *Inst) {
	c.V[in.rd] = [2]uint64{uint64(bits.RotateLeft32(uint32(c.V[in.rn][0]), 30)), 0}
}

func opSHA1SU0(c *CPU, in *Inst) {
	d, n, m := c.V[in.rd], c.V[in.rn], c.V[in.rm]
	// result = Vn<63:0>:Vd<127:64>, then ^ Vd ^ Vm.
	c.V[in.rd] = [2]uint64{d[1] ^ d[0] ^ m[0], n[0] ^ d[1] ^ m[1]}
}

func opSHA1SU1(c *CPU, in *Inst) {
	x, y := c.V[in.rd], c.V[in.rn]
	t := [2]uint64{x[0] ^ (y[0]>>32 | y[1]<<32), x[1] ^ y[1]>>32}
	ts := lanes[uint32](&t)
	var r [2]uint64
	w := lanes[uint32](&r)
	w[0] = bits.RotateLeft32(ts[0], 1)
	w[1] = bits.RotateLeft32(ts[1], 1)
	w[2] = bits.RotateLeft32(ts[2], 1)
	w[3] = bits.RotateLeft32(ts[3], 1) ^ bits.RotateLeft32(ts[0], 2)
	c.V[in.rd] = r
}

func sigma0(x uint32) uint32 {
	return bits.RotateLeft32(x, -2) ^ bits.RotateLeft32(x, -13) ^ bits.RotateLeft32(x, -22)
}
func sigma1(x uint32) uint32 {
	return bits.RotateLeft32(x, -6) ^ bits.RotateLeft32(x, -11) ^ bits.RotateLeft32(x, -25)
}

// sha256Hash is the ARM SHA256hash: four rounds on X, Y with schedule W.
func sha256Hash(x, y, w [2]uint64, part1 bool) [2]uint64 {
	xs, ys, ws := lanes[uint32](&x), lanes[uint32](&y), lanes[uint32](&w)
	for e := range 4 {
		chs := shaChoose(ys[0], ys[1], ys[2])
		maj := shaMajority(xs[0], xs[1], xs[2])
		t := ys[3] + sigma1(ys[0]) + chs + ws[e]
		xs[3] += t
		ys[3] = t + sigma0(xs[0]) + maj
		// <Y, X> = ROL(Y:X, 32)
		x3, y3 := xs[3], ys[3]
		xs[3], xs[2], xs[1], xs[0] = xs[2], xs[1], xs[0], y3
		ys[3], ys[2], ys[1], ys[0] = ys[2], ys[1], ys[0], x3
	}
	if part1 {
		return x
	}
	return y
}

func opSHA256H(c *CPU, in *Inst) {
	c.V[in.rd] = sha256Hash(c.V[in.rd], c.V[in.rn], c.V[in.rm], true)
}
func opSHA256H2(c *CPU, in *Inst) {
	c.V[in.rd] = sha256Hash(c.V[in.rn], c.V[in.rd], c.V[in.rm], false)
}

func opSHA256SU0(c *CPU, in *Inst) {
	op1, op2 := c.V[in.rd], c.V[in.rn]
	t := [2]uint64{op1[0]>>32 | op1[1]<<32, op1[1]>>32 | op2[0]<<32}
	var r [2]uint64
	ts, o1, rs := lanes[uint32](&t), lanes[uint32](&op1), lanes[uint32](&r)
	for e := range 4 {
		x := ts[e]
		rs[e] = (bits.RotateLeft32(x, -7) ^ bits.RotateLeft32(x, -18) ^ x>>3) + o1[e]
	}
	c.V[in.rd] = r
}

func opSHA256SU1(c *CPU, in *Inst) {
	op1, op2, op3 := c.V[in.rd], c.V[in.rn], c.V[in.rm]
	t0 := [2]uint64{op2[0]>>32 | op2[1]<<32, op2[1]>>32 | op3[0]<<32}
	var r [2]uint64
	t0s, o1, o3, rs := lanes[uint32](&t0), lanes[uint32](&op1), lanes[uint32](&op3), lanes[uint32](&r)
	s1 := func(x uint32) uint32 { return bits.RotateLeft32(x, -17) ^ bits.RotateLeft32(x, -19) ^ x>>10 }
	rs[0] = s1(o3[2]) + o1[0] + t0s[0]
	rs[1] = s1(o3[3]) + o1[1] + t0s[1]
	rs[2] = s1(rs[0]) + o1[2] + t0s[2]
	rs[3] = s1(rs[1]) + o1[3] + t0s[3]
	c.V[in.rd] = r
}

// decodePmull64 decodes PMULL/PMULL2 Vd.1Q, Vn.1D/2D, Vm.1D/2D; sh is the
// source element.
func decodePmull64(raw uint32, in *Inst) bool {
	in.sh = uint8(raw >> 30 & 1)
	in.fn = opPmull64
	return true
}

func opPmull64(c *CPU, in *Inst) {
	hi, lo := pmul64(c.V[in.rn][in.sh&1], c.V[in.rm][in.sh&1])
	c.V[in.rd] = [2]uint64{lo, hi}
}
