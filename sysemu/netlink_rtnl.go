package sysemu

import (
	"encoding/binary"
	"net"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/procfs"
)

// The kernel side of NETLINK_ROUTE: netlink_rcv_skb's loop over the
// messages of one send, rtnetlink_rcv_msg's checks, and the link, address
// and route messages as rtnl_fill_ifinfo, inet_fill_ifaddr,
// inet6_fill_ifaddr, fib_dump_info and rt6_fill_node lay them out.

// hostNet is the host's network as the replies show it (a variable for
// tests).
var hostNet = procfs.HostNet

// nlDump is a dump in progress: its messages, handed out a datagram at a
// time, then NLMSG_DONE in a datagram of its own.
type nlDump struct {
	msgs     [][]byte
	done     []byte
	doneSent bool
}

// next is the next datagram: as many whole messages as fit in size (at
// least one), or NLMSG_DONE.
func (d *nlDump) next(size int) []byte {
	if len(d.msgs) == 0 {
		d.doneSent = true
		return d.done
	}
	var out []byte
	for len(d.msgs) > 0 && (len(out) == 0 || len(out)+len(d.msgs[0]) <= size) {
		out = append(out, d.msgs[0]...)
		d.msgs = d.msgs[1:]
	}
	return out
}

func (d *nlDump) finished() bool { return d.doneSent }

// input processes the messages of one send (netlink_rcv_skb): a message
// whose length is short or runs past the buffer ends the processing
// silently; every message that fails, or asks for it with NLM_F_ACK, gets
// an NLMSG_ERROR; a dump's replies replace the acknowledgement.
func (s *netlinkSocket) input(t *Task, buf []byte) {
	defer s.changed()
	for len(buf) >= abi.SizeofNlMsghdr {
		h := parseNlMsghdr(buf)
		if h.Len < abi.SizeofNlMsghdr || int(h.Len) > len(buf) {
			return
		}
		msg := buf[:h.Len]
		var e abi.Errno
		dumping := false
		if h.Flags&abi.NLM_F_REQUEST != 0 && h.Type >= abi.NLMSG_MIN_TYPE {
			e, dumping = s.rtnl(t, h, msg)
		}
		if !dumping && (h.Flags&abi.NLM_F_ACK != 0 || e != 0) {
			ack := s.ackMsg(h, msg, e)
			s.mu.Lock()
			s.queue = append(s.queue, ack)
			s.mu.Unlock()
		}
		adv := min(abi.NlmsgAlign(int(h.Len)), len(buf))
		buf = buf[adv:]
	}
}

func parseNlMsghdr(b []byte) abi.NlMsghdr {
	le := binary.LittleEndian
	return abi.NlMsghdr{Len: le.Uint32(b), Type: le.Uint16(b[4:]), Flags: le.Uint16(b[6:]), Seq: le.Uint32(b[8:]), Pid: le.Uint32(b[12:])}
}

// ackMsg is the NLMSG_ERROR answering req (netlink_ack): an ACK (error
// 0) or the error, with the request's header, or the whole request for an
// error unless NETLINK_CAP_ACK is set.
func (s *netlinkSocket) ackMsg(h abi.NlMsghdr, req []byte, e abi.Errno) []byte {
	s.mu.Lock()
	capAck, portid := s.capAck, s.portid
	s.mu.Unlock()
	var flags uint16
	echo := req
	if e == 0 || capAck {
		flags = abi.NLM_F_CAPPED
		echo = req[:abi.SizeofNlMsghdr]
	}
	var b nlBuilder
	m := b.begin(abi.NLMSG_ERROR, flags, h.Seq, portid)
	b.u32(uint32(-int32(e)))
	b.raw(echo)
	b.end(m)
	return b.buf
}

