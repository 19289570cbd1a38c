package host

import (
	"encoding/binary"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// DarwinTimespec is darwin's struct timespec on arm64.
type DarwinTimespec struct {
	Sec  int64
	Nsec int64
}

// DarwinStat is darwin's struct stat on arm64 (the 64-bit-inode layout
// that libc calls stat64 and arm64 always uses): 144 bytes. Field names
// follow x/sys/unix's Stat_t, whose layout the tests hold it to.
type DarwinStat struct {
	Dev     int32 // dev_t: major<<24 | minor
	Mode    uint16
	Nlink   uint16
	Ino     uint64
	Uid     uint32
	Gid     uint32
	Rdev    int32
	_       int32
	Atim    DarwinTimespec
	Mtim    DarwinTimespec
	Ctim    DarwinTimespec
	Btim    DarwinTimespec // birth time; Linux reports it only through statx
	Size    int64
	Blocks  int64 // 512-byte blocks, as on Linux
	Blksize int32
	Flags   uint32 // chflags(2) flags: no struct stat field on Linux
	Gen     uint32
	Lspare  int32
	Qspare  [2]int64
}

// SizeofDarwinStat is sizeof(struct stat) on darwin arm64.
const SizeofDarwinStat = 144

// Linux returns s as Linux's struct stat. The S_IF* type bits and the
// permission bits of st_mode are the same on both; darwin's S_IFWHT
// (whiteout, 0160000) has no Linux meaning and never reaches a guest from
// an APFS volume. Device numbers are re-encoded (DevFromDarwin).
func (s *DarwinStat) Linux() abi.Stat {
	return abi.Stat{
		Dev: DevFromDarwin(s.Dev), Ino: s.Ino, Mode: uint32(s.Mode), Nlink: uint32(s.Nlink),
		UID: s.Uid, GID: s.Gid, Rdev: DevFromDarwin(s.Rdev), Size: s.Size,
		Blksize: s.Blksize, Blocks: s.Blocks,
		Atime: s.Atim.Sec, AtimeNsec: uint64(s.Atim.Nsec),
		Mtime: s.Mtim.Sec, MtimeNsec: uint64(s.Mtim.Nsec),
		Ctime: s.Ctim.Sec, CtimeNsec: uint64(s.Ctim.Nsec),
	}
}

// DevFromDarwin converts a darwin dev_t (8-bit major above a 24-bit
// minor) to Linux's encoding (glibc's makedev: 12+20-bit major, 8+24-bit
// minor split around each other).
func DevFromDarwin(d int32) uint64 {
	major, minor := uint64(uint32(d)>>24), uint64(uint32(d)&0xffffff)
	return LinuxMkdev(major, minor)
}

// DevToDarwin converts a Linux dev_t to darwin's; ok is false when the
// major exceeds 8 bits or the minor 24.
func DevToDarwin(dev uint64) (d int32, ok bool) {
	major, minor := LinuxMajor(dev), LinuxMinor(dev)
	if major > 0xff || minor > 0xffffff {
		return 0, false
	}
	return int32(uint32(major<<24 | minor)), true
}

// LinuxMkdev encodes a Linux dev_t as glibc's makedev does.
func LinuxMkdev(major, minor uint64) uint64 {
	return minor&0xff | (major&0xfff)<<8 | (minor&^0xff)<<12 | (major&^0xfff)<<32
}

// LinuxMajor is the major number of a Linux dev_t.
func LinuxMajor(dev uint64) uint64 { return dev>>8&0xfff | dev>>32&0xfffff000 }

// LinuxMinor is the minor number of a Linux dev_t.
func LinuxMinor(dev uint64) uint64 { return dev&0xff | dev>>12&0xffffff00 }

// darwin's struct dirent with 64-bit inodes (what getdirentries64 and
// readdir return on arm64): ino u64, seekoff u64, reclen u16, namlen u16,
// type u8, then name[1024]. Its d_type values (DT_FIFO 1 … DT_SOCK 12,
// DT_WHT 14) are Linux's, so they pass unchanged.
const (
	direntSeekoffOff = 8
	direntReclenOff  = 16
	direntNamlenOff  = 18
	direntTypeOff    = 20
	direntNameOff    = 21
	direntNameMax    = 1024
)

// DarwinDirent is one parsed darwin directory entry.
type DarwinDirent struct {
	Ino     uint64
	Seekoff uint64
	Type    uint8 // a Linux DT_* value: the numbers are the same
	Name    string
}

// ParseDarwinDirent decodes the darwin dirent at the start of b and
// returns it with its record length; ok is false if b does not hold a
// whole, consistent record.
func ParseDarwinDirent(b []byte) (d DarwinDirent, reclen int, ok bool) {
	if len(b) < direntNameOff {
		return d, 0, false
	}
	le := binary.LittleEndian
	reclen = int(le.Uint16(b[direntReclenOff:]))
	namlen := int(le.Uint16(b[direntNamlenOff:]))
	if namlen >= direntNameMax || reclen < direntNameOff+namlen || reclen > len(b) {
		return d, 0, false
	}
	d = DarwinDirent{
		Ino:     le.Uint64(b),
		Seekoff: le.Uint64(b[direntSeekoffOff:]),
		Type:    b[direntTypeOff],
		Name:    string(b[direntNameOff : direntNameOff+namlen]),
	}
	return d, reclen, true
}
