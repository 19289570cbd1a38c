package procfs

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// /proc/net (a link to self/net) and /proc/<pid>/net: the host's
// interfaces and routes (HostNet, host networking), and the sockets the
// container's processes have open, in Linux 6.12's formats.

// NetSocket is one open socket as /proc/net/{tcp,tcp6,udp,udp6,unix}
// list it.
type NetSocket struct {
	Family, Type, Protocol int
	// Local and Remote are the addresses as Linux sockaddrs
	// (sockaddr_in, sockaddr_in6, sockaddr_un); empty: none.
	Local, Remote []byte
	// State is Linux's TCP state number (TCP_ESTABLISHED 1 … TCP_LISTEN
	// 10; 7, TCP_CLOSE, for an unconnected datagram socket; UNIX sockets
	// use 1 for connected and 10 for listening as well).
	State   int
	Inode   uint64
	UID     uint32
	RxQueue uint64
	TxQueue uint64
	// Path is a UNIX socket's name: a path, or "@name" for the abstract
	// namespace ("" for none).
	Path string
}

// TCP states (include/net/tcp_states.h).
const (
	TCPEstablished = 1
	TCPClose       = 7
	TCPListen      = 10
)

// NetSocketLister is implemented by processes whose open sockets
// /proc/net lists.
type NetSocketLister interface {
	NetSockets() []NetSocket
}

// netInfo is the network /proc/net shows (a variable for tests).
var netInfo = HostNet

// netDir is /proc/<pid>/net.
func (p *Proc) netDir() *node {
	text := func(render func() []byte) func() *node {
		return func() *node { return textNode(0o444, abi.EIO, render) }
	}
	socks := func(family, typ int) func() []NetSocket {
		return func() []NetSocket {
			var out []NetSocket
			for _, s := range p.sockets() {
				if s.Family == family && (typ == 0 || s.Type == typ) {
					out = append(out, s)
				}
			}
			return out
		}
	}
	return dirNode(0o555, []entry{
		fileEnt("dev", text(func() []byte { return renderNetDev(netInfo()) })),
		fileEnt("if_inet6", text(func() []byte { return renderIfInet6(netInfo()) })),
		fileEnt("route", text(func() []byte { return renderNetRoute(netInfo()) })),
		fileEnt("tcp", text(func() []byte { return renderTCP(socks(abi.AF_INET, abi.SOCK_STREAM)(), false) })),
		fileEnt("tcp6", text(func() []byte { return renderTCP(socks(abi.AF_INET6, abi.SOCK_STREAM)(), true) })),
		fileEnt("udp", text(func() []byte { return renderUDP(socks(abi.AF_INET, abi.SOCK_DGRAM)(), false) })),
		fileEnt("udp6", text(func() []byte { return renderUDP(socks(abi.AF_INET6, abi.SOCK_DGRAM)(), true) })),
		fileEnt("unix", text(func() []byte { return renderUnix(socks(abi.AF_UNIX, 0)()) })),
	})
}

// sockets gathers the sockets of every process of the table, once each
// (a socket shared by fork is one line), by inode.
func (p *Proc) sockets() []NetSocket {
	seen := map[uint64]bool{}
	var out []NetSocket
	for _, pid := range p.table.Pids() {
		proc := p.table.Lookup(pid)
		l, ok := proc.(NetSocketLister)
		if !ok {
			continue
		}
		for _, s := range l.NetSockets() {
			if s.Inode != 0 && seen[s.Inode] {
				continue
			}
			seen[s.Inode] = true
			out = append(out, s)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Inode < out[j].Inode })
	return out
}

// inetAddr decodes a sockaddr_in or sockaddr_in6 into its address bytes
// (4 or 16, zero when absent) and port.
func inetAddr(sa []byte, v6 bool) ([]byte, uint16) {
	n := 4
	if v6 {
		n = 16
	}
	ip := make([]byte, n)
	if len(sa) < 4 {
		return ip, 0
	}
	port := binary.BigEndian.Uint16(sa[2:])
	if v6 && len(sa) >= 24 {
		copy(ip, sa[8:24])
	} else if !v6 && len(sa) >= 8 {
		copy(ip, sa[4:8])
	}
	return ip, port
}

// hexAddr prints an address as the kernel's %08X of its 32-bit words in
// memory (little-endian on arm64): 127.0.0.1 is 0100007F.
func hexAddr(ip []byte) string {
	var b strings.Builder
	for i := 0; i+4 <= len(ip); i += 4 {
		fmt.Fprintf(&b, "%08X", binary.LittleEndian.Uint32(ip[i:]))
	}
	return b.String()
}

// padLine pads a line to width with spaces (seq_pad) and ends it.
func padLine(b *bytes.Buffer, line string, width int) {
	b.WriteString(line)
	for i := len(line); i < width; i++ {
		b.WriteByte(' ')
	}
	b.WriteByte('\n')
}

