package sysemu

import "golang.org/x/sys/unix"

// hostSubreaper makes this host process the reaper of orphaned
// descendants (PR_SET_CHILD_SUBREAPER), so a namespace's pid 1 gets them.
func hostSubreaper() { unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) }
