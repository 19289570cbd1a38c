package sysemu

import (
	"strconv"

	"golang.org/x/sys/unix"
)

// hostReopen opens host fd again through the host's own magic link: a new
// open file description with flags, exactly Linux's semantics.
func hostReopen(fd, flags int) (int, error) {
	return unix.Open("/proc/self/fd/"+strconv.Itoa(fd), flags, 0)
}
