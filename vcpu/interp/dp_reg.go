package interp

import (
	"hash/crc32"
	"math/bits"
)

// Data processing, register: logical and add/sub (shifted and extended
// register), add/sub with carry, conditional compare and select, and the
// 1-, 2- and 3-source groups.
//
// Operand conventions: shifted-register forms keep the shift type in op and
// the amount in sh; extended forms keep the extend option in op and the left
// shift in sh; conditional forms keep the condition in cond.
func decodeDPReg(raw uint32, in *Inst) bool {
	sf := raw>>31 == 1
	switch {
	case raw>>24&0x1f == 0b01010:
		return decodeLogicalReg(raw, sf, in)
	case raw>>24&0x1f == 0b01011 && raw>>21&1 == 0:
		return decodeAddSubShifted(raw, sf, in)
	case raw>>24&0x1f == 0b01011:
		return decodeAddSubExtended(raw, sf, in)
	case raw>>24&0x1f == 0b11011:
		return decode3Source(raw, sf, in)
	case raw>>21&0xff == 0b11010000:
		if field(raw, 10, 6) != 0 { // RMIF, SETF8/16 (FEAT_FlagM): not advertised
			return false
		}
		in.rd, in.rn, in.rm = wZR(raw), rZR(raw>>5), rZR(raw>>16)
		op, s := raw>>30&1, raw>>29&1
		in.op = uint8(op)
		switch {
		case sf && s == 0:
			in.fn = opAdc64
		case s == 0:
			in.fn = opAdc32
		case sf:
			in.fn = opAdcs64
		default:
			in.fn = opAdcs32
		}
		return true
	case raw>>21&0xff == 0b11010010: // CCMN/CCMP
		if raw>>29&1 != 1 || raw>>10&1 != 0 || raw>>4&1 != 0 {
			return false
		}
		in.rn = rZR(raw >> 5)
		in.cond = uint8(field(raw, 12, 4))
		in.imm2 = uint64(raw&15) << 28
		if raw>>11&1 == 1 {
			in.imm = uint64(field(raw, 16, 5))
		} else {
			in.rm = rZR(raw >> 16)
			in.op = 1
		}
		neg := raw>>30&1 == 1 // CCMP subtracts
		switch {
		case neg && sf:
			in.fn = opCcmp64
		case neg:
			in.fn = opCcmp32
		case sf:
			in.fn = opCcmn64
		default:
			in.fn = opCcmn32
		}
		return true
	case raw>>21&0xff == 0b11010100: // conditional select
		if raw>>29&1 != 0 || raw>>11&1 != 0 {
			return false
		}
		in.rd, in.rn, in.rm = wZR(raw), rZR(raw>>5), rZR(raw>>16)
		in.cond = uint8(field(raw, 12, 4))
		switch raw>>30&1<<1 | raw>>10&1 {
		case 0:
			in.fn = opCsel
		case 1:
			in.fn = opCsinc
		case 2:
			in.fn = opCsinv
		case 3:
			in.fn = opCsneg
		}
		if !sf {
			in.imm = 0xffffffff
		} else {
			in.imm = ^uint64(0)
		}
		return true
	case raw>>21&0xff == 0b11010110:
		if raw>>30&1 == 1 {
			return decode1Source(raw, sf, in)
		}
		return decode2Source(raw, sf, in)
	}
	return false
}

// Shift types of shifted-register operands.
const (
	shLSL = iota
	shLSR
	shASR
	shROR
)

func shift64(v uint64, typ, amt uint8) uint64 {
	switch typ {
	case shLSL:
		return v << amt
	case shLSR:
		return v >> amt
	case shASR:
		return uint64(int64(v) >> amt)
	}
	return bits.RotateLeft64(v, -int(amt))
}

func shift32(v uint64, typ, amt uint8) uint64 {
	x := uint32(v)
	switch typ {
	case shLSL:
		return uint64(x << amt)
	case shLSR:
		return uint64(x >> amt)
	case shASR:
		return uint64(uint32(int32(x) >> amt))
	}
	return uint64(bits.RotateLeft32(x, -int(amt)))
}

