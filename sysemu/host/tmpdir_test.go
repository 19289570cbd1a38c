package host

import (
	"os"
	"path/filepath"
	"testing"
)

func TestUserTempDir(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	d, err := UserTempDir("a", "b")
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(d); err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 || filepath.Base(d) != "b" {
		t.Fatalf("%s: %v %v", d, fi, err)
	}
	if again, err := UserTempDir("a", "b"); err != nil || again != d {
		t.Errorf("second call: %s %v", again, err)
	}
	// Writable by others, or a link: refused.
	os.Chmod(filepath.Dir(d), 0o777)
	if _, err := UserTempDir("a", "b"); err == nil {
		t.Errorf("a world-writable level was accepted")
	}
	os.Chmod(filepath.Dir(d), 0o700)
	if os.Getuid() == 0 {
		os.Chown(d, 65534, 65534)
		if _, err := UserTempDir("a", "b"); err == nil {
			t.Errorf("another user's directory was accepted")
		}
		os.Chown(d, 0, 0)
	}
	os.Symlink(t.TempDir(), filepath.Join(filepath.Dir(d), "link"))
	if _, err := UserTempDir("a", "link"); err == nil {
		t.Errorf("a symbolic link was accepted")
	}
}
