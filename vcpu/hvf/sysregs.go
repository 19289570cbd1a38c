package hvf

// SysReg names a system register the way hv_sys_reg_t does:
// op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2 (also bits 20:5 of MRS/MSR).
type SysReg uint16

func sysReg(op0, op1, crn, crm, op2 uint16) SysReg {
	return SysReg(op0<<14 | op1<<11 | crn<<7 | crm<<3 | op2)
}

// The system registers carrick programs or reads.
var (
	SysRegMIDR_EL1        = sysReg(3, 0, 0, 0, 0)
	SysRegMPIDR_EL1       = sysReg(3, 0, 0, 0, 5)
	SysRegID_AA64PFR0_EL1 = sysReg(3, 0, 0, 4, 0)
	SysRegID_AA64ISAR0    = sysReg(3, 0, 0, 6, 0)
	SysRegID_AA64ISAR1    = sysReg(3, 0, 0, 6, 1)
	SysRegSCTLR_EL1       = sysReg(3, 0, 1, 0, 0)
	SysRegCPACR_EL1       = sysReg(3, 0, 1, 0, 2)
	SysRegTTBR0_EL1       = sysReg(3, 0, 2, 0, 0)
	SysRegTTBR1_EL1       = sysReg(3, 0, 2, 0, 1)
	SysRegTCR_EL1         = sysReg(3, 0, 2, 0, 2)
	SysRegSPSR_EL1        = sysReg(3, 0, 4, 0, 0)
	SysRegELR_EL1         = sysReg(3, 0, 4, 0, 1)
	SysRegSP_EL0          = sysReg(3, 0, 4, 1, 0)
	SysRegESR_EL1         = sysReg(3, 0, 5, 2, 0)
	SysRegFAR_EL1         = sysReg(3, 0, 6, 0, 0)
	SysRegMAIR_EL1        = sysReg(3, 0, 10, 2, 0)
	SysRegVBAR_EL1        = sysReg(3, 0, 12, 0, 0)
	SysRegTPIDR_EL1       = sysReg(3, 0, 13, 0, 4)
	SysRegCNTKCTL_EL1     = sysReg(3, 0, 14, 1, 0)
	SysRegFPCR            = sysReg(3, 3, 4, 4, 0)
	SysRegFPSR            = sysReg(3, 3, 4, 4, 1)
	SysRegTPIDR_EL0       = sysReg(3, 3, 13, 0, 2)
	SysRegTPIDRRO_EL0     = sysReg(3, 3, 13, 0, 3)
	SysRegSP_EL1          = sysReg(3, 4, 4, 1, 0)
)

// Reg names a general register the way hv_reg_t does.
type Reg uint32

// hv_reg_t values: X0–X30 are 0–30.
const (
	RegPC   Reg = 31
	RegFPCR Reg = 32
	RegFPSR Reg = 33
	RegCPSR Reg = 34
)

// PSTATE values.
const (
	cpsrEL1h = 0x3c5 // EL1 with SP_EL1, D, A, I, F masked: where a vCPU starts
	spsrEL0  = 0x3c0 // EL0t, interrupts masked (carrick never takes them)
	cpsrMode = 0xf   // M[3:0]: 0 is EL0t
	nzcvMask = 0xf0000000
)

// SCTLR_EL1 bits.
const (
	sctlrM     = 1 << 0  // stage-1 MMU on: Normal memory, so exclusives and unaligned accesses work
	sctlrC     = 1 << 2  // data cacheable
	sctlrI     = 1 << 12 // instruction cacheable
	sctlrDZE   = 1 << 14 // EL0 may DC ZVA (Go's memclr, glibc's memset)
	sctlrUCT   = 1 << 15 // EL0 may read CTR_EL0 (glibc, libgcc's __clear_cache)
	sctlrNTWI  = 1 << 16 // EL0 WFI not trapped to EL1
	sctlrNTWE  = 1 << 18 // EL0 WFE not trapped to EL1 (Go's spin loops)
	sctlrSPAN  = 1 << 23 // PSTATE.PAN left alone on exception entry
	sctlrUCI   = 1 << 26 // EL0 may clean/invalidate caches (JITs' ic ivau)
	sctlrRES1  = 1<<11 | 1<<20 | 1<<22 | 1<<28 | 1<<29
	sctlrValue = sctlrRES1 | sctlrM | sctlrC | sctlrI | sctlrDZE | sctlrUCT | sctlrNTWI | sctlrNTWE | sctlrSPAN | sctlrUCI
)

// TCR_EL1: TTBR0 walks a 48-bit space with 4 KiB pages, write-back
// cacheable inner-shareable tables; TTBR1 walks are off (EPD1); 40-bit
// output addresses (the IPA size); the top byte of EL0 addresses is
// ignored, as Linux does (TBI0).
const tcrValue = 16 | // T0SZ: 48-bit VA
	1<<8 | 1<<10 | 3<<12 | // IRGN0, ORGN0 write-back RA/WA; SH0 inner shareable
	0<<14 | // TG0 4 KiB
	16<<16 | 1<<23 | // T1SZ; EPD1
	2<<30 | // TG1 4 KiB
	2<<32 | // IPS 40 bits
	1<<37 // TBI0

const (
	mairValue    = 0xff    // Attr0: Normal, inner and outer write-back non-transient RA/WA
	cpacrValue   = 3 << 20 // FPEN: FP/AdvSIMD at EL0 and EL1 not trapped
	cntkctlValue = 3       // EL0PCTEN, EL0VCTEN: EL0 reads the counters (vDSO clocks, Go's nanotime)
)

// bootRegs are the system registers every vCPU gets, in order, before its
// first run: identical on all vCPUs (a vCPU with another CNTKCTL or TCR
// would see another clock or address space).
func bootRegs(slot int, root uint64) []struct {
	Reg SysReg
	Val uint64
} {
	return []struct {
		Reg SysReg
		Val uint64
	}{
		{SysRegMAIR_EL1, mairValue},
		{SysRegTCR_EL1, tcrValue},
		{SysRegTTBR0_EL1, root},
		{SysRegTTBR1_EL1, 0},
		{SysRegCPACR_EL1, cpacrValue},
		{SysRegCNTKCTL_EL1, cntkctlValue},
		{SysRegVBAR_EL1, VectorBase},
		{SysRegSP_EL1, SlotBase + uint64(slot)*SlotSize},
		{SysRegSCTLR_EL1, sctlrValue},
	}
}
