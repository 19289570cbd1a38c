package interp

import (
	"encoding/binary"
	"math/rand"
	"strings"
	"testing"
	"time"

	"golang.org/x/arch/arm64/arm64asm"
)

func TestEL1Encoders(t *testing.T) {
	for _, tc := range []struct {
		word uint32
		want string
	}{
		{svc(0), "svc #0x0"},
		{brk(5), "brk #0x5"},
		{eret, "eret"},
		{nop, "nop"},
		{movz(3, 0x1234), "mov x3, #0x1234"},
		{movk(3, 0x50, 1), "movk x3, #0x50, lsl #16"},
		{ldrX(0, 1), "ldr x0, [x1]"},
		{strX(0, 1), "str x0, [x1]"},
		{mrs(3, 0xc030), "mrs x3, s3_0_c0_c6_0"}, // ID_AA64ISAR0_EL1
		{mrs(0, sysCNTVCT), "mrs x0, s3_3_c14_c0_2"},
		{msr(SysSCTLR, 1), "msr s3_0_c1_c0_0, x1"},
		{br(2), "br x2"},
		{tlbiVMALLE, "tlbi vmalle1is"},
		{dsbSY, "dsb sy"},
		{isbSY, "isb"},
		{faddD, "fadd d0, d0, d1"},
		{movXSP, "mov x0, sp"},
		{bSelf, "b .+0x0"},
		{ldxrX, "ldxr x0, [x1]"},
		{dcZVA, "dc zva, x0"},
	} {
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], tc.word)
		in, err := arm64asm.Decode(b[:])
		if err != nil {
			t.Errorf("%#08x (%s): %v", tc.word, tc.want, err)
			continue
		}
		if got := strings.TrimSpace(arm64asm.GNUSyntax(in)); got != tc.want {
			t.Errorf("%#08x decodes as %q, want %q", tc.word, got, tc.want)
		}
	}
	// arm64asm knows neither HVC nor IC IALLU: compare with the words the
	// carrick fact sheet lists (hvc #0 0xd4000002, ic ialluis 0xd508711f).
	if hvc(0) != 0xd4000002 || hvc(2) != 0xd4000002|2<<5 {
		t.Errorf("hvc encoder: %#x", hvc(0))
	}
	if icIALLUIns != 0xd508711f|(5-1)<<8 { // CRm 1 → 5
		t.Errorf("ic iallu = %#x", icIALLUIns)
	}
}

// eret from EL1 runs EL0 code; svc enters VBAR+0x400 with ESR/ELR/SPSR; the
// vector's hvc #2 exits with PC past it; eret resumes EL0 after the svc;
// hvc at EL0 is undefined.
func TestEL1SyscallRoundTrip(t *testing.T) {
	w := newEL1World(t)
	c := w.c
	w.code(tUText, movz(0, 42), svc(0x77), movz(1, 7), hvc(9))
	w.c.SetHVSysReg(SysSPEL0, 0x5008f0)
	w.toEL0(tUText)
	w.expectVector(ecSVC64<<26|esrIL|0x77, tUText+8)
	if c.PC != tVBAR+0x404 {
		t.Errorf("PC = %#x, want %#x (past the hvc)", c.PC, tVBAR+0x404)
	}
	if got := w.sys(SysSPSR); got != 0 {
		t.Errorf("SPSR_EL1 = %#x, want 0 (EL0t)", got)
	}
	if got := c.HVReg(hvRegCPSR); got != 0x3c5|psrPAN {
		t.Errorf("CPSR = %#x, want EL1h, DAIF masked, PAN", got)
	}
	if c.HVReg(0) != 42 {
		t.Errorf("x0 = %d, want 42", c.HVReg(0))
	}
	if got := c.X[regSP]; got != tKData+pageBytes {
		t.Errorf("SP at EL1 = %#x, want SP_EL1 %#x", got, tKData+pageBytes)
	}
	if got := w.sys(SysSPEL0); got != 0x5008f0 {
		t.Errorf("SP_EL0 = %#x", got)
	}
	// Resume: eret back to EL0, which then runs hvc (undefined at EL0).
	w.expectVector(ecUnknown<<26|esrIL, tUText+12)
	if c.HVReg(1) != 7 {
		t.Errorf("x1 = %d, want 7: EL0 did not resume after the svc", c.HVReg(1))
	}
}

