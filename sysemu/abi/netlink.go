package abi

// Netlink and rtnetlink: the Linux numbers and layouts (linux/netlink.h,
// linux/rtnetlink.h, linux/if_link.h, linux/if_addr.h, linux/if.h,
// linux/if_arp.h). Little-endian, as on arm64.

// Netlink protocols (socket(AF_NETLINK, type, proto)).
const (
	NETLINK_ROUTE   = 0
	NETLINK_MAXPROT = 32 // MAX_LINKS
)

// SOL_NETLINK options.
const (
	SOL_NETLINK = 270

	NETLINK_ADD_MEMBERSHIP   = 1
	NETLINK_DROP_MEMBERSHIP  = 2
	NETLINK_PKTINFO          = 3
	NETLINK_BROADCAST_ERROR  = 4
	NETLINK_NO_ENOBUFS       = 5
	NETLINK_LISTEN_ALL_NSID  = 8
	NETLINK_LIST_MEMBERSHIPS = 9
	NETLINK_CAP_ACK          = 10
	NETLINK_EXT_ACK          = 11
	NETLINK_GET_STRICT_CHK   = 12
)

// Message types below NLMSG_MIN_TYPE are control messages.
const (
	NLMSG_NOOP     = 1
	NLMSG_ERROR    = 2
	NLMSG_DONE     = 3
	NLMSG_OVERRUN  = 4
	NLMSG_MIN_TYPE = 0x10
)

// nlmsg_flags.
const (
	NLM_F_REQUEST   = 0x01
	NLM_F_MULTI     = 0x02
	NLM_F_ACK       = 0x04
	NLM_F_ECHO      = 0x08
	NLM_F_DUMP_INTR = 0x10
	NLM_F_ROOT      = 0x100
	NLM_F_MATCH     = 0x200
	NLM_F_DUMP      = NLM_F_ROOT | NLM_F_MATCH
	// NLM_F_CAPPED and NLM_F_ACK_TLVS are flags of NLMSG_ERROR.
	NLM_F_CAPPED   = 0x100
	NLM_F_ACK_TLVS = 0x200
)

// rtnetlink message types: RTM_BASE is 16, each object has NEW, DEL, GET
// and SET in that order (kind = (type-16)&3; 2 is GET).
const (
	RTM_BASE     = 16
	RTM_NEWLINK  = 16
	RTM_DELLINK  = 17
	RTM_GETLINK  = 18
	RTM_SETLINK  = 19
	RTM_NEWADDR  = 20
	RTM_DELADDR  = 21
	RTM_GETADDR  = 22
	RTM_NEWROUTE = 24
	RTM_DELROUTE = 25
	RTM_GETROUTE = 26
	RTM_MAX      = 123 // ((__RTM_MAX + 3) &^ 3) - 1, __RTM_MAX after RTM_GETTUNNEL (122)
)

// Link attributes (IFLA_*).
const (
	IFLA_ADDRESS       = 1
	IFLA_BROADCAST     = 2
	IFLA_IFNAME        = 3
	IFLA_MTU           = 4
	IFLA_LINK          = 5
	IFLA_QDISC         = 6
	IFLA_STATS         = 7
	IFLA_TXQLEN        = 13
	IFLA_MAP           = 14
	IFLA_OPERSTATE     = 16
	IFLA_LINKMODE      = 17
	IFLA_STATS64       = 23
	IFLA_AF_SPEC       = 26
	IFLA_GROUP         = 27
	IFLA_PROMISCUITY   = 30
	IFLA_NUM_TX_QUEUES = 31
	IFLA_NUM_RX_QUEUES = 32
	IFLA_CARRIER       = 33
	IFLA_MIN_MTU       = 50
	IFLA_MAX_MTU       = 51
	IFLA_EXT_MASK      = 29
)

// Address attributes (IFA_*) and flags.
const (
	IFA_ADDRESS   = 1
	IFA_LOCAL     = 2
	IFA_LABEL     = 3
	IFA_BROADCAST = 4
	IFA_ANYCAST   = 5
	IFA_CACHEINFO = 6
	IFA_MULTICAST = 7
	IFA_FLAGS     = 8

	IFA_F_SECONDARY = 0x01
	IFA_F_NODAD     = 0x02
	IFA_F_PERMANENT = 0x80
)

// Route attributes (RTA_*), tables, protocols, scopes and types.
const (
	RTA_DST       = 1
	RTA_SRC       = 2
	RTA_IIF       = 3
	RTA_OIF       = 4
	RTA_GATEWAY   = 5
	RTA_PRIORITY  = 6
	RTA_PREFSRC   = 7
	RTA_METRICS   = 8
	RTA_CACHEINFO = 12
	RTA_TABLE     = 15
	RTA_PREF      = 20

	RT_TABLE_UNSPEC = 0
	RT_TABLE_MAIN   = 254
	RT_TABLE_LOCAL  = 255

	RTPROT_KERNEL = 2
	RTPROT_BOOT   = 3
	RTPROT_RA     = 9

	RT_SCOPE_UNIVERSE = 0
	RT_SCOPE_LINK     = 253
	RT_SCOPE_HOST     = 254

	RTN_UNICAST   = 1
	RTN_LOCAL     = 2
	RTN_BROADCAST = 3
	RTN_MULTICAST = 5
)