func decodeLogicalReg(raw uint32, sf bool, in *Inst) bool {
	imm6 := field(raw, 10, 6)
	if !sf && imm6 > 31 {
		return false
	}
	in.rd, in.rn, in.rm = wZR(raw), rZR(raw>>5), rZR(raw>>16)
	in.op, in.sh = uint8(field(raw, 22, 2)), uint8(imm6)
	opc, n := raw>>29&3, raw>>21&1
	if opc == 1 && n == 0 && in.rn == regZR && in.sh == 0 {
		// MOV (register): the most common instruction of all.
		if sf {
			in.fn = opMovReg
		} else {
			in.fn = opMovReg32
		}
		return true
	}
	k := opc<<1 | n
	if sf {
		in.fn = logicalReg64[k]
	} else {
		in.fn = logicalReg32[k]
	}
	return true
}

var logicalReg64 = [8]func(*CPU, *Inst){
	func(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] & shift64(c.X[in.rm], in.op, in.sh) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] &^ shift64(c.X[in.rm], in.op, in.sh) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] | shift64(c.X[in.rm], in.op, in.sh) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] | ^shift64(c.X[in.rm], in.op, in.sh) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] ^ shift64(c.X[in.rm], in.op, in.sh) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] ^ ^shift64(c.X[in.rm], in.op, in.sh) },
	func(c *CPU, in *Inst) {
		r := c.X[in.rn] & shift64(c.X[in.rm], in.op, in.sh)
		c.logicFlags64(r)
		c.X[in.rd] = r
	},
	func(c *CPU, in *Inst) {
		r := c.X[in.rn] &^ shift64(c.X[in.rm], in.op, in.sh)
		c.logicFlags64(r)
		c.X[in.rd] = r
	},
}

var logicalReg32 = [8]func(*CPU, *Inst){
	func(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] & shift32(c.X[in.rm], in.op, in.sh))) },
	func(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] &^ shift32(c.X[in.rm], in.op, in.sh))) },
	func(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] | shift32(c.X[in.rm], in.op, in.sh))) },
	func(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] | ^shift32(c.X[in.rm], in.op, in.sh))) },
	func(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] ^ shift32(c.X[in.rm], in.op, in.sh))) },
	func(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] ^ ^shift32(c.X[in.rm], in.op, in.sh))) },
	func(c *CPU, in *Inst) {
		r := uint64(uint32(c.X[in.rn] & shift32(c.X[in.rm], in.op, in.sh)))
		c.logicFlags32(r)
		c.X[in.rd] = r
	},
	func(c *CPU, in *Inst) {
		r := uint64(uint32(c.X[in.rn] &^ shift32(c.X[in.rm], in.op, in.sh)))
		c.logicFlags32(r)
		c.X[in.rd] = r
	},
}

func opMovReg(c *CPU, in *Inst)   { c.X[in.rd] = c.X[in.rm] }
func opMovReg32(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rm])) }

func decodeAddSubShifted(raw uint32, sf bool, in *Inst) bool {
	typ, imm6 := field(raw, 22, 2), field(raw, 10, 6)
	if typ == 3 || (!sf && imm6 > 31) {
		return false
	}
	in.rd, in.rn, in.rm = wZR(raw), rZR(raw>>5), rZR(raw>>16)
	in.op, in.sh = uint8(typ), uint8(imm6)
	k := raw >> 29 & 3 // op:S
	if typ == shLSL && imm6 == 0 {
		if sf {
			in.fn = addSubReg64[k]
		} else {
			in.fn = addSubReg32[k]
		}
		return true
	}
	if sf {
		in.fn = addSubShifted64[k]
	} else {
		in.fn = addSubShifted32[k]
	}
	return true
}

var addSubReg64 = [4]func(*CPU, *Inst){
	func(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] + c.X[in.rm] },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.adds64(c.X[in.rn], c.X[in.rm], 0) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] - c.X[in.rm] },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.adds64(c.X[in.rn], ^c.X[in.rm], 1) },
}

