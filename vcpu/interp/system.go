package interp

import (
	"sync/atomic"
	"time"

	"github.com/carrick-go/carrick/vcpu"
)

// System instructions at EL0: hints, barriers, MRS/MSR of the registers Linux
// lets user space touch (or emulates), and the cache maintenance DC/IC ops.

// features is what this backend implements and its tests verify. The ID
// register values below say the same thing in ID-register form.
var features = vcpu.Features{
	HWCAP: vcpu.HWCAP_FP | vcpu.HWCAP_ASIMD | vcpu.HWCAP_CPUID | vcpu.HWCAP_CRC32 |
		vcpu.HWCAP_ATOMICS | vcpu.HWCAP_LRCPC |
		vcpu.HWCAP_AES | vcpu.HWCAP_PMULL | vcpu.HWCAP_SHA1 | vcpu.HWCAP_SHA2,
}

// System register encodings: op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2,
// which is bits 20:5 of MRS/MSR.
const (
	sysNZCV       = 3<<14 | 3<<11 | 4<<7 | 2<<3 | 0
	sysFPCR       = 3<<14 | 3<<11 | 4<<7 | 4<<3 | 0
	sysFPSR       = 3<<14 | 3<<11 | 4<<7 | 4<<3 | 1
	sysTPIDR      = 3<<14 | 3<<11 | 13<<7 | 0<<3 | 2
	sysTPIDRRO    = 3<<14 | 3<<11 | 13<<7 | 0<<3 | 3
	sysCNTFRQ     = 3<<14 | 3<<11 | 14<<7 | 0<<3 | 0
	sysCNTPCT     = 3<<14 | 3<<11 | 14<<7 | 0<<3 | 1
	sysCNTVCT     = 3<<14 | 3<<11 | 14<<7 | 0<<3 | 2
	sysCTR        = 3<<14 | 3<<11 | 0<<7 | 0<<3 | 1
	sysDCZID      = 3<<14 | 3<<11 | 0<<7 | 0<<3 | 7
	sysMIDR       = 3<<14 | 0<<11 | 0<<7 | 0<<3 | 0
	sysMPIDR      = 3<<14 | 0<<11 | 0<<7 | 0<<3 | 5
	sysIDAA64PFR0 = 3<<14 | 0<<11 | 0<<7 | 4<<3 | 0
	sysIDAA64ISA0 = 3<<14 | 0<<11 | 0<<7 | 6<<3 | 0
	sysIDAA64ISA1 = 3<<14 | 0<<11 | 0<<7 | 6<<3 | 1
)

// Values of the EL0-visible identification registers, as Linux's MRS
// emulation would present them for this feature set.
const (
	// CounterFreq is CNTFRQ_EL0: 24 MHz, as on Apple Silicon, so guests see the
	// same frequency under both backends.
	CounterFreq = 24_000_000
	valCTR      = 0x8444c004 // 64-byte I and D lines, PIPT
	valDCZID    = 4          // DC ZVA zeroes 64-byte blocks
	dczBytes    = 64
	valMIDR     = 0x413fd0c1 // Neoverse N1 r3p1: an ARMv8.2 core with LSE
	valMPIDR    = 0x80000000
	valPFR0     = 0x11     // EL0 and EL1 AArch64 only; FP and AdvSIMD implemented
	valISAR0    = 0x211120 // AES = 2 (with PMULL), SHA1 = 1, SHA2 = 1, CRC32 = 1, Atomic (LSE) = 2
	valISAR1    = 0x100000 // LRCPC = 1 (LDAPR)
)

var counterStart = time.Now()

// counter is CNTVCT_EL0: monotonic, at CounterFreq.
func counter() uint64 {
	ns := uint64(time.Since(counterStart))
	return ns / 1000 * (CounterFreq / 1_000_000)
}

func decodeSystem(raw uint32, in *Inst) bool {
	l := raw >> 21 & 1
	op0 := field(raw, 19, 2)
	op1, crn, crm, op2, rt := field(raw, 16, 3), field(raw, 12, 4), field(raw, 8, 4), field(raw, 5, 3), raw&31
	switch {
	case l == 0 && op0 == 0 && op1 == 3 && crn == 2 && rt == 31:
		// Hints: NOP, YIELD, WFE, WFI, SEV(L), BTI, PAC*SP/AUT*SP (no PAC keys,
		// so they change nothing), XPACLRI (no PAC in LR), CSDB, ESB….
		in.fn = opNop
		return true
	case l == 0 && op0 == 0 && op1 == 3 && crn == 3 && rt == 31:
		switch op2 {
		case 2: // CLREX
			in.fn = opClrex
		case 4, 5: // DSB (incl. SSBB, PSSBB), DMB
			in.fn = opBarrier
		case 6: // ISB
			in.fn = opNop
		default:
			return false
		}
		return true
	case l == 0 && op0 == 1 && op1 == 3 && crn == 7:
		return decodeCacheOp(crm, op2, raw, in)
	case op0 >= 2:
		in.rd = wZR(raw)
		in.rn = rZR(raw)
		in.imm = uint64(field(raw, 5, 16)) // op0:op1:CRn:CRm:op2
		if l == 1 {
			return decodeMRS(in)
		}
		return decodeMSR(in)
	}
	return false
}

