package sysemu

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/host"
)

// darwin host half of sockets: Linux option numbers and flags translated
// by sysemu/host's tables; AF_UNIX names reached through bindat/connectat
// relative to the confined directory.

func hostSocketFD(domain, typ, proto int) (int, error) {
	fd, err := unix.Socket(domain, typ, proto)
	if err != nil {
		return -1, err
	}
	unix.CloseOnExec(fd)
	// Writes to a closed peer say EPIPE; carrick raises the guest's
	// SIGPIPE itself.
	unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_NOSIGPIPE, 1)
	return fd, nil
}

func hostSocketpair(domain, typ, proto int) ([2]int, error) {
	fds, err := unix.Socketpair(domain, typ, proto)
	if err != nil {
		return fds, err
	}
	for _, fd := range fds {
		unix.CloseOnExec(fd)
		unix.SetsockoptInt(fd, unix.SOL_SOCKET, unix.SO_NOSIGPIPE, 1)
	}
	return fds, nil
}

func hostAccept(fd int) (int, unix.Sockaddr, error) {
	nfd, sa, err := unix.Accept(fd)
	if err == nil {
		unix.CloseOnExec(nfd)
		unix.SetsockoptInt(nfd, unix.SOL_SOCKET, unix.SO_NOSIGPIPE, 1)
	}
	return nfd, sa, err
}

// darwin's bindat and connectat (<sys/socket.h>, XNU syscalls 538 and
// 539) take the directory a relative sun_path is resolved in.
const (
	darwinSysBindat    = 538
	darwinSysConnectat = 539
)

// unixAtAddr is a darwin sockaddr_un holding a relative name, for the
// *at calls; fn gets a marker Sockaddr that hostBind/hostConnect route
// to them.
type unixAtAddr struct {
	unix.SockaddrUnix
	dirfd  int
	create bool
}

func unixAddrAt(dirfd int, name string, create bool, fn func(unix.Sockaddr) error) error {
	if len(name) >= 104 {
		return unix.ENAMETOOLONG
	}
	return fn(&unixAtAddr{SockaddrUnix: unix.SockaddrUnix{Name: name}, dirfd: dirfd, create: create})
}

// atCall performs bindat/connectat for an address from unixAddrAt.
func atCall(fd int, a *unixAtAddr) error {
	var raw unix.RawSockaddrUnix
	raw.Family = unix.AF_UNIX
	for i := range len(a.Name) {
		raw.Path[i] = int8(a.Name[i])
	}
	raw.Len = uint8(2 + len(a.Name) + 1)
	nr := darwinSysConnectat
	if a.create {
		nr = darwinSysBindat
	}
	_, _, e := syscall.Syscall6(uintptr(nr), uintptr(a.dirfd), uintptr(fd), uintptr(unsafe.Pointer(&raw)), uintptr(raw.Len), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}

func hostSockopt(level, opt int) (int, int, bool) { return host.SockoptToDarwin(level, opt) }

func hostMsgFlags(f uint32) int {
	d, _ := host.MsgFlagsToDarwin(f)
	return int(d)
}

func guestMsgFlags(f int) uint32 { return host.MsgFlagsFromDarwin(uint32(f)) }

func hostPeerPid(fd int) (int, bool) {
	pid, err := unix.GetsockoptInt(fd, unix.SOL_LOCAL, unix.LOCAL_PEERPID)
	return pid, err == nil
}

func hostGetsockoptRaw(fd, level, opt, size int) ([]byte, error) {
	return nil, unix.ENOPROTOOPT
}

func hostSetsockoptRaw(fd, level, opt int, val []byte) error {
	return unix.SetsockoptString(fd, level, opt, string(val))
}

// hostRawOpt: only the multicast memberships have one layout on both.
func hostRawOpt(level, opt int) bool { return false }

func hostBind(fd int, sa unix.Sockaddr) error {
	if a, ok := sa.(*unixAtAddr); ok {
		return atCall(fd, a)
	}
	return unix.Bind(fd, sa)
}

func hostConnect(fd int, sa unix.Sockaddr) error {
	if a, ok := sa.(*unixAtAddr); ok {
		return atCall(fd, a)
	}
	return unix.Connect(fd, sa)
}

func hostSendmsg(fd int, bufs [][]byte, oob []byte, to unix.Sockaddr, flags int) (int, error) {
	if _, ok := to.(*unixAtAddr); ok {
		// sendto has no *at form: a datagram to a path name needs one.
		return 0, unix.EOPNOTSUPP
	}
	return unix.SendmsgBuffers(fd, bufs, oob, to, flags)
}

// hostDisconnect dissolves a datagram socket's association: connect(2)
// with AF_UNSPEC, which x/sys/unix has no Sockaddr for.
func hostDisconnect(fd int) error {
	var sa unix.RawSockaddr
	sa.Len = uint8(unsafe.Sizeof(sa))
	_, _, e := syscall.Syscall(syscall.SYS_CONNECT, uintptr(fd), uintptr(unsafe.Pointer(&sa)), unsafe.Sizeof(sa))
	if e != 0 && e != syscall.EAFNOSUPPORT {
		return e
	}
	return nil
}

// hostRxMark is a number that grows when data arrives on fd: the bytes
// waiting (FIONREAD; darwin's TCP byte counters are not used yet).
func hostRxMark(fd int) int64 {
	n, err := unix.IoctlGetInt(fd, hostFIONREAD)
	if err != nil {
		return 0
	}
	return int64(n)
}

// hostSetPasscred: darwin has no per-message credentials; the receiver
// reports the peer's identity instead (LOCAL_PEERPID).
func hostSetPasscred(fd int, on bool) {}

func hostCmsgSender(m *unix.SocketControlMessage) (int, bool) { return 0, false }

// hostSockIoctl answers SIOCATMARK (darwin's own request number) and
// SIOCOUTQ (darwin's SO_NWRITE: the bytes not yet sent).
func hostSockIoctl(fd int, req uint32) (int, error) {
	const darwinSIOCATMARK = 0x40047307 // _IOR('s', 7, int)
	const darwinSO_NWRITE = 0x1024
	switch req {
	case 0x8905: // SIOCATMARK
		return unix.IoctlGetInt(fd, darwinSIOCATMARK)
	case 0x5411: // SIOCOUTQ
		return unix.GetsockoptInt(fd, unix.SOL_SOCKET, darwinSO_NWRITE)
	}
	return 0, unix.ENOTTY
}

// hostCmsgToLinux: darwin's IP-level messages differ in numbers and
// layout and are not translated yet; they are dropped.
func hostCmsgToLinux(m *unix.SocketControlMessage) (level, typ int32, data []byte, ok bool) {
	return 0, 0, nil, false
}

// hostCmsgFromLinux: not translated yet (the send is EINVAL, recorded).
func hostCmsgFromLinux(level, typ int32, data []byte) ([]byte, bool) { return nil, false }
