package hvf

import "github.com/carrick-go/carrick/vcpu"

// The kernel region: the top vcpu.KernelSize bytes of the guest space,
// which guests never map (mm's TaskSize ends below it). Stage-1 maps it for
// EL1 only; addresses are IPAs and, identity-mapped, EL1 VAs.
const (
	// KernelBase is the first address of the kernel region.
	KernelBase = vcpu.UserSpaceSize
	// VectorBase is VBAR_EL1: the 16 vector slots, then the save and
	// restore code (one 4 KiB page, EL1 read-only and executable).
	VectorBase = KernelBase
	// SlotBase is where the per-vCPU save areas start; SP_EL1 of vCPU n is
	// SlotBase + n*SlotSize.
	SlotBase = KernelBase + 0x10000
	SlotSize = 0x400
	// MaxSlots bounds the vCPUs of one machine (above Hypervisor.framework's
	// own cap).
	MaxSlots = 256
	// TableBase..KernelBase+vcpu.KernelSize is the page-table pool. Tables
	// are read by the table walker only, so they are not mapped at stage 1.
	TableBase = KernelBase + 0x100000
	TableEnd  = KernelBase + vcpu.KernelSize
)

// Save area layout (byte offsets from SP_EL1). The EL1 code stores the EL0
// state here before it leaves with hvc and reloads it before eret, so a
// syscall costs the host plain memory reads instead of one framework call
// per register.
const (
	saveX     = 0x000 // X0..X29 in pairs, then X30
	saveX30   = 0x0f0
	saveSP    = 0x0f8 // SP_EL0
	saveELR   = 0x100 // ELR_EL1: the EL0 PC to return to
	saveSPSR  = 0x108 // SPSR_EL1: the EL0 PSTATE
	saveESR   = 0x110 // ESR_EL1 of the exception (read only by the host)
	saveFAR   = 0x118 // FAR_EL1 of the exception
	saveTPIDR = 0x120 // TPIDR_EL0
	saveFlags = 0x128 // restore flags, cleared by the return path
	saveFPCR  = 0x130 // with flagReloadV: FPCR, FPSR, then Q0..Q31
	saveFPSR  = 0x138
	saveQ     = 0x140
	saveEnd   = saveQ + 32*16
)

// Restore flags: work the return path does before eret.
const (
	flagReloadV = 1 << 0 // load Q0–Q31, FPCR, FPSR from the save area
	flagTLBI    = 1 << 1 // tlbi vmalle1is: the stage-1 tables changed
	flagIC      = 1 << 2 // ic ialluis: the host wrote code
)

// hvc immediates: why the EL1 code left. Never 0: Hypervisor.framework may
// take hvc #0 as an SMCCC call when x0 looks like a function id.
const (
	hvcTrap   = 2    // an EL0 exception; the EL0 state is in the save area
	hvcVector = 0x10 // + slot: an exception taken at EL1 (a carrick bug) or an unexpected one
)

// Vector offsets within VBAR_EL1.
const (
	vecLowerSync = 0x400 // lower EL, AArch64, synchronous
	vecCodeOff   = 0x800 // the save and restore code follows the table
)
