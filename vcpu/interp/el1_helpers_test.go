package interp

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/carrick-go/carrick/vcpu"
)

// A tiny EL1 world for the EL1-model tests: stage-1 tables built on demand
// from a pool, a vector page, an EL1 text page starting with `eret`, and
// user text and data pages.
const (
	tPool    = 0x200000 // page-table pool (16 pages)
	tVBAR    = 0x300000
	tKText   = 0x301000 // EL1 text; tKText itself is `eret`
	tKData   = 0x302000
	tUText   = 0x400000
	tUData   = 0x500000
	tURO     = 0x501000
	tUnmapL3 = 0x503000 // inside a mapped L3 table, invalid entry
	tUnmapL1 = 0x40000000
	tUnmapL0 = 0x8000000000
	tMemEnd  = 0x600000 // end of the host-mapped guest memory
)

// Descriptor bits.
const (
	dValid   = 1
	dPage    = 3 // valid | page/table
	dAF      = 1 << 10
	dSH      = 3 << 8
	dAPUser  = 1 << 6 // AP[1]: EL0 access
	dAPRO    = 1 << 7 // AP[2]: read-only
	dPXN     = 1 << 53
	dUXN     = 1 << 54
	dDevice  = 1 << 2 // AttrIndx 1 (MAIR byte 1 = Device-nGnRnE)
	kTextPTE = dPage | dAF | dSH | dUXN
	kDataPTE = dPage | dAF | dSH | dUXN | dPXN
	uTextPTE = dPage | dAF | dSH | dAPUser | dAPRO | dPXN
	uDataPTE = dPage | dAF | dSH | dAPUser | dPXN | dUXN
	uROPTE   = dPage | dAF | dSH | dAPUser | dAPRO | dPXN | dUXN
)

// Register values of the world.
const (
	tSCTLR = 1 | 1<<2 | 1<<12 // M, C, I
	tTCR   = 16 | 1<<23 | 2<<32 | 1<<37
	tMAIR  = 0x00ff // attr0 Normal WB, attr1 Device-nGnRnE
)

type el1World struct {
	t    testing.TB
	c    *CPU
	mem  *vcpu.Memory
	next uint64 // next free pool page
}

func newEL1World(t testing.TB) *el1World {
	t.Helper()
	mem, err := vcpu.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mem.Close() })
	if err := mem.Map(tPool, tMemEnd-tPool, vcpu.ProtRead|vcpu.ProtWrite|vcpu.ProtExec); err != nil {
		t.Fatal(err)
	}
	c := NewMachine(mem).newCPU()
	t.Cleanup(func() { c.Close() })
	c.EnableEL1()
	w := &el1World{t: t, c: c, mem: mem, next: tPool + pageBytes}
	w.mapPage(tVBAR, tVBAR, kTextPTE)
	w.mapPage(tKText, tKText, kTextPTE)
	w.mapPage(tKData, tKData, kDataPTE)
	w.mapPage(tUText, tUText, uTextPTE)
	w.mapPage(tUData, tUData, uDataPTE)
	w.mapPage(tURO, tURO, uROPTE)
	// Vectors: every slot exits with hvc #(0x10 + slot), except the
	// lower-EL synchronous one, which is carrick's `hvc #2; eret`.
	for slot := uint64(0); slot < 16; slot++ {
		w.code(tVBAR+slot*0x80, hvc(0x10+uint32(slot)))
	}
	w.code(tVBAR+0x400, hvc(2), eret)
	w.code(tKText, eret)
	for r, v := range map[uint16]uint64{SysSCTLR: tSCTLR, SysTCR: tTCR, SysMAIR: tMAIR,
		SysTTBR0: tPool, SysVBAR: tVBAR, SysCPACR: 3 << 20} {
		if !c.SetHVSysReg(r, v) {
			t.Fatalf("SetHVSysReg(%#x) refused", r)
		}
	}
	c.SetHVSysReg(SysSPEL1, tKData+pageBytes)
	return w
}

func (w *el1World) read64(addr uint64) uint64 {
	var b [8]byte
	if err := w.mem.ReadForce(addr, b[:]); err != nil {
		w.t.Fatal(err)
	}
	return binary.LittleEndian.Uint64(b[:])
}

func (w *el1World) write64(addr, v uint64) {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	if err := w.mem.WriteForce(addr, b[:]); err != nil {
		w.t.Fatal(err)
	}
}

// pte returns the address of va's level-3 descriptor, making tables.
func (w *el1World) pte(va uint64) uint64 {
	table := uint64(tPool)
	for level := 0; level < 3; level++ {
		da := table + (va>>(39-9*level)&511)*8
		d := w.read64(da)
		if d&3 != 3 {
			d = w.next | 3
			w.next += pageBytes
			w.write64(da, d)
		}
		table = d &^ 0xfff & (1<<48 - 1)
	}
	return table + (va>>12&511)*8
}

