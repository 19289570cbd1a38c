package sysemu

import (
	"github.com/carrick-go/carrick/sysemu/abi"
)

// socketFile is an open socket: a host socket (socket_host.go) or one
// carrick emulates (netlink). The socket syscalls (sys_socket.go) copy
// addresses, buffers and control messages in and out of guest memory and
// call these with Linux-format bytes; each returns a Linux errno.
type socketFile interface {
	File
	Bind(t *Task, addr []byte) abi.Errno
	Connect(t *Task, addr []byte) abi.Errno
	Listen(t *Task, backlog int) abi.Errno
	// Accept returns the new connection and the peer's address. flags
	// are accept4's SOCK_NONBLOCK (SOCK_CLOEXEC is the caller's).
	Accept(t *Task, flags int) (File, []byte, abi.Errno)
	Sockname(t *Task) ([]byte, abi.Errno)
	Peername(t *Task) ([]byte, abi.Errno)
	Sendmsg(t *Task, m *sockMsg, flags int) (int, abi.Errno)
	Recvmsg(t *Task, m *sockMsg, flags int) (int, abi.Errno)
	Shutdown(t *Task, how int) abi.Errno
	Setsockopt(t *Task, level, opt int, val []byte) abi.Errno
	// Getsockopt returns the option's value; the caller truncates it
	// to the guest's optlen.
	Getsockopt(t *Task, level, opt int) ([]byte, abi.Errno)
}

// sockMsg is one message of sendmsg/recvmsg in Linux format.
type sockMsg struct {
	// Addr is the destination (send) or the source (recv; nil: none).
	Addr []byte
	// Iov is the data: slices of guest memory.
	Iov [][]byte
	// Control is the Linux control messages to send, or those received
	// (the caller copies at most the guest's msg_controllen and sets
	// MSG_CTRUNC).
	Control []byte
	// ControlCap is the room the guest gave for received control data.
	ControlCap int
	// Flags is the received msg_flags (MSG_TRUNC, MSG_CTRUNC, MSG_EOR…).
	Flags uint32
	// Cloexec asks for received fds with FD_CLOEXEC (MSG_CMSG_CLOEXEC).
	Cloexec bool
}

// iovLen is the total length of the message's buffers.
func (m *sockMsg) iovLen() int {
	n := 0
	for _, b := range m.Iov {
		n += len(b)
	}
	return n
}

// socketFamilies makes the sockets of families carrick emulates, by
// family; each emulating file registers itself in init (netlink.go).
var socketFamilies = map[int]func(t *Task, typ, proto int) (socketFile, abi.Errno){}
