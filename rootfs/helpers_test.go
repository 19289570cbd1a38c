package rootfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// tree describes files to make under a host directory: a key ending in
// "/" is a directory, a value starting with "->" a symlink, else a file.
type tree map[string]string

func mkTree(t testing.TB, dir string, tr tree) {
	t.Helper()
	for p, v := range tr {
		hp := filepath.Join(dir, p)
		if err := os.MkdirAll(filepath.Dir(hp), 0o755); err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.HasSuffix(p, "/"):
			if err := os.MkdirAll(hp, 0o755); err != nil {
				t.Fatal(err)
			}
		case strings.HasPrefix(v, "->"):
			if err := os.Symlink(v[2:], hp); err != nil {
				t.Fatal(err)
			}
		default:
			if err := os.WriteFile(hp, []byte(v), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// newTestFS makes a root and an "outside" directory beside it holding a
// secret, and returns the FS, the root and the outside paths.
func newTestFS(t testing.TB, tr tree, opts Options) (*FS, string, string) {
	t.Helper()
	base := t.TempDir()
	root := filepath.Join(base, "root")
	outside := filepath.Join(base, "outside")
	mkTree(t, root, tr)
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	mkTree(t, outside, tree{"secret": "SECRET", "etc/passwd": "HOSTPASSWD", "dir/": ""})
	fs, err := New(root, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	return fs, root, outside
}

// readGuest opens p read-only and returns its content.
func readGuest(t testing.TB, fs *FS, at *Dir, p string) (string, abi.Errno) {
	t.Helper()
	f, e := fs.Open(at, p, abi.O_RDONLY, 0)
	if e != 0 {
		return "", e
	}
	defer f.Close()
	if f.Synthetic() != nil {
		buf := make([]byte, 4096)
		n, e := f.Synthetic().ReadAt(buf, 0)
		return string(buf[:n]), e
	}
	buf := make([]byte, 4096)
	n, err := unix.Pread(f.Fd(), buf, 0)
	if err != nil {
		return "", errnoOf(err)
	}
	return string(buf[:n]), 0
}

func mustOK(t testing.TB, e abi.Errno, what string) {
	t.Helper()
	if e != 0 {
		t.Fatalf("%s: errno %d", what, e)
	}
}

func wantErrno(t testing.TB, got, want abi.Errno, what string) {
	t.Helper()
	if got != want {
		t.Errorf("%s: errno %d, want %d", what, got, want)
	}
}

// hostPathOfFile is the host path behind an open File, for confinement
// checks.
func hostPathOfFile(t testing.TB, f *File) string {
	t.Helper()
	p, err := hostPathOf(f.Fd())
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// inside reports whether host path p is dir or below it.
func inside(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+"/")
}
