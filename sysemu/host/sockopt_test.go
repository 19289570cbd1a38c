package host

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

func TestSockoptRows(t *testing.T) {
	n := 0
	for _, l := range sockLevels {
		if int64(l.level.linux) != linuxVal(t, l.level.lname) || int64(l.level.darwin) != darwinVal(t, l.level.dname) {
			t.Errorf("level %s: %d/%#x, headers %d/%#x", l.level.lname, l.level.linux, l.level.darwin,
				linuxVal(t, l.level.lname), darwinVal(t, l.level.dname))
		}
		for _, o := range l.opts {
			n++
			lv, dv := linuxVal(t, o.lname), darwinVal(t, o.dname)
			if int64(o.linux) != lv || int64(o.darwin) != dv {
				t.Errorf("%s/%s: table %d/%#x, headers %d/%#x", o.lname, o.dname, o.linux, o.darwin, lv, dv)
			}
			dl, do, ok := SockoptToDarwin(int(linuxVal(t, l.level.lname)), int(lv))
			if !ok || int64(dl) != darwinVal(t, l.level.dname) || int64(do) != dv {
				t.Errorf("%s → %#x/%#x %v", o.lname, dl, do, ok)
			}
			// Back to the first Linux option of that darwin option.
			ll, lo, ok := SockoptFromDarwin(dl, do)
			if !ok || ll != l.level.linux || sockoptToDarwinMust(t, ll, lo) != do {
				t.Errorf("%s: darwin %#x/%#x back to %d/%d %v", o.lname, dl, do, ll, lo, ok)
			}
			if o.lname == o.dname && lo != o.linux {
				t.Errorf("%s: round trip to %d", o.lname, lo)
			}
		}
	}
	if n < 45 {
		t.Errorf("only %d options", n)
	}
	for _, name := range []string{"SO_PEERCRED", "SO_PASSCRED", "SO_BINDTODEVICE", "SO_DOMAIN"} {
		if _, _, ok := SockoptToDarwin(int(linuxVal(t, "SOL_SOCKET")), int(linuxVal(t, name))); ok {
			t.Errorf("Linux-only %s has a darwin option", name)
		}
	}
	// darwin's SOL_SOCKET option numbers are not Linux's at Linux's level.
	if _, _, ok := SockoptToDarwin(int(darwinVal(t, "SOL_SOCKET")), int(linuxVal(t, "SO_REUSEADDR"))); ok {
		t.Error("darwin's SOL_SOCKET accepted as a Linux level")
	}
}

func sockoptToDarwinMust(t *testing.T, level, opt int) int {
	_, d, ok := SockoptToDarwin(level, opt)
	if !ok {
		t.Errorf("no darwin option for %d/%d", level, opt)
	}
	return d
}

func TestMsgFlags(t *testing.T) {
	var all, dall uint32
	for _, m := range msgFlags {
		lv, dv := uint32(linuxVal(t, m.lname)), uint32(darwinVal(t, m.dname))
		if uint32(m.linux) != lv || uint32(m.darwin) != dv {
			t.Errorf("%s: table %#x/%#x, headers %#x/%#x", m.lname, m.linux, m.darwin, lv, dv)
		}
		if d, only := MsgFlagsToDarwin(lv); d != dv || only != 0 {
			t.Errorf("%s → %#x (%#x), want %#x", m.lname, d, only, dv)
		}
		if l := MsgFlagsFromDarwin(dv); l != lv {
			t.Errorf("darwin %s → %#x, want %#x", m.dname, l, lv)
		}
		all, dall = all|lv, dall|dv
	}
	linuxOnly := uint32(linuxVal(t, "MSG_NOSIGNAL") | linuxVal(t, "MSG_CMSG_CLOEXEC") | linuxVal(t, "MSG_MORE"))
	if d, only := MsgFlagsToDarwin(all | linuxOnly); d != dall || only != linuxOnly {
		t.Errorf("all → %#x (%#x), want %#x (%#x)", d, only, dall, linuxOnly)
	}
	if l := MsgFlagsFromDarwin(dall | uint32(darwinVal(t, "MSG_EOF"))); l != all {
		t.Errorf("all back → %#x, want %#x", l, all)
	}
}

