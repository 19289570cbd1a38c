package host

import "github.com/carrick-go/carrick/sysemu/abi"

// DarwinTermios is darwin's struct termios on arm64: tcflag_t and speed_t
// are unsigned long (8 bytes), c_cc has 20 entries, and the speeds are
// literal rates. 72 bytes; field names follow x/sys/unix's Termios.
type DarwinTermios struct {
	Iflag  uint64
	Oflag  uint64
	Cflag  uint64
	Lflag  uint64
	Cc     [20]uint8
	_      [4]byte
	Ispeed uint64
	Ospeed uint64
}

// SizeofDarwinTermios is sizeof(struct termios) on darwin arm64.
const SizeofDarwinTermios = 72

// darwin disables a c_cc entry with 0xff (sys/_posix_vdisable.h), Linux
// with 0. x/sys/unix does not carry it.
const vdisableDarwin = 0xff

// A termVal is one value of a multi-bit termios field (CS7 of CSIZE).
type termVal struct {
	lname, dname  string
	linux, darwin uint64
}

// A termField is a termios flag bit (vals nil: set exactly when all of its
// mask is) or a multi-bit field with its values, named as in the headers
// and checked by the tests.
type termField struct {
	lname, dname string
	lmask, dmask uint64
	vals         []termVal
}

func bit(name string, l, d uint64) termField { return termField{name, name, l, d, nil} }

// The flags that mean the same on both. Linux-only ones are dropped on the
// way to darwin and read as clear: IUCLC, OLCUC, XCASE, CMSPAR. darwin-only
// ones keep the host's setting when Linux's are applied: ONOEOT,
// ALTWERASE, NOKERNINFO, CIGNORE, MDMBUF, CDTR_IFLOW, CDSR_OFLOW, and
// CCTS_OFLOW (0x10000) or CRTS_IFLOW (0x20000) alone: Linux's CRTSCTS is
// the pair, darwin's CRTSCTS.
var (
	iflags = []termField{
		bit("IGNBRK", 0x1, 0x1), bit("BRKINT", 0x2, 0x2), bit("IGNPAR", 0x4, 0x4),
		bit("PARMRK", 0x8, 0x8), bit("INPCK", 0x10, 0x10), bit("ISTRIP", 0x20, 0x20),
		bit("INLCR", 0x40, 0x40), bit("IGNCR", 0x80, 0x80), bit("ICRNL", 0x100, 0x100),
		bit("IXON", 0x400, 0x200), bit("IXANY", 0x800, 0x800), bit("IXOFF", 0x1000, 0x400),
		bit("IMAXBEL", 0x2000, 0x2000), bit("IUTF8", 0x4000, 0x4000),
	}
	oflags = []termField{
		bit("OPOST", 0x1, 0x1), bit("ONLCR", 0x4, 0x2), bit("OCRNL", 0x8, 0x10),
		bit("ONOCR", 0x10, 0x20), bit("ONLRET", 0x20, 0x40), bit("OFILL", 0x40, 0x80),
		bit("OFDEL", 0x80, 0x20000),
		{"NLDLY", "NLDLY", 0x100, 0x300, []termVal{{"NL0", "NL0", 0, 0}, {"NL1", "NL1", 0x100, 0x100}}},
		{"CRDLY", "CRDLY", 0x600, 0x3000, []termVal{{"CR0", "CR0", 0, 0}, {"CR1", "CR1", 0x200, 0x1000},
			{"CR2", "CR2", 0x400, 0x2000}, {"CR3", "CR3", 0x600, 0x3000}}},
		// darwin's TAB3 is OXTABS, outside the TAB1/TAB2 bits.
		{"TABDLY", "TABDLY", 0x1800, 0xc04, []termVal{{"TAB0", "TAB0", 0, 0}, {"TAB1", "TAB1", 0x800, 0x400},
			{"TAB2", "TAB2", 0x1000, 0x800}, {"TAB3", "OXTABS", 0x1800, 0x4}}},
		{"BSDLY", "BSDLY", 0x2000, 0x8000, []termVal{{"BS0", "BS0", 0, 0}, {"BS1", "BS1", 0x2000, 0x8000}}},
		{"VTDLY", "VTDLY", 0x4000, 0x10000, []termVal{{"VT0", "VT0", 0, 0}, {"VT1", "VT1", 0x4000, 0x10000}}},
		{"FFDLY", "FFDLY", 0x8000, 0x4000, []termVal{{"FF0", "FF0", 0, 0}, {"FF1", "FF1", 0x8000, 0x4000}}},
	}
	cflags = []termField{
		{"CSIZE", "CSIZE", 0x30, 0x300, []termVal{{"CS5", "CS5", 0, 0}, {"CS6", "CS6", 0x10, 0x100},
			{"CS7", "CS7", 0x20, 0x200}, {"CS8", "CS8", 0x30, 0x300}}},
		bit("CSTOPB", 0x40, 0x400), bit("CREAD", 0x80, 0x800), bit("PARENB", 0x100, 0x1000),
		bit("PARODD", 0x200, 0x2000), bit("HUPCL", 0x400, 0x4000), bit("CLOCAL", 0x800, 0x8000),
		bit("CRTSCTS", 0x80000000, 0x30000),
	}
	lflags = []termField{
		bit("ISIG", 0x1, 0x80), bit("ICANON", 0x2, 0x100), bit("ECHO", 0x8, 0x8),
		bit("ECHOE", 0x10, 0x2), bit("ECHOK", 0x20, 0x4), bit("ECHONL", 0x40, 0x10),
		bit("NOFLSH", 0x80, 0x80000000), bit("TOSTOP", 0x100, 0x400000), bit("ECHOCTL", 0x200, 0x40),
		bit("ECHOPRT", 0x400, 0x20), bit("ECHOKE", 0x800, 0x1), bit("FLUSHO", 0x1000, 0x800000),
		bit("PENDIN", 0x4000, 0x20000000), bit("IEXTEN", 0x8000, 0x400), bit("EXTPROC", 0x10000, 0x800),
	}
)

