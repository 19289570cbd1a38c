package sysemu

import (
	"os"
	"os/signal"
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
	syscall.SIGCONT:  18,
	syscall.SIGWINCH: 28,
	syscall.SIGTSTP:  20,
	syscall.SIGTTIN:  21,
	syscall.SIGTTOU:  22,
}

// ForwardHostSignals delivers the host signals above to the guest until
// stop is called. SIGKILL and SIGSTOP act on the host process itself, as
// they must; SIGURG is the Go runtime's own preemption signal and SIGPIPE
// is raised by carrick where the guest wrote (sigpipe), so neither is
// forwarded.
func (p *Process) ForwardHostSignals() (stop func()) {
	ch := make(chan os.Signal, 16)
	sigs := make([]os.Signal, 0, len(hostSignals))
	for s := range hostSignals {
		sigs = append(sigs, s)
	}
	signal.Notify(ch, sigs...)
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
		signal.Stop(ch)
		close(done)
	}
}
