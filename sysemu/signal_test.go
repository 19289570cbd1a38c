package sysemu

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
)

// regsCPU is a vCPU that only holds registers, for the delivery paths that
// read and write them.
type regsCPU struct {
	r  vcpu.Regs
	fp vcpu.FPRegs
}

func (c *regsCPU) Run() vcpu.Exit           { return vcpu.Exit{} }
func (c *regsCPU) Regs(r *vcpu.Regs)        { *r = c.r }
func (c *regsCPU) SetRegs(r *vcpu.Regs)     { c.r = *r }
func (c *regsCPU) FPRegs(f *vcpu.FPRegs)    { *f = c.fp }
func (c *regsCPU) SetFPRegs(f *vcpu.FPRegs) { c.fp = *f }
func (c *regsCPU) Interrupt()               {}
func (c *regsCPU) Close() error             { return nil }

// newSignalTestProcess is a process with one thread and no address space:
// enough for posting, queueing and restart decisions.
func newSignalTestProcess() (*Process, *Task) {
	p := &Process{pid: 100, rlim: defaultRlimits(), tasks: map[int]*Task{}, done: make(chan struct{})}
	t := p.newTask(100)
	t.cpu = &regsCPU{}
	return p, t
}

func TestPendingSetMergesStandardQueuesRealtime(t *testing.T) {
	var ps pendingSet
	queued := 0
	for i := 0; i < 3; i++ {
		if !ps.add(abi.SIGUSR1, sigInfo{code: abi.SI_QUEUE, value: uint64(i)}, &queued, 100) {
			t.Fatal("standard signal refused")
		}
		if !ps.add(abi.SIGRTMIN, sigInfo{code: abi.SI_QUEUE, value: uint64(i)}, &queued, 100) {
			t.Fatal("real-time signal refused")
		}
	}
	if queued != 4 {
		t.Fatalf("queued %d siginfos, want 1 SIGUSR1 + 3 SIGRTMIN", queued)
	}
	if si := ps.take(abi.SIGUSR1, &queued); si.value != 0 || ps.mask&sigBit(abi.SIGUSR1) != 0 {
		t.Fatalf("SIGUSR1: value %d, still pending %v; want the first instance, gone", si.value, ps.mask&sigBit(abi.SIGUSR1) != 0)
	}
	for i := 0; i < 3; i++ {
		if ps.mask&sigBit(abi.SIGRTMIN) == 0 {
			t.Fatalf("SIGRTMIN not pending before instance %d", i)
		}
		if si := ps.take(abi.SIGRTMIN, &queued); si.value != uint64(i) {
			t.Fatalf("instance %d has value %d", i, si.value)
		}
	}
	if ps.mask != 0 || queued != 0 {
		t.Fatalf("after taking everything: mask %#x, queued %d", ps.mask, queued)
	}
}

func TestPendingSetLimit(t *testing.T) {
	var ps pendingSet
	queued := 0
	if ps.add(abi.SIGRTMIN, sigInfo{code: abi.SI_QUEUE}, &queued, 0) {
		t.Fatal("sigqueue past RLIMIT_SIGPENDING accepted; Linux says EAGAIN")
	}
	if ps.mask != 0 {
		t.Fatal("a refused signal is pending")
	}
	// A kill past the limit is pending without its siginfo.
	if !ps.add(abi.SIGRTMIN, sigInfo{code: abi.SI_USER, pid: 7}, &queued, 0) || queued != 0 {
		t.Fatalf("kill past the limit: queued %d", queued)
	}
	if si := ps.take(abi.SIGRTMIN, &queued); si.code != abi.SI_USER || si.pid != 0 || ps.mask != 0 {
		t.Fatalf("lost-info instance: %+v, mask %#x", si, ps.mask)
	}
	// Standard signals sent by kill may pass the limit (override_rlimit).
	if !ps.add(abi.SIGUSR2, sigInfo{code: abi.SI_USER, pid: 7}, &queued, 0) || queued != 1 {
		t.Fatalf("standard kill past the limit: queued %d", queued)
	}
}

