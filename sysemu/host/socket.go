package host

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// ErrNotRepresentable reports a value Linux accepts that darwin cannot
// express; the caller emulates it or returns the Linux error it chooses.
var ErrNotRepresentable = errors.New("host: no darwin equivalent")

// Address families. Linux's sockaddrs start with a 16-bit family; darwin's
// with a length byte and a family byte (sa_len, sa_family). The rest of
// sockaddr_in and sockaddr_in6 is the same (network-order port and
// address, flowinfo, scope id); sockaddr_un's path is 108 bytes on Linux,
// 104 on darwin, and darwin has no abstract names.
const (
	linuxAF_UNSPEC  = 0
	linuxAF_UNIX    = 1
	linuxAF_INET    = 2
	linuxAF_INET6   = 10
	darwinAF_UNSPEC = 0
	darwinAF_UNIX   = 1
	darwinAF_INET   = 2
	darwinAF_INET6  = 30

	linuxSizeofSockaddrInet4  = 16
	linuxSizeofSockaddrInet6  = 28
	linuxSizeofSockaddrUnix   = 110
	darwinSizeofSockaddrInet4 = 16
	darwinSizeofSockaddrInet6 = 28
	darwinSizeofSockaddrUnix  = 106

	// sin6LenRFC2133 is the shortest sockaddr_in6 Linux accepts: the
	// original one, before sin6_scope_id.
	sin6LenRFC2133 = 24
)

// FamilyToDarwin converts a Linux address family; ok is false for one
// darwin lacks (AF_NETLINK, AF_PACKET…: carrick emulates those).
func FamilyToDarwin(f int) (d int, ok bool) {
	switch f {
	case linuxAF_UNSPEC:
		return darwinAF_UNSPEC, true
	case linuxAF_UNIX:
		return darwinAF_UNIX, true
	case linuxAF_INET:
		return darwinAF_INET, true
	case linuxAF_INET6:
		return darwinAF_INET6, true
	}
	return 0, false
}

// FamilyFromDarwin converts a darwin address family; ok is false for one
// Linux lacks.
func FamilyFromDarwin(d int) (f int, ok bool) {
	switch d {
	case darwinAF_UNSPEC:
		return linuxAF_UNSPEC, true
	case darwinAF_UNIX:
		return linuxAF_UNIX, true
	case darwinAF_INET:
		return linuxAF_INET, true
	case darwinAF_INET6:
		return linuxAF_INET6, true
	}
	return 0, false
}

// SockaddrToDarwin converts a Linux socket address (as passed to bind,
// connect, sendto) to darwin's. It returns an abi.Errno for an address
// Linux itself refuses (EINVAL: too short; EAFNOSUPPORT: an unknown
// family), and an error wrapping ErrNotRepresentable for an abstract or
// unnamed AF_UNIX address or a path longer than darwin's 103 bytes.
func SockaddrToDarwin(sa []byte) ([]byte, error) {
	if len(sa) < 2 {
		return nil, abi.EINVAL
	}
	switch fam := binary.LittleEndian.Uint16(sa); fam {
	case linuxAF_UNSPEC:
		out := make([]byte, min(len(sa), darwinSizeofSockaddrInet4))
		copy(out[2:], sa[2:])
		out[0], out[1] = byte(len(out)), darwinAF_UNSPEC
		return out, nil
	case linuxAF_INET:
		if len(sa) < linuxSizeofSockaddrInet4 {
			return nil, abi.EINVAL
		}
		out := make([]byte, darwinSizeofSockaddrInet4)
		copy(out[2:], sa[2:linuxSizeofSockaddrInet4])
		out[0], out[1] = darwinSizeofSockaddrInet4, darwinAF_INET
		return out, nil
	case linuxAF_INET6:
		if len(sa) < sin6LenRFC2133 {
			return nil, abi.EINVAL
		}
		out := make([]byte, darwinSizeofSockaddrInet6)
		copy(out[2:], sa[2:min(len(sa), linuxSizeofSockaddrInet6)])
		out[0], out[1] = darwinSizeofSockaddrInet6, darwinAF_INET6
		return out, nil
	case linuxAF_UNIX:
		path := sa[2:min(len(sa), linuxSizeofSockaddrUnix)]
		if len(path) == 0 || path[0] == 0 {
			return nil, fmt.Errorf("%w: abstract or unnamed AF_UNIX address", ErrNotRepresentable)
		}
		if i := bytes.IndexByte(path, 0); i >= 0 {
			path = path[:i]
		}
		if len(path) >= darwinSizeofSockaddrUnix-2 {
			return nil, fmt.Errorf("%w: AF_UNIX path of %d bytes (darwin holds %d)",
				ErrNotRepresentable, len(path), darwinSizeofSockaddrUnix-3)
		}
		out := make([]byte, 2+len(path)+1) // with the NUL, as darwin's libc does
		copy(out[2:], path)
		out[0], out[1] = byte(len(out)), darwinAF_UNIX
		return out, nil
	default:
		return nil, linuxEAFNOSUPPORT
	}
}

