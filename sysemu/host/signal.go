package host

import "github.com/carrick-go/carrick/sysemu/abi"

// darwin's signal numbers (sys/signal.h). 1–6, 8, 9, 11, 13–15 and 24–28
// agree with Linux; the rest moved. SIGEMT and SIGINFO exist only on
// darwin; SIGSTKFLT, SIGPWR and the real-time signals only on Linux.
// SIGCHLD's si_code values (CLD_EXITED 1 … CLD_CONTINUED 6) are the same
// on both, so they need no table.
const (
	darwinSIGHUP    = 1
	darwinSIGINT    = 2
	darwinSIGQUIT   = 3
	darwinSIGILL    = 4
	darwinSIGTRAP   = 5
	darwinSIGABRT   = 6
	darwinSIGEMT    = 7
	darwinSIGFPE    = 8
	darwinSIGKILL   = 9
	darwinSIGBUS    = 10
	darwinSIGSEGV   = 11
	darwinSIGSYS    = 12
	darwinSIGPIPE   = 13
	darwinSIGALRM   = 14
	darwinSIGTERM   = 15
	darwinSIGURG    = 16
	darwinSIGSTOP   = 17
	darwinSIGTSTP   = 18
	darwinSIGCONT   = 19
	darwinSIGCHLD   = 20
	darwinSIGTTIN   = 21
	darwinSIGTTOU   = 22
	darwinSIGIO     = 23
	darwinSIGXCPU   = 24
	darwinSIGXFSZ   = 25
	darwinSIGVTALRM = 26
	darwinSIGPROF   = 27
	darwinSIGWINCH  = 28
	darwinSIGINFO   = 29
	darwinSIGUSR1   = 30
	darwinSIGUSR2   = 31
)

// signalToDarwin is indexed by Linux signal number; 0 means darwin has
// none. Linux's SIGPOLL is SIGIO, SIGIOT is SIGABRT.
var signalToDarwin = [abi.SIGSYS + 1]int{
	abi.SIGHUP: darwinSIGHUP, abi.SIGINT: darwinSIGINT, abi.SIGQUIT: darwinSIGQUIT,
	abi.SIGILL: darwinSIGILL, abi.SIGTRAP: darwinSIGTRAP, abi.SIGABRT: darwinSIGABRT,
	abi.SIGBUS: darwinSIGBUS, abi.SIGFPE: darwinSIGFPE, abi.SIGKILL: darwinSIGKILL,
	abi.SIGUSR1: darwinSIGUSR1, abi.SIGSEGV: darwinSIGSEGV, abi.SIGUSR2: darwinSIGUSR2,
	abi.SIGPIPE: darwinSIGPIPE, abi.SIGALRM: darwinSIGALRM, abi.SIGTERM: darwinSIGTERM,
	abi.SIGCHLD: darwinSIGCHLD, abi.SIGCONT: darwinSIGCONT, abi.SIGSTOP: darwinSIGSTOP,
	abi.SIGTSTP: darwinSIGTSTP, abi.SIGTTIN: darwinSIGTTIN, abi.SIGTTOU: darwinSIGTTOU,
	abi.SIGURG: darwinSIGURG, abi.SIGXCPU: darwinSIGXCPU, abi.SIGXFSZ: darwinSIGXFSZ,
	abi.SIGVTALRM: darwinSIGVTALRM, abi.SIGPROF: darwinSIGPROF, abi.SIGWINCH: darwinSIGWINCH,
	abi.SIGIO: darwinSIGIO, abi.SIGSYS: darwinSIGSYS,
}

// signalFromDarwin inverts signalToDarwin.
var signalFromDarwin = func() (m [darwinSIGUSR2 + 1]int) {
	for l, d := range signalToDarwin {
		if d != 0 {
			m[d] = l
		}
	}
	return m
}()

// SignalToDarwin returns darwin's number for Linux signal sig; ok is false
// for SIGSTKFLT, SIGPWR, the real-time signals and anything out of range.
func SignalToDarwin(sig int) (d int, ok bool) {
	if sig <= 0 || sig >= len(signalToDarwin) {
		return 0, false
	}
	d = signalToDarwin[sig]
	return d, d != 0
}

// SignalFromDarwin returns Linux's number for darwin signal d; ok is false
// for SIGEMT and SIGINFO, which Linux lacks, and anything out of range.
func SignalFromDarwin(d int) (sig int, ok bool) {
	if d <= 0 || d >= len(signalFromDarwin) {
		return 0, false
	}
	sig = signalFromDarwin[d]
	return sig, sig != 0
}