var addSubReg32 = [4]func(*CPU, *Inst){
	func(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] + c.X[in.rm])) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.adds32(c.X[in.rn], c.X[in.rm], 0) },
	func(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] - c.X[in.rm])) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.adds32(c.X[in.rn], ^c.X[in.rm], 1) },
}

var addSubShifted64 = [4]func(*CPU, *Inst){
	func(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] + shift64(c.X[in.rm], in.op, in.sh) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.adds64(c.X[in.rn], shift64(c.X[in.rm], in.op, in.sh), 0) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] - shift64(c.X[in.rm], in.op, in.sh) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.adds64(c.X[in.rn], ^shift64(c.X[in.rm], in.op, in.sh), 1) },
}

var addSubShifted32 = [4]func(*CPU, *Inst){
	func(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] + shift32(c.X[in.rm], in.op, in.sh))) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.adds32(c.X[in.rn], shift32(c.X[in.rm], in.op, in.sh), 0) },
	func(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] - shift32(c.X[in.rm], in.op, in.sh))) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.adds32(c.X[in.rn], ^shift32(c.X[in.rm], in.op, in.sh), 1) },
}

func decodeAddSubExtended(raw uint32, sf bool, in *Inst) bool {
	imm3 := field(raw, 10, 3)
	if field(raw, 22, 2) != 0 || imm3 > 4 {
		return false
	}
	in.rn, in.rm = rSP(raw>>5), rZR(raw>>16)
	in.op, in.sh = uint8(field(raw, 13, 3)), uint8(imm3)
	k := raw >> 29 & 3
	if k&1 == 1 {
		in.rd = wZR(raw)
	} else {
		in.rd = rSP(raw)
	}
	if sf {
		in.fn = addSubExt64[k]
	} else {
		in.fn = addSubExt32[k]
	}
	return true
}

// extend applies an extend option (UXTB…SXTX) and a left shift.
func extend(v uint64, option, sh uint8) uint64 {
	switch option {
	case 0:
		v = uint64(uint8(v))
	case 1:
		v = uint64(uint16(v))
	case 2:
		v = uint64(uint32(v))
	case 4:
		v = uint64(int8(v))
	case 5:
		v = uint64(int16(v))
	case 6:
		v = uint64(int32(v))
	}
	return v << sh
}

var addSubExt64 = [4]func(*CPU, *Inst){
	func(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] + extend(c.X[in.rm], in.op, in.sh) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.adds64(c.X[in.rn], extend(c.X[in.rm], in.op, in.sh), 0) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.rn] - extend(c.X[in.rm], in.op, in.sh) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.adds64(c.X[in.rn], ^extend(c.X[in.rm], in.op, in.sh), 1) },
}

var addSubExt32 = [4]func(*CPU, *Inst){
	func(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] + extend(c.X[in.rm], in.op, in.sh))) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.adds32(c.X[in.rn], extend(c.X[in.rm], in.op, in.sh), 0) },
	func(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.rn] - extend(c.X[in.rm], in.op, in.sh))) },
	func(c *CPU, in *Inst) { c.X[in.rd] = c.adds32(c.X[in.rn], ^extend(c.X[in.rm], in.op, in.sh), 1) },
}

// ADC/SBC: op=1 subtracts (adds the complement).
func opAdc64(c *CPU, in *Inst) {
	b := c.X[in.rm]
	if in.op == 1 {
		b = ^b
	}
	r, _ := bits.Add64(c.X[in.rn], b, c.NZCV>>29&1)
	c.X[in.rd] = r
}
func opAdc32(c *CPU, in *Inst) {
	b := c.X[in.rm]
	if in.op == 1 {
		b = ^b
	}
	c.X[in.rd] = uint64(uint32(c.X[in.rn] + b + c.NZCV>>29&1))
}
func opAdcs64(c *CPU, in *Inst) {
	b := c.X[in.rm]
	if in.op == 1 {
		b = ^b
	}
	c.X[in.rd] = c.adds64(c.X[in.rn], b, c.NZCV>>29&1)
}
func opAdcs32(c *CPU, in *Inst) {
	b := c.X[in.rm]
	if in.op == 1 {
		b = ^b
	}
	c.X[in.rd] = c.adds32(c.X[in.rn], b, c.NZCV>>29&1)
}

