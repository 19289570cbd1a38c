package interp

import (
	"sync/atomic"
	"unsafe"

	"github.com/carrick-go/carrick/vcpu"
)

// Stage-1 translation of the EL1&0 regime with the 4 KiB granule, as the
// ARM ARM describes it, plus the two HVF behaviours the hvf backend relies
// on: PSTATE.PAN is always 1 at EL1, and EL1 may not execute from a page EL0
// can access (FEAT_PAN3 as HVF shows it). Stage 2 is the guest memory
// itself: an output address beyond it, or a host page the host refuses, is
// an exit to the hypervisor, as HVF reports IPAs it cannot map.
//
// Decoded code stays keyed by VA, as in the plain interpreter; each page
// remembers the output page it was decoded from (codePA) and is dropped when
// the translation changes, so code is fetched from the output address even
// when it differs from the VA. Code invalidations (IC IVAU, Memory writes)
// name addresses, which for the identity maps we use are both.

const el1TLBSize = 256

// tlbEntry caches one translated 4 KiB page.
type tlbEntry struct {
	tag   uint64 // VA page | 1; 0 is empty
	pa    uint64 // output page
	perm  uint8  // permBit(el, access) for each allowed access
	level uint8  // level of the final descriptor, for permission faults
	dev   bool   // Device memory (MAIR attribute with no Normal outer type)
}

// tlbIndex hashes a page number so that pages 1 MiB apart (our text, data
// and vector pages) do not evict each other.
func tlbIndex(page uint64) uint64 {
	vpn := page / pageBytes
	return (vpn ^ vpn>>8 ^ vpn>>16) % el1TLBSize
}

func permBit(el uint8, acc vcpu.Access) uint8 { return 1 << (el*3 + uint8(acc)) }

// Fault status codes (DFSC/IFSC); translation, access flag and permission
// faults add the level.
const (
	fscAddrSize    = 0x00
	fscTranslation = 0x04
	fscAccessFlag  = 0x08
	fscPermission  = 0x0c
	fscAlignment   = 0x21
	fscStage2      = 0x07 // what the model reports for unmappable IPAs
	fscImpDef      = 0x35 // IMPLEMENTATION DEFINED: an access the model cannot perform
	issS1PTW       = 1 << 7
)

// xlat is the result of a translation.
type xlat struct {
	pa    uint64 // output address
	dev   bool
	fault uint8  // 0, xfS1 (to EL1) or xfS2 (exit to the hypervisor)
	fsc   uint64 // with fault: status code, and issS1PTW for stage-2 faults on a walk
	ipa   uint64 // with xfS2: the IPA that could not be mapped
}

const (
	xfS1 = 1
	xfS2 = 2
)

// el1FlushTLB drops every cached translation, and the current code page so
// that the next fetch is checked again.
func (c *CPU) el1FlushTLB() {
	c.el1.tlb = [el1TLBSize]tlbEntry{}
	c.page, c.pageAddr = noPage, noPageAddr
}

// el1BroadcastTLBI makes every other EL1-mode CPU on this memory flush its
// TLB before its next instruction (TLBI …IS).
func (c *CPU) el1BroadcastTLBI() {
	el1Peers.mu.Lock()
	for _, p := range el1Peers.m[c.mem] {
		if p != c {
			p.el1.tlbReq.Store(true)
			p.stop.Or(stopTLB)
		}
	}
	el1Peers.mu.Unlock()
}

// el1BroadcastIC drops the decoded code of every EL1-mode CPU on this
// memory, this one included (IC IALLUIS).
func (c *CPU) el1BroadcastIC() {
	el1Peers.mu.Lock()
	peers := append([]*CPU(nil), el1Peers.m[c.mem]...)
	el1Peers.mu.Unlock()
	for _, p := range peers {
		p.InvalidateCode(0, c.mem.Size())
	}
}

// ipsBits is the output size TCR_EL1.IPS selects (52 is not implemented).
var ipsBits = [8]uint{32, 36, 40, 42, 44, 48, 48, 48}

