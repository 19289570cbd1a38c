//go:build darwin && arm64

package hvf

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"unsafe"

	"github.com/carrick-go/carrick/vcpu"
	"github.com/ebitengine/purego"
)

// The thin layer over Hypervisor.framework: symbols resolved with purego
// (no cgo, so the darwin build is a cross-compile), each call a
// purego.SyscallN with integer and pointer arguments only.

const frameworkPath = "/System/Library/Frameworks/Hypervisor.framework/Hypervisor"

var fw struct {
	once sync.Once
	err  error

	configCreate, getMaxIPA, setIPA, vmCreate, vmMap, vmUnmap, maxVCPUs uintptr
	vcpuCreate, vcpuDestroy, vcpuRun, vcpusExit                         uintptr
	getReg, setReg, getSysReg, setSysReg, getSIMD                       uintptr
	osRelease                                                           uintptr
}

func loadFramework() error {
	fw.once.Do(func() {
		lib, err := purego.Dlopen(frameworkPath, purego.RTLD_NOW|purego.RTLD_GLOBAL)
		if err != nil {
			fw.err = fmt.Errorf("hvf: load Hypervisor.framework: %w", err)
			return
		}
		libc, err := purego.Dlopen("/usr/lib/libSystem.B.dylib", purego.RTLD_NOW|purego.RTLD_GLOBAL)
		if err != nil {
			fw.err = fmt.Errorf("hvf: load libSystem: %w", err)
			return
		}
		for _, s := range []struct {
			lib  uintptr
			name string
			p    *uintptr
		}{
			{lib, "hv_vm_config_create", &fw.configCreate},
			{lib, "hv_vm_config_get_max_ipa_size", &fw.getMaxIPA},
			{lib, "hv_vm_config_set_ipa_size", &fw.setIPA},
			{lib, "hv_vm_create", &fw.vmCreate},
			{lib, "hv_vm_map", &fw.vmMap},
			{lib, "hv_vm_unmap", &fw.vmUnmap},
			{lib, "hv_vm_get_max_vcpu_count", &fw.maxVCPUs},
			{lib, "hv_vcpu_create", &fw.vcpuCreate},
			{lib, "hv_vcpu_destroy", &fw.vcpuDestroy},
			{lib, "hv_vcpu_run", &fw.vcpuRun},
			{lib, "hv_vcpus_exit", &fw.vcpusExit},
			{lib, "hv_vcpu_get_reg", &fw.getReg},
			{lib, "hv_vcpu_set_reg", &fw.setReg},
			{lib, "hv_vcpu_get_sys_reg", &fw.getSysReg},
			{lib, "hv_vcpu_set_sys_reg", &fw.setSysReg},
			{lib, "hv_vcpu_get_simd_fp_reg", &fw.getSIMD},
			{libc, "os_release", &fw.osRelease},
		} {
			if *s.p, err = purego.Dlsym(s.lib, s.name); err != nil {
				fw.err = fmt.Errorf("hvf: %s: %w (macOS 13 or later is needed)", s.name, err)
				return
			}
		}
	})
	return fw.err
}

// call runs a framework function and turns its hv_return_t into an error.
func call(fn uintptr, args ...uintptr) error {
	r, _, _ := purego.SyscallN(fn, args...)
	return hvResult(uint32(r))
}

// The one VM of this process (Hypervisor.framework allows one).
var vm struct {
	mu      sync.Mutex
	created bool
	inUse   bool
	max     int
}

type darwinHV struct{}

// New makes a Hypervisor.framework machine on fresh fixed-backed memory.
func New() (vcpu.Machine, error) {
	if err := loadFramework(); err != nil {
		return nil, err
	}
	vm.mu.Lock()
	defer vm.mu.Unlock()
	if vm.inUse {
		return nil, errors.New("hvf: this process already runs a guest (one VM per process)")
	}
	if !vm.created {
		if err := createVM(); err != nil {
			return nil, err
		}
		vm.created = true
	}
	mem, err := vcpu.NewMemoryWith(vcpu.MemoryOptions{Fixed: true})
	if err != nil {
		return nil, err
	}
	m, err := newMachine(mem, darwinHV{})
	if err != nil {
		mem.Close()
		return nil, err
	}
	vm.inUse = true
	return m, nil
}

