package abi

import (
	"encoding/binary"
	"testing"
	"unsafe"
)

// siginfo_t for SIGCHLD: the layout of include/uapi/asm-generic/siginfo.h
// on a 64-bit kernel (the union starts at 16, clock_t is 8 bytes).
func TestSiginfoChldLayout(t *testing.T) {
	if s, e := unsafe.Sizeof(SiginfoChld{}), binary.Size(SiginfoChld{}); s != SizeofSiginfo || e != SizeofSiginfo {
		t.Errorf("siginfo (SIGCHLD): unsafe.Sizeof %d, binary.Size %d, want %d", s, e, SizeofSiginfo)
	}
	var si SiginfoChld
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"si_code", unsafe.Offsetof(si.Code), 8},
		{"si_pid", unsafe.Offsetof(si.Pid), OffsetofSiPid},
		{"si_uid", unsafe.Offsetof(si.Uid), OffsetofSiUid},
		{"si_status", unsafe.Offsetof(si.Status), OffsetofSiStatus},
		{"si_utime", unsafe.Offsetof(si.Utime), OffsetofSiUtime},
		{"si_stime", unsafe.Offsetof(si.Stime), OffsetofSiStime},
	} {
		if c.got != c.want {
			t.Errorf("%s at %d, want %d", c.name, c.got, c.want)
		}
	}
}
