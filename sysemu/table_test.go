package sysemu

import (
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Every row of the table names a real arm64 syscall, has a handler, and
// partial or by-design rows say why.
func TestSyscallTable(t *testing.T) {
	rows := Syscalls()
	if len(rows) < 100 {
		t.Fatalf("only %d syscalls in the table", len(rows))
	}
	for _, r := range rows {
		if r.Name == "" {
			t.Errorf("syscall %d: not an arm64 syscall number", r.Nr)
		}
		if syscallTable(r.Nr) == nil {
			t.Errorf("%s: no handler", r.Name)
		}
		if r.Level != Full && r.Note == "" {
			t.Errorf("%s: %s without a note", r.Name, r.Level)
		}
	}
	for _, nr := range []uint64{abi.SYS_READ, abi.SYS_OPENAT, abi.SYS_MMAP, abi.SYS_FUTEX, abi.SYS_RT_SIGRETURN} {
		if syscallTable(nr) == nil {
			t.Errorf("%s missing", abi.SyscallNames[nr])
		}
	}
}
