// Package shim is containerd-shim-carrick-v2: a containerd runtime v2
// shim that serves containerd.task.v2.Task over ttrpc and drives
// carrick-runtime through go-runc, as containerd's runc shim drives runc.
//
// Its bootstrap is its own (bootstrap.go), not containerd's shim library:
// `start` prints a plain unix:// address, the one answer every containerd
// from 1.6 to 2.x accepts (1.6 only accepts that; the libraries of 2.x
// print JSON or protobuf). Exits are learnt as a subreaper on Linux
// (wait4 gives the status), and on hosts without subreapers (macOS) by
// watching the pid and reading the exit record the container's process
// leaves in the runtime's state directory (runtime.ExitFile).
package shim
