package host

import (
	"testing"

	"golang.org/x/sys/unix"
)

// On a Linux host x/sys/unix's own functions give Linux's answers.

func TestLinuxMkdevAgainstHost(t *testing.T) {
	for _, c := range []struct{ major, minor uint32 }{{1, 3}, {0xfff, 0xff}, {0x1000, 0x100}, {0xfffff, 0xfffff}, {259, 123456}} {
		want := unix.Mkdev(c.major, c.minor)
		if got := LinuxMkdev(uint64(c.major), uint64(c.minor)); got != want {
			t.Errorf("LinuxMkdev(%d, %d) = %#x, want %#x", c.major, c.minor, got, want)
		}
		if LinuxMajor(want) != uint64(unix.Major(want)) || LinuxMinor(want) != uint64(unix.Minor(want)) {
			t.Errorf("LinuxMajor/Minor(%#x) = %d:%d", want, LinuxMajor(want), LinuxMinor(want))
		}
	}
}

func TestLinuxCmsgSpaceAgainstHost(t *testing.T) {
	for n := range 40 {
		if got, want := LinuxCmsgSpace(n), unix.CmsgSpace(n); got != want {
			t.Errorf("LinuxCmsgSpace(%d) = %d, want %d", n, got, want)
		}
	}
}
