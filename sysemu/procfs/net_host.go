package procfs

import (
	"bytes"
	"net"
	"sort"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// The host's network as the guest sees it (host networking): its links,
// addresses and routes, in Linux's terms. /proc/net/{dev,route} render
// from it and sysemu's synthesized NETLINK_ROUTE answers from it. The
// links and addresses come from Go's net package, the same on every host;
// facts it does not give are derived from those it does (see HostNet).

// NetLink is one network interface.
type NetLink struct {
	Index int
	Name  string
	MTU   int
	// HWAddr is the link-layer address (nil: none, as a tun device).
	HWAddr []byte
	// Flags are Linux's IFF_* bits, Type the ARPHRD_* hardware type and
	// OperState the IF_OPER_* state.
	Flags     uint32
	Type      uint16
	OperState uint8
	// TxQueueLen is the transmit queue length: the host's where it has
	// one (Linux), else Linux's default, DEFAULT_TX_QUEUE_LEN.
	TxQueueLen int
	// Stats are the interface counters the host reports (zero where it
	// does not).
	Stats NetStats
}

// NetStats are an interface's counters, the columns of /proc/net/dev.
type NetStats struct {
	RxBytes, RxPackets, RxErrs, RxDrop, RxFifo, RxFrame, RxCompressed, RxMulticast uint64
	TxBytes, TxPackets, TxErrs, TxDrop, TxFifo, TxColls, TxCarrier, TxCompressed   uint64
}

// NetAddr is one address of an interface.
type NetAddr struct {
	Index     int    // the interface's
	IP        net.IP // 4 bytes for IPv4, 16 for IPv6
	PrefixLen int
	Scope     uint8  // RT_SCOPE_*
	Broadcast net.IP // IPv4 on a broadcast interface; nil otherwise
	Label     string // IPv4: the interface name
}

// NetRoute is one route of the main or local table.
type NetRoute struct {
	Family   int // AF_INET or AF_INET6
	Table    uint8
	Type     uint8 // RTN_*
	Protocol uint8 // RTPROT_*
	Scope    uint8 // RT_SCOPE_*
	Dst      net.IP
	DstLen   int
	Gateway  net.IP // nil: directly connected
	PrefSrc  net.IP
	OIF      int
	Metric   uint32
}

// NetInfo is a snapshot of the host's network.
type NetInfo struct {
	Links  []NetLink
	Addrs  []NetAddr
	Routes []NetRoute
}

// Link returns the link with index i, or nil.
func (n *NetInfo) Link(i int) *NetLink {
	for k := range n.Links {
		if n.Links[k].Index == i {
			return &n.Links[k]
		}
	}
	return nil
}

// HostNet reads the host's network now. Flags are those Go's net package
// reports (up, broadcast, loopback, point-to-point, multicast, running),
// with LOWER_UP where running; the hardware type follows from the flags
// and the address length; the operational state is UNKNOWN for a
// loopback, UP for a running interface and DOWN otherwise. Routes are the
// ones Linux makes for the addresses (local, broadcast and prefix routes)
// and the host's other routes (net_host_linux.go, net_host_darwin.go).
func HostNet() *NetInfo {
	n := &NetInfo{}
	ifs, _ := net.Interfaces()
	stats := hostNetStats()
	for _, ifc := range ifs {
		l := NetLink{Index: ifc.Index, Name: ifc.Name, MTU: ifc.MTU, HWAddr: ifc.HardwareAddr, Stats: stats[ifc.Name], TxQueueLen: hostTxQueueLen(ifc.Name)}
		for _, f := range []struct {
			g net.Flags
			l uint32
		}{
			{net.FlagUp, abi.IFF_UP}, {net.FlagBroadcast, abi.IFF_BROADCAST}, {net.FlagLoopback, abi.IFF_LOOPBACK},
			{net.FlagPointToPoint, abi.IFF_POINTOPOINT}, {net.FlagMulticast, abi.IFF_MULTICAST},
			{net.FlagRunning, abi.IFF_RUNNING | abi.IFF_LOWER_UP},
		} {
			if ifc.Flags&f.g != 0 {
				l.Flags |= f.l
			}
		}
		switch {
		case l.Flags&abi.IFF_LOOPBACK != 0:
			l.Type = abi.ARPHRD_LOOPBACK
			if len(l.HWAddr) == 0 {
				l.HWAddr = make([]byte, 6) // Linux's lo has 00:00:00:00:00:00
			}
		case len(l.HWAddr) == 6:
			l.Type = abi.ARPHRD_ETHER
		default:
			l.Type = abi.ARPHRD_NONE
		}
		switch {
		case l.Flags&abi.IFF_UP == 0:
			l.OperState = abi.IF_OPER_DOWN
		case l.Flags&abi.IFF_LOOPBACK != 0:
			l.OperState = abi.IF_OPER_UNKNOWN
		case l.Flags&abi.IFF_RUNNING != 0:
			l.OperState = abi.IF_OPER_UP
		default:
			l.OperState = abi.IF_OPER_DOWN
		}
		n.Links = append(n.Links, l)
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			ones, bits := ipn.Mask.Size()
			na := NetAddr{Index: ifc.Index, PrefixLen: ones}
			if ip4 := ipn.IP.To4(); ip4 != nil && bits == 32 {
				na.IP, na.Label = ip4, ifc.Name
				if l.Flags&abi.IFF_BROADCAST != 0 && ones < 31 {
					na.Broadcast = make(net.IP, 4)
					for i := range ip4 {
						na.Broadcast[i] = ip4[i] | ^ipn.Mask[i]
					}
				}
			} else if bits == 128 {
				na.IP = ipn.IP.To16()
			} else {
				continue
			}
			na.Scope = addrScope(na.IP)
			n.Addrs = append(n.Addrs, na)
		}
	}
	sort.SliceStable(n.Links, func(i, j int) bool { return n.Links[i].Index < n.Links[j].Index })
	n.Routes = derivedRoutes(n)
	derived := len(n.Routes)
	for _, r := range hostRoutes() {
		if n.Link(r.OIF) == nil || hasRoute(n.Routes[:derived], r) {
			continue
		}
		n.Routes = append(n.Routes, r)
	}
	sortRoutes(n.Routes)
	return n
}