func TestEL1EL0StackIsSPEL0(t *testing.T) {
	w := newEL1World(t)
	w.code(tUText, movXSP, svc(0))
	w.c.SetHVSysReg(SysSPEL0, 0x500ff0)
	w.toEL0(tUText)
	w.expectVector(ecSVC64<<26|esrIL, tUText+8)
	if got := w.c.HVReg(0); got != 0x500ff0 {
		t.Errorf("EL0 sp = %#x, want SP_EL0 0x500ff0", got)
	}
}

// Data aborts from EL0: permission with WnR, translation at each level.
func TestEL1DataAborts(t *testing.T) {
	for _, tc := range []struct {
		name  string
		addr  uint64
		store bool
		fsc   uint64
	}{
		{"store to read-only", tURO + 8, true, fscPermission + 3},
		{"load from read-only", tURO + 8, false, 0xff}, // no fault
		{"store to user data", tUData + 8, true, 0xff},
		{"load from kernel data", tKData, false, fscPermission + 3},
		{"unmapped L3", tUnmapL3 + 16, false, fscTranslation + 3},
		{"unmapped L1", tUnmapL1, true, fscTranslation + 1},
		{"unmapped L0", tUnmapL0, false, fscTranslation + 0},
		{"beyond T0SZ", 1 << 50, false, fscTranslation + 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newEL1World(t)
			access := ldrX(0, 1)
			if tc.store {
				access = strX(0, 1)
			}
			prog := []uint32{movz(1, uint32(tc.addr&0xffff)), movk(1, uint32(tc.addr>>16&0xffff), 1),
				movk(1, uint32(tc.addr>>32&0xffff), 2), movk(1, uint32(tc.addr>>48), 3), access, svc(1)}
			w.code(tUText, prog...)
			w.toEL0(tUText)
			if tc.fsc == 0xff {
				w.expectVector(ecSVC64<<26|esrIL|1, tUText+24)
				return
			}
			esr := uint64(ecDataAbortLower<<26|esrIL) | tc.fsc
			if tc.store {
				esr |= 1 << 6
			}
			w.expectVector(esr, tUText+16)
			if got := w.sys(SysFAR); got != tc.addr {
				t.Errorf("FAR_EL1 = %#x, want %#x", got, tc.addr)
			}
		})
	}
}

func TestEL1AccessFlagFault(t *testing.T) {
	w := newEL1World(t)
	w.mapPage(tUData, tUData, uDataPTE&^dAF)
	w.code(tUText, concat(movAddr(1, tUData), []uint32{ldrX(0, 1)})...)
	w.toEL0(tUText)
	w.expectVector(ecDataAbortLower<<26|esrIL|fscAccessFlag+3, tUText+8)
}

// EL0 may not fetch from a UXN page: instruction abort, FAR = ELR = target.
func TestEL1FetchUXN(t *testing.T) {
	w := newEL1World(t)
	w.code(tUText, concat(movAddr(2, tUData), []uint32{br(2)})...)
	w.toEL0(tUText)
	w.expectVector(ecInsnAbortLower<<26|esrIL|fscPermission+3, tUData)
	if got := w.sys(SysFAR); got != tUData {
		t.Errorf("FAR_EL1 = %#x", got)
	}
}

