package sysemu

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/host"
)

// AF_UNIX names. A path name is the guest's, resolved confined in its file
// view (rootfs.BindSocket/ConnectSocket). The abstract namespace is
// Linux's alone, so carrick emulates it on every host: an abstract name is
// a host socket file in a private directory, named by a hash of the name,
// with the name itself in a file beside it so a peer's address maps back.
// Host sockets keep their own (host) names; the names the guest sees are
// kept here.

// unixUnnamed is the address of an unbound AF_UNIX socket: the family
// alone.
func unixUnnamed() []byte { return []byte{abi.AF_UNIX, 0} }

// unixName is a parsed guest sockaddr_un.
type unixName struct {
	path     string // a path name; "" for an abstract one
	abstract []byte // the abstract name, without its leading NUL
	autobind bool   // the bare family: pick an abstract name
}

// parseUnixAddr parses a guest sockaddr_un of length len(b) as Linux's
// unix_mkname: a path ends at its first NUL (and must not be empty), an
// abstract name is every byte after the leading NUL.
func parseUnixAddr(b []byte) (unixName, []byte, abi.Errno) {
	if len(b) < 2 || len(b) > abi.SizeofSockaddrUnix {
		return unixName{}, nil, abi.EINVAL
	}
	if binary.LittleEndian.Uint16(b) != abi.AF_UNIX {
		return unixName{}, nil, abi.EINVAL
	}
	if len(b) == 2 {
		return unixName{autobind: true}, nil, 0
	}
	p := b[2:]
	if p[0] == 0 {
		return unixName{abstract: bytes.Clone(p[1:])}, bytes.Clone(b), 0
	}
	if i := bytes.IndexByte(p, 0); i >= 0 {
		p = p[:i]
	}
	// Linux reports a path name with its NUL.
	canon := append(append([]byte{abi.AF_UNIX, 0}, p...), 0)
	return unixName{path: string(p)}, canon, 0
}

// boundName is what a bound AF_UNIX socket holds besides its host socket:
// the record that maps its host address back to the guest's name, and for
// an abstract name the lock that says the name is taken, or for a path
// the directory its host address goes through.
type boundName struct {
	record string // file holding the guest's sockaddr, keyed by the host address
	host   string // an abstract name's host socket file, removed with it
	fd     int    // the lock (abstract) or the directory (path); -1: none
	once   sync.Once
}

// release frees the name when the socket that holds it closes.
func (b *boundName) release() {
	b.once.Do(func() {
		os.Remove(b.record)
		if b.host != "" {
			os.Remove(b.host)
			os.Remove(b.host + ".lock")
		}
		if b.fd >= 0 {
			unix.Close(b.fd)
		}
	})
}

// unixDir is carrick's host directory for AF_UNIX names: one per host
// user, as the host's network namespace is shared.
var unixDir = sync.OnceValues(func() (string, error) {
	for _, sub := range []string{"abstract", "names"} {
		if _, err := host.UserTempDir(sub); err != nil {
			return "", err
		}
	}
	return host.UserTempDir()
})

// hashName names a file by a hash of b.
func hashName(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:12])
}

// nameRecord is the file mapping host address a back to a guest name.
func nameRecord(a string) (string, error) {
	d, err := unixDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "names", hashName([]byte(a))), nil
}

// abstractPath is the host path standing for abstract name n.
func abstractPath(n []byte) (string, error) {
	d, err := unixDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "abstract", hashName(n)), nil
}

// record writes the guest's name for the socket's host address, so peers
// that see the host address (recvfrom, accept, getpeername) map it back.
func (s *hostSocket) record(b *boundName, guest []byte) {
	sa, err := unix.Getsockname(s.fd)
	ua, ok := sa.(*unix.SockaddrUnix)
	if err != nil || !ok || ua.Name == "" {
		return
	}
	if p, err := nameRecord(ua.Name); err == nil && os.WriteFile(p, guest, 0o600) == nil {
		b.record = p
	}
}

// bindAbstract binds the socket to abstract name n: EADDRINUSE while
// another socket holds the name's lock (a name whose socket died is
// taken over).
func (s *hostSocket) bindAbstract(n []byte) abi.Errno {
	p, err := abstractPath(n)
	if err != nil {
		return abi.EACCES
	}
	lock, err := unix.Open(p+".lock", unix.O_RDWR|unix.O_CREAT|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return hostErrno(err)
	}
	if unix.Flock(lock, unix.LOCK_EX|unix.LOCK_NB) != nil {
		unix.Close(lock)
		return abi.EADDRINUSE
	}
	os.Remove(p) // a dead socket's file
	if err := unix.Bind(s.fd, &unix.SockaddrUnix{Name: p}); err != nil {
		unix.Close(lock)
		return hostErrno(err)
	}
	b := &boundName{host: p, fd: lock}
	s.record(b, append([]byte{abi.AF_UNIX, 0, 0}, n...))
	s.name = b
	return 0
}

// autobind binds to a fresh abstract name of five hex digits, as Linux's
// unix_autobind does.
func (s *hostSocket) autobind() abi.Errno {
	for range 64 {
		var r [4]byte
		rand.Read(r[:])
		n := fmt.Sprintf("%05x", binary.LittleEndian.Uint32(r[:])&0xfffff)
		if e := s.bindAbstract([]byte(n)); e != abi.EADDRINUSE {
			if e == 0 {
				s.local = append([]byte{abi.AF_UNIX, 0, 0}, n...)
			}
			return e
		}
	}
	return abi.EADDRINUSE
}

