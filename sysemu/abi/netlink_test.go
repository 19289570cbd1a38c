package abi

import (
	"encoding/binary"
	"testing"
	"unsafe"
)

// The netlink structs against the kernel's sizes (uapi headers, arm64).
func TestNetlinkStructSizes(t *testing.T) {
	check := func(name string, goSize uintptr, encSize int, want int) {
		t.Helper()
		if int(goSize) != want || encSize != want {
			t.Errorf("%s: unsafe.Sizeof %d, binary.Size %d, want %d", name, goSize, encSize, want)
		}
	}
	check("nlmsghdr", unsafe.Sizeof(NlMsghdr{}), binary.Size(NlMsghdr{}), SizeofNlMsghdr)
	check("nlmsgerr", unsafe.Sizeof(NlMsgerr{}), binary.Size(NlMsgerr{}), SizeofNlMsgerr)
	check("sockaddr_nl", unsafe.Sizeof(SockaddrNl{}), binary.Size(SockaddrNl{}), SizeofSockaddrNl)
	check("rtattr", unsafe.Sizeof(RtAttr{}), binary.Size(RtAttr{}), SizeofRtAttr)
	check("ifinfomsg", unsafe.Sizeof(IfInfomsg{}), binary.Size(IfInfomsg{}), SizeofIfInfomsg)
	check("ifaddrmsg", unsafe.Sizeof(IfAddrmsg{}), binary.Size(IfAddrmsg{}), SizeofIfAddrmsg)
	check("rtmsg", unsafe.Sizeof(RtMsg{}), binary.Size(RtMsg{}), SizeofRtMsg)
	check("ifa_cacheinfo", unsafe.Sizeof(IfaCacheinfo{}), binary.Size(IfaCacheinfo{}), SizeofIfaCacheinfo)
	check("rta_cacheinfo", unsafe.Sizeof(RtaCacheinfo{}), binary.Size(RtaCacheinfo{}), SizeofRtaCacheinfo)
	check("rtnl_link_stats64", unsafe.Sizeof(RtnlLinkStats64{}), binary.Size(RtnlLinkStats64{}), SizeofRtnlLinkStats64)
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"ifinfomsg.ifi_index", unsafe.Offsetof(IfInfomsg{}.Index), 4},
		{"ifinfomsg.ifi_change", unsafe.Offsetof(IfInfomsg{}.Change), 12},
		{"ifaddrmsg.ifa_index", unsafe.Offsetof(IfAddrmsg{}.Index), 4},
		{"rtmsg.rtm_flags", unsafe.Offsetof(RtMsg{}.Flags), 8},
		{"nlmsgerr.msg", unsafe.Offsetof(NlMsgerr{}.Msg), 4},
		{"rtnl_link_stats64.rx_nohandler", unsafe.Offsetof(RtnlLinkStats64{}.RxNohandler), 184},
	} {
		if c.got != c.want {
			t.Errorf("%s at %d, want %d", c.name, c.got, c.want)
		}
	}
	if NlmsgAlign(17) != 20 || NlmsgAlign(16) != 16 {
		t.Error("NlmsgAlign")
	}
}
