package sysemu

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/procfs"
)

// fakeNet replaces the host's network with n for the test.
func fakeNet(t *testing.T, n *procfs.NetInfo) {
	old := hostNet
	hostNet = func() *procfs.NetInfo { return n }
	t.Cleanup(func() { hostNet = old })
}

func nlRequest(typ, flags uint16, seq uint32, payload []byte) []byte {
	var b nlBuilder
	m := b.begin(typ, flags, seq, 0)
	b.raw(payload)
	b.end(m)
	return b.buf
}

func newTestNetlink(t *testing.T) (*netlinkSocket, *Task) {
	_, task := newSignalTestProcess()
	f, e := newNetlinkSocket(task, abi.SOCK_RAW, abi.NETLINK_ROUTE)
	if e != 0 {
		t.Fatal(e)
	}
	return f.(*netlinkSocket), task
}

func TestNetlinkSocketErrors(t *testing.T) {
	_, task := newSignalTestProcess()
	if _, e := newNetlinkSocket(task, abi.SOCK_STREAM, 0); e != abi.ESOCKTNOSUPPORT {
		t.Errorf("SOCK_STREAM: %v", e)
	}
	if _, e := newNetlinkSocket(task, abi.SOCK_DGRAM, 16); e != abi.EPROTONOSUPPORT {
		t.Errorf("NETLINK_GENERIC: %v", e)
	}
	if task.p.compat.Entries()[0].What != "flag:netlink protocol 16" {
		t.Errorf("not recorded: %v", task.p.compat.Entries())
	}
}

// The first socket of a process is bound to its pid, the next ones to
// -4096, -4097…; a port in use is EADDRINUSE; closing frees it.
func TestNetlinkPortids(t *testing.T) {
	s1, task := newTestNetlink(t)
	mk := func() *netlinkSocket {
		f, _ := newNetlinkSocket(task, abi.SOCK_RAW, 0)
		return f.(*netlinkSocket)
	}
	name := func(s *netlinkSocket) uint32 {
		b, _ := s.Sockname(task)
		return binary.LittleEndian.Uint32(b[4:])
	}
	if name(s1) != 0 {
		t.Fatal("unbound socket has a portid")
	}
	if e := s1.Bind(task, sockaddrNl(0, 0)); e != 0 || name(s1) != 100 {
		t.Fatalf("bind: %v, portid %d, want the pid 100", e, name(s1))
	}
	s2 := mk()
	s2.Write(task, nlRequest(abi.NLMSG_NOOP, abi.NLM_F_REQUEST, 1, []byte{0}))
	if int32(name(s2)) != -4096 {
		t.Fatalf("second socket autobound to %d, want -4096", int32(name(s2)))
	}
	s3 := mk()
	if e := s3.Bind(task, sockaddrNl(100, 0)); e != abi.EADDRINUSE {
		t.Fatalf("bind to a port in use: %v", e)
	}
	s1.Close()
	if e := s3.Bind(task, sockaddrNl(100, 0)); e != 0 {
		t.Fatalf("bind to a freed port: %v", e)
	}
	if e := s3.Bind(task, sockaddrNl(7, 0)); e != abi.EINVAL {
		t.Fatalf("rebinding elsewhere: %v", e)
	}
}

// An ACK and an error, byte for byte as netlink_ack builds them.
func TestNetlinkAck(t *testing.T) {
	s, task := newTestNetlink(t)
	fakeNet(t, &procfs.NetInfo{})
	s.Bind(task, sockaddrNl(0, 0))
	req := nlRequest(abi.RTM_GETLINK, abi.NLM_F_REQUEST|abi.NLM_F_ACK, 9, make([]byte, abi.SizeofIfInfomsg))
	binary.LittleEndian.PutUint32(req[20:], 5) // ifi_index 5: none
	s.Write(task, req)
	got := make([]byte, 100)
	n, e := s.Read(task, got)
	if e != 0 {
		t.Fatal(e)
	}
	want := []byte{52, 0, 0, 0, 2, 0, 0, 0, 9, 0, 0, 0, 100, 0, 0, 0, 0xed, 0xff, 0xff, 0xff}
	want = append(want, req...)
	if !bytes.Equal(got[:n], want) {
		t.Fatalf("ENODEV reply\n got % x\nwant % x", got[:n], want)
	}
	s.Write(task, nlRequest(abi.NLMSG_NOOP, abi.NLM_F_REQUEST|abi.NLM_F_ACK, 10, nil))
	n, _ = s.Read(task, got)
	want = []byte{36, 0, 0, 0, 2, 0, 0, 1, 10, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 0, 16, 0, 0, 0, 1, 0, 5, 0, 10, 0, 0, 0, 0, 0, 0, 0}
	if !bytes.Equal(got[:n], want) {
		t.Fatalf("ACK\n got % x\nwant % x", got[:n], want)
	}
	for _, typ := range []uint16{abi.RTM_NEWADDR, 200} {
		s.Write(task, nlRequest(typ, abi.NLM_F_REQUEST, 11, []byte{0}))
		n, _ = s.Read(task, got)
		err := -int32(binary.LittleEndian.Uint32(got[16:]))
		if want := map[uint16]abi.Errno{abi.RTM_NEWADDR: abi.EPERM, 200: abi.EOPNOTSUPP}[typ]; abi.Errno(err) != want {
			t.Errorf("type %d: error %d, want %d", typ, err, want)
		}
	}
}

