package sysemu

import (
	"bytes"
	"encoding/binary"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/procfs"
)

// hostSocket is a guest socket that is a host socket (AF_INET, AF_INET6,
// AF_UNIX): a guest server is reachable from the host as it is. The host
// description's O_NONBLOCK is the guest's; a blocking guest call never
// blocks in the host, but waits in t.waitSock (interruptibly) and retries
// with MSG_DONTWAIT, so signals and the process's exit end it.
type hostSocket struct {
	fd                 int
	family, typ, proto int // Linux numbers

	mu sync.Mutex
	// AF_UNIX names as Linux reports them (sockaddr_un bytes): the host's
	// own are paths carrick chose (socket_unix.go).
	local, peer []byte
	name        *boundName // the name bound here (socket_unix.go)
	passcred    atomic.Bool
	listening   atomic.Bool
	// eagains counts the EAGAINs the guest got (edge-triggered epoll).
	eagains atomic.Uint64
	// accepted counts the connections accepted here: with the queue's
	// length it makes a listener's arrival mark (rxMark).
	accepted atomic.Int64
}

// rxMark grows when data, or a connection, arrives (edge-triggered
// epoll; hostRxMark).
func (s *hostSocket) rxMark() int64 { return hostRxMark(s.fd) + s.accepted.Load() }

func (s *hostSocket) drains() uint64 { return s.eagains.Load() }

// noted counts an EAGAIN about to reach the guest.
func (s *hostSocket) noted(e abi.Errno) abi.Errno {
	if e == abi.EAGAIN {
		s.eagains.Add(1)
	}
	return e
}

func newHostSocket(fd, family, typ, proto int) *hostSocket {
	return &hostSocket{fd: fd, family: family, typ: typ, proto: proto}
}

func (s *hostSocket) HostFD() int { return s.fd }

// statusFlags is F_GETFL/F_SETFL: the host description's, without the
// O_LARGEFILE open(2) adds to files (a socket is not opened).
func (s *hostSocket) statusFlags(t *Task, set bool, arg uint64) uint64 {
	r := hostStatusFlags(s.fd, set, arg)
	if !set && int64(r) >= 0 {
		r &^= abi.O_LARGEFILE
	}
	return r
}

func (s *hostSocket) Close() {
	s.mu.Lock()
	name := s.name
	s.name = nil
	s.mu.Unlock()
	unix.Close(s.fd)
	if name != nil {
		name.release()
	}
}

func (s *hostSocket) stat() (rootfs.Stat, abi.Errno) { return hostFstat(s.fd) }

func (s *hostSocket) Read(t *Task, p []byte) (int, abi.Errno) {
	return s.Recvmsg(t, &sockMsg{Iov: [][]byte{p}}, 0)
}

func (s *hostSocket) Write(t *Task, p []byte) (int, abi.Errno) {
	return s.Sendmsg(t, &sockMsg{Iov: [][]byte{p}}, 0)
}

// stream reports a connection-oriented socket.
func (s *hostSocket) stream() bool { return s.typ == abi.SOCK_STREAM || s.typ == abi.SOCK_SEQPACKET }

// hostFamily is the host's number for the socket's family.
func hostFamily(f int) int {
	switch f {
	case abi.AF_INET:
		return unix.AF_INET
	case abi.AF_INET6:
		return unix.AF_INET6
	case abi.AF_UNIX:
		return unix.AF_UNIX
	}
	return -1
}

