package sysemu

import "os"

// setHostComm names this host process after the guest program it carries
// (Linux's comm, 15 bytes), so that the host's ps, top and pgrep show
// "python3" rather than "carrick". /proc/self/comm names the thread group
// leader whichever thread writes it.
func setHostComm(name string) {
	if len(name) > 15 {
		name = name[:15]
	}
	os.WriteFile("/proc/self/comm", []byte(name), 0)
}
