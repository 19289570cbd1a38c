// Package mm is the guest memory manager: the address-space layout shared by
// both CPU backends, and Linux's VMA semantics (brk, mmap placement, munmap,
// mprotect) at 4 KiB guest pages on top of vcpu.Memory.
package mm

import "github.com/carrick-go/carrick/vcpu"

// The guest address-space layout. One table for both backends, all of it
// below the 1 TiB limit of Hypervisor.framework's 40-bit IPA space, so that
// /proc/self/maps is the same on every host.
const (
	// NullGuardEnd: nothing is ever mapped below it (Linux's mmap_min_addr).
	NullGuardEnd = 0x1_0000
	// PIEBase is where an ET_DYN main program (static-pie or PIE) is loaded.
	PIEBase = 0x55_5555_0000
	// TaskSize is where the guest's address space ends: above it the
	// backend keeps its own EL1 pages (vcpu.KernelSize).
	TaskSize = vcpu.UserSpaceSize
	// StackTop is the top of the main thread's stack; StackSize is its
	// reservation (RLIMIT_STACK's default, 8 MiB).
	StackTop  = TaskSize - 0x1_0000
	StackSize = 8 << 20
	// MmapTop is where top-down mmap placement starts: below the stack and a
	// gap for stack growth, as Linux's mmap_base.
	MmapTop = StackTop - StackSize - 128<<20
	// VDSOBase is where the vDSO is mapped (AT_SYSINFO_EHDR), and
	// SigTrampBase the page holding the sigreturn trampoline used for
	// handlers installed without SA_RESTORER. Both sit in the gap between
	// MmapTop and the stack, where mmap never places anything.
	VDSOBase     = MmapTop + 16<<20
	SigTrampBase = VDSOBase + 1<<20
	// MmapBottom bounds top-down placement.
	MmapBottom = 0x1_0000_0000
)

// PageSize is the guest page size.
const PageSize = 4096

// PageUp rounds v up to a page boundary.
func PageUp(v uint64) uint64 { return (v + PageSize - 1) &^ (PageSize - 1) }

// PageDown rounds v down to a page boundary.
func PageDown(v uint64) uint64 { return v &^ (PageSize - 1) }
