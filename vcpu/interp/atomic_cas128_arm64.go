package interp

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// hasLSE selects CASPAL over an LDAXP/STLXP loop.
var hasLSE = cpu.ARM64.HasATOMICS

// cas128 compares the 16 bytes at the 16-byte aligned host address p with
// (oldLo, oldHi) and, if equal, stores (newLo, newHi), as one atomic
// operation. It returns the value found.
func cas128(p unsafe.Pointer, oldLo, oldHi, newLo, newHi uint64) (lo, hi uint64) {
	if hasLSE {
		return cas128LSE(p, oldLo, oldHi, newLo, newHi)
	}
	return cas128LLSC(p, oldLo, oldHi, newLo, newHi)
}

//go:noescape
func cas128LSE(p unsafe.Pointer, oldLo, oldHi, newLo, newHi uint64) (lo, hi uint64)

//go:noescape
func cas128LLSC(p unsafe.Pointer, oldLo, oldHi, newLo, newHi uint64) (lo, hi uint64)
