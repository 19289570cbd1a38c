package interp

import (
	"sync/atomic"
	"unsafe"

	"github.com/carrick-go/carrick/vcpu"
)

// Exclusives (LDXR/STXR and pairs), ordered accesses (LDAR/STLR, LDLAR/STLLR,
// LDAPR) and LSE atomics (CAS, CASP, LDADD…, SWP).
//
// All of them require natural alignment (pairs: twice the register size) and
// raise an alignment fault otherwise. They use host atomics on guest memory,
// which are sequentially consistent: stronger than acquire/release, so every
// ordering variant maps to the same code.
//
// The exclusive monitor follows QEMU: LDXR remembers the address, size and
// value read; STXR succeeds iff address and size match and memory still holds
// that value, which it checks and replaces with one host compare-and-swap.
// STXR always clears the monitor.
//
// Operand conventions: rd is Rt (wZR for loads, rZR for stores), rm is Rt2
// for pairs and the read mapping of Rs for CAS and atomics, ra the written
// Rs (status of STXR, old value of CAS), rn the base, sz log2 of the access
// size, op the atomic operation. CASP keeps the read mapping of Rt+1 in sh,
// of Rs+1 in cond and the written Rs+1 in imm.

func decodeExclusive(raw uint32, in *Inst) bool {
	rt, rt2, rs := raw&31, raw>>10&31, raw>>16&31
	size := uint8(raw >> 30)
	in.rn = rSP(raw >> 5)
	in.sz = size
	switch raw>>21&7<<1 | raw>>15&1 { // o2:L:o1:o0
	case 0x0, 0x1: // STXR, STLXR
		in.rd, in.ra = rZR(rt), wZR(rs)
		in.fn = opStxr
	case 0x4, 0x5: // LDXR, LDAXR
		in.rd = wZR(rt)
		in.fn = opLdxr
	case 0x8, 0x9: // STLLR, STLR
		in.rd = rZR(rt)
		in.fn = opStlr
	case 0xc, 0xd: // LDLAR, LDAR
		in.rd = wZR(rt)
		in.fn = opLdar
	case 0x2, 0x3, 0x6, 0x7:
		l := raw >> 22 & 1
		if size&2 != 0 { // STXP/STLXP, LDXP/LDAXP
			if l == 1 {
				in.rd, in.rm = wZR(rt), wZR(rt2)
				in.fn = opLdxp
			} else {
				in.rd, in.rm, in.ra = rZR(rt), rZR(rt2), wZR(rs)
				in.fn = opStxp
			}
			return true
		}
		// CASP, CASPA, CASPL, CASPAL
		if rt2 != 31 || (rt|rs)&1 != 0 {
			return false
		}
		in.rd, in.sh = rZR(rt), rZR(rt+1)
		in.rm, in.cond = rZR(rs), rZR(rs+1)
		in.ra, in.imm = wZR(rs), uint64(wZR(rs+1))
		if size == 0 {
			in.fn = opCaspW
		} else {
			in.fn = opCaspX
		}
	default: // 0xa, 0xb, 0xe, 0xf: CAS, CASL, CASA, CASAL
		if rt2 != 31 {
			return false
		}
		in.rd, in.rm, in.ra = rZR(rt), rZR(rs), wZR(rs)
		in.fn = opCas
	}
	return true
}

// decodeAtomic: LSE atomic memory operations and LDAPR.
func decodeAtomic(raw uint32, in *Inst) bool {
	if raw>>26&1 == 1 {
		return false
	}
	rs := raw >> 16 & 31
	in.sz = uint8(raw >> 30)
	in.rn = rSP(raw >> 5)
	in.rd = wZR(raw)
	op := raw >> 12 & 15
	switch {
	case op <= 8:
		in.op = uint8(op)
		in.rm = rZR(rs)
		switch {
		case op == 0 && in.sz == 3:
			in.fn = opLdadd64
		case op == 8 && in.sz == 3:
			in.fn = opSwp64
		default:
			in.fn = opAtomic
		}
	case op == 12: // LDAPR, LDAPRH, LDAPRB
		if rs != 31 || raw>>22&3 != 2 {
			return false
		}
		in.fn = opLdar
	default:
		return false
	}
	return true
}

