package rootfs

import "github.com/carrick-go/carrick/sysemu/abi"

// Timespec is a Linux struct timespec: seconds and nanoseconds. In Utimes,
// Nsec may be UTIME_NOW or UTIME_OMIT.
type Timespec struct {
	Sec  int64
	Nsec int64
}

// Stat holds what stat(2) reports, Linux-shaped: Mode carries Linux S_IF*
// type bits and permission bits, Rdev is a Linux dev_t (major/minor encoded
// as glibc's makedev). sysemu/abi owns the binary layouts (struct stat,
// statx); this is only the values.
type Stat struct {
	Dev     uint64
	Ino     uint64
	Mode    uint32
	Nlink   uint32
	Uid     uint32
	Gid     uint32
	Rdev    uint64
	Size    int64
	Blksize int32
	Blocks  int64 // 512-byte blocks
	Atime   Timespec
	Mtime   Timespec
	Ctime   Timespec
}

// IsDir reports whether s describes a directory.
func (s *Stat) IsDir() bool { return s.Mode&sIFMT == sIFDIR }

// IsSymlink reports whether s describes a symbolic link.
func (s *Stat) IsSymlink() bool { return s.Mode&sIFMT == sIFLNK }

// DirType returns the d_type value for s's file type.
func (s *Stat) DirType() uint8 { return dtypeOf(s.Mode) }

func dtypeOf(mode uint32) uint8 {
	switch mode & sIFMT {
	case sIFIFO:
		return DT_FIFO
	case sIFCHR:
		return DT_CHR
	case sIFDIR:
		return DT_DIR
	case sIFBLK:
		return DT_BLK
	case sIFREG:
		return DT_REG
	case sIFLNK:
		return DT_LNK
	case sIFSOCK:
		return DT_SOCK
	}
	return DT_UNKNOWN
}

// DirEntry is one directory entry as getdents64 reports it. Off is the
// position after this entry (1-based index), usable as d_off.
type DirEntry struct {
	Name string
	Ino  uint64
	Type uint8 // DT_*
	Off  int64
}

// Statfs holds what statfs(2) reports, Linux-shaped.
type Statfs struct {
	Type    int64 // f_type magic (EXT4_SUPER_MAGIC, TMPFS_MAGIC, PROC_SUPER_MAGIC, …)
	Bsize   int64
	Blocks  uint64
	Bfree   uint64
	Bavail  uint64
	Files   uint64
	Ffree   uint64
	Fsid    [2]int32
	Namelen int64
	Frsize  int64
	Flags   int64 // ST_*
}

// Synthetic serves a mount's contents from Go code (/proc, /sys, /dev).
// Paths given to it are clean and absolute inside the mount: "/" is the
// mount's root, "/self/maps" a file below it. rootfs does the walking: it
// calls Stat for every component, Readlink for symbolic links (whose
// targets it then resolves, confined, like any other link) and ReadDir and
// Open for the final component. Methods are called concurrently.
type Synthetic interface {
	// Stat describes the node at p without following it if it is a link.
	// ENOENT if there is none.
	Stat(p string) (Stat, abi.Errno)
	// Readlink returns the target of the symbolic link at p.
	Readlink(p string) (string, abi.Errno)
	// ReadDir lists the directory at p, without "." and "..". Off is
	// filled in by rootfs.
	ReadDir(p string) ([]DirEntry, abi.Errno)
	// Open opens the node at p (never a link) with Linux open flags.
	Open(p string, flags int) (SyntheticFile, abi.Errno)
	// Statfs describes the file system the mount presents.
	Statfs() Statfs
}

// SyntheticFile is an open synthetic node. sysemu may type-assert it for
// richer behaviour (polling, ioctls) that the provider implements.
type SyntheticFile interface {
	ReadAt(p []byte, off int64) (int, abi.Errno)
	WriteAt(p []byte, off int64) (int, abi.Errno)
	Close() abi.Errno
}
