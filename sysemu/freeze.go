package sysemu

import (
	"sync"
	"sync/atomic"
	"time"
)

// freezer stops a process's other threads while fork copies its memory,
// so the child gets one instant of the address space, as Linux's
// copy-on-write fork gives it. A thread stops at its next exit from guest
// code; a thread blocked in a syscall is not writing guest memory and is
// left alone (it parks before it runs guest code again).
type freezer struct {
	on atomic.Bool
	mu sync.Mutex
	// thawed is closed when the freeze ends; guarded by mu.
	thawed chan struct{}
}

// enterGuest marks t as running guest code, unless a freeze is on: then t
// waits for the thaw and the caller looks at the process state again.
func (t *Task) enterGuest() bool {
	t.inGuest.Store(true)
	if !t.p.frz.on.Load() {
		return true
	}
	t.inGuest.Store(false)
	t.p.frz.mu.Lock()
	ch := t.p.frz.thawed
	t.p.frz.mu.Unlock()
	if ch != nil {
		select {
		case <-ch:
		case <-t.p.done:
		}
	}
	return false
}

// freezeOthers stops every thread of the process but self in guest code
// and returns the function that lets them go on.
func (p *Process) freezeOthers(self *Task) (thaw func()) {
	p.frz.mu.Lock()
	ch := make(chan struct{})
	p.frz.thawed = ch
	p.frz.mu.Unlock()
	p.frz.on.Store(true)
	p.tmu.Lock()
	var running []*Task
	for _, t := range p.tasks {
		if t != self && t.inGuest.Load() {
			running = append(running, t)
			if t.cpu != nil {
				t.cpu.Interrupt()
			}
		}
	}
	p.tmu.Unlock()
	for _, t := range running {
		for t.inGuest.Load() && !p.exiting() {
			time.Sleep(20 * time.Microsecond)
		}
	}
	return func() {
		p.frz.on.Store(false)
		p.frz.mu.Lock()
		close(ch)
		p.frz.thawed = nil
		p.frz.mu.Unlock()
	}
}