// el1Xlat translates va for an access by el. Data accesses honour TBI;
// instruction addresses do not (the model has no tagged PCs).
func (c *CPU) el1Xlat(va uint64, acc vcpu.Access, el uint8) xlat {
	e := c.el1
	if e.r.sctlr&1 == 0 {
		// MMU off (EL1 only): VA = PA; data is Device-nGnRnE.
		if va>>48 != 0 {
			return xlat{fault: xfS1, fsc: fscAddrSize}
		}
		if va >= c.mem.Size() {
			return xlat{fault: xfS2, fsc: fscStage2, ipa: va}
		}
		return xlat{pa: va, dev: acc != vcpu.AccessExec}
	}
	eff := va
	if acc != vcpu.AccessExec {
		tbi := e.r.tcr >> 37 & 1 // TBI0
		if va>>55&1 == 1 {
			tbi = e.r.tcr >> 38 & 1 // TBI1
		}
		if tbi == 1 {
			eff = uint64(int64(va<<8) >> 8) // the top byte copies bit 55
		}
	}
	page := eff &^ (pageBytes - 1)
	t := &e.tlb[tlbIndex(page)]
	if t.tag != page|1 {
		var x xlat
		var ent tlbEntry
		if ent, x = c.el1Walk(eff); x.fault != 0 {
			return x
		}
		*t = ent
		t.tag = page | 1
	}
	if t.perm&permBit(el, acc) == 0 {
		return xlat{fault: xfS1, fsc: fscPermission + uint64(t.level)}
	}
	return xlat{pa: t.pa | va&(pageBytes-1), dev: t.dev}
}

// el1Walk walks the stage-1 tables for the page holding eff.
func (c *CPU) el1Walk(eff uint64) (tlbEntry, xlat) {
	r := &c.el1.r
	tcr := r.tcr
	tsz, epd, ttbr, tgOK := tcr&0x3f, tcr>>7&1, r.ttbr0, tcr>>14&3 == 0
	if eff>>55&1 == 1 {
		tsz, epd, ttbr, tgOK = tcr>>16&0x3f, tcr>>23&1, r.ttbr1, tcr>>30&3 == 2
	}
	// T0SZ/T1SZ outside 16..39 behave as the nearest limit (one of the
	// CONSTRAINED UNPREDICTABLE choices).
	tsz = min(max(tsz, 16), 39)
	inBits := uint(64 - tsz)
	top := eff >> inBits
	fault0 := xlat{fault: xfS1, fsc: fscTranslation}
	if eff>>55&1 == 1 && top != 1<<(64-inBits)-1 || eff>>55&1 == 0 && top != 0 || epd == 1 || !tgOK {
		return tlbEntry{}, fault0 // 16 and 64 KiB granules are not modelled
	}
	oaBits := ipsBits[tcr>>32&7]
	level := uint(4 - (inBits-12+8)/9)
	// The start table holds 2^(inBits-shift) entries and is aligned to its
	// size (at least 64 bytes).
	startBits := inBits - (12 + 9*(3-level))
	table := ttbr & (1<<48 - 1) &^ (1<<max(startBits+3, 6) - 1)
	var apTable, uxnTable, pxnTable uint64
	for {
		shift := 12 + 9*(3-level)
		idx := eff >> shift & (1<<9 - 1)
		if shift+9 > inBits {
			idx = eff >> shift & (1<<(inBits-shift) - 1)
		}
		da := table + idx*8
		desc, ok := c.el1ReadDesc(da)
		if !ok {
			return tlbEntry{}, xlat{fault: xfS2, fsc: fscStage2 | issS1PTW, ipa: da}
		}
		lv := uint64(level)
		if desc&1 == 0 || level == 0 && desc&2 == 0 || level == 3 && desc&2 == 0 {
			return tlbEntry{}, xlat{fault: xfS1, fsc: fscTranslation + lv}
		}
		if level < 3 && desc&2 != 0 { // table
			table = desc & (1<<48 - 1) &^ (pageBytes - 1)
			if table>>oaBits != 0 {
				return tlbEntry{}, xlat{fault: xfS1, fsc: fscAddrSize + lv}
			}
			apTable |= desc >> 61 & 3
			uxnTable |= desc >> 60 & 1
			pxnTable |= desc >> 59 & 1
			level++
			continue
		}
		oa := desc&(1<<48-1)&^(1<<shift-1) | eff&(1<<shift-1)&^(pageBytes-1)
		if oa>>oaBits != 0 {
			return tlbEntry{}, xlat{fault: xfS1, fsc: fscAddrSize + lv}
		}
		if desc>>10&1 == 0 {
			return tlbEntry{}, xlat{fault: xfS1, fsc: fscAccessFlag + lv}
		}
		if oa >= c.mem.Size() {
			return tlbEntry{}, xlat{fault: xfS2, fsc: fscStage2, ipa: oa | eff&(pageBytes-1)}
		}
		attr := c.el1.r.mair >> (8 * (desc >> 2 & 7)) & 0xff
		ap := desc >> 6 & 3
		user := ap&1 == 1 && apTable&1 == 0 // EL0 may access
		ro := ap&2 != 0 || apTable&2 != 0
		var perm uint8
		if user {
			perm |= permBit(0, vcpu.AccessRead)
			if !ro {
				perm |= permBit(0, vcpu.AccessWrite)
			}
		} else { // PAN is 1 at EL1: EL1 data access needs a page EL0 cannot touch
			perm |= permBit(1, vcpu.AccessRead)
			if !ro {
				perm |= permBit(1, vcpu.AccessWrite)
			}
		}
		wxn := r.sctlr>>19&1 == 1 && !ro // SCTLR_EL1.WXN: writable means XN
		if desc>>54&1 == 0 && uxnTable == 0 && !wxn {
			perm |= permBit(0, vcpu.AccessExec)
		}
		if desc>>53&1 == 0 && pxnTable == 0 && !user && !wxn {
			perm |= permBit(1, vcpu.AccessExec)
		}
		return tlbEntry{pa: oa, perm: perm, level: uint8(level), dev: attr&0xf0 == 0}, xlat{}
	}
}

