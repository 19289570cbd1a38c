package hvf

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/carrick-go/carrick/vcpu"
)

// The engine on the EL1 model, instruction by instruction: each case is a
// few hand-assembled EL0 instructions ending in svc, so every exit kind and
// every piece of state that crosses the save area is checked on its own.

const (
	codeAddr = 0x400000
	dataAddr = 0x500000
)

func words(ws ...uint32) []byte {
	b := make([]byte, 4*len(ws))
	for i, w := range ws {
		binary.LittleEndian.PutUint32(b[4*i:], w)
	}
	return b
}

// modelCPU0 returns a vCPU of a fresh model machine with code at codeAddr
// and a read-write page at dataAddr.
func modelCPU0(t *testing.T, code ...uint32) (*Machine, *cpu) {
	t.Helper()
	mm, err := newModel()
	if err != nil {
		t.Fatal(err)
	}
	m := mm.(*Machine)
	mem := m.Memory()
	t.Cleanup(func() { m.Close(); mem.Close() })
	if err := mem.Map(codeAddr, 0x1000, vcpu.ProtRead|vcpu.ProtExec); err != nil {
		t.Fatal(err)
	}
	if err := mem.Map(dataAddr, 0x1000, vcpu.ProtRead|vcpu.ProtWrite); err != nil {
		t.Fatal(err)
	}
	mem.WriteForce(codeAddr, words(code...))
	v, err := m.NewVCPU()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	c := v.(*cpu)
	var r vcpu.Regs
	r.PC, r.X[0], r.X[1] = codeAddr, dataAddr, 0x1122334455667788
	c.SetRegs(&r)
	return m, c
}

const (
	insSVC         = 0xd4000001
	insStrX1X0     = 0xf9000001 // str x1, [x0]
	insLdrX2X0     = 0xf9400002 // ldr x2, [x0]
	insFmovX2D5    = 0x9e6600a2 // fmov x2, d5
	insMrsX3MIDR   = 0xd5380003 // mrs x3, midr_el1
	insMrsX4CNTVCT = 0xd53be044 // mrs x4, cntvct_el0
	insDCZVAX0     = 0xd50b7420 // dc zva, x0
	insBSelf       = 0x14000000 // b .
	insBRK5        = 0xd42000a0 // brk #5
	insUDF         = 0x00000000 // udf #0
)

func runTo(t *testing.T, c *cpu, want vcpu.ExitKind) vcpu.Exit {
	t.Helper()
	e := c.Run()
	if e.Kind != want {
		t.Fatalf("exit %v (%+v), want %v", e.Kind, e, want)
	}
	return e
}

// TestEngineMprotectNeedsTLBI: after mprotect makes a page read-only, a
// store to it faults, which on hardware that cached the old translation
// only holds because the return path ran tlbi.
func TestEngineMprotectNeedsTLBI(t *testing.T) {
	m, c := modelCPU0(t, insStrX1X0, insSVC, insStrX1X0, insSVC)
	runTo(t, c, vcpu.ExitSyscall) // the first store cached a writable translation
	if err := m.Memory().Protect(dataAddr, 0x1000, vcpu.ProtRead); err != nil {
		t.Fatal(err)
	}
	e := runTo(t, c, vcpu.ExitFault)
	if e.Addr != dataAddr || e.Access != vcpu.AccessWrite || e.Cause != vcpu.FaultPermission {
		t.Fatalf("store to the read-only page: %+v", e)
	}
	var r vcpu.Regs
	c.Regs(&r)
	if r.PC != codeAddr+8 {
		t.Fatalf("fault PC %#x, want the store at %#x", r.PC, codeAddr+8)
	}
	// munmap: a translation fault.
	if err := m.Memory().Unmap(dataAddr, 0x1000); err != nil {
		t.Fatal(err)
	}
	c.SetRegs(&r)
	if e := runTo(t, c, vcpu.ExitFault); e.Cause != vcpu.FaultTranslation {
		t.Fatalf("store to the unmapped page: %+v", e)
	}
}

// TestEngineRegisters: general and vector registers set by the host reach
// the guest (the latter only through the return path's reload), and the
// guest's reach the host; syscall results land in x0.
func TestEngineRegisters(t *testing.T) {
	_, c := modelCPU0(t, insStrX1X0, insLdrX2X0, insSVC, insFmovX2D5, insSVC)
	e := runTo(t, c, vcpu.ExitSyscall)
	if e.Imm != 0 {
		t.Fatalf("svc imm %d", e.Imm)
	}
	var r vcpu.Regs
	c.Regs(&r)
	if r.X[2] != 0x1122334455667788 || r.PC != codeAddr+12 {
		t.Fatalf("x2 %#x pc %#x", r.X[2], r.PC)
	}
	var f vcpu.FPRegs
	c.FPRegs(&f)
	f.V[5] = [2]uint64{0xdeadbeefcafef00d, 7}
	f.FPCR = 1 << 24 // FZ
	c.SetFPRegs(&f)
	r.X[0] = 42
	r.TPIDR = 0xabc0
	r.PSTATE = 0x60000000 // Z and C
	c.SetRegs(&r)
	runTo(t, c, vcpu.ExitSyscall)
	c.Regs(&r)
	if r.X[2] != 0xdeadbeefcafef00d || r.X[0] != 42 || r.TPIDR != 0xabc0 || r.PSTATE != 0x60000000 {
		t.Fatalf("after resume: x2 %#x x0 %d tpidr %#x pstate %#x", r.X[2], r.X[0], r.TPIDR, r.PSTATE)
	}
	var g vcpu.FPRegs
	c.FPRegs(&g)
	if g.V[5] != f.V[5] || g.FPCR != f.FPCR {
		t.Fatalf("vector registers read back %#x fpcr %#x", g.V[5], g.FPCR)
	}
}

