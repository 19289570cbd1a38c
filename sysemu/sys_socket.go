package sysemu

import (
	"encoding/binary"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
)

// The socket syscalls: arguments in and results out of guest memory, with
// Linux's checks in Linux's order; the socket itself (socket_host.go,
// netlink.go) does the rest.

// sockAddrMax is sizeof(struct sockaddr_storage): longer addresses are
// EINVAL.
const sockAddrMax = abi.SizeofSockaddrStorage

// uioMaxIov is UIO_MAXIOV.
const uioMaxIov = 1024

// sockFile returns the socket at fd: EBADF for no file, ENOTSOCK for a
// file that is not a socket.
func (t *Task) sockFile(fd uint64) (socketFile, abi.Errno) {
	f, ok := t.p.files.Get(int(int32(fd)))
	if !ok {
		return nil, abi.EBADF
	}
	s, ok := f.(socketFile)
	if !ok {
		return nil, abi.ENOTSOCK
	}
	return s, 0
}

// sockAddrIn copies a guest socket address of length n.
func (t *Task) sockAddrIn(addr, n uint64) ([]byte, abi.Errno) {
	if int32(n) < 0 || n > sockAddrMax {
		return nil, abi.EINVAL
	}
	b := make([]byte, n)
	if n > 0 && t.copyIn(addr, b) != nil {
		return nil, abi.EFAULT
	}
	return b, 0
}

// sockAddrOut copies an address out as Linux's move_addr_to_user: at most
// the guest's *lenp bytes, and *lenp set to the full length.
func (t *Task) sockAddrOut(sa []byte, addr, lenp uint64) abi.Errno {
	if addr == 0 || lenp == 0 {
		return 0
	}
	l, err := t.readU32(lenp)
	if err != nil {
		return abi.EFAULT
	}
	if int32(l) < 0 {
		return abi.EINVAL
	}
	if n := min(int(l), len(sa)); n > 0 && t.copyOut(addr, sa[:n]) != nil {
		return abi.EFAULT
	}
	if t.writeU32(lenp, uint32(len(sa))) != nil {
		return abi.EFAULT
	}
	return 0
}

// sysSocket implements socket(2).
func sysSocket(t *Task, a [6]uint64) uint64 {
	s, flags, e := t.newSocket(int(a[0]), int(a[1]), int(a[2]))
	if e != 0 {
		return errno(e)
	}
	fd, e := t.p.files.Install(s, 0, flags&abi.SOCK_CLOEXEC != 0)
	if e != 0 {
		s.Close()
		return errno(e)
	}
	return uint64(fd)
}

// newSocket makes a socket for socket(2); flags are the SOCK_* flags of
// the type argument.
func (t *Task) newSocket(domain, typ, proto int) (socketFile, int, abi.Errno) {
	flags := typ &^ abi.SOCK_TYPE_MASK
	typ &= abi.SOCK_TYPE_MASK
	if flags&^(abi.SOCK_NONBLOCK|abi.SOCK_CLOEXEC) != 0 {
		return nil, 0, abi.EINVAL
	}
	if mk, ok := socketFamilies[domain]; ok {
		s, e := mk(t, typ|flags&abi.SOCK_NONBLOCK, proto)
		return s, flags, e
	}
	hf := hostFamily(domain)
	if hf < 0 {
		t.p.compat.Record("socket family " + itoa(uint64(domain)))
		return nil, 0, abi.EAFNOSUPPORT
	}
	if domain == abi.AF_UNIX {
		if typ == abi.SOCK_RAW {
			typ = abi.SOCK_DGRAM // Linux's unix_create: SOCK_RAW is a datagram socket
		}
		if typ != abi.SOCK_STREAM && typ != abi.SOCK_DGRAM && typ != abi.SOCK_SEQPACKET {
			return nil, 0, abi.ESOCKTNOSUPPORT
		}
		if proto != 0 && proto != abi.AF_UNIX {
			return nil, 0, abi.EPROTONOSUPPORT
		}
	}
	fd, err := hostSocketFD(hf, typ, proto)
	if err != nil {
		return nil, 0, hostErrno(err)
	}
	s := newHostSocket(fd, domain, typ, proto)
	if flags&abi.SOCK_NONBLOCK != 0 {
		if e := setNonblock(fd, true); e != 0 {
			s.Close()
			return nil, 0, e
		}
	}
	return s, flags, 0
}