// renderTCP is /proc/net/tcp or tcp6 (tcp4_seq_show, tcp6_seq_show).
// Timers, retransmits and the congestion figures are a new socket's:
// carrick does not see the host's TCP internals.
func renderTCP(socks []NetSocket, v6 bool) []byte {
	var b bytes.Buffer
	if v6 {
		b.WriteString("  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n")
	} else {
		padLine(&b, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode", 149)
	}
	for i, s := range socks {
		la, lp := inetAddr(s.Local, v6)
		ra, rp := inetAddr(s.Remote, v6)
		tail := "20 0 0 10 -1" // rto (TCP_RTO_MIN), ato, quick|pingpong, cwnd, ssthresh
		if s.State == TCPListen {
			tail = "100 0 0 10 0"
		}
		line := fmt.Sprintf("%4d: %s:%04X %s:%04X %02X %08X:%08X %02X:%08X %08X %5d %8d %d %d %016x %s",
			i, hexAddr(la), lp, hexAddr(ra), rp, s.State, uint32(s.TxQueue), uint32(s.RxQueue), 0, 0, 0, s.UID, 0, s.Inode, 1, 0, tail)
		if v6 {
			b.WriteString(line + "\n")
		} else {
			padLine(&b, line, 149)
		}
	}
	return b.Bytes()
}

// renderUDP is /proc/net/udp or udp6 (udp4_seq_show, udp6_seq_show). The
// first column is the socket's hash slot on Linux (salted per network
// namespace); here it numbers the lines.
func renderUDP(socks []NetSocket, v6 bool) []byte {
	var b bytes.Buffer
	if v6 {
		b.WriteString("  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n")
	} else {
		padLine(&b, "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops", 127)
	}
	for i, s := range socks {
		la, lp := inetAddr(s.Local, v6)
		ra, rp := inetAddr(s.Remote, v6)
		st := s.State
		if st == 0 {
			st = TCPClose
		}
		line := fmt.Sprintf("%5d: %s:%04X %s:%04X %02X %08X:%08X %02X:%08X %08X %5d %8d %d %d %016x %d",
			i, hexAddr(la), lp, hexAddr(ra), rp, st, uint32(s.TxQueue), uint32(s.RxQueue), 0, 0, 0, s.UID, 0, s.Inode, 2, 0, 0)
		if v6 {
			b.WriteString(line + "\n")
		} else {
			padLine(&b, line, 127)
		}
	}
	return b.Bytes()
}

// renderUnix is /proc/net/unix (unix_seq_show).
func renderUnix(socks []NetSocket) []byte {
	var b bytes.Buffer
	b.WriteString("Num       RefCount Protocol Flags    Type St Inode Path\n")
	for _, s := range socks {
		flags, st := 0, 1 // SS_UNCONNECTED
		switch s.State {
		case TCPListen:
			flags = 1 << 16 // __SO_ACCEPTCON
		case TCPEstablished:
			st = 3 // SS_CONNECTED
		}
		fmt.Fprintf(&b, "%016x: %08X %08X %08X %04X %02X %5d", 0, 2, 0, flags, s.Type, st, s.Inode)
		if s.Path != "" {
			b.WriteString(" " + s.Path)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// renderNetDev is /proc/net/dev (dev_seq_show).
func renderNetDev(n *NetInfo) []byte {
	var b bytes.Buffer
	b.WriteString("Inter-|   Receive                                                |  Transmit\n")
	b.WriteString(" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n")
	for _, l := range n.Links {
		s := l.Stats
		fmt.Fprintf(&b, "%6s: %7d %7d %4d %4d %4d %5d %10d %9d %8d %7d %4d %4d %4d %5d %7d %10d\n", l.Name,
			s.RxBytes, s.RxPackets, s.RxErrs, s.RxDrop, s.RxFifo, s.RxFrame, s.RxCompressed, s.RxMulticast,
			s.TxBytes, s.TxPackets, s.TxErrs, s.TxDrop, s.TxFifo, s.TxColls, s.TxCarrier, s.TxCompressed)
	}
	return b.Bytes()
}

// renderNetRoute is /proc/net/route (fib_route_seq_show): the main
// table's IPv4 routes but broadcast and multicast ones.
func renderNetRoute(n *NetInfo) []byte {
	var b bytes.Buffer
	padLine(&b, "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT", 127)
	for _, r := range n.Routes {
		if r.Family != abi.AF_INET || r.Table != abi.RT_TABLE_MAIN || r.Type == abi.RTN_BROADCAST || r.Type == abi.RTN_MULTICAST {
			continue
		}
		l := n.Link(r.OIF)
		if l == nil {
			continue
		}
		mask := make([]byte, 4)
		for i := 0; i < r.DstLen; i++ {
			mask[i/8] |= 0x80 >> (i % 8)
		}
		flags := abi.RTF_UP
		gw := make([]byte, 4)
		if r.Gateway != nil {
			flags |= abi.RTF_GATEWAY
			copy(gw, r.Gateway.To4())
		}
		if r.DstLen == 32 {
			flags |= abi.RTF_HOST
		}
		padLine(&b, fmt.Sprintf("%s\t%s\t%s\t%04X\t%d\t%d\t%d\t%s\t%d\t%d\t%d", l.Name, hexAddr(r.Dst.To4()), hexAddr(gw),
			flags, 0, 0, r.Metric, hexAddr(mask), 0, 0, 0), 127)
	}
	return b.Bytes()
}

// renderIfInet6 is /proc/net/if_inet6 (if6_seq_show): address, interface
// index, prefix length, scope (IPV6_ADDR_SCOPE_MASK bits), flags, name.
func renderIfInet6(n *NetInfo) []byte {
	var b bytes.Buffer
	for _, a := range n.Addrs {
		if len(a.IP) != 16 {
			continue
		}
		l := n.Link(a.Index)
		if l == nil {
			continue
		}
		scope := 0x00
		switch a.Scope {
		case abi.RT_SCOPE_HOST:
			scope = 0x10
		case abi.RT_SCOPE_LINK:
			scope = 0x20
		}
		fmt.Fprintf(&b, "%x %02x %02x %02x %02x %8s\n", []byte(a.IP), a.Index, a.PrefixLen, scope, abi.IFA_F_PERMANENT, l.Name)
	}
	return b.Bytes()
}
