package interp

import "unsafe"

// cas128 compares the 16 bytes at the 16-byte aligned host address p with
// (oldLo, oldHi) and, if equal, stores (newLo, newHi), as one atomic
// operation. It returns the value found. A failed comparison still performs
// a write of the value found where the host instruction does (CMPXCHG16B).
//
//go:noescape
func cas128(p unsafe.Pointer, oldLo, oldHi, newLo, newHi uint64) (lo, hi uint64)
