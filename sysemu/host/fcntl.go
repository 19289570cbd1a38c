package host

import "github.com/carrick-go/carrick/sysemu/abi"

// darwin's open(2) flags (sys/fcntl.h). The access modes (O_RDONLY 0,
// O_WRONLY 1, O_RDWR 2) and FD_CLOEXEC (1) are the same as Linux's.
const (
	darwinO_ACCMODE   = 0x3
	darwinO_NONBLOCK  = 0x4
	darwinO_APPEND    = 0x8
	darwinO_ASYNC     = 0x40
	darwinO_SYNC      = 0x80
	darwinO_NOFOLLOW  = 0x100
	darwinO_CREAT     = 0x200
	darwinO_TRUNC     = 0x400
	darwinO_EXCL      = 0x800
	darwinO_NOCTTY    = 0x20000
	darwinO_DIRECTORY = 0x100000
	darwinO_DSYNC     = 0x400000
	darwinO_CLOEXEC   = 0x1000000
)

// Linux's O_SYNC is __O_SYNC|O_DSYNC; __O_SYNC alone means O_SYNC too.
const oSyncBitLinux = abi.O_SYNC &^ abi.O_DSYNC

// openFlags pairs the single-bit flags that mean the same on both.
var openFlags = [...]struct{ linux, darwin uint32 }{
	{abi.O_NONBLOCK, darwinO_NONBLOCK},
	{abi.O_APPEND, darwinO_APPEND},
	{abi.O_ASYNC, darwinO_ASYNC},
	{abi.O_NOFOLLOW, darwinO_NOFOLLOW},
	{abi.O_CREAT, darwinO_CREAT},
	{abi.O_TRUNC, darwinO_TRUNC},
	{abi.O_EXCL, darwinO_EXCL},
	{abi.O_NOCTTY, darwinO_NOCTTY},
	{abi.O_DIRECTORY, darwinO_DIRECTORY},
	{abi.O_CLOEXEC, darwinO_CLOEXEC},
}

// OpenFlagsToDarwin converts Linux open(2)/fcntl(F_SETFL) flags to
// darwin's. unsupported holds the Linux flags darwin cannot express, for
// the caller to emulate, drop or refuse: O_DIRECT (darwin's nearest is
// fcntl F_NOCACHE), O_NOATIME, O_PATH, O_TMPFILE (reported whole, its
// O_DIRECTORY bit included) and any bit Linux does not define.
// O_LARGEFILE is dropped silently: darwin's off_t is always 64 bits, and
// musl passes O_LARGEFILE on every open, so refusing it would refuse all.
func OpenFlagsToDarwin(f uint32) (darwin uint32, unsupported uint32) {
	darwin = f & abi.O_ACCMODE
	rest := f &^ (abi.O_ACCMODE | abi.O_LARGEFILE)
	if rest&abi.O_TMPFILE == abi.O_TMPFILE {
		unsupported |= abi.O_TMPFILE
		rest &^= abi.O_TMPFILE
	}
	if rest&oSyncBitLinux != 0 {
		darwin |= darwinO_SYNC
		rest &^= abi.O_SYNC
	} else if rest&abi.O_DSYNC != 0 {
		darwin |= darwinO_DSYNC
		rest &^= abi.O_DSYNC
	}
	for _, p := range openFlags {
		if rest&p.linux != 0 {
			darwin |= p.darwin
			rest &^= p.linux
		}
	}
	return darwin, unsupported | rest
}

// OpenFlagsFromDarwin converts darwin's file status flags (fcntl F_GETFL)
// to Linux's. darwin-only bits (O_SHLOCK, O_EVTONLY, O_SYMLINK…) have no
// Linux meaning and are dropped.
func OpenFlagsFromDarwin(d uint32) uint32 {
	f := d & darwinO_ACCMODE
	switch {
	case d&darwinO_SYNC != 0:
		f |= abi.O_SYNC
	case d&darwinO_DSYNC != 0:
		f |= abi.O_DSYNC
	}
	for _, p := range openFlags {
		if d&p.darwin != 0 {
			f |= p.linux
		}
	}
	return f
}