func (w *el1World) mapPage(va, pa, flags uint64) { w.write64(w.pte(va), pa|flags) }

// code writes instructions at addr and drops stale decoded code.
func (w *el1World) code(addr uint64, insns ...uint32) {
	b := make([]byte, 4*len(insns))
	for i, in := range insns {
		binary.LittleEndian.PutUint32(b[4*i:], in)
	}
	if err := w.mem.WriteForce(addr, b); err != nil {
		w.t.Fatal(err)
	}
	w.mem.InvalidateCode(addr, uint64(len(b)))
}

// toEL0 arranges for the next run to eret from tKText to EL0 at pc.
func (w *el1World) toEL0(pc uint64) {
	w.c.SetHVReg(hvRegCPSR, 0x3c5)
	w.c.SetHVReg(hvRegPC, tKText)
	w.c.SetHVSysReg(SysSPSR, 0)
	w.c.SetHVSysReg(SysELR, pc)
}

// run runs with a watchdog: a run that does not exit within 5 s is
// interrupted and fails the test.
func (w *el1World) run() HVExit {
	w.t.Helper()
	tm := time.AfterFunc(5*time.Second, w.c.Interrupt)
	ex := w.c.RunEL1()
	if !tm.Stop() && ex.Reason == HVExitCanceled {
		w.t.Fatalf("run hung at pc %#x", w.c.PC)
	}
	return ex
}

func (w *el1World) sys(r uint16) uint64 {
	v, ok := w.c.HVSysReg(r)
	if !ok {
		w.t.Fatalf("HVSysReg(%#x) unknown", r)
	}
	return v
}

// expectVector runs and expects an exception from EL0 delivered to the
// lower-EL vector (hvc #2 exit), with ESR_EL1 esr and ELR_EL1 elr.
func (w *el1World) expectVector(esr, elr uint64) {
	w.t.Helper()
	ex := w.run()
	if want := uint64(ecHVC64<<26 | esrIL | 2); ex.Reason != HVExitException || ex.Syndrome != want {
		w.t.Fatalf("exit %+v at pc %#x, want hvc #2 (syndrome %#x)", ex, w.c.PC, want)
	}
	if got := w.sys(SysESR); got != esr {
		w.t.Errorf("ESR_EL1 = %#x, want %#x", got, esr)
	}
	if got := w.sys(SysELR); got != elr {
		w.t.Errorf("ELR_EL1 = %#x, want %#x", got, elr)
	}
}

// Instruction encoders (checked against arm64asm in TestEL1Encoders).
func hvc(imm uint32) uint32 { return 0xd4000002 | imm<<5 }
func svc(imm uint32) uint32 { return 0xd4000001 | imm<<5 }
func brk(imm uint32) uint32 { return 0xd4200000 | imm<<5 }
func movz(rd, imm uint32) uint32 {
	return 0xd2800000 | imm<<5 | rd
}
func movk(rd, imm, hw uint32) uint32 { return 0xf2800000 | hw<<21 | imm<<5 | rd }
func ldrX(rt, rn uint32) uint32      { return 0xf9400000 | rn<<5 | rt }
func strX(rt, rn uint32) uint32      { return 0xf9000000 | rn<<5 | rt }
func mrs(rt uint32, r uint16) uint32 { return 0xd5200000 | uint32(r)<<5 | rt }
func msr(r uint16, rt uint32) uint32 { return 0xd5000000 | uint32(r)<<5 | rt }
func br(rn uint32) uint32            { return 0xd61f0000 | rn<<5 }

// movAddr loads a 32-bit address into rd.
func movAddr(rd uint32, a uint64) []uint32 {
	return []uint32{movz(rd, uint32(a&0xffff)), movk(rd, uint32(a>>16&0xffff), 1)}
}

const (
	eret       = 0xd69f03e0
	nop        = 0xd503201f
	tlbiVMALLE = 0xd508831f // tlbi vmalle1is
	dsbSY      = 0xd5033f9f
	isbSY      = 0xd5033fdf
	faddD      = 0x1e612800 // fadd d0, d0, d1
	movXSP     = 0x910003e0 // mov x0, sp
	bSelf      = 0x14000000 // b .
	ldxrX      = 0xc85f7c20 // ldxr x0, [x1]
	dcZVA      = 0xd50b7420 // dc zva, x0
	icIALLUIns = 0xd508751f // ic iallu
)

func concat(parts ...[]uint32) []uint32 {
	var out []uint32
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
