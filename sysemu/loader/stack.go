package loader

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/mm"
	"github.com/carrick-go/carrick/vcpu"
)

// StackInfo is what the initial stack needs besides argv and envp.
type StackInfo struct {
	Image    *Image // the main program
	Base     uint64 // AT_BASE: the interpreter's load address, or 0
	Entry    uint64 // AT_ENTRY: the main program's entry
	ExecFn   string // AT_EXECFN
	HWCAP    uint64
	HWCAP2   uint64
	UID, GID uint64
	VDSO     uint64 // AT_SYSINFO_EHDR, 0 when there is none
}

// StackLayout says where BuildStack put things, for /proc/<pid>/cmdline,
// environ and auxv (which read the live guest memory, as Linux does).
type StackLayout struct {
	SP               uint64
	ArgStart, ArgEnd uint64
	EnvStart, EnvEnd uint64
	Auxv             []byte
}

// BuildStack maps the main thread's stack and lays out argc, argv, envp and
// the auxiliary vector as Linux does.
func BuildStack(m *mm.MM, argv, envp []string, si StackInfo) (StackLayout, error) {
	var sl StackLayout
	sp, err := buildStack(m, argv, envp, si, &sl)
	sl.SP = sp
	return sl, err
}

func buildStack(m *mm.MM, argv, envp []string, si StackInfo, sl *StackLayout) (uint64, error) {
	lo := uint64(mm.StackTop - mm.StackSize)
	if err := m.Map(lo, mm.StackSize, vcpu.ProtRead|vcpu.ProtWrite, "[stack]"); err != nil {
		return 0, err
	}
	mem := m.Memory()
	sp := uint64(mm.StackTop)
	push := func(b []byte) (uint64, error) {
		sp -= uint64(len(b))
		return sp, mem.Write(sp, b)
	}
	pushStr := func(s string) (uint64, error) { return push(append([]byte(s), 0)) }

	// Strings at the top: execfn, envp, argv, platform, random bytes.
	execfn, err := pushStr(si.ExecFn)
	if err != nil {
		return 0, err
	}
	sl.EnvEnd = sp
	envAddrs := make([]uint64, len(envp))
	for i := len(envp) - 1; i >= 0; i-- {
		if envAddrs[i], err = pushStr(envp[i]); err != nil {
			return 0, err
		}
	}
	sl.EnvStart, sl.ArgEnd = sp, sp
	argAddrs := make([]uint64, len(argv))
	for i := len(argv) - 1; i >= 0; i-- {
		if argAddrs[i], err = pushStr(argv[i]); err != nil {
			return 0, err
		}
	}
	sl.ArgStart = sp
	platform, err := pushStr("aarch64")
	if err != nil {
		return 0, err
	}
	var rnd [16]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return 0, err
	}
	sp &^= 15
	random, err := push(rnd[:])
	if err != nil {
		return 0, err
	}

	auxv := []uint64{
		abi.AT_PHDR, si.Image.Phdr,
		abi.AT_PHENT, si.Image.Phent,
		abi.AT_PHNUM, si.Image.Phnum,
		abi.AT_PAGESZ, mm.PageSize,
		abi.AT_BASE, si.Base,
		abi.AT_FLAGS, 0,
		abi.AT_ENTRY, si.Entry,
		abi.AT_UID, si.UID,
		abi.AT_EUID, si.UID,
		abi.AT_GID, si.GID,
		abi.AT_EGID, si.GID,
		abi.AT_SECURE, 0,
		abi.AT_RANDOM, random,
		abi.AT_HWCAP, si.HWCAP,
		abi.AT_HWCAP2, si.HWCAP2,
		abi.AT_CLKTCK, 100,
		abi.AT_PLATFORM, platform,
		abi.AT_EXECFN, execfn,
		abi.AT_MINSIGSTKSZ, 5120,
	}
	if si.VDSO != 0 {
		auxv = append(auxv, abi.AT_SYSINFO_EHDR, si.VDSO)
	}
	auxv = append(auxv, abi.AT_NULL, 0)
	for _, v := range auxv {
		sl.Auxv = binary.LittleEndian.AppendUint64(sl.Auxv, v)
	}

	// argc, argv[], NULL, envp[], NULL, auxv: SP must end 16-aligned at argc.
	words := 1 + len(argv) + 1 + len(envp) + 1 + len(auxv)
	sp -= uint64(words * 8)
	sp &^= 15
	buf := make([]byte, 0, words*8)
	put := func(v uint64) { buf = binary.LittleEndian.AppendUint64(buf, v) }
	put(uint64(len(argv)))
	for _, a := range argAddrs {
		put(a)
	}
	put(0)
	for _, e := range envAddrs {
		put(e)
	}
	put(0)
	for _, v := range auxv {
		put(v)
	}
	if sp < lo+64<<10 {
		return 0, fmt.Errorf("arguments and environment too large (%d bytes)", mm.StackTop-sp)
	}
	if err := mem.Write(sp, buf); err != nil {
		return 0, err
	}
	return sp, nil
}