// createVM creates the VM with the largest IPA size offered: the guest
// space is 1 TiB (40 bits).
func createVM() error {
	cfg, _, _ := purego.SyscallN(fw.configCreate)
	if cfg == 0 {
		return errors.New("hvf: hv_vm_config_create failed")
	}
	defer purego.SyscallN(fw.osRelease, cfg)
	var bits uint32
	if err := call(fw.getMaxIPA, uintptr(unsafe.Pointer(&bits))); err != nil {
		return fmt.Errorf("hvf: hv_vm_config_get_max_ipa_size: %w", err)
	}
	if bits < 40 {
		return fmt.Errorf("hvf: this Mac offers a %d-bit guest physical space; carrick needs 40 bits (macOS 13 or later on Apple Silicon)", bits)
	}
	if err := call(fw.setIPA, cfg, uintptr(bits)); err != nil {
		return fmt.Errorf("hvf: hv_vm_config_set_ipa_size(%d): %w", bits, err)
	}
	if err := call(fw.vmCreate, cfg); err != nil {
		return fmt.Errorf("hvf: hv_vm_create: %w", err)
	}
	var n uint32
	if call(fw.maxVCPUs, uintptr(unsafe.Pointer(&n))) != nil || n == 0 {
		n = 64
	}
	vm.max = int(n)
	return nil
}

const (
	hvMemRead  = 1 << 0
	hvMemWrite = 1 << 1
	hvMemExec  = 1 << 2
)

func (darwinHV) mapMemory(host unsafe.Pointer, ipa, size uint64) error {
	return call(fw.vmMap, uintptr(host), uintptr(ipa), uintptr(size), hvMemRead|hvMemWrite|hvMemExec)
}

func (darwinHV) unmapMemory(ipa, size uint64) error {
	err := call(fw.vmUnmap, uintptr(ipa), uintptr(size))
	vm.mu.Lock()
	vm.inUse = false
	vm.mu.Unlock()
	return err
}

func (darwinHV) maxCPUs() int { return vm.max }

// darwinCPU is one hv_vcpu_t, owned by the thread that created it.
type darwinCPU struct {
	id   uint64
	exit *hwExit // hv_vcpu_exit_t, owned by the framework, updated by each run
}

func (darwinHV) newCPU() (hardware, error) {
	// Every hv_vcpu_* call but hv_vcpus_exit must come from this thread;
	// the vCPU's goroutine stays on it until destroy.
	runtime.LockOSThread()
	c := &darwinCPU{}
	if err := call(fw.vcpuCreate, uintptr(unsafe.Pointer(&c.id)), uintptr(unsafe.Pointer(&c.exit)), 0); err != nil {
		runtime.UnlockOSThread()
		return nil, fmt.Errorf("hvf: hv_vcpu_create: %w", err)
	}
	return c, nil
}

func (c *darwinCPU) run() (hwExit, error) {
	if err := call(fw.vcpuRun, uintptr(c.id)); err != nil {
		return hwExit{}, fmt.Errorf("hvf: hv_vcpu_run: %w", err)
	}
	return *c.exit, nil
}

func (c *darwinCPU) reg(r Reg) (uint64, error) {
	var v uint64
	err := call(fw.getReg, uintptr(c.id), uintptr(r), uintptr(unsafe.Pointer(&v)))
	return v, err
}

func (c *darwinCPU) setReg(r Reg, v uint64) error {
	return call(fw.setReg, uintptr(c.id), uintptr(r), uintptr(v))
}

func (c *darwinCPU) sysReg(r SysReg) (uint64, error) {
	var v uint64
	err := call(fw.getSysReg, uintptr(c.id), uintptr(r), uintptr(unsafe.Pointer(&v)))
	return v, err
}

func (c *darwinCPU) setSysReg(r SysReg, v uint64) error {
	return call(fw.setSysReg, uintptr(c.id), uintptr(r), uintptr(v))
}

func (c *darwinCPU) simd(i int) ([2]uint64, error) {
	var v [2]uint64
	err := call(fw.getSIMD, uintptr(c.id), uintptr(i), uintptr(unsafe.Pointer(&v)))
	return v, err
}

// cancel is hv_vcpus_exit: the one call allowed from any thread.
func (c *darwinCPU) cancel() {
	id := c.id
	purego.SyscallN(fw.vcpusExit, uintptr(unsafe.Pointer(&id)), 1)
}

func (c *darwinCPU) destroy() error {
	err := call(fw.vcpuDestroy, uintptr(c.id))
	runtime.UnlockOSThread()
	return err
}
