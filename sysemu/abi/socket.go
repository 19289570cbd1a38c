package abi

// Sockets: the arm64 Linux numbers (include/linux/socket.h, net.h,
// asm-generic/socket.h, netinet/in.h, netinet/tcp.h, linux/in6.h). The host
// layer translates them where the host's differ (sysemu/host for darwin).

// Socket errnos (asm-generic/errno.h).
const (
	ENOTSOCK        Errno = 88
	EDESTADDRREQ    Errno = 89
	EMSGSIZE        Errno = 90
	EPROTOTYPE      Errno = 91
	ENOPROTOOPT     Errno = 92
	EPROTONOSUPPORT Errno = 93
	ESOCKTNOSUPPORT Errno = 94
	EPFNOSUPPORT    Errno = 96
	EAFNOSUPPORT    Errno = 97
	EADDRINUSE      Errno = 98
	EADDRNOTAVAIL   Errno = 99
	ENETDOWN        Errno = 100
	ENETUNREACH     Errno = 101
	ENETRESET       Errno = 102
	ECONNABORTED    Errno = 103
	ECONNRESET      Errno = 104
	ENOBUFS         Errno = 105
	EISCONN         Errno = 106
	ENOTCONN        Errno = 107
	ESHUTDOWN       Errno = 108
	ETOOMANYREFS    Errno = 109
	ECONNREFUSED    Errno = 111
	EHOSTDOWN       Errno = 112
	EHOSTUNREACH    Errno = 113
	EALREADY        Errno = 114
	EINPROGRESS     Errno = 115
)

func init() {
	errnoNames[ENOTSOCK] = "ENOTSOCK"
	errnoNames[EDESTADDRREQ] = "EDESTADDRREQ"
	errnoNames[EMSGSIZE] = "EMSGSIZE"
	errnoNames[EPROTOTYPE] = "EPROTOTYPE"
	errnoNames[ENOPROTOOPT] = "ENOPROTOOPT"
	errnoNames[EPROTONOSUPPORT] = "EPROTONOSUPPORT"
	errnoNames[ESOCKTNOSUPPORT] = "ESOCKTNOSUPPORT"
	errnoNames[EPFNOSUPPORT] = "EPFNOSUPPORT"
	errnoNames[EAFNOSUPPORT] = "EAFNOSUPPORT"
	errnoNames[EADDRINUSE] = "EADDRINUSE"
	errnoNames[EADDRNOTAVAIL] = "EADDRNOTAVAIL"
	errnoNames[ENETDOWN] = "ENETDOWN"
	errnoNames[ENETUNREACH] = "ENETUNREACH"
	errnoNames[ENETRESET] = "ENETRESET"
	errnoNames[ECONNABORTED] = "ECONNABORTED"
	errnoNames[ECONNRESET] = "ECONNRESET"
	errnoNames[ENOBUFS] = "ENOBUFS"
	errnoNames[EISCONN] = "EISCONN"
	errnoNames[ENOTCONN] = "ENOTCONN"
	errnoNames[ESHUTDOWN] = "ESHUTDOWN"
	errnoNames[ETOOMANYREFS] = "ETOOMANYREFS"
	errnoNames[ECONNREFUSED] = "ECONNREFUSED"
	errnoNames[EHOSTDOWN] = "EHOSTDOWN"
	errnoNames[EHOSTUNREACH] = "EHOSTUNREACH"
	errnoNames[EALREADY] = "EALREADY"
	errnoNames[EINPROGRESS] = "EINPROGRESS"
}

// Address families.
const (
	AF_UNSPEC  = 0
	AF_UNIX    = 1
	AF_INET    = 2
	AF_INET6   = 10
	AF_NETLINK = 16
	AF_PACKET  = 17
)

// Socket types and the flags socket(2), socketpair(2) and accept4(2) take
// with them.
const (
	SOCK_STREAM    = 1
	SOCK_DGRAM     = 2
	SOCK_RAW       = 3
	SOCK_RDM       = 4
	SOCK_SEQPACKET = 5
	SOCK_TYPE_MASK = 0xf
	SOCK_NONBLOCK  = 0x800
	SOCK_CLOEXEC   = 0x80000
)