// sysSocketpair implements socketpair(2): AF_UNIX only, as Linux.
func sysSocketpair(t *Task, a [6]uint64) uint64 {
	domain, typ, proto := int(a[0]), int(a[1]), int(a[2])
	flags := typ &^ abi.SOCK_TYPE_MASK
	typ &= abi.SOCK_TYPE_MASK
	if flags&^(abi.SOCK_NONBLOCK|abi.SOCK_CLOEXEC) != 0 {
		return errno(abi.EINVAL)
	}
	switch domain {
	case abi.AF_UNIX:
	case abi.AF_INET, abi.AF_INET6:
		return errno(abi.EOPNOTSUPP)
	default:
		return errno(abi.EAFNOSUPPORT)
	}
	if typ != abi.SOCK_STREAM && typ != abi.SOCK_DGRAM && typ != abi.SOCK_SEQPACKET {
		return errno(abi.ESOCKTNOSUPPORT)
	}
	if proto != 0 && proto != abi.AF_UNIX {
		return errno(abi.EPROTONOSUPPORT)
	}
	fds, err := hostSocketpair(hostFamily(domain), typ, proto)
	if err != nil {
		return errno(hostErrno(err))
	}
	var socks [2]*hostSocket
	for i, fd := range fds {
		socks[i] = newHostSocket(fd, domain, typ, proto)
		if flags&abi.SOCK_NONBLOCK != 0 {
			setNonblock(fd, true)
		}
	}
	var g [2]int
	for i, s := range socks {
		fd, e := t.p.files.Install(s, 0, flags&abi.SOCK_CLOEXEC != 0)
		if e != 0 {
			if i == 1 {
				t.p.files.Close(g[0])
			}
			socks[i].Close()
			if i == 0 {
				socks[1].Close()
			}
			return errno(e)
		}
		g[i] = fd
	}
	var out [8]byte
	binary.LittleEndian.PutUint32(out[:], uint32(g[0]))
	binary.LittleEndian.PutUint32(out[4:], uint32(g[1]))
	if t.copyOut(a[3], out[:]) != nil {
		t.p.files.Close(g[0])
		t.p.files.Close(g[1])
		return errno(abi.EFAULT)
	}
	return 0
}

// sysBind implements bind(2).
func sysBind(t *Task, a [6]uint64) uint64 { return t.withAddr(a, socketFile.Bind) }

// sysConnect implements connect(2).
func sysConnect(t *Task, a [6]uint64) uint64 { return t.withAddr(a, socketFile.Connect) }

// withAddr runs a call that takes the socket (a[0]) and an address (a[1],
// length a[2]).
func (t *Task) withAddr(a [6]uint64, call func(socketFile, *Task, []byte) abi.Errno) uint64 {
	s, e := t.sockFile(a[0])
	if e != 0 {
		return errno(e)
	}
	addr, e := t.sockAddrIn(a[1], a[2])
	if e != 0 {
		return errno(e)
	}
	return errno(call(s, t, addr))
}

// sysListen implements listen(2).
func sysListen(t *Task, a [6]uint64) uint64 {
	s, e := t.sockFile(a[0])
	if e != 0 {
		return errno(e)
	}
	return errno(s.Listen(t, int(int32(a[1]))))
}

// sysAccept implements accept(2).
func sysAccept(t *Task, a [6]uint64) uint64 {
	a[3] = 0
	return sysAccept4(t, a)
}

// sysAccept4 implements accept4(2).
func sysAccept4(t *Task, a [6]uint64) uint64 {
	flags := int(a[3])
	if flags&^(abi.SOCK_NONBLOCK|abi.SOCK_CLOEXEC) != 0 {
		return errno(abi.EINVAL)
	}
	s, e := t.sockFile(a[0])
	if e != 0 {
		return errno(e)
	}
	if a[1] != 0 {
		if l, err := t.readU32(a[2]); err != nil {
			return errno(abi.EFAULT)
		} else if int32(l) < 0 {
			return errno(abi.EINVAL)
		}
	}
	nf, peer, e := s.Accept(t, flags)
	if e != 0 {
		return errno(e)
	}
	if e := t.sockAddrOut(peer, a[1], a[2]); e != 0 {
		nf.Close()
		return errno(e)
	}
	fd, e := t.p.files.Install(nf, 0, flags&abi.SOCK_CLOEXEC != 0)
	if e != 0 {
		nf.Close()
		return errno(e)
	}
	return uint64(fd)
}

