package abi

import (
	"encoding/binary"
	"unsafe"
)

// Struct layouts of the arm64 Linux ABI. Each Go struct mirrors the kernel's
// field for field, with explicit padding, so that its size and offsets equal
// the kernel's on every host (asserted in structs_test.go). Bytes encodes a
// struct in guest (little-endian) byte order for copying out.

// Stat is struct stat (asm-generic/stat.h), 128 bytes: what fstat, stat and
// newfstatat return on arm64.
type Stat struct {
	Dev       uint64
	Ino       uint64
	Mode      uint32
	Nlink     uint32
	UID       uint32
	GID       uint32
	Rdev      uint64
	_         uint64 // __pad1
	Size      int64
	Blksize   int32
	_         int32 // __pad2
	Blocks    int64
	Atime     int64
	AtimeNsec uint64
	Mtime     int64
	MtimeNsec uint64
	Ctime     int64
	CtimeNsec uint64
	_         [2]uint32 // __unused4, __unused5
}

// SizeofStat is sizeof(struct stat) on arm64.
const SizeofStat = 128

// StatxTimestamp is struct statx_timestamp, 16 bytes.
type StatxTimestamp struct {
	Sec  int64
	Nsec uint32
	_    int32
}

// Statx is struct statx (uapi/linux/stat.h), 256 bytes.
type Statx struct {
	Mask           uint32
	Blksize        uint32
	Attributes     uint64
	Nlink          uint32
	UID            uint32
	GID            uint32
	Mode           uint16
	_              uint16
	Ino            uint64
	Size           uint64
	Blocks         uint64
	AttributesMask uint64
	Atime          StatxTimestamp
	Btime          StatxTimestamp
	Ctime          StatxTimestamp
	Mtime          StatxTimestamp
	RdevMajor      uint32
	RdevMinor      uint32
	DevMajor       uint32
	DevMinor       uint32
	MntID          uint64
	DioMemAlign    uint32
	DioOffsetAlign uint32
	_              [12]uint64
}

// SizeofStatx is sizeof(struct statx).
const SizeofStatx = 256

// statx mask bits.
const (
	STATX_TYPE        = 0x1
	STATX_MODE        = 0x2
	STATX_NLINK       = 0x4
	STATX_UID         = 0x8
	STATX_GID         = 0x10
	STATX_ATIME       = 0x20
	STATX_MTIME       = 0x40
	STATX_CTIME       = 0x80
	STATX_INO         = 0x100
	STATX_SIZE        = 0x200
	STATX_BLOCKS      = 0x400
	STATX_BASIC_STATS = 0x7ff
	STATX_BTIME       = 0x800
	STATX_MNT_ID      = 0x1000
)

// Termios is struct termios as the TCGETS/TCSETS ioctls use it on arm64
// (asm-generic/termbits.h): 36 bytes, no speed fields.
type Termios struct {
	Iflag uint32
	Oflag uint32
	Cflag uint32
	Lflag uint32
	Line  uint8
	Cc    [19]uint8 // NCCS = 19
}

// SizeofTermios is sizeof(struct termios) for TCGETS on arm64.
const SizeofTermios = 36

// Termios2 is struct termios2 (TCGETS2/TCSETS2): termios plus speeds, 44 bytes.
type Termios2 struct {
	Termios
	Ispeed uint32
	Ospeed uint32
}

// SizeofTermios2 is sizeof(struct termios2).
const SizeofTermios2 = 44

// Winsize is struct winsize (TIOCGWINSZ).
type Winsize struct {
	Row    uint16
	Col    uint16
	Xpixel uint16
	Ypixel uint16
}

// Dirent64Header is the fixed part of struct linux_dirent64; the
// NUL-terminated name follows, and each record is padded to 8 bytes.
type Dirent64Header struct {
	Ino    uint64
	Off    int64
	Reclen uint16
	Type   uint8
}

// SizeofDirent64Header is offsetof(struct linux_dirent64, d_name).
const SizeofDirent64Header = 19

// Timespec is struct timespec (64-bit time).
type Timespec struct {
	Sec  int64
	Nsec int64
}

// Timeval is struct timeval.
type Timeval struct {
	Sec  int64
	Usec int64
}

// Rlimit is struct rlimit64.
type Rlimit struct {
	Cur uint64
	Max uint64
}

// RLIM_INFINITY is the "no limit" value.
const RLIM_INFINITY = ^uint64(0)