// rtnl answers one request (rtnetlink_rcv_msg). dumping reports that a
// dump was started: its replies take the acknowledgement's place.
func (s *netlinkSocket) rtnl(t *Task, h abi.NlMsghdr, msg []byte) (e abi.Errno, dumping bool) {
	typ := int(h.Type)
	if typ > abi.RTM_MAX {
		return abi.EOPNOTSUPP, false
	}
	payload := msg[abi.SizeofNlMsghdr:]
	if len(payload) < abi.SizeofRtGenmsg {
		return 0, false
	}
	family := int(payload[0])
	if (typ-abi.RTM_BASE)&3 != 2 {
		// Changing the host's links, addresses or routes: refused as
		// in a container without CAP_NET_ADMIN.
		t.p.compat.Record("flag:rtnetlink message type " + itoa(uint64(typ)) + " (changes the host's network)")
		return abi.EPERM, false
	}
	s.mu.Lock()
	portid := s.portid
	s.mu.Unlock()
	if h.Flags&abi.NLM_F_DUMP == 0 {
		if typ == abi.RTM_GETLINK {
			return s.getLink(h, payload, portid)
		}
		t.p.compat.Record("flag:rtnetlink get type " + itoa(uint64(typ)) + " without NLM_F_DUMP")
		return abi.EOPNOTSUPP, false
	}
	var msgs [][]byte
	n := hostNet()
	switch typ {
	case abi.RTM_GETLINK:
		for i := range n.Links {
			msgs = append(msgs, linkMsg(&n.Links[i], abi.NLM_F_MULTI, h.Seq, portid))
		}
	case abi.RTM_GETADDR:
		for _, fam := range dumpFamilies(family) {
			for _, a := range n.Addrs {
				if (len(a.IP) == 4) == (fam == abi.AF_INET) {
					msgs = append(msgs, addrMsg(a, h.Seq, portid))
				}
			}
		}
	case abi.RTM_GETROUTE:
		for _, fam := range dumpFamilies(family) {
			for _, r := range n.Routes {
				if r.Family == fam {
					msgs = append(msgs, routeMsg(r, h.Seq, portid))
				}
			}
		}
	default:
		t.p.compat.Record("flag:rtnetlink dump type " + itoa(uint64(typ)))
		return abi.EOPNOTSUPP, false
	}
	var b nlBuilder
	m := b.begin(abi.NLMSG_DONE, abi.NLM_F_MULTI, h.Seq, portid)
	b.u32(0)
	b.end(m)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dump != nil {
		return abi.EBUSY, false
	}
	s.dump = &nlDump{msgs: msgs, done: b.buf}
	// netlink_dump_start fills the first datagram at once.
	s.queue = append(s.queue, s.dump.next(s.dumpSize()))
	if s.dump.finished() {
		s.dump = nil
	}
	return 0, true
}

// dumpFamilies are the address families a dump of family covers: its
// own, or all of them (rtnl_dump_all) for AF_UNSPEC and families without
// a handler of their own.
func dumpFamilies(family int) []int {
	switch family {
	case abi.AF_INET, abi.AF_INET6:
		return []int{family}
	}
	return []int{abi.AF_INET, abi.AF_INET6}
}

// getLink answers RTM_GETLINK without NLM_F_DUMP (rtnl_getlink): the link
// by ifi_index, else by IFLA_IFNAME.
func (s *netlinkSocket) getLink(h abi.NlMsghdr, payload []byte, portid uint32) (abi.Errno, bool) {
	if len(payload) < abi.SizeofIfInfomsg {
		return abi.EINVAL, false
	}
	index := int(int32(binary.LittleEndian.Uint32(payload[4:])))
	var name string
	for a := payload[abi.SizeofIfInfomsg:]; len(a) >= abi.SizeofRtAttr; {
		l, typ := int(binary.LittleEndian.Uint16(a)), binary.LittleEndian.Uint16(a[2:])
		if l < abi.SizeofRtAttr || l > len(a) {
			break
		}
		if typ&0x3fff == abi.IFLA_IFNAME {
			v := a[abi.SizeofRtAttr:l]
			for i, c := range v {
				if c == 0 {
					v = v[:i]
					break
				}
			}
			name = string(v)
		}
		a = a[min(abi.NlmsgAlign(l), len(a)):]
	}
	if index <= 0 && name == "" {
		return abi.EINVAL, false
	}
	n := hostNet()
	for i := range n.Links {
		l := &n.Links[i]
		if index > 0 && l.Index == index || index <= 0 && l.Name == name {
			s.mu.Lock()
			s.queue = append(s.queue, linkMsg(l, 0, h.Seq, portid))
			s.mu.Unlock()
			return 0, false
		}
	}
	return abi.ENODEV, false
}

// nlBuilder appends netlink messages and attributes.
type nlBuilder struct{ buf []byte }

