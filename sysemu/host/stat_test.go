package host

import (
	"encoding/binary"
	"testing"
	"unsafe"

	"github.com/carrick-go/carrick/sysemu/abi"
)

func TestDarwinStatLayout(t *testing.T) {
	sameLayout(t, DarwinStat{}, xstruct(t, darwinSrc, "Stat_t"), "DarwinStat")
	sameLayout(t, DarwinTimespec{}, xstruct(t, darwinSrc, "Timespec"), "DarwinTimespec")
	if unsafe.Sizeof(DarwinStat{}) != SizeofDarwinStat {
		t.Errorf("SizeofDarwinStat %d, struct %d", SizeofDarwinStat, unsafe.Sizeof(DarwinStat{}))
	}
}

func TestModeBitsShared(t *testing.T) {
	for _, name := range []string{"S_IFMT", "S_IFSOCK", "S_IFLNK", "S_IFREG", "S_IFBLK", "S_IFDIR",
		"S_IFCHR", "S_IFIFO", "S_ISUID", "S_ISGID", "S_ISVTX"} {
		if d, l := darwinVal(t, name), linuxVal(t, name); d != l {
			t.Errorf("%s: darwin %#o, Linux %#o: st_mode needs a translation", name, d, l)
		}
	}
}

func TestStatLinux(t *testing.T) {
	s := DarwinStat{
		Dev: 1<<24 | 5, Mode: uint16(linuxVal(t, "S_IFCHR")) | 0o620, Nlink: 3, Ino: 1 << 40,
		Uid: 501, Gid: 20, Rdev: 16<<24 | 0x12345,
		Atim: DarwinTimespec{1, 2}, Mtim: DarwinTimespec{3, 4}, Ctim: DarwinTimespec{5, 6},
		Btim: DarwinTimespec{7, 8}, Size: 1 << 33, Blocks: 99, Blksize: 4096,
	}
	l := s.Linux()
	want := abi.Stat{
		Dev: LinuxMkdev(1, 5), Ino: 1 << 40, Mode: uint32(s.Mode), Nlink: 3, UID: 501, GID: 20,
		Rdev: LinuxMkdev(16, 0x12345), Size: 1 << 33, Blksize: 4096, Blocks: 99,
		Atime: 1, AtimeNsec: 2, Mtime: 3, MtimeNsec: 4, Ctime: 5, CtimeNsec: 6,
	}
	if l != want {
		t.Errorf("Linux() = %+v\nwant       %+v", l, want)
	}
}

func TestDev(t *testing.T) {
	for _, c := range []struct{ major, minor uint64 }{{0, 0}, {1, 3}, {0xff, 0xffffff}, {16, 0x100}, {0x12, 0xabcdef}} {
		d := int32(uint32(c.major<<24 | c.minor))
		l := DevFromDarwin(d)
		if LinuxMajor(l) != c.major || LinuxMinor(l) != c.minor {
			t.Errorf("darwin %d:%d → Linux %#x = %d:%d", c.major, c.minor, l, LinuxMajor(l), LinuxMinor(l))
		}
		if back, ok := DevToDarwin(l); !ok || back != d {
			t.Errorf("round trip of %d:%d: %#x %v", c.major, c.minor, back, ok)
		}
	}
	for _, c := range []struct{ major, minor uint64 }{{0xfff, 0xff}, {0x1000, 0x100}, {0xfffff, 0xffffffff}} {
		l := LinuxMkdev(c.major, c.minor)
		if LinuxMajor(l) != c.major || LinuxMinor(l) != c.minor {
			t.Errorf("Linux %d:%d → %#x → %d:%d", c.major, c.minor, l, LinuxMajor(l), LinuxMinor(l))
		}
	}
	for _, c := range []struct{ major, minor uint64 }{{0x100, 0}, {1, 0x1000000}, {0xfffff, 1}} {
		if d, ok := DevToDarwin(LinuxMkdev(c.major, c.minor)); ok {
			t.Errorf("Linux %d:%d fits darwin as %#x", c.major, c.minor, d)
		}
	}
}

func TestDirTypesShared(t *testing.T) {
	for _, name := range []string{"DT_UNKNOWN", "DT_FIFO", "DT_CHR", "DT_DIR", "DT_BLK", "DT_REG", "DT_LNK", "DT_SOCK", "DT_WHT"} {
		if d, l := darwinVal(t, name), linuxVal(t, name); d != l {
			t.Errorf("%s: darwin %d, Linux %d: d_type needs a translation", name, d, l)
		}
	}
}

// direntRecord lays out a darwin dirent by x/sys/unix's Dirent offsets.
func direntRecord(t *testing.T, ino, seekoff uint64, typ uint8, name string, reclen int) []byte {
	st := xstruct(t, darwinSrc, "Dirent")
	b := make([]byte, reclen)
	le := binary.LittleEndian
	off, _ := field(t, st, "Ino")
	le.PutUint64(b[off:], ino)
	off, _ = field(t, st, "Seekoff")
	le.PutUint64(b[off:], seekoff)
	off, _ = field(t, st, "Reclen")
	le.PutUint16(b[off:], uint16(reclen))
	off, _ = field(t, st, "Namlen")
	le.PutUint16(b[off:], uint16(len(name)))
	off, _ = field(t, st, "Type")
	b[off] = typ
	off, _ = field(t, st, "Name")
	copy(b[off:], name)
	return b
}

func TestParseDarwinDirent(t *testing.T) {
	reg := uint8(darwinVal(t, "DT_REG"))
	a := direntRecord(t, 42, 7, reg, "hello.txt", 40)
	b := direntRecord(t, 1<<50, 8, uint8(darwinVal(t, "DT_DIR")), "..", 32)
	buf := append(a, b...)
	d, n, ok := ParseDarwinDirent(buf)
	if !ok || n != 40 || d != (DarwinDirent{Ino: 42, Seekoff: 7, Type: reg, Name: "hello.txt"}) {
		t.Fatalf("first: %+v %d %v", d, n, ok)
	}
	d, n, ok = ParseDarwinDirent(buf[n:])
	if !ok || n != 32 || d.Name != ".." || d.Ino != 1<<50 || d.Type != uint8(linuxVal(t, "DT_DIR")) {
		t.Fatalf("second: %+v %d %v", d, n, ok)
	}
	for _, bad := range [][]byte{a[:20], a[:39], direntRecord(t, 1, 1, reg, "a-long-name", 24)} {
		if d, _, ok := ParseDarwinDirent(bad); ok {
			t.Errorf("a broken record parsed: %+v", d)
		}
	}
}