func (s *hostSocket) bindUnix(t *Task, addr []byte) abi.Errno {
	n, canon, e := parseUnixAddr(addr)
	if e != 0 {
		return e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.local != nil {
		// Linux makes a path's node before it looks at the socket: an
		// existing path is EADDRINUSE even then.
		if n.path != "" {
			if _, e := t.p.fs.root().StatAt(t.p.fs.getCwd(), n.path, false); e == 0 {
				return abi.EADDRINUSE
			}
		}
		return abi.EINVAL
	}
	switch {
	case n.autobind:
		return s.autobind()
	case n.path == "":
		if e := s.bindAbstract(n.abstract); e != 0 {
			return e
		}
	default:
		mode := 0o777 &^ t.p.fs.getUmask()
		var herr error // the host's own error, mapped here as every socket error is
		keep := -1
		e := t.p.fs.root().BindSocket(t.p.fs.getCwd(), n.path, mode, func(dirfd int, name string) error {
			// The host address goes through a descriptor of the directory
			// the socket keeps, so it names no other socket while this
			// one lives (its record maps it back to the guest's name).
			if keep, herr = dupCloexec(dirfd); herr != nil {
				return herr
			}
			herr = unixAddrAt(keep, name, true, func(sa unix.Sockaddr) error { return hostBind(s.fd, sa) })
			return herr
		})
		if herr != nil || e != 0 {
			if keep >= 0 {
				unix.Close(keep)
			}
			if herr != nil {
				return hostErrno(herr)
			}
			return e
		}
		b := &boundName{fd: keep}
		s.record(b, canon)
		s.name = b
	}
	s.local = canon
	return 0
}

// toUnix resolves a guest AF_UNIX destination and calls fn with the host
// address for it.
func (s *hostSocket) toUnix(t *Task, addr []byte, fn func(unix.Sockaddr) abi.Errno) abi.Errno {
	n, _, e := parseUnixAddr(addr)
	if e != 0 {
		return e
	}
	if n.autobind {
		return abi.EINVAL
	}
	if s.passcred.Load() {
		// Linux autobinds a sender that passes credentials, so the
		// receiver has a name to reply to.
		s.mu.Lock()
		if s.local == nil {
			s.autobind()
		}
		s.mu.Unlock()
	}
	if n.path == "" {
		p, err := abstractPath(n.abstract)
		if err != nil {
			return abi.ECONNREFUSED
		}
		e := fn(&unix.SockaddrUnix{Name: p})
		if e == abi.ENOENT {
			return abi.ECONNREFUSED // no such abstract name
		}
		return e
	}
	var fe abi.Errno
	var herr error
	e = t.p.fs.root().ConnectSocket(t.p.fs.getCwd(), n.path, func(dirfd int, name string) error {
		herr = unixAddrAt(dirfd, name, false, func(sa unix.Sockaddr) error {
			fe = fn(sa)
			return nil
		})
		return herr
	})
	if herr != nil {
		return hostErrno(herr)
	}
	if e != 0 {
		return e
	}
	return fe
}

func (s *hostSocket) connectUnix(t *Task, addr []byte) abi.Errno {
	_, canon, e := parseUnixAddr(addr)
	if e != 0 {
		return e
	}
	e = s.toUnix(t, addr, func(sa unix.Sockaddr) abi.Errno {
		return s.connectHost(t, func() error { return hostConnect(s.fd, sa) })
	})
	if e == 0 {
		s.mu.Lock()
		// Linux reports the address the peer bound; the guest's name for
		// it is the one it connected to.
		s.peer = canon
		s.mu.Unlock()
	}
	return e
}

// guestUnixAddr maps a host AF_UNIX address (a peer's or a sender's) to
// the guest's name for it, through the record its binder left; nil for
// an unnamed socket or one whose name carrick does not know.
func guestUnixAddr(sa unix.Sockaddr) []byte {
	ua, ok := sa.(*unix.SockaddrUnix)
	if !ok || ua.Name == "" {
		return nil
	}
	p, err := nameRecord(ua.Name)
	if err != nil {
		return nil
	}
	b, err := os.ReadFile(p)
	if err != nil || len(b) < 2 {
		return nil
	}
	return b
}

// peerCreds is the guest identity of a connected AF_UNIX socket's peer
// (SO_PEERCRED, SCM_CREDENTIALS): its pid as this process's namespace
// shows it and its effective ids, asked of the carrick process that is
// the peer. A host process that is no guest shows its host ids.
func (s *hostSocket) peerCreds(t *Task) (abi.Ucred, bool) {
	h, ok := hostPeerPid(s.fd)
	if !ok || h <= 0 {
		return abi.Ucred{}, false
	}
	return t.p.guestIdentity(h), true
}

// guestIdentity is host process h as this process's guest sees it: its
// pid in the namespace and its effective ids, asked of the carrick
// process that is h (a host process that is no guest shows carrick's
// host ids).
func (p *Process) guestIdentity(h int) abi.Ucred {
	uc := abi.Ucred{Pid: uint32(p.guestPid(h))}
	if h == p.hostPID {
		c := p.creds()
		uc.UID, uc.GID = c.EUID, c.EGID
		return uc
	}
	if r := p.registry(); r != nil && r.Contains(h) {
		if snap := fetchProc(r.Path(), h); snap != nil {
			uc.UID, uc.GID = snap.Creds.EUID, snap.Creds.EGID
			return uc
		}
	}
	uc.UID, uc.GID = uint32(os.Getuid()), uint32(os.Getgid())
	return uc
}