// At EL1: fetch from a PXN page, from an EL0-accessible page (PAN3), and a
// data access to a user page (PAN) fault to VBAR+0x200 with EC 0x21/0x25.
func TestEL1FaultsAtEL1(t *testing.T) {
	const pxnPage = tKText + 0x3000 // AP=00 but PXN
	const userX = tUData + 0x2000   // AP=01, PXN=0: EL0-writable
	for _, tc := range []struct {
		name string
		prog []uint32
		esr  uint64
		far  uint64
	}{
		{"fetch PXN", concat(movAddr(2, pxnPage), []uint32{br(2)}), ecInsnAbortSame<<26 | esrIL | fscPermission + 3, pxnPage},
		{"fetch user page", concat(movAddr(2, userX), []uint32{br(2)}), ecInsnAbortSame<<26 | esrIL | fscPermission + 3, userX},
		{"load user page (PAN)", concat(movAddr(1, tUData), []uint32{ldrX(0, 1)}), ecDataAbortSame<<26 | esrIL | fscPermission + 3, tUData},
		{"store user RO page", concat(movAddr(1, tURO), []uint32{strX(0, 1)}), ecDataAbortSame<<26 | esrIL | 1<<6 | fscPermission + 3, tURO},
		{"svc at EL1", []uint32{svc(3)}, ecSVC64<<26 | esrIL | 3, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newEL1World(t)
			w.mapPage(pxnPage, pxnPage, kTextPTE|dPXN)
			w.mapPage(userX, userX, dPage|dAF|dSH|dAPUser)
			w.code(pxnPage, nop)
			w.code(userX, nop)
			w.code(tKText+0x100, tc.prog...)
			w.c.SetHVReg(hvRegPC, tKText+0x100)
			ex := w.run()
			if want := uint64(ecHVC64<<26 | esrIL | 0x10 + 4); ex.Syndrome != want {
				t.Fatalf("exit %+v at pc %#x, want hvc #0x14 from VBAR+0x200", ex, w.c.PC)
			}
			if got := w.sys(SysESR); got != tc.esr {
				t.Errorf("ESR_EL1 = %#x, want %#x", got, tc.esr)
			}
			if tc.far != 0 {
				if got := w.sys(SysFAR); got != tc.far {
					t.Errorf("FAR_EL1 = %#x, want %#x", got, tc.far)
				}
			}
			if got := w.sys(SysSPSR); got != 0x3c5|psrPAN {
				t.Errorf("SPSR_EL1 = %#x, want EL1h state", got)
			}
		})
	}
}

// EL0 system-register traps (EC 0x18) and their enables.
func TestEL1SysRegTraps(t *testing.T) {
	iss := func(op0, op1, crn, crm, op2, rt, dir uint64) uint64 {
		return op0<<20 | op2<<17 | op1<<14 | crn<<10 | rt<<5 | crm<<1 | dir
	}
	for _, tc := range []struct {
		name    string
		insn    uint32
		sctlr   uint64
		cntkctl uint64
		iss     uint64 // 0: runs through
	}{
		{"ID_AA64ISAR0", mrs(3, 0xc030), 0, 0, iss(3, 0, 0, 6, 0, 3, 1)},
		{"MIDR", mrs(7, sysMIDR), sctlrUCT, 3, iss(3, 0, 0, 0, 0, 7, 1)},
		{"CNTVCT off", mrs(0, sysCNTVCT), 0, 0, iss(3, 3, 14, 0, 2, 0, 1)},
		{"CNTVCT on", mrs(0, sysCNTVCT), 0, 3, 0},
		{"CNTVCT needs EL0VCTEN", mrs(0, sysCNTVCT), 0, 1, iss(3, 3, 14, 0, 2, 0, 1)},
		{"CNTFRQ on", mrs(0, sysCNTFRQ), 0, 2, 0},
		{"CTR off", mrs(4, sysCTR), 0, 0, iss(3, 3, 0, 0, 1, 4, 1)},
		{"CTR on", mrs(4, sysCTR), sctlrUCT, 0, 0},
		{"DC ZVA off", dcZVA, 0, 0, iss(1, 3, 7, 4, 1, 0, 0)},
		{"DC ZVA on", dcZVA, sctlrDZE, 0, 0},
		{"IC IVAU off", 0xd50b7520, 0, 0, iss(1, 3, 7, 5, 1, 0, 0)},
		{"IC IVAU on", 0xd50b7520, sctlrUCI, 0, 0},
		{"TPIDR_EL0", msr(SysTPIDREL0, 0), 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newEL1World(t)
			w.c.SetHVSysReg(SysSCTLR, tSCTLR|tc.sctlr)
			w.c.SetHVSysReg(SysCNTKCTL, tc.cntkctl)
			w.c.SetHVReg(0, tUData)
			w.code(tUText, tc.insn, svc(0))
			w.toEL0(tUText)
			if tc.iss == 0 {
				w.expectVector(ecSVC64<<26|esrIL, tUText+8)
				return
			}
			w.expectVector(ecSysTrap<<26|esrIL|tc.iss, tUText)
		})
	}
}