// TestEngineEL0Traps: ID registers are emulated, the counter and DC ZVA
// run at EL0 without trapping (CNTKCTL, SCTLR.DZE), brk and undefined
// instructions exit as themselves.
func TestEngineEL0Traps(t *testing.T) {
	m, c := modelCPU0(t, insStrX1X0, insMrsX3MIDR, insMrsX4CNTVCT, insDCZVAX0, insSVC, insBRK5, insUDF)
	runTo(t, c, vcpu.ExitSyscall)
	var r vcpu.Regs
	c.Regs(&r)
	if r.X[3] != m.ids[SysRegMIDR_EL1] || r.X[3] == 0 {
		t.Fatalf("MIDR read %#x, want %#x", r.X[3], m.ids[SysRegMIDR_EL1])
	}
	if r.X[4] == 0 {
		t.Fatal("CNTVCT_EL0 read 0")
	}
	var b [8]byte
	m.Memory().Read(dataAddr, b[:])
	if b != [8]byte{} {
		t.Fatalf("DC ZVA left %x", b)
	}
	if e := runTo(t, c, vcpu.ExitBreakpoint); e.Imm != 5 {
		t.Fatalf("brk imm %d", e.Imm)
	}
	c.Regs(&r)
	r.PC += 4
	c.SetRegs(&r)
	if e := runTo(t, c, vcpu.ExitUndefined); e.Insn != insUDF {
		t.Fatalf("undefined insn %#x", e.Insn)
	}
	if m.Features().HWCAP&vcpu.HWCAP_CPUID == 0 {
		t.Fatal("HWCAP_CPUID not advertised")
	}
}

// TestEngineKick: Interrupt from another goroutine stops a guest looping
// at EL0 with its live registers (copied from the hardware into the save
// area), and registers the host sets then are the ones the loop resumes
// with.
func TestEngineKick(t *testing.T) {
	const addX1 = 0x91000421 // add x1, x1, #1
	const back = 0x17ffffff  // b .-4
	_, c := modelCPU0(t, addX1, back)
	set := uint64(0)
	for i := 0; i < 3; i++ {
		go func() {
			time.Sleep(20 * time.Millisecond)
			c.Interrupt()
		}()
		runTo(t, c, vcpu.ExitInterrupted)
		var r vcpu.Regs
		c.Regs(&r)
		if r.PC != codeAddr && r.PC != codeAddr+4 {
			t.Fatalf("after a kick: pc %#x", r.PC)
		}
		if r.X[1] <= set+10 {
			t.Fatalf("kick %d: x1 %#x, want the loop to have counted on from %#x", i, r.X[1], set)
		}
		set = uint64(i+1) << 40
		r.X[1] = set
		c.SetRegs(&r)
	}
}