// sysGetsockname implements getsockname(2).
func sysGetsockname(t *Task, a [6]uint64) uint64 {
	return t.sockName(a, socketFile.Sockname)
}

// sysGetpeername implements getpeername(2).
func sysGetpeername(t *Task, a [6]uint64) uint64 {
	return t.sockName(a, socketFile.Peername)
}

func (t *Task) sockName(a [6]uint64, get func(socketFile, *Task) ([]byte, abi.Errno)) uint64 {
	s, e := t.sockFile(a[0])
	if e != 0 {
		return errno(e)
	}
	l, err := t.readU32(a[2])
	if err != nil {
		return errno(abi.EFAULT)
	}
	if int32(l) < 0 {
		return errno(abi.EINVAL)
	}
	sa, e := get(s, t)
	if e != 0 {
		return errno(e)
	}
	if a[1] == 0 && l > 0 && len(sa) > 0 {
		return errno(abi.EFAULT) // Linux copies to the NULL address and faults
	}
	return errno(t.sockAddrOut(sa, a[1], a[2]))
}

// sysShutdown implements shutdown(2).
func sysShutdown(t *Task, a [6]uint64) uint64 {
	s, e := t.sockFile(a[0])
	if e != 0 {
		return errno(e)
	}
	return errno(s.Shutdown(t, int(int32(a[1]))))
}

// sysSetsockopt implements setsockopt(2).
func sysSetsockopt(t *Task, a [6]uint64) uint64 {
	s, e := t.sockFile(a[0])
	if e != 0 {
		return errno(e)
	}
	n := int(int32(a[4]))
	if n < 0 {
		return errno(abi.EINVAL)
	}
	val := make([]byte, min(n, 1<<16))
	if len(val) > 0 && t.copyIn(a[3], val) != nil {
		return errno(abi.EFAULT)
	}
	return errno(s.Setsockopt(t, int(int32(a[1])), int(int32(a[2])), val))
}

