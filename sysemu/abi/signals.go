package abi

// More signal numbers (asm-generic/signal.h), siginfo codes
// (asm-generic/siginfo.h) and interval timers (linux/time.h).
const (
	SIGSTKFLT = 16
	SIGCONT   = 18
	SIGSTOP   = 19
	SIGTSTP   = 20
	SIGTTIN   = 21
	SIGTTOU   = 22
	SIGXCPU   = 24
	SIGXFSZ   = 25
	SIGVTALRM = 26
	SIGPROF   = 27
	SIGWINCH  = 28
	SIGIO     = 29
	SIGPWR    = 30
	SIGSYS    = 31
	// SIGRTMIN is the kernel's first real-time signal; glibc keeps 32 and
	// 33 for itself and reports 34 as SIGRTMIN.
	SIGRTMIN = 32

	SI_KERNEL  = 0x80
	SI_QUEUE   = -1
	SI_TIMER   = -2
	SI_MESGQ   = -3
	SI_ASYNCIO = -4
	SI_SIGIO   = -5

	// OffsetofSifields is where siginfo's union starts; the kernel keeps
	// (and copies out) SizeofKernelSiginfo bytes, the rest reads as zeros.
	OffsetofSifields    = 16
	SizeofKernelSiginfo = 48

	ITIMER_REAL    = 0
	ITIMER_VIRTUAL = 1
	ITIMER_PROF    = 2
	// SizeofItimerval is struct itimerval: two struct timeval of 16 bytes.
	SizeofItimerval = 32
)
