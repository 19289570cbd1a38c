package interp

import (
	"math/bits"
)

// Data processing, immediate: PC-relative addressing, add/sub, logical,
// move wide, bitfield and extract.
//
// Operand conventions: imm is the immediate (already shifted/decoded), rd/rn
// are mapped register indices; bitfield ops keep wmask in imm, tmask in imm2
// and the rotation in sh.
func decodeDPImm(raw uint32, pc uint64, in *Inst) bool {
	sf := raw>>31 == 1
	switch raw >> 23 & 7 {
	case 0, 1: // PC-rel
		rd := wZR(raw)
		imm := sext(uint64(field(raw, 5, 19)<<2|field(raw, 29, 2)), 21)
		in.rd = rd
		if raw>>31 == 0 { // ADR
			in.imm = pc + imm
		} else { // ADRP
			in.imm = pc&^0xfff + imm<<12
		}
		in.fn = opMovImm
		return true
	case 2: // add/sub immediate
		imm := uint64(field(raw, 10, 12))
		if raw>>22&1 == 1 {
			imm <<= 12
		}
		in.imm = imm
		in.rn = rSP(raw >> 5)
		op, s := raw>>30&1, raw>>29&1
		if s == 1 {
			in.rd = wZR(raw)
		} else {
			in.rd = rSP(raw)
		}
		switch {
		case op == 0 && s == 0 && sf:
			in.fn = opAddImm64
		case op == 0 && s == 0:
			in.fn = opAddImm32
		case op == 1 && s == 0 && sf:
			in.fn = opSubImm64
		case op == 1 && s == 0:
			in.fn = opSubImm32
		case op == 0 && sf:
			in.fn = opAddsImm64
		case op == 0:
			in.fn = opAddsImm32
		case sf:
			in.fn = opSubsImm64
		default:
			in.fn = opSubsImm32
		}
		return true
	case 3: // add/sub immediate with tags (MTE): not implemented
		return false
	case 4: // logical immediate
		n := raw >> 22 & 1
		if !sf && n == 1 {
			return false
		}
		wmask, _, ok := decodeBitMasks(n, field(raw, 10, 6), field(raw, 16, 6), true, sf)
		if !ok {
			return false
		}
		in.imm = wmask
		in.rn = rZR(raw >> 5)
		opc := raw >> 29 & 3
		if opc == 3 {
			in.rd = wZR(raw)
		} else {
			in.rd = rSP(raw)
		}
		switch {
		case opc == 0:
			in.fn = opAndImm
		case opc == 1:
			in.fn = opOrrImm
		case opc == 2:
			in.fn = opEorImm
		case sf:
			in.fn = opAndsImm64
		default:
			in.fn = opAndsImm32
		}
		if !sf && opc != 3 {
			// 32-bit results are zero-extended; the mask already has no high bits,
			// but ORR/EOR with a 64-bit source would keep them.
			switch opc {
			case 1:
				in.fn = opOrrImm32
			case 2:
				in.fn = opEorImm32
			}
		}
		return true
	case 5: // move wide
		hw := field(raw, 21, 2)
		if !sf && hw > 1 {
			return false
		}
		in.sh = uint8(hw * 16)
		in.imm = uint64(field(raw, 5, 16)) << in.sh
		in.rd = wZR(raw)
		switch raw >> 29 & 3 {
		case 0: // MOVN
			in.imm = ^in.imm
			if !sf {
				in.imm &= 0xffffffff
			}
			in.fn = opMovImm
		case 2: // MOVZ
			in.fn = opMovImm
		case 3: // MOVK
			in.imm2 = ^(uint64(0xffff) << in.sh)
			if sf {
				in.fn = opMovk64
			} else {
				in.fn = opMovk32
			}
		default:
			return false
		}
		return true
	case 6: // bitfield
		n := raw >> 22 & 1
		opc := raw >> 29 & 3
		if opc == 3 || (sf && n == 0) || (!sf && n == 1) {
			return false
		}
		immr, imms := field(raw, 16, 6), field(raw, 10, 6)
		if !sf && (immr > 31 || imms > 31) {
			return false
		}
		wmask, tmask, ok := decodeBitMasks(n, imms, immr, false, sf)
		if !ok {
			return false
		}
		in.rd, in.rn = wZR(raw), rZR(raw>>5)
		in.imm, in.imm2, in.sh, in.op = wmask, tmask, uint8(immr), uint8(imms)
		return decodeBitfield(sf, opc, immr, imms, in)
	case 7: // extract
		if raw>>29&3 != 0 || raw>>21&1 != 0 {
			return false
		}
		n := raw >> 22 & 1
		imms := field(raw, 10, 6)
		if (sf && n != 1) || (!sf && (n != 0 || imms > 31)) {
			return false
		}
		in.rd, in.rn, in.rm, in.sh = wZR(raw), rZR(raw>>5), rZR(raw>>16), uint8(imms)
		if sf {
			in.fn = opExtr64
		} else {
			in.fn = opExtr32
		}
		return true
	}
	return false
}