// el1ReadDesc reads a descriptor at IPA pa, or reports that it lies beyond
// the guest memory. Inside it, a page the host refuses faults on the host
// and becomes a stage-2 exit in el1Recover, as for data: the Memory's
// region list is not consulted, because the backend may keep its own pages
// (tables, vectors) outside it.
func (c *CPU) el1ReadDesc(pa uint64) (uint64, bool) {
	if pa > c.mem.Size()-8 {
		return 0, false
	}
	e := c.el1
	e.inWalk = true
	d := atomic.LoadUint64((*uint64)(c.hostAddr(pa)))
	e.inWalk = false
	return d, true
}

// el1EA is ea in EL1 mode: translate, check permissions, alignment on
// Device memory, and a second page when the access may cross into it.
func (c *CPU) el1EA(va uint64, acc vcpu.Access) unsafe.Pointer {
	e := c.el1
	e.lastVA, e.lastPA = va, ^uint64(0)
	x := c.el1Xlat(va, acc, e.el)
	if x.fault != 0 {
		panic(c.el1DataAbort(va, acc, x))
	}
	var raw uint32 // the instruction, for the access size
	if off := c.PC - 4 - c.pageAddr; off < pageBytes {
		raw = c.page.insts[off>>2].raw
	}
	if x.dev || e.r.sctlr&2 != 0 { // Device memory, or SCTLR_EL1.A
		elem, _ := ldstSize(raw)
		if va&(elem-1) != 0 || x.dev && faultsOnDevice(raw) {
			panic(el1Abort{ec: ecDataAbortLower, iss: faultISS(acc, fscAlignment), far: va})
		}
	}
	if off := va & (pageBytes - 1); off > pageBytes-16 {
		_, chunk := ldstSize(raw)
		if off+chunk > pageBytes {
			next := va - off + pageBytes
			x2 := c.el1Xlat(next, acc, e.el)
			if x2.fault != 0 {
				panic(c.el1DataAbort(next, acc, x2))
			}
			if x2.pa != x.pa-off+pageBytes {
				// One host pointer cannot serve two scattered pages.
				panic(el1Abort{direct: true, hv: c.el1Stage2(ecDataAbortLower, faultISS(acc, fscImpDef), va, x.pa)})
			}
		}
	}
	e.lastPA = x.pa
	return unsafe.Add(c.base, x.pa)
}

// el1DataAbort is the panic value for a failed data translation.
func (c *CPU) el1DataAbort(va uint64, acc vcpu.Access, x xlat) el1Abort {
	iss := faultISS(acc, x.fsc)
	if x.fault == xfS2 {
		return el1Abort{direct: true, hv: c.el1Stage2(ecDataAbortLower, iss, va, x.ipa)}
	}
	return el1Abort{ec: ecDataAbortLower, iss: iss, far: va}
}

// faultsOnDevice reports exclusives, CAS/CASP, LSE atomics and DC ZVA,
// which take an alignment fault on Device memory.
func faultsOnDevice(raw uint32) bool {
	switch {
	case raw&0xffffffe0 == 0xd50b7420: // DC ZVA
		return true
	case raw&0x3f000000 == 0x08000000: // all but LDAR/STLR (o2=1, o1=0)
		return !(raw>>23&1 == 1 && raw>>21&1 == 0)
	case raw&0x3b200c00 == 0x38200000: // LSE atomics; LDAPR is a load
		return raw>>12&0xf != 0xc
	}
	return false
}

