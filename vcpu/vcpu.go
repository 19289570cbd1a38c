// Package vcpu is the contract between carrick's Linux emulation and the CPU
// backends that run guest ARM64 EL0 code: the portable interpreter (interp)
// and Apple's Hypervisor.framework (hvf).
//
// A VCPU runs guest code until an Exit. Everything above this package sees the
// same exits, registers and guest address space whichever backend runs.
package vcpu

import "fmt"

// ExitKind says why Run returned.
type ExitKind uint8

// The exits a backend reports.
const (
	// ExitSyscall: the guest executed `svc #0`. X8 holds the syscall number,
	// X0–X5 the arguments; PC already points past the svc, as ELR_EL1 does.
	ExitSyscall ExitKind = iota + 1
	// ExitFault: a data access or instruction fetch hit an unmapped or
	// protected guest page, or an alignment rule. PC is the faulting
	// instruction; Addr is the guest address.
	ExitFault
	// ExitUndefined: the instruction at PC is not implemented or unallocated.
	// Insn holds its bits.
	ExitUndefined
	// ExitBreakpoint: `brk #Imm` at PC.
	ExitBreakpoint
	// ExitInterrupted: another goroutine called Interrupt. PC is the next
	// instruction to run; no instruction was half-executed.
	ExitInterrupted
)

func (k ExitKind) String() string {
	switch k {
	case ExitSyscall:
		return "syscall"
	case ExitFault:
		return "fault"
	case ExitUndefined:
		return "undefined"
	case ExitBreakpoint:
		return "breakpoint"
	case ExitInterrupted:
		return "interrupted"
	}
	return fmt.Sprintf("exit(%d)", uint8(k))
}

// Access is the kind of memory access that faulted.
type Access uint8

// Memory access kinds.
const (
	AccessRead Access = iota
	AccessWrite
	AccessExec
)

func (a Access) String() string {
	switch a {
	case AccessRead:
		return "read"
	case AccessWrite:
		return "write"
	case AccessExec:
		return "exec"
	}
	return "access?"
}

// FaultCause distinguishes the reasons of a Fault exit, as the kernel does
// when it picks a signal and si_code.
type FaultCause uint8

// Fault causes.
const (
	// FaultTranslation: no mapping at Addr (SIGSEGV/SEGV_MAPERR when the
	// kernel's VMA table agrees).
	FaultTranslation FaultCause = iota
	// FaultPermission: mapped, but the access is not allowed (SEGV_ACCERR).
	FaultPermission
	// FaultAlignment: an exclusive or atomic access was misaligned
	// (SIGBUS/BUS_ADRALN).
	FaultAlignment
	// FaultPCAlignment: a branch went to a PC that is not 4-aligned
	// (SIGBUS/BUS_ADRALN).
	FaultPCAlignment
)

// Exit describes why Run returned.
type Exit struct {
	Kind   ExitKind
	Addr   uint64     // ExitFault: guest address of the access
	Access Access     // ExitFault: what kind of access
	Cause  FaultCause // ExitFault: why it failed
	ESR    uint64     // ExitFault, ExitUndefined, ExitBreakpoint: syndrome in ESR_EL1 form
	Insn   uint32     // ExitUndefined: the instruction word
	Imm    uint16     // ExitSyscall, ExitBreakpoint: the immediate of svc/brk
}

func (e Exit) String() string {
	switch e.Kind {
	case ExitFault:
		return fmt.Sprintf("fault: %s at %#x", e.Access, e.Addr)
	case ExitUndefined:
		return fmt.Sprintf("undefined instruction %#08x", e.Insn)
	case ExitBreakpoint:
		return fmt.Sprintf("brk #%#x", e.Imm)
	}
	return e.Kind.String()
}

// Regs holds the general-purpose state of a guest thread.
type Regs struct {
	X      [31]uint64
	SP     uint64
	PC     uint64
	PSTATE uint64 // NZCV in bits 31:28; EL0t otherwise
	TPIDR  uint64 // TPIDR_EL0
}

// FPRegs holds the floating-point and AdvSIMD state of a guest thread.
type FPRegs struct {
	V    [32][2]uint64 // V0–V31: [0] is bits 63:0, [1] bits 127:64
	FPCR uint32
	FPSR uint32
}

// VCPU is one guest thread's processor.
//
// A VCPU is created, run and closed on one goroutine (under hvf that
// goroutine holds runtime.LockOSThread for the VCPU's life); syscall handling
// happens on that goroutine between Runs. Only Interrupt may be called from
// elsewhere.
type VCPU interface {
	// Run executes guest code until an exit.
	Run() Exit
	// Regs reads the general-purpose registers.
	Regs(r *Regs)
	// SetRegs writes the general-purpose registers.
	SetRegs(r *Regs)
	// FPRegs reads the FP/AdvSIMD registers.
	FPRegs(f *FPRegs)
	// SetFPRegs writes the FP/AdvSIMD registers.
	SetFPRegs(f *FPRegs)
	// Interrupt asks a running (or the next) Run to return ExitInterrupted
	// promptly. It is safe to call from any goroutine.
	Interrupt()
	// Close releases the VCPU.
	Close() error
}

// Features is what a backend implements and therefore what the guest may be
// told: AT_HWCAP/AT_HWCAP2 and the EL0-visible ID registers.
type Features struct {
	HWCAP  uint64
	HWCAP2 uint64
}

// Machine is one guest address space with its VCPUs: a Linux process's
// memory, shared by its threads.
type Machine interface {
	// Memory is the guest address space.
	Memory() *Memory
	// NewVCPU creates a VCPU on this address space, on the calling goroutine.
	NewVCPU() (VCPU, error)
	// Features is what guests of this machine may use.
	Features() Features
	// Close releases the address space once all VCPUs are closed.
	Close() error
}

// Linux HWCAP bits (arch/arm64/include/uapi/asm/hwcap.h) that backends
// advertise. They live here, not in sysemu/abi, because the backend decides
// them and vcpu imports nothing of ours.
const (
	HWCAP_FP       = 1 << 0
	HWCAP_ASIMD    = 1 << 1
	HWCAP_EVTSTRM  = 1 << 2
	HWCAP_AES      = 1 << 3
	HWCAP_PMULL    = 1 << 4
	HWCAP_SHA1     = 1 << 5
	HWCAP_SHA2     = 1 << 6
	HWCAP_CRC32    = 1 << 7
	HWCAP_ATOMICS  = 1 << 8
	HWCAP_FPHP     = 1 << 9
	HWCAP_ASIMDHP  = 1 << 10
	HWCAP_CPUID    = 1 << 11
	HWCAP_ASIMDRDM = 1 << 12
	HWCAP_JSCVT    = 1 << 13
	HWCAP_FCMA     = 1 << 14
	HWCAP_LRCPC    = 1 << 15
	HWCAP_DCPOP    = 1 << 16
	HWCAP_ASIMDDP  = 1 << 20
)
