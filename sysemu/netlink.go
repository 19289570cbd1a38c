package sysemu

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"time"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/procfs"
)

// AF_NETLINK / NETLINK_ROUTE, synthesized: the "kernel" side is carrick,
// answering link, address and route dumps from the host's interfaces
// (procfs.HostNet) with the messages Linux would send, the same code on
// every host. The socket keeps Linux's datagram semantics: each reply is a
// datagram, a dump is cut into datagrams as the reader's buffer allows
// (netlink_dump), MSG_PEEK and MSG_TRUNC behave as on Linux. Nothing is
// ever sent unsolicited: multicast groups can be joined, but the host's
// network changes are not watched, so no notification arrives.

func init() {
	socketFamilies[abi.AF_NETLINK] = newNetlinkSocket
}

// Buffer sizes: Linux's defaults (net.core.rmem_default, wmem_default)
// and caps (rmem_max, wmem_max), and the dump datagram sizes of
// netlink_dump on arm64 with 4 KiB pages: NLMSG_GOODSIZE and
// SKB_WITH_OVERHEAD(32768).
const (
	nlBufDefault  = 212992
	nlBufMax      = 212992
	nlSockMinBuf  = 2304 // SOCK_MIN_RCVBUF
	nlGoodSize    = 4096 - 320
	nlMaxDumpSize = 32768 - 320
)

// netlinkSocket is one AF_NETLINK socket of protocol NETLINK_ROUTE.
type netlinkSocket struct {
	notifier
	nonblockFlag
	typ int
	ino uint64

	mu sync.Mutex
	// The fields below are guarded by mu.
	owner  *Process
	portid uint32 // 0 until bound
	groups uint64 // joined multicast groups, bit g-1 = group g
	dstPid uint32 // connect's destination
	dstGrp uint32
	// queue holds the datagrams ready to be read; dump is the rest of a
	// dump in progress, cut into datagrams as they are read.
	queue                                                                   [][]byte
	dump                                                                    *nlDump
	maxLen                                                                  int // max_recvmsg_len: the largest buffer a read offered
	rcvbuf                                                                  int
	sndbuf                                                                  int
	rcvTimeo, sndTimeo                                                      time.Duration
	pktinfo, capAck, extAck, strict, passcred, noENOBUFS, bcastErr, allNSID bool
}

// nlInodes numbers emulated sockets' inodes (sockfs's own numbering).
var nlInodes atomic.Uint64

func init() { nlInodes.Store(1 << 20) }

// newNetlinkSocket implements socket(AF_NETLINK, typ, proto): NETLINK_ROUTE
// only; other protocols are EPROTONOSUPPORT (a kernel without them).
func newNetlinkSocket(t *Task, typ, proto int) (socketFile, abi.Errno) {
	nonblock := typ&abi.SOCK_NONBLOCK != 0
	typ &= abi.SOCK_TYPE_MASK
	if typ != abi.SOCK_RAW && typ != abi.SOCK_DGRAM {
		return nil, abi.ESOCKTNOSUPPORT
	}
	if proto < 0 || proto >= abi.NETLINK_MAXPROT {
		return nil, abi.EPROTONOSUPPORT
	}
	if proto != abi.NETLINK_ROUTE {
		t.p.compat.Record("flag:netlink protocol " + itoa(uint64(proto)))
		return nil, abi.EPROTONOSUPPORT
	}
	s := &netlinkSocket{typ: typ, owner: t.p, rcvbuf: nlBufDefault, sndbuf: nlBufDefault, ino: nlInodes.Add(1)}
	s.on.Store(nonblock)
	return s, 0
}

// Ports: the portids bound by each process's netlink sockets. The first
// socket to bind gets the process's pid, later ones numbers counting down
// from -4096, as netlink_autobind.
var nlPorts struct {
	mu    sync.Mutex
	bound map[*Process]map[uint32]bool
	rover map[*Process]int32
}

func nlPortTake(p *Process, id uint32) bool {
	nlPorts.mu.Lock()
	defer nlPorts.mu.Unlock()
	if nlPorts.bound == nil {
		nlPorts.bound = map[*Process]map[uint32]bool{}
		nlPorts.rover = map[*Process]int32{}
	}
	m := nlPorts.bound[p]
	if m == nil {
		m = map[uint32]bool{}
		nlPorts.bound[p] = m
	}
	if m[id] {
		return false
	}
	m[id] = true
	return true
}

