package host

import (
	"testing"

	"golang.org/x/sys/unix"
)

// On a darwin host x/sys/unix's own functions give darwin's answers.

func TestDarwinDevAgainstHost(t *testing.T) {
	for _, c := range []struct{ major, minor uint32 }{{1, 3}, {0xff, 0xffffff}, {16, 0x12345}} {
		d := int32(unix.Mkdev(c.major, c.minor))
		l := DevFromDarwin(d)
		if LinuxMajor(l) != uint64(unix.Major(uint64(d))) || LinuxMinor(l) != uint64(unix.Minor(uint64(d))) {
			t.Errorf("DevFromDarwin(%#x) = %d:%d", d, LinuxMajor(l), LinuxMinor(l))
		}
	}
}

func TestDarwinCmsgSpaceAgainstHost(t *testing.T) {
	for n := range 40 {
		if got, want := DarwinCmsgSpace(n), unix.CmsgSpace(n); got != want {
			t.Errorf("DarwinCmsgSpace(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestDarwinStatAgainstHost(t *testing.T) {
	var s unix.Stat_t
	if err := unix.Stat(".", &s); err != nil {
		t.Fatal(err)
	}
	var ds DarwinStat
	ds.Dev, ds.Mode, ds.Ino, ds.Rdev = s.Dev, s.Mode, s.Ino, s.Rdev
	if l := ds.Linux(); l.Mode&0o170000 != 0o040000 || l.Ino != s.Ino {
		t.Errorf("stat of . as Linux: %+v", l)
	}
}
