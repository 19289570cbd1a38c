package sysemu

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// renderSyscallDoc renders docs/syscalls.md from the syscall table.
func renderSyscallDoc() string {
	var b strings.Builder
	rows := Syscalls()
	counts := map[Support]int{}
	for _, r := range rows {
		counts[r.Level]++
	}
	fmt.Fprintf(&b, "# Syscalls\n\nGenerated from the table in `sysemu/table.go` by `CARRICK_UPDATE_DOCS=1 go test ./sysemu -run TestSyscallDoc`;\n")
	fmt.Fprintf(&b, "the test fails when this file and the table disagree.\n\n")
	fmt.Fprintf(&b, "%d of the %d arm64 syscalls have an entry: %d full, %d partial, %d answered by design.\n",
		len(rows), len(abi.SyscallNames), counts[Full], counts[Partial], counts[ByDesign])
	fmt.Fprintf(&b, "Every other number returns `-ENOSYS` and is listed in `--compat-report`.\n\n")
	fmt.Fprintf(&b, "| nr | syscall | support | note |\n|---:|---|---|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %d | %s | %s | %s |\n", r.Nr, r.Name, r.Level, r.Note)
	}
	return b.String()
}

func TestSyscallDoc(t *testing.T) {
	const path = "../docs/syscalls.md"
	want := renderSyscallDoc()
	if os.Getenv("CARRICK_UPDATE_DOCS") != "" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Fatalf("%s is out of date: run CARRICK_UPDATE_DOCS=1 go test ./sysemu -run TestSyscallDoc", path)
	}
}