// Protocols.
const (
	IPPROTO_IP   = 0
	IPPROTO_ICMP = 1
	IPPROTO_TCP  = 6
	IPPROTO_UDP  = 17
	IPPROTO_IPV6 = 41
)

// Option levels and SOL_SOCKET options.
const (
	SOL_SOCKET = 1
	SOL_TCP    = 6
	SOL_UDP    = 17

	SO_DEBUG        = 1
	SO_REUSEADDR    = 2
	SO_TYPE         = 3
	SO_ERROR        = 4
	SO_DONTROUTE    = 5
	SO_BROADCAST    = 6
	SO_SNDBUF       = 7
	SO_RCVBUF       = 8
	SO_KEEPALIVE    = 9
	SO_OOBINLINE    = 10
	SO_NO_CHECK     = 11
	SO_PRIORITY     = 12
	SO_LINGER       = 13
	SO_BSDCOMPAT    = 14
	SO_REUSEPORT    = 15
	SO_PASSCRED     = 16
	SO_PEERCRED     = 17
	SO_RCVLOWAT     = 18
	SO_SNDLOWAT     = 19
	SO_RCVTIMEO     = 20 // SO_RCVTIMEO_OLD: a struct timeval on 64-bit
	SO_SNDTIMEO     = 21
	SO_BINDTODEVICE = 25
	SO_TIMESTAMP    = 29
	SO_ACCEPTCONN   = 30
	SO_PEERSEC      = 31
	SO_SNDBUFFORCE  = 32
	SO_RCVBUFFORCE  = 33
	SO_PASSSEC      = 34
	SO_MARK         = 36
	SO_PROTOCOL     = 38
	SO_DOMAIN       = 39
	SO_RXQ_OVFL     = 40
	SO_PEEK_OFF     = 42
	SO_BUSY_POLL    = 46
	SO_INCOMING_CPU = 49
	SO_PEERGROUPS   = 59
	SO_ZEROCOPY     = 60
)

// IPPROTO_TCP options.
const (
	TCP_NODELAY       = 1
	TCP_MAXSEG        = 2
	TCP_CORK          = 3
	TCP_KEEPIDLE      = 4
	TCP_KEEPINTVL     = 5
	TCP_KEEPCNT       = 6
	TCP_SYNCNT        = 7
	TCP_LINGER2       = 8
	TCP_DEFER_ACCEPT  = 9
	TCP_WINDOW_CLAMP  = 10
	TCP_INFO          = 11
	TCP_QUICKACK      = 12
	TCP_CONGESTION    = 13
	TCP_USER_TIMEOUT  = 18
	TCP_FASTOPEN      = 23
	TCP_NOTSENT_LOWAT = 25
)

// IPPROTO_IP and IPPROTO_IPV6 options.
const (
	IP_TOS             = 1
	IP_TTL             = 2
	IP_HDRINCL         = 3
	IP_OPTIONS         = 4
	IP_PKTINFO         = 8
	IP_RECVERR         = 11
	IP_RECVTTL         = 12
	IP_RECVTOS         = 13
	IP_MTU_DISCOVER    = 10
	IP_MULTICAST_IF    = 32
	IP_MULTICAST_TTL   = 33
	IP_MULTICAST_LOOP  = 34
	IP_ADD_MEMBERSHIP  = 35
	IP_DROP_MEMBERSHIP = 36

	IPV6_UNICAST_HOPS   = 16
	IPV6_MULTICAST_IF   = 17
	IPV6_MULTICAST_HOPS = 18
	IPV6_MULTICAST_LOOP = 19
	IPV6_JOIN_GROUP     = 20
	IPV6_LEAVE_GROUP    = 21
	IPV6_V6ONLY         = 26
	IPV6_RECVPKTINFO    = 49
	IPV6_PKTINFO        = 50
	IPV6_RECVHOPLIMIT   = 51
	IPV6_HOPLIMIT       = 52
	IPV6_RECVTCLASS     = 66
	IPV6_TCLASS         = 67
)