// inetAddr converts a Linux sockaddr_in/sockaddr_in6 to the host's, with
// Linux's checks: too short is EINVAL, another family EAFNOSUPPORT.
func inetAddr(family int, b []byte) (unix.Sockaddr, abi.Errno) {
	if len(b) < 2 {
		return nil, abi.EINVAL
	}
	fam := int(binary.LittleEndian.Uint16(b))
	switch family {
	case abi.AF_INET:
		if len(b) < abi.SizeofSockaddrInet4 {
			return nil, abi.EINVAL
		}
		if fam != abi.AF_INET {
			return nil, abi.EAFNOSUPPORT
		}
		sa := &unix.SockaddrInet4{Port: int(binary.BigEndian.Uint16(b[2:]))}
		copy(sa.Addr[:], b[4:8])
		return sa, 0
	case abi.AF_INET6:
		if len(b) < 24 { // SIN6_LEN_RFC2133
			return nil, abi.EINVAL
		}
		if fam != abi.AF_INET6 {
			return nil, abi.EAFNOSUPPORT
		}
		sa := &unix.SockaddrInet6{Port: int(binary.BigEndian.Uint16(b[2:]))}
		copy(sa.Addr[:], b[8:24])
		if len(b) >= abi.SizeofSockaddrInet6 {
			sa.ZoneId = binary.LittleEndian.Uint32(b[24:])
		}
		return sa, 0
	}
	return nil, abi.EAFNOSUPPORT
}

// destAddr converts a destination for connect or sendto. An IPv6
// datagram socket also takes an IPv4 address, as Linux's
// ip6_datagram_connect and udpv6_sendmsg do: it becomes the v4-mapped
// address (glibc's getaddrinfo sorts addresses this way).
// An IPV6_V6ONLY socket refuses it: EAFNOSUPPORT from connect,
// ENETUNREACH from sendto.
func (s *hostSocket) destAddr(b []byte, connect bool) (unix.Sockaddr, abi.Errno) {
	if s.family == abi.AF_INET6 && s.typ == abi.SOCK_DGRAM && len(b) >= abi.SizeofSockaddrInet4 &&
		binary.LittleEndian.Uint16(b) == abi.AF_INET {
		if v6only, err := unix.GetsockoptInt(s.fd, unix.IPPROTO_IPV6, unix.IPV6_V6ONLY); err == nil && v6only != 0 {
			if connect {
				return nil, abi.EAFNOSUPPORT
			}
			return nil, abi.ENETUNREACH
		}
		sa := &unix.SockaddrInet6{Port: int(binary.BigEndian.Uint16(b[2:]))}
		sa.Addr[10], sa.Addr[11] = 0xff, 0xff
		copy(sa.Addr[12:], b[4:8])
		return sa, 0
	}
	return inetAddr(s.family, b)
}

// linuxInetAddr encodes a host inet address as Linux's sockaddr bytes.
func linuxInetAddr(sa unix.Sockaddr) []byte {
	switch a := sa.(type) {
	case *unix.SockaddrInet4:
		b := make([]byte, abi.SizeofSockaddrInet4)
		binary.LittleEndian.PutUint16(b, abi.AF_INET)
		binary.BigEndian.PutUint16(b[2:], uint16(a.Port))
		copy(b[4:], a.Addr[:])
		return b
	case *unix.SockaddrInet6:
		b := make([]byte, abi.SizeofSockaddrInet6)
		binary.LittleEndian.PutUint16(b, abi.AF_INET6)
		binary.BigEndian.PutUint16(b[2:], uint16(a.Port))
		copy(b[8:], a.Addr[:])
		binary.LittleEndian.PutUint32(b[24:], a.ZoneId)
		return b
	}
	return nil
}

// guestAddr is the Linux form of an address the host reported for this
// socket's family (a peer's, a source's).
func (s *hostSocket) guestAddr(sa unix.Sockaddr) []byte {
	if s.family == abi.AF_UNIX {
		return guestUnixAddr(sa)
	}
	if sa == nil {
		return nil
	}
	return linuxInetAddr(sa)
}

// unspecified reports a Linux sockaddr with family AF_UNSPEC.
func unspecified(b []byte) bool {
	return len(b) >= 2 && binary.LittleEndian.Uint16(b) == abi.AF_UNSPEC
}