// TestEngineSlots: a vCPU beyond the hardware's cap is created at once (so
// clone returns to the guest) and waits in its first Run for a free one;
// an Interrupt ends that wait.
func TestEngineSlots(t *testing.T) {
	m, c := modelCPU0(t, insSVC)
	start := func(v vcpu.VCPU) {
		var r vcpu.Regs
		r.PC = codeAddr
		v.SetRegs(&r)
	}
	runTo(t, c, vcpu.ExitSyscall)
	var held []vcpu.VCPU
	for i := 1; i < len(m.slots); i++ {
		v, err := m.NewVCPU()
		if err != nil {
			t.Fatal(err)
		}
		start(v)
		if e := v.Run(); e.Kind != vcpu.ExitSyscall {
			t.Fatalf("vCPU %d: %+v", i, e)
		}
		held = append(held, v)
	}
	extra, err := m.NewVCPU()
	if err != nil {
		t.Fatalf("NewVCPU beyond the cap: %v (it must not fail or block)", err)
	}
	start(extra)
	got := make(chan vcpu.Exit)
	go func() { got <- extra.Run() }()
	select {
	case e := <-got:
		t.Fatalf("a vCPU beyond the cap ran: %+v", e)
	case <-time.After(50 * time.Millisecond):
	}
	extra.Interrupt()
	if e := <-got; e.Kind != vcpu.ExitInterrupted {
		t.Fatalf("interrupted while waiting: %+v", e)
	}
	go func() { got <- extra.Run() }()
	c.Close()
	select {
	case e := <-got:
		if e.Kind != vcpu.ExitSyscall {
			t.Fatalf("after a slot was freed: %+v", e)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a freed slot was not handed to the waiting thread")
	}
	extra.Close()
	for _, v := range held {
		v.Close()
	}
}

// TestEngineKickStorm: kicks land anywhere, the EL1 save and return paths
// included (the model stops at any instruction boundary), while the guest
// counts in x1 and x28 and makes a syscall from one of two sites; on every
// kick the host adds 1000 to both. Whatever a kick interrupted, the guest
// must see exactly the state the host holds: x1 == x28 at every syscall,
// made from the site x1's parity says.
func TestEngineKickStorm(t *testing.T) {
	_, c := modelCPU0(t,
		0x91000421, // 0:  add x1, x1, #1
		0x9100079c, // 4:  add x28, x28, #1
		0x37000061, // 8:  tbnz w1, #0, 20
		insSVC,     // 12: svc #0 (x1 even)
		0x17fffffc, // 16: b 0
		insSVC,     // 20: svc #0 (x1 odd)
		0x17fffffa, // 24: b 0
	)
	var r vcpu.Regs
	c.Regs(&r)
	r.X[1], r.X[28] = 0, 0
	c.SetRegs(&r)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				c.Interrupt()
				time.Sleep(50 * time.Microsecond)
			}
		}
	}()
	syscalls, kicks := 0, 0
	deadline := time.Now().Add(30 * time.Second)
	for syscalls < 3000 || kicks < 300 {
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s: %d syscalls, %d kicks", syscalls, kicks)
		}
		e := c.Run()
		c.Regs(&r)
		switch e.Kind {
		case vcpu.ExitSyscall:
			site := uint64(codeAddr + 16)
			if r.X[1]%2 == 1 {
				site = codeAddr + 24
			}
			if r.X[1] != r.X[28] || r.PC != site {
				t.Fatalf("syscall %d after %d kicks: x1 %d x28 %d pc %#x (want %#x)", syscalls, kicks, r.X[1], r.X[28], r.PC, site)
			}
			syscalls++
		case vcpu.ExitInterrupted:
			kicks++
			r.X[1] += 1000
			r.X[28] += 1000
			c.SetRegs(&r)
		default:
			t.Fatalf("exit %+v", e)
		}
	}
}

// countingHW counts the framework calls the engine makes.
type countingHW struct {
	hardware
	runs, regCalls int
}

func (h *countingHW) run() (hwExit, error) { h.runs++; return h.hardware.run() }
func (h *countingHW) reg(r Reg) (uint64, error) {
	h.regCalls++
	return h.hardware.reg(r)
}
func (h *countingHW) setReg(r Reg, v uint64) error { h.regCalls++; return h.hardware.setReg(r, v) }
func (h *countingHW) sysReg(r SysReg) (uint64, error) {
	h.regCalls++
	return h.hardware.sysReg(r)
}
func (h *countingHW) setSysReg(r SysReg, v uint64) error {
	h.regCalls++
	return h.hardware.setSysReg(r, v)
}

// TestEngineSyscallCost: a syscall, with the host reading and writing the
// registers as sysemu does, costs one hardware run and no register calls
// (each would be a ~150 ns purego call on a Mac): the state moves through
// the save area.
func TestEngineSyscallCost(t *testing.T) {
	_, c := modelCPU0(t, 0x91000421, insSVC, 0x17fffffe) // add x1, x1, #1; svc; b .-8
	runTo(t, c, vcpu.ExitSyscall)
	h := &countingHW{hardware: c.hw}
	c.hw = h
	var r vcpu.Regs
	for i := 0; i < 100; i++ {
		runTo(t, c, vcpu.ExitSyscall)
		c.Regs(&r)
		r.X[0] = uint64(i)
		c.SetRegs(&r)
	}
	if h.runs != 100 || h.regCalls != 0 {
		t.Fatalf("100 syscalls: %d runs, %d register calls; want 100 and 0", h.runs, h.regCalls)
	}
}

// TestEngineICOnlyForCode: the return path empties the instruction caches
// (ic ialluis) only after a change to executable memory, not for the
// guest's ordinary data mappings.
func TestEngineICOnlyForCode(t *testing.T) {
	m, _ := modelCPU0(t, insSVC)
	m.codeChanged()
	gen := m.icGen.Load()
	const a = 0x600000
	mem := m.Memory()
	mem.Map(a, 0x4000, vcpu.ProtRead|vcpu.ProtWrite)
	mem.Protect(a, 0x1000, vcpu.ProtRead)
	mem.Unmap(a+0x2000, 0x1000)
	m.codeChanged()
	if g := m.icGen.Load(); g != gen {
		t.Fatalf("data mappings asked for %d instruction-cache flushes", g-gen)
	}
	mem.Protect(a, 0x1000, vcpu.ProtRead|vcpu.ProtExec)
	m.codeChanged()
	if g := m.icGen.Load(); g != gen+1 {
		t.Fatalf("an executable mapping asked for %d flushes, want 1", g-gen)
	}
}
