//go:build !linux

package vcpu

// discard is a no-op where the host has no call that frees pages of shared
// memory and zeroes them: the pages stay until reused, and a new mapping
// zeroes what it reuses (Memory.zero).
func discard(b []byte) {}