func TestEL1CounterAdvances(t *testing.T) {
	w := newEL1World(t)
	w.c.SetHVSysReg(SysCNTKCTL, 2)
	w.code(tUText, mrs(0, sysCNTVCT), svc(0))
	w.toEL0(tUText)
	w.expectVector(ecSVC64<<26|esrIL, tUText+8)
	first := w.c.HVReg(0)
	time.Sleep(time.Millisecond)
	w.toEL0(tUText)
	w.expectVector(ecSVC64<<26|esrIL, tUText+8)
	if second := w.c.HVReg(0); second <= first {
		t.Errorf("CNTVCT_EL0 did not advance: %d then %d", first, second)
	}
}

// EL1-only instructions and registers are undefined at EL0.
func TestEL1PrivilegedAtEL0(t *testing.T) {
	for _, insn := range []uint32{eret, msr(SysSCTLR, 0), mrs(0, SysVBAR), mrs(0, sysCurrentEL), tlbiVMALLE, icIALLUIns, hvc(1)} {
		w := newEL1World(t)
		w.code(tUText, insn)
		w.toEL0(tUText)
		w.expectVector(ecUnknown<<26|esrIL, tUText)
	}
}

func TestEL1FPTrap(t *testing.T) {
	w := newEL1World(t)
	w.c.SetHVSysReg(SysCPACR, 0)
	w.code(tUText, faddD, svc(0))
	w.toEL0(tUText)
	w.expectVector(ecFPTrap<<26|esrIL|esrFPTrapISS, tUText)
	w.c.SetHVSysReg(SysCPACR, 3<<20)
	w.c.SetHVSIMD(0, [2]uint64{0x3ff0000000000000})
	w.c.SetHVSIMD(1, [2]uint64{0x4000000000000000})
	w.toEL0(tUText)
	w.expectVector(ecSVC64<<26|esrIL, tUText+8)
	if got := w.c.HVSIMD(0)[0]; got != 0x4008000000000000 {
		t.Errorf("d0 = %#x, want 3.0", got)
	}
	// FPEN = 01 traps EL0 only: decoded code must not carry EL1's verdict.
	w.c.SetHVSysReg(SysCPACR, 1<<20)
	w.code(tKText+0x100, faddD, hvc(7))
	w.c.SetHVReg(hvRegPC, tKText+0x100)
	if ex := w.run(); ex.Syndrome != ecHVC64<<26|esrIL|7 {
		t.Fatalf("EL1 fadd with FPEN=01: exit %+v", ex)
	}
	w.toEL0(tUText)
	w.expectVector(ecFPTrap<<26|esrIL|esrFPTrapISS, tUText)
}

// A table edit becomes visible after TLBI; without it the model keeps the
// cached permission, as a real TLB may.
func TestEL1TLBI(t *testing.T) {
	w := newEL1World(t)
	w.code(tUText, concat(movAddr(1, tUData), []uint32{strX(0, 1), svc(0)})...)
	w.toEL0(tUText)
	w.expectVector(ecSVC64<<26|esrIL, tUText+16)
	w.mapPage(tUData, tUData, uROPTE) // now read-only
	w.toEL0(tUText)
	w.expectVector(ecSVC64<<26|esrIL, tUText+16) // stale entry: store still allowed
	// carrick's maintenance trampoline: dsb; tlbi vmalle1is; dsb; isb; hvc #1.
	w.code(tKText+0x200, dsbSY, tlbiVMALLE, dsbSY, isbSY, hvc(1))
	w.c.SetHVReg(hvRegPC, tKText+0x200)
	if ex := w.run(); ex.Syndrome != ecHVC64<<26|esrIL|1 {
		t.Fatalf("trampoline exit %+v", ex)
	}
	w.toEL0(tUText)
	w.expectVector(ecDataAbortLower<<26|esrIL|1<<6|fscPermission+3, tUText+8)
}

