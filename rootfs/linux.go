package rootfs

import "github.com/carrick-go/carrick/sysemu/abi"

// Linux values that sysemu/abi does not define (yet). They are kept private
// here; the package report lists them for abi to adopt.

// File types and mode bits (uapi/linux/stat.h). The same octal values on
// every Linux architecture.
const (
	sIFMT   = 0o170000
	sIFSOCK = 0o140000
	sIFLNK  = 0o120000
	sIFREG  = 0o100000
	sIFBLK  = 0o060000
	sIFDIR  = 0o040000
	sIFCHR  = 0o020000
	sIFIFO  = 0o010000
	sISUID  = 0o4000
	sISGID  = 0o2000
	sISVTX  = 0o1000
	sIXGRP  = 0o0010
)

// Exported file type bits, for callers and tests that build Mknod modes.
const (
	S_IFMT   = sIFMT
	S_IFSOCK = sIFSOCK
	S_IFLNK  = sIFLNK
	S_IFREG  = sIFREG
	S_IFBLK  = sIFBLK
	S_IFDIR  = sIFDIR
	S_IFCHR  = sIFCHR
	S_IFIFO  = sIFIFO
	S_ISUID  = sISUID
	S_ISGID  = sISGID
	S_ISVTX  = sISVTX
)

// Directory entry types (d_type in linux/dirent.h / fs_types.h).
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

// renameat2 flags (uapi/linux/fs.h).
const (
	RENAME_NOREPLACE = 1 << 0
	RENAME_EXCHANGE  = 1 << 1
	RENAME_WHITEOUT  = 1 << 2
)

// utimensat special nanosecond values (uapi/linux/stat.h).
const (
	UTIME_NOW  = (1 << 30) - 1
	UTIME_OMIT = (1 << 30) - 2
)

// access(2) mode bits (unistd.h).
const (
	F_OK = 0
	X_OK = 1
	W_OK = 2
	R_OK = 4
)

// setxattr flags (uapi/linux/xattr.h).
const (
	XATTR_CREATE  = 1
	XATTR_REPLACE = 2
)

// statfs f_flags (ST_* in uapi/linux/statfs.h).
const (
	ST_RDONLY = 0x0001
	ST_NOSUID = 0x0002
	ST_NODEV  = 0x0004
)

// Errno values missing from sysemu/abi.
const (
	eTXTBSY    abi.Errno = 26
	eILSEQ     abi.Errno = 84
	eOPNOTSUPP abi.Errno = abi.ENOTSUP // EOPNOTSUPP == ENOTSUP (95) on Linux
	eSTALE     abi.Errno = 116
	eDQUOT     abi.Errno = 122
	eNOTBLK    abi.Errno = 15
)

// Limits (uapi/linux/limits.h).
const (
	pathMax      = 4096 // including the terminating NUL
	nameMax      = 255
	maxSymlinks  = 40 // MAXSYMLINKS in include/linux/namei.h
	xattrNameMax = 255
	xattrSizeMax = 65536
)
