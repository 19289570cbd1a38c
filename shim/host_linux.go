package shim

import (
	"os"

	"github.com/containerd/ttrpc"
	"golang.org/x/sys/unix"
)

// serverOptions: only a peer of the shim's own user may call it (checked
// with SO_PEERCRED), as containerd's shims do on Linux.
func serverOptions() []ttrpc.ServerOpt {
	return []ttrpc.ServerOpt{ttrpc.WithServerHandshaker(ttrpc.UnixSocketRequireSameUser())}
}

func redirectStderr(f *os.File) { unix.Dup2(int(f.Fd()), 2) }
