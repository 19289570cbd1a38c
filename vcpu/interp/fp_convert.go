package interp

import "github.com/carrick-go/carrick/vcpu/interp/fpu"

// Conversions between FP and integer or fixed point, and FMOV between FP
// and general registers. For the FP→integer direction op is the rounding
// mode, sz the integer width and sh the fraction bits; SCVTF/UCVTF keep the
// source width in sz and the fraction bits in sh.

// fcvtRMode maps FCVT{N,P,M,Z}{S,U}'s rmode field to fpu rounding modes.
var fcvtRMode = [4]uint8{fpu.RoundNearest, fpu.RoundPlusInf, fpu.RoundMinusInf, fpu.RoundZero}

func decodeFPInt(raw uint32, in *Inst) bool {
	sf, ft := raw>>31 == 1, field(raw, 22, 2)
	rmode, opc := field(raw, 19, 2), field(raw, 16, 3)
	if raw>>29&1 != 0 {
		return false
	}
	in.sz = 32
	if sf {
		in.sz = 64
	}
	switch {
	case opc >= 6: // FMOV between general and FP registers
		return decodeFmovGen(sf, ft, rmode, opc == 7, raw, in)
	case ft > ftDouble: // FEAT_FP16 conversions; 10 unallocated
		return false
	case opc <= 1 || opc == 4 || opc == 5: // FCVT{N,P,M,Z,A}{S,U}
		if opc >= 4 {
			if rmode != 0 {
				return false
			}
			in.op = fpu.RoundTiesAway
		} else {
			in.op = fcvtRMode[rmode]
		}
		in.rd, in.rn = wZR(raw), uint8(field(raw, 5, 5))
		unsigned := opc&1 == 1
		d := ft == ftDouble
		switch {
		case !unsigned && in.op == fpu.RoundZero && d:
			in.fn = pick(sf, opFcvtzsDX, opFcvtzsDW)
		case !unsigned && in.op == fpu.RoundZero:
			in.fn = pick(sf, opFcvtzsSX, opFcvtzsSW)
		case unsigned:
			in.fn = pick(d, opFcvtuD, opFcvtuS)
		default:
			in.fn = pick(d, opFcvtsD, opFcvtsS)
		}
		return true
	default: // SCVTF, UCVTF
		if rmode != 0 {
			return false
		}
		in.rd, in.rn = uint8(raw&31), rZR(raw>>5)
		return pickCvtf(ft == ftDouble, opc == 3, sf, in)
	}
}

// pickCvtf chooses an SCVTF/UCVTF handler; sz and sh are filled in.
func pickCvtf(d, unsigned, sf bool, in *Inst) bool {
	switch {
	case d && !unsigned && in.sh == 0:
		in.fn = pick(sf, opScvtfDX, opScvtfDW)
	case unsigned:
		in.fn = pick(d, opUcvtfD, opUcvtfS)
	default:
		in.fn = pick(d, opScvtfD, opScvtfS)
	}
	return true
}

// decodeFmovGen decodes FMOV between a general register and Sn/Dn or the
// top half of Vn (Vn.D[1]). The Hn forms are FEAT_FP16, which is not
// advertised, so they are undefined as on a core without it.
func decodeFmovGen(sf bool, ft, rmode uint32, toFP bool, raw uint32, in *Inst) bool {
	switch {
	case rmode == 0 && ((ft == ftSingle && !sf) || (ft == ftDouble && sf)):
		in.imm = elemMask(ft)
		if toFP {
			in.rd, in.rn = uint8(raw&31), rZR(raw>>5)
			in.fn = opFmovFromGen
		} else {
			in.rd, in.rn = wZR(raw), uint8(field(raw, 5, 5))
			in.fn = opFmovToGen
		}
	case rmode == 1 && ft == 2 && sf: // Vd.D[1]
		if toFP {
			in.rd, in.rn = uint8(raw&31), rZR(raw>>5)
			in.fn = opFmovFromGenTop
		} else {
			in.rd, in.rn = wZR(raw), uint8(field(raw, 5, 5))
			in.fn = opFmovToGenTop
		}
	default: // includes FJCVTZS (FEAT_JSCVT)
		return false
	}
	return true
}