// send/recv flags.
const (
	MSG_OOB          = 0x1
	MSG_PEEK         = 0x2
	MSG_DONTROUTE    = 0x4
	MSG_CTRUNC       = 0x8
	MSG_TRUNC        = 0x20
	MSG_DONTWAIT     = 0x40
	MSG_EOR          = 0x80
	MSG_WAITALL      = 0x100
	MSG_CONFIRM      = 0x800
	MSG_ERRQUEUE     = 0x2000
	MSG_NOSIGNAL     = 0x4000
	MSG_MORE         = 0x8000
	MSG_WAITFORONE   = 0x10000
	MSG_FASTOPEN     = 0x20000000
	MSG_CMSG_CLOEXEC = 0x40000000
)

// Control message types (SOL_SOCKET).
const (
	SCM_RIGHTS      = 1
	SCM_CREDENTIALS = 2
)

// shutdown(2)'s how.
const (
	SHUT_RD   = 0
	SHUT_WR   = 1
	SHUT_RDWR = 2
)

// SOMAXCONN is listen(2)'s cap on the backlog (net.core.somaxconn's
// default since Linux 5.4).
const SOMAXCONN = 4096

// Socket address and message sizes.
const (
	SizeofSockaddrInet4   = 16
	SizeofSockaddrInet6   = 28
	SizeofSockaddrUnix    = 110 // sun_family and a 108-byte sun_path
	SizeofSockaddrNl      = 12
	SizeofSockaddrStorage = 128
	SizeofMsghdr          = 56
	SizeofMmsghdr         = 64
	SizeofCmsghdr         = 16
	SizeofUcred           = 12
	SizeofLinger          = 8
)

// Msghdr is struct msghdr (linux/socket.h, user_msghdr), 56 bytes.
type Msghdr struct {
	Name       uint64
	Namelen    uint32
	_          uint32
	Iov        uint64
	Iovlen     uint64
	Control    uint64
	Controllen uint64
	Flags      uint32
	_          uint32
}

// Cmsghdr is struct cmsghdr, 16 bytes; data follows, aligned to 8.
type Cmsghdr struct {
	Len   uint64
	Level int32
	Type  int32
}

// Ucred is struct ucred (SO_PEERCRED, SCM_CREDENTIALS), 12 bytes.
type Ucred struct {
	Pid uint32
	UID uint32
	GID uint32
}

// Linger is struct linger, 8 bytes.
type Linger struct {
	Onoff  int32
	Linger int32
}

// CmsgAlign rounds a control message length up to Linux's alignment
// (sizeof(long)).
func CmsgAlign(n int) int { return (n + 7) &^ 7 }

// CmsgSpace is CMSG_SPACE: the room one message with n data bytes takes.
func CmsgSpace(n int) int { return SizeofCmsghdr + CmsgAlign(n) }

// CmsgLen is CMSG_LEN: the cmsg_len of one message with n data bytes.
func CmsgLen(n int) int { return SizeofCmsghdr + n }

// Socket and interface ioctls (linux/sockios.h, asm-generic/ioctls.h).
const (
	SIOCATMARK     = 0x8905
	SIOCOUTQ       = 0x5411 // TIOCOUTQ
	SIOCGIFNAME    = 0x8910
	SIOCSIFNAME    = 0x8923
	SIOCGIFCONF    = 0x8912
	SIOCGIFFLAGS   = 0x8913
	SIOCSIFFLAGS   = 0x8914
	SIOCGIFADDR    = 0x8915
	SIOCSIFADDR    = 0x8916
	SIOCGIFBRDADDR = 0x8919
	SIOCSIFBRDADDR = 0x891a
	SIOCGIFNETMASK = 0x891b
	SIOCSIFNETMASK = 0x891c
	SIOCGIFMTU     = 0x8921
	SIOCSIFMTU     = 0x8922
	SIOCSIFHWADDR  = 0x8924
	SIOCGIFHWADDR  = 0x8927
	SIOCGIFINDEX   = 0x8933
	SIOCGIFTXQLEN  = 0x8942
	SIOCSIFTXQLEN  = 0x8943
)

// splice(2) flags and the pipe-size fcntls.
const (
	SPLICE_F_MOVE     = 1
	SPLICE_F_NONBLOCK = 2
	SPLICE_F_MORE     = 4
	SPLICE_F_GIFT     = 8

	F_SETPIPE_SZ = 1031
	F_GETPIPE_SZ = 1032
)