func (s *hostSocket) Bind(t *Task, addr []byte) abi.Errno {
	if s.family == abi.AF_UNIX {
		return s.bindUnix(t, addr)
	}
	if s.family == abi.AF_INET && len(addr) >= abi.SizeofSockaddrInet4 && unspecified(addr) {
		// Linux takes AF_UNSPEC for INADDR_ANY alone, for old programs.
		if binary.BigEndian.Uint32(addr[4:]) != 0 {
			return abi.EAFNOSUPPORT
		}
		addr = append([]byte{abi.AF_INET, 0}, addr[2:]...)
	}
	sa, e := inetAddr(s.family, addr)
	if e != 0 {
		return e
	}
	return errOf(unix.Bind(s.fd, sa))
}

// errOf converts a host call's error (nil: 0).
func errOf(err error) abi.Errno {
	if err == nil {
		return 0
	}
	return hostErrno(err)
}

func (s *hostSocket) Listen(t *Task, backlog int) abi.Errno {
	if s.typ != abi.SOCK_STREAM && s.typ != abi.SOCK_SEQPACKET {
		return abi.EOPNOTSUPP
	}
	if backlog < 0 || backlog > abi.SOMAXCONN {
		backlog = abi.SOMAXCONN
	}
	if s.family == abi.AF_UNIX {
		s.mu.Lock()
		bound := s.local != nil
		s.mu.Unlock()
		if !bound {
			return abi.EINVAL
		}
	}
	if e := errOf(unix.Listen(s.fd, backlog)); e != 0 {
		return e
	}
	s.listening.Store(true)
	return 0
}

func (s *hostSocket) Connect(t *Task, addr []byte) abi.Errno {
	if len(addr) < 2 {
		return abi.EINVAL
	}
	if unspecified(addr) && s.family != abi.AF_UNIX {
		// AF_UNSPEC dissolves the association (a TCP socket's too: it
		// aborts the connection).
		return errOf(hostDisconnect(s.fd))
	}
	if s.family == abi.AF_UNIX {
		return s.connectUnix(t, addr)
	}
	sa, e := s.destAddr(addr, true)
	if e != 0 {
		return e
	}
	return s.connectHost(t, func() error { return unix.Connect(s.fd, sa) })
}

// connectHost runs a host connect without blocking in the host: a
// blocking socket is made non-blocking for the call, then waited for
// (interruptibly, up to SO_SNDTIMEO) until connected; SO_ERROR says how
// it ended. An AF_UNIX listener with a full queue says EAGAIN, which a
// blocking connect waits out by retrying, as Linux's sleeps until there
// is room.
func (s *hostSocket) connectHost(t *Task, connect func() error) abi.Errno {
	if nonblocking(s.fd) {
		return errOf(connect())
	}
	try := func() error {
		fl, _ := unix.FcntlInt(uintptr(s.fd), unix.F_GETFL, 0)
		unix.FcntlInt(uintptr(s.fd), unix.F_SETFL, fl|unix.O_NONBLOCK)
		defer unix.FcntlInt(uintptr(s.fd), unix.F_SETFL, fl)
		return connect()
	}
	var deadline time.Time
	if d := s.timeout(unix.SO_SNDTIMEO); d > 0 {
		deadline = time.Now().Add(d)
	}
	left := func() (time.Duration, bool) {
		if deadline.IsZero() {
			return 0, true
		}
		d := time.Until(deadline)
		return d, d > 0
	}
	err := try()
	for {
		switch err {
		case unix.EAGAIN:
			d, ok := left()
			if !ok {
				return abi.EAGAIN
			}
			if d == 0 || d > 5*time.Millisecond {
				d = 5 * time.Millisecond
			}
			if e := t.sleepOn(nil, d); e != 0 {
				if !deadline.IsZero() {
					return abi.EINTR
				}
				return e
			}
			err = try()
			continue
		case unix.EINPROGRESS, unix.EALREADY:
		default:
			return errOf(err)
		}
		d, ok := left()
		if !ok {
			return abi.EINPROGRESS // Linux's answer to a connect timeout
		}
		if e := t.waitSock(s.fd, unix.POLLOUT, d); e != 0 {
			if e == abi.EAGAIN {
				return abi.EINPROGRESS
			}
			return e
		}
		soerr, gerr := unix.GetsockoptInt(s.fd, unix.SOL_SOCKET, unix.SO_ERROR)
		if gerr != nil {
			return hostErrno(gerr)
		}
		if soerr != 0 {
			return errnoFromHost(unix.Errno(soerr))
		}
		// Linux's blocking connect leaves the socket connected, so the
		// next connect says EISCONN: one more host call completes the
		// non-blocking one the same way.
		try()
		return 0
	}
}

