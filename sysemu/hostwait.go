package sysemu

import (
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// waitSet is what one blocking poll, select or epoll wait sleeps on: the
// emulated files it subscribed to (their changes arrive on ch) and the
// host fds it watches. With host fds the wait blocks in the host's own
// readiness call, with a pipe that the other wake-ups write to, so a
// server wakes when a connection arrives rather than at the next polling
// slice.
type waitSet struct {
	ch   chan struct{}
	subs map[pollable]bool
	host []hostWant
}

func newWaitSet() *waitSet {
	return &waitSet{ch: make(chan struct{}, 1), subs: map[pollable]bool{}}
}

func (w *waitSet) subscribe(p pollable) {
	if !w.subs[p] {
		p.Subscribe(w.ch)
		w.subs[p] = true
	}
}

// close ends every subscription.
func (w *waitSet) close() {
	for p := range w.subs {
		p.Unsubscribe(w.ch)
	}
}

// sleep waits for a change, d to pass (d < 0: forever), a signal or the
// process's exit, as sleepOn does.
func (w *waitSet) sleep(t *Task, d time.Duration) abi.Errno {
	if len(w.host) == 0 {
		return t.sleepOn(w.ch, d)
	}
	return t.hostSleep(w.host, w.ch, d)
}

// hostSleep is sleepOn that also ends when one of the host fds is ready.
func (t *Task) hostSleep(wants []hostWant, ch <-chan struct{}, d time.Duration) abi.Errno {
	if t.signalPending() {
		return errRestartSys
	}
	p, err := t.wakePipe()
	if err != nil {
		// No pipe (fd exhaustion): fall back to a short slice.
		return t.sleepOn(ch, min(uint64Dur(d), hostPollSlice))
	}
	defer drainPipe(p[0])
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		select {
		case <-ch:
		case <-t.wake:
			// The token is the signal's; the waiter checks for it below.
		case <-t.p.done:
		case <-stop:
			return
		}
		unix.Write(p[1], []byte{0})
	}()
	all := append(wants[:len(wants):len(wants)], hostWant{fd: p[0], events: unix.POLLIN})
	var deadline time.Time
	if d > 0 {
		deadline = time.Now().Add(d)
	}
	for {
		_, err := hostReady(all, d)
		if err != unix.EINTR {
			break
		}
		// The Go runtime's own signals interrupt the host call.
		if !deadline.IsZero() {
			if d = time.Until(deadline); d <= 0 {
				break
			}
		}
	}
	close(stop)
	<-done
	if t.p.exiting() || t.signalPending() {
		return errRestartSys
	}
	return 0
}

// uint64Dur maps "forever" (d < 0) to a long wait for min().
func uint64Dur(d time.Duration) time.Duration {
	if d < 0 {
		return time.Hour
	}
	return d
}

// wakePipe is the thread's pipe for hostSleep, made on first use and kept
// (non-blocking both ends) until the thread ends (closeWakePipe).
func (t *Task) wakePipe() ([2]int, error) {
	if t.wake2[1] > 0 {
		return t.wake2, nil
	}
	var p [2]int
	if err := hostPipe(&p); err != nil {
		return p, err
	}
	unix.SetNonblock(p[0], true)
	unix.SetNonblock(p[1], true)
	t.wake2 = p
	return p, nil
}

// closeWakePipe closes the thread's wake pipe, if it made one.
func (t *Task) closeWakePipe() {
	if t.wake2[1] > 0 {
		unix.Close(t.wake2[0])
		unix.Close(t.wake2[1])
		t.wake2 = [2]int{}
	}
}

// drainPipe empties a non-blocking pipe for the next wait.
func drainPipe(fd int) {
	var b [64]byte
	for {
		if n, err := unix.Read(fd, b[:]); n <= 0 || err != nil {
			return
		}
	}
}