// addrScope is the scope Linux gives an address: host for loopback,
// link for IPv6 link-local, global otherwise.
func addrScope(ip net.IP) uint8 {
	switch {
	case ip.IsLoopback():
		return abi.RT_SCOPE_HOST
	case len(ip) == 16 && ip.IsLinkLocalUnicast():
		return abi.RT_SCOPE_LINK
	}
	return abi.RT_SCOPE_UNIVERSE
}

// derivedRoutes are the routes Linux adds for the addresses of the up
// interfaces (fib_add_ifaddr, addrconf): IPv4 local, broadcast and prefix
// routes (a loopback prefix is a local route), IPv6 local, prefix and
// multicast routes.
func derivedRoutes(n *NetInfo) []NetRoute {
	var out []NetRoute
	mc6 := map[int]bool{}
	for _, a := range n.Addrs {
		l := n.Link(a.Index)
		if l == nil || l.Flags&abi.IFF_UP == 0 {
			continue
		}
		if len(a.IP) == 4 {
			mask := net.CIDRMask(a.PrefixLen, 32)
			prefix := a.IP.Mask(mask)
			out = append(out, NetRoute{Family: abi.AF_INET, Table: abi.RT_TABLE_LOCAL, Type: abi.RTN_LOCAL,
				Protocol: abi.RTPROT_KERNEL, Scope: abi.RT_SCOPE_HOST, Dst: a.IP, DstLen: 32, PrefSrc: a.IP, OIF: a.Index})
			if a.PrefixLen == 32 {
				continue
			}
			if prefix[0] == 127 {
				out = append(out, NetRoute{Family: abi.AF_INET, Table: abi.RT_TABLE_LOCAL, Type: abi.RTN_LOCAL,
					Protocol: abi.RTPROT_KERNEL, Scope: abi.RT_SCOPE_HOST, Dst: prefix, DstLen: a.PrefixLen, PrefSrc: a.IP, OIF: a.Index})
			} else {
				out = append(out, NetRoute{Family: abi.AF_INET, Table: abi.RT_TABLE_MAIN, Type: abi.RTN_UNICAST,
					Protocol: abi.RTPROT_KERNEL, Scope: abi.RT_SCOPE_LINK, Dst: prefix, DstLen: a.PrefixLen, PrefSrc: a.IP, OIF: a.Index})
			}
			if a.PrefixLen < 31 {
				bc := make(net.IP, 4)
				for i := range bc {
					bc[i] = prefix[i] | ^mask[i]
				}
				out = append(out, NetRoute{Family: abi.AF_INET, Table: abi.RT_TABLE_LOCAL, Type: abi.RTN_BROADCAST,
					Protocol: abi.RTPROT_KERNEL, Scope: abi.RT_SCOPE_LINK, Dst: bc, DstLen: 32, PrefSrc: a.IP, OIF: a.Index})
			}
			continue
		}
		out = append(out, NetRoute{Family: abi.AF_INET6, Table: abi.RT_TABLE_LOCAL, Type: abi.RTN_LOCAL,
			Protocol: abi.RTPROT_KERNEL, Dst: a.IP, DstLen: 128, OIF: a.Index})
		if a.PrefixLen < 128 {
			out = append(out, NetRoute{Family: abi.AF_INET6, Table: abi.RT_TABLE_MAIN, Type: abi.RTN_UNICAST,
				Protocol: abi.RTPROT_KERNEL, Dst: a.IP.Mask(net.CIDRMask(a.PrefixLen, 128)), DstLen: a.PrefixLen,
				OIF: a.Index, Metric: 256})
		}
		if l.Flags&abi.IFF_MULTICAST != 0 && !mc6[a.Index] {
			mc6[a.Index] = true
			out = append(out, NetRoute{Family: abi.AF_INET6, Table: abi.RT_TABLE_LOCAL, Type: abi.RTN_MULTICAST,
				Protocol: abi.RTPROT_KERNEL, Dst: net.ParseIP("ff00::"), DstLen: 8, OIF: a.Index, Metric: 256})
		}
	}
	// Two addresses in one prefix make one prefix route.
	var dedup []NetRoute
	for _, r := range out {
		dup := false
		for _, d := range dedup {
			if d.Table == r.Table && d.Type == r.Type && d.DstLen == r.DstLen && d.Dst.Equal(r.Dst) && d.OIF == r.OIF {
				dup = true
				break
			}
		}
		if !dup {
			dedup = append(dedup, r)
		}
	}
	return dedup
}