// TLBI …IS on one vCPU flushes the other vCPUs of the memory.
func TestEL1TLBIBroadcast(t *testing.T) {
	w := newEL1World(t)
	other := w.c.m.newCPU()
	defer other.Close()
	other.EnableEL1()
	for _, r := range []uint16{SysSCTLR, SysTCR, SysMAIR, SysTTBR0, SysVBAR, SysCPACR, SysSPEL1} {
		other.SetHVSysReg(r, w.sys(r))
	}
	w2 := &el1World{t: t, c: other, mem: w.mem, next: w.next}
	w2.code(tUText, concat(movAddr(1, tUData), []uint32{strX(0, 1), svc(0)})...)
	w2.toEL0(tUText)
	w2.expectVector(ecSVC64<<26|esrIL, tUText+16) // cached RW
	w.mapPage(tUData, tUData, uROPTE)
	w.code(tKText+0x200, tlbiVMALLE, hvc(1))
	w.c.SetHVReg(hvRegPC, tKText+0x200)
	w.run()
	w2.toEL0(tUText)
	w2.expectVector(ecDataAbortLower<<26|esrIL|1<<6|fscPermission+3, tUText+8)
}

func TestEL1Interrupt(t *testing.T) {
	w := newEL1World(t)
	w.code(tUText, nop, bSelf)
	w.toEL0(tUText)
	time.AfterFunc(20*time.Millisecond, w.c.Interrupt)
	ex := w.c.RunEL1()
	if ex.Reason != HVExitCanceled {
		t.Fatalf("exit %+v, want canceled", ex)
	}
	if m := w.c.HVReg(hvRegCPSR) & 0xf; m != 0 {
		t.Errorf("CPSR.M = %d, want EL0t", m)
	}
	if pc := w.c.HVReg(hvRegPC); pc != tUText+4 {
		t.Errorf("PC = %#x, want the loop at %#x", pc, tUText+4)
	}
	// Interrupted inside EL1 code: CPSR shows EL1.
	w.code(tKText+0x300, bSelf)
	w.c.SetHVReg(hvRegCPSR, 0x3c5)
	w.c.SetHVReg(hvRegPC, tKText+0x300)
	time.AfterFunc(20*time.Millisecond, w.c.Interrupt)
	if ex := w.c.RunEL1(); ex.Reason != HVExitCanceled || w.c.HVReg(hvRegCPSR)&0xf != 5 {
		t.Fatalf("exit %+v cpsr %#x", ex, w.c.HVReg(hvRegCPSR))
	}
}

func TestEL1EretToEL0WithMMUOff(t *testing.T) {
	w := newEL1World(t)
	w.c.SetHVSysReg(SysSCTLR, 0)
	w.toEL0(tUText)
	ex := w.run()
	if ex.Reason != HVExitException || ex.Syndrome>>26 != ecUnknown || w.c.PC != tKText {
		t.Fatalf("exit %+v at %#x, want an illegal-state exit on the eret", ex, w.c.PC)
	}
}

