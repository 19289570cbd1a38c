package container

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sys/unix"
)

// A full disk while unpacking leaves no container and no partial layer.
func TestCreateDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	home := t.TempDir()
	if err := unix.Mount("tmpfs", home, "tmpfs", 0, "size=4m"); err != nil {
		t.Fatalf("mount tmpfs: %v", err)
	}
	defer unix.Unmount(home, unix.MNT_DETACH)
	s, err := Open(home)
	if err != nil {
		t.Fatal(err)
	}
	// 16 MiB of zeros compress to a blob that fits; unpacked they do not.
	loadImage(t, s, "test/big:1", v1.Config{Cmd: []string{"true"}},
		layerOf(t, entry{name: "a", data: "a"}), layerOf(t, entry{name: "big", size: 16 << 20}))
	_, err = s.Create(Options{Image: "test/big:1", Name: "big"})
	if err == nil || !strings.Contains(err.Error(), "no space") && !strings.Contains(err.Error(), "ENOSPC") {
		t.Fatalf("create on a full disk: %v", err)
	}
	if all, _ := s.List(); len(all) != 0 {
		t.Errorf("a container was left: %+v", all[0])
	}
	ents, _ := os.ReadDir(s.LayersDir())
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			t.Errorf("partial layer left: %s", e.Name())
		}
	}
	ctrs, _ := os.ReadDir(filepath.Join(home, "containers"))
	for _, e := range ctrs {
		if e.Name() != ".lock" {
			t.Errorf("container directory left: %s", e.Name())
		}
	}
}
