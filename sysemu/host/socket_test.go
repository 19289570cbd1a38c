package host

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// put writes v at name's offset in a buffer laid out as x/sys/unix's st.
func put(t *testing.T, b []byte, st string, src *srcPkg, name string, v []byte) {
	t.Helper()
	off, size := field(t, xstruct(t, src, st), name)
	if int64(len(v)) > size {
		t.Fatalf("%s.%s: %d bytes into %d", st, name, len(v), size)
	}
	copy(b[off:], v)
}

// get reads name's bytes in b laid out as x/sys/unix's st.
func get(t *testing.T, b []byte, st string, src *srcPkg, name string) []byte {
	t.Helper()
	off, size := field(t, xstruct(t, src, st), name)
	return b[off : off+size]
}

func u16(v int64) []byte { return binary.LittleEndian.AppendUint16(nil, uint16(v)) }

func TestSockaddrInet(t *testing.T) {
	sources(t)
	port := []byte{0x1f, 0x90} // 8080, network order
	for _, c := range []struct {
		st, fam string
		fields  map[string][]byte
	}{
		{"RawSockaddrInet4", "AF_INET", map[string][]byte{"Port": port, "Addr": {127, 0, 0, 1}}},
		{"RawSockaddrInet6", "AF_INET6", map[string][]byte{"Port": port, "Flowinfo": {1, 2, 3, 4},
			"Addr": {0xfe, 0x80, 15: 1}, "Scope_id": {7, 0, 0, 0}}},
	} {
		lin := make([]byte, arm64Sizes.Sizeof(xstruct(t, linuxSrc, c.st)))
		put(t, lin, c.st, linuxSrc, "Family", u16(linuxVal(t, c.fam)))
		for f, v := range c.fields {
			put(t, lin, c.st, linuxSrc, f, v)
		}
		dar, err := SockaddrToDarwin(lin)
		if err != nil {
			t.Fatalf("%s: %v", c.st, err)
		}
		if want := arm64Sizes.Sizeof(xstruct(t, darwinSrc, c.st)); int64(len(dar)) != want {
			t.Errorf("%s: darwin address of %d bytes, want %d", c.st, len(dar), want)
		}
		if got := get(t, dar, c.st, darwinSrc, "Len"); int64(got[0]) != int64(len(dar)) {
			t.Errorf("%s: sa_len %d", c.st, got[0])
		}
		if got := get(t, dar, c.st, darwinSrc, "Family"); int64(got[0]) != darwinVal(t, c.fam) {
			t.Errorf("%s: darwin family %d", c.st, got[0])
		}
		for f, v := range c.fields {
			if got := get(t, dar, c.st, darwinSrc, f); !bytes.Equal(got, v) {
				t.Errorf("%s.%s: darwin %x, want %x", c.st, f, got, v)
			}
		}
		back, err := SockaddrFromDarwin(dar)
		if err != nil || !bytes.Equal(back, lin) {
			t.Errorf("%s: round trip %x %v, want %x", c.st, back, err, lin)
		}
	}
	// Linux accepts the 24-byte sockaddr_in6 of RFC 2133.
	lin := make([]byte, 24)
	binary.LittleEndian.PutUint16(lin, uint16(linuxVal(t, "AF_INET6")))
	if _, err := SockaddrToDarwin(lin); err != nil {
		t.Errorf("24-byte sockaddr_in6: %v", err)
	}
}

func linuxUnix(t *testing.T, path string, size int) []byte {
	b := make([]byte, size)
	put(t, b, "RawSockaddrUnix", linuxSrc, "Family", u16(linuxVal(t, "AF_UNIX")))
	copy(b[2:], path)
	return b
}