// sysGetsockopt implements getsockopt(2).
func sysGetsockopt(t *Task, a [6]uint64) uint64 {
	s, e := t.sockFile(a[0])
	if e != 0 {
		return errno(e)
	}
	l, err := t.readU32(a[4])
	if err != nil {
		return errno(abi.EFAULT)
	}
	if int32(l) < 0 {
		return errno(abi.EINVAL)
	}
	val, e := s.Getsockopt(t, int(int32(a[1])), int(int32(a[2])))
	if e != 0 {
		return errno(e)
	}
	n := min(int(l), len(val))
	if n > 0 && t.copyOut(a[3], val[:n]) != nil {
		return errno(abi.EFAULT)
	}
	if t.writeU32(a[4], uint32(n)) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// guestBuf is one guest buffer for socket I/O; acc is the access the call
// makes to guest memory (AccessWrite for receiving).
func (t *Task) guestBuf(addr, n uint64, acc vcpu.Access) ([]byte, abi.Errno) {
	if n == 0 {
		return nil, 0
	}
	b, err := t.mem().Slice(addr, min(n, 1<<30), acc)
	if err != nil {
		return nil, abi.EFAULT
	}
	return b, 0
}

// sysSendto implements sendto(2).
func sysSendto(t *Task, a [6]uint64) uint64 {
	s, e := t.sockFile(a[0])
	if e != 0 {
		return errno(e)
	}
	buf, e := t.guestBuf(a[1], a[2], vcpu.AccessRead)
	if e != 0 {
		return errno(e)
	}
	m := &sockMsg{Iov: [][]byte{buf}}
	if a[4] != 0 {
		if m.Addr, e = t.sockAddrIn(a[4], a[5]); e != 0 {
			return errno(e)
		}
	}
	n, e := s.Sendmsg(t, m, int(int32(a[3])))
	if e != 0 {
		return errno(e)
	}
	return uint64(n)
}

// sysRecvfrom implements recvfrom(2).
func sysRecvfrom(t *Task, a [6]uint64) uint64 {
	s, e := t.sockFile(a[0])
	if e != 0 {
		return errno(e)
	}
	buf, e := t.guestBuf(a[1], a[2], vcpu.AccessWrite)
	if e != 0 {
		return errno(e)
	}
	m := &sockMsg{Iov: [][]byte{buf}}
	n, e := s.Recvmsg(t, m, int(int32(a[3])))
	if e != 0 {
		return errno(e)
	}
	if a[4] != 0 {
		if e := t.sockAddrOut(m.Addr, a[4], a[5]); e != 0 {
			return errno(e)
		}
	}
	return uint64(n)
}

// readMsghdr reads a guest msghdr and builds the message: its buffers as
// guest memory, and for sending its address and control data.
func (t *Task) readMsghdr(addr uint64, send bool) (*abi.Msghdr, *sockMsg, abi.Errno) {
	var h abi.Msghdr
	raw := make([]byte, abi.SizeofMsghdr)
	if t.copyIn(addr, raw) != nil {
		return nil, nil, abi.EFAULT
	}
	h.Name = binary.LittleEndian.Uint64(raw[0:])
	h.Namelen = binary.LittleEndian.Uint32(raw[8:])
	h.Iov = binary.LittleEndian.Uint64(raw[16:])
	h.Iovlen = binary.LittleEndian.Uint64(raw[24:])
	h.Control = binary.LittleEndian.Uint64(raw[32:])
	h.Controllen = binary.LittleEndian.Uint64(raw[40:])
	if h.Iovlen > uioMaxIov {
		return nil, nil, abi.EMSGSIZE
	}
	iov, e := t.iovecs(h.Iov, h.Iovlen)
	if e != 0 {
		return nil, nil, e
	}
	acc := vcpu.AccessWrite
	if send {
		acc = vcpu.AccessRead
	}
	m := &sockMsg{}
	for _, v := range iov {
		b, e := t.guestBuf(v[0], v[1], acc)
		if e != 0 {
			return nil, nil, e
		}
		if len(b) > 0 {
			m.Iov = append(m.Iov, b)
		}
	}
	if !send {
		m.ControlCap = int(min(h.Controllen, 1<<20))
		if h.Control == 0 {
			m.ControlCap = 0
		}
		return &h, m, 0
	}
	if h.Name != 0 {
		if m.Addr, e = t.sockAddrIn(h.Name, uint64(h.Namelen)); e != 0 {
			return nil, nil, e
		}
	}
	if h.Controllen > 0 {
		if h.Controllen > 1<<20 {
			return nil, nil, abi.ENOBUFS
		}
		m.Control = make([]byte, h.Controllen)
		if t.copyIn(h.Control, m.Control) != nil {
			return nil, nil, abi.EFAULT
		}
	}
	return &h, m, 0
}

// sysSendmsg implements sendmsg(2).
func sysSendmsg(t *Task, a [6]uint64) uint64 {
	s, e := t.sockFile(a[0])
	if e != 0 {
		return errno(e)
	}
	n, e := t.sendmsg(s, a[1], int(int32(a[2])))
	if e != 0 {
		return errno(e)
	}
	return uint64(n)
}

func (t *Task) sendmsg(s socketFile, hdr uint64, flags int) (int, abi.Errno) {
	_, m, e := t.readMsghdr(hdr, true)
	if e != 0 {
		return 0, e
	}
	return s.Sendmsg(t, m, flags)
}

// sysRecvmsg implements recvmsg(2).
func sysRecvmsg(t *Task, a [6]uint64) uint64 {
	s, e := t.sockFile(a[0])
	if e != 0 {
		return errno(e)
	}
	n, e := t.recvmsg(s, a[1], int(int32(a[2])))
	if e != 0 {
		return errno(e)
	}
	return uint64(n)
}

// recvmsg receives one message and writes back msg_namelen,
// msg_controllen and msg_flags.
func (t *Task) recvmsg(s socketFile, hdr uint64, flags int) (int, abi.Errno) {
	h, m, e := t.readMsghdr(hdr, false)
	if e != 0 {
		return 0, e
	}
	m.Cloexec = flags&abi.MSG_CMSG_CLOEXEC != 0
	n, e := s.Recvmsg(t, m, flags)
	if e != 0 {
		return 0, e
	}
	// Linux starts msg_flags from the call's MSG_CMSG_CLOEXEC.
	m.Flags |= uint32(flags) & abi.MSG_CMSG_CLOEXEC
	namelen := uint32(0)
	if h.Name != 0 && m.Addr != nil {
		if c := min(int(h.Namelen), len(m.Addr)); c > 0 && t.copyOut(h.Name, m.Addr[:c]) != nil {
			return 0, abi.EFAULT
		}
		namelen = uint32(len(m.Addr))
	}
	ctl := m.Control
	if len(ctl) > m.ControlCap {
		ctl = ctl[:m.ControlCap]
		m.Flags |= abi.MSG_CTRUNC
	}
	if len(ctl) > 0 && t.copyOut(h.Control, ctl) != nil {
		return 0, abi.EFAULT
	}
	if t.writeU32(hdr+8, namelen) != nil || t.writeU64(hdr+40, uint64(len(ctl))) != nil ||
		t.writeU32(hdr+48, m.Flags) != nil {
		return 0, abi.EFAULT
	}
	return n, 0
}

// sysSendmmsg implements sendmmsg(2): messages sent until one fails; the
// count is returned if any was.
func sysSendmmsg(t *Task, a [6]uint64) uint64 {
	s, e := t.sockFile(a[0])
	if e != 0 {
		return errno(e)
	}
	vlen := min(a[2], uioMaxIov)
	sent := uint64(0)
	for ; sent < vlen; sent++ {
		hdr := a[1] + sent*abi.SizeofMmsghdr
		n, e := t.sendmsg(s, hdr, int(int32(a[3])))
		if e == 0 {
			e = errOfFault(t.writeU32(hdr+abi.SizeofMsghdr, uint32(n)))
		}
		if e != 0 {
			if sent > 0 {
				break
			}
			return errno(e)
		}
	}
	return sent
}

// sysRecvmmsg implements recvmmsg(2): MSG_WAITFORONE makes every message
// after the first non-blocking; the timeout is checked after each, as
// Linux does.
func sysRecvmmsg(t *Task, a [6]uint64) uint64 {
	s, e := t.sockFile(a[0])
	if e != 0 {
		return errno(e)
	}
	var deadline time.Time
	if a[4] != 0 {
		var ts abi.Timespec
		raw := make([]byte, abi.SizeofTimespec)
		if t.copyIn(a[4], raw) != nil {
			return errno(abi.EFAULT)
		}
		ts.Sec = int64(binary.LittleEndian.Uint64(raw))
		ts.Nsec = int64(binary.LittleEndian.Uint64(raw[8:]))
		if ts.Sec < 0 || ts.Nsec < 0 || ts.Nsec >= 1e9 {
			return errno(abi.EINVAL)
		}
		deadline = time.Now().Add(time.Duration(ts.Sec)*time.Second + time.Duration(ts.Nsec))
	}
	flags := int(int32(a[3]))
	vlen := min(a[2], uioMaxIov)
	got := uint64(0)
	for ; got < vlen; got++ {
		hdr := a[1] + got*abi.SizeofMmsghdr
		n, e := t.recvmsg(s, hdr, flags&^abi.MSG_WAITFORONE)
		if e == 0 {
			e = errOfFault(t.writeU32(hdr+abi.SizeofMsghdr, uint32(n)))
		}
		if e != 0 {
			if got > 0 {
				break
			}
			return errno(e)
		}
		if flags&abi.MSG_WAITFORONE != 0 {
			flags |= abi.MSG_DONTWAIT
		}
		if !deadline.IsZero() && time.Now().After(deadline) {
			got++
			break
		}
	}
	return got
}

func errOfFault(err error) abi.Errno {
	if err != nil {
		return abi.EFAULT
	}
	return 0
}
