package hvf

import (
	"fmt"

	"github.com/carrick-go/carrick/vcpu"
)

// ESR exception classes (ESR_EL1 read back from the save area, or the
// syndrome of a hypervisor exit).
const (
	ecUnknown    = 0x00
	ecWFx        = 0x01
	ecFPTrap     = 0x07
	ecSVC        = 0x15
	ecHVC        = 0x16
	ecSysReg     = 0x18
	ecInsnAbort  = 0x20 // from a lower EL
	ecInsnAbortS = 0x21 // from the same EL
	ecPCAlign    = 0x22
	ecDataAbort  = 0x24
	ecDataAbortS = 0x25
	ecSPAlign    = 0x26
	ecBRK        = 0x3c
)

// Exit reasons of hv_vcpu_exit_t.
const (
	exitCanceled  = 0
	exitException = 1
	exitVTimer    = 2
)

// hwExit is what one hardware run returns (hv_vcpu_exit_t).
type hwExit struct {
	Reason   uint32
	Syndrome uint64
	VA, PA   uint64
}

func ec(esr uint64) uint32 { return uint32(esr >> 26 & 0x3f) }

// faultExit turns an abort syndrome into a Fault exit: the kernel's view of
// it, which sysemu turns into SIGSEGV or SIGBUS.
func faultExit(esr, far uint64) vcpu.Exit {
	e := vcpu.Exit{Kind: vcpu.ExitFault, Addr: far, ESR: esr}
	switch ec(esr) {
	case ecInsnAbort, ecInsnAbortS:
		e.Access = vcpu.AccessExec
	case ecPCAlign:
		e.Access, e.Cause = vcpu.AccessExec, vcpu.FaultPCAlignment
		return e
	case ecSPAlign:
		e.Cause = vcpu.FaultAlignment
		return e
	default:
		if esr&(1<<6) != 0 { // WnR
			e.Access = vcpu.AccessWrite
		}
	}
	switch fsc := esr & 0x3f; {
	case fsc >= 0x04 && fsc <= 0x0b: // translation, access flag
		e.Cause = vcpu.FaultTranslation
	case fsc >= 0x0c && fsc <= 0x0f:
		e.Cause = vcpu.FaultPermission
	case fsc == 0x21:
		e.Cause = vcpu.FaultAlignment
	default:
		e.Cause = vcpu.FaultTranslation
	}
	return e
}

// decodeTrap turns the ESR of an EL0 exception into an exit; ok is false
// for the ones the backend handles itself (EC 0x18: ID-register reads).
func decodeTrap(esr, far uint64) (e vcpu.Exit, ok bool) {
	switch ec(esr) {
	case ecSVC:
		return vcpu.Exit{Kind: vcpu.ExitSyscall, Imm: uint16(esr)}, true
	case ecBRK:
		return vcpu.Exit{Kind: vcpu.ExitBreakpoint, Imm: uint16(esr), ESR: esr}, true
	case ecInsnAbort, ecInsnAbortS, ecDataAbort, ecDataAbortS, ecPCAlign, ecSPAlign:
		return faultExit(esr, far), true
	case ecSysReg:
		return vcpu.Exit{}, false
	}
	// Unknown (undefined instruction), FP traps (FPEN is always set), and
	// anything else EL0 should not be able to cause: SIGILL, as Linux does
	// for what it does not handle.
	return vcpu.Exit{Kind: vcpu.ExitUndefined, ESR: esr}, true
}

// sysRegTrap is a decoded EC 0x18 syndrome.
type sysRegTrap struct {
	Reg  SysReg
	Rt   int
	Read bool
}

func decodeSysRegTrap(esr uint64) sysRegTrap {
	iss := esr & 0x1ffffff
	op0, op2, op1 := iss>>20&3, iss>>17&7, iss>>14&7
	crn, rt, crm := iss>>10&15, int(iss>>5&31), iss>>1&15
	return sysRegTrap{
		Reg:  SysReg(op0<<14 | op1<<11 | crn<<7 | crm<<3 | op2),
		Rt:   rt,
		Read: iss&1 == 1,
	}
}

