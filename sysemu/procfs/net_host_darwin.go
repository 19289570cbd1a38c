package procfs

import (
	"encoding/binary"
	"net"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// The macOS host's routes come from the routing table sysctl
// (net.routetable = CTL_NET.PF_ROUTE): only its default routes are
// shown, other entries (ARP and neighbour entries, cloned host routes)
// have no Linux counterpart in the main table. Interface counters are not
// read yet: /proc/net/dev shows zeros.

func hostNetStats() map[string]NetStats { return nil }

// hostTxQueueLen is Linux's default: macOS has no per-interface figure
// of that meaning.
func hostTxQueueLen(name string) int { return 1000 }

// rtMsghdrLen is sizeof(struct rt_msghdr) on darwin: 36 bytes of header
// and a 56-byte struct rt_metrics.
const rtMsghdrLen = 92

func hostRoutes() []NetRoute {
	var out []NetRoute
	for _, af := range []int{unix.AF_INET, unix.AF_INET6} {
		b, err := unix.SysctlRaw("net.routetable", 0, af, unix.NET_RT_DUMP, 0)
		if err != nil {
			continue
		}
		for len(b) >= rtMsghdrLen {
			n := int(binary.LittleEndian.Uint16(b))
			if n < rtMsghdrLen || n > len(b) {
				break
			}
			if r, ok := darwinDefaultRoute(b[:n], af); ok {
				out = append(out, r)
			}
			b = b[n:]
		}
	}
	return out
}

// darwinDefaultRoute reads one rt_msghdr and its addresses; ok for a
// default route through a gateway.
func darwinDefaultRoute(m []byte, af int) (NetRoute, bool) {
	index := int(binary.LittleEndian.Uint16(m[4:]))
	flags := binary.LittleEndian.Uint32(m[8:])
	addrs := binary.LittleEndian.Uint32(m[12:])
	if flags&unix.RTF_GATEWAY == 0 || flags&unix.RTF_UP == 0 || flags&unix.RTF_HOST != 0 {
		return NetRoute{}, false
	}
	var sas [unix.RTAX_MAX][]byte
	p := m[rtMsghdrLen:]
	for i := 0; i < unix.RTAX_MAX && len(p) > 0; i++ {
		if addrs&(1<<i) == 0 {
			continue
		}
		l := int(p[0])
		adv := 4
		if l > 0 {
			adv = (l + 3) &^ 3
		}
		if adv > len(p) {
			break
		}
		sas[i] = p[:l]
		p = p[adv:]
	}
	ip := func(sa []byte) net.IP {
		switch {
		case af == unix.AF_INET && len(sa) >= 8 && sa[1] == unix.AF_INET:
			return net.IP(append([]byte(nil), sa[4:8]...))
		case af == unix.AF_INET6 && len(sa) >= 24 && sa[1] == unix.AF_INET6:
			return net.IP(append([]byte(nil), sa[8:24]...))
		}
		return nil
	}
	dst, gw := ip(sas[unix.RTAX_DST]), ip(sas[unix.RTAX_GATEWAY])
	if dst == nil || gw == nil || !dst.IsUnspecified() {
		return NetRoute{}, false
	}
	// A default route's netmask is empty or all zero.
	for _, c := range sas[unix.RTAX_NETMASK][min(len(sas[unix.RTAX_NETMASK]), 2):] {
		if c != 0 {
			return NetRoute{}, false
		}
	}
	r := NetRoute{Family: abi.AF_INET, Table: abi.RT_TABLE_MAIN, Type: abi.RTN_UNICAST, Protocol: abi.RTPROT_BOOT,
		Dst: dst, Gateway: gw, OIF: index}
	if af == unix.AF_INET6 {
		r.Family, r.Metric = abi.AF_INET6, 1024
		if gw.IsLinkLocalUnicast() {
			gw[2], gw[3] = 0, 0 // KAME embeds the scope id in the address
		}
	}
	return r, true
}
