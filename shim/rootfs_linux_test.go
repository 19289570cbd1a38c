package shim

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/containerd/containerd/api/types"
	"golang.org/x/sys/unix"
)

// TestMountRootfs mounts as the shim does for containerd's snapshotters
// (needs root, as the shim does).
func TestMountRootfs(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("mounting needs root")
	}
	dir := t.TempDir()
	src, target := filepath.Join(dir, "snap"), filepath.Join(dir, "rootfs")
	os.MkdirAll(src, 0o755)
	os.MkdirAll(target, 0o755)
	os.WriteFile(filepath.Join(src, "f"), []byte("x"), 0o644)

	undo, err := mountRootfs([]*types.Mount{{Type: "bind", Source: src, Options: []string{"rbind", "ro"}}}, target)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(target, "f")); string(b) != "x" {
		t.Fatal("bind not seen")
	}
	if err := os.WriteFile(filepath.Join(target, "g"), nil, 0o644); err == nil || !os.IsPermission(err) && !isEROFS(err) {
		t.Fatalf("a read-only bind took a write: %v", err)
	}
	if err := undo(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(target, "f")); err == nil {
		t.Fatal("still mounted after undo")
	}

	upper, work, lower := filepath.Join(dir, "upper"), filepath.Join(dir, "work"), src
	os.MkdirAll(upper, 0o755)
	os.MkdirAll(work, 0o755)
	undo, err = mountRootfs([]*types.Mount{{Type: "overlay", Source: "overlay",
		Options: []string{"index=off", "workdir=" + work, "upperdir=" + upper, "lowerdir=" + lower}}}, target)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(target, "new"), []byte("y"), 0o644)
	undo()
	if _, err := os.Stat(filepath.Join(upper, "new")); err != nil {
		t.Fatal("the overlay's write did not reach its upper directory")
	}
	if _, err := os.Stat(filepath.Join(src, "new")); err == nil {
		t.Fatal("the overlay wrote to its lower directory")
	}
}

func isEROFS(err error) bool {
	pe, ok := err.(*os.PathError)
	return ok && pe.Err == unix.EROFS
}