// decodeBitMasks is the ARM DecodeBitMasks: it returns the wmask and tmask of
// a logical immediate or bitfield encoding, replicated to 64 bits (callers
// of 32-bit forms use the low half).
func decodeBitMasks(n, imms, immr uint32, immediate, sf bool) (wmask, tmask uint64, ok bool) {
	combined := n<<6 | (^imms & 0x3f)
	if combined == 0 {
		return 0, 0, false
	}
	length := uint(bits.Len32(combined)) - 1
	if length < 1 {
		return 0, 0, false
	}
	levels := uint32(1)<<length - 1
	if immediate && imms&levels == levels {
		return 0, 0, false
	}
	s := imms & levels
	r := immr & levels
	diff := (s - r) & levels
	esize := uint(1) << length
	welem := ones(uint(s) + 1)
	telem := ones(uint(diff) + 1)
	welem = rorN(welem, uint(r), esize)
	wmask = replicate(welem, esize)
	tmask = replicate(telem, esize)
	if !sf {
		wmask &= 0xffffffff
		tmask &= 0xffffffff
	}
	return wmask, tmask, true
}

func ones(n uint) uint64 {
	if n >= 64 {
		return ^uint64(0)
	}
	return 1<<n - 1
}

// rorN rotates the low esize bits of v right by r.
func rorN(v uint64, r, esize uint) uint64 {
	if r == 0 {
		return v
	}
	m := ones(esize)
	return (v>>r | v<<(esize-r)) & m
}

func replicate(v uint64, esize uint) uint64 {
	for esize < 64 {
		v |= v << esize
		esize *= 2
	}
	return v
}

func opMovImm(c *CPU, in *Inst) { c.X[in.rd] = in.imm }

func opAddImm64(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] + in.imm }
func opAddImm32(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] + in.imm)) }
func opSubImm64(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] - in.imm }
func opSubImm32(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] - in.imm)) }
func opAddsImm64(c *CPU, in *Inst) {
	c.X[in.rd] = c.adds64(c.X[in.rn], in.imm, 0)
}
func opAddsImm32(c *CPU, in *Inst) {
	c.X[in.rd] = c.adds32(c.X[in.rn], in.imm, 0)
}
func opSubsImm64(c *CPU, in *Inst) {
	c.X[in.rd] = c.adds64(c.X[in.rn], ^in.imm, 1)
}
func opSubsImm32(c *CPU, in *Inst) {
	c.X[in.rd] = c.adds32(c.X[in.rn], ^in.imm, 1)
}

// adds64 is AddWithCarry on 64 bits, setting NZCV.
func (c *CPU) adds64(a, b, carry uint64) uint64 {
	r, cout := bits.Add64(a, b, carry)
	v := ((a ^ r) & (b ^ r)) >> 63
	c.NZCV = r>>63<<31 | b2u(r == 0)<<30 | cout<<29 | v<<28
	return r
}

// adds32 is AddWithCarry on 32 bits, setting NZCV; the result is zero-extended.
func (c *CPU) adds32(a, b, carry uint64) uint64 {
	x, y := uint32(a), uint32(b)
	r, cout := bits.Add32(x, y, uint32(carry))
	v := ((x ^ r) & (y ^ r)) >> 31
	c.NZCV = uint64(r>>31)<<31 | b2u(r == 0)<<30 | uint64(cout)<<29 | uint64(v)<<28
	return uint64(r)
}

// logicFlags sets NZCV for a logical result: N and Z, C=V=0.
func (c *CPU) logicFlags64(r uint64) { c.NZCV = r>>63<<31 | b2u(r == 0)<<30 }
func (c *CPU) logicFlags32(r uint64) { c.NZCV = r>>31&1<<31 | b2u(uint32(r) == 0)<<30 }

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func opAndImm(c *CPU, in *Inst)   { c.X[in.rd] = c.X[in.rn] & in.imm }
func opOrrImm(c *CPU, in *Inst)   { c.X[in.rd] = c.X[in.rn] | in.imm }
func opEorImm(c *CPU, in *Inst)   { c.X[in.rd] = c.X[in.rn] ^ in.imm }
func opOrrImm32(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] | in.imm)) }
func opEorImm32(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] ^ in.imm)) }
func opAndsImm64(c *CPU, in *Inst) {
	r := c.X[in.rn] & in.imm
	c.logicFlags64(r)
	c.X[in.rd] = r
}
func opAndsImm32(c *CPU, in *Inst) {
	r := uint64(uint32(c.X[in.rn] & in.imm))
	c.logicFlags32(r)
	c.X[in.rd] = r
}

func opMovk64(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rd]&in.imm2 | in.imm }
func opMovk32(c *CPU, in *Inst) {
	c.X[in.rd] = uint64(uint32(c.X[in.rd]&in.imm2 | in.imm))
}