// atomicEA checks the natural alignment of an n-byte access at va and returns
// its host address.
func (c *CPU) atomicEA(va, n uint64, acc vcpu.Access) unsafe.Pointer {
	if va&(n-1) != 0 {
		alignFault(va&tbiMask, acc)
	}
	return c.ea(va, acc)
}

// word32 is the host address of the aligned 32-bit word holding the byte or
// halfword at va (which is aligned to its size), and the bit position of the
// value in it (little-endian).
func (c *CPU) word32(va uint64, acc vcpu.Access) (*uint32, uint64) {
	return (*uint32)(c.ea(va&^3, acc)), va & 3 * 8
}

var sizeMask = [4]uint64{0xff, 0xffff, 0xffffffff, ^uint64(0)}

// loadAtomic is a single-copy-atomic, sequentially consistent load of
// 1<<size bytes at the aligned va.
func (c *CPU) loadAtomic(va uint64, size uint8) uint64 {
	if size < 2 {
		p, sh := c.word32(va, vcpu.AccessRead)
		return uint64(atomic.LoadUint32(p)) >> sh & sizeMask[size]
	}
	p := c.ea(va, vcpu.AccessRead)
	if size == 2 {
		return uint64(atomic.LoadUint32((*uint32)(p)))
	}
	return atomic.LoadUint64((*uint64)(p))
}

// storeAtomic is the store counterpart of loadAtomic.
func (c *CPU) storeAtomic(va uint64, size uint8, v uint64) {
	if size < 2 {
		c.rmw(va, size, 8, v)
		return
	}
	p := c.ea(va, vcpu.AccessWrite)
	if size == 2 {
		atomic.StoreUint32((*uint32)(p), uint32(v))
		return
	}
	atomic.StoreUint64((*uint64)(p), v)
}

// cas compares the 1<<size bytes at the aligned va with old and stores new
// if they are equal. It returns the value it found. It always writes (the
// old value back when the comparison fails), so read-only memory faults
// whatever the outcome, as a hardware compare-and-swap does.
func (c *CPU) cas(va uint64, size uint8, old, new uint64) uint64 {
	m := sizeMask[size]
	old &= m
	new &= m
	switch size {
	case 0, 1:
		p, sh := c.word32(va, vcpu.AccessWrite)
		wm := uint32(m) << sh
		for {
			w := atomic.LoadUint32(p)
			cur := uint64(w&wm) >> sh
			nw := w
			if cur == old {
				nw = w&^wm | uint32(new)<<sh
			}
			if atomic.CompareAndSwapUint32(p, w, nw) {
				return cur
			}
		}
	case 2:
		p := (*uint32)(c.ea(va, vcpu.AccessWrite))
		for {
			w := atomic.LoadUint32(p)
			nw := w
			if uint64(w) == old {
				nw = uint32(new)
			}
			if atomic.CompareAndSwapUint32(p, w, nw) {
				return uint64(w)
			}
		}
	default:
		p := (*uint64)(c.ea(va, vcpu.AccessWrite))
		for {
			w := atomic.LoadUint64(p)
			nw := w
			if w == old {
				nw = new
			}
			if atomic.CompareAndSwapUint64(p, w, nw) {
				return w
			}
		}
	}
}

// Atomic operations, as the o3:opc field of the LSE atomics.
const (
	aoAdd = iota
	aoClr
	aoEor
	aoSet
	aoSmax
	aoSmin
	aoUmax
	aoUmin
	aoSwp
)