func TestNextSignalOrder(t *testing.T) {
	for _, c := range []struct {
		ready uint64
		want  int
	}{
		{0, 0},
		{sigBit(abi.SIGUSR1) | sigBit(abi.SIGRTMIN), abi.SIGUSR1},
		{sigBit(abi.SIGRTMIN+1) | sigBit(abi.SIGRTMIN), abi.SIGRTMIN},
		{sigBit(abi.SIGHUP) | sigBit(abi.SIGSEGV), abi.SIGSEGV}, // synchronous first
		{sigBit(abi.SIGSYS) | sigBit(abi.SIGBUS), abi.SIGBUS},
	} {
		if got := nextSignal(c.ready); got != c.want {
			t.Errorf("nextSignal(%#x) = %d, want %d", c.ready, got, c.want)
		}
	}
}

func TestDequeueThreadBeforeProcess(t *testing.T) {
	p, tk := newSignalTestProcess()
	p.post(nil, abi.SIGUSR1, sigInfo{code: abi.SI_USER})
	p.post(tk, abi.SIGUSR2, sigInfo{code: abi.SI_TKILL})
	p.sig.mu.Lock()
	first, _ := tk.dequeueLocked(^uint64(0))
	second, _ := tk.dequeueLocked(^uint64(0))
	p.sig.mu.Unlock()
	if first != abi.SIGUSR2 || second != abi.SIGUSR1 {
		t.Fatalf("dequeued %d then %d; want the thread's SIGUSR2, then the process's SIGUSR1", first, second)
	}
}

func TestPostDiscardsIgnoredUnlessBlocked(t *testing.T) {
	p, tk := newSignalTestProcess()
	p.post(nil, abi.SIGCHLD, sigInfo{})
	if p.sig.pending.mask != 0 {
		t.Fatal("a default-ignored, unblocked SIGCHLD stayed pending")
	}
	tk.sigmask = sigBit(abi.SIGCHLD)
	p.post(nil, abi.SIGCHLD, sigInfo{})
	if p.sig.pending.mask != sigBit(abi.SIGCHLD) {
		t.Fatal("a blocked SIGCHLD was discarded; Linux keeps it")
	}
}

func TestStopAndContinueCancelEachOther(t *testing.T) {
	p, tk := newSignalTestProcess()
	tk.sigmask = sigBit(abi.SIGTSTP) | sigBit(abi.SIGCONT)
	p.post(nil, abi.SIGTSTP, sigInfo{})
	p.post(tk, abi.SIGTTIN, sigInfo{})
	p.post(nil, abi.SIGCONT, sigInfo{})
	if got := p.sig.pending.mask | tk.pending.mask; got != sigBit(abi.SIGCONT) {
		t.Fatalf("after SIGCONT pending %#x, want only SIGCONT", got)
	}
	p.post(nil, abi.SIGTSTP, sigInfo{})
	if got := p.sig.pending.mask | tk.pending.mask; got != sigBit(abi.SIGTSTP) {
		t.Fatalf("after SIGTSTP pending %#x, want only SIGTSTP", got)
	}
	if p.sig.queued != 1 {
		t.Fatalf("queued %d after the flushes, want 1", p.sig.queued)
	}
}

func TestSiginfoEncode(t *testing.T) {
	le := binary.LittleEndian
	b := make([]byte, abi.SizeofSiginfo)
	si := sigInfo{code: abi.SI_QUEUE, pid: 5, uid: 6, value: 0x1122334455}
	si.encode(abi.SIGRTMIN, b)
	if le.Uint32(b[0:]) != abi.SIGRTMIN || int32(le.Uint32(b[8:])) != abi.SI_QUEUE ||
		le.Uint32(b[16:]) != 5 || le.Uint32(b[20:]) != 6 || le.Uint64(b[24:]) != 0x1122334455 {
		t.Fatalf("SI_QUEUE siginfo: % x", b[:32])
	}
	b = make([]byte, abi.SizeofSiginfo)
	si = sigInfo{code: abi.SEGV_MAPERR, addr: 0xdead0000}
	si.encode(abi.SIGSEGV, b)
	if le.Uint64(b[16:]) != 0xdead0000 {
		t.Fatalf("fault siginfo: % x", b[:32])
	}
	b = make([]byte, abi.SizeofSiginfo)
	si = sigInfo{code: abi.CLD_EXITED, pid: 9, status: 3, utime: 4, stime: 5}
	si.encode(abi.SIGCHLD, b)
	if le.Uint32(b[abi.OffsetofSiPid:]) != 9 || le.Uint32(b[abi.OffsetofSiStatus:]) != 3 ||
		le.Uint64(b[abi.OffsetofSiUtime:]) != 4 || le.Uint64(b[abi.OffsetofSiStime:]) != 5 {
		t.Fatalf("SIGCHLD siginfo: % x", b[:48])
	}
}

