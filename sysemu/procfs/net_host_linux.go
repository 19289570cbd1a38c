package procfs

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"net"
	"os"
	"strconv"
	"strings"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// The Linux host's routes and counters come from its own /proc/net.

// Flags of /proc/net/ipv6_route (linux/ipv6_route.h).
const (
	rtf6Reject   = 0x0200
	rtf6Addrconf = 0x00040000
	rtf6Cache    = 0x01000000
	rtf6Local    = 0x80000000
)

// hostRoutes are the host's main-table routes: IPv4 from /proc/net/route,
// IPv6 from /proc/net/ipv6_route (less the local, cached and reject
// entries). The protocol and preferred source are not in these files:
// routes the addresses imply are taken from derivedRoutes instead, the
// others are RTPROT_BOOT (RTPROT_RA for router-learned IPv6 ones).
func hostRoutes() []NetRoute {
	var out []NetRoute
	if f, err := os.Open("/proc/net/route"); err == nil {
		sc := bufio.NewScanner(f)
		sc.Scan() // header
		for sc.Scan() {
			fl := strings.Fields(sc.Text())
			if len(fl) < 8 {
				continue
			}
			ifc, err := net.InterfaceByName(fl[0])
			if err != nil {
				continue
			}
			dst, gw, mask := hexIP4(fl[1]), hexIP4(fl[2]), hexIP4(fl[7])
			flags, _ := strconv.ParseUint(fl[3], 16, 32)
			metric, _ := strconv.ParseUint(fl[6], 10, 32)
			if dst == nil || mask == nil || flags&abi.RTF_UP == 0 {
				continue
			}
			ones, _ := net.IPMask(mask).Size()
			r := NetRoute{Family: abi.AF_INET, Table: abi.RT_TABLE_MAIN, Type: abi.RTN_UNICAST, Protocol: abi.RTPROT_BOOT,
				Scope: abi.RT_SCOPE_LINK, Dst: dst, DstLen: ones, OIF: ifc.Index, Metric: uint32(metric)}
			if flags&abi.RTF_GATEWAY != 0 {
				r.Gateway, r.Scope = gw, abi.RT_SCOPE_UNIVERSE
			}
			out = append(out, r)
		}
		f.Close()
	}
	if f, err := os.Open("/proc/net/ipv6_route"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fl := strings.Fields(sc.Text())
			if len(fl) < 10 {
				continue
			}
			flags, _ := strconv.ParseUint(fl[8], 16, 32)
			if flags&(rtf6Local|rtf6Cache|rtf6Reject) != 0 || flags&abi.RTF_UP == 0 {
				continue
			}
			ifc, err := net.InterfaceByName(fl[9])
			if err != nil {
				continue
			}
			dst, _ := hex.DecodeString(fl[0])
			dlen, _ := strconv.ParseUint(fl[1], 16, 8)
			gw, _ := hex.DecodeString(fl[4])
			metric, _ := strconv.ParseUint(fl[5], 16, 32)
			if len(dst) != 16 || len(gw) != 16 || dst[0] == 0xff {
				continue
			}
			r := NetRoute{Family: abi.AF_INET6, Table: abi.RT_TABLE_MAIN, Type: abi.RTN_UNICAST, Protocol: abi.RTPROT_BOOT,
				Dst: dst, DstLen: int(dlen), OIF: ifc.Index, Metric: uint32(metric)}
			if flags&rtf6Addrconf != 0 {
				r.Protocol = abi.RTPROT_RA
			}
			if flags&abi.RTF_GATEWAY != 0 {
				r.Gateway = gw
			}
			out = append(out, r)
		}
		f.Close()
	}
	return out
}

// hostTxQueueLen is the interface's tx_queue_len from sysfs.
func hostTxQueueLen(name string) int {
	b, err := os.ReadFile("/sys/class/net/" + name + "/tx_queue_len")
	if err != nil {
		return 1000
	}
	v, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 1000
	}
	return v
}

// hexIP4 decodes an address of /proc/net/route: the in-memory (network
// order) bytes printed as a host-order hex word.
func hexIP4(s string) net.IP {
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return nil
	}
	ip := make(net.IP, 4)
	binary.LittleEndian.PutUint32(ip, uint32(v))
	return ip
}

// hostNetStats are the counters of /proc/net/dev, by interface name.
func hostNetStats() map[string]NetStats {
	out := map[string]NetStats{}
	data, err := os.ReadFile("/proc/net/dev")
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(data), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 16 {
			continue
		}
		var v [16]uint64
		for i := range v {
			v[i], _ = strconv.ParseUint(f[i], 10, 64)
		}
		out[strings.TrimSpace(name)] = NetStats{
			RxBytes: v[0], RxPackets: v[1], RxErrs: v[2], RxDrop: v[3], RxFifo: v[4], RxFrame: v[5], RxCompressed: v[6], RxMulticast: v[7],
			TxBytes: v[8], TxPackets: v[9], TxErrs: v[10], TxDrop: v[11], TxFifo: v[12], TxColls: v[13], TxCarrier: v[14], TxCompressed: v[15],
		}
	}
	return out
}
