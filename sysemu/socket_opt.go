package sysemu

import (
	"encoding/binary"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Socket options of host sockets. Options Linux alone has and the identity
// options are answered by carrick; the rest go to the host by kind (an
// int, a timeval, a linger, raw bytes of one layout), with the option
// numbers mapped by the host layer.

type optKind uint8

const (
	optInt optKind = iota + 1
	optTimeval
	optLinger
	optRaw
)

type optKey struct{ level, opt int }

// hostOpts lists the options passed to the host and their value kind.
var hostOpts = map[optKey]optKind{
	{abi.SOL_SOCKET, abi.SO_DEBUG}:     optInt,
	{abi.SOL_SOCKET, abi.SO_REUSEADDR}: optInt,
	{abi.SOL_SOCKET, abi.SO_ERROR}:     optInt,
	{abi.SOL_SOCKET, abi.SO_DONTROUTE}: optInt,
	{abi.SOL_SOCKET, abi.SO_BROADCAST}: optInt,
	{abi.SOL_SOCKET, abi.SO_SNDBUF}:    optInt,
	{abi.SOL_SOCKET, abi.SO_RCVBUF}:    optInt,
	{abi.SOL_SOCKET, abi.SO_KEEPALIVE}: optInt,
	{abi.SOL_SOCKET, abi.SO_OOBINLINE}: optInt,
	{abi.SOL_SOCKET, abi.SO_REUSEPORT}: optInt,
	{abi.SOL_SOCKET, abi.SO_RCVLOWAT}:  optInt,
	{abi.SOL_SOCKET, abi.SO_SNDLOWAT}:  optInt,
	{abi.SOL_SOCKET, abi.SO_PRIORITY}:  optInt,
	{abi.SOL_SOCKET, abi.SO_LINGER}:    optLinger,
	{abi.SOL_SOCKET, abi.SO_RCVTIMEO}:  optTimeval,
	{abi.SOL_SOCKET, abi.SO_SNDTIMEO}:  optTimeval,
	{abi.SOL_SOCKET, abi.SO_TIMESTAMP}: optInt,

	{abi.IPPROTO_TCP, abi.TCP_NODELAY}:       optInt,
	{abi.IPPROTO_TCP, abi.TCP_MAXSEG}:        optInt,
	{abi.IPPROTO_TCP, abi.TCP_CORK}:          optInt,
	{abi.IPPROTO_TCP, abi.TCP_KEEPIDLE}:      optInt,
	{abi.IPPROTO_TCP, abi.TCP_KEEPINTVL}:     optInt,
	{abi.IPPROTO_TCP, abi.TCP_KEEPCNT}:       optInt,
	{abi.IPPROTO_TCP, abi.TCP_SYNCNT}:        optInt,
	{abi.IPPROTO_TCP, abi.TCP_LINGER2}:       optInt,
	{abi.IPPROTO_TCP, abi.TCP_DEFER_ACCEPT}:  optInt,
	{abi.IPPROTO_TCP, abi.TCP_WINDOW_CLAMP}:  optInt,
	{abi.IPPROTO_TCP, abi.TCP_QUICKACK}:      optInt,
	{abi.IPPROTO_TCP, abi.TCP_USER_TIMEOUT}:  optInt,
	{abi.IPPROTO_TCP, abi.TCP_FASTOPEN}:      optInt,
	{abi.IPPROTO_TCP, abi.TCP_NOTSENT_LOWAT}: optInt,
	{abi.IPPROTO_TCP, abi.TCP_INFO}:          optRaw,
	{abi.IPPROTO_TCP, abi.TCP_CONGESTION}:    optRaw,

	{abi.IPPROTO_IP, abi.IP_TOS}:             optInt,
	{abi.IPPROTO_IP, abi.IP_TTL}:             optInt,
	{abi.IPPROTO_IP, abi.IP_RECVERR}:         optInt,
	{abi.IPPROTO_IP, abi.IP_MTU_DISCOVER}:    optInt,
	{abi.IPPROTO_IP, abi.IP_MULTICAST_TTL}:   optInt,
	{abi.IPPROTO_IP, abi.IP_MULTICAST_LOOP}:  optInt,
	{abi.IPPROTO_IP, abi.IP_PKTINFO}:         optInt,
	{abi.IPPROTO_IP, abi.IP_RECVTTL}:         optInt,
	{abi.IPPROTO_IP, abi.IP_RECVTOS}:         optInt,
	{abi.IPPROTO_IP, abi.IP_MULTICAST_IF}:    optRaw,
	{abi.IPPROTO_IP, abi.IP_ADD_MEMBERSHIP}:  optRaw,
	{abi.IPPROTO_IP, abi.IP_DROP_MEMBERSHIP}: optRaw,

	{abi.IPPROTO_IPV6, abi.IPV6_V6ONLY}:         optInt,
	{abi.IPPROTO_IPV6, abi.IPV6_UNICAST_HOPS}:   optInt,
	{abi.IPPROTO_IPV6, abi.IPV6_MULTICAST_IF}:   optInt,
	{abi.IPPROTO_IPV6, abi.IPV6_MULTICAST_HOPS}: optInt,
	{abi.IPPROTO_IPV6, abi.IPV6_MULTICAST_LOOP}: optInt,
	{abi.IPPROTO_IPV6, abi.IPV6_TCLASS}:         optInt,
	{abi.IPPROTO_IPV6, abi.IPV6_RECVPKTINFO}:    optInt,
	{abi.IPPROTO_IPV6, abi.IPV6_RECVHOPLIMIT}:   optInt,
	{abi.IPPROTO_IPV6, abi.IPV6_RECVTCLASS}:     optInt,
	{abi.IPPROTO_IPV6, abi.IPV6_JOIN_GROUP}:     optRaw,
	{abi.IPPROTO_IPV6, abi.IPV6_LEAVE_GROUP}:    optRaw,
}

// optApplies reports whether an option's level fits the socket's family
// (Linux: IP options on an AF_INET6 socket are allowed for v4-mapped use;
// TCP options need a TCP socket).
func (s *hostSocket) optApplies(level int) bool {
	switch level {
	case abi.IPPROTO_TCP:
		return s.typ == abi.SOCK_STREAM && s.family != abi.AF_UNIX
	case abi.IPPROTO_IP:
		return s.family == abi.AF_INET || s.family == abi.AF_INET6
	case abi.IPPROTO_IPV6:
		return s.family == abi.AF_INET6
	}
	return true
}

func le32(v int) []byte { return binary.LittleEndian.AppendUint32(nil, uint32(v)) }

func (s *hostSocket) Getsockopt(t *Task, level, opt int) ([]byte, abi.Errno) {
	if level == abi.SOL_SOCKET {
		switch opt {
		case abi.SO_TYPE:
			return le32(s.typ), 0
		case abi.SO_DOMAIN:
			return le32(s.family), 0
		case abi.SO_PROTOCOL:
			return le32(s.protocol()), 0
		case abi.SO_ACCEPTCONN:
			return le32(b2i(s.listening.Load())), 0
		case abi.SO_PASSCRED:
			return le32(b2i(s.passcred.Load())), 0
		case abi.SO_PEERCRED:
			if s.family != abi.AF_UNIX {
				return nil, abi.ENOPROTOOPT
			}
			uc, ok := s.peerCreds(t)
			if !ok {
				// Linux: no peer gives pid 0 and ids of -1.
				uc = abi.Ucred{UID: ^uint32(0), GID: ^uint32(0)}
			}
			return abi.Bytes(&uc), 0
		case abi.SO_ERROR:
			v, err := unix.GetsockoptInt(s.fd, unix.SOL_SOCKET, unix.SO_ERROR)
			if err != nil {
				return nil, hostErrno(err)
			}
			if v != 0 {
				v = int(errnoFromHost(unix.Errno(v)))
			}
			return le32(v), 0
		}
	}
	kind, ok := hostOpts[optKey{level, opt}]
	if !ok || !s.optApplies(level) {
		return nil, s.unknownOpt(t, "getsockopt", level, opt)
	}
	hl, ho, ok := hostSockopt(level, opt)
	if !ok {
		return nil, s.unknownOpt(t, "getsockopt", level, opt)
	}
	switch kind {
	case optInt:
		v, err := unix.GetsockoptInt(s.fd, hl, ho)
		if err != nil {
			return nil, hostErrno(err)
		}
		return le32(v), 0
	case optTimeval:
		tv, err := unix.GetsockoptTimeval(s.fd, hl, ho)
		if err != nil {
			return nil, hostErrno(err)
		}
		v := abi.Timeval{Sec: int64(tv.Sec), Usec: int64(tv.Usec)}
		return abi.Bytes(&v), 0
	case optLinger:
		l, err := unix.GetsockoptLinger(s.fd, hl, ho)
		if err != nil {
			return nil, hostErrno(err)
		}
		v := abi.Linger{Onoff: l.Onoff, Linger: l.Linger}
		return abi.Bytes(&v), 0
	}
	if !hostRawOpt(level, opt) {
		return nil, s.unknownOpt(t, "getsockopt", level, opt)
	}
	b, err := hostGetsockoptRaw(s.fd, hl, ho, 256)
	if err != nil {
		return nil, hostErrno(err)
	}
	return b, 0
}

func (s *hostSocket) Setsockopt(t *Task, level, opt int, val []byte) abi.Errno {
	if level == abi.SOL_SOCKET {
		switch opt {
		case abi.SO_TYPE, abi.SO_DOMAIN, abi.SO_PROTOCOL, abi.SO_ACCEPTCONN, abi.SO_PEERCRED, abi.SO_ERROR:
			return abi.ENOPROTOOPT
		case abi.SO_PASSCRED:
			if len(val) < 4 {
				return abi.EINVAL
			}
			on := binary.LittleEndian.Uint32(val) != 0
			s.passcred.Store(on)
			if s.family == abi.AF_UNIX {
				hostSetPasscred(s.fd, on)
			}
			return 0
		}
	}
	kind, ok := hostOpts[optKey{level, opt}]
	if !ok || !s.optApplies(level) {
		return s.unknownOpt(t, "setsockopt", level, opt)
	}
	hl, ho, ok := hostSockopt(level, opt)
	if !ok {
		return s.unknownOpt(t, "setsockopt", level, opt)
	}
	switch kind {
	case optInt:
		var v int
		switch {
		case len(val) >= 4:
			v = int(int32(binary.LittleEndian.Uint32(val)))
		case len(val) >= 1 && level == abi.IPPROTO_IP:
			v = int(val[0]) // Linux takes a byte for the IP options
		default:
			return abi.EINVAL
		}
		return errOf(unix.SetsockoptInt(s.fd, hl, ho, v))
	case optTimeval:
		if len(val) < 16 {
			return abi.EINVAL
		}
		sec := int64(binary.LittleEndian.Uint64(val))
		usec := int64(binary.LittleEndian.Uint64(val[8:]))
		if usec < 0 || usec >= 1000000 {
			return abi.EDOM
		}
		if sec < 0 {
			sec, usec = 0, 0 // Linux: a negative timeout means none
		}
		tv := unix.NsecToTimeval(sec*1e9 + usec*1e3)
		return errOf(unix.SetsockoptTimeval(s.fd, hl, ho, &tv))
	case optLinger:
		if len(val) < abi.SizeofLinger {
			return abi.EINVAL
		}
		l := unix.Linger{Onoff: int32(binary.LittleEndian.Uint32(val)), Linger: int32(binary.LittleEndian.Uint32(val[4:]))}
		return errOf(unix.SetsockoptLinger(s.fd, hl, ho, &l))
	}
	if !hostRawOpt(level, opt) && level != abi.IPPROTO_IP && level != abi.IPPROTO_IPV6 {
		return s.unknownOpt(t, "setsockopt", level, opt)
	}
	return errOf(hostSetsockoptRaw(s.fd, hl, ho, val))
}

// protocol is SO_PROTOCOL: the protocol socket(2) chose.
func (s *hostSocket) protocol() int {
	if s.proto != 0 || s.family == abi.AF_UNIX {
		return s.proto
	}
	switch s.typ {
	case abi.SOCK_STREAM:
		return abi.IPPROTO_TCP
	case abi.SOCK_DGRAM:
		return abi.IPPROTO_UDP
	}
	return 0
}

// unknownOpt records an option carrick does not pass and returns Linux's
// answer for an option a protocol lacks.
func (s *hostSocket) unknownOpt(t *Task, call string, level, opt int) abi.Errno {
	t.p.compat.Record(call + " level " + itoa(uint64(level)) + " opt " + itoa(uint64(opt)))
	return abi.ENOPROTOOPT
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