// Output addresses beyond memory, and host pages the host refuses, exit
// directly as stage-2 aborts.
func TestEL1Stage2(t *testing.T) {
	const big = 1 << 41
	for _, tc := range []struct {
		name string
		pa   uint64
	}{
		{"beyond memory", big},
		{"host unmapped", tMemEnd + 0x10000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newEL1World(t)
			w.c.SetHVSysReg(SysTCR, tTCR&^(7<<32)|5<<32) // IPS 48 bits
			va := uint64(tUData + 0x1000*4)
			w.mapPage(va, tc.pa, uDataPTE)
			w.code(tUText, concat(movAddr(1, va+8), []uint32{strX(0, 1), svc(0)})...)
			w.toEL0(tUText)
			ex := w.run()
			want := uint64(ecDataAbortLower<<26 | esrIL | 1<<6 | fscStage2)
			if ex.Reason != HVExitException || ex.Syndrome != want || ex.VA != va+8 || ex.PA != tc.pa+8 {
				t.Fatalf("exit %+v, want syndrome %#x VA %#x PA %#x", ex, want, va+8, tc.pa+8)
			}
			if w.c.PC != tUText+8 || w.c.HVReg(hvRegCPSR)&0xf != 0 {
				t.Errorf("PC %#x CPSR %#x, want the store at EL0", w.c.PC, w.c.HVReg(hvRegCPSR))
			}
		})
	}
}

func TestEL1DeviceMemory(t *testing.T) {
	for _, tc := range []struct {
		name string
		insn uint32
		off  uint64
		ok   bool
	}{
		{"aligned load", ldrX(0, 1), 8, true},
		{"unaligned load", ldrX(0, 1), 4, false},
		{"exclusive", ldxrX, 8, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newEL1World(t)
			w.mapPage(tUData, tUData, uDataPTE|dDevice)
			w.code(tUText, concat(movAddr(1, tUData+tc.off), []uint32{tc.insn, svc(0)})...)
			w.toEL0(tUText)
			if tc.ok {
				w.expectVector(ecSVC64<<26|esrIL, tUText+16)
				return
			}
			w.expectVector(ecDataAbortLower<<26|esrIL|fscAlignment, tUText+8)
		})
	}
}

// A load crossing pages needs both; a fault on the second reports it.
func TestEL1CrossPage(t *testing.T) {
	w := newEL1World(t)
	w.write64(tUData+0xff8, 0x1122334455667788)
	w.write64(tURO, 0x99aabbccddeeff00)
	w.code(tUText, concat(movAddr(1, tUData+0xffc), []uint32{ldrX(0, 1), svc(0)})...)
	w.toEL0(tUText)
	w.expectVector(ecSVC64<<26|esrIL, tUText+16)
	if got := w.c.HVReg(0); got != 0xddeeff0011223344 {
		t.Errorf("x0 = %#x", got)
	}
	w.code(tUText, concat(movAddr(1, tURO+0xffc), []uint32{ldrX(0, 1), svc(0)})...)
	w.toEL0(tUText)
	w.expectVector(ecDataAbortLower<<26|esrIL|fscTranslation+3, tUText+8)
	if got := w.sys(SysFAR); got != tURO+0x1000 {
		t.Errorf("FAR_EL1 = %#x, want the second page", got)
	}
}

