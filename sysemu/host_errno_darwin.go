package sysemu

import (
	"syscall"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/host"
)

// errnoFromHost maps a darwin errno to Linux's through the full table
// (sysemu/host), not only the names carrick's own code expects.
func errnoFromHost(e syscall.Errno) abi.Errno { return host.ErrnoFromDarwin(int(e)) }