// begin starts a message; end(at) sets its length.
func (b *nlBuilder) begin(typ, flags uint16, seq, pid uint32) int {
	at := len(b.buf)
	var h [abi.SizeofNlMsghdr]byte
	binary.LittleEndian.PutUint16(h[4:], typ)
	binary.LittleEndian.PutUint16(h[6:], flags)
	binary.LittleEndian.PutUint32(h[8:], seq)
	binary.LittleEndian.PutUint32(h[12:], pid)
	b.buf = append(b.buf, h[:]...)
	return at
}

func (b *nlBuilder) end(at int) {
	binary.LittleEndian.PutUint32(b.buf[at:], uint32(len(b.buf)-at))
}

func (b *nlBuilder) raw(p []byte) {
	b.buf = append(b.buf, p...)
	b.pad()
}

func (b *nlBuilder) pad() {
	for len(b.buf)%4 != 0 {
		b.buf = append(b.buf, 0)
	}
}

func (b *nlBuilder) u32(v uint32) { b.buf = binary.LittleEndian.AppendUint32(b.buf, v) }

// attr appends an attribute (rtattr and its data, padded to 4).
func (b *nlBuilder) attr(typ uint16, data []byte) {
	b.buf = binary.LittleEndian.AppendUint16(b.buf, uint16(abi.SizeofRtAttr+len(data)))
	b.buf = binary.LittleEndian.AppendUint16(b.buf, typ)
	b.raw(data)
}

func (b *nlBuilder) attrU32(typ uint16, v uint32) {
	b.attr(typ, binary.LittleEndian.AppendUint32(nil, v))
}

func (b *nlBuilder) attrU8(typ uint16, v uint8) { b.attr(typ, []byte{v}) }

func (b *nlBuilder) attrStr(typ uint16, s string) { b.attr(typ, append([]byte(s), 0)) }

// linkMsg is RTM_NEWLINK for l, the attributes in rtnl_fill_ifinfo's
// order; those carrick cannot know (queue discipline, queue counts, MTU
// bounds) are left out.
func linkMsg(l *procfs.NetLink, flags uint16, seq, pid uint32) []byte {
	var b nlBuilder
	m := b.begin(abi.RTM_NEWLINK, flags, seq, pid)
	var ifi [abi.SizeofIfInfomsg]byte
	binary.LittleEndian.PutUint16(ifi[2:], l.Type)
	binary.LittleEndian.PutUint32(ifi[4:], uint32(l.Index))
	binary.LittleEndian.PutUint32(ifi[8:], l.Flags)
	b.raw(ifi[:])
	b.attrStr(abi.IFLA_IFNAME, l.Name)
	b.attrU32(abi.IFLA_TXQLEN, uint32(l.TxQueueLen))
	b.attrU8(abi.IFLA_OPERSTATE, l.OperState)
	b.attrU8(abi.IFLA_LINKMODE, 0)
	b.attrU32(abi.IFLA_MTU, uint32(l.MTU))
	b.attrU32(abi.IFLA_GROUP, 0)
	b.attrU32(abi.IFLA_PROMISCUITY, 0)
	var carrier uint8
	if l.Flags&abi.IFF_LOWER_UP != 0 {
		carrier = 1
	}
	b.attrU8(abi.IFLA_CARRIER, carrier)
	if len(l.HWAddr) > 0 {
		b.attr(abi.IFLA_ADDRESS, l.HWAddr)
		brd := make([]byte, len(l.HWAddr))
		if l.Type == abi.ARPHRD_ETHER {
			for i := range brd {
				brd[i] = 0xff
			}
		}
		b.attr(abi.IFLA_BROADCAST, brd)
	}
	st := l.Stats
	s64 := []uint64{st.RxPackets, st.TxPackets, st.RxBytes, st.TxBytes, st.RxErrs, st.TxErrs, st.RxDrop, st.TxDrop,
		st.RxMulticast, st.TxColls, 0, 0, 0, st.RxFrame, st.RxFifo, 0, 0, st.TxCarrier, st.TxFifo, 0, 0,
		st.RxCompressed, st.TxCompressed, 0, 0}
	var p64, p32 []byte
	for i, v := range s64 {
		p64 = binary.LittleEndian.AppendUint64(p64, v)
		if i < abi.SizeofRtnlLinkStats/4 {
			p32 = binary.LittleEndian.AppendUint32(p32, uint32(v))
		}
	}
	b.attr(abi.IFLA_STATS64, p64)
	b.attr(abi.IFLA_STATS, p32)
	b.end(m)
	return b.buf
}

