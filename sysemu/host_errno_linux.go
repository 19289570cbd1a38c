package sysemu

import (
	"syscall"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// errnoFromHost maps a host errno to Linux's: on Linux, by meaning too, so
// that both hosts go through one function.
func errnoFromHost(e syscall.Errno) abi.Errno { return errnoByName(e) }
