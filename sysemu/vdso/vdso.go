// Package vdso builds the guest's virtual dynamic shared object: a small
// ELF64 AArch64 shared object (ET_DYN, SONAME linux-vdso.so.1) that the
// loader maps read+exec and hands to the guest as AT_SYSINFO_EHDR, as the
// Linux kernel does. It also provides the page used as the return address of
// signal handlers installed without SA_RESTORER.
//
// The image is generated in Go on first use: no assembler or linker runs at
// build or run time and nothing binary is committed. It exports, all with
// the symbol version LINUX_2.6.39 (the only version the arm64 kernel defines,
// and the one Go's runtime, glibc and musl ask for):
//
//	__kernel_clock_gettime   mov x8, #113; svc #0; ret
//	__kernel_gettimeofday    mov x8, #169; svc #0; ret
//	__kernel_clock_getres    mov x8, #114; svc #0; ret
//	__kernel_rt_sigreturn    mov x8, #139; svc #0   (preceded by a nop)
//
// The time functions are plain syscall trampolines: the syscall layer
// services them on both CPU backends, and the guest's libc still calls them
// through the vDSO as it would on Linux. The return value is whatever the
// syscall puts in x0 (0 or -errno), which is exactly the kernel vDSO's
// fallback-path contract.
//
// __kernel_getrandom is deliberately absent: the Linux 6.11+ vgetrandom ABI
// (opaque per-thread state, generation counter in a vvar page, an in-vDSO
// ChaCha20) is not something a syscall trampoline can honour, and every
// user (Go ≥1.24, glibc ≥2.41) falls back to the getrandom syscall when the
// symbol is missing.
//
// The image needs no relocations: every address in it (dynamic tags, symbol
// values) is an offset from the start of the image (its one PT_LOAD has
// p_vaddr = p_offset = 0), which is how the kernel's vDSO is linked and how
// its consumers (Go's runtime/vdso_linux.go, glibc's setup_vdso, musl's
// __vdsosym) compute addresses: load address + value.
//
// Like the kernel's current arm64 vDSO, there is no .eh_frame: unwinders
// (libgcc's aarch64_fallback_frame_state, gdb's tramp-frame sniffer)
// recognise a signal frame from the two words at the return address,
// "mov x8, #139" and "svc #0", which both __kernel_rt_sigreturn and the
// sigreturn trampoline page hold.
package vdso

import (
	"encoding/binary"
	"sync"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// PageSize is the guest page size the image and the trampoline are laid out
// for.
const PageSize = 4096

// Size is the number of bytes to map for the vDSO: Image() is exactly this
// long, a whole number of 4 KiB pages.
const Size = 1 * PageSize

// Names of the exported symbols, their version and the object's SONAME.
const (
	ClockGettime = "__kernel_clock_gettime"
	Gettimeofday = "__kernel_gettimeofday"
	ClockGetres  = "__kernel_clock_getres"
	RtSigreturn  = "__kernel_rt_sigreturn"

	// Version is the symbol version of every export; VersionHash is its ELF
	// (SysV) hash, the vd_hash that Go's runtime compares.
	Version     = "LINUX_2.6.39"
	VersionHash = 0x075fcb89

	// Soname is DT_SONAME and the name of the base version definition.
	Soname = "linux-vdso.so.1"
)

// KernelVersion is the LINUX_VERSION_CODE (major<<16 | minor<<8 | patch)
// carried in the image's "Linux" ELF note, as the kernel's vDSO carries its
// own. glibc before 2.36 takes the running kernel's version from this note
// (dl_osversion) and refuses to load libraries whose NT_GNU_ABI_TAG asks for
// a newer one; some programs (cilium/ebpf, through debug/elf over the
// mapping and its section headers) read it too. The release uname(2)
// reports should agree with it (6.12.x).
const KernelVersion = 6<<16 | 12<<8 | 0

// The two instruction words of a sigreturn: "mov x8, #139" (139 is
// rt_sigreturn) and "svc #0". libgcc's aarch64_fallback_frame_state and
// gdb match exactly these words at a frame's return address.
const (
	InsnMovX8RtSigreturn uint32 = 0xd2801168
	InsnSvc0             uint32 = 0xd4000001
)

// Symbol is one export of the image: Offset is its value, the distance from
// the start of the image (so its guest address is the load address plus
// Offset); Size is its code size in bytes.
type Symbol struct {
	Name   string
	Offset uint64
	Size   uint64
}

// Image returns the vDSO image, Size bytes to copy to a page-aligned guest
// address and map read+exec (never writable). It is built once; each call
// returns a fresh copy of the same bytes.
func Image() []byte {
	return append([]byte(nil), build().image...)
}

// Symbols returns the exports in .dynsym order with their offsets.
func Symbols() []Symbol {
	return append([]Symbol(nil), build().syms...)
}

// Offset returns the offset within the image of the named export.
func Offset(name string) (uint64, bool) {
	for _, s := range build().syms {
		if s.Name == name {
			return s.Offset, true
		}
	}
	return 0, false
}

// SigreturnOffset is Offset(RtSigreturn): the signal code sets x30 to the
// vDSO load address plus this for handlers without SA_RESTORER.
func SigreturnOffset() uint64 {
	off, _ := Offset(RtSigreturn)
	return off
}

// SigreturnTrampolineEntry is the offset in the trampoline page of the
// "mov x8, #139; svc #0" pair (a nop precedes it, as in the vDSO).
const SigreturnTrampolineEntry = 4

// SigreturnTrampoline returns the content of the stand-alone sigreturn
// trampoline page (PageSize bytes, to be mapped read+exec), for processes
// that get no vDSO: nop at 0, then at SigreturnTrampolineEntry the words
// "mov x8, #139" and "svc #0"; the rest is UDF #0 (zero), so nothing but the
// entry can be executed usefully. Return address for a signal handler
// installed without SA_RESTORER = page address + SigreturnTrampolineEntry.
func SigreturnTrampoline() []byte {
	p := make([]byte, PageSize)
	put := func(off int, w uint32) { binary.LittleEndian.PutUint32(p[off:], w) }
	put(SigreturnTrampolineEntry-4, insnNOP)
	put(SigreturnTrampolineEntry, sigreturnMov())
	put(SigreturnTrampolineEntry+4, svc(0))
	return p
}

// sigreturnMov is "mov x8, #rt_sigreturn", checked against the exported
// constant at init so the two can never disagree.
func sigreturnMov() uint32 { return movzX(regSyscallNr, abi.SYS_RT_SIGRETURN) }

func init() {
	if sigreturnMov() != InsnMovX8RtSigreturn || svc(0) != InsnSvc0 {
		panic("vdso: sigreturn instruction encoding mismatch")
	}
}

// built is the image and its symbol table, computed once.
type built struct {
	image []byte
	syms  []Symbol
}

var build = sync.OnceValue(func() *built {
	img, syms := buildImage()
	return &built{image: img, syms: syms}
})