// infinityLife is INFINITY_LIFE_TIME: a permanent address's lifetimes.
const infinityLife = 0xffffffff

// addrMsg is RTM_NEWADDR for a (multi-part: it is only sent in dumps).
// Addresses are permanent (configured, not autoconfigured with a
// lifetime) as far as carrick can tell.
func addrMsg(a procfs.NetAddr, seq, pid uint32) []byte {
	var b nlBuilder
	m := b.begin(abi.RTM_NEWADDR, abi.NLM_F_MULTI, seq, pid)
	fam := uint8(abi.AF_INET6)
	if len(a.IP) == 4 {
		fam = abi.AF_INET
	}
	b.raw([]byte{fam, uint8(a.PrefixLen), abi.IFA_F_PERMANENT, a.Scope})
	b.buf = binary.LittleEndian.AppendUint32(b.buf, uint32(a.Index))
	ci := make([]byte, abi.SizeofIfaCacheinfo)
	binary.LittleEndian.PutUint32(ci, infinityLife)
	binary.LittleEndian.PutUint32(ci[4:], infinityLife)
	if fam == abi.AF_INET {
		b.attr(abi.IFA_ADDRESS, a.IP)
		b.attr(abi.IFA_LOCAL, a.IP)
		if a.Broadcast != nil {
			b.attr(abi.IFA_BROADCAST, a.Broadcast)
		}
		b.attrStr(abi.IFA_LABEL, a.Label)
		b.attrU32(abi.IFA_FLAGS, abi.IFA_F_PERMANENT)
		b.attr(abi.IFA_CACHEINFO, ci)
	} else {
		b.attr(abi.IFA_ADDRESS, a.IP)
		b.attr(abi.IFA_CACHEINFO, ci)
		b.attrU32(abi.IFA_FLAGS, abi.IFA_F_PERMANENT)
	}
	b.end(m)
	return b.buf
}

// routeMsg is RTM_NEWROUTE for r (multi-part), laid out as fib_dump_info
// (IPv4) or rt6_fill_node (IPv6) do.
func routeMsg(r procfs.NetRoute, seq, pid uint32) []byte {
	var b nlBuilder
	m := b.begin(abi.RTM_NEWROUTE, abi.NLM_F_MULTI, seq, pid)
	b.raw([]byte{uint8(r.Family), uint8(r.DstLen), 0, 0, r.Table, r.Protocol, r.Scope, r.Type})
	b.u32(0)
	ip := func(v net.IP) []byte {
		if r.Family == abi.AF_INET {
			return v.To4()
		}
		return v.To16()
	}
	b.attrU32(abi.RTA_TABLE, uint32(r.Table))
	if r.DstLen > 0 {
		b.attr(abi.RTA_DST, ip(r.Dst))
	}
	if r.Family == abi.AF_INET {
		if r.Metric != 0 {
			b.attrU32(abi.RTA_PRIORITY, r.Metric)
		}
		if r.PrefSrc != nil {
			b.attr(abi.RTA_PREFSRC, ip(r.PrefSrc))
		}
		if r.Gateway != nil {
			b.attr(abi.RTA_GATEWAY, ip(r.Gateway))
		}
		b.attrU32(abi.RTA_OIF, uint32(r.OIF))
	} else {
		if r.PrefSrc != nil {
			b.attr(abi.RTA_PREFSRC, ip(r.PrefSrc))
		}
		b.attrU32(abi.RTA_PRIORITY, r.Metric)
		if r.Gateway != nil {
			b.attr(abi.RTA_GATEWAY, ip(r.Gateway))
		}
		b.attrU32(abi.RTA_OIF, uint32(r.OIF))
		b.attr(abi.RTA_CACHEINFO, make([]byte, abi.SizeofRtaCacheinfo))
		b.attrU8(abi.RTA_PREF, 0) // ICMPV6_ROUTER_PREF_MEDIUM
	}
	b.end(m)
	return b.buf
}