// cmsg builds a control message laid out by x/sys/unix's Cmsghdr from src,
// padded to align.
func cmsg(t *testing.T, src *srcPkg, level, typ int64, data []byte, align int) []byte {
	st := xstruct(t, src, "Cmsghdr")
	hdr := int(arm64Sizes.Sizeof(st))
	b := make([]byte, (hdr+len(data)+align-1)&^(align-1))
	off, size := field(t, st, "Len")
	if size == 8 {
		binary.LittleEndian.PutUint64(b[off:], uint64(hdr+len(data)))
	} else {
		binary.LittleEndian.PutUint32(b[off:], uint32(hdr+len(data)))
	}
	off, _ = field(t, st, "Level")
	binary.LittleEndian.PutUint32(b[off:], uint32(level))
	off, _ = field(t, st, "Type")
	binary.LittleEndian.PutUint32(b[off:], uint32(typ))
	copy(b[hdr:], data)
	return b
}

func TestControlMessages(t *testing.T) {
	sources(t)
	fds := func(v ...int32) []byte {
		var b []byte
		for _, fd := range v {
			b = binary.LittleEndian.AppendUint32(b, uint32(fd))
		}
		return b
	}
	lin := append(cmsg(t, linuxSrc, linuxVal(t, "SOL_SOCKET"), linuxVal(t, "SCM_RIGHTS"), fds(3), 8),
		cmsg(t, linuxSrc, linuxVal(t, "SOL_SOCKET"), linuxVal(t, "SCM_RIGHTS"), fds(5, 6, 7), 8)...)
	dar := append(cmsg(t, darwinSrc, darwinVal(t, "SOL_SOCKET"), darwinVal(t, "SCM_RIGHTS"), fds(3), 4),
		cmsg(t, darwinSrc, darwinVal(t, "SOL_SOCKET"), darwinVal(t, "SCM_RIGHTS"), fds(5, 6, 7), 4)...)
	got, err := ControlToDarwin(lin)
	if err != nil || !bytes.Equal(got, dar) {
		t.Errorf("to darwin: %x %v\nwant %x", got, err, dar)
	}
	got, err = ControlFromDarwin(dar)
	if err != nil || !bytes.Equal(got, lin) {
		t.Errorf("from darwin: %x %v\nwant %x", got, err, lin)
	}
	if LinuxCmsgSpace(12) != len(lin)-len(cmsg(t, linuxSrc, 1, 1, fds(3), 8)) {
		t.Errorf("LinuxCmsgSpace(12) = %d", LinuxCmsgSpace(12))
	}
	if DarwinCmsgSpace(12) != len(dar)-len(cmsg(t, darwinSrc, 1, 1, fds(3), 4)) {
		t.Errorf("DarwinCmsgSpace(12) = %d", DarwinCmsgSpace(12))
	}
	cred := cmsg(t, linuxSrc, linuxVal(t, "SOL_SOCKET"), linuxVal(t, "SCM_CREDENTIALS"), make([]byte, 12), 8)
	if _, err := ControlToDarwin(cred); !errors.Is(err, ErrNotRepresentable) {
		t.Errorf("SCM_CREDENTIALS: %v", err)
	}
	bad := cmsg(t, linuxSrc, linuxVal(t, "SOL_SOCKET"), linuxVal(t, "SCM_RIGHTS"), fds(3), 8)
	binary.LittleEndian.PutUint64(bad, 1000)
	if _, err := ControlToDarwin(bad); err != abi.EINVAL {
		t.Errorf("overlong cmsg_len: %v", err)
	}
}
