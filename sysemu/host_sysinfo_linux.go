package sysemu

import (
	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

func hostSysinfo() abi.Sysinfo {
	var h unix.Sysinfo_t
	unix.Sysinfo(&h)
	return abi.Sysinfo{
		Uptime: h.Uptime, Loads: h.Loads, Totalram: h.Totalram, Freeram: h.Freeram,
		Sharedram: h.Sharedram, Bufferram: h.Bufferram, Totalswap: h.Totalswap, Freeswap: h.Freeswap,
		Procs: h.Procs, MemUnit: h.Unit,
	}
}
