package hvf

import (
	"unsafe"

	"github.com/carrick-go/carrick/vcpu"
	"github.com/carrick-go/carrick/vcpu/interp"
)

// The EL1 model: the interpreter in its EL1 mode plays the hardware, so the
// engine, the tables and the EL1 code run here exactly as they will on a
// Mac, only slower.

type modelHV struct {
	m *interp.Machine
}

func (modelHV) mapMemory(host unsafe.Pointer, ipa, size uint64) error { return nil }
func (modelHV) unmapMemory(ipa, size uint64) error                    { return nil }
func (modelHV) maxCPUs() int                                          { return 64 }

func (h modelHV) newCPU() (hardware, error) {
	v, err := h.m.NewVCPU()
	if err != nil {
		return nil, err
	}
	c := v.(*interp.CPU)
	c.EnableEL1()
	return modelCPU{c}, nil
}

type modelCPU struct{ c *interp.CPU }

func (m modelCPU) run() (hwExit, error) {
	x := m.c.RunEL1()
	return hwExit{Reason: x.Reason, Syndrome: x.Syndrome, VA: x.VA, PA: x.PA}, nil
}

func (m modelCPU) reg(r Reg) (uint64, error)    { return m.c.HVReg(uint32(r)), nil }
func (m modelCPU) setReg(r Reg, v uint64) error { m.c.SetHVReg(uint32(r), v); return nil }

func (m modelCPU) sysReg(r SysReg) (uint64, error) {
	v, ok := m.c.HVSysReg(uint16(r))
	if !ok {
		return 0, HVError(hvBadArgument)
	}
	return v, nil
}

func (m modelCPU) setSysReg(r SysReg, v uint64) error {
	if !m.c.SetHVSysReg(uint16(r), v) {
		return HVError(hvBadArgument)
	}
	return nil
}

func (m modelCPU) simd(i int) ([2]uint64, error) { return m.c.HVSIMD(i), nil }
func (m modelCPU) cancel()                       { m.c.Interrupt() }
func (m modelCPU) destroy() error                { return m.c.Close() }

// newModel is an hvf Machine over the EL1 model, on fixed-backed memory
// with Apple Silicon's 16 KiB host granule simulated.
func newModel() (vcpu.Machine, error) {
	mem, err := vcpu.NewMemoryWith(vcpu.MemoryOptions{Fixed: true, HostGranule: 16 << 10})
	if err != nil {
		return nil, err
	}
	m, err := newMachine(mem, modelHV{interp.NewMachine(mem)})
	if err != nil {
		mem.Close()
		return nil, err
	}
	return m, nil
}

// interpIDReg is an ID register of the interpreter, read as the hardware
// would give it to the backend.
func interpIDReg(r SysReg) (uint64, bool) {
	mem, err := vcpu.NewMemory()
	if err != nil {
		return 0, false
	}
	defer mem.Close()
	v, _ := interp.NewMachine(mem).NewVCPU()
	c := v.(*interp.CPU)
	defer c.Close()
	c.EnableEL1()
	return c.HVSysReg(uint16(r))
}
