package procfs

import (
	"net"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// sockProc adds NetSocketLister.
type sockProc struct {
	*fakeProc
	socks []NetSocket
}

func (p sockProc) NetSockets() []NetSocket { return p.socks }

func sin(ip string, port int) []byte {
	b := make([]byte, 16)
	b[0] = abi.AF_INET
	b[2], b[3] = byte(port>>8), byte(port)
	copy(b[4:], net.ParseIP(ip).To4())
	return b
}

func sin6(ip string, port int) []byte {
	b := make([]byte, 28)
	b[0] = abi.AF_INET6
	b[2], b[3] = byte(port>>8), byte(port)
	copy(b[8:], net.ParseIP(ip).To16())
	return b
}

func pad(s string, w int) string { return s + strings.Repeat(" ", w-len(s)) + "\n" }

// The sockets of every process of the table, once each (the shared one by
// inode), in the kernel's formats: the expected lines are a Linux 6.18
// host's for the same sockets, but the pointer column (%pK, hashed there)
// and the UDP hash slot.
func TestProcNetSockets(t *testing.T) {
	a, b := testProc(), testProc()
	b.pid = 4300
	listen := NetSocket{Family: abi.AF_INET, Type: abi.SOCK_STREAM, Local: sin("0.0.0.0", 8081), State: TCPListen, Inode: 3310056}
	conn := NetSocket{Family: abi.AF_INET, Type: abi.SOCK_STREAM, Local: sin("127.0.0.1", 8081), Remote: sin("127.0.0.1", 60826),
		State: TCPEstablished, Inode: 3310060}
	udp := NetSocket{Family: abi.AF_INET, Type: abi.SOCK_DGRAM, Local: sin("127.0.0.1", 54321), State: TCPClose, Inode: 3310055}
	udp6 := NetSocket{Family: abi.AF_INET6, Type: abi.SOCK_DGRAM, Local: sin6("::1", 54322), State: TCPClose, Inode: 3310058}
	unix := NetSocket{Family: abi.AF_UNIX, Type: abi.SOCK_STREAM, State: TCPListen, Inode: 3310057, Path: "/tmp/nl/sock"}
	pr := NewProc(testSystem(), &fakeTable{procs: []Process{
		sockProc{a, []NetSocket{conn, listen, udp, unix}},
		sockProc{b, []NetSocket{listen, udp6}},
	}})
	o := opener{&pr.tree}
	tcpHead := pad("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode", 149)
	golden(t, "tcp", read(t, o, "/4242/net/tcp"), tcpHead+
		pad("   0: 00000000:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 3310056 1 0000000000000000 100 0 0 10 0", 149)+
		pad("   1: 0100007F:1F91 0100007F:ED9A 01 00000000:00000000 00:00000000 00000000     0        0 3310060 1 0000000000000000 20 0 0 10 -1", 149))
	golden(t, "udp", read(t, o, "/4242/net/udp"),
		pad("   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops", 127)+
			pad("    0: 0100007F:D431 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 3310055 2 0000000000000000 0", 127))
	golden(t, "udp6", read(t, o, "/4242/net/udp6"),
		"  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"+
			"    0: 00000000000000000000000001000000:D432 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 3310058 2 0000000000000000 0\n")
	golden(t, "tcp6", read(t, o, "/4242/net/tcp6"),
		"  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n")
	golden(t, "unix", read(t, o, "/4242/net/unix"), "Num       RefCount Protocol Flags    Type St Inode Path\n"+
		"0000000000000000: 00000002 00000000 00010000 0001 01 3310057 /tmp/nl/sock\n")
	if l, e := pr.Readlink("/net"); e != 0 || l != "self/net" {
		t.Errorf("/proc/net: %q %v", l, e)
	}
}

// dev, route and if_inet6 from the network snapshot.
func TestProcNetHost(t *testing.T) {
	n := &NetInfo{
		Links: []NetLink{
			{Index: 1, Name: "lo", Stats: NetStats{RxBytes: 8626103268, RxPackets: 302062, TxBytes: 8626103268, TxPackets: 302062}},
			{Index: 4, Name: "eth0", Stats: NetStats{RxBytes: 300776121, RxPackets: 12879, TxBytes: 973039, TxPackets: 10103}},
		},
		Addrs: []NetAddr{
			{Index: 1, IP: net.ParseIP("::1"), PrefixLen: 128, Scope: abi.RT_SCOPE_HOST},
			{Index: 4, IP: net.ParseIP("fe80::fc:ff:fe00:1"), PrefixLen: 64, Scope: abi.RT_SCOPE_LINK},
		},
		Routes: []NetRoute{
			{Family: abi.AF_INET, Table: abi.RT_TABLE_MAIN, Type: abi.RTN_UNICAST, Dst: net.IPv4zero.To4(), Gateway: net.ParseIP("192.0.2.1"), OIF: 4},
			{Family: abi.AF_INET, Table: abi.RT_TABLE_MAIN, Type: abi.RTN_UNICAST, Dst: net.ParseIP("192.0.2.0"), DstLen: 24, OIF: 4},
			{Family: abi.AF_INET, Table: abi.RT_TABLE_LOCAL, Type: abi.RTN_LOCAL, Dst: net.ParseIP("192.0.2.2"), DstLen: 32, OIF: 4},
		},
	}
	old := netInfo
	netInfo = func() *NetInfo { return n }
	defer func() { netInfo = old }()
	pr, _ := newTestProc()
	o := opener{&pr.tree}
	golden(t, "dev", read(t, o, "/4242/net/dev"), "Inter-|   Receive                                                |  Transmit\n"+
		" face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n"+
		"    lo: 8626103268  302062    0    0    0     0          0         0 8626103268  302062    0    0    0     0       0          0\n"+
		"  eth0: 300776121   12879    0    0    0     0          0         0   973039   10103    0    0    0     0       0          0\n")
	golden(t, "route", read(t, o, "/4242/net/route"),
		pad("Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT", 127)+
			pad("eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0", 127)+
			pad("eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0", 127))
	golden(t, "if_inet6", read(t, o, "/4242/net/if_inet6"),
		"00000000000000000000000000000001 01 80 10 80       lo\n"+
			"fe8000000000000000fc00fffe000001 04 40 20 80     eth0\n")
}
