package sysemu

import (
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

func hostSysinfo() abi.Sysinfo {
	si := abi.Sysinfo{MemUnit: 1, Procs: 1}
	if mem, err := unix.SysctlUint64("hw.memsize"); err == nil {
		si.Totalram = mem
	}
	if tv, err := unix.SysctlTimeval("kern.boottime"); err == nil {
		si.Uptime = int64(time.Since(time.Unix(tv.Sec, int64(tv.Usec)*1000)) / time.Second)
	}
	return si
}