func TestEL1Registers(t *testing.T) {
	w := newEL1World(t)
	c := w.c
	for r := uint32(0); r <= 30; r++ {
		c.SetHVReg(r, uint64(r)*0x1111)
	}
	c.SetHVReg(hvRegPC, 0x1234)
	c.SetHVReg(hvRegFPCR, 1<<25|1<<8) // DN kept, IOE dropped
	c.SetHVReg(hvRegFPSR, 1<<27|1)
	for r := uint32(0); r <= 30; r++ {
		if got := c.HVReg(r); got != uint64(r)*0x1111 {
			t.Errorf("x%d = %#x", r, got)
		}
	}
	if c.HVReg(hvRegPC) != 0x1234 || c.HVReg(hvRegFPCR) != 1<<25 || c.HVReg(hvRegFPSR) != 1<<27|1 {
		t.Errorf("PC/FPCR/FPSR = %#x %#x %#x", c.HVReg(hvRegPC), c.HVReg(hvRegFPCR), c.HVReg(hvRegFPSR))
	}
	c.SetHVReg(hvRegCPSR, 0x600003c4) // EL1t, Z and C
	if got := c.HVReg(hvRegCPSR); got != 0x600003c4|psrPAN {
		t.Errorf("CPSR = %#x", got)
	}
	c.SetHVSIMD(31, [2]uint64{1, 2})
	if c.HVSIMD(31) != [2]uint64{1, 2} {
		t.Errorf("V31 = %v", c.HVSIMD(31))
	}
	for i, r := range []uint16{SysSCTLR, SysACTLR, SysCPACR, SysTTBR0, SysTTBR1, SysTCR, SysSPSR, SysELR,
		SysSPEL0, SysESR, SysFAR, SysPAR, SysMAIR, SysAMAIR, SysVBAR, SysCONTEXTIDR, SysTPIDREL1,
		SysCNTKCTL, SysTPIDREL0, SysTPIDRROEL0, SysSPEL1} {
		v := uint64(i+1) * 0x1000
		if !c.SetHVSysReg(r, v) {
			t.Errorf("SetHVSysReg(%#x) refused", r)
		}
		if got, ok := c.HVSysReg(r); !ok || got != v {
			t.Errorf("sysreg %#x = %#x, %v; want %#x", r, got, ok, v)
		}
	}
	for r, want := range map[uint16]uint64{sysMIDR: valMIDR, sysMPIDR: valMPIDR, sysIDAA64PFR0: valPFR0,
		sysIDAA64ISA0: valISAR0, sysIDAA64ISA1: valISAR1, 0xc038: 0} {
		if got, ok := c.HVSysReg(r); !ok || got != want {
			t.Errorf("ID reg %#x = %#x, %v; want %#x", r, got, ok, want)
		}
		if c.SetHVSysReg(r, 1) {
			t.Errorf("ID reg %#x accepted a write", r)
		}
	}
	if _, ok := c.HVSysReg(0xdf19); ok {
		t.Error("CNTV_CTL_EL0 is not modelled but HVSysReg knows it")
	}
}

// MSR/MRS at EL1 reach the same registers; SPSel and DAIF work.
func TestEL1MSRMRS(t *testing.T) {
	w := newEL1World(t)
	w.c.SetHVReg(1, 0xabc000)
	w.code(tKText+0x100,
		msr(SysTPIDREL1, 1),
		mrs(2, SysTPIDREL1),
		mrs(3, sysCurrentEL),
		0xd50342ff, // msr daifclr, #2
		mrs(4, sysDAIF),
		0xd50040bf, // msr spsel, #0
		mrs(5, sysSPSel),
		mrs(6, sysPAN),
		hvc(3))
	w.c.SetHVSysReg(SysSPEL0, 0x111000)
	w.c.SetHVReg(hvRegPC, tKText+0x100)
	if ex := w.run(); ex.Syndrome != ecHVC64<<26|esrIL|3 {
		t.Fatalf("exit %+v at %#x", ex, w.c.PC)
	}
	c := w.c
	if got := w.sys(SysTPIDREL1); got != 0xabc000 || c.HVReg(2) != 0xabc000 {
		t.Errorf("TPIDR_EL1 %#x x2 %#x", got, c.HVReg(2))
	}
	if c.HVReg(3) != 4 || c.HVReg(4) != 0x340 || c.HVReg(5) != 0 || c.HVReg(6) != psrPAN {
		t.Errorf("CurrentEL %#x DAIF %#x SPSel %#x PAN %#x", c.HVReg(3), c.HVReg(4), c.HVReg(5), c.HVReg(6))
	}
	if got := c.HVReg(hvRegCPSR); got != 0x344|psrPAN || c.X[regSP] != 0x111000 {
		t.Errorf("CPSR %#x SP %#x, want EL1t on SP_EL0", got, c.X[regSP])
	}
}