// condTable[cond] has bit n set when cond holds for NZCV nibble n.
var condTable = func() (t [16]uint16) {
	for cond := 0; cond < 16; cond++ {
		for f := 0; f < 16; f++ {
			n, z, c, v := f>>3&1 == 1, f>>2&1 == 1, f>>1&1 == 1, f&1 == 1
			var r bool
			switch cond >> 1 {
			case 0:
				r = z
			case 1:
				r = c
			case 2:
				r = n
			case 3:
				r = v
			case 4:
				r = c && !z
			case 5:
				r = n == v
			case 6:
				r = n == v && !z
			case 7:
				r = true
			}
			if cond&1 == 1 && cond != 15 {
				r = !r
			}
			if r {
				t[cond] |= 1 << f
			}
		}
	}
	return
}()

// cond reports whether condition code cc holds.
func (c *CPU) cond(cc uint8) bool { return condTable[cc]>>(c.NZCV>>28&15)&1 != 0 }

// Conditional compare: imm2 holds the NZCV to use when the condition fails;
// op=1 takes the second operand from rm, else from imm.
func (c *CPU) ccmpOperand(in *Inst) uint64 {
	if in.op == 1 {
		return c.X[in.rm]
	}
	return in.imm
}
func opCcmp64(c *CPU, in *Inst) {
	if c.cond(in.cond) {
		c.adds64(c.X[in.rn], ^c.ccmpOperand(in), 1)
	} else {
		c.NZCV = in.imm2
	}
}
func opCcmp32(c *CPU, in *Inst) {
	if c.cond(in.cond) {
		c.adds32(c.X[in.rn], ^c.ccmpOperand(in), 1)
	} else {
		c.NZCV = in.imm2
	}
}
func opCcmn64(c *CPU, in *Inst) {
	if c.cond(in.cond) {
		c.adds64(c.X[in.rn], c.ccmpOperand(in), 0)
	} else {
		c.NZCV = in.imm2
	}
}
func opCcmn32(c *CPU, in *Inst) {
	if c.cond(in.cond) {
		c.adds32(c.X[in.rn], c.ccmpOperand(in), 0)
	} else {
		c.NZCV = in.imm2
	}
}

// Conditional select; imm is the result-width mask.
func opCsel(c *CPU, in *Inst) {
	if c.cond(in.cond) {
		c.X[in.rd] = c.X[in.rn] & in.imm
	} else {
		c.X[in.rd] = c.X[in.rm] & in.imm
	}
}
func opCsinc(c *CPU, in *Inst) {
	if c.cond(in.cond) {
		c.X[in.rd] = c.X[in.rn] & in.imm
	} else {
		c.X[in.rd] = (c.X[in.rm] + 1) & in.imm
	}
}
func opCsinv(c *CPU, in *Inst) {
	if c.cond(in.cond) {
		c.X[in.rd] = c.X[in.rn] & in.imm
	} else {
		c.X[in.rd] = ^c.X[in.rm] & in.imm
	}
}
func opCsneg(c *CPU, in *Inst) {
	if c.cond(in.cond) {
		c.X[in.rd] = c.X[in.rn] & in.imm
	} else {
		c.X[in.rd] = -c.X[in.rm] & in.imm
	}
}

func decode1Source(raw uint32, sf bool, in *Inst) bool {
	if raw>>29&1 != 0 || field(raw, 16, 5) != 0 {
		return false
	}
	in.rd, in.rn = wZR(raw), rZR(raw>>5)
	switch opc := field(raw, 10, 6); {
	case opc == 0:
		in.fn = pick(sf, opRbit64, opRbit32)
	case opc == 1:
		in.fn = pick(sf, opRev16X, opRev16W)
	case opc == 2:
		in.fn = pick(sf, opRev32X, opRevW)
	case opc == 3 && sf:
		in.fn = opRevX
	case opc == 4:
		in.fn = pick(sf, opClz64, opClz32)
	case opc == 5:
		in.fn = pick(sf, opCls64, opCls32)
	default:
		return false
	}
	return true
}

