package rootfs

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// Confinement: whatever the guest names, the host file reached is inside
// the root (or a mount's host directory). The "outside" directory beside
// the root holds "secret" (SECRET) and etc/passwd (HOSTPASSWD); the root
// holds decoys under the same guest names.

func confineTree(outside string) tree {
	return tree{
		"etc/passwd":       "GUESTPASSWD",
		"outside/secret":   "DECOY",
		"a/b/c/":           "",
		"a/file":           "AFILE",
		"abs-passwd":       "->/etc/passwd",
		"rel-passwd":       "->../../../../../../../../etc/passwd",
		"dotdots":          "->../../../../../../../../../..",
		"rootslash":        "->/",
		"host-abs":         "->" + outside + "/secret",
		"host-abs-dir":     "->" + outside,
		"a/b/c/up":         "->../../../../../../outside/secret",
		"a/b/c/updir":      "->../../../../../../../",
		"loop-self":        "->loop-self",
		"loop-a":           "->/loop-b",
		"loop-b":           "->/loop-a",
		"loop-abs-dir":     "->/loop-abs-dir/x",
		"dangling-out":     "->../../../../../../created-outside",
		"dangling-abs":     "->/created-abs",
		"via-dir/":         "",
		"via-dir/to-out":   "->../../../../outside",
		"slash-link":       "->a/",
		"notdir-link":      "->a/file",
		"dot-link":         "->.",
		"parent-of-root":   "->/..",
		"two-up/inner/":    "",
		"two-up/inner/esc": "->../../..",
	}
}