// SockaddrFromDarwin converts a darwin socket address (from accept,
// getsockname, recvfrom) to Linux's, as long as Linux's kernel would report
// it: a pathname AF_UNIX address with its NUL, an unnamed one as the bare
// family.
func SockaddrFromDarwin(sa []byte) ([]byte, error) {
	if len(sa) < 2 {
		return nil, abi.EINVAL
	}
	n := int(sa[0])
	if n < 2 || n > len(sa) {
		n = len(sa) // sa_len is not always set (AF_UNIX from accept)
	}
	le := binary.LittleEndian
	switch sa[1] {
	case darwinAF_INET:
		if n < darwinSizeofSockaddrInet4 {
			return nil, abi.EINVAL
		}
		out := make([]byte, linuxSizeofSockaddrInet4)
		le.PutUint16(out, linuxAF_INET)
		copy(out[2:], sa[2:darwinSizeofSockaddrInet4])
		return out, nil
	case darwinAF_INET6:
		if n < darwinSizeofSockaddrInet6 {
			return nil, abi.EINVAL
		}
		out := make([]byte, linuxSizeofSockaddrInet6)
		le.PutUint16(out, linuxAF_INET6)
		copy(out[2:], sa[2:darwinSizeofSockaddrInet6])
		return out, nil
	case darwinAF_UNIX:
		path := sa[2:min(n, darwinSizeofSockaddrUnix)]
		if i := bytes.IndexByte(path, 0); i >= 0 {
			path = path[:i]
		}
		size := 2
		if len(path) > 0 {
			size += len(path) + 1
		}
		out := make([]byte, size)
		le.PutUint16(out, linuxAF_UNIX)
		copy(out[2:], path)
		return out, nil
	case darwinAF_UNSPEC:
		out := make([]byte, max(n, 2))
		copy(out[2:], sa[2:n])
		le.PutUint16(out, linuxAF_UNSPEC)
		return out, nil
	default:
		return nil, linuxEAFNOSUPPORT
	}
}

// Socket types (SOCK_STREAM 1, SOCK_DGRAM 2, SOCK_RAW 3, SOCK_RDM 4,
// SOCK_SEQPACKET 5) are the same on both; Linux also takes SOCK_NONBLOCK
// and SOCK_CLOEXEC in socket(2)'s type, which darwin lacks.
const (
	linuxSOCK_NONBLOCK   = 0x800
	linuxSOCK_CLOEXEC    = 0x80000
	linuxSOCK_STREAM     = 1
	linuxSOCK_SEQPACKET  = 5
	darwinSOCK_STREAM    = 1
	darwinSOCK_SEQPACKET = 5
)

// SocketTypeToDarwin splits Linux's socket(2) type into darwin's type and
// the flags darwin's socket(2) lacks, which the caller applies with fcntl;
// ok is false for a type darwin lacks (SOCK_DCCP, SOCK_PACKET) or an
// unknown flag.
func SocketTypeToDarwin(t uint32) (typ int, nonblock, cloexec, ok bool) {
	nonblock, cloexec = t&linuxSOCK_NONBLOCK != 0, t&linuxSOCK_CLOEXEC != 0
	t &^= linuxSOCK_NONBLOCK | linuxSOCK_CLOEXEC
	if t < linuxSOCK_STREAM || t > linuxSOCK_SEQPACKET {
		return 0, false, false, false
	}
	return int(t), nonblock, cloexec, true // the same numbers
}