func pick(sf bool, x, w func(*CPU, *Inst)) func(*CPU, *Inst) {
	if sf {
		return x
	}
	return w
}

func opRbit64(c *CPU, in *Inst) { c.X[in.rd] = bits.Reverse64(c.X[in.rn]) }
func opRbit32(c *CPU, in *Inst) { c.X[in.rd] = uint64(bits.Reverse32(uint32(c.X[in.rn]))) }
func opRev16X(c *CPU, in *Inst) {
	v := c.X[in.rn]
	c.X[in.rd] = v>>8&0x00ff00ff00ff00ff | v<<8&0xff00ff00ff00ff00
}
func opRev16W(c *CPU, in *Inst) {
	v := uint32(c.X[in.rn])
	c.X[in.rd] = uint64(v>>8&0x00ff00ff | v<<8&0xff00ff00)
}
func opRev32X(c *CPU, in *Inst) {
	v := c.X[in.rn]
	c.X[in.rd] = uint64(bits.ReverseBytes32(uint32(v))) | uint64(bits.ReverseBytes32(uint32(v>>32)))<<32
}
func opRevW(c *CPU, in *Inst)  { c.X[in.rd] = uint64(bits.ReverseBytes32(uint32(c.X[in.rn]))) }
func opRevX(c *CPU, in *Inst)  { c.X[in.rd] = bits.ReverseBytes64(c.X[in.rn]) }
func opClz64(c *CPU, in *Inst) { c.X[in.rd] = uint64(bits.LeadingZeros64(c.X[in.rn])) }
func opClz32(c *CPU, in *Inst) { c.X[in.rd] = uint64(bits.LeadingZeros32(uint32(c.X[in.rn]))) }
func opCls64(c *CPU, in *Inst) {
	v := c.X[in.rn]
	c.X[in.rd] = uint64(bits.LeadingZeros64(v ^ v<<1 | 1)) // sign bits after the first
}
func opCls32(c *CPU, in *Inst) {
	v := uint32(c.X[in.rn])
	c.X[in.rd] = uint64(bits.LeadingZeros32(v ^ v<<1 | 1))
}

var (
	crcIEEE       = crc32.MakeTable(crc32.IEEE)
	crcCastagnoli = crc32.MakeTable(crc32.Castagnoli)
)

func decode2Source(raw uint32, sf bool, in *Inst) bool {
	if raw>>29&1 != 0 {
		return false
	}
	in.rd, in.rn, in.rm = wZR(raw), rZR(raw>>5), rZR(raw>>16)
	opc := field(raw, 10, 6)
	switch {
	case opc == 2:
		in.fn = pick(sf, opUdiv64, opUdiv32)
	case opc == 3:
		in.fn = pick(sf, opSdiv64, opSdiv32)
	case opc >= 8 && opc <= 11:
		in.op = uint8(opc - 8)
		in.fn = pick(sf, opShiftV64, opShiftV32)
	case opc >= 16 && opc <= 23:
		sz := opc & 3
		if (sz == 3) != sf {
			return false
		}
		in.sz = uint8(1 << sz)
		in.fn = opCrc32
		if opc&4 != 0 {
			in.fn = opCrc32c
		}
	default:
		return false
	}
	return true
}

func opUdiv64(c *CPU, in *Inst) {
	if d := c.X[in.rm]; d != 0 {
		c.X[in.rd] = c.X[in.rn] / d
	} else {
		c.X[in.rd] = 0
	}
}
func opUdiv32(c *CPU, in *Inst) {
	if d := uint32(c.X[in.rm]); d != 0 {
		c.X[in.rd] = uint64(uint32(c.X[in.rn]) / d)
	} else {
		c.X[in.rd] = 0
	}
}
func opSdiv64(c *CPU, in *Inst) {
	if d := int64(c.X[in.rm]); d != 0 {
		c.X[in.rd] = uint64(int64(c.X[in.rn]) / d) // MinInt64 / -1 wraps in Go, as on ARM
	} else {
		c.X[in.rd] = 0
	}
}
func opSdiv32(c *CPU, in *Inst) {
	if d := int32(c.X[in.rm]); d != 0 {
		c.X[in.rd] = uint64(uint32(int32(c.X[in.rn]) / d))
	} else {
		c.X[in.rd] = 0
	}
}
func opShiftV64(c *CPU, in *Inst) {
	c.X[in.rd] = shift64(c.X[in.rn], in.op, uint8(c.X[in.rm]&63))
}
func opShiftV32(c *CPU, in *Inst) {
	c.X[in.rd] = shift32(c.X[in.rn], in.op, uint8(c.X[in.rm]&31))
}

