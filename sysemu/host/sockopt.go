package host

import (
	"encoding/binary"
	"fmt"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// A sockoptRow pairs a socket option (or level) of Linux with darwin's; the
// names are the headers', and the tests check both numbers by them.
type sockoptRow struct {
	lname, dname  string
	linux, darwin int
}

// sockLevels lists the option levels and their options that mean the same
// on both. Values that differ in shape are the caller's: SO_ERROR's is an
// errno (ErrnoFromDarwin), SO_RCVTIMEO/SO_SNDTIMEO's a struct timeval whose
// tv_usec is 32 bits on darwin, IP_MULTICAST_TTL/LOOP may be a byte on
// darwin. Linux's SO_LINGER is darwin's SO_LINGER_SEC (darwin's SO_LINGER
// counts clock ticks). Linux-only options (SO_PASSCRED, SO_PEERCRED,
// SO_PRIORITY, SO_BINDTODEVICE, SO_DOMAIN, SO_PROTOCOL, TCP_USER_TIMEOUT,
// TCP_CORK, TCP_INFO…) are absent: they have no darwin twin of the same
// meaning and shape.
var sockLevels = [...]struct {
	level sockoptRow
	opts  []sockoptRow
}{
	{sockoptRow{"SOL_SOCKET", "SOL_SOCKET", 1, 0xffff}, []sockoptRow{
		{"SO_DEBUG", "SO_DEBUG", 1, 0x1},
		{"SO_REUSEADDR", "SO_REUSEADDR", 2, 0x4},
		{"SO_TYPE", "SO_TYPE", 3, 0x1008},
		{"SO_ERROR", "SO_ERROR", 4, 0x1007},
		{"SO_DONTROUTE", "SO_DONTROUTE", 5, 0x10},
		{"SO_BROADCAST", "SO_BROADCAST", 6, 0x20},
		{"SO_SNDBUF", "SO_SNDBUF", 7, 0x1001},
		{"SO_RCVBUF", "SO_RCVBUF", 8, 0x1002},
		{"SO_KEEPALIVE", "SO_KEEPALIVE", 9, 0x8},
		{"SO_OOBINLINE", "SO_OOBINLINE", 10, 0x100},
		{"SO_LINGER", "SO_LINGER_SEC", 13, 0x1080},
		{"SO_REUSEPORT", "SO_REUSEPORT", 15, 0x200},
		{"SO_RCVLOWAT", "SO_RCVLOWAT", 18, 0x1004},
		{"SO_SNDLOWAT", "SO_SNDLOWAT", 19, 0x1003},
		{"SO_RCVTIMEO", "SO_RCVTIMEO", 20, 0x1006},
		{"SO_SNDTIMEO", "SO_SNDTIMEO", 21, 0x1005},
		{"SO_TIMESTAMP", "SO_TIMESTAMP", 29, 0x400},
		{"SO_ACCEPTCONN", "SO_ACCEPTCONN", 30, 0x2},
		// The y2038 variants are the same struct on a 64-bit guest.
		{"SO_RCVTIMEO_NEW", "SO_RCVTIMEO", 66, 0x1006},
		{"SO_SNDTIMEO_NEW", "SO_SNDTIMEO", 67, 0x1005},
	}},
	{sockoptRow{"IPPROTO_IP", "IPPROTO_IP", 0, 0}, []sockoptRow{
		{"IP_TOS", "IP_TOS", 1, 0x3},
		{"IP_TTL", "IP_TTL", 2, 0x4},
		{"IP_HDRINCL", "IP_HDRINCL", 3, 0x2},
		{"IP_OPTIONS", "IP_OPTIONS", 4, 0x1},
		{"IP_PKTINFO", "IP_RECVPKTINFO", 8, 0x1a},
		{"IP_RECVTTL", "IP_RECVTTL", 12, 0x18},
		{"IP_RECVTOS", "IP_RECVTOS", 13, 0x1b},
		{"IP_MULTICAST_IF", "IP_MULTICAST_IF", 32, 0x9},
		{"IP_MULTICAST_TTL", "IP_MULTICAST_TTL", 33, 0xa},
		{"IP_MULTICAST_LOOP", "IP_MULTICAST_LOOP", 34, 0xb},
		{"IP_ADD_MEMBERSHIP", "IP_ADD_MEMBERSHIP", 35, 0xc},
		{"IP_DROP_MEMBERSHIP", "IP_DROP_MEMBERSHIP", 36, 0xd},
	}},
	{sockoptRow{"IPPROTO_TCP", "IPPROTO_TCP", 6, 6}, []sockoptRow{
		{"TCP_NODELAY", "TCP_NODELAY", 1, 0x1},
		{"TCP_MAXSEG", "TCP_MAXSEG", 2, 0x2},
		{"TCP_KEEPIDLE", "TCP_KEEPALIVE", 4, 0x10},
		{"TCP_KEEPINTVL", "TCP_KEEPINTVL", 5, 0x101},
		{"TCP_KEEPCNT", "TCP_KEEPCNT", 6, 0x102},
		{"TCP_NOTSENT_LOWAT", "TCP_NOTSENT_LOWAT", 25, 0x201},
	}},
	{sockoptRow{"IPPROTO_IPV6", "IPPROTO_IPV6", 41, 41}, []sockoptRow{
		{"IPV6_UNICAST_HOPS", "IPV6_UNICAST_HOPS", 16, 0x4},
		{"IPV6_MULTICAST_IF", "IPV6_MULTICAST_IF", 17, 0x9},
		{"IPV6_MULTICAST_HOPS", "IPV6_MULTICAST_HOPS", 18, 0xa},
		{"IPV6_MULTICAST_LOOP", "IPV6_MULTICAST_LOOP", 19, 0xb},
		{"IPV6_JOIN_GROUP", "IPV6_JOIN_GROUP", 20, 0xc},
		{"IPV6_LEAVE_GROUP", "IPV6_LEAVE_GROUP", 21, 0xd},
		{"IPV6_V6ONLY", "IPV6_V6ONLY", 26, 0x1b},
		{"IPV6_RECVPKTINFO", "IPV6_RECVPKTINFO", 49, 0x3d},
		{"IPV6_PKTINFO", "IPV6_PKTINFO", 50, 0x2e},
		{"IPV6_RECVHOPLIMIT", "IPV6_RECVHOPLIMIT", 51, 0x25},
		{"IPV6_HOPLIMIT", "IPV6_HOPLIMIT", 52, 0x2f},
		{"IPV6_RECVTCLASS", "IPV6_RECVTCLASS", 66, 0x23},
		{"IPV6_TCLASS", "IPV6_TCLASS", 67, 0x24},
	}},
	// IPPROTO_UDP (17 on both) has no option in common.
}

// SockoptToDarwin converts a Linux setsockopt/getsockopt level and option
// name; ok is false for one darwin lacks.
func SockoptToDarwin(level, opt int) (dlevel, dopt int, ok bool) {
	for _, l := range sockLevels {
		if l.level.linux != level {
			continue
		}
		for _, o := range l.opts {
			if o.linux == opt {
				return l.level.darwin, o.darwin, true
			}
		}
	}
	return 0, 0, false
}

// SockoptFromDarwin converts a darwin level and option name to Linux's
// (the first Linux name of an option with two: SO_RCVTIMEO, not _NEW).
func SockoptFromDarwin(dlevel, dopt int) (level, opt int, ok bool) {
	for _, l := range sockLevels {
		if l.level.darwin != dlevel {
			continue
		}
		for _, o := range l.opts {
			if o.darwin == dopt {
				return l.level.linux, o.linux, true
			}
		}
	}
	return 0, 0, false
}

// msgFlags pairs the send/recv flags both have. Linux's others are its
// own: MSG_NOSIGNAL (carrick raises the guest's SIGPIPE itself, and Go
// ignores a host SIGPIPE on a socket; darwin sockets may also set
// SO_NOSIGPIPE), MSG_CMSG_CLOEXEC (received fds become guest fds through
// carrick), MSG_MORE, MSG_CONFIRM, MSG_ERRQUEUE, MSG_WAITFORONE,
// MSG_FASTOPEN, MSG_ZEROCOPY.
var msgFlags = [...]sockoptRow{
	{"MSG_OOB", "MSG_OOB", 0x1, 0x1},
	{"MSG_PEEK", "MSG_PEEK", 0x2, 0x2},
	{"MSG_DONTROUTE", "MSG_DONTROUTE", 0x4, 0x4},
	{"MSG_CTRUNC", "MSG_CTRUNC", 0x8, 0x20},
	{"MSG_TRUNC", "MSG_TRUNC", 0x20, 0x10},
	{"MSG_DONTWAIT", "MSG_DONTWAIT", 0x40, 0x80},
	{"MSG_EOR", "MSG_EOR", 0x80, 0x8},
	{"MSG_WAITALL", "MSG_WAITALL", 0x100, 0x40},
}

// MsgFlagsToDarwin converts Linux send/recv flags; linuxOnly holds the
// flags darwin lacks, for the caller to emulate or drop.
func MsgFlagsToDarwin(f uint32) (darwin, linuxOnly uint32) {
	for _, m := range msgFlags {
		if f&uint32(m.linux) != 0 {
			darwin |= uint32(m.darwin)
			f &^= uint32(m.linux)
		}
	}
	return darwin, f
}

// MsgFlagsFromDarwin converts darwin's msg_flags after recvmsg (MSG_TRUNC,
// MSG_CTRUNC, MSG_EOR, MSG_OOB); darwin-only bits are dropped.
func MsgFlagsFromDarwin(d uint32) uint32 {
	var f uint32
	for _, m := range msgFlags {
		if d&uint32(m.darwin) != 0 {
			f |= uint32(m.linux)
		}
	}
	return f
}

// Control messages. Linux's struct cmsghdr is {u64 len; int level; int
// type} aligned to 8; darwin's is {u32 len; int level; int type} aligned
// to 4. SCM_RIGHTS is 1 on both, its data the same array of int32 fds
// (host or guest numbers: the caller translates them).
const (
	linuxSizeofCmsghdr  = 16
	darwinSizeofCmsghdr = 12
	cmsgAlignLinux      = 8
	cmsgAlignDarwin     = 4
	linuxSCM_RIGHTS     = 1
	darwinSCM_RIGHTS    = 1
	linuxSOL_SOCKET     = 1
	darwinSOL_SOCKET    = 0xffff
)

// LinuxCmsgSpace is Linux's CMSG_SPACE(n).
func LinuxCmsgSpace(n int) int { return linuxSizeofCmsghdr + align(n, cmsgAlignLinux) }

// DarwinCmsgSpace is darwin's CMSG_SPACE(n). For the same data it is never
// larger than Linux's, so a host buffer of the guest's msg_controllen holds
// what the guest's would.
func DarwinCmsgSpace(n int) int { return darwinSizeofCmsghdr + align(n, cmsgAlignDarwin) }

func align(n, a int) int { return (n + a - 1) &^ (a - 1) }

// ControlToDarwin re-lays a Linux msg_control buffer for darwin's sendmsg.
// Only SCM_RIGHTS crosses; any other message (SCM_CREDENTIALS, IP_PKTINFO…)
// is an error wrapping ErrNotRepresentable. A malformed header is EINVAL,
// as on Linux.
func ControlToDarwin(b []byte) ([]byte, error) {
	return relayCmsgs(b, linuxSizeofCmsghdr, cmsgAlignLinux, darwinSizeofCmsghdr, cmsgAlignDarwin,
		func(level, typ int32) (int32, int32, bool) {
			if level == linuxSOL_SOCKET && typ == linuxSCM_RIGHTS {
				return darwinSOL_SOCKET, darwinSCM_RIGHTS, true
			}
			return 0, 0, false
		})
}

// ControlFromDarwin re-lays darwin's msg_control after recvmsg for a Linux
// guest; each message is padded to Linux's alignment, as Linux's kernel
// pads (and counts) even the last.
func ControlFromDarwin(b []byte) ([]byte, error) {
	return relayCmsgs(b, darwinSizeofCmsghdr, cmsgAlignDarwin, linuxSizeofCmsghdr, cmsgAlignLinux,
		func(level, typ int32) (int32, int32, bool) {
			if level == darwinSOL_SOCKET && typ == darwinSCM_RIGHTS {
				return linuxSOL_SOCKET, linuxSCM_RIGHTS, true
			}
			return 0, 0, false
		})
}

// relayCmsgs walks control messages with headers of hin bytes aligned to
// ain and writes them with headers of hout bytes aligned to aout. The
// length field is the header's first: 8 bytes when hin is 16, else 4.
func relayCmsgs(b []byte, hin, ain, hout, aout int, conv func(level, typ int32) (int32, int32, bool)) ([]byte, error) {
	le := binary.LittleEndian
	var out []byte
	for len(b) >= hin {
		var l int
		if hin == linuxSizeofCmsghdr {
			l = int(min(le.Uint64(b), uint64(len(b))+1))
		} else {
			l = int(le.Uint32(b))
		}
		if l < hin || l > len(b) {
			return nil, abi.EINVAL
		}
		off := hin - 8 // level and type are the header's last 8 bytes
		level, typ := int32(le.Uint32(b[off:])), int32(le.Uint32(b[off+4:]))
		nl, nt, ok := conv(level, typ)
		if !ok {
			return nil, fmt.Errorf("%w: control message level %d type %d", ErrNotRepresentable, level, typ)
		}
		data := b[hin:l]
		msg := make([]byte, hout+align(len(data), aout))
		if hout == linuxSizeofCmsghdr {
			le.PutUint64(msg, uint64(hout+len(data)))
		} else {
			le.PutUint32(msg, uint32(hout+len(data)))
		}
		le.PutUint32(msg[hout-8:], uint32(nl))
		le.PutUint32(msg[hout-4:], uint32(nt))
		copy(msg[hout:], data)
		out = append(out, msg...)
		b = b[min(align(l, ain), len(b)):]
	}
	return out, nil
}
