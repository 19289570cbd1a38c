package interp

import (
	"github.com/carrick-go/carrick/vcpu"
)

const (
	pageBytes = vcpu.GuestPageSize
	pageInsts = pageBytes / 4
	tlbSize   = 64
)

// codePage holds the decoded instructions of one guest page. Entries start as
// opDecode and are decoded on first execution.
type codePage struct {
	addr  uint64
	insts [pageInsts]Inst
}

func newCodePage(addr uint64) *codePage {
	p := &codePage{addr: addr}
	for i := range p.insts {
		p.insts[i].fn = opDecode
	}
	return p
}

// pagePoolMax bounds the decoded pages a machine keeps for reuse (40 KiB
// each).
const pagePoolMax = 1024

// codePage returns a page for addr with nothing decoded: one a closed
// vCPU of the machine left if there is one. A server that starts a thread
// per request would otherwise allocate, fault in and collect tens of
// megabytes of pages per thread.
func (m *Machine) codePage(addr uint64) *codePage {
	m.poolMu.Lock()
	n := len(m.pool)
	if n == 0 {
		m.poolMu.Unlock()
		return newCodePage(addr)
	}
	p := m.pool[n-1]
	m.pool[n-1] = nil
	m.pool = m.pool[:n-1]
	m.poolMu.Unlock()
	p.addr = addr
	for i := range p.insts {
		p.insts[i].fn = opDecode // decode overwrites the rest
	}
	return p
}

// recyclePages gives a closing vCPU's pages to the machine's pool.
func (m *Machine) recyclePages(pages map[uint64]*codePage) {
	m.poolMu.Lock()
	defer m.poolMu.Unlock()
	for _, p := range pages {
		if len(m.pool) >= pagePoolMax {
			return
		}
		m.pool = append(m.pool, p)
	}
}

// noPageAddr and noPage stand for "no current page": every guest PC below
// 2^63 is then more than a page away, and the PCs that are not (far outside
// the address space) run opNoPage, which faults.
const noPageAddr = 1 << 63

var noPage = func() *codePage {
	p := &codePage{addr: noPageAddr}
	for i := range p.insts {
		p.insts[i].fn = opNoPage
	}
	return p
}()

func opNoPage(c *CPU, in *Inst) {
	pc := c.PC - 4
	c.PC = pc
	c.setExit(vcpu.Exit{Kind: vcpu.ExitFault, Addr: pc, Access: vcpu.AccessExec,
		Cause: vcpu.FaultTranslation, ESR: ecInsnAbortLower<<26 | esrIL | 0x07})
}

// switchPage makes the page holding pc current. It returns false after
// recording a Fault exit when pc may not be executed.
func (c *CPU) switchPage(pc uint64) bool {
	if c.el1 != nil {
		return c.el1SwitchPage(pc)
	}
	if pc&3 != 0 {
		c.setExit(vcpu.Exit{Kind: vcpu.ExitFault, Addr: pc, Access: vcpu.AccessExec,
			Cause: vcpu.FaultPCAlignment, ESR: ecPCAlign<<26 | esrIL})
		return false
	}
	addr := pc &^ (pageBytes - 1)
	slot := &c.tlb[(addr/pageBytes)%tlbSize]
	if p := *slot; p != nil && p.addr == addr {
		c.page, c.pageAddr = p, addr
		return true
	}
	p := c.pages[addr]
	if p == nil {
		prot, mapped := c.mem.ProtAt(addr)
		if !mapped || prot&vcpu.ProtExec == 0 || addr > c.limit {
			cause := vcpu.FaultTranslation
			fsc := uint64(0x07)
			if mapped {
				cause, fsc = vcpu.FaultPermission, 0x0f
			}
			c.setExit(vcpu.Exit{Kind: vcpu.ExitFault, Addr: pc, Access: vcpu.AccessExec,
				Cause: cause, ESR: ecInsnAbortLower<<26 | esrIL | fsc})
			return false
		}
		p = c.m.codePage(addr)
		c.pages[addr] = p
	}
	*slot = p
	c.page, c.pageAddr = p, addr
	return true
}

// opDecode decodes the instruction in place on its first execution, then
// runs it.
func opDecode(c *CPU, in *Inst) {
	pc := c.PC - 4
	raw := *(*uint32)(c.hostAddr(pc))
	decode(raw, pc, in)
	in.fn(c, in)
}

// applyInvalidations drops the pages other goroutines (or this one, through
// `ic ivau`) invalidated.
func (c *CPU) applyInvalidations() {
	c.invMu.Lock()
	all := c.invalAll
	spans := c.inval
	c.inval, c.invalAll = nil, false
	c.invMu.Unlock()
	if all {
		c.flushCode()
		return
	}
	for _, s := range spans {
		start := s.start &^ (pageBytes - 1)
		if (s.end-start)/pageBytes > uint64(len(c.pages)) {
			// A span larger than the cache (a thread's stack unmapped):
			// look at the decoded pages, not at every page of the span,
			// and keep those outside it.
			for a := range c.pages {
				if a >= start && a < s.end {
					c.dropPage(a)
				}
			}
			continue
		}
		for a := start; a < s.end; a += pageBytes {
			c.dropPage(a)
		}
	}
}

// dropPage forgets the decoded page at a, if any.
func (c *CPU) dropPage(a uint64) {
	if _, ok := c.pages[a]; !ok {
		return
	}
	delete(c.pages, a)
	slot := &c.tlb[(a/pageBytes)%tlbSize]
	if *slot != nil && (*slot).addr == a {
		*slot = nil
	}
	if c.pageAddr == a {
		c.page, c.pageAddr = noPage, noPageAddr
	}
}

// flushCode drops every decoded page.
func (c *CPU) flushCode() {
	clear(c.pages)
	c.tlb = [tlbSize]*codePage{}
	c.page, c.pageAddr = noPage, noPageAddr
}