// Garbage tables and registers must give faults or exits, never a host
// panic or a hang the watchdog cannot stop.
func TestEL1GarbageTables(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	w := newEL1World(t)
	c := w.c
	buf := make([]byte, 16*pageBytes)
	var exits, canceled int
	for iter := 0; iter < 200; iter++ {
		rng.Read(buf)
		for i := 0; i+8 <= len(buf); i += 8 { // bias towards plausible descriptors
			if rng.Intn(3) == 0 {
				d := uint64(rng.Intn(0x600))<<12 | uint64(rng.Int63())&(0xfff|3<<53) | 3
				binary.LittleEndian.PutUint64(buf[i:], d)
			}
		}
		if err := w.mem.WriteForce(tPool, buf); err != nil {
			t.Fatal(err)
		}
		w.code(tVBAR+0x400, hvc(2), eret)
		w.code(tKText, eret)
		c.SetHVSysReg(SysTCR, rng.Uint64()&^(3<<14|3<<30)|2<<30)
		c.SetHVSysReg(SysTTBR0, tPool+uint64(rng.Intn(16))*pageBytes)
		c.SetHVSysReg(SysTTBR1, rng.Uint64())
		c.SetHVSysReg(SysMAIR, rng.Uint64())
		for r := uint32(0); r < 31; r++ {
			c.SetHVReg(r, uint64(rng.Intn(0x800))<<12|uint64(rng.Intn(4096)))
		}
		w.toEL0(uint64(rng.Intn(0x800)) << 12)
		if rng.Intn(2) == 0 {
			c.SetHVReg(hvRegPC, uint64(rng.Intn(0x800))<<12)
		}
		for n := 0; n < 4; n++ {
			tm := time.AfterFunc(2*time.Millisecond, c.Interrupt)
			ex := c.RunEL1()
			tm.Stop()
			if ex.Reason == HVExitCanceled {
				canceled++
				break
			}
			exits++
		}
		c.stop.And(^uint32(stopInterrupt))
	}
	if exits == 0 {
		t.Errorf("no exceptions in %d canceled runs: the garbage never reached a walk", canceled)
	}
	t.Logf("%d exits, %d runs canceled", exits, canceled)
}

// Code runs from the output address when it differs from the VA, and a
// remap (after TLBI) runs the new page's code.
func TestEL1FetchThroughAlias(t *testing.T) {
	const alias = 0x450000
	const other = tUText + 0x1000
	w := newEL1World(t)
	w.mapPage(other, other, uTextPTE)
	w.code(tUText, svc(1))
	w.code(other, svc(2))
	w.mapPage(alias, tUText, uTextPTE)
	w.toEL0(alias)
	w.expectVector(ecSVC64<<26|esrIL|1, alias+4)
	w.mapPage(alias, other, uTextPTE)
	w.c.SetHVSysReg(SysTTBR0, tPool) // flushes the TLB, as TLBI would
	w.toEL0(alias)
	w.expectVector(ecSVC64<<26|esrIL|2, alias+4)
}

// A branch to a misaligned address is a PC alignment fault (EC 0x22) with
// FAR and ELR at the target.
func TestEL1PCAlignment(t *testing.T) {
	w := newEL1World(t)
	w.code(tUText, concat(movAddr(2, tUText+0x102), []uint32{br(2)})...)
	w.toEL0(tUText)
	w.expectVector(ecPCAlign<<26|esrIL, tUText+0x102)
	if got := w.sys(SysFAR); got != tUText+0x102 {
		t.Errorf("FAR_EL1 = %#x", got)
	}
}

// A table the host refuses (here: a table pointer into unmapped host
// memory) is a stage-2 fault on the walk: S1PTW set, PA the descriptor.
func TestEL1Stage2OnWalk(t *testing.T) {
	w := newEL1World(t)
	const va = 0x40200000 // L1[1] → L2 at an unmapped IPA
	const table = tMemEnd + 0x20000
	w.write64(tPool+pageBytes+8, table|3) // the L1 table is the first page taken from the pool
	w.code(tUText, concat(movAddr(1, va), []uint32{ldrX(0, 1), svc(0)})...)
	w.toEL0(tUText)
	ex := w.run()
	want := uint64(ecDataAbortLower<<26 | esrIL | issS1PTW | fscStage2)
	if ex.Reason != HVExitException || ex.Syndrome != want || ex.VA != va || ex.PA != table+8 {
		t.Fatalf("exit %+v, want syndrome %#x VA %#x PA %#x", ex, want, va, uint64(table+8))
	}
}
