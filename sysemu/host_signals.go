package sysemu

import (
	"os"
	"os/signal"
	"sync"
	"syscall"

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

// hostForward is the channel host signals are forwarded through, nil when
// no process forwards them; stopHost takes a stop signal back from it for
// the moment of the stop.
var hostForward struct {
	mu sync.Mutex
	ch chan os.Signal
}

// ForwardHostSignals delivers the host signals above to the guest until
// stop is called. SIGKILL and SIGSTOP act on the host process itself, as
// they must; SIGURG is the Go runtime's own preemption signal and SIGPIPE
// is raised by carrick where the guest wrote (sigpipe), so neither is
// forwarded. A forwarded SIGCHLD carries no child siginfo (SI_USER); with
// the default action it is discarded on arrival, so it interrupts nothing.
func (p *Process) ForwardHostSignals() (stop func()) {
	ch := make(chan os.Signal, 64)
	sigs := make([]os.Signal, 0, len(hostSignals))
	for s := range hostSignals {
		sigs = append(sigs, s)
	}
	hostForward.mu.Lock()
	hostForward.ch = ch
	signal.Notify(ch, sigs...)
	hostForward.mu.Unlock()
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-ch:
				p.post(nil, hostSignals[s], sigInfo{code: abi.SI_USER})
			case <-done:
				return
			case <-p.done:
				return
			}
		}
	}()
	return func() {
		hostForward.mu.Lock()
		signal.Stop(ch)
		if hostForward.ch == ch {
			hostForward.ch = nil
		}
		hostForward.mu.Unlock()
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
// process stops, so the parent's wait4(WUNTRACED) sees it stopped by that
// signal and a SIGCONT from anywhere resumes it. For SIGTSTP, SIGTTIN and
// SIGTTOU the host's own default action comes back for the moment of the
// stop, so the host kernel also applies its rule that an orphaned process
// group ignores them. stopHost returns once the process runs again.
func (p *Process) stopHost(sig int) {
	hs, ok := hostSignalOf(sig)
	if !ok {
		return
	}
	hostForward.mu.Lock()
	defer hostForward.mu.Unlock()
	ch := hostForward.ch
	if ch != nil && sig != abi.SIGSTOP {
		signal.Reset(hs)
	}
	stopSelf(hs)
	if ch != nil && sig != abi.SIGSTOP {
		signal.Notify(ch, hs)
	}
}
