package sysemu

import (
	"encoding/binary"
	"os"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Sending and receiving on host sockets. Data goes straight between guest
// memory and the host socket; control messages are rebuilt: SCM_RIGHTS
// carries the host fds behind guest fds, and SCM_CREDENTIALS is the
// peer's guest identity, which carrick knows and the host does not.

// flagsSupported are the Linux MSG_* flags a host socket call honours.
const flagsSupported = abi.MSG_OOB | abi.MSG_PEEK | abi.MSG_DONTROUTE | abi.MSG_TRUNC | abi.MSG_DONTWAIT |
	abi.MSG_EOR | abi.MSG_WAITALL | abi.MSG_CONFIRM | abi.MSG_NOSIGNAL | abi.MSG_MORE | abi.MSG_CMSG_CLOEXEC |
	abi.MSG_FASTOPEN | abi.MSG_ERRQUEUE

// hostFlags converts the flags carrick passes on to the host: always
// non-blocking and never a host SIGPIPE.
func hostFlags(flags int) int {
	f := uint32(flags) &^ (abi.MSG_NOSIGNAL | abi.MSG_CMSG_CLOEXEC | abi.MSG_WAITALL | abi.MSG_DONTWAIT)
	return hostMsgFlags(f) | unix.MSG_DONTWAIT | unix.MSG_NOSIGNAL
}

// blocking reports whether a call with flags may wait.
func (s *hostSocket) blocking(flags int) bool {
	return flags&abi.MSG_DONTWAIT == 0 && !nonblocking(s.fd)
}

func (s *hostSocket) Sendmsg(t *Task, m *sockMsg, flags int) (int, abi.Errno) {
	if uint32(flags)&^flagsSupported != 0 {
		t.p.compat.Record("flag:send " + hex32(uint32(flags)&^flagsSupported))
		return 0, abi.EOPNOTSUPP
	}
	oob, e := s.controlToHost(t, m.Control)
	if e != 0 {
		return 0, e
	}
	send := func(to unix.Sockaddr) (int, abi.Errno) { return s.send(t, m, oob, to, flags) }
	if m.Addr == nil {
		return send(nil)
	}
	if s.family == abi.AF_UNIX && s.typ == abi.SOCK_STREAM && len(m.Addr) > 0 {
		if _, err := unix.Getpeername(s.fd); err == nil {
			return 0, abi.EISCONN
		}
		return 0, abi.EOPNOTSUPP
	}
	if s.family == abi.AF_UNIX && s.typ == abi.SOCK_SEQPACKET {
		return send(nil) // Linux ignores a seqpacket socket's destination
	}
	if s.family == abi.AF_UNIX {
		var n int
		e := s.toUnix(t, m.Addr, func(to unix.Sockaddr) abi.Errno {
			var e abi.Errno
			n, e = send(to)
			return e
		})
		return n, e
	}
	if s.typ == abi.SOCK_STREAM {
		// Linux ignores a stream socket's destination (EISCONN only for
		// an unconnected fast-open).
		return send(nil)
	}
	to, e := s.destAddr(m.Addr, false)
	if e != 0 {
		return 0, e
	}
	return send(to)
}

// send writes m, waiting for room on a blocking socket; a stream write
// goes on until all is written, and one interrupted after some bytes
// returns their count, as Linux's.
func (s *hostSocket) send(t *Task, m *sockMsg, oob []byte, to unix.Sockaddr, flags int) (int, abi.Errno) {
	bufs := m.Iov
	total := m.iovLen()
	done := 0
	for {
		n, err := hostSendmsg(s.fd, bufs, oob, to, hostFlags(flags))
		if err == nil {
			oob = nil // ancillary data goes with the first bytes
			done += n
			if done >= total || !s.stream() || s.typ == abi.SOCK_SEQPACKET {
				return done, 0
			}
			bufs = advance(bufs, n)
		} else if err != unix.EAGAIN || !s.blocking(flags) {
			if done > 0 {
				return done, 0
			}
			if err == unix.EPIPE && flags&abi.MSG_NOSIGNAL == 0 {
				t.sigpipe()
			}
			return 0, s.noted(hostErrno(err))
		}
		if !s.blocking(flags) {
			return done, 0
		}
		if e := t.waitSock(s.fd, unix.POLLOUT, s.timeout(unix.SO_SNDTIMEO)); e != 0 {
			if done > 0 {
				return done, 0
			}
			return 0, e
		}
	}
}

// advance drops the first n bytes of bufs.
func advance(bufs [][]byte, n int) [][]byte {
	for len(bufs) > 0 && n >= len(bufs[0]) {
		n -= len(bufs[0])
		bufs = bufs[1:]
	}
	if len(bufs) > 0 && n > 0 {
		bufs = append([][]byte{bufs[0][n:]}, bufs[1:]...)
	}
	return bufs
}

func (s *hostSocket) Recvmsg(t *Task, m *sockMsg, flags int) (int, abi.Errno) {
	if uint32(flags)&^flagsSupported != 0 {
		t.p.compat.Record("flag:recv " + hex32(uint32(flags)&^flagsSupported))
		return 0, abi.EOPNOTSUPP
	}
	if flags&abi.MSG_OOB != 0 && m.iovLen() == 0 && s.typ == abi.SOCK_STREAM {
		flags &^= abi.MSG_OOB
	}
	var oob []byte
	if m.ControlCap > 0 {
		// SCM_MAX_FD fds and the sender's credentials; IP-level messages
		// (a timestamp, packet info, an extended error) fit in that too.
		oob = make([]byte, unix.CmsgSpace(4*253)+unix.CmsgSpace(64))
	}
	bufs := m.Iov
	total := m.iovLen()
	done := 0
	waitall := flags&abi.MSG_WAITALL != 0 && s.typ == abi.SOCK_STREAM && flags&abi.MSG_PEEK == 0
	for {
		n, oobn, rflags, from, err := unix.RecvmsgBuffers(s.fd, bufs, oob, hostFlags(flags))
		if err == nil {
			if done == 0 {
				m.Flags = guestMsgFlags(rflags)
				if from != nil || s.family == abi.AF_UNIX && !s.stream() {
					m.Addr = s.guestAddr(from)
				}
				if e := s.controlFromHost(t, m, oob[:oobn]); e != 0 {
					return 0, e
				}
				oob = nil
			}
			done += n
			if !waitall || n == 0 || done >= total {
				return done, 0
			}
			bufs = advance(bufs, n)
		} else if err != unix.EAGAIN || !s.blocking(flags) {
			if done > 0 {
				return done, 0
			}
			return 0, s.noted(hostErrno(err))
		}
		if e := t.waitSock(s.fd, unix.POLLIN, s.timeout(unix.SO_RCVTIMEO)); e != 0 {
			if done > 0 {
				return done, 0
			}
			return 0, e
		}
	}
}

// controlToHost converts the guest's control messages for the host:
// SCM_RIGHTS' guest fds become the host fds behind them; SCM_CREDENTIALS
// is checked as Linux checks it and then left to the receiver, which
// learns the sender from carrick (peerCreds).
func (s *hostSocket) controlToHost(t *Task, b []byte) ([]byte, abi.Errno) {
	var out []byte
	// CMSG_FIRSTHDR: a buffer shorter than one header holds no message.
	for len(b) >= abi.SizeofCmsghdr {
		l := int(binary.LittleEndian.Uint64(b))
		level := int32(binary.LittleEndian.Uint32(b[8:]))
		typ := int32(binary.LittleEndian.Uint32(b[12:]))
		if l < abi.SizeofCmsghdr || l > len(b) {
			return nil, abi.EINVAL
		}
		data := b[abi.SizeofCmsghdr:l]
		if level != abi.SOL_SOCKET && s.family != abi.AF_UNIX {
			// An IP-level message (IP_TTL, IP_TOS, IPV6_HOPLIMIT, …),
			// passed on where the host has it.
			h, ok := hostCmsgFromLinux(level, typ, data)
			if !ok {
				t.p.compat.Record("cmsg level " + itoa(uint64(level)) + " type " + itoa(uint64(typ)))
				return nil, abi.EINVAL
			}
			out = append(out, h...)
			b = b[min(len(b), abi.CmsgAlign(l)):]
			continue
		}
		if level != abi.SOL_SOCKET || s.family != abi.AF_UNIX {
			t.p.compat.Record("cmsg level " + itoa(uint64(level)) + " type " + itoa(uint64(typ)))
			return nil, abi.EINVAL
		}
		switch typ {
		case abi.SCM_RIGHTS:
			var hfds []int
			for i := 0; i+4 <= len(data); i += 4 {
				gfd := int(int32(binary.LittleEndian.Uint32(data[i:])))
				f, ok := t.p.files.Get(gfd)
				if !ok {
					return nil, abi.EBADF
				}
				h, ok := f.(hostPollable)
				if !ok || h.HostFD() < 0 {
					// An object carrick emulates lives in this process.
					t.p.compat.Record("SCM_RIGHTS of an emulated file")
					return nil, abi.EOPNOTSUPP
				}
				hfds = append(hfds, h.HostFD())
			}
			if len(hfds) > 253 {
				return nil, abi.EINVAL
			}
			out = append(out, unix.UnixRights(hfds...)...)
		case abi.SCM_CREDENTIALS:
			if len(data) < abi.SizeofUcred {
				return nil, abi.EINVAL
			}
			if e := t.checkSentCreds(data); e != 0 {
				return nil, e
			}
		default:
			return nil, abi.EINVAL
		}
		b = b[min(len(b), abi.CmsgAlign(l)):]
	}
	return out, 0
}

// checkSentCreds applies Linux's rules to an SCM_CREDENTIALS the guest
// sends: its own pid and one of its ids, unless privileged.
func (t *Task) checkSentCreds(data []byte) abi.Errno {
	pid := binary.LittleEndian.Uint32(data)
	uid := binary.LittleEndian.Uint32(data[4:])
	gid := binary.LittleEndian.Uint32(data[8:])
	c := t.p.creds()
	if c.EUID == 0 {
		return 0
	}
	if int(pid) != t.p.pid || (uid != c.UID && uid != c.EUID && uid != c.SUID) ||
		(gid != c.GID && gid != c.EGID && gid != c.SGID) {
		return abi.EPERM
	}
	return 0
}

// controlFromHost turns received host control messages into the guest's:
// SCM_CREDENTIALS first when SO_PASSCRED is on (as Linux orders them), then
// SCM_RIGHTS with the fds installed as guest fds. What does not fit the
// guest's room is dropped with MSG_CTRUNC, and fds that do not fit are
// closed, as Linux does.
func (s *hostSocket) controlFromHost(t *Task, m *sockMsg, oob []byte) abi.Errno {
	var hfds []int
	var other []linuxCmsg // IP-level and timestamp messages
	sender := 0           // the host pid the host says sent this (0: not said)
	if len(oob) > 0 {
		msgs, err := unix.ParseSocketControlMessage(oob)
		if err != nil {
			return abi.EINVAL
		}
		for i := range msgs {
			if fds, err := unix.ParseUnixRights(&msgs[i]); err == nil {
				hfds = append(hfds, fds...)
			} else if pid, ok := hostCmsgSender(&msgs[i]); ok {
				sender = pid
			} else if level, typ, data, ok := hostCmsgToLinux(&msgs[i]); ok {
				other = append(other, linuxCmsg{level, typ, data})
			}
		}
	}
	var out []byte
	room := m.ControlCap
	for _, c := range other {
		if room < abi.CmsgLen(len(c.data)) {
			m.Flags |= abi.MSG_CTRUNC
			break
		}
		out = appendCmsgAt(out, c.level, c.typ, c.data)
		room -= min(room, abi.CmsgSpace(len(c.data)))
	}
	if s.passcred.Load() && s.family == abi.AF_UNIX {
		uc, ok := abi.Ucred{}, false
		if sender > 0 {
			uc, ok = t.p.guestIdentity(sender), true
		} else {
			uc, ok = s.peerCreds(t)
		}
		if ok {
			if room >= abi.CmsgSpace(abi.SizeofUcred) || room >= abi.CmsgLen(abi.SizeofUcred) {
				out = appendCmsg(out, abi.SCM_CREDENTIALS, abi.Bytes(&uc))
				room -= min(room, abi.CmsgSpace(abi.SizeofUcred))
			} else {
				m.Flags |= abi.MSG_CTRUNC
			}
		}
	}
	if len(hfds) > 0 {
		fit := 0
		if room >= abi.CmsgLen(4) {
			fit = min(len(hfds), (room-abi.SizeofCmsghdr)/4)
		}
		if fit < len(hfds) {
			m.Flags |= abi.MSG_CTRUNC
		}
		data := make([]byte, 0, 4*fit)
		for i, h := range hfds {
			if i >= fit {
				unix.Close(h)
				continue
			}
			gfd, e := t.p.files.Install(wrapHostFD(h), 0, m.Cloexec)
			if e != 0 {
				m.Flags |= abi.MSG_CTRUNC
				continue
			}
			data = binary.LittleEndian.AppendUint32(data, uint32(gfd))
		}
		if len(data) > 0 {
			out = appendCmsg(out, abi.SCM_RIGHTS, data)
		}
	}
	m.Control = out
	return 0
}

// linuxCmsg is one received control message in Linux's terms.
type linuxCmsg struct {
	level, typ int32
	data       []byte
}

// appendCmsg appends one SOL_SOCKET control message in Linux's layout.
func appendCmsg(out []byte, typ int32, data []byte) []byte {
	return appendCmsgAt(out, abi.SOL_SOCKET, typ, data)
}

// appendCmsgAt appends one control message in Linux's layout.
func appendCmsgAt(out []byte, level, typ int32, data []byte) []byte {
	h := abi.Cmsghdr{Len: uint64(abi.CmsgLen(len(data))), Level: level, Type: typ}
	out = append(out, abi.Bytes(&h)...)
	out = append(out, data...)
	for len(out)%8 != 0 {
		out = append(out, 0)
	}
	return out
}

// wrapHostFD makes a guest file of a host fd received from elsewhere: a
// socket if it is one, else a host file.
func wrapHostFD(h int) File {
	if fam, typ, ok := hostSocketKind(h); ok {
		s := newHostSocket(h, fam, typ, 0)
		s.fromHost()
		return s
	}
	return newHostFile(os.NewFile(uintptr(h), "received"), true)
}

// inheritedFile makes the guest file of a host file the process was
// started with (a spawn's inherited fds): a socket stays a socket, so
// the program can use it as one (Go's net.FileConn asks SO_TYPE).
func inheritedFile(f *os.File) File {
	if _, _, ok := hostSocketKind(int(f.Fd())); ok {
		if fd, err := dupCloexec(int(f.Fd())); err == nil {
			f.Close()
			return wrapHostFD(fd)
		}
	}
	return newHostFile(f, true)
}

// fromHost learns what the guest's view of a socket received from
// elsewhere needs from the host: whether it listens.
func (s *hostSocket) fromHost() {
	if v, err := unix.GetsockoptInt(s.fd, unix.SOL_SOCKET, unix.SO_ACCEPTCONN); err == nil && v != 0 {
		s.listening.Store(true)
	}
}

// hostSocketKind reports the Linux family and type of a host socket.
func hostSocketKind(h int) (family, typ int, ok bool) {
	var st unix.Stat_t
	if unix.Fstat(h, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFSOCK {
		return 0, 0, false
	}
	typ, err := unix.GetsockoptInt(h, unix.SOL_SOCKET, unix.SO_TYPE)
	if err != nil {
		return 0, 0, false
	}
	sa, err := unix.Getsockname(h)
	if err != nil {
		return 0, 0, false
	}
	switch sa.(type) {
	case *unix.SockaddrInet4:
		return abi.AF_INET, typ, true
	case *unix.SockaddrInet6:
		return abi.AF_INET6, typ, true
	case *unix.SockaddrUnix:
		return abi.AF_UNIX, typ, true
	}
	return 0, 0, false
}