// decodeFPFixed decodes SCVTF/UCVTF/FCVTZS/FCVTZU with #fbits.
func decodeFPFixed(raw uint32, in *Inst) bool {
	sf, ft := raw>>31 == 1, field(raw, 22, 2)
	rmode, opc, scale := field(raw, 19, 2), field(raw, 16, 3), field(raw, 10, 6)
	if raw>>29&1 != 0 || ft > ftDouble || (!sf && scale < 32) {
		return false
	}
	in.sh = uint8(64 - scale)
	in.sz = 32
	if sf {
		in.sz = 64
	}
	d := ft == ftDouble
	switch {
	case rmode == 3 && opc <= 1: // FCVTZS, FCVTZU
		in.rd, in.rn = wZR(raw), uint8(field(raw, 5, 5))
		in.op = fpu.RoundZero
		if opc == 1 {
			in.fn = pick(d, opFcvtuD, opFcvtuS)
		} else {
			in.fn = pick(d, opFcvtsD, opFcvtsS)
		}
		return true
	case rmode == 0 && (opc == 2 || opc == 3): // SCVTF, UCVTF
		in.rd, in.rn = uint8(raw&31), rZR(raw>>5)
		return pickCvtf(d, opc == 3, sf, in)
	}
	return false
}

// FP → integer.

// opFcvtzsDX is FCVTZS Xd, Dn.
func opFcvtzsDX(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.ToInt64(c.V[in.rn][0], fpu.RoundZero, false, 64, 0)
	c.FPSR = e.FPSR
	c.X[in.rd] = r
}

// opFcvtzsDW is FCVTZS Wd, Dn.
func opFcvtzsDW(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.ToInt64(c.V[in.rn][0], fpu.RoundZero, false, 32, 0)
	c.FPSR = e.FPSR
	c.X[in.rd] = r
}

// opFcvtzsSX is FCVTZS Xd, Sn.
func opFcvtzsSX(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.ToInt32(uint32(c.V[in.rn][0]), fpu.RoundZero, false, 64, 0)
	c.FPSR = e.FPSR
	c.X[in.rd] = r
}

// opFcvtzsSW is FCVTZS Wd, Sn.
func opFcvtzsSW(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.ToInt32(uint32(c.V[in.rn][0]), fpu.RoundZero, false, 32, 0)
	c.FPSR = e.FPSR
	c.X[in.rd] = r
}

func opFcvtsD(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.ToInt64(c.V[in.rn][0], int(in.op), false, int(in.sz), int(in.sh))
	c.FPSR = e.FPSR
	c.X[in.rd] = r
}

func opFcvtuD(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.ToInt64(c.V[in.rn][0], int(in.op), true, int(in.sz), int(in.sh))
	c.FPSR = e.FPSR
	c.X[in.rd] = r
}

func opFcvtsS(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.ToInt32(uint32(c.V[in.rn][0]), int(in.op), false, int(in.sz), int(in.sh))
	c.FPSR = e.FPSR
	c.X[in.rd] = r
}

func opFcvtuS(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.ToInt32(uint32(c.V[in.rn][0]), int(in.op), true, int(in.sz), int(in.sh))
	c.FPSR = e.FPSR
	c.X[in.rd] = r
}

// Integer → FP.

// opScvtfDX is SCVTF Dd, Xn.
func opScvtfDX(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.FromInt64(c.X[in.rn], true, 64, 0)
	c.FPSR = e.FPSR
	c.V[in.rd] = [2]uint64{r, 0}
}

// opScvtfDW is SCVTF Dd, Wn.
func opScvtfDW(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.FromInt64(c.X[in.rn], true, 32, 0)
	c.FPSR = e.FPSR
	c.V[in.rd] = [2]uint64{r, 0}
}

func opScvtfD(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.FromInt64(c.X[in.rn], true, int(in.sz), int(in.sh))
	c.FPSR = e.FPSR
	c.V[in.rd] = [2]uint64{r, 0}
}

func opUcvtfD(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.FromInt64(c.X[in.rn], false, int(in.sz), int(in.sh))
	c.FPSR = e.FPSR
	c.V[in.rd] = [2]uint64{r, 0}
}

func opScvtfS(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.FromInt32(c.X[in.rn], true, int(in.sz), int(in.sh))
	c.FPSR = e.FPSR
	c.V[in.rd] = [2]uint64{uint64(r), 0}
}

func opUcvtfS(c *CPU, in *Inst) {
	e := fpu.Env{FPCR: c.FPCR, FPSR: c.FPSR}
	r := e.FromInt32(c.X[in.rn], false, int(in.sz), int(in.sh))
	c.FPSR = e.FPSR
	c.V[in.rd] = [2]uint64{uint64(r), 0}
}