func opClrex(c *CPU, in *Inst) { c.exclSize = 0 }

// opBarrier orders this vCPU's guest memory accesses against other threads'.
// Go's atomics are sequentially consistent, so one RMW is a full fence.
func opBarrier(c *CPU, in *Inst) { atomic.AddUint32(&barrierWord, 0) }

var barrierWord uint32

func decodeCacheOp(crm, op2, raw uint32, in *Inst) bool {
	in.rn = rZR(raw)
	switch {
	case crm == 4 && op2 == 1: // DC ZVA
		in.fn = opDCZVA
	case crm == 5 && op2 == 1: // IC IVAU
		in.fn = opICIVAU
	case op2 == 1 && (crm == 10 || crm == 11 || crm == 14):
		// DC CVAC, CVAU, CIVAC: coherent host memory has nothing to clean.
		in.fn = opNop
	default:
		return false
	}
	return true
}

func opDCZVA(c *CPU, in *Inst) {
	va := c.X[in.rn] &^ (dczBytes - 1)
	for i := uint64(0); i < dczBytes; i += 16 {
		c.write128(va+i, 0, 0)
	}
}

// opICIVAU drops decoded code for the line on every vCPU of this memory
// (this one included, before its next instruction).
func opICIVAU(c *CPU, in *Inst) {
	va := c.X[in.rn] & tbiMask &^ (dczBytes - 1)
	c.mem.InvalidateCode(va, dczBytes)
}

func decodeMRS(in *Inst) bool {
	switch in.imm {
	case sysNZCV:
		in.fn = func(c *CPU, in *Inst) { c.X[in.rd] = c.NZCV & 0xf0000000 }
	case sysFPCR:
		in.fn = func(c *CPU, in *Inst) { c.X[in.rd] = uint64(c.FPCR) }
	case sysFPSR:
		in.fn = func(c *CPU, in *Inst) { c.X[in.rd] = uint64(c.FPSR) }
	case sysTPIDR:
		in.fn = func(c *CPU, in *Inst) { c.X[in.rd] = c.TPIDR }
	case sysCNTVCT, sysCNTPCT:
		in.fn = func(c *CPU, in *Inst) { c.X[in.rd] = counter() }
	default:
		v, ok := constSysReg(in.imm)
		if !ok {
			return false
		}
		in.imm2 = v
		in.fn = func(c *CPU, in *Inst) { c.X[in.rd] = in.imm2 }
	}
	return true
}

// constSysReg returns the value of a read-only EL0-readable register.
func constSysReg(enc uint64) (uint64, bool) {
	switch enc {
	case sysTPIDRRO:
		return 0, true
	case sysCNTFRQ:
		return CounterFreq, true
	case sysCTR:
		return valCTR, true
	case sysDCZID:
		return valDCZID, true
	case sysMIDR:
		return valMIDR, true
	case sysMPIDR:
		return valMPIDR, true
	case sysIDAA64PFR0:
		return valPFR0, true
	case sysIDAA64ISA0:
		return valISAR0, true
	case sysIDAA64ISA1:
		return valISAR1, true
	}
	// The rest of the ID space (op0=3, op1=0, CRn=0, CRm=0..7) reads as zero
	// under Linux's emulation: nothing else is implemented.
	if enc>>7 == 3<<7|0<<4|0 {
		return 0, true
	}
	return 0, false
}

func decodeMSR(in *Inst) bool {
	switch in.imm {
	case sysNZCV:
		in.fn = func(c *CPU, in *Inst) { c.NZCV = c.X[in.rn] & 0xf0000000 }
	case sysFPCR:
		in.fn = func(c *CPU, in *Inst) { c.FPCR = uint32(c.X[in.rn]) & fpcrMask }
	case sysFPSR:
		in.fn = func(c *CPU, in *Inst) { c.FPSR = uint32(c.X[in.rn]) & fpsrMask }
	case sysTPIDR:
		in.fn = func(c *CPU, in *Inst) { c.TPIDR = c.X[in.rn] }
	default:
		return false
	}
	return true
}
