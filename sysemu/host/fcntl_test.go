package host

import (
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// flagsBoth are the open flags both systems have, by name.
var flagsBoth = []string{"O_NONBLOCK", "O_APPEND", "O_ASYNC", "O_NOFOLLOW", "O_CREAT", "O_TRUNC",
	"O_EXCL", "O_NOCTTY", "O_DIRECTORY", "O_CLOEXEC", "O_DSYNC", "O_SYNC"}

func TestOpenFlags(t *testing.T) {
	for _, acc := range []string{"O_RDONLY", "O_WRONLY", "O_RDWR"} {
		la, da := uint32(linuxVal(t, acc)), uint32(darwinVal(t, acc))
		for _, name := range flagsBoth {
			l, d := uint32(linuxVal(t, name)), uint32(darwinVal(t, name))
			got, unsup := OpenFlagsToDarwin(la | l)
			if got != da|d || unsup != 0 {
				t.Errorf("%s|%s → darwin %#x (unsupported %#x), want %#x", acc, name, got, unsup, da|d)
			}
			if back := OpenFlagsFromDarwin(da | d); back != la|l {
				t.Errorf("darwin %s|%s → Linux %#x, want %#x", acc, name, back, la|l)
			}
		}
	}
	// All at once (O_SYNC includes O_DSYNC's bit on Linux: leave it out).
	var l, d uint32
	for _, name := range flagsBoth[:len(flagsBoth)-1] {
		l |= uint32(linuxVal(t, name))
		d |= uint32(darwinVal(t, name))
	}
	l |= uint32(linuxVal(t, "O_RDWR"))
	d |= uint32(darwinVal(t, "O_RDWR"))
	if got, unsup := OpenFlagsToDarwin(l); got != d || unsup != 0 {
		t.Errorf("all flags → %#x (%#x), want %#x", got, unsup, d)
	}
	if back := OpenFlagsFromDarwin(d); back != l {
		t.Errorf("all flags back → %#x, want %#x", back, l)
	}
}

func TestOpenFlagsLinuxOnly(t *testing.T) {
	rdwr := uint32(linuxVal(t, "O_RDWR"))
	for _, name := range []string{"O_DIRECT", "O_NOATIME", "O_PATH", "O_TMPFILE"} {
		f := uint32(linuxVal(t, name))
		got, unsup := OpenFlagsToDarwin(rdwr | f)
		if unsup != f || got != uint32(darwinVal(t, "O_RDWR")) {
			t.Errorf("%s → darwin %#x, unsupported %#x; want O_RDWR and %#x", name, got, unsup, f)
		}
	}
	// O_TMPFILE's O_DIRECTORY bit alone is just O_DIRECTORY.
	if got, unsup := OpenFlagsToDarwin(abi.O_DIRECTORY); unsup != 0 || got != uint32(darwinVal(t, "O_DIRECTORY")) {
		t.Errorf("O_DIRECTORY → %#x (%#x)", got, unsup)
	}
	if got, unsup := OpenFlagsToDarwin(abi.O_LARGEFILE); got != 0 || unsup != 0 {
		t.Errorf("O_LARGEFILE → %#x (%#x), want it dropped", got, unsup)
	}
	if _, unsup := OpenFlagsToDarwin(1 << 30); unsup != 1<<30 {
		t.Errorf("an unknown bit is not reported: %#x", unsup)
	}
	// __O_SYNC without O_DSYNC's bit is still O_SYNC.
	if got, _ := OpenFlagsToDarwin(abi.O_SYNC &^ abi.O_DSYNC); got != uint32(darwinVal(t, "O_SYNC")) {
		t.Errorf("__O_SYNC → %#x", got)
	}
}