// Utsname is struct new_utsname: six 65-byte strings.
type Utsname struct {
	Sysname    [65]byte
	Nodename   [65]byte
	Release    [65]byte
	Version    [65]byte
	Machine    [65]byte
	Domainname [65]byte
}

// Sysinfo is struct sysinfo on 64-bit: 112 bytes.
type Sysinfo struct {
	Uptime    int64
	Loads     [3]uint64
	Totalram  uint64
	Freeram   uint64
	Sharedram uint64
	Bufferram uint64
	Totalswap uint64
	Freeswap  uint64
	Procs     uint16
	Pad       uint16
	_         uint32
	Totalhigh uint64
	Freehigh  uint64
	MemUnit   uint32
	_         [4]byte
}

// SizeofSysinfo is sizeof(struct sysinfo) on 64-bit.
const SizeofSysinfo = 112

// Rusage is struct rusage: 144 bytes.
type Rusage struct {
	Utime    Timeval
	Stime    Timeval
	Maxrss   int64
	Ixrss    int64
	Idrss    int64
	Isrss    int64
	Minflt   int64
	Majflt   int64
	Nswap    int64
	Inblock  int64
	Oublock  int64
	Msgsnd   int64
	Msgrcv   int64
	Nsignals int64
	Nvcsw    int64
	Nivcsw   int64
}

// SizeofRusage is sizeof(struct rusage).
const SizeofRusage = 144

// Sigaction is the kernel's struct sigaction on arm64 (no SA_RESTORER in
// the ABI's flags by default, but the field exists).
type Sigaction struct {
	Handler  uint64
	Flags    uint64
	Restorer uint64
	Mask     uint64
}

// StackT is stack_t.
type StackT struct {
	SP    uint64
	Flags int32
	_     int32
	Size  uint64
}

// Bytes returns the guest (little-endian) encoding of a fixed-layout ABI
// struct. v must be a pointer to one of the structs of this file.
func Bytes[T any](v *T) []byte {
	b := make([]byte, unsafe.Sizeof(*v))
	if _, err := binary.Encode(b, binary.LittleEndian, v); err != nil {
		panic("abi: " + err.Error()) // only fixed-size structs are passed
	}
	return b
}

// Decode fills v from guest bytes b (at least sizeof(*v) long).
func Decode[T any](b []byte, v *T) bool {
	_, err := binary.Decode(b, binary.LittleEndian, v)
	return err == nil
}

// File type bits of st_mode (S_IFMT) as Linux defines them.
const (
	S_IFMT   = 0o170000
	S_IFSOCK = 0o140000
	S_IFLNK  = 0o120000
	S_IFREG  = 0o100000
	S_IFBLK  = 0o060000
	S_IFDIR  = 0o040000
	S_IFCHR  = 0o020000
	S_IFIFO  = 0o010000
	S_ISUID  = 0o4000
	S_ISGID  = 0o2000
	S_ISVTX  = 0o1000
)

// d_type values of dirent64.
const (
	DT_UNKNOWN = 0
	DT_FIFO    = 1
	DT_CHR     = 2
	DT_DIR     = 4
	DT_BLK     = 6
	DT_REG     = 8
	DT_LNK     = 10
	DT_SOCK    = 12
)

// CloneArgs is struct clone_args of clone3(2) (version 2: 88 bytes).
type CloneArgs struct {
	Flags      uint64
	PidFD      uint64
	ChildTID   uint64
	ParentTID  uint64
	ExitSignal uint64
	Stack      uint64
	StackSize  uint64
	TLS        uint64
	SetTID     uint64
	SetTIDSize uint64
	Cgroup     uint64
}

// Sizes of struct clone_args: the first version (up to tls) and this one.
const (
	CloneArgsSizeVer0 = 64
	SizeofCloneArgs   = 88
)

// SignalfdSiginfo is struct signalfd_siginfo, what a read of a signalfd
// returns per signal (include/uapi/linux/signalfd.h).
type SignalfdSiginfo struct {
	Signo   uint32
	Errno   int32
	Code    int32
	Pid     uint32
	Uid     uint32
	Fd      int32
	Tid     uint32
	Band    uint32
	Overrun uint32
	Trapno  uint32
	Status  int32
	Int     int32
	Ptr     uint64
	Utime   uint64
	Stime   uint64
	Addr    uint64
	AddrLsb uint16
	_       [46]uint8
}

// SizeofSignalfdSiginfo is its size.
const SizeofSignalfdSiginfo = 128

// signalfd4 flags.
const (
	SFD_NONBLOCK = O_NONBLOCK
	SFD_CLOEXEC  = O_CLOEXEC
)