// isIDReg reports whether r is in the ID-register space (op0=3, op1=0,
// CRn=0) whose EL0 reads Linux emulates.
func isIDReg(r SysReg) bool { return r>>7 == 3<<7 }

// sanitizeID masks a host ID register to the fields Linux exposes to EL0
// and carrick's HWCAPs promise; everything else of the space reads 0.
func sanitizeID(r SysReg, v uint64) uint64 {
	switch r {
	case SysRegMIDR_EL1:
		return v
	case SysRegMPIDR_EL1:
		return 0x80000000 // RES1 bit only: guests must not learn topology from it
	case SysRegID_AA64PFR0_EL1:
		// FP and AdvSIMD; EL0 and EL1 AArch64 only.
		return v&(0xff<<16) | 0x11
	case SysRegID_AA64ISAR0:
		// AES, SHA1, SHA2, CRC32, Atomic, RDM, DP.
		return v & (0xffff<<4 | 0xf<<20 | 0xf<<28 | 0xf<<44)
	case SysRegID_AA64ISAR1:
		// DPB, JSCVT, FCMA, LRCPC.
		return v & (0xf | 0xf<<12 | 0xf<<16 | 0xf<<20)
	}
	return 0
}

func field(v uint64, shift uint) uint64 { return v >> shift & 0xf }

// hwcapsFromID derives AT_HWCAP from sanitized ID registers, as Linux does,
// so what the guest is told is exactly what its MRS reads say.
func hwcapsFromID(pfr0, isar0, isar1 uint64) vcpu.Features {
	var h uint64 = vcpu.HWCAP_CPUID // EL0 ID-register reads are emulated
	if fp := field(pfr0, 16); fp != 0xf {
		h |= vcpu.HWCAP_FP
		if fp >= 1 {
			h |= vcpu.HWCAP_FPHP
		}
	}
	if simd := field(pfr0, 20); simd != 0xf {
		h |= vcpu.HWCAP_ASIMD
		if simd >= 1 {
			h |= vcpu.HWCAP_ASIMDHP
		}
	}
	if aes := field(isar0, 4); aes >= 1 {
		h |= vcpu.HWCAP_AES
		if aes >= 2 {
			h |= vcpu.HWCAP_PMULL
		}
	}
	for _, f := range []struct {
		v    uint64
		min  uint64
		bits uint64
	}{
		{field(isar0, 8), 1, vcpu.HWCAP_SHA1},
		{field(isar0, 12), 1, vcpu.HWCAP_SHA2},
		{field(isar0, 16), 1, vcpu.HWCAP_CRC32},
		{field(isar0, 20), 2, vcpu.HWCAP_ATOMICS},
		{field(isar0, 28), 1, vcpu.HWCAP_ASIMDRDM},
		{field(isar0, 44), 1, vcpu.HWCAP_ASIMDDP},
		{field(isar1, 0), 1, vcpu.HWCAP_DCPOP},
		{field(isar1, 12), 1, vcpu.HWCAP_JSCVT},
		{field(isar1, 16), 1, vcpu.HWCAP_FCMA},
		{field(isar1, 20), 1, vcpu.HWCAP_LRCPC},
	} {
		if f.v >= f.min {
			h |= f.bits
		}
	}
	return vcpu.Features{HWCAP: h}
}

// errorExit reports a failure of the backend itself (the framework
// refused, or an exception carrick's EL1 code should never take). The
// guest thread dies of SIGSEGV rather than the runtime panicking.
func errorExit(err error) (vcpu.Exit, error) {
	return vcpu.Exit{Kind: vcpu.ExitFault, Cause: vcpu.FaultTranslation}, err
}

func vectorError(slot int, esr, elr, far uint64) error {
	return fmt.Errorf("hvf: EL1 took vector %#x: ESR_EL1 %#x ELR_EL1 %#x FAR_EL1 %#x", slot*0x80, esr, elr, far)
}
