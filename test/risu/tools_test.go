package risu

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// needTool returns the path of a required host tool. Missing tools fail the
// test (CI installs them); they are never a reason to skip.
func needTool(t testing.TB, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("risu: %s not found on PATH: install %s (Debian: apt-get install %s)", name, pkg, pkg)
	}
	return p
}

func needGas(t testing.TB) string {
	return needTool(t, "aarch64-linux-gnu-as", "binutils-aarch64-linux-gnu")
}

// gnuAs assembles src with aarch64-linux-gnu-as and returns the words of
// its .text section.
func gnuAs(t testing.TB, src string) []uint32 {
	t.Helper()
	as := needGas(t)
	dir := t.TempDir()
	in, obj := filepath.Join(dir, "a.s"), filepath.Join(dir, "a.o")
	if err := os.WriteFile(in, []byte(src+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(as, "-o", obj, in)
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("aarch64-linux-gnu-as: %v\n%s", err, stderr.String())
	}
	f, err := elf.Open(obj)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	data, err := f.Section(".text").Data()
	if err != nil {
		t.Fatal(err)
	}
	words := make([]uint32, len(data)/4)
	for i := range words {
		words[i] = binary.LittleEndian.Uint32(data[4*i:])
	}
	return words
}
