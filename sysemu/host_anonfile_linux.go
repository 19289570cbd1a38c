package sysemu

import (
	"os"

	"golang.org/x/sys/unix"
)

// anonFile returns a new empty host file with no name (a memfd).
func anonFile(name string) (*os.File, error) {
	fd, err := unix.MemfdCreate(name, unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	return os.NewFile(uintptr(fd), name), nil
}
