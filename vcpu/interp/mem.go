package interp

import (
	"unsafe"

	"github.com/carrick-go/carrick/vcpu"
)

// tbiMask drops the top byte of data addresses: Linux enables TBI0 for EL0,
// so bits 63:56 of a data address are ignored.
const tbiMask = 1<<56 - 1

// hostAddr is the host address of guest address va, unchecked.
func (c *CPU) hostAddr(va uint64) unsafe.Pointer { return unsafe.Add(c.base, va) }

// ea returns the host address for a data access of at most 16 bytes at va.
// Addresses outside the guest space fault; inside it, the host's page
// protection does the rest (a host fault becomes a guest Fault exit).
//
// The comparison is signed so that EL1 mode can send every access to eaSlow
// (which translates through the stage-1 tables) by setting limit to -1: a
// top-byte-masked address is never negative, so for plain CPUs the signed
// comparison is the unsigned one and costs nothing extra.
func (c *CPU) ea(va uint64, acc vcpu.Access) unsafe.Pointer {
	if int64(va&tbiMask) > int64(c.limit) {
		return c.eaSlow(va, acc)
	}
	return unsafe.Add(c.base, va&tbiMask)
}

// eaSlow handles the accesses ea does not: EL1-mode translation, and
// addresses outside the guest space.
//
//go:noinline
func (c *CPU) eaSlow(va uint64, acc vcpu.Access) unsafe.Pointer {
	if c.el1 != nil {
		return c.el1EA(va, acc)
	}
	badAddr(va&tbiMask, acc)
	return nil
}

//go:noinline
func badAddr(va uint64, acc vcpu.Access) {
	panic(guestFault{addr: va, access: acc, cause: vcpu.FaultTranslation})
}

// alignFault raises an alignment fault for an exclusive or atomic access.
//
//go:noinline
func alignFault(va uint64, acc vcpu.Access) {
	panic(guestFault{addr: va, access: acc, cause: vcpu.FaultAlignment})
}

// Plain loads and stores. Aligned accesses up to 64 bits are one host access,
// so they are single-copy atomic as ARM requires; unaligned ones work as they
// do for Normal memory on Linux.
func (c *CPU) read8(va uint64) uint64  { return uint64(*(*uint8)(c.ea(va, vcpu.AccessRead))) }
func (c *CPU) read16(va uint64) uint64 { return uint64(*(*uint16)(c.ea(va, vcpu.AccessRead))) }
func (c *CPU) read32(va uint64) uint64 { return uint64(*(*uint32)(c.ea(va, vcpu.AccessRead))) }
func (c *CPU) read64(va uint64) uint64 { return *(*uint64)(c.ea(va, vcpu.AccessRead)) }
func (c *CPU) read128(va uint64) (lo, hi uint64) {
	p := c.ea(va, vcpu.AccessRead)
	return *(*uint64)(p), *(*uint64)(unsafe.Add(p, 8))
}

func (c *CPU) write8(va, v uint64)  { *(*uint8)(c.ea(va, vcpu.AccessWrite)) = uint8(v) }
func (c *CPU) write16(va, v uint64) { *(*uint16)(c.ea(va, vcpu.AccessWrite)) = uint16(v) }
func (c *CPU) write32(va, v uint64) { *(*uint32)(c.ea(va, vcpu.AccessWrite)) = uint32(v) }
func (c *CPU) write64(va, v uint64) { *(*uint64)(c.ea(va, vcpu.AccessWrite)) = v }
func (c *CPU) write128(va, lo, hi uint64) {
	p := c.ea(va, vcpu.AccessWrite)
	*(*uint64)(p) = lo
	*(*uint64)(unsafe.Add(p, 8)) = hi
}

// isStore reports whether a load/store-class instruction writes memory, for
// the WnR bit of a fault's syndrome. Atomics and DC ZVA count as writes.
func isStore(raw uint32) bool {
	switch {
	case raw&0xfffff000 == 0xd50b7000 && raw>>5&0x7f == 0x21: // DC ZVA (CRm=4, op2=1)
		return true
	case raw>>25&5 != 4: // not a load/store
		return false
	case raw&0x3f000000 == 0x08000000: // exclusives, ordered, CAS, CASP
		l, o1, o2, size := raw>>22&1, raw>>21&1, raw>>23&1, raw>>30
		return l == 0 || o1 == 1 && (o2 == 1 || size < 2)
	case raw&0x3b200c00 == 0x38200000: // LSE atomics (they write); LDAPR only reads
		return raw>>12&0xf != 0xc
	case raw&0x3a000000 == 0x28000000: // pairs
		return raw>>22&1 == 0
	case raw&0xbf800000 == 0x0c000000 || raw&0xbf800000 == 0x0c800000 ||
		raw&0xbf800000 == 0x0d000000 || raw&0xbf800000 == 0x0d800000: // SIMD structures
		return raw>>22&1 == 0
	case raw&0x3b000000 == 0x39000000 || raw&0x3b000000 == 0x38000000: // single register
		opc := raw >> 22 & 3
		if raw>>26&1 == 1 { // SIMD&FP: opc 00 and 10 store
			return opc&1 == 0
		}
		return opc == 0
	}
	return false
}