func (s *hostSocket) Accept(t *Task, flags int) (File, []byte, abi.Errno) {
	if !s.stream() {
		return nil, nil, abi.EOPNOTSUPP
	}
	if !s.listening.Load() {
		return nil, nil, abi.EINVAL
	}
	for {
		if !nonblocking(s.fd) {
			if e := t.waitSock(s.fd, unix.POLLIN, s.timeout(unix.SO_RCVTIMEO)); e != 0 {
				return nil, nil, e
			}
		}
		nfd, sa, err := hostAccept(s.fd)
		if err == unix.EAGAIN && !nonblocking(s.fd) {
			continue // another waiter took it
		}
		if err == unix.ECONNABORTED {
			continue // Linux's accept skips connections reset in the queue
		}
		if err != nil {
			return nil, nil, s.noted(hostErrno(err))
		}
		// Linux's accepted sockets do not inherit O_NONBLOCK; darwin's do.
		if err := unix.SetNonblock(nfd, flags&abi.SOCK_NONBLOCK != 0); err != nil {
			unix.Close(nfd)
			return nil, nil, hostErrno(err)
		}
		s.accepted.Add(1)
		ns := newHostSocket(nfd, s.family, s.typ, s.proto)
		ns.passcred.Store(s.passcred.Load())
		peer := s.guestAddr(sa)
		if s.family == abi.AF_UNIX {
			if peer == nil {
				peer = unixUnnamed()
			}
			s.mu.Lock()
			ns.local = s.local
			s.mu.Unlock()
			ns.peer = peer
		}
		return ns, peer, 0
	}
}

func (s *hostSocket) Sockname(t *Task) ([]byte, abi.Errno) {
	if s.family == abi.AF_UNIX {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.local == nil {
			return unixUnnamed(), 0
		}
		return s.local, 0
	}
	sa, err := unix.Getsockname(s.fd)
	if err != nil {
		return nil, hostErrno(err)
	}
	return linuxInetAddr(sa), 0
}

