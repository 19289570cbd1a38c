// containerd-shim-carrick-v2 is carrick's containerd runtime v2 shim
// (runtime type io.containerd.carrick.v2): containerd starts it per task,
// and it runs the task's processes with carrick-runtime, which must be
// beside it or in PATH. See docs/runtime.md.
package main

import (
	"os"

	"github.com/carrick-go/carrick/shim"
)

func main() { os.Exit(shim.Main(os.Args)) }