// decodeBitfield picks a handler for SBFM/BFM/UBFM, with fast forms for the
// common aliases (LSL, LSR, ASR, UBFX, SBFX, SXTW…).
func decodeBitfield(sf bool, opc, immr, imms uint32, in *Inst) bool {
	width := uint32(32)
	if sf {
		width = 64
	}
	switch opc {
	case 0: // SBFM
		switch {
		case imms == width-1: // ASR
			in.sh = uint8(immr)
			if sf {
				in.fn = opAsr64
			} else {
				in.fn = opAsr32
			}
			return true
		case imms >= immr: // SBFX (includes SXTB/SXTH/SXTW)
			in.sh = uint8(immr)
			in.op = uint8(imms - immr + 1) // field width
			if sf {
				in.fn = opSbfx64
			} else {
				in.fn = opSbfx32
			}
			return true
		}
		if sf {
			in.fn = opSbfm64
		} else {
			in.fn = opSbfm32
		}
	case 1:
		if sf {
			in.fn = opBfm64
		} else {
			in.fn = opBfm32
		}
	case 2: // UBFM
		switch {
		case imms+1 == immr: // LSL #(width-1-imms)
			in.sh = uint8(width - 1 - imms)
			if sf {
				in.fn = opLsl64
			} else {
				in.fn = opLsl32
			}
			return true
		case imms == width-1: // LSR
			in.sh = uint8(immr)
			in.fn = opLsr
			if !sf {
				in.fn = opLsr32
			}
			return true
		case imms >= immr: // UBFX
			in.sh = uint8(immr)
			in.imm2 = ones(uint(imms - immr + 1))
			in.fn = opUbfx
			return true
		}
		if sf {
			in.fn = opUbfm64
		} else {
			in.fn = opUbfm32
		}
	}
	return true
}

func opAsr64(c *CPU, in *Inst) { c.X[in.rd] = uint64(int64(c.X[in.rn]) >> in.sh) }
func opAsr32(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(int32(c.X[in.rn]) >> in.sh)) }
func opLsl64(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] << in.sh }
func opLsl32(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn]) << in.sh) }
func opLsr(c *CPU, in *Inst)   { c.X[in.rd] = c.X[in.rn] >> in.sh }
func opLsr32(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn]) >> in.sh) }
func opUbfx(c *CPU, in *Inst)  { c.X[in.rd] = c.X[in.rn] >> in.sh & in.imm2 }
func opSbfx64(c *CPU, in *Inst) {
	w := in.op
	c.X[in.rd] = uint64(int64(c.X[in.rn]>>in.sh<<(64-w)) >> (64 - w))
}
func opSbfx32(c *CPU, in *Inst) {
	w := in.op
	c.X[in.rd] = uint64(uint32(int32(uint32(c.X[in.rn])>>in.sh<<(32-w)) >> (32 - w)))
}

// The general forms, straight from the ARM pseudocode. sh = immr (R),
// op = imms (S), imm = wmask, imm2 = tmask.
func opUbfm64(c *CPU, in *Inst) {
	c.X[in.rd] = bits.RotateLeft64(c.X[in.rn], -int(in.sh)) & in.imm & in.imm2
}
func opUbfm32(c *CPU, in *Inst) {
	c.X[in.rd] = uint64(bits.RotateLeft32(uint32(c.X[in.rn]), -int(in.sh))) & in.imm & in.imm2
}
func opSbfm64(c *CPU, in *Inst) {
	src := c.X[in.rn]
	bot := bits.RotateLeft64(src, -int(in.sh)) & in.imm
	top := uint64(int64(src<<(63-in.op)) >> 63)
	c.X[in.rd] = top&^in.imm2 | bot&in.imm2
}
func opSbfm32(c *CPU, in *Inst) {
	src := uint32(c.X[in.rn])
	bot := uint64(bits.RotateLeft32(src, -int(in.sh))) & in.imm
	top := uint64(uint32(int32(src<<(31-in.op)) >> 31))
	c.X[in.rd] = (top&^in.imm2 | bot&in.imm2) & 0xffffffff
}
func opBfm64(c *CPU, in *Inst) {
	dst := c.X[in.rd] // for XZR this reads the sink; the result is discarded anyway
	bot := dst&^in.imm | bits.RotateLeft64(c.X[in.rn], -int(in.sh))&in.imm
	c.X[in.rd] = dst&^in.imm2 | bot&in.imm2
}
func opBfm32(c *CPU, in *Inst) {
	dst := c.X[in.rd] & 0xffffffff
	bot := dst&^in.imm | uint64(bits.RotateLeft32(uint32(c.X[in.rn]), -int(in.sh)))&in.imm
	c.X[in.rd] = (dst&^in.imm2 | bot&in.imm2) & 0xffffffff
}

func opExtr64(c *CPU, in *Inst) {
	if in.sh == 0 {
		c.X[in.rd] = c.X[in.rm]
		return
	}
	c.X[in.rd] = c.X[in.rm]>>in.sh | c.X[in.rn]<<(64-in.sh)
}
func opExtr32(c *CPU, in *Inst) {
	v := uint64(uint32(c.X[in.rn]))<<32 | uint64(uint32(c.X[in.rm]))
	c.X[in.rd] = uint64(uint32(v >> in.sh))
}
