package sysemu

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
	"github.com/carrick-go/carrick/vcpu/interp"
)

// tinyProgram is a minimal static ARM64 executable (it is never run: the
// fuzzer calls handlers on its process directly).
func tinyProgram() []byte {
	var b bytes.Buffer
	h := elf.Header64{Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_AARCH64), Version: 1,
		Entry: 0x400078, Phoff: 64, Ehsize: 64, Phentsize: 56, Phnum: 1}
	copy(h.Ident[:], elf.ELFMAG)
	h.Ident[elf.EI_CLASS], h.Ident[elf.EI_DATA], h.Ident[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), 1
	binary.Write(&b, binary.LittleEndian, h)
	binary.Write(&b, binary.LittleEndian, elf.Prog64{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X),
		Vaddr: 0x400000, Filesz: 0x80, Memsz: 0x2000, Align: 0x1000})
	binary.Write(&b, binary.LittleEndian, []uint32{0xd4200000, 0xd4200000})
	return b.Bytes()
}

// fuzzProcess starts a process confined to a temporary root, with its main
// thread's vCPU created but not running.
func fuzzProcess(t testing.TB, root string) *Task {
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Start(Config{Root: root, Path: "/prog", Argv: []string{"prog"}, Stdin: null, Stdout: null, Stderr: null,
		Log: &bytes.Buffer{}}, interp.New)
	if err != nil {
		t.Fatal(err)
	}
	task := p.tasks[p.pid]
	cpu, err := p.machine.NewVCPU()
	if err != nil {
		t.Fatal(err)
	}
	task.cpu = cpu
	cpu.SetRegs(&task.start)
	return task
}

// Syscalls that act on the host process itself (its session and group),
// which a fuzzer must not change under the test binary.
var fuzzExcluded = map[uint64]bool{abi.SYS_SETSID: true, abi.SYS_SETPGID: true}

// FuzzSyscall: any syscall number with any arguments, pointers included,
// returns a value (an errno or a result) and never panics the runtime; file
// operations stay inside the root.
func FuzzSyscall(f *testing.F) {
	root := f.TempDir()
	if err := os.WriteFile(filepath.Join(root, "prog"), tinyProgram(), 0o755); err != nil {
		f.Fatal(err)
	}
	os.Mkdir(filepath.Join(root, "d"), 0o755)
	for _, nr := range []uint64{abi.SYS_OPENAT, abi.SYS_READ, abi.SYS_WRITE, abi.SYS_MMAP, abi.SYS_NEWFSTATAT,
		abi.SYS_GETDENTS64, abi.SYS_FUTEX, abi.SYS_RT_SIGACTION, abi.SYS_STATX, abi.SYS_EPOLL_CTL, abi.SYS_IOCTL} {
		f.Add(nr, uint64(0xffffff9c), uint64(0x400000), uint64(0), uint64(0x10), uint64(0))
	}
	task := fuzzProcess(f, root)
	f.Fuzz(func(t *testing.T, nr, a0, a1, a2, a3, a4 uint64) {
		nr %= 460
		if fuzzExcluded[nr] {
			return
		}
		if task.p.exiting() || task.gone {
			task.cpu.Close()
			task.p.Close()
			task = fuzzProcess(t, root)
		}
		var r vcpu.Regs
		task.cpu.Regs(&r)
		r.X[8], r.X[0], r.X[1], r.X[2], r.X[3], r.X[4] = nr, a0, a1, a2, a3, a4
		task.cpu.SetRegs(&r)
		// A blocking call (a sleep, a wait, a read of an empty pipe) is
		// ended the way exit_group ends it.
		p := task.p
		watchdog := time.AfterFunc(200*time.Millisecond, func() { p.exit(ExitStatus{Signal: abi.SIGKILL}) })
		defer watchdog.Stop()
		task.syscall()
	})
}
