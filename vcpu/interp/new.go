package interp

import "github.com/carrick-go/carrick/vcpu"

// New makes a machine on a fresh address space of its own (the
// sysemu.NewMachine form).
func New() (vcpu.Machine, error) {
	mem, err := vcpu.NewMemory()
	if err != nil {
		return nil, err
	}
	return NewMachine(mem), nil
}