// atomicResult applies op to the memory value old and the operand v, both
// 1<<size bytes wide (old zero-extended, v in the low bits).
func atomicResult(op, size uint8, old, v uint64) uint64 {
	m := sizeMask[size]
	v &= m
	bits := 8 << size
	switch op {
	case aoAdd:
		return (old + v) & m
	case aoClr:
		return old &^ v
	case aoEor:
		return old ^ v
	case aoSet:
		return old | v
	case aoSmax:
		if int64(old<<(64-bits)) >= int64(v<<(64-bits)) {
			return old
		}
		return v
	case aoSmin:
		if int64(old<<(64-bits)) <= int64(v<<(64-bits)) {
			return old
		}
		return v
	case aoUmax:
		return max(old, v)
	case aoUmin:
		return min(old, v)
	}
	return v // aoSwp
}

// rmw atomically replaces the 1<<size bytes at the aligned va with
// op(old, v) and returns old. It always writes.
func (c *CPU) rmw(va uint64, size, op uint8, v uint64) uint64 {
	switch size {
	case 0, 1:
		p, sh := c.word32(va, vcpu.AccessWrite)
		wm := uint32(sizeMask[size]) << sh
		for {
			w := atomic.LoadUint32(p)
			old := uint64(w&wm) >> sh
			nw := w&^wm | uint32(atomicResult(op, size, old, v))<<sh
			if atomic.CompareAndSwapUint32(p, w, nw) {
				return old
			}
		}
	case 2:
		p := (*uint32)(c.ea(va, vcpu.AccessWrite))
		switch op {
		case aoAdd:
			return uint64(atomic.AddUint32(p, uint32(v)) - uint32(v))
		case aoClr:
			return uint64(atomic.AndUint32(p, ^uint32(v)))
		case aoSet:
			return uint64(atomic.OrUint32(p, uint32(v)))
		case aoSwp:
			return uint64(atomic.SwapUint32(p, uint32(v)))
		}
		for {
			w := atomic.LoadUint32(p)
			nw := uint32(atomicResult(op, size, uint64(w), v))
			if atomic.CompareAndSwapUint32(p, w, nw) {
				return uint64(w)
			}
		}
	default:
		p := (*uint64)(c.ea(va, vcpu.AccessWrite))
		switch op {
		case aoAdd:
			return atomic.AddUint64(p, v) - v
		case aoClr:
			return atomic.AndUint64(p, ^v)
		case aoSet:
			return atomic.OrUint64(p, v)
		case aoSwp:
			return atomic.SwapUint64(p, v)
		}
		for {
			w := atomic.LoadUint64(p)
			nw := atomicResult(op, size, w, v)
			if atomic.CompareAndSwapUint64(p, w, nw) {
				return w
			}
		}
	}
}

func opLdxr(c *CPU, in *Inst) {
	va := c.X[in.rn]
	n := uint64(1) << in.sz
	if va&(n-1) != 0 {
		alignFault(va&tbiMask, vcpu.AccessRead)
	}
	v := c.loadAtomic(va, in.sz)
	c.X[in.rd] = v
	c.exclAddr, c.exclSize, c.exclPair, c.exclVal = va&tbiMask, uint8(n), false, v
}

func opStxr(c *CPU, in *Inst) {
	va := c.X[in.rn]
	n := uint64(1) << in.sz
	if va&(n-1) != 0 {
		alignFault(va&tbiMask, vcpu.AccessWrite)
	}
	status := uint64(1)
	if c.exclSize == uint8(n) && !c.exclPair && c.exclAddr == va&tbiMask {
		// Clear the monitor first: if the store faults, the exception would
		// have cleared it on hardware.
		c.exclSize = 0
		if c.cas(va, in.sz, c.exclVal, c.X[in.rd]) == c.exclVal {
			status = 0
		}
	}
	c.exclSize = 0
	c.X[in.ra] = status
}

