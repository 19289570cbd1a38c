package sysemu

import (
	"encoding/binary"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/mm"
	"github.com/carrick-go/carrick/sysemu/vdso"
	"github.com/carrick-go/carrick/vcpu"
)

// mapSignalPages maps the vDSO ([vdso], at AT_SYSINFO_EHDR) and the
// sigreturn trampoline page ([sigpage]), both read+exec. Handlers installed
// without SA_RESTORER return through the vDSO's __kernel_rt_sigreturn, as on
// Linux; the trampoline page serves when the vDSO is not mapped.
func (p *Process) mapSignalPages() error {
	for _, pg := range []struct {
		addr uint64
		data []byte
		name string
	}{
		{mm.VDSOBase, vdso.Image(), "[vdso]"},
		{mm.SigTrampBase, vdso.SigreturnTrampoline(), "[sigpage]"},
	} {
		size := mm.PageUp(uint64(len(pg.data)))
		if err := p.mm.Map(pg.addr, size, vcpu.ProtRead|vcpu.ProtWrite, pg.name); err != nil {
			return err
		}
		if err := p.mm.Memory().Write(pg.addr, pg.data); err != nil {
			return err
		}
		if e := p.mm.Mprotect(pg.addr, size, vcpu.ProtRead|vcpu.ProtExec); e != 0 {
			return e
		}
	}
	p.sigreturn = mm.VDSOBase + vdso.SigreturnOffset()
	return nil
}

// faultSignal is a synchronous signal raised by a vCPU exit.
type faultSignal struct {
	sig  int
	code int32
	addr uint64 // si_addr and fault_address
	esr  uint64 // esr_context, 0 for none
}

// deliverSync delivers a synchronous signal to the task. As Linux's
// force_sig_fault, a blocked or ignored signal is not delivered: the process
// dies. It reports whether a handler now runs.
func (t *Task) deliverSync(fs faultSignal) bool {
	s := &t.p.sig
	s.mu.Lock()
	act := s.actions[fs.sig]
	handler := act[0]
	blocked := t.sigmask&sigBit(fs.sig) != 0
	if handler == abi.SIG_DFL || handler == abi.SIG_IGN || blocked {
		s.mu.Unlock()
		return false
	}
	if act[1]&abi.SA_RESETHAND != 0 {
		s.actions[fs.sig][0] = abi.SIG_DFL
	}
	s.mu.Unlock()
	si := sigInfo{code: fs.code, addr: fs.addr}
	return t.setupFrame(fs.sig, &si, fs.esr, act)
}

// setupFrame builds the arm64 rt_sigframe for a handler of sig with action
// act (the raw struct sigaction) on the thread's stack, or its alternate
// stack, points the registers at the handler and blocks what the action
// says. esr, when not 0, adds an esr_context record. It reports false when
// the frame does not fit (the kernel then kills with SIGSEGV).
func (t *Task) setupFrame(sig int, si *sigInfo, esr uint64, act [4]uint64) bool {
	s := &t.p.sig
	handler, flags, restorer, mask := act[0], act[1], act[2], act[3]
	bit := sigBit(sig)
	s.mu.Lock()
	oldMask := t.sigmask
	if t.savedMask != nil {
		// After rt_sigsuspend, ppoll and the like the handler returns to
		// the mask from before the call.
		oldMask = *t.savedMask
		t.savedMask = nil
	}
	s.mu.Unlock()
	var regs vcpu.Regs
	var fp vcpu.FPRegs
	t.cpu.Regs(&regs)
	t.cpu.FPRegs(&fp)

	// The stack: the alternate one if asked for and not already on it.
	sp := regs.SP
	onAlt := t.onAltStack(sp)
	if flags&abi.SA_ONSTACK != 0 && t.altstack[2] != 0 && t.altstack[1]&abi.SS_DISABLE == 0 && !onAlt {
		sp = t.altstack[0] + t.altstack[2]
	}
	record := (sp - abi.SizeofFrameRecord) &^ 15
	frame := (record - abi.SizeofRtSigframe) &^ 15

	b := make([]byte, abi.SizeofRtSigframe)
	le := binary.LittleEndian
	si.encode(sig, b)
	// ucontext
	uc := b[abi.OffsetofUcontext:]
	le.PutUint64(uc[abi.OffsetofUcStack:], t.altstack[0])
	ssFlags := uint32(abi.SS_DISABLE)
	if t.altstack[2] != 0 && t.altstack[1]&abi.SS_DISABLE == 0 {
		ssFlags = 0
		if onAlt {
			ssFlags = abi.SS_ONSTACK
		}
	}
	le.PutUint32(uc[abi.OffsetofUcStack+8:], ssFlags)
	le.PutUint64(uc[abi.OffsetofUcStack+16:], t.altstack[2])
	le.PutUint64(uc[abi.OffsetofUcSigmask:], oldMask)
	sc := uc[abi.OffsetofUcMcontext:]
	if sig == abi.SIGSEGV || sig == abi.SIGBUS {
		le.PutUint64(sc[abi.OffsetofScFaultAddress:], si.addr)
	}
	for i, x := range regs.X {
		le.PutUint64(sc[abi.OffsetofScRegs+8*i:], x)
	}
	le.PutUint64(sc[abi.OffsetofScSP:], regs.SP)
	le.PutUint64(sc[abi.OffsetofScPC:], regs.PC)
	le.PutUint64(sc[abi.OffsetofScPstate:], regs.PSTATE)
	res := sc[abi.OffsetofScReserved:]
	le.PutUint32(res[0:], abi.FPSIMD_MAGIC)
	le.PutUint32(res[4:], abi.SizeofFPSIMDContext)
	le.PutUint32(res[8:], fp.FPSR)
	le.PutUint32(res[12:], fp.FPCR)
	for i, v := range fp.V {
		le.PutUint64(res[16+16*i:], v[0])
		le.PutUint64(res[24+16*i:], v[1])
	}
	off := abi.SizeofFPSIMDContext
	if esr != 0 {
		le.PutUint32(res[off:], abi.ESR_MAGIC)
		le.PutUint32(res[off+4:], abi.SizeofESRContext)
		le.PutUint64(res[off+8:], esr)
		off += abi.SizeofESRContext
	}
	// The terminator record is the zeroes that follow.

	var rec [16]byte
	le.PutUint64(rec[0:], regs.X[29])
	le.PutUint64(rec[8:], regs.X[30])
	if t.copyOut(frame, b) != nil || t.copyOut(record, rec[:]) != nil {
		return false // no room for the frame: the kernel kills with SIGSEGV
	}

	ret := t.p.sigreturn
	if flags&abi.SA_RESTORER != 0 && restorer != 0 {
		ret = restorer
	}
	regs.X[0] = uint64(sig)
	regs.X[1] = frame
	regs.X[2] = frame + abi.OffsetofUcontext
	regs.X[29] = record
	regs.X[30] = ret
	regs.SP = frame
	regs.PC = handler
	t.cpu.SetRegs(&regs)

	s.mu.Lock()
	t.sigmask |= mask
	if flags&abi.SA_NODEFER == 0 {
		t.sigmask |= bit
	}
	t.sigmask &^= unblockable
	s.mu.Unlock()
	return true
}