func crcUpdate(tab *crc32.Table, acc uint32, v uint64, n uint8) uint64 {
	for i := uint8(0); i < n; i++ {
		acc = tab[byte(acc)^byte(v)] ^ acc>>8
		v >>= 8
	}
	return uint64(acc)
}
func opCrc32(c *CPU, in *Inst) {
	c.X[in.rd] = crcUpdate(crcIEEE, uint32(c.X[in.rn]), c.X[in.rm], in.sz)
}
func opCrc32c(c *CPU, in *Inst) {
	c.X[in.rd] = crcUpdate(crcCastagnoli, uint32(c.X[in.rn]), c.X[in.rm], in.sz)
}

func decode3Source(raw uint32, sf bool, in *Inst) bool {
	if raw>>29&3 != 0 {
		return false
	}
	in.rd, in.rn, in.rm, in.ra = wZR(raw), rZR(raw>>5), rZR(raw>>16), rZR(raw>>10)
	o0 := raw >> 15 & 1
	switch op31 := field(raw, 21, 3); {
	case op31 == 0 && o0 == 0:
		in.fn = pick(sf, opMadd64, opMadd32)
	case op31 == 0:
		in.fn = pick(sf, opMsub64, opMsub32)
	case !sf:
		return false
	case op31 == 1 && o0 == 0:
		in.fn = opSmaddl
	case op31 == 1:
		in.fn = opSmsubl
	case op31 == 2 && o0 == 0:
		in.fn = opSmulh
	case op31 == 5 && o0 == 0:
		in.fn = opUmaddl
	case op31 == 5:
		in.fn = opUmsubl
	case op31 == 6 && o0 == 0:
		in.fn = opUmulh
	default:
		return false
	}
	return true
}

func opMadd64(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.ra] + c.X[in.rn]*c.X[in.rm] }
func opMadd32(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.ra] + c.X[in.rn]*c.X[in.rm])) }
func opMsub64(c *CPU, in *Inst) { c.X[in.rd] = c.X[in.ra] - c.X[in.rn]*c.X[in.rm] }
func opMsub32(c *CPU, in *Inst) { c.X[in.rd] = uint64(uint32(c.X[in.ra] - c.X[in.rn]*c.X[in.rm])) }
func opSmaddl(c *CPU, in *Inst) {
	c.X[in.rd] = c.X[in.ra] + uint64(int64(int32(c.X[in.rn]))*int64(int32(c.X[in.rm])))
}
func opSmsubl(c *CPU, in *Inst) {
	c.X[in.rd] = c.X[in.ra] - uint64(int64(int32(c.X[in.rn]))*int64(int32(c.X[in.rm])))
}
func opUmaddl(c *CPU, in *Inst) {
	c.X[in.rd] = c.X[in.ra] + uint64(uint32(c.X[in.rn]))*uint64(uint32(c.X[in.rm]))
}
func opUmsubl(c *CPU, in *Inst) {
	c.X[in.rd] = c.X[in.ra] - uint64(uint32(c.X[in.rn]))*uint64(uint32(c.X[in.rm]))
}
func opUmulh(c *CPU, in *Inst) {
	hi, _ := bits.Mul64(c.X[in.rn], c.X[in.rm])
	c.X[in.rd] = hi
}
func opSmulh(c *CPU, in *Inst) {
	a, b := c.X[in.rn], c.X[in.rm]
	hi, _ := bits.Mul64(a, b)
	// Signed high half from the unsigned one.
	hi -= uint64(int64(a)>>63) & b
	hi -= uint64(int64(b)>>63) & a
	c.X[in.rd] = hi
}
