// Package hvf is carrick's fast CPU backend: guest EL0 code runs on the
// Apple Silicon CPU itself through Hypervisor.framework (darwin/arm64).
//
// Hypervisor.framework gives a bare virtual machine, not a process: there is
// no kernel at EL1 to take the guest's `svc`, fault or trap. This package
// supplies the little EL1 it needs, as data it generates and hands to the
// hardware: a vector page whose lower-EL synchronous slot saves the EL0
// registers to a per-vCPU save area and leaves to the host with `hvc`; a
// return path that reloads them (and, when asked, the vector registers, the
// TLBs and the instruction cache) and `eret`s to EL0; and stage-1 page
// tables that identity-map the guest space with Linux's per-page
// permissions. Stage 2 maps the whole fixed-backed guest memory once.
//
// Everything but the calls into the framework is portable Go and runs in
// the Linux tests: the hardware sits behind the hardware interface, which
// hv_darwin.go implements with purego and the tests implement with the
// interpreter's EL1 model (vcpu/interp), so the same engine, tables and EL1
// bytes are exercised end to end on every host.
package hvf