func TestSockaddrUnix(t *testing.T) {
	sources(t)
	const path = "/run/app.sock"
	full := int(arm64Sizes.Sizeof(xstruct(t, linuxSrc, "RawSockaddrUnix")))
	for _, size := range []int{2 + len(path), 2 + len(path) + 1, full} { // with and without the NUL
		dar, err := SockaddrToDarwin(linuxUnix(t, path, size))
		if err != nil {
			t.Fatal(err)
		}
		if int(dar[0]) != len(dar) || int64(dar[1]) != darwinVal(t, "AF_UNIX") {
			t.Errorf("darwin header %d %d", dar[0], dar[1])
		}
		off, _ := field(t, xstruct(t, darwinSrc, "RawSockaddrUnix"), "Path")
		if got := string(dar[off:]); got != path+"\x00" {
			t.Errorf("darwin path %q", got)
		}
		back, err := SockaddrFromDarwin(dar)
		if want := linuxUnix(t, path, 2+len(path)+1); err != nil || !bytes.Equal(back, want) {
			t.Errorf("back: %q %v, want %q", back, err, want)
		}
	}
	darwinPath := arm64Sizes.Sizeof(xstruct(t, darwinSrc, "RawSockaddrUnix")) - 2
	fits := "/" + strings.Repeat("p", int(darwinPath)-2) // with its NUL, exactly darwin's sun_path
	if _, err := SockaddrToDarwin(linuxUnix(t, fits, full)); err != nil {
		t.Errorf("a %d-byte path: %v", len(fits), err)
	}
	for _, sa := range [][]byte{
		linuxUnix(t, fits+"x", full),       // one byte too long for darwin
		linuxUnix(t, "\x00abstract", full), // abstract
		linuxUnix(t, "", 2),                // unnamed (autobind)
	} {
		if _, err := SockaddrToDarwin(sa); !errors.Is(err, ErrNotRepresentable) {
			t.Errorf("%q: %v, want ErrNotRepresentable", sa, err)
		}
	}
	// An unnamed darwin socket (sun_len unset, as accept reports one) is
	// Linux's bare family.
	back, err := SockaddrFromDarwin([]byte{0, byte(darwinVal(t, "AF_UNIX"))})
	if err != nil || !bytes.Equal(back, u16(linuxVal(t, "AF_UNIX"))) {
		t.Errorf("unnamed: %x %v", back, err)
	}
}

func TestSockaddrErrors(t *testing.T) {
	if _, err := SockaddrToDarwin([]byte{1}); err != abi.EINVAL {
		t.Errorf("short: %v", err)
	}
	short := make([]byte, 15)
	binary.LittleEndian.PutUint16(short, uint16(linuxVal(t, "AF_INET")))
	if _, err := SockaddrToDarwin(short); err != abi.EINVAL {
		t.Errorf("short sockaddr_in: %v", err)
	}
	nl := make([]byte, 12)
	binary.LittleEndian.PutUint16(nl, uint16(linuxVal(t, "AF_NETLINK")))
	if _, err := SockaddrToDarwin(nl); err != abi.Errno(linuxVal(t, "EAFNOSUPPORT")) {
		t.Errorf("AF_NETLINK: %v", err)
	}
	if _, err := SockaddrFromDarwin([]byte{16, byte(darwinVal(t, "AF_SYSTEM")), 0, 0}); err != abi.Errno(linuxVal(t, "EAFNOSUPPORT")) {
		t.Errorf("AF_SYSTEM: %v", err)
	}
}

func TestFamilies(t *testing.T) {
	for _, name := range []string{"AF_UNSPEC", "AF_UNIX", "AF_INET", "AF_INET6"} {
		l, d := int(linuxVal(t, name)), int(darwinVal(t, name))
		if got, ok := FamilyToDarwin(l); !ok || got != d {
			t.Errorf("%s → %d %v, want %d", name, got, ok, d)
		}
		if got, ok := FamilyFromDarwin(d); !ok || got != l {
			t.Errorf("darwin %s → %d %v, want %d", name, got, ok, l)
		}
	}
	if _, ok := FamilyToDarwin(int(linuxVal(t, "AF_NETLINK"))); ok {
		t.Error("AF_NETLINK has a darwin family")
	}
}

func TestSocketTypes(t *testing.T) {
	nb, ce := uint32(linuxVal(t, "SOCK_NONBLOCK")), uint32(linuxVal(t, "SOCK_CLOEXEC"))
	for _, name := range []string{"SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET"} {
		l, d := uint32(linuxVal(t, name)), int(darwinVal(t, name))
		for _, flags := range []uint32{0, nb, ce, nb | ce} {
			typ, gotNB, gotCE, ok := SocketTypeToDarwin(l | flags)
			if !ok || typ != d || gotNB != (flags&nb != 0) || gotCE != (flags&ce != 0) {
				t.Errorf("%s|%#x → %d %v %v %v", name, flags, typ, gotNB, gotCE, ok)
			}
		}
	}
	for _, name := range []string{"SOCK_DCCP", "SOCK_PACKET"} {
		if _, _, _, ok := SocketTypeToDarwin(uint32(linuxVal(t, name))); ok {
			t.Errorf("%s has a darwin type", name)
		}
	}
}
