package rootfs

import "github.com/carrick-go/carrick/sysemu/abi"

// Linux values, from sysemu/abi (the one place they are defined), under
// the names this package uses.

// File types and mode bits.
const (
	sIFMT   = abi.S_IFMT
	sIFSOCK = abi.S_IFSOCK
	sIFLNK  = abi.S_IFLNK
	sIFREG  = abi.S_IFREG
	sIFBLK  = abi.S_IFBLK
	sIFDIR  = abi.S_IFDIR
	sIFCHR  = abi.S_IFCHR
	sIFIFO  = abi.S_IFIFO
	sISUID  = abi.S_ISUID
	sISGID  = abi.S_ISGID
	sISVTX  = abi.S_ISVTX
	sIXGRP  = abi.S_IXGRP
)

// Exported file type bits, for callers and tests that build Mknod modes.
const (
	S_IFMT   = abi.S_IFMT
	S_IFSOCK = abi.S_IFSOCK
	S_IFLNK  = abi.S_IFLNK
	S_IFREG  = abi.S_IFREG
	S_IFBLK  = abi.S_IFBLK
	S_IFDIR  = abi.S_IFDIR
	S_IFCHR  = abi.S_IFCHR
	S_IFIFO  = abi.S_IFIFO
	S_ISUID  = abi.S_ISUID
	S_ISGID  = abi.S_ISGID
	S_ISVTX  = abi.S_ISVTX
)

// Directory entry types.
const (
	DT_UNKNOWN = abi.DT_UNKNOWN
	DT_FIFO    = abi.DT_FIFO
	DT_CHR     = abi.DT_CHR
	DT_DIR     = abi.DT_DIR
	DT_BLK     = abi.DT_BLK
	DT_REG     = abi.DT_REG
	DT_LNK     = abi.DT_LNK
	DT_SOCK    = abi.DT_SOCK
)

// renameat2 flags.
const (
	RENAME_NOREPLACE = abi.RENAME_NOREPLACE
	RENAME_EXCHANGE  = abi.RENAME_EXCHANGE
	RENAME_WHITEOUT  = abi.RENAME_WHITEOUT
)

// utimensat special nanosecond values.
const (
	UTIME_NOW  = abi.UTIME_NOW
	UTIME_OMIT = abi.UTIME_OMIT
)

// access(2) mode bits.
const (
	F_OK = abi.F_OK
	X_OK = abi.X_OK
	W_OK = abi.W_OK
	R_OK = abi.R_OK
)

// setxattr flags.
const (
	XATTR_CREATE  = abi.XATTR_CREATE
	XATTR_REPLACE = abi.XATTR_REPLACE
)

// statfs f_flags.
const (
	ST_RDONLY = abi.ST_RDONLY
	ST_NOSUID = abi.ST_NOSUID
	ST_NODEV  = abi.ST_NODEV
)

// Errno values.
const (
	eTXTBSY    = abi.ETXTBSY
	eILSEQ     = abi.EILSEQ
	eOPNOTSUPP = abi.EOPNOTSUPP
	eSTALE     = abi.ESTALE
	eDQUOT     = abi.EDQUOT
	eNOTBLK    = abi.ENOTBLK
)

// Limits.
const (
	pathMax      = abi.PATH_MAX // including the terminating NUL
	nameMax      = abi.NAME_MAX
	maxSymlinks  = abi.MAXSYMLINKS
	xattrNameMax = abi.XATTR_NAME_MAX
	xattrSizeMax = abi.XATTR_SIZE_MAX
)
