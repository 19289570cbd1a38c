package hvf

import (
	"testing"

	"github.com/carrick-go/carrick/vcpu"
	"github.com/carrick-go/carrick/vcpu/interp"
)

// TestSysRegIDs checks hv_sys_reg_t values against the ones Apple's header
// gives (as listed in the reference facts, emulator-hvf-facts.md §D2).
func TestSysRegIDs(t *testing.T) {
	for _, c := range []struct {
		r    SysReg
		want uint16
	}{
		{SysRegMIDR_EL1, 0xc000}, {SysRegMPIDR_EL1, 0xc005}, {SysRegID_AA64PFR0_EL1, 0xc020},
		{SysRegID_AA64ISAR0, 0xc030}, {SysRegID_AA64ISAR1, 0xc031},
		{SysRegSCTLR_EL1, 0xc080}, {SysRegCPACR_EL1, 0xc082}, {SysRegTTBR0_EL1, 0xc100},
		{SysRegTTBR1_EL1, 0xc101}, {SysRegTCR_EL1, 0xc102}, {SysRegSPSR_EL1, 0xc200},
		{SysRegELR_EL1, 0xc201}, {SysRegSP_EL0, 0xc208}, {SysRegESR_EL1, 0xc290},
		{SysRegFAR_EL1, 0xc300}, {SysRegMAIR_EL1, 0xc510}, {SysRegVBAR_EL1, 0xc600},
		{SysRegTPIDR_EL1, 0xc684}, {SysRegCNTKCTL_EL1, 0xc708}, {SysRegTPIDR_EL0, 0xde82},
		{SysRegTPIDRRO_EL0, 0xde83}, {SysRegSP_EL1, 0xe208},
	} {
		if uint16(c.r) != c.want {
			t.Errorf("%#x, want %#x", uint16(c.r), c.want)
		}
	}
}

// TestBootValues decodes the register values every vCPU gets.
func TestBootValues(t *testing.T) {
	f := func(v uint64, lo, width uint) uint64 { return v >> lo & (1<<width - 1) }
	for _, c := range []struct {
		name      string
		got, want uint64
	}{
		{"TCR.T0SZ (48-bit VA)", f(tcrValue, 0, 6), 16},
		{"TCR.EPD0", f(tcrValue, 7, 1), 0},
		{"TCR.IRGN0 WB", f(tcrValue, 8, 2), 1},
		{"TCR.ORGN0 WB", f(tcrValue, 10, 2), 1},
		{"TCR.SH0 inner", f(tcrValue, 12, 2), 3},
		{"TCR.TG0 4K", f(tcrValue, 14, 2), 0},
		{"TCR.EPD1", f(tcrValue, 23, 1), 1},
		{"TCR.TG1 4K", f(tcrValue, 30, 2), 2},
		{"TCR.IPS 40-bit", f(tcrValue, 32, 3), 2},
		{"TCR.TBI0", f(tcrValue, 37, 1), 1},
		{"SCTLR.M", f(sctlrValue, 0, 1), 1},
		{"SCTLR.A (unaligned allowed)", f(sctlrValue, 1, 1), 0},
		{"SCTLR.C", f(sctlrValue, 2, 1), 1},
		{"SCTLR.I", f(sctlrValue, 12, 1), 1},
		{"SCTLR.DZE", f(sctlrValue, 14, 1), 1},
		{"SCTLR.UCT", f(sctlrValue, 15, 1), 1},
		{"SCTLR.WXN", f(sctlrValue, 19, 1), 0},
		{"SCTLR.E0E little-endian", f(sctlrValue, 24, 1), 0},
		{"SCTLR.EE little-endian", f(sctlrValue, 25, 1), 0},
		{"SCTLR.UCI", f(sctlrValue, 26, 1), 1},
		{"MAIR Attr0 Normal WB", f(mairValue, 0, 8), 0xff},
		{"CPACR.FPEN", f(cpacrValue, 20, 2), 3},
		{"CNTKCTL.EL0VCTEN", f(cntkctlValue, 1, 1), 1},
		{"CNTKCTL.EL0PCTEN", f(cntkctlValue, 0, 1), 1},
		{"CPSR EL1h", cpsrEL1h & 0xf, 5},
		{"CPSR DAIF", cpsrEL1h >> 6 & 0xf, 0xf},
		{"SPSR to EL0t", spsrEL0 & 0xf, 0},
	} {
		if c.got != c.want {
			t.Errorf("%s = %#x, want %#x", c.name, c.got, c.want)
		}
	}
	regs := bootRegs(3, 0x1234000)
	seen := map[SysReg]uint64{}
	for _, r := range regs {
		seen[r.Reg] = r.Val
	}
	if seen[SysRegSP_EL1] != SlotBase+3*SlotSize || seen[SysRegTTBR0_EL1] != 0x1234000 || seen[SysRegVBAR_EL1] != VectorBase {
		t.Fatalf("per-vCPU values: %#x", seen)
	}
	if regs[len(regs)-1].Reg != SysRegSCTLR_EL1 {
		t.Fatal("SCTLR (the MMU switch) must be written last, after the tables and TCR")
	}
	if VectorBase%2048 != 0 {
		t.Fatal("VBAR_EL1 must be 2 KiB aligned")
	}
}

