package abi

import (
	"encoding/binary"
	"testing"
	"unsafe"
)

// The sizes and offsets of the kernel's arm64 structs (from the uapi headers
// and pahole on an arm64 kernel); both the Go layout and the encoded size
// must match them.
func TestStructSizes(t *testing.T) {
	check := func(name string, goSize uintptr, encSize int, want int) {
		t.Helper()
		if int(goSize) != want || encSize != want {
			t.Errorf("%s: unsafe.Sizeof %d, binary.Size %d, want %d", name, goSize, encSize, want)
		}
	}
	check("stat", unsafe.Sizeof(Stat{}), binary.Size(Stat{}), SizeofStat)
	check("statx", unsafe.Sizeof(Statx{}), binary.Size(Statx{}), SizeofStatx)
	check("termios", unsafe.Sizeof(Termios{}), binary.Size(Termios{}), SizeofTermios)
	check("termios2", unsafe.Sizeof(Termios2{}), binary.Size(Termios2{}), SizeofTermios2)
	check("winsize", unsafe.Sizeof(Winsize{}), binary.Size(Winsize{}), 8)
	check("timespec", unsafe.Sizeof(Timespec{}), binary.Size(Timespec{}), SizeofTimespec)
	check("timeval", unsafe.Sizeof(Timeval{}), binary.Size(Timeval{}), 16)
	check("signalfd_siginfo", unsafe.Sizeof(SignalfdSiginfo{}), binary.Size(SignalfdSiginfo{}), SizeofSignalfdSiginfo)
	check("rlimit", unsafe.Sizeof(Rlimit{}), binary.Size(Rlimit{}), 16)
	check("msghdr", unsafe.Sizeof(Msghdr{}), binary.Size(Msghdr{}), SizeofMsghdr)
	check("cmsghdr", unsafe.Sizeof(Cmsghdr{}), binary.Size(Cmsghdr{}), SizeofCmsghdr)
	check("ucred", unsafe.Sizeof(Ucred{}), binary.Size(Ucred{}), SizeofUcred)
	check("linger", unsafe.Sizeof(Linger{}), binary.Size(Linger{}), SizeofLinger)
	check("utsname", unsafe.Sizeof(Utsname{}), binary.Size(Utsname{}), SizeofUtsname)
	check("sysinfo", unsafe.Sizeof(Sysinfo{}), binary.Size(Sysinfo{}), SizeofSysinfo)
	check("rusage", unsafe.Sizeof(Rusage{}), binary.Size(Rusage{}), SizeofRusage)
	check("clone_args", unsafe.Sizeof(CloneArgs{}), binary.Size(CloneArgs{}), SizeofCloneArgs)
	check("sigaction", unsafe.Sizeof(Sigaction{}), binary.Size(Sigaction{}), SizeofSigaction)
	check("stack_t", unsafe.Sizeof(StackT{}), binary.Size(StackT{}), SizeofStackT)
	if o := unsafe.Offsetof(Dirent64Header{}.Type); o != SizeofDirent64Header-1 {
		t.Errorf("dirent64 d_type at %d", o)
	}
}

func TestStructOffsets(t *testing.T) {
	for _, c := range []struct {
		name      string
		got, want uintptr
	}{
		{"stat.st_mode", unsafe.Offsetof(Stat{}.Mode), 16},
		{"stat.st_rdev", unsafe.Offsetof(Stat{}.Rdev), 32},
		{"stat.st_size", unsafe.Offsetof(Stat{}.Size), 48},
		{"stat.st_blksize", unsafe.Offsetof(Stat{}.Blksize), 56},
		{"stat.st_blocks", unsafe.Offsetof(Stat{}.Blocks), 64},
		{"stat.st_atime", unsafe.Offsetof(Stat{}.Atime), 72},
		{"stat.st_mtime", unsafe.Offsetof(Stat{}.Mtime), 88},
		{"stat.st_ctime", unsafe.Offsetof(Stat{}.Ctime), 104},
		{"statx.stx_mode", unsafe.Offsetof(Statx{}.Mode), 28},
		{"statx.stx_ino", unsafe.Offsetof(Statx{}.Ino), 32},
		{"statx.stx_atime", unsafe.Offsetof(Statx{}.Atime), 64},
		{"statx.stx_mtime", unsafe.Offsetof(Statx{}.Mtime), 112},
		{"statx.stx_rdev_major", unsafe.Offsetof(Statx{}.RdevMajor), 128},
		{"statx.stx_mnt_id", unsafe.Offsetof(Statx{}.MntID), 144},
		{"termios.c_line", unsafe.Offsetof(Termios{}.Line), 16},
		{"termios.c_cc", unsafe.Offsetof(Termios{}.Cc), 17},
		{"termios2.c_ispeed", unsafe.Offsetof(Termios2{}.Ispeed), 36},
		{"sysinfo.procs", unsafe.Offsetof(Sysinfo{}.Procs), 80},
		{"sysinfo.totalhigh", unsafe.Offsetof(Sysinfo{}.Totalhigh), 88},
		{"sysinfo.mem_unit", unsafe.Offsetof(Sysinfo{}.MemUnit), 104},
		{"rusage.ru_maxrss", unsafe.Offsetof(Rusage{}.Maxrss), 32},
		{"clone_args.tls", unsafe.Offsetof(CloneArgs{}.TLS), 56},
		{"stack_t.ss_size", unsafe.Offsetof(StackT{}.Size), 16},
	} {
		if c.got != c.want {
			t.Errorf("%s at offset %d, want %d", c.name, c.got, c.want)
		}
	}
}

func TestBytesRoundTrip(t *testing.T) {
	s := Stat{Dev: 1, Ino: 2, Mode: S_IFREG | 0o644, Nlink: 1, Size: 1234, MtimeNsec: 999}
	b := Bytes(&s)
	if len(b) != SizeofStat || binary.LittleEndian.Uint32(b[16:]) != S_IFREG|0o644 || binary.LittleEndian.Uint64(b[48:]) != 1234 {
		t.Fatalf("encoded stat wrong: % x", b[:64])
	}
	var back Stat
	if !Decode(b, &back) || back != s {
		t.Fatalf("round trip: %+v", back)
	}
}

func TestSyscallNumbers(t *testing.T) {
	// Spot checks against the arm64 table, and that names are unique.
	for nr, name := range map[uint64]string{56: "openat", 63: "read", 64: "write", 79: "newfstatat",
		80: "fstat", 94: "exit_group", 98: "futex", 139: "rt_sigreturn", 220: "clone", 221: "execve",
		222: "mmap", 260: "wait4", 291: "statx", 435: "clone3", 439: "faccessat2"} {
		if SyscallNames[nr] != name {
			t.Errorf("syscall %d is %q, want %q", nr, SyscallNames[nr], name)
		}
	}
	seen := map[string]uint64{}
	for nr, name := range SyscallNames {
		if prev, ok := seen[name]; ok {
			t.Errorf("%s is both %d and %d", name, prev, nr)
		}
		seen[name] = nr
	}
}

func TestCapNames(t *testing.T) {
	if len(CapNames) != 41 || CapNames[CAP_MKNOD] != "CAP_MKNOD" || CapNames[CAP_MAC_OVERRIDE] != "CAP_MAC_OVERRIDE" {
		t.Fatalf("capability table: %d names", len(CapNames))
	}
	m, unknown := CapMask([]string{"CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_BOGUS"})
	if m != 1<<0|1<<21 || len(unknown) != 1 || unknown[0] != "CAP_BOGUS" {
		t.Fatalf("CapMask: %#x %v", m, unknown)
	}
}
