package sysemu

import (
	"os"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Linux host half of sockets: the host is Linux, so option numbers and
// flags are the guest's own; only carrick's confinement of AF_UNIX names
// is added here.

// hostSocketFD makes a host socket, close-on-exec.
func hostSocketFD(domain, typ, proto int) (int, error) {
	return unix.Socket(domain, typ|unix.SOCK_CLOEXEC, proto)
}

// hostSocketpair makes a connected host pair, close-on-exec.
func hostSocketpair(domain, typ, proto int) ([2]int, error) {
	return unix.Socketpair(domain, typ|unix.SOCK_CLOEXEC, proto)
}

// hostAccept accepts one connection, close-on-exec.
func hostAccept(fd int) (int, unix.Sockaddr, error) {
	return unix.Accept4(fd, unix.SOCK_CLOEXEC)
}

// unixAddrAt calls fn with a host address naming the socket file at
// (dirfd, name): /proc/self/fd/N of an O_PATH descriptor of the file
// itself, so a link swapped in after the confined lookup is never
// followed. For bind (create), the directory's descriptor names the
// place instead (bind never follows a final link).
func unixAddrAt(dirfd int, name string, create bool, fn func(unix.Sockaddr) error) error {
	if create {
		// With the pid, the host address is unique on the host while the
		// socket keeps dirfd open (socket_unix.go records it).
		p := "/proc/" + strconv.Itoa(os.Getpid()) + "/fd/" + strconv.Itoa(dirfd) + "/" + name
		if len(p) >= 108 {
			return unix.ENAMETOOLONG
		}
		return fn(&unix.SockaddrUnix{Name: p})
	}
	fd, err := unix.Openat(dirfd, name, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFSOCK {
		return unix.ECONNREFUSED
	}
	return fn(&unix.SockaddrUnix{Name: "/proc/self/fd/" + strconv.Itoa(fd)})
}

// hostSockopt maps a Linux option level and name to the host's.
func hostSockopt(level, opt int) (int, int, bool) { return level, opt, true }

// hostMsgFlags maps Linux send/recv flags to the host's.
func hostMsgFlags(f uint32) int { return int(f) }

// guestMsgFlags maps received host msg_flags to Linux's.
func guestMsgFlags(f int) uint32 { return uint32(f) }

// hostPeerPid is the host pid of a connected AF_UNIX socket's peer (as it
// was at connect or listen time).
func hostPeerPid(fd int) (int, bool) {
	uc, err := unix.GetsockoptUcred(fd, unix.SOL_SOCKET, unix.SO_PEERCRED)
	if err != nil {
		return 0, false
	}
	return int(uc.Pid), true
}

// hostRawSockopt reads an option whose value is passed as raw bytes
// (TCP_INFO, TCP_CONGESTION, memberships): the same layout on this host.
func hostGetsockoptRaw(fd, level, opt, size int) ([]byte, error) {
	buf := make([]byte, size)
	n, err := getsockoptBytes(fd, level, opt, buf)
	return buf[:n], err
}

func hostSetsockoptRaw(fd, level, opt int, val []byte) error {
	return unix.SetsockoptString(fd, level, opt, string(val))
}

// hostRawOpt reports whether an option's bytes pass unchanged on this host.
func hostRawOpt(level, opt int) bool { return true }

// getsockoptBytes is getsockopt(2) into buf, returning the length the
// kernel wrote.
func getsockoptBytes(fd, level, opt int, buf []byte) (int, error) {
	l := uint32(len(buf))
	var p unsafe.Pointer
	if len(buf) > 0 {
		p = unsafe.Pointer(&buf[0])
	}
	_, _, e := unix.Syscall6(unix.SYS_GETSOCKOPT, uintptr(fd), uintptr(level), uintptr(opt), uintptr(p), uintptr(unsafe.Pointer(&l)), 0)
	if e != 0 {
		return 0, e
	}
	return int(l), nil
}

func hostBind(fd int, sa unix.Sockaddr) error    { return unix.Bind(fd, sa) }
func hostConnect(fd int, sa unix.Sockaddr) error { return unix.Connect(fd, sa) }

func hostSendmsg(fd int, bufs [][]byte, oob []byte, to unix.Sockaddr, flags int) (int, error) {
	return unix.SendmsgBuffers(fd, bufs, oob, to, flags)
}

// hostDisconnect dissolves a datagram socket's association: connect(2)
// with AF_UNSPEC, which x/sys/unix has no Sockaddr for.
func hostDisconnect(fd int) error {
	var sa unix.RawSockaddrAny // zero: AF_UNSPEC
	_, _, e := unix.Syscall(unix.SYS_CONNECT, uintptr(fd), uintptr(unsafe.Pointer(&sa)), unsafe.Sizeof(sa.Addr))
	if e != 0 {
		return e
	}
	return nil
}

// hostRxMark is a number that grows when data arrives on fd: a TCP
// socket's count of bytes received, else the bytes waiting (FIONREAD,
// which goes down as the guest reads).
func hostRxMark(fd int) int64 {
	if ti, err := unix.GetsockoptTCPInfo(fd, unix.IPPROTO_TCP, unix.TCP_INFO); err == nil {
		if ti.State == tcpListen {
			return int64(ti.Unacked) // a listener's: its accept queue's length
		}
		return int64(ti.Bytes_received)
	}
	n, err := unix.IoctlGetInt(fd, hostFIONREAD)
	if err != nil {
		return 0
	}
	return int64(n)
}

// hostSetPasscred asks the host to stamp received messages with the
// sender's credentials (SCM_CREDENTIALS), so the guest learns who sent
// each one, not only who the peer is.
func hostSetPasscred(fd int, on bool) {
	v := 0
	if on {
		v = 1
	}
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_PASSCRED, v)
}

// hostCmsgSender is the host pid an SCM_CREDENTIALS message names.
func hostCmsgSender(m *unix.SocketControlMessage) (int, bool) {
	uc, err := unix.ParseUnixCredentials(m)
	if err != nil {
		return 0, false
	}
	return int(uc.Pid), true
}

// tcpListen is Linux's TCP_LISTEN state (TCP_INFO's tcpi_state).
const tcpListen = 10

// hostSockIoctl answers SIOCATMARK and SIOCOUTQ: the same requests on
// this host.
func hostSockIoctl(fd int, req uint32) (int, error) {
	return unix.IoctlGetInt(fd, uint(req))
}

// hostCmsgToLinux gives a received control message carrick does not
// handle itself (a timestamp, packet info, an extended error) in Linux's
// terms: on this host, as it is.
func hostCmsgToLinux(m *unix.SocketControlMessage) (level, typ int32, data []byte, ok bool) {
	return m.Header.Level, m.Header.Type, m.Data, true
}

// hostCmsgFromLinux builds the host's control message for an IP-level one
// the guest sends: on this host, the same message.
func hostCmsgFromLinux(level, typ int32, data []byte) ([]byte, bool) {
	b := make([]byte, unix.CmsgSpace(len(data)))
	h := (*unix.Cmsghdr)(unsafe.Pointer(&b[0]))
	h.Level, h.Type = level, typ
	h.SetLen(unix.CmsgLen(len(data)))
	copy(b[unix.CmsgLen(0):], data)
	return b, true
}