// hasRoute reports whether rs has a route to r's destination in r's table
// through r's interface.
func hasRoute(rs []NetRoute, r NetRoute) bool {
	for _, o := range rs {
		if o.Family == r.Family && o.Table == r.Table && o.DstLen == r.DstLen && o.Dst.Equal(r.Dst) && o.OIF == r.OIF {
			return true
		}
	}
	return false
}

// sortRoutes puts routes in the order a Linux dump lists them: IPv4
// before IPv6, the main table before the local one; IPv4 by destination
// (the FIB trie's key order), IPv6 in the order of its radix tree's walk
// (a covering prefix after the routes it covers, the default route last).
func sortRoutes(rs []NetRoute) {
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.Family != b.Family {
			return a.Family == abi.AF_INET
		}
		if a.Table != b.Table {
			return a.Table < b.Table
		}
		if a.Family == abi.AF_INET {
			if c := bytes.Compare(a.Dst.To4(), b.Dst.To4()); c != 0 {
				return c < 0
			}
			return a.DstLen < b.DstLen
		}
		da, db := a.Dst.To16(), b.Dst.To16()
		common := min(a.DstLen, b.DstLen)
		for bit := 0; bit < common; bit++ {
			x, y := da[bit/8]>>(7-bit%8)&1, db[bit/8]>>(7-bit%8)&1
			if x != y {
				return x < y
			}
		}
		if a.DstLen != b.DstLen {
			return a.DstLen > b.DstLen
		}
		return a.Metric < b.Metric
	})
}