// ldstSize returns, for the load/store raw, the element size that alignment
// is checked against and the most bytes one ea call of its handler covers
// (used to tell whether an access near a page end crosses into the next).
// Unknown forms say 1 and 16.
func ldstSize(raw uint32) (elem, chunk uint64) {
	size := uint64(1) << (raw >> 30)
	v := raw>>26&1 == 1
	switch {
	case raw&0xfffff000 == 0xd50b7000: // DC ZVA: 16-byte aligned stores
		return 16, 16
	case raw>>25&5 != 4:
		return 1, 16
	case raw&0x3f000000 == 0x08000000: // exclusives, ordered, CAS
		if raw>>23&1 == 0 && raw>>21&1 == 1 { // pairs: LDXP/STXP, CASP
			if raw>>31 == 0 { // CASP: sz in bit 30
				size = 4 << (raw >> 30 & 1)
			}
			return size, 2 * size
		}
		return size, size
	case raw&0x3b000000 == 0x18000000: // literal
		n := uint64(4) << (raw >> 30 & 3)
		if !v && raw>>30 == 2 {
			n = 4 // LDRSW
		}
		return n, n
	case raw&0x3a000000 == 0x28000000: // pairs
		reg := uint64(4) << (raw >> 31 & 1)
		if v {
			reg = 4 << (raw >> 30)
		}
		return reg, min(2*reg, 16)
	case raw&0xbf800000 == 0x0c000000 || raw&0xbf800000 == 0x0c800000: // multiple structures
		elem = 1 << (raw >> 10 & 3)
		switch raw >> 12 & 0xf {
		case 0x7, 0xa, 0x6, 0x2: // LD1/ST1: one access per register
			return elem, 8 << (raw >> 30 & 1)
		}
		return elem, 8
	case raw&0xbf800000 == 0x0d000000 || raw&0xbf800000 == 0x0d800000: // single structure
		scale := raw >> 14 & 3
		if scale == 3 {
			scale = raw >> 10 & 3
		} else if scale == 2 && raw>>10&1 == 1 {
			scale = 3
		}
		return 1 << scale, 1 << scale
	case v: // SIMD&FP single register: B, H, S, D, Q
		n := uint64(1) << (raw>>30 | raw>>23&1<<2)
		return n, n
	}
	return size, size // GPR single register and LSE atomics
}

// el1SwitchPage is switchPage in EL1 mode: translate pc for execution at
// the current EL and make its decoded page current. On failure it takes the
// exception (or records the exit) and returns false.
func (c *CPU) el1SwitchPage(pc uint64) bool {
	e := c.el1
	if pc&3 != 0 {
		c.el1Take(ecPCAlign, 0, pc, pc)
		return false
	}
	e.fetchPC, e.inFetch = pc, true
	x := c.el1Xlat(pc, vcpu.AccessExec, e.el)
	e.inFetch = false
	switch x.fault {
	case xfS1:
		c.el1Take(ecInsnAbortLower, x.fsc, pc, pc)
		return false
	case xfS2:
		c.el1Exit(c.el1Stage2(ecInsnAbortLower, x.fsc, pc, x.ipa))
		return false
	}
	// A page the host refuses faults when opDecodeEL1 reads it.
	pa := x.pa &^ (pageBytes - 1)
	addr := pc &^ (pageBytes - 1)
	p := c.pages[addr]
	if p != nil && e.codePA[addr] != pa {
		p = nil
	}
	if p == nil {
		p = &codePage{addr: addr}
		for i := range p.insts {
			p.insts[i].fn = opDecodeEL1
		}
		c.pages[addr] = p
		e.codePA[addr] = pa
	}
	c.tlb[(addr/pageBytes)%tlbSize] = p
	c.page, c.pageAddr, e.fetchPA = p, addr, pa
	return true
}

// opDecodeEL1 decodes an instruction from the output page on its first
// execution, then runs it.
func opDecodeEL1(c *CPU, in *Inst) {
	e := c.el1
	pc := c.PC - 4
	e.fetchPC, e.inFetch = pc, true
	raw := *(*uint32)(c.hostAddr(e.fetchPA + pc&(pageBytes-1)))
	e.inFetch = false
	c.el1Decode(raw, pc, in)
	in.fn(c, in)
}