// TestExitDecoding decodes syndromes as the hardware reports them (values
// from the ARM ARM's ESR_EL1 layout, as Linux's own fault handling reads
// them).
func TestExitDecoding(t *testing.T) {
	for _, c := range []struct {
		name string
		esr  uint64
		want vcpu.Exit
	}{
		{"svc #0", 0x56000000, vcpu.Exit{Kind: vcpu.ExitSyscall}},
		{"brk #0x3e8", 0xf20003e8, vcpu.Exit{Kind: vcpu.ExitBreakpoint, Imm: 0x3e8, ESR: 0xf20003e8}},
		{"read, translation L3", 0x92000007, vcpu.Exit{Kind: vcpu.ExitFault, Addr: 0x10, Access: vcpu.AccessRead, Cause: vcpu.FaultTranslation, ESR: 0x92000007}},
		{"write, permission L3", 0x9200004f, vcpu.Exit{Kind: vcpu.ExitFault, Addr: 0x10, Access: vcpu.AccessWrite, Cause: vcpu.FaultPermission, ESR: 0x9200004f}},
		{"write, access flag L2", 0x9200004a, vcpu.Exit{Kind: vcpu.ExitFault, Addr: 0x10, Access: vcpu.AccessWrite, Cause: vcpu.FaultTranslation, ESR: 0x9200004a}},
		{"exclusive misaligned", 0x92000021, vcpu.Exit{Kind: vcpu.ExitFault, Addr: 0x10, Access: vcpu.AccessRead, Cause: vcpu.FaultAlignment, ESR: 0x92000021}},
		{"fetch, permission", 0x8200000f, vcpu.Exit{Kind: vcpu.ExitFault, Addr: 0x10, Access: vcpu.AccessExec, Cause: vcpu.FaultPermission, ESR: 0x8200000f}},
		{"pc misaligned", 0x8a000000, vcpu.Exit{Kind: vcpu.ExitFault, Addr: 0x10, Access: vcpu.AccessExec, Cause: vcpu.FaultPCAlignment, ESR: 0x8a000000}},
		{"undefined", 0x02000000, vcpu.Exit{Kind: vcpu.ExitUndefined, ESR: 0x02000000}},
	} {
		got, ok := decodeTrap(c.esr, 0x10)
		if !ok || got != c.want {
			t.Errorf("%s (%#x): %+v, want %+v", c.name, c.esr, got, c.want)
		}
	}
	// mrs x1, ID_AA64ISAR0_EL1 trapped from EL0: EC 0x18, ISS Op0=3,
	// CRm=6, Rt=1, direction read.
	esr := uint64(0x18)<<26 | 1<<25 | 3<<20 | 1<<5 | 6<<1 | 1
	if _, ok := decodeTrap(esr, 0); ok {
		t.Fatal("an ID-register trap is the backend's to emulate")
	}
	tr := decodeSysRegTrap(esr)
	if tr.Reg != SysRegID_AA64ISAR0 || tr.Rt != 1 || !tr.Read || !isIDReg(tr.Reg) {
		t.Fatalf("decoded %+v", tr)
	}
	if isIDReg(SysRegTPIDR_EL0) || isIDReg(SysRegSCTLR_EL1) {
		t.Fatal("not ID registers")
	}
}

// TestHWCAPsFromID: the interpreter's ID registers, read through the
// backend's sanitizer, promise exactly what the interpreter advertises,
// so under the EL1 model (and on a Mac) AT_HWCAP and MRS agree.
func TestHWCAPsFromID(t *testing.T) {
	mem, err := vcpu.NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	m := interp.NewMachine(mem)
	read := func(r SysReg) uint64 {
		v, ok := interpIDReg(r)
		if !ok {
			t.Fatalf("interp has no ID register %#x", uint16(r))
		}
		return sanitizeID(r, v)
	}
	got := hwcapsFromID(read(SysRegID_AA64PFR0_EL1), read(SysRegID_AA64ISAR0), read(SysRegID_AA64ISAR1))
	if got != m.Features() {
		t.Fatalf("HWCAP from ID registers %#x, interpreter advertises %#x", got.HWCAP, m.Features().HWCAP)
	}
	// A machine knows them before its first vCPU: they go into the
	// auxiliary vector of the first thread.
	hm, err := newModel()
	if err != nil {
		t.Fatal(err)
	}
	defer hm.Memory().Close()
	defer hm.Close()
	if hm.Features() != m.Features() {
		t.Fatalf("a new hvf machine advertises %#x, want %#x", hm.Features().HWCAP, m.Features().HWCAP)
	}
}
