package host

import (
	"strconv"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

var flagSets = []struct {
	name   string
	fields []termField
	lf     func(*abi.Termios2) *uint32
	df     func(*DarwinTermios) *uint64
}{
	{"c_iflag", iflags, func(t *abi.Termios2) *uint32 { return &t.Iflag }, func(d *DarwinTermios) *uint64 { return &d.Iflag }},
	{"c_oflag", oflags, func(t *abi.Termios2) *uint32 { return &t.Oflag }, func(d *DarwinTermios) *uint64 { return &d.Oflag }},
	{"c_cflag", cflags, func(t *abi.Termios2) *uint32 { return &t.Cflag }, func(d *DarwinTermios) *uint64 { return &d.Cflag }},
	{"c_lflag", lflags, func(t *abi.Termios2) *uint32 { return &t.Lflag }, func(d *DarwinTermios) *uint64 { return &d.Lflag }},
}

func TestTermiosRows(t *testing.T) {
	for _, s := range flagSets {
		for _, f := range s.fields {
			if uint64(linuxVal(t, f.lname)) != f.lmask || uint64(darwinVal(t, f.dname)) != f.dmask {
				t.Errorf("%s: table %#x/%#x, headers %#x/%#x", f.lname, f.lmask, f.dmask, linuxVal(t, f.lname), darwinVal(t, f.dname))
			}
			for _, v := range f.vals {
				if uint64(linuxVal(t, v.lname)) != v.linux || uint64(darwinVal(t, v.dname)) != v.darwin {
					t.Errorf("%s: table %#x/%#x, headers %#x/%#x", v.lname, v.linux, v.darwin, linuxVal(t, v.lname), darwinVal(t, v.dname))
				}
			}
		}
	}
	for _, c := range ccIndex {
		if int64(c.linux) != linuxVal(t, c.name) || int64(c.darwin) != darwinVal(t, c.name) {
			t.Errorf("%s: table %d/%d, headers %d/%d", c.name, c.linux, c.darwin, linuxVal(t, c.name), darwinVal(t, c.name))
		}
	}
	for _, s := range linuxSpeeds {
		if int64(s.code) != linuxVal(t, s.name) {
			t.Errorf("%s: code %#x, header %#x", s.name, s.code, linuxVal(t, s.name))
		}
		if rate, _ := strconv.ParseUint(strings.TrimPrefix(s.name, "B"), 10, 64); rate != s.rate {
			t.Errorf("%s: rate %d", s.name, s.rate)
		}
		if d, ok := darwinSrc.consts[s.name]; ok && uint64(d) != s.rate {
			t.Errorf("darwin %s is %d, not the rate %d", s.name, d, s.rate)
		}
	}
	for _, r := range ttyIoctls {
		if uint64(linuxVal(t, r.lname)) != r.linux || uint64(darwinVal(t, r.dname)) != r.darwin {
			t.Errorf("%s/%s: table %#x/%#x, headers %#x/%#x", r.lname, r.dname, r.linux, r.darwin, linuxVal(t, r.lname), darwinVal(t, r.dname))
		}
		if got, ok := TtyIoctlToDarwin(uint32(r.linux)); !ok || uint64(got) != r.darwin {
			t.Errorf("%s → %#x %v", r.lname, got, ok)
		}
	}
	for _, c := range []struct{ l, d string }{{"TCGETS2", "TIOCGETA"}, {"TCSETS2", "TIOCSETA"}} {
		if got, ok := TtyIoctlToDarwin(uint32(linuxVal(t, c.l))); !ok || int64(got) != darwinVal(t, c.d) {
			t.Errorf("%s → %#x %v, want %s", c.l, got, ok, c.d)
		}
	}
}

func TestTermiosLayout(t *testing.T) {
	sameLayout(t, DarwinTermios{}, xstruct(t, darwinSrc, "Termios"), "DarwinTermios")
	if SizeofDarwinTermios != arm64Sizes.Sizeof(xstruct(t, darwinSrc, "Termios")) {
		t.Errorf("SizeofDarwinTermios = %d", SizeofDarwinTermios)
	}
	// struct winsize is the same on both: only the ioctl numbers differ.
	sameLayout(t, abi.Winsize{}, xstruct(t, darwinSrc, "Winsize"), "abi.Winsize vs darwin's")
}

// linuxBase is a quiet terminal: every c_cc slot set (0 means disabled on
// Linux), speeds at 38400.
func linuxBase(t *testing.T) abi.Termios2 {
	var l abi.Termios2
	for _, c := range ccIndex {
		l.Cc[c.linux] = byte(c.linux + 1)
	}
	l.Cflag = uint32(linuxVal(t, "B38400"))
	l.Ispeed, l.Ospeed = 38400, 38400
	return l
}

func TestTermiosFlags(t *testing.T) {
	cur := TermiosToDarwin(ptr(linuxBase(t)), &DarwinTermios{})
	for _, s := range flagSets {
		for _, f := range s.fields {
			vals := f.vals
			if vals == nil {
				vals = []termVal{{f.lname, f.dname, f.lmask, f.dmask}}
			}
			for _, v := range vals {
				l := linuxBase(t)
				*s.lf(&l) |= uint32(linuxVal(t, v.lname))
				d := TermiosToDarwin(&l, &cur)
				if got, want := *s.df(&d)&uint64(darwinVal(t, f.dname)), uint64(darwinVal(t, v.dname)); got != want {
					t.Errorf("%s %s → darwin %#x, want %s %#x", s.name, v.lname, got, v.dname, want)
				}
				back := TermiosFromDarwin(&d)
				if back != l {
					t.Errorf("%s %s: round trip\n got %+v\nwant %+v", s.name, v.lname, back, l)
				}
			}
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestTermiosCC(t *testing.T) {
	var d DarwinTermios
	d.Ospeed, d.Ispeed = 9600, 9600
	for i := range d.Cc {
		d.Cc[i] = 0xff // _POSIX_VDISABLE (sys/_posix_vdisable.h; not in x/sys/unix)
	}
	d.Cc[darwinVal(t, "VINTR")] = 3
	d.Cc[darwinVal(t, "VEOF")] = 4
	d.Cc[darwinVal(t, "VMIN")] = 1
	d.Cc[darwinVal(t, "VTIME")] = 0
	d.Cc[darwinVal(t, "VSTATUS")] = 20
	l := TermiosFromDarwin(&d)
	want := map[string]byte{"VINTR": 3, "VEOF": 4, "VMIN": 1, "VTIME": 0, "VQUIT": 0, "VSUSP": 0}
	for name, v := range want {
		if got := l.Cc[linuxVal(t, name)]; got != v {
			t.Errorf("Linux %s = %d, want %d", name, got, v)
		}
	}
	if l.Cc[linuxVal(t, "VSWTC")] != 0 {
		t.Error("VSWTC set")
	}
	back := TermiosToDarwin(&l, &d)
	if back != d {
		t.Errorf("round trip\n got %+v\nwant %+v", back, d)
	}
	// darwin-only slots and flags keep the host's values.
	d.Lflag |= uint64(darwinVal(t, "NOKERNINFO") | darwinVal(t, "ALTWERASE"))
	d.Cflag |= uint64(darwinVal(t, "CRTSCTS")) &^ (uint64(darwinVal(t, "CRTSCTS")) - 1) // CCTS_OFLOW, half of it
	back = TermiosToDarwin(&l, &d)
	if back.Cc[darwinVal(t, "VSTATUS")] != 20 || back.Lflag != d.Lflag || back.Cflag != d.Cflag {
		t.Errorf("darwin-only settings lost: %+v", back)
	}
	if TermiosFromDarwin(&d).Cflag&uint32(linuxVal(t, "CRTSCTS")) != 0 {
		t.Error("CCTS_OFLOW alone read as CRTSCTS")
	}
}

func TestTermiosSpeeds(t *testing.T) {
	cbaud, cibaud := uint32(linuxVal(t, "CBAUD")), uint32(linuxVal(t, "CIBAUD"))
	bother := uint32(linuxVal(t, "BOTHER"))
	for _, c := range []struct {
		in, out       uint64
		cbaud, cibaud uint32
	}{
		{9600, 9600, uint32(linuxVal(t, "B9600")), 0},
		{uint64(darwinVal(t, "B115200")), 115200, uint32(linuxVal(t, "B115200")), 0},
		{1200, 38400, uint32(linuxVal(t, "B38400")), uint32(linuxVal(t, "B1200"))},
		{uint64(darwinVal(t, "B7200")), 7200, bother, 0}, // no Linux code: BOTHER
		{250000, 250000, bother, 0},
		{0, 0, uint32(linuxVal(t, "B0")), 0},
	} {
		d := DarwinTermios{Ispeed: c.in, Ospeed: c.out}
		l := TermiosFromDarwin(&d)
		if l.Cflag&cbaud != c.cbaud || l.Cflag&cibaud != c.cibaud<<linuxVal(t, "IBSHIFT") ||
			uint64(l.Ispeed) != c.in || uint64(l.Ospeed) != c.out {
			t.Errorf("darwin %d/%d → cflag %#x speeds %d/%d", c.in, c.out, l.Cflag, l.Ispeed, l.Ospeed)
		}
		if back := TermiosToDarwin(&l, &DarwinTermios{}); back.Ispeed != c.in || back.Ospeed != c.out {
			t.Errorf("darwin %d/%d round trip: %d/%d", c.in, c.out, back.Ispeed, back.Ospeed)
		}
	}
	// TCSETS with a code overrides the old speed; with BOTHER it takes the
	// speeds given (the current ones, for TCSETS).
	cur := DarwinTermios{Ispeed: 300, Ospeed: 300}
	l := abi.Termios2{}
	l.Cflag = uint32(linuxVal(t, "B4000000"))
	if d := TermiosToDarwin(&l, &cur); d.Ospeed != 4000000 || d.Ispeed != 4000000 {
		t.Errorf("B4000000 → %d/%d", d.Ispeed, d.Ospeed)
	}
	l.Cflag, l.Ispeed, l.Ospeed = bother|bother<<linuxVal(t, "IBSHIFT"), 300, 300
	if d := TermiosToDarwin(&l, &cur); d.Ospeed != 300 || d.Ispeed != 300 {
		t.Errorf("BOTHER → %d/%d", d.Ispeed, d.Ospeed)
	}
}