// ccIndex pairs the c_cc slots; Linux's VSWTC (7) is Linux's alone, and
// darwin's VDSUSP (11) and VSTATUS (18, the ^T of SIGINFO) darwin's.
// VMIN and VTIME hold numbers, the rest characters.
var ccIndex = [...]struct {
	name          string
	linux, darwin int
}{
	{"VINTR", 0, 8}, {"VQUIT", 1, 9}, {"VERASE", 2, 3}, {"VKILL", 3, 5},
	{"VEOF", 4, 0}, {"VTIME", 5, 17}, {"VMIN", 6, 16}, {"VSTART", 8, 12},
	{"VSTOP", 9, 13}, {"VSUSP", 10, 10}, {"VEOL", 11, 1}, {"VREPRINT", 12, 6},
	{"VDISCARD", 13, 15}, {"VWERASE", 14, 4}, {"VLNEXT", 15, 14}, {"VEOL2", 16, 2},
}

// Linux's speed codes in c_cflag (CBAUD, and CIBAUD for a different input
// speed); BOTHER means "the rate is in c_ispeed/c_ospeed" (termios2).
// darwin's speed_t is the rate itself.
const (
	linuxCBAUD   = 0x100f
	linuxCIBAUD  = 0x100f0000
	linuxIBSHIFT = 16
	linuxBOTHER  = 0x1000
)

var linuxSpeeds = [...]struct {
	name string
	code uint32
	rate uint64
}{
	{"B0", 0x0, 0}, {"B50", 0x1, 50}, {"B75", 0x2, 75}, {"B110", 0x3, 110},
	{"B134", 0x4, 134}, {"B150", 0x5, 150}, {"B200", 0x6, 200}, {"B300", 0x7, 300},
	{"B600", 0x8, 600}, {"B1200", 0x9, 1200}, {"B1800", 0xa, 1800}, {"B2400", 0xb, 2400},
	{"B4800", 0xc, 4800}, {"B9600", 0xd, 9600}, {"B19200", 0xe, 19200}, {"B38400", 0xf, 38400},
	{"B57600", 0x1001, 57600}, {"B115200", 0x1002, 115200}, {"B230400", 0x1003, 230400},
	{"B460800", 0x1004, 460800}, {"B500000", 0x1005, 500000}, {"B576000", 0x1006, 576000},
	{"B921600", 0x1007, 921600}, {"B1000000", 0x1008, 1000000}, {"B1152000", 0x1009, 1152000},
	{"B1500000", 0x100a, 1500000}, {"B2000000", 0x100b, 2000000}, {"B2500000", 0x100c, 2500000},
	{"B3000000", 0x100d, 3000000}, {"B3500000", 0x100e, 3500000}, {"B4000000", 0x100f, 4000000},
}

// speedCode is Linux's code for a rate, or BOTHER for one without.
func speedCode(rate uint64) uint32 {
	for _, s := range linuxSpeeds {
		if s.rate == rate {
			return s.code
		}
	}
	return linuxBOTHER
}

// speedRate is the rate of a Linux code masked by CBAUD (every one has a
// rate, BOTHER's being other).
func speedRate(code uint32, other uint32) uint64 {
	for _, s := range linuxSpeeds {
		if s.code == code {
			return s.rate
		}
	}
	return uint64(other)
}

func flagsToDarwin(l, cur uint64, fields []termField) uint64 {
	d := cur
	for _, f := range fields {
		if f.vals == nil && cur&f.dmask != f.dmask {
			continue // clear, or a darwin-only part of it (CCTS_OFLOW alone): keep
		}
		d &^= f.dmask
	}
	for _, f := range fields {
		v := l & f.lmask
		if f.vals == nil {
			if v == f.lmask {
				d |= f.dmask
			}
			continue
		}
		for _, tv := range f.vals {
			if tv.linux == v {
				d |= tv.darwin
			}
		}
	}
	return d
}

