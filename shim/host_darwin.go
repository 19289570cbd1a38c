package shim

import (
	"os"

	"github.com/containerd/ttrpc"
	"golang.org/x/sys/unix"
)

// serverOptions: ttrpc has no peer-credential check for macOS; the socket
// lives in containerd's private directory.
func serverOptions() []ttrpc.ServerOpt { return nil }

func redirectStderr(f *os.File) { unix.Dup2(int(f.Fd()), 2) }

// unmountAll: the shim never mounts on macOS.
func unmountAll(target string, n int) error { return nil }
