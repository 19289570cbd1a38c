package interp

import "github.com/carrick-go/carrick/vcpu"

// Inst is one decoded instruction: its handler and the operands the decoder
// extracted, so the handler does no bit-twiddling on the raw word. Handlers
// find everything they need here; the meaning of imm/imm2/op/sh/cond/sz is up
// to each handler family and documented at its decoder.
//
// PC-relative values (branch targets, literal addresses, ADR/ADRP results)
// are resolved at decode time: an Inst belongs to one address.
type Inst struct {
	fn   func(c *CPU, in *Inst)
	imm  uint64
	imm2 uint64
	raw  uint32
	rd   uint8
	rn   uint8
	rm   uint8
	ra   uint8
	op   uint8
	sh   uint8
	cond uint8
	sz   uint8
}

// Register-field mappings. Field value 31 reads as XZR or SP, and writes to
// XZR must not disturb the zero register, so they go to the sink.
func rZR(f uint32) uint8 { return uint8(f & 31) } // 31 reads XZR
func rSP(f uint32) uint8 { // 31 is SP
	if f&31 == 31 {
		return regSP
	}
	return uint8(f & 31)
}
func wZR(f uint32) uint8 { // 31 discards
	if f&31 == 31 {
		return regSink
	}
	return uint8(f & 31)
}

// field extracts raw[lo+width-1:lo].
func field(raw uint32, lo, width uint) uint32 { return raw >> lo & (1<<width - 1) }

// sext sign-extends the low bits of v.
func sext(v uint64, bits uint) uint64 { return uint64(int64(v<<(64-bits)) >> (64 - bits)) }

// decode fills in for the instruction raw at address pc.
func decode(raw uint32, pc uint64, in *Inst) {
	if !decodeInst(raw, pc, in) {
		*in = Inst{raw: raw, fn: opUndefined}
	}
}

// decodeInst decodes raw into in and reports whether it is implemented.
func decodeInst(raw uint32, pc uint64, in *Inst) (ok bool) {
	*in = Inst{raw: raw}
	switch op0 := raw >> 25 & 15; {
	case op0&0b1110 == 0b1000: // 100x: data processing, immediate
		ok = decodeDPImm(raw, pc, in)
	case op0&0b1110 == 0b1010: // 101x: branches, exceptions, system
		ok = decodeBranchSys(raw, pc, in)
	case op0&0b0101 == 0b0100: // x1x0: loads and stores
		ok = decodeLoadStore(raw, pc, in)
	case op0&0b0111 == 0b0101: // x101: data processing, register
		ok = decodeDPReg(raw, in)
	case op0&0b0111 == 0b0111: // x111: FP and AdvSIMD
		if raw>>28&1 == 1 && raw>>30&1 == 0 {
			ok = decodeFP(raw, in)
		} else {
			ok = decodeSIMD(raw, in)
		}
	}
	return ok && in.fn != nil
}

// Decode reports whether the interpreter implements the instruction raw. It
// is for tests and tools; the run loop decodes through the code cache.
func Decode(raw uint32) bool {
	var in Inst
	return decodeInst(raw, 0x10000, &in)
}

// opUndefined reports the instruction as undefined; PC stays on it.
func opUndefined(c *CPU, in *Inst) {
	c.exclSize = 0 // an exception clears the exclusive monitor
	c.PC -= 4
	c.setExit(vcpu.Exit{Kind: vcpu.ExitUndefined, Insn: in.raw, ESR: ecUnknown<<26 | esrIL})
}