// Interface flags (ifi_flags) and operational states (IFLA_OPERSTATE).
const (
	IFF_UP          = 0x1
	IFF_BROADCAST   = 0x2
	IFF_LOOPBACK    = 0x8
	IFF_POINTOPOINT = 0x10
	IFF_RUNNING     = 0x40
	IFF_NOARP       = 0x80
	IFF_MULTICAST   = 0x1000
	IFF_LOWER_UP    = 0x10000

	IF_OPER_UNKNOWN = 0
	IF_OPER_DOWN    = 2
	IF_OPER_UP      = 6
)

// Hardware types (ifi_type).
const (
	ARPHRD_ETHER    = 1
	ARPHRD_LOOPBACK = 772
	ARPHRD_NONE     = 0xfffe
)

// Routing flags of /proc/net/route (linux/route.h).
const (
	RTF_UP      = 0x0001
	RTF_GATEWAY = 0x0002
	RTF_HOST    = 0x0004
)

// Netlink sizes.
const (
	SizeofNlMsghdr        = 16
	SizeofNlMsgerr        = 20
	SizeofRtAttr          = 4
	SizeofIfInfomsg       = 16
	SizeofIfAddrmsg       = 8
	SizeofRtMsg           = 12
	SizeofRtGenmsg        = 1
	SizeofIfaCacheinfo    = 16
	SizeofRtaCacheinfo    = 32
	SizeofRtnlLinkStats   = 96
	SizeofRtnlLinkStats64 = 200
)

// NlMsghdr is struct nlmsghdr.
type NlMsghdr struct {
	Len   uint32
	Type  uint16
	Flags uint16
	Seq   uint32
	Pid   uint32
}

// NlMsgerr is struct nlmsgerr: the error (0 for an ACK, a negative
// errno) and the header of the request it answers.
type NlMsgerr struct {
	Error int32
	Msg   NlMsghdr
}

// SockaddrNl is struct sockaddr_nl.
type SockaddrNl struct {
	Family uint16
	Pad    uint16
	Pid    uint32
	Groups uint32
}

// RtAttr is struct rtattr (and struct nlattr, the same layout).
type RtAttr struct {
	Len  uint16
	Type uint16
}

// IfInfomsg is struct ifinfomsg.
type IfInfomsg struct {
	Family uint8
	_      uint8
	Type   uint16
	Index  int32
	Flags  uint32
	Change uint32
}

// IfAddrmsg is struct ifaddrmsg.
type IfAddrmsg struct {
	Family    uint8
	Prefixlen uint8
	Flags     uint8
	Scope     uint8
	Index     uint32
}

// RtMsg is struct rtmsg.
type RtMsg struct {
	Family   uint8
	DstLen   uint8
	SrcLen   uint8
	Tos      uint8
	Table    uint8
	Protocol uint8
	Scope    uint8
	Type     uint8
	Flags    uint32
}

// IfaCacheinfo is struct ifa_cacheinfo (IFA_CACHEINFO).
type IfaCacheinfo struct {
	Prefered uint32
	Valid    uint32
	Cstamp   uint32
	Tstamp   uint32
}

// RtaCacheinfo is struct rta_cacheinfo (RTA_CACHEINFO).
type RtaCacheinfo struct {
	Clntref, Lastuse           uint32
	Expires                    int32
	Error, Used, ID, Ts, Tsage uint32
}

// RtnlLinkStats64 is struct rtnl_link_stats64 (IFLA_STATS64); IFLA_STATS
// is the same counters as 24 uint32s.
type RtnlLinkStats64 struct {
	RxPackets, TxPackets, RxBytes, TxBytes, RxErrors, TxErrors, RxDropped, TxDropped       uint64
	Multicast, Collisions                                                                  uint64
	RxLengthErrors, RxOverErrors, RxCRCErrors, RxFrameErrors, RxFIFOErrors, RxMissedErrors uint64
	TxAbortedErrors, TxCarrierErrors, TxFIFOErrors, TxHeartbeatErrors, TxWindowErrors      uint64
	RxCompressed, TxCompressed, RxNohandler, RxOtherhostDropped                            uint64
}

// NlmsgAlign rounds a netlink length up to NLMSG_ALIGNTO (4); attributes
// align the same way (RTA_ALIGN, NLA_ALIGN).
func NlmsgAlign(n int) int { return (n + 3) &^ 3 }