func nlPortRelease(p *Process, id uint32) {
	nlPorts.mu.Lock()
	defer nlPorts.mu.Unlock()
	if m := nlPorts.bound[p]; m != nil {
		delete(m, id)
		if len(m) == 0 {
			delete(nlPorts.bound, p)
			delete(nlPorts.rover, p)
		}
	}
}

// autobind gives an unbound socket its portid.
// Preconditions: s.mu is held.
func (s *netlinkSocket) autobind() {
	if s.portid != 0 {
		return
	}
	if nlPortTake(s.owner, uint32(s.owner.pid)) {
		s.portid = uint32(s.owner.pid)
		return
	}
	for {
		nlPorts.mu.Lock()
		r := nlPorts.rover[s.owner]
		if r == 0 {
			r = -4096
		}
		nlPorts.rover[s.owner] = r - 1
		nlPorts.mu.Unlock()
		if nlPortTake(s.owner, uint32(r)) {
			s.portid = uint32(r)
			return
		}
	}
}

func (s *netlinkSocket) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.portid != 0 {
		nlPortRelease(s.owner, s.portid)
	}
	s.queue, s.dump = nil, nil
}

func (s *netlinkSocket) stat() (rootfs.Stat, abi.Errno) {
	return rootfs.Stat{Mode: 0o140777, Nlink: 1, Ino: s.ino, Blksize: 4096, Dev: 8}, 0
}

// parseSockaddrNl checks a sockaddr_nl as netlink_bind and netlink_connect do.
func parseSockaddrNl(addr []byte) (pid, groups uint32, e abi.Errno) {
	if len(addr) < abi.SizeofSockaddrNl {
		return 0, 0, abi.EINVAL
	}
	if binary.LittleEndian.Uint16(addr) != abi.AF_NETLINK {
		return 0, 0, abi.EINVAL
	}
	return binary.LittleEndian.Uint32(addr[4:]), binary.LittleEndian.Uint32(addr[8:]), 0
}

func sockaddrNl(pid, groups uint32) []byte {
	b := make([]byte, abi.SizeofSockaddrNl)
	binary.LittleEndian.PutUint16(b, abi.AF_NETLINK)
	binary.LittleEndian.PutUint32(b[4:], pid)
	binary.LittleEndian.PutUint32(b[8:], groups)
	return b
}

func (s *netlinkSocket) Bind(t *Task, addr []byte) abi.Errno {
	pid, groups, e := parseSockaddrNl(addr)
	if e != 0 {
		return e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.portid != 0 && pid != 0 && pid != s.portid {
		return abi.EINVAL
	}
	if s.portid == 0 {
		if pid == 0 {
			s.autobind()
		} else if !nlPortTake(s.owner, pid) {
			return abi.EADDRINUSE
		} else {
			s.portid = pid
		}
	}
	s.setGroups(t, uint64(groups))
	return 0
}

// setGroups replaces the first 32 groups' memberships (bind's nl_groups).
// Preconditions: s.mu is held.
func (s *netlinkSocket) setGroups(t *Task, g uint64) {
	s.groups = s.groups&^0xffffffff | g
	if g != 0 {
		t.p.compat.Record("flag:netlink multicast groups (no notifications are sent)")
	}
}

func (s *netlinkSocket) Connect(t *Task, addr []byte) abi.Errno {
	if len(addr) >= 2 && binary.LittleEndian.Uint16(addr) == abi.AF_UNSPEC {
		s.mu.Lock()
		s.dstPid, s.dstGrp = 0, 0
		s.mu.Unlock()
		return 0
	}
	pid, groups, e := parseSockaddrNl(addr)
	if e != 0 {
		return e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.autobind()
	s.dstPid, s.dstGrp = pid, groups
	return 0
}

func (s *netlinkSocket) Listen(t *Task, backlog int) abi.Errno { return abi.EOPNOTSUPP }

func (s *netlinkSocket) Accept(t *Task, flags int) (File, []byte, abi.Errno) {
	return nil, nil, abi.EOPNOTSUPP
}

func (s *netlinkSocket) Sockname(t *Task) ([]byte, abi.Errno) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sockaddrNl(s.portid, uint32(s.groups)), 0
}

func (s *netlinkSocket) Peername(t *Task) ([]byte, abi.Errno) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return sockaddrNl(s.dstPid, s.dstGrp), 0
}

func (s *netlinkSocket) Shutdown(t *Task, how int) abi.Errno { return abi.EOPNOTSUPP }

func (s *netlinkSocket) Read(t *Task, p []byte) (int, abi.Errno) {
	return s.Recvmsg(t, &sockMsg{Iov: [][]byte{p}}, 0)
}