// A dump is cut into datagrams of at most the reader's buffer (at least
// NLMSG_GOODSIZE), whole messages each, then NLMSG_DONE alone; MSG_PEEK
// leaves a datagram, MSG_TRUNC reports its size.
func TestNetlinkDumpDatagrams(t *testing.T) {
	s, task := newTestNetlink(t)
	n := &procfs.NetInfo{}
	for i := 1; i <= 60; i++ {
		n.Links = append(n.Links, procfs.NetLink{Index: i, Name: fmt.Sprintf("eth%d", i), MTU: 1500,
			HWAddr: net.HardwareAddr{2, 0, 0, 0, 0, byte(i)}, Type: abi.ARPHRD_ETHER, Flags: abi.IFF_UP})
	}
	fakeNet(t, n)
	s.Write(task, nlRequest(abi.RTM_GETLINK, abi.NLM_F_REQUEST|abi.NLM_F_DUMP, 7, []byte{0}))
	if ev, _ := s.Ready(); ev&evIn == 0 {
		t.Fatal("not readable after a dump request")
	}
	peek := &sockMsg{}
	size, e := s.Recvmsg(task, peek, abi.MSG_PEEK|abi.MSG_TRUNC)
	if e != 0 || size == 0 || size > nlGoodSize || peek.Flags&abi.MSG_TRUNC == 0 {
		t.Fatalf("peek: %d %v flags %#x", size, e, peek.Flags)
	}
	buf := make([]byte, 8192)
	var links, done, datagrams int
	for done == 0 {
		c, e := s.Read(task, buf)
		if e != 0 {
			t.Fatal(e)
		}
		if datagrams == 0 && c != size {
			t.Fatalf("read %d after a peek of %d", c, size)
		}
		if datagrams > 0 && c > 8192 {
			t.Fatalf("datagram of %d", c)
		}
		datagrams++
		for b := buf[:c]; len(b) >= abi.SizeofNlMsghdr; {
			h := parseNlMsghdr(b)
			if h.Seq != 7 || h.Pid != 100 || h.Flags != abi.NLM_F_MULTI {
				t.Fatalf("header %+v", h)
			}
			switch h.Type {
			case abi.RTM_NEWLINK:
				links++
			case abi.NLMSG_DONE:
				if c != 20 {
					t.Fatalf("NLMSG_DONE shares a datagram of %d bytes", c)
				}
				done++
			}
			b = b[abi.NlmsgAlign(int(h.Len)):]
		}
	}
	if links != 60 || datagrams < 3 {
		t.Fatalf("%d links in %d datagrams", links, datagrams)
	}
	if ev, _ := s.Ready(); ev != evOut {
		t.Fatalf("events after the dump %#x", ev)
	}
	s.on.Store(true)
	if _, e := s.Read(task, buf); e != abi.EAGAIN {
		t.Fatalf("empty nonblocking read: %v", e)
	}
	s.on.Store(false)
	s.Setsockopt(task, abi.SOL_SOCKET, abi.SO_RCVTIMEO, binary.LittleEndian.AppendUint64(binary.LittleEndian.AppendUint64(nil, 0), 20000))
	start := time.Now()
	if _, e := s.Read(task, buf); e != abi.EAGAIN || time.Since(start) < 20*time.Millisecond {
		t.Fatalf("timed read: %v after %v", e, time.Since(start))
	}
}

// A link message, byte for byte.
func TestNetlinkLinkMessage(t *testing.T) {
	l := procfs.NetLink{Index: 1, Name: "lo", MTU: 65536, HWAddr: make([]byte, 6), Type: abi.ARPHRD_LOOPBACK,
		Flags: abi.IFF_UP | abi.IFF_LOOPBACK | abi.IFF_RUNNING | abi.IFF_LOWER_UP, OperState: abi.IF_OPER_UNKNOWN, TxQueueLen: 1000}
	m := linkMsg(&l, abi.NLM_F_MULTI, 3, 4)
	le := binary.LittleEndian
	if int(le.Uint32(m)) != len(m) || le.Uint16(m[4:]) != abi.RTM_NEWLINK || le.Uint16(m[6:]) != abi.NLM_F_MULTI {
		t.Fatalf("header % x", m[:16])
	}
	ifi := m[16:32]
	if le.Uint16(ifi[2:]) != abi.ARPHRD_LOOPBACK || le.Uint32(ifi[4:]) != 1 || le.Uint32(ifi[8:]) != 0x10049 {
		t.Fatalf("ifinfomsg % x", ifi)
	}
	var types []uint16
	for a := m[32:]; len(a) >= 4; {
		l := int(le.Uint16(a))
		types = append(types, le.Uint16(a[2:]))
		if le.Uint16(a[2:]) == abi.IFLA_IFNAME && string(a[4:l]) != "lo\x00" {
			t.Errorf("IFLA_IFNAME %q", a[4:l])
		}
		if le.Uint16(a[2:]) == abi.IFLA_STATS64 && l != 4+abi.SizeofRtnlLinkStats64 {
			t.Errorf("IFLA_STATS64 of %d bytes", l-4)
		}
		a = a[abi.NlmsgAlign(l):]
	}
	want := []uint16{abi.IFLA_IFNAME, abi.IFLA_TXQLEN, abi.IFLA_OPERSTATE, abi.IFLA_LINKMODE, abi.IFLA_MTU, abi.IFLA_GROUP,
		abi.IFLA_PROMISCUITY, abi.IFLA_CARRIER, abi.IFLA_ADDRESS, abi.IFLA_BROADCAST, abi.IFLA_STATS64, abi.IFLA_STATS}
	if fmt.Sprint(types) != fmt.Sprint(want) {
		t.Fatalf("attributes %v, want %v", types, want)
	}
}
