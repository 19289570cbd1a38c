//go:build !amd64 && !arm64

package interp

import (
	"sync"
	"unsafe"
)

// cas128Mu serializes 128-bit compare-and-swaps on hosts without a 16-byte
// atomic instruction. It is atomic against other 128-bit CAS only.
var cas128Mu sync.Mutex

// cas128 compares the 16 bytes at the 16-byte aligned host address p with
// (oldLo, oldHi) and, if equal, stores (newLo, newHi). It returns the value
// found.
func cas128(p unsafe.Pointer, oldLo, oldHi, newLo, newHi uint64) (lo, hi uint64) {
	cas128Mu.Lock()
	defer cas128Mu.Unlock()
	q := (*[2]uint64)(p)
	lo, hi = q[0], q[1]
	if lo == oldLo && hi == oldHi {
		q[0], q[1] = newLo, newHi
	} else {
		q[0], q[1] = lo, hi
	}
	return lo, hi
}