// opLdxp loads an exclusive pair: sz is 2 (two W) or 3 (two X).
func opLdxp(c *CPU, in *Inst) {
	va := c.X[in.rn]
	n := uint64(2) << in.sz
	p := c.atomicEA(va, n, vcpu.AccessRead)
	if in.sz == 2 {
		v := atomic.LoadUint64((*uint64)(p))
		c.X[in.rd] = uint64(uint32(v))
		c.X[in.rm] = v >> 32
		c.exclVal = v
	} else {
		lo := atomic.LoadUint64((*uint64)(p))
		hi := atomic.LoadUint64((*uint64)(unsafe.Add(p, 8)))
		c.X[in.rd] = lo
		c.X[in.rm] = hi
		c.exclVal, c.exclVal2 = lo, hi
	}
	c.exclAddr, c.exclSize, c.exclPair = va&tbiMask, uint8(n), true
}

func opStxp(c *CPU, in *Inst) {
	va := c.X[in.rn]
	n := uint64(2) << in.sz
	p := c.atomicEA(va, n, vcpu.AccessWrite)
	status := uint64(1)
	if c.exclSize == uint8(n) && c.exclPair && c.exclAddr == va&tbiMask {
		c.exclSize = 0
		if in.sz == 2 {
			v := uint64(uint32(c.X[in.rd])) | c.X[in.rm]<<32
			if c.cas(va, 3, c.exclVal, v) == c.exclVal {
				status = 0
			}
		} else {
			lo, hi := cas128(p, c.exclVal, c.exclVal2, c.X[in.rd], c.X[in.rm])
			if lo == c.exclVal && hi == c.exclVal2 {
				status = 0
			}
		}
	}
	c.exclSize = 0
	c.X[in.ra] = status
}

func opLdar(c *CPU, in *Inst) {
	va := c.X[in.rn]
	if va&(1<<in.sz-1) != 0 {
		alignFault(va&tbiMask, vcpu.AccessRead)
	}
	c.X[in.rd] = c.loadAtomic(va, in.sz)
}

func opStlr(c *CPU, in *Inst) {
	va := c.X[in.rn]
	if va&(1<<in.sz-1) != 0 {
		alignFault(va&tbiMask, vcpu.AccessWrite)
	}
	c.storeAtomic(va, in.sz, c.X[in.rd])
}

func opCas(c *CPU, in *Inst) {
	va := c.X[in.rn]
	if va&(1<<in.sz-1) != 0 {
		alignFault(va&tbiMask, vcpu.AccessWrite)
	}
	c.X[in.ra] = c.cas(va, in.sz, c.X[in.rm], c.X[in.rd])
}

func opCaspW(c *CPU, in *Inst) {
	va := c.X[in.rn]
	if va&7 != 0 {
		alignFault(va&tbiMask, vcpu.AccessWrite)
	}
	old := uint64(uint32(c.X[in.rm])) | c.X[in.cond]<<32
	new := uint64(uint32(c.X[in.rd])) | c.X[in.sh]<<32
	v := c.cas(va, 3, old, new)
	c.X[in.ra] = uint64(uint32(v))
	c.X[in.imm] = v >> 32
}

func opCaspX(c *CPU, in *Inst) {
	va := c.X[in.rn]
	p := c.atomicEA(va, 16, vcpu.AccessWrite)
	lo, hi := cas128(p, c.X[in.rm], c.X[in.cond], c.X[in.rd], c.X[in.sh])
	c.X[in.ra] = lo
	c.X[in.imm] = hi
}

func opAtomic(c *CPU, in *Inst) {
	va := c.X[in.rn]
	if va&(1<<in.sz-1) != 0 {
		alignFault(va&tbiMask, vcpu.AccessWrite)
	}
	c.X[in.rd] = c.rmw(va, in.sz, in.op, c.X[in.rm])
}

func opLdadd64(c *CPU, in *Inst) {
	va := c.X[in.rn]
	p := (*uint64)(c.atomicEA(va, 8, vcpu.AccessWrite))
	v := c.X[in.rm]
	c.X[in.rd] = atomic.AddUint64(p, v) - v
}

func opSwp64(c *CPU, in *Inst) {
	va := c.X[in.rn]
	p := (*uint64)(c.atomicEA(va, 8, vcpu.AccessWrite))
	c.X[in.rd] = atomic.SwapUint64(p, c.X[in.rm])
}