func (s *netlinkSocket) Write(t *Task, p []byte) (int, abi.Errno) {
	return s.Sendmsg(t, &sockMsg{Iov: [][]byte{p}}, 0)
}

// Sendmsg hands the messages to the synthesized kernel side
// (netlink_sendmsg, then netlink_rcv_skb): the replies are queued before
// it returns.
func (s *netlinkSocket) Sendmsg(t *Task, m *sockMsg, flags int) (int, abi.Errno) {
	if flags&abi.MSG_OOB != 0 {
		return 0, abi.EOPNOTSUPP
	}
	s.mu.Lock()
	dstPid, dstGrp := s.dstPid, s.dstGrp
	s.mu.Unlock()
	if m.Addr != nil {
		var e abi.Errno
		if dstPid, dstGrp, e = parseSockaddrNl(m.Addr); e != 0 {
			return 0, e
		}
	}
	n := m.iovLen()
	s.mu.Lock()
	s.autobind()
	sndbuf := s.sndbuf
	s.mu.Unlock()
	if n > sndbuf-32 {
		return 0, abi.EMSGSIZE
	}
	if dstPid != 0 {
		// Another process's netlink socket: carrick has no path to it.
		return 0, abi.ECONNREFUSED
	}
	if dstGrp != 0 {
		t.p.compat.Record("flag:netlink multicast send")
	}
	buf := make([]byte, 0, n)
	for _, b := range m.Iov {
		buf = append(buf, b...)
	}
	s.input(t, buf)
	return n, 0
}

// Recvmsg reads one datagram (netlink_recvmsg).
func (s *netlinkSocket) Recvmsg(t *Task, m *sockMsg, flags int) (int, abi.Errno) {
	if flags&abi.MSG_OOB != 0 {
		return 0, abi.EOPNOTSUPP
	}
	want := m.iovLen()
	var deadline time.Time
	for {
		gen := s.generation()
		s.mu.Lock()
		s.maxLen = min(max(s.maxLen, want), nlMaxDumpSize)
		if len(s.queue) == 0 && s.dump != nil {
			s.queue = append(s.queue, s.dump.next(s.dumpSize()))
			if s.dump.finished() {
				s.dump = nil
			}
		}
		if len(s.queue) > 0 {
			d := s.queue[0]
			if flags&abi.MSG_PEEK == 0 {
				s.queue = s.queue[1:]
			}
			ctrl := s.control()
			s.mu.Unlock()
			copied := 0
			for _, b := range m.Iov {
				copied += copy(b, d[copied:])
			}
			m.Flags = 0
			if copied < len(d) {
				m.Flags |= abi.MSG_TRUNC
			}
			m.Addr = sockaddrNl(0, 0)
			m.Control = ctrl
			if flags&abi.MSG_TRUNC != 0 {
				copied = len(d)
			}
			return copied, 0
		}
		timeo := s.rcvTimeo
		nonblock := s.isNonblock() || flags&abi.MSG_DONTWAIT != 0
		s.mu.Unlock()
		if nonblock {
			return 0, abi.EAGAIN
		}
		if timeo > 0 && deadline.IsZero() {
			deadline = time.Now().Add(timeo)
		}
		if e := s.wait(t, gen, deadline); e != 0 {
			return 0, e
		}
	}
}

// dumpSize is the size of the next dump datagram (netlink_dump's
// allocation): the largest read buffer seen, at least NLMSG_GOODSIZE.
// Preconditions: s.mu is held.
func (s *netlinkSocket) dumpSize() int { return max(s.maxLen, nlGoodSize) }

// control builds the control messages of a received datagram: the
// group (NETLINK_PKTINFO) and the sender's credentials (SO_PASSCRED;
// the kernel's, all zero).
// Preconditions: s.mu is held.
func (s *netlinkSocket) control() []byte {
	var c []byte
	add := func(level, typ int, data []byte) {
		h := make([]byte, abi.CmsgSpace(len(data)))
		binary.LittleEndian.PutUint64(h, uint64(abi.CmsgLen(len(data))))
		binary.LittleEndian.PutUint32(h[8:], uint32(level))
		binary.LittleEndian.PutUint32(h[12:], uint32(typ))
		copy(h[abi.SizeofCmsghdr:], data)
		c = append(c, h...)
	}
	if s.pktinfo {
		add(abi.SOL_NETLINK, abi.NETLINK_PKTINFO, make([]byte, 4))
	}
	if s.passcred {
		add(abi.SOL_SOCKET, abi.SCM_CREDENTIALS, make([]byte, abi.SizeofUcred))
	}
	return c
}