func (t *Task) onAltStack(sp uint64) bool {
	base, size := t.altstack[0], t.altstack[2]
	return size != 0 && sp > base && sp <= base+size
}

// sysRtSigreturn implements rt_sigreturn(2): restore the context saved by
// signal delivery from the frame at SP.
func sysRtSigreturn(t *Task, a [6]uint64) uint64 {
	regs := &t.regs
	frame := regs.SP
	if frame%16 != 0 {
		return t.badFrame()
	}
	b := make([]byte, abi.SizeofRtSigframe)
	if t.copyIn(frame, b) != nil {
		return t.badFrame()
	}
	le := binary.LittleEndian
	uc := b[abi.OffsetofUcontext:]
	sc := uc[abi.OffsetofUcMcontext:]
	var fp vcpu.FPRegs
	t.cpu.FPRegs(&fp)
	// Walk the records: fpsimd must be there, once, with its exact size.
	res := sc[abi.OffsetofScReserved : abi.OffsetofScReserved+abi.SizeofScReserved]
	sawFP := false
	for off := 0; off+8 <= len(res); {
		magic, size := le.Uint32(res[off:]), int(le.Uint32(res[off+4:]))
		if magic == 0 {
			break
		}
		if size < 8 || size%16 != 0 || off+size > len(res) {
			return t.badFrame()
		}
		switch magic {
		case abi.FPSIMD_MAGIC:
			if sawFP || size != abi.SizeofFPSIMDContext {
				return t.badFrame()
			}
			sawFP = true
			fp.FPSR = le.Uint32(res[off+8:])
			fp.FPCR = le.Uint32(res[off+12:])
			for i := range fp.V {
				fp.V[i][0] = le.Uint64(res[off+16+16*i:])
				fp.V[i][1] = le.Uint64(res[off+24+16*i:])
			}
		case abi.ESR_MAGIC:
		default:
			return t.badFrame()
		}
		off += size
	}
	if !sawFP {
		return t.badFrame()
	}
	for i := range regs.X {
		regs.X[i] = le.Uint64(sc[abi.OffsetofScRegs+8*i:])
	}
	regs.SP = le.Uint64(sc[abi.OffsetofScSP:])
	regs.PC = le.Uint64(sc[abi.OffsetofScPC:])
	// Only the flags come back: a guest cannot raise its exception level.
	regs.PSTATE = le.Uint64(sc[abi.OffsetofScPstate:]) & 0xf0000000
	t.p.sig.mu.Lock()
	t.sigmask = le.Uint64(uc[abi.OffsetofUcSigmask:]) &^ unblockable
	t.p.sig.mu.Unlock()
	t.cpu.SetFPRegs(&fp)
	t.regsReplaced = true
	t.restartFn = nil // as Linux: a later restart_syscall is EINTR
	return 0
}

// badFrame: a corrupt frame at sigreturn kills the process with SIGSEGV, as
// Linux's force_sig(SIGSEGV).
func (t *Task) badFrame() uint64 {
	t.cpu.Regs(&t.regs)
	t.p.logf("carrick: pid %d tid %d: bad signal frame at rt_sigreturn (sp %#x)\n", t.p.pid, t.tid, t.regs.SP)
	t.p.exit(ExitStatus{Signal: abi.SIGSEGV})
	t.gone = true
	return 0
}
