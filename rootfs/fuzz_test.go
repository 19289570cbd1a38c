package rootfs

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// FuzzResolve: whatever the path and whatever the links (three links with
// fuzzed targets: one in the root, one below it, one in a bind mount),
// every host location a lookup reaches lies inside the root or a mount's
// host directory, nothing outside changes, and realpaths are clean
// absolute guest paths.
func FuzzResolve(f *testing.F) {
	seeds := [][4]string{
		{"/etc/passwd", "../../..", "/", "x"},
		{"l0/etc/passwd", "../../../../..", "/etc", "/data/l2"},
		{"a/l1/secret", "/", "../../../../outside", "../../../.."},
		{"/data/l2/../../..", "/data", "/a/l1", "/l0"},
		{"l0", "l0", "/a/l1", "/data/l2"},
		{"/data/../data/./l2/x/", "/../..", "./././../", "//.."},
		{"ro/../../l0/passwd", "etc/", "/ro/f", "..//..//outside/secret"},
		{"../outside/secret", "/outside", "/outside/", "outside"},
		{strings.Repeat("../", 300) + "etc/passwd", strings.Repeat("../", 100), "a", "b"},
		{"l0/l0/l0/l0", ".", "..", "/l0/l0"},
	}
	for _, s := range seeds {
		f.Add(s[0], s[1], s[2], s[3], true)
		f.Add(s[0], s[1], s[2], s[3], false)
	}
	f.Fuzz(func(t *testing.T, p, t0, t1, t2 string, follow bool) {
		base := t.TempDir()
		root := filepath.Join(base, "root")
		vol := filepath.Join(base, "vol")
		rovol := filepath.Join(base, "rovol")
		outside := filepath.Join(base, "outside")
		mkTree(t, root, tree{"etc/passwd": "GUEST", "a/b/": "", "data/": "", "outside/secret": "DECOY"})
		mkTree(t, vol, tree{"v/w": "VOL"})
		mkTree(t, rovol, tree{"f": "RO"})
		mkTree(t, outside, tree{"secret": "SECRET", "etc/passwd": "HOST", "d/": ""})
		for i, l := range []struct{ target, at string }{{t0, filepath.Join(root, "l0")}, {t1, filepath.Join(root, "a", "l1")}, {t2, filepath.Join(vol, "l2")}} {
			if l.target == "" || len(l.target) >= pathMax || strings.IndexByte(l.target, 0) >= 0 {
				continue
			}
			if err := os.Symlink(l.target, l.at); err != nil {
				t.Fatalf("link %d: %v", i, err)
			}
		}
		before := map[string][]string{outside: snapshot(t, outside), rovol: snapshot(t, rovol)}
		fs, err := New(root, Options{Mounts: []Mount{{Guest: "/data", Host: vol}, {Guest: "/ro", Host: rovol, ReadOnly: true}}})
		if err != nil {
			t.Fatal(err)
		}
		defer fs.Close()
		allowed := []string{root, vol, rovol}
		check := func(what string, fd int) {
			t.Helper()
			hp, err := hostPathOf(fd)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			hp = strings.TrimSuffix(hp, " (deleted)")
			for _, a := range allowed {
				if inside(hp, a) {
					return
				}
			}
			t.Fatalf("%s of %q reached host %q, outside the root and mounts", what, p, hp)
		}
		var flags int
		if !follow {
			flags = abi.O_NOFOLLOW
		}
		if fl, e := fs.Open(nil, p, abi.O_PATH|flags, 0); e == 0 {
			check("open O_PATH", fl.Fd())
			fl.Close()
		}
		if fl, e := fs.Open(nil, p, abi.O_RDONLY|abi.O_NONBLOCK|flags, 0); e == 0 {
			check("open", fl.Fd())
			if got, _ := readGuest(t, fs, nil, p); strings.Contains(got, "SECRET") || strings.Contains(got, "HOST") {
				t.Fatalf("read %q: %q", p, got)
			}
			fl.Close()
		}
		if d, e := fs.OpenDir(nil, p); e == 0 {
			check("opendir", d.Fd())
			// Relative lookups from there stay in too.
			if fl, e := fs.Open(d, p, abi.O_PATH, 0); e == 0 {
				check("open relative", fl.Fd())
				fl.Close()
			}
			d.Close()
		}
		w, n, e := fs.resolve(nil, p, lkParent|followFlag(follow))
		if (e == 0 || e == abi.ENOENT) && n.dir != nil && n.dir.fd >= 0 {
			check("parent", n.dir.fd)
		}
		w.release()
		if rp, e := fs.Realpath(nil, p); e == 0 {
			if !path.IsAbs(rp) || path.Clean(rp) != rp {
				t.Fatalf("Realpath(%q) = %q", p, rp)
			}
		}
		if _, e := fs.StatAt(nil, p, follow); e == abi.EIO {
			t.Fatalf("stat %q: EIO", p)
		}
		// Creating things lands inside too.
		if fl, e := fs.Open(nil, p, abi.O_CREAT|abi.O_WRONLY|flags, 0o644); e == 0 {
			check("create", fl.Fd())
			fl.Close()
		}
		fs.Mkdir(nil, p, 0o755)
		fs.Symlink("/outside/secret", nil, p+"x")
		fs.Rename(nil, p, nil, "/a/renamed", 0)
		for dir, want := range before {
			if got := snapshot(t, dir); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Fatalf("%s changed: %v -> %v", dir, want, got)
			}
		}
	})
}

// snapshot lists a host tree: each entry's path, mode, size and mtime.
func snapshot(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		out = append(out, fmt.Sprintf("%s %v %d %d", p, fi.Mode(), fi.Size(), fi.ModTime().UnixNano()))
		return nil
	})
	sort.Strings(out)
	return out
}