func flagsFromDarwin(d uint64, fields []termField) uint64 {
	var l uint64
	for _, f := range fields {
		v := d & f.dmask
		if f.vals == nil {
			if v == f.dmask {
				l |= f.lmask
			}
			continue
		}
		for _, tv := range f.vals {
			if tv.darwin == v {
				l |= tv.linux
			}
		}
	}
	return l
}

// TermiosFromDarwin converts darwin's termios to Linux's termios2, as
// TCGETS2 reports it: the output speed's code in CBAUD, the input speed's
// in CIBAUD only when it differs (B0 there means "same as output"), a rate
// without a code as BOTHER, and both rates in Ispeed/Ospeed.
func TermiosFromDarwin(d *DarwinTermios) abi.Termios2 {
	var t abi.Termios2
	t.Iflag = uint32(flagsFromDarwin(d.Iflag, iflags))
	t.Oflag = uint32(flagsFromDarwin(d.Oflag, oflags))
	t.Cflag = uint32(flagsFromDarwin(d.Cflag, cflags)) | speedCode(d.Ospeed)
	if d.Ispeed != d.Ospeed {
		t.Cflag |= speedCode(d.Ispeed) << linuxIBSHIFT
	}
	t.Lflag = uint32(flagsFromDarwin(d.Lflag, lflags))
	t.Ispeed, t.Ospeed = uint32(d.Ispeed), uint32(d.Ospeed)
	for _, c := range ccIndex {
		v := d.Cc[c.darwin]
		if v == vdisableDarwin && c.name != "VMIN" && c.name != "VTIME" {
			v = 0
		}
		t.Cc[c.linux] = v
	}
	return t
}

// TermiosToDarwin applies Linux's termios t over cur, the host's current
// termios, whose darwin-only flags and c_cc slots it keeps. Speeds come
// from t's CBAUD/CIBAUD codes, with BOTHER from t.Ospeed/t.Ispeed (TCSETS
// has no speed fields: pass cur's there, as Linux's kernel keeps them).
func TermiosToDarwin(t *abi.Termios2, cur *DarwinTermios) DarwinTermios {
	d := *cur
	d.Iflag = flagsToDarwin(uint64(t.Iflag), cur.Iflag, iflags)
	d.Oflag = flagsToDarwin(uint64(t.Oflag), cur.Oflag, oflags)
	d.Cflag = flagsToDarwin(uint64(t.Cflag), cur.Cflag, cflags)
	d.Lflag = flagsToDarwin(uint64(t.Lflag), cur.Lflag, lflags)
	d.Ospeed = speedRate(t.Cflag&linuxCBAUD, t.Ospeed)
	d.Ispeed = d.Ospeed // B0 in CIBAUD: input as output
	if icode := (t.Cflag & linuxCIBAUD) >> linuxIBSHIFT; icode != 0 {
		d.Ispeed = speedRate(icode, t.Ispeed)
	}
	for _, c := range ccIndex {
		v := t.Cc[c.linux]
		if v == 0 && c.name != "VMIN" && c.name != "VTIME" {
			v = vdisableDarwin
		}
		d.Cc[c.darwin] = v
	}
	return d
}

// Terminal ioctl requests: darwin encodes size and direction in the
// number (sys/ttycom.h). struct winsize is the same 8 bytes on both.
var ttyIoctls = [...]struct {
	lname, dname  string
	linux, darwin uint64
}{
	{"TCGETS", "TIOCGETA", 0x5401, 0x40487413},
	{"TCSETS", "TIOCSETA", 0x5402, 0x80487414},
	{"TCSETSW", "TIOCSETAW", 0x5403, 0x80487415},
	{"TCSETSF", "TIOCSETAF", 0x5404, 0x80487416},
	{"TIOCGPGRP", "TIOCGPGRP", 0x540f, 0x40047477},
	{"TIOCSPGRP", "TIOCSPGRP", 0x5410, 0x80047476},
	{"TIOCGWINSZ", "TIOCGWINSZ", 0x5413, 0x40087468},
	{"TIOCSWINSZ", "TIOCSWINSZ", 0x5414, 0x80087467},
}

// TtyIoctlToDarwin returns darwin's request for a Linux terminal ioctl.
// TCGETS2/TCSETS2 are TCGETS/TCSETS with speeds, which darwin's termios
// always carries; ok is false for a request not in the table.
func TtyIoctlToDarwin(req uint32) (uint, bool) {
	switch req {
	case abi.TCGETS2:
		req = abi.TCGETS
	case abi.TCSETS2:
		req = abi.TCSETS
	}
	for _, r := range ttyIoctls {
		if r.linux == uint64(req) {
			return uint(r.darwin), true
		}
	}
	return 0, false
}