// wait blocks until the socket's state may have changed since gen, a
// signal arrives (EINTR or a restart) or the receive timeout passes
// (EAGAIN; a timed wait is not restarted, as sock_intr_errno).
func (s *netlinkSocket) wait(t *Task, gen uint64, deadline time.Time) abi.Errno {
	if deadline.IsZero() {
		return t.waitFor(&s.notifier, gen)
	}
	ch := make(chan struct{}, 1)
	s.Subscribe(ch)
	defer s.Unsubscribe(ch)
	if s.generation() != gen {
		return 0
	}
	d := time.Until(deadline)
	if d <= 0 {
		return abi.EAGAIN
	}
	tm := time.NewTimer(d)
	defer tm.Stop()
	for {
		select {
		case <-ch:
			return 0
		case <-tm.C:
			return abi.EAGAIN
		case <-t.p.done:
			return abi.EINTR
		case <-t.wake:
			if t.signalPending() {
				return abi.EINTR
			}
		}
	}
}

// Ready: readable with a datagram queued or a dump in progress; always
// writable (requests are answered at once).
func (s *netlinkSocket) Ready() (uint32, uint64) {
	gen := s.generation()
	s.mu.Lock()
	defer s.mu.Unlock()
	ev := uint32(evOut)
	if len(s.queue) > 0 || s.dump != nil {
		ev |= evIn
	}
	return ev, gen
}

