// Package runtime is carrick's container engine above the Linux emulation:
// OCI bundles and their state, the container lifecycle of runc's contract
// (create, start, state, kill, delete), and the processes that carry a
// guest — a container's init and the children a guest's fork or execve
// starts — for every carrick program (carrick, carrick-runtime, the
// containerd shim).
package runtime