func TestConfinedReads(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	mkTree(t, outside, tree{"secret": "SECRET", "etc/passwd": "HOSTPASSWD"})
	root := filepath.Join(base, "root")
	mkTree(t, root, confineTree(outside))
	fs, err := New(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	cases := []struct {
		path string
		want string
		err  abi.Errno
	}{
		{"/etc/passwd", "GUESTPASSWD", 0},
		{"abs-passwd", "GUESTPASSWD", 0},
		{"rel-passwd", "GUESTPASSWD", 0},
		{"/../../../../etc/passwd", "GUESTPASSWD", 0},
		{"../../../../../../../../../../../../etc/passwd", "GUESTPASSWD", 0},
		{"/a/b/c/../../../../../../etc/passwd", "GUESTPASSWD", 0},
		{"dotdots/etc/passwd", "GUESTPASSWD", 0},
		{"dotdots/../../../etc/passwd", "GUESTPASSWD", 0},
		{"rootslash/../etc/passwd", "GUESTPASSWD", 0},
		{"parent-of-root/etc/passwd", "GUESTPASSWD", 0},
		{"/../outside/secret", "DECOY", 0},
		{"a/b/c/up", "DECOY", 0},
		{"a/b/c/updir/outside/secret", "DECOY", 0},
		{"via-dir/to-out/secret", "DECOY", 0},
		{"two-up/inner/esc/outside/secret", "DECOY", 0},
		{"two-up/inner/esc/../../../../outside/secret", "DECOY", 0},
		{"host-abs", "", abi.ENOENT},
		{"host-abs-dir/secret", "", abi.ENOENT},
		{strings.TrimPrefix(outside, "/") + "/secret", "", abi.ENOENT},
		{"loop-self", "", abi.ELOOP},
		{"loop-a", "", abi.ELOOP},
		{"loop-abs-dir", "", abi.ELOOP},
		{"loop-a/x", "", abi.ELOOP},
		{"a/file/x", "", abi.ENOTDIR},
		{"a/file/..", "", abi.ENOTDIR},
		{"notdir-link/", "", abi.ENOTDIR},
		{"abs-passwd/", "", abi.ENOTDIR},
		{"dot-link/dot-link/dot-link/etc/passwd", "GUESTPASSWD", 0},
		{"etc\x00/../../outside/secret", "", abi.EINVAL},
		{"etc/passwd\x00", "", abi.EINVAL},
		{"", "", abi.ENOENT},
	}
	for _, c := range cases {
		got, e := readGuest(t, fs, nil, c.path)
		if e != c.err || got != c.want {
			t.Errorf("read %q = %q, %d; want %q, %d", c.path, got, e, c.want, c.err)
		}
		if strings.Contains(got, "SECRET") || strings.Contains(got, "HOSTPASSWD") {
			t.Fatalf("read %q escaped the root: %q", c.path, got)
		}
	}
	// From a directory handle deep inside, ".." chains stop at the root.
	d, e := fs.OpenDir(nil, "/a/b/c")
	mustOK(t, e, "OpenDir")
	defer d.Close()
	for _, p := range []string{"../../../../../../outside/secret", "../../../../../../../../../../../outside/secret", "up"} {
		got, e := readGuest(t, fs, d, p)
		if e != 0 || got != "DECOY" {
			t.Errorf("from /a/b/c read %q = %q, %d", p, got, e)
		}
	}
}

func TestConfinedRealpath(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	root := filepath.Join(base, "root")
	mkTree(t, root, confineTree(outside))
	fs, err := New(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	cases := map[string]string{
		"/":                         "/",
		"..":                        "/",
		"/../..":                    "/",
		"dotdots":                   "/",
		"rootslash":                 "/",
		"parent-of-root":            "/",
		"a/b/c/updir":               "/",
		"a/b/c/up":                  "/outside/secret",
		"two-up/inner/esc":          "/",
		"abs-passwd":                "/etc/passwd",
		"slash-link":                "/a",
		"dot-link":                  "/",
		"/a/b/../b/./c/../../file":  "/a/file",
		"via-dir/to-out":            "/outside",
		"a/b/c/../../../a/b/c/../c": "/a/b/c",
	}
	for p, want := range cases {
		got, e := fs.Realpath(nil, p)
		if e != 0 || got != want {
			t.Errorf("Realpath(%q) = %q, %d; want %q", p, got, e, want)
		}
	}
}

// TestConfinedWrites: every mutating operation through links that point
// "outside" lands inside the root, and the host files outside are intact.
func TestConfinedWrites(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	mkTree(t, outside, tree{"secret": "SECRET", "etc/passwd": "HOSTPASSWD"})
	root := filepath.Join(base, "root")
	mkTree(t, root, confineTree(outside))
	fs, err := New(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	secret := filepath.Join(outside, "secret")
	before, _ := os.Stat(secret)

	// Creating through dangling links creates inside the root.
	f, e := fs.Open(nil, "dangling-out", abi.O_CREAT|abi.O_WRONLY, 0o644)
	mustOK(t, e, "create via dangling-out")
	f.Close()
	if _, err := os.Stat(filepath.Join(root, "created-outside")); err != nil {
		t.Errorf("dangling-out: not created in the root: %v", err)
	}
	if _, err := os.Stat(filepath.Join(base, "created-outside")); err == nil {
		t.Fatal("dangling-out: created outside the root")
	}
	f, e = fs.Open(nil, "dangling-abs", abi.O_CREAT|abi.O_WRONLY, 0o644)
	mustOK(t, e, "create via dangling-abs")
	f.Close()
	if _, err := os.Stat(filepath.Join(root, "created-abs")); err != nil {
		t.Errorf("dangling-abs: not created in the root: %v", err)
	}
	// O_CREAT|O_EXCL never follows.
	_, e = fs.Open(nil, "host-abs", abi.O_CREAT|abi.O_EXCL|abi.O_WRONLY, 0o644)
	wantErrno(t, e, abi.EEXIST, "O_EXCL on a link")

	ops := []struct {
		name string
		do   func() abi.Errno
	}{
		{"truncate host-abs-dir", func() abi.Errno { return fs.Truncate(nil, "host-abs-dir/secret", 0) }},
		{"truncate via-dir", func() abi.Errno { return fs.Truncate(nil, "via-dir/to-out/secret", 0) }},
		{"chmod via-dir", func() abi.Errno { return fs.Chmod(nil, "via-dir/to-out/secret", 0o000, true) }},
		{"chown via-dir", func() abi.Errno { return fs.Chown(nil, "via-dir/to-out/secret", 1234, 1234, true) }},
		{"utimes via-dir", func() abi.Errno {
			return fs.Utimes(nil, "via-dir/to-out/secret", &[2]Timespec{{1, 0}, {1, 0}}, true)
		}},
		{"setxattr via-dir", func() abi.Errno {
			return fs.Setxattr(nil, "via-dir/to-out/secret", "user.x", []byte("1"), 0, true)
		}},
		{"link via-dir", func() abi.Errno { return fs.Link(nil, "via-dir/to-out/secret", nil, "linked", true) }},
		{"rename via-dir", func() abi.Errno { return fs.Rename(nil, "via-dir/to-out/secret", nil, "renamed", 0) }},
		{"unlink dotdots", func() abi.Errno { return fs.Unlink(nil, "dotdots/outside/secret") }},
		{"mkdir dotdots", func() abi.Errno { return fs.Mkdir(nil, "dotdots/made-dir", 0o755) }},
		{"symlink dotdots", func() abi.Errno { return fs.Symlink("/x", nil, "dotdots/made-link") }},
		{"mknod dotdots", func() abi.Errno { return fs.Mknod(nil, "dotdots/made-fifo", sIFIFO|0o644, 0) }},
		{"truncate host-abs", func() abi.Errno { return fs.Truncate(nil, "host-abs", 0) }},
		{"chmod host-abs", func() abi.Errno { return fs.Chmod(nil, "host-abs", 0, true) }},
	}
	for _, op := range ops {
		op.do() // the errno does not matter; what it touched does
	}
	after, err := os.Stat(secret)
	if err != nil {
		t.Fatalf("outside secret gone: %v", err)
	}
	if b, _ := os.ReadFile(secret); string(b) != "SECRET" {
		t.Errorf("outside secret changed: %q", b)
	}
	if after.Mode() != before.Mode() || !after.ModTime().Equal(before.ModTime()) {
		t.Errorf("outside secret metadata changed: %v %v -> %v %v", before.Mode(), before.ModTime(), after.Mode(), after.ModTime())
	}
	for _, n := range []string{"made-dir", "made-link", "made-fifo", "linked", "renamed"} {
		if _, err := os.Lstat(filepath.Join(base, n)); err == nil {
			t.Errorf("%s created outside the root", n)
		}
	}
	// The decoy took the blows instead.
	if _, err := os.Stat(filepath.Join(root, "outside", "secret")); err == nil {
		t.Log("decoy still present (renamed or unlinked is fine)")
	}
	if _, err := os.Lstat(filepath.Join(root, "made-dir")); err != nil {
		t.Errorf("mkdir through dotdots did not land at the root: %v", err)
	}
}

func TestSymlinkLimit(t *testing.T) {
	tr := tree{"target": "T"}
	// chain/l0 -> l1 -> ... -> l(n-1) -> target
	const n = 41
	for i := range n {
		next := "/target"
		if i < n-1 {
			next = "/l" + itoa(i+1)
		}
		tr["l"+itoa(i)] = "->" + next
	}
	fs, _, _ := newTestFS(t, tr, Options{})
	// l1 needs 40 links: allowed. l0 needs 41: ELOOP.
	got, e := readGuest(t, fs, nil, "/l1")
	if e != 0 || got != "T" {
		t.Errorf("40 links: %q %d", got, e)
	}
	_, e = readGuest(t, fs, nil, "/l0")
	wantErrno(t, e, abi.ELOOP, "41 links")
	_, e = fs.Lstat(nil, "/l0")
	wantErrno(t, e, 0, "lstat of a link at the limit")
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	s := ""
	for ; i > 0; i /= 10 {
		s = string(rune('0'+i%10)) + s
	}
	return s
}

func TestLongNames(t *testing.T) {
	fs, root, _ := newTestFS(t, tree{"etc/passwd": "P"}, Options{})
	long := strings.Repeat("x", 256)
	cases := []struct {
		path string
		err  abi.Errno
	}{
		{"/" + long, abi.ENAMETOOLONG},
		{"/" + long + "/..", abi.ENAMETOOLONG},
		{"/" + strings.Repeat("x", 255), abi.ENOENT},
		{strings.Repeat("./", 2043) + "etc/passwd", abi.ENAMETOOLONG}, // 4096 bytes
		{strings.Repeat("./", 2042) + "etc/passwd", 0},                // 4094 bytes
		{strings.Repeat("/", 4085) + "etc/passwd", 0},                 // 4095 bytes: allowed
		{strings.Repeat("/", 4086) + "etc/passwd", abi.ENAMETOOLONG},
		{strings.Repeat("../", 1360) + "etc/passwd", 0},
	}
	for _, c := range cases {
		want := c.err
		if len(c.path) >= pathMax {
			want = abi.ENAMETOOLONG
		}
		_, e := fs.Stat(nil, c.path)
		if e != want {
			t.Errorf("stat of %d-byte path: errno %d, want %d", len(c.path), e, want)
		}
	}
	// A link whose body, joined with the rest, exceeds PATH_MAX still
	// resolves (Linux limits each string, not the expansion).
	body := strings.Repeat("./", 2000) + "etc"
	if err := os.Symlink(body, filepath.Join(root, "longlink")); err != nil {
		t.Fatal(err)
	}
	got, e := readGuest(t, fs, nil, "/longlink/"+strings.Repeat("./", 1000)+"passwd")
	if e != 0 || got != "P" {
		t.Errorf("long link: %q %d", got, e)
	}
	wantErrno(t, fs.Symlink(strings.Repeat("a", 4096), nil, "/toolong"), abi.ENAMETOOLONG, "symlink body 4096")
	wantErrno(t, fs.Mkdir(nil, "/"+long, 0o755), abi.ENAMETOOLONG, "mkdir 256-byte name")
}

// TestConcurrentSwap: while one goroutine keeps swapping a directory for a
// link to the outside (and for a link climbing with ".."), lookups through
// it only ever see the inside file or fail; they never read the outside.
func TestConcurrentSwap(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	mkTree(t, outside, tree{"secret": "SECRET", "d/secret": "SECRET"})
	root := filepath.Join(base, "root")
	mkTree(t, root, tree{"real/secret": "INSIDE", "x/y/": ""})
	fs, err := New(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	targets := []string{outside, "../../../../../" + strings.TrimPrefix(outside, "/"), "../../../../../../../.." + outside}
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	d := filepath.Join(root, "x", "y", "d")
	if err := os.Rename(filepath.Join(root, "real"), d); err != nil {
		t.Fatal(err)
	}
	var links []string
	for i, tg := range targets {
		l := filepath.Join(root, "x", "y", "l"+itoa(i))
		if err := os.Symlink(tg, l); err != nil {
			t.Fatal(err)
		}
		links = append(links, l)
	}
	go func() {
		defer wg.Done()
		// Atomically exchange whatever is at d (the real directory or a
		// link out) with one of the links, round and round.
		for i := 0; !stop.Load(); i++ {
			if err := renameat2(unix.AT_FDCWD, d, unix.AT_FDCWD, links[i%len(links)], RENAME_EXCHANGE); err != nil {
				panic(err)
			}
		}
	}()
	deadline := time.Now().Add(700 * time.Millisecond)
	var inside, failed int
	for time.Now().Before(deadline) {
		for _, p := range []string{"/x/y/d/secret", "x/y/d/../../../x/y/d/secret", "/x/y/d/d/secret"} {
			got, e := readGuest(t, fs, nil, p)
			if strings.Contains(got, "SECRET") {
				stop.Store(true)
				wg.Wait()
				t.Fatalf("read %q escaped: %q", p, got)
			}
			if e == 0 {
				inside++
			} else {
				failed++
			}
			f, e := fs.Open(nil, p, abi.O_PATH, 0)
			if e == 0 {
				hp := hostPathOfFile(t, f)
				f.Close()
				if !strings.HasPrefix(hp, root+"/") {
					stop.Store(true)
					wg.Wait()
					t.Fatalf("open %q reached %q", p, hp)
				}
			}
		}
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("%d reads inside, %d failed, none outside", inside, failed)
}

// TestMovedDirHandle: a directory handle whose directory is moved out of
// the root by the host keeps ".." at the root: the walk uses the guest
// path it recorded, never the host's "..".
func TestMovedDirHandle(t *testing.T) {
	base := t.TempDir()
	outside := filepath.Join(base, "outside")
	mkTree(t, outside, tree{"secret": "SECRET"})
	root := filepath.Join(base, "root")
	mkTree(t, root, tree{"x/f": "F", "secret": "ROOTSECRET"})
	fs, err := New(root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	d, e := fs.OpenDir(nil, "/x")
	mustOK(t, e, "OpenDir")
	defer d.Close()
	if err := os.Rename(filepath.Join(root, "x"), filepath.Join(outside, "x")); err != nil {
		t.Fatal(err)
	}
	got, e := readGuest(t, fs, d, "../secret")
	if e != 0 || got != "ROOTSECRET" {
		t.Errorf(`".." from a moved directory: %q, %d`, got, e)
	}
	got, _ = readGuest(t, fs, d, "../../../../secret")
	if got == "SECRET" {
		t.Fatal("escaped through a moved directory")
	}
}

// TestDeviceSwapRace: a guest that keeps exchanging a regular file with a
// device node it made cannot get the device opened through the
// file's name.
func TestDeviceSwapRace(t *testing.T) {
	fs, _, _ := newTestFS(t, tree{"f": "REG"}, Options{})
	mustOK(t, fs.Mknod(nil, "/blk", sIFCHR|0o600, 0x10b), "mknod") // /dev/kmsg: opens, harmless, not allowed
	var stop atomic.Bool
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			if e := fs.Rename(nil, "/f", nil, "/blk", RENAME_EXCHANGE); e != 0 {
				panic(e)
			}
		}
	}()
	deadline := time.Now().Add(400 * time.Millisecond)
	opened := 0
	for time.Now().Before(deadline) {
		for _, p := range []string{"/f", "/blk"} {
			f, e := fs.Open(nil, p, abi.O_RDONLY, 0)
			if e != 0 {
				continue
			}
			var st unix.Stat_t
			unix.Fstat(f.Fd(), &st)
			f.Close()
			if st.Mode&unix.S_IFMT != unix.S_IFREG {
				stop.Store(true)
				wg.Wait()
				t.Fatalf("opened a node of type %o through %s", st.Mode&unix.S_IFMT, p)
			}
			opened++
		}
	}
	stop.Store(true)
	wg.Wait()
	if opened == 0 {
		t.Error("never opened the regular file")
	}
}