func (s *hostSocket) Peername(t *Task) ([]byte, abi.Errno) {
	sa, err := unix.Getpeername(s.fd)
	if err != nil {
		return nil, hostErrno(err)
	}
	if s.family == abi.AF_UNIX {
		if b := guestUnixAddr(sa); b != nil {
			return b, 0 // the name the peer bound, as Linux reports it
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.peer != nil {
			return s.peer, 0
		}
		return unixUnnamed(), 0
	}
	return linuxInetAddr(sa), 0
}

func (s *hostSocket) Shutdown(t *Task, how int) abi.Errno {
	if how < abi.SHUT_RD || how > abi.SHUT_RDWR {
		return abi.EINVAL
	}
	return errOf(unix.Shutdown(s.fd, how))
}

// timeout is the socket's SO_RCVTIMEO or SO_SNDTIMEO (host option name):
// 0 for none.
func (s *hostSocket) timeout(opt int) time.Duration {
	tv, err := unix.GetsockoptTimeval(s.fd, unix.SOL_SOCKET, opt)
	if err != nil {
		return 0
	}
	return time.Duration(tv.Sec)*time.Second + time.Duration(tv.Usec)*time.Microsecond
}

// waitSock waits until host fd is ready for events: 0 when it is, EAGAIN
// when the timeout (0: none) passes first, and for a signal
// errRestartSys, or EINTR when a timeout is set (Linux never restarts a
// socket call with a timeout).
func (t *Task) waitSock(fd int, events int16, timeout time.Duration) abi.Errno {
	want := []hostWant{{fd: fd, events: events}}
	var deadline time.Time
	if timeout > 0 {
		deadline = time.Now().Add(timeout)
	}
	for {
		slice := 20 * time.Millisecond
		if !deadline.IsZero() {
			left := time.Until(deadline)
			if left <= 0 {
				return abi.EAGAIN
			}
			slice = min(slice, left)
		}
		if r, err := hostReady(want, slice); r[0] != 0 || (err != nil && err != unix.EINTR) {
			return 0
		}
		if t.p.exiting() {
			return errRestartSys
		}
		select {
		case <-t.wake:
			if t.signalPending() {
				if timeout > 0 {
					return abi.EINTR
				}
				return errRestartSys
			}
		default:
		}
	}
}

// setNonblock sets or clears a host fd's O_NONBLOCK.
func setNonblock(fd int, on bool) abi.Errno { return errOf(unix.SetNonblock(fd, on)) }

// ForkSocket is what a fork child needs of a socket besides its host fd:
// the guest's view of it.
type ForkSocket struct {
	Family, Type, Proto int
	Local, Peer         []byte
	Passcred, Listening bool
}

func (s *hostSocket) forkState() *ForkSocket {
	s.mu.Lock()
	defer s.mu.Unlock()
	return &ForkSocket{Family: s.family, Type: s.typ, Proto: s.proto, Local: s.local, Peer: s.peer,
		Passcred: s.passcred.Load(), Listening: s.listening.Load()}
}

// adoptSocket makes the child's socket of an inherited host fd. An
// emulated abstract name stays with the process that bound it.
func adoptSocket(fd int, fs *ForkSocket) *hostSocket {
	if fs == nil {
		fam, typ, _ := hostSocketKind(fd)
		s := newHostSocket(fd, fam, typ, 0)
		s.fromHost()
		return s
	}
	s := newHostSocket(fd, fs.Family, fs.Type, fs.Proto)
	s.local, s.peer = fs.Local, fs.Peer
	s.passcred.Store(fs.Passcred)
	s.listening.Store(fs.Listening)
	return s
}

// netSocket describes the socket for /proc/net.
func (s *hostSocket) netSocket() procfs.NetSocket {
	ns := procfs.NetSocket{Family: s.family, Type: s.typ, Protocol: s.protocol(), State: procfs.TCPClose}
	var st unix.Stat_t
	if unix.Fstat(s.fd, &st) == nil {
		ns.Inode = st.Ino
	}
	ns.Local, _ = s.Sockname(nil)
	if s.family != abi.AF_UNIX {
		if sa, err := unix.Getpeername(s.fd); err == nil {
			ns.Remote = linuxInetAddr(sa)
			ns.State = procfs.TCPEstablished
		}
	} else {
		s.mu.Lock()
		ns.Remote = s.peer
		s.mu.Unlock()
		if _, err := unix.Getpeername(s.fd); err == nil {
			ns.State = procfs.TCPEstablished
		}
		if len(ns.Local) > 2 {
			if ns.Local[2] == 0 {
				ns.Path = "@" + string(ns.Local[3:])
			} else {
				ns.Path = string(bytes.TrimRight(ns.Local[2:], "\x00"))
			}
		}
	}
	if s.listening.Load() {
		ns.State = procfs.TCPListen
	}
	if st, ok := tcpState(s); ok {
		ns.State = st
	}
	if ns.State != procfs.TCPListen {
		if n, err := unix.IoctlGetInt(s.fd, hostFIONREAD); err == nil {
			ns.RxQueue = uint64(n)
		}
	}
	return ns
}

// tcpState is a TCP socket's state as the host's TCP_INFO gives it (its
// first byte, Linux's state number), where the host has it.
func tcpState(s *hostSocket) (int, bool) {
	if s.typ != abi.SOCK_STREAM || s.family == abi.AF_UNIX || !hostRawOpt(abi.IPPROTO_TCP, abi.TCP_INFO) {
		return 0, false
	}
	b, err := hostGetsockoptRaw(s.fd, abi.IPPROTO_TCP, abi.TCP_INFO, 8)
	if err != nil || len(b) == 0 {
		return 0, false
	}
	return int(b[0]), true
}
