package sysemu

import (
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/procfs"
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

// The guest process is a host process: its oom_score_adj is the host
// process's (procfs.OOMScorer; macOS has none, so the file is absent there).
var _ procfs.OOMScorer = procView{}

func (v procView) oomFile() string { return "/proc/" + strconv.Itoa(v.p.hostPID) + "/oom_score_adj" }

func (v procView) OOMScoreAdj() (int, abi.Errno) {
	b, err := os.ReadFile(v.oomFile())
	if err != nil {
		return 0, abi.EIO
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 0, abi.EIO
	}
	return n, 0
}

// SetOOMScoreAdj: lowering the value needs CAP_SYS_RESOURCE, which a
// guest holds while its effective uid is 0.
func (v procView) SetOOMScoreAdj(n int) abi.Errno {
	if cur, e := v.OOMScoreAdj(); e == 0 && n < cur && v.p.creds().EUID != 0 {
		return abi.EACCES
	}
	if err := os.WriteFile(v.oomFile(), []byte(strconv.Itoa(n)), 0); err != nil {
		return hostErrno(err)
	}
	return 0
}
