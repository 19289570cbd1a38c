package sysemu

import (
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Host signals sent to carrick's host process (kill from a host shell, a
// terminal's ^C, a child's exit) are delivered to the guest process with
// Linux's numbers, whatever the host's are (darwin's differ).
var hostSignals = map[os.Signal]int{
	syscall.SIGHUP:   abi.SIGHUP,
	syscall.SIGINT:   abi.SIGINT,
	syscall.SIGQUIT:  abi.SIGQUIT,
	syscall.SIGTERM:  abi.SIGTERM,
	syscall.SIGUSR1:  abi.SIGUSR1,
	syscall.SIGUSR2:  abi.SIGUSR2,
	syscall.SIGALRM:  abi.SIGALRM,
	syscall.SIGCHLD:  abi.SIGCHLD,
	syscall.SIGCONT:  abi.SIGCONT,
	syscall.SIGWINCH: abi.SIGWINCH,
	syscall.SIGTSTP:  abi.SIGTSTP,
	syscall.SIGTTIN:  abi.SIGTTIN,
	syscall.SIGTTOU:  abi.SIGTTOU,
}

func init() {
	for h, g := range hostRealtimeSignals() {
		hostSignals[h] = g
	}
}

// ForwardHostSignals delivers the host signals above to the guest until
// stop is called. SIGKILL and SIGSTOP act on the host process itself, as
// they must; SIGURG is the Go runtime's own preemption signal and SIGPIPE
// is raised by carrick where the guest wrote (sigpipe), so neither is
// forwarded; a pid namespace's init gets only the ones it handles. A host SIGCHLD becomes the guest's with the child's siginfo
// (PostChildSignal); with the default action it is discarded on arrival,
// so it interrupts nothing. Real-time signals keep their numbers.
func (p *Process) ForwardHostSignals() (stop func()) {
	ch := make(chan os.Signal, 64)
	sigs := make([]os.Signal, 0, len(hostSignals))
	for s := range hostSignals {
		sigs = append(sigs, s)
	}
	signal.Notify(ch, sigs...)
	hostForwarding.Add(1)
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-ch:
				if s == syscall.SIGCHLD {
					p.PostChildSignal() // with the child's siginfo (sys_wait.go)
					continue
				}
				if s != syscall.SIGCONT && p.initIgnores(hostSignals[s]) {
					// A host signal comes from outside the guest's pid
					// namespace: Linux drops it for an init that does not
					// handle it (runc's `kill` of a container running sleep).
					continue
				}
				if s != syscall.SIGCONT || !p.conts.claim(false) {
					p.post(nil, hostSignals[s], sigInfo{code: abi.SI_USER})
				}
				if s == syscall.SIGCONT {
					hostConts.Add(1)
				}
			case <-done:
				return
			case <-p.done:
				return
			}
		}
	}()
	return func() {
		signal.Stop(ch)
		hostForwarding.Add(-1)
		close(done)
	}
}

// hostSignalOf returns the host signal for a guest signal number.
func hostSignalOf(sig int) (syscall.Signal, bool) {
	if sig == abi.SIGSTOP {
		return syscall.SIGSTOP, true
	}
	for h, g := range hostSignals {
		if g == sig {
			return h.(syscall.Signal), true
		}
	}
	return 0, false
}

// stopHost carries out a stop signal's default action: the whole host
// process stops (stopSelf), so the parent's wait4(WUNTRACED) sees it
// stopped by that signal and a SIGCONT from anywhere resumes it. Stopping
// through the host also applies the host kernel's rule that an orphaned
// process group ignores SIGTSTP, SIGTTIN and SIGTTOU. stopHost returns once
// the process runs again.
func (p *Process) stopHost(sig int) {
	hs, ok := hostSignalOf(sig)
	if !ok {
		return
	}
	seen := hostConts.Load()
	stopSelf(hs)
	// On Linux the SIGCONT that resumed the process is delivered before
	// the stopped thread runs on, so its handler runs first. Here it comes
	// through the forwarder: give it a moment to be posted. (When the host
	// discarded the stop there is no SIGCONT, and this only waits.)
	if hostForwarding.Load() > 0 {
		for deadline := time.Now().Add(contWait); hostConts.Load() == seen && time.Now().Before(deadline); {
			time.Sleep(100 * time.Microsecond)
		}
	}
}

// contWait bounds how long a thread that was stopped waits for the
// SIGCONT that resumed it to be forwarded.
const contWait = 50 * time.Millisecond

// hostConts counts the host SIGCONTs forwarded (posted or discarded);
// hostForwarding counts the processes forwarding host signals.
var hostConts, hostForwarding atomic.Int64

// contPairs pairs the two halves of a SIGCONT from another guest process:
// the host's SIGCONT (which resumes a stopped process, forwarded here
// asynchronously) and the message on the process's socket (posted before
// the sender's kill returns, so its handler runs in order). Whichever comes
// first posts the signal; the other is dropped. Halves left unpaired (a
// SIGCONT from a host shell) expire after a second.
type contPairs struct {
	mu         sync.Mutex
	host, sock []time.Time // unpaired halves; guarded by mu
}

// claim reports whether the other half of this SIGCONT was posted already
// (then this one is dropped); else it records this half.
func (c *contPairs) claim(fromSocket bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	fresh := func(ts []time.Time) []time.Time {
		for len(ts) > 0 && now.Sub(ts[0]) > time.Second {
			ts = ts[1:]
		}
		return ts
	}
	c.host, c.sock = fresh(c.host), fresh(c.sock)
	mine, other := &c.host, &c.sock
	if fromSocket {
		mine, other = &c.sock, &c.host
	}
	if len(*other) > 0 {
		*other = (*other)[1:]
		return true
	}
	*mine = append(*mine, now)
	return false
}