func TestResolveRestart(t *testing.T) {
	const pc, x0 = 0x1000, 3
	for _, c := range []struct {
		code    abi.Errno
		handler bool
		flags   uint64
		restart bool
	}{
		{errRestartSys, false, 0, true},
		{errRestartSys, true, 0, false},
		{errRestartSys, true, abi.SA_RESTART, true},
		{errRestartNoIntr, true, 0, true},
		{errRestartNoHand, false, 0, true},
		{errRestartNoHand, true, abi.SA_RESTART, false},
		{errRestartBlock, false, 0, true},
		{errRestartBlock, true, abi.SA_RESTART, false},
	} {
		_, tk := newSignalTestProcess()
		cpu := tk.cpu.(*regsCPU)
		cpu.r.PC, cpu.r.X[0], cpu.r.X[8] = pc, errno(c.code), abi.SYS_NANOSLEEP
		tk.restart, tk.restartX0 = c.code, x0
		tk.resolveRestart(c.handler, c.flags)
		r := cpu.r
		switch {
		case c.restart && (r.PC != pc-4 || r.X[0] != x0):
			t.Errorf("%d handler %v flags %#x: pc %#x x0 %#x, want a restart", c.code, c.handler, c.flags, r.PC, r.X[0])
		case !c.restart && (r.PC != pc || r.X[0] != errno(abi.EINTR)):
			t.Errorf("%d handler %v flags %#x: pc %#x x0 %#x, want EINTR", c.code, c.handler, c.flags, r.PC, r.X[0])
		case c.restart && c.code == errRestartBlock && r.X[8] != abi.SYS_RESTART_SYSCALL:
			t.Errorf("ERESTART_RESTARTBLOCK restarts with x8 %d, want restart_syscall", r.X[8])
		case c.restart && c.code != errRestartBlock && r.X[8] != abi.SYS_NANOSLEEP:
			t.Errorf("%d restarts with x8 %d, want the same call", c.code, r.X[8])
		}
		if tk.restart != 0 {
			t.Errorf("%d: restart code left set", c.code)
		}
	}
}

func TestRealTimerPostsSigalrm(t *testing.T) {
	p, _ := newSignalTestProcess()
	p.sig.mu.Lock()
	p.armRealTimer(2*time.Millisecond, 2*time.Millisecond)
	p.sig.mu.Unlock()
	defer func() {
		p.sig.mu.Lock()
		p.armRealTimer(0, 0)
		p.sig.mu.Unlock()
	}()
	for n := 0; n < 2; n++ {
		deadline := time.Now().Add(5 * time.Second)
		for {
			p.sig.mu.Lock()
			pending := p.sig.pending.mask&sigBit(abi.SIGALRM) != 0
			var si sigInfo
			if pending {
				si = p.sig.pending.take(abi.SIGALRM, &p.sig.queued)
			}
			p.sig.mu.Unlock()
			if pending {
				if si.code != abi.SI_KERNEL {
					t.Fatalf("SIGALRM with si_code %d, want SI_KERNEL", si.code)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("periodic timer: expiry %d never came", n)
			}
			time.Sleep(time.Millisecond)
		}
	}
	p.sig.mu.Lock()
	value, interval := p.sig.realTimer.remaining()
	p.sig.mu.Unlock()
	if value <= 0 || interval != 2*time.Millisecond {
		t.Fatalf("armed periodic timer reads value %v interval %v", value, interval)
	}
}