// Setsockopt accepts SOL_NETLINK's options (memberships, PKTINFO,
// CAP_ACK, EXT_ACK, GET_STRICT_CHK, NO_ENOBUFS, BROADCAST_ERROR,
// LISTEN_ALL_NSID) and SOL_SOCKET's SO_RCVBUF, SO_SNDBUF, their FORCE
// forms, SO_PASSCRED, SO_RCVTIMEO and SO_SNDTIMEO; SO_SNDTIMEO, the
// NO_ENOBUFS/BROADCAST_ERROR/LISTEN_ALL_NSID flags and the buffer sizes
// are kept and reported but change nothing here (sends never block and
// no datagram is ever dropped). Others are ENOPROTOOPT, recorded.
func (s *netlinkSocket) Setsockopt(t *Task, level, opt int, val []byte) abi.Errno {
	var v int32
	if len(val) >= 4 {
		v = int32(binary.LittleEndian.Uint32(val))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch level {
	case abi.SOL_NETLINK:
		flag := map[int]*bool{abi.NETLINK_PKTINFO: &s.pktinfo, abi.NETLINK_CAP_ACK: &s.capAck,
			abi.NETLINK_EXT_ACK: &s.extAck, abi.NETLINK_GET_STRICT_CHK: &s.strict,
			abi.NETLINK_NO_ENOBUFS: &s.noENOBUFS, abi.NETLINK_BROADCAST_ERROR: &s.bcastErr,
			abi.NETLINK_LISTEN_ALL_NSID: &s.allNSID}[opt]
		if flag != nil {
			*flag = v != 0
			return 0
		}
		switch opt {
		case abi.NETLINK_ADD_MEMBERSHIP, abi.NETLINK_DROP_MEMBERSHIP:
			if v <= 0 || v > 64 { // RTNLGRP_MAX
				return abi.EINVAL
			}
			s.autobind()
			if opt == abi.NETLINK_ADD_MEMBERSHIP {
				s.groups |= 1 << (v - 1)
				t.p.compat.Record("flag:netlink multicast groups (no notifications are sent)")
			} else {
				s.groups &^= 1 << (v - 1)
			}
			return 0
		}
	case abi.SOL_SOCKET:
		switch opt {
		case abi.SO_RCVBUF, abi.SO_SNDBUF, abi.SO_RCVBUFFORCE, abi.SO_SNDBUFFORCE:
			if len(val) < 4 {
				return abi.EINVAL
			}
			n := int(v)
			if opt == abi.SO_RCVBUF || opt == abi.SO_SNDBUF {
				n = min(n, nlBufMax)
			}
			n = max(n*2, nlSockMinBuf) // sock_setsockopt doubles the value
			if opt == abi.SO_RCVBUF || opt == abi.SO_RCVBUFFORCE {
				s.rcvbuf = n
			} else {
				s.sndbuf = n
			}
			return 0
		case abi.SO_PASSCRED:
			if len(val) < 4 {
				return abi.EINVAL
			}
			s.passcred = v != 0
			return 0
		case abi.SO_RCVTIMEO, abi.SO_SNDTIMEO, soRcvtimeoNew, soSndtimeoNew:
			if len(val) < 16 {
				return abi.EINVAL
			}
			sec, usec := int64(binary.LittleEndian.Uint64(val)), int64(binary.LittleEndian.Uint64(val[8:]))
			if usec < 0 || usec >= 1000000 {
				return abi.EDOM
			}
			d := time.Duration(sec)*time.Second + time.Duration(usec)*time.Microsecond
			if sec < 0 {
				d = 0
			}
			if opt == abi.SO_RCVTIMEO || opt == soRcvtimeoNew {
				s.rcvTimeo = d
			} else {
				s.sndTimeo = d
			}
			return 0
		}
	}
	t.p.compat.Record("flag:netlink setsockopt " + itoa(uint64(level)) + "/" + itoa(uint64(opt)))
	return abi.ENOPROTOOPT
}

// SO_RCVTIMEO_NEW and SO_SNDTIMEO_NEW (the same struct on 64-bit).
const (
	soRcvtimeoNew = 66
	soSndtimeoNew = 67
)

func (s *netlinkSocket) Getsockopt(t *Task, level, opt int) ([]byte, abi.Errno) {
	s.mu.Lock()
	defer s.mu.Unlock()
	i32 := func(v int) []byte {
		b := make([]byte, 4)
		binary.LittleEndian.PutUint32(b, uint32(v))
		return b
	}
	b2i := func(v bool) []byte {
		if v {
			return i32(1)
		}
		return i32(0)
	}
	switch level {
	case abi.SOL_NETLINK:
		switch opt {
		case abi.NETLINK_PKTINFO:
			return b2i(s.pktinfo), 0
		case abi.NETLINK_CAP_ACK:
			return b2i(s.capAck), 0
		case abi.NETLINK_EXT_ACK:
			return b2i(s.extAck), 0
		case abi.NETLINK_GET_STRICT_CHK:
			return b2i(s.strict), 0
		case abi.NETLINK_NO_ENOBUFS:
			return b2i(s.noENOBUFS), 0
		case abi.NETLINK_BROADCAST_ERROR:
			return b2i(s.bcastErr), 0
		case abi.NETLINK_LISTEN_ALL_NSID:
			return b2i(s.allNSID), 0
		case abi.NETLINK_LIST_MEMBERSHIPS:
			b := make([]byte, 8)
			binary.LittleEndian.PutUint64(b, s.groups)
			return b, 0
		}
	case abi.SOL_SOCKET:
		switch opt {
		case abi.SO_TYPE:
			return i32(s.typ), 0
		case abi.SO_DOMAIN:
			return i32(abi.AF_NETLINK), 0
		case abi.SO_PROTOCOL:
			return i32(abi.NETLINK_ROUTE), 0
		case abi.SO_RCVBUF:
			return i32(s.rcvbuf), 0
		case abi.SO_SNDBUF:
			return i32(s.sndbuf), 0
		case abi.SO_PASSCRED:
			return b2i(s.passcred), 0
		case abi.SO_ERROR, abi.SO_ACCEPTCONN:
			return i32(0), 0
		case abi.SO_RCVTIMEO, abi.SO_SNDTIMEO, soRcvtimeoNew, soSndtimeoNew:
			d := s.rcvTimeo
			if opt == abi.SO_SNDTIMEO || opt == soSndtimeoNew {
				d = s.sndTimeo
			}
			b := make([]byte, 16)
			binary.LittleEndian.PutUint64(b, uint64(d/time.Second))
			binary.LittleEndian.PutUint64(b[8:], uint64(d%time.Second/time.Microsecond))
			return b, 0
		}
	}
	t.p.compat.Record("flag:netlink getsockopt " + itoa(uint64(level)) + "/" + itoa(uint64(opt)))
	return nil, abi.ENOPROTOOPT
}

// netSocket describes the socket for /proc (procfs lists netlink sockets
// in none of the files it renders yet).
func (s *netlinkSocket) netSocket() procfs.NetSocket {
	s.mu.Lock()
	defer s.mu.Unlock()
	return procfs.NetSocket{Family: abi.AF_NETLINK, Type: s.typ, Protocol: abi.NETLINK_ROUTE,
		Local: sockaddrNl(s.portid, uint32(s.groups)), Remote: sockaddrNl(s.dstPid, s.dstGrp), State: procfs.TCPClose,
		Inode: s.ino, UID: s.owner.creds().UID}
}
