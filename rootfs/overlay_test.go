package rootfs

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// ovEnv is an overlay root made of real host directories.
type ovEnv struct {
	fs      *FS
	upper   string
	lowers  []string
	outside string
	opts    Options
}

// newOvFS makes an upper directory and lower layers (top first) from tree
// descriptions and opens an overlay view of them.
func newOvFS(t testing.TB, mode MetadataMode, upper tree, lowers ...tree) *ovEnv {
	t.Helper()
	base := t.TempDir()
	env := &ovEnv{upper: filepath.Join(base, "upper"), outside: filepath.Join(base, "outside")}
	mkTree(t, env.upper, upper)
	os.MkdirAll(env.upper, 0o755)
	mkTree(t, env.outside, tree{"secret": "SECRET"})
	for i, l := range lowers {
		d := filepath.Join(base, "lower"+string(rune('0'+i)))
		mkTree(t, d, l)
		os.MkdirAll(d, 0o755)
		env.lowers = append(env.lowers, d)
	}
	env.opts = Options{Metadata: mode, Lowers: env.lowers}
	env.fs = env.open(t)
	return env
}

// open makes another view of the same layers (another process).
func (env *ovEnv) open(t testing.TB) *FS {
	t.Helper()
	fs, err := New(env.upper, env.opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	return fs
}

func forModes(t *testing.T, f func(t *testing.T, mode MetadataMode)) {
	for _, mode := range []MetadataMode{MetadataHost, MetadataXattr} {
		t.Run(mode.String(), func(t *testing.T) { f(t, mode) })
	}
}

// names lists a guest directory (without "." and "..").
func names(t testing.TB, fs *FS, p string) []string {
	t.Helper()
	f, e := fs.Open(nil, p, abi.O_RDONLY|abi.O_DIRECTORY, 0)
	mustOK(t, e, "open dir "+p)
	defer f.Close()
	ents, e := f.ReadDir()
	mustOK(t, e, "readdir "+p)
	var out []string
	for _, ent := range ents {
		if ent.Name != "." && ent.Name != ".." && !strings.HasPrefix(ent.Name, ".carrick-probe") {
			out = append(out, ent.Name)
		}
	}
	sort.Strings(out)
	return out
}

func wantNames(t testing.TB, fs *FS, p string, want ...string) {
	t.Helper()
	got := names(t, fs, p)
	sort.Strings(want)
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("readdir %s = %v, want %v", p, got, want)
	}
}

func wantContent(t testing.TB, fs *FS, p, want string) {
	t.Helper()
	got, e := readGuest(t, fs, nil, p)
	if e != 0 || got != want {
		t.Errorf("read %s = %q, %d; want %q", p, got, e, want)
	}
}

func writeGuest(t testing.TB, fs *FS, p string, flags int, data string) {
	t.Helper()
	f, e := fs.Open(nil, p, abi.O_WRONLY|flags, 0o644)
	mustOK(t, e, "open for write "+p)
	defer f.Close()
	if _, err := unix.Write(f.Fd(), []byte(data)); err != nil {
		t.Fatal(err)
	}
}

func hostRead(t testing.TB, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		return "<" + err.Error() + ">"
	}
	return string(b)
}

func hostExists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil
}

// baseLayers: l0 on top of l1, with whiteouts and an opaque directory.
func baseLayers() (tree, tree) {
	l0 := tree{
		"a": "L0a", "d/x": "L0x", ".wh.gone": "", "op/.wh..wh..opq": "", "op/new": "N",
		"d/.wh.hid": "", "etc/conf": "C0",
	}
	l1 := tree{
		"a": "L1a", "b": "L1b", "gone": "G", "d/y": "L1y", "d/hid": "H", "op/old": "O",
		"lnk": "->/d/y", "esc": "->../../../../outside/secret", "rel": "->d/../../../b",
		"gone2/": "", "gone2/in": "i",
	}
	return l0, l1
}

func TestOverlayLookup(t *testing.T) {
	forModes(t, func(t *testing.T, mode MetadataMode) {
		l0, l1 := baseLayers()
		env := newOvFS(t, mode, tree{"u": "U"}, l0, l1)
		fs := env.fs
		for p, want := range map[string]string{
			"/a": "L0a", "/b": "L1b", "/u": "U", "/d/x": "L0x", "/d/y": "L1y", "/op/new": "N",
			"/lnk": "L1y", "/rel": "L1b", "/etc/conf": "C0",
		} {
			wantContent(t, fs, p, want)
		}
		for _, p := range []string{"/gone", "/op/old", "/d/hid", "/.wh.gone", "/d/.wh.hid", "/op/.wh..wh..opq", "/esc"} {
			_, e := fs.Stat(nil, p)
			wantErrno(t, e, abi.ENOENT, "stat "+p)
		}
		wantNames(t, fs, "/", "a", "b", "d", "esc", "etc", "gone2", "lnk", "op", "rel", "u")
		wantNames(t, fs, "/d", "x", "y")
		wantNames(t, fs, "/op", "new")
		// Stat reports the lower's node.
		var hs unix.Stat_t
		if err := unix.Lstat(filepath.Join(env.lowers[1], "b"), &hs); err != nil {
			t.Fatal(err)
		}
		st, e := fs.Stat(nil, "/b")
		mustOK(t, e, "stat /b")
		if st.Ino != hs.Ino || st.Size != 3 {
			t.Errorf("stat /b: ino %d size %d, want the lower's %d", st.Ino, st.Size, hs.Ino)
		}
		// d_ino is the ino stat reports, and stable.
		f, e := fs.Open(nil, "/d", abi.O_RDONLY, 0)
		mustOK(t, e, "open /d")
		defer f.Close()
		for range 2 {
			ents, e := f.ReadDir()
			mustOK(t, e, "readdir")
			for _, ent := range ents[2:] {
				st, e := fs.Lstat(nil, "/d/"+ent.Name)
				mustOK(t, e, "lstat")
				if st.Ino != ent.Ino {
					t.Errorf("d_ino of %s = %d, stat says %d", ent.Name, ent.Ino, st.Ino)
				}
			}
		}
		// Relative lookups from a lower-only directory, "..", getcwd.
		d, e := fs.OpenDir(nil, "/d")
		mustOK(t, e, "opendir")
		defer d.Close()
		if got, _ := readGuest(t, fs, d, "../b"); got != "L1b" {
			t.Errorf("../b from /d = %q", got)
		}
		if fs.Getcwd(d) != "/d" {
			t.Errorf("getcwd = %q", fs.Getcwd(d))
		}
		// Nothing was written to the upper by reading.
		ents, _ := os.ReadDir(env.upper)
		if len(ents) != 1 {
			t.Errorf("upper after reads: %v", ents)
		}
	})
}

func TestOverlayCopyUp(t *testing.T) {
	forModes(t, func(t *testing.T, mode MetadataMode) {
		l0, l1 := baseLayers()
		env := newOvFS(t, mode, nil, l0, l1)
		fs := env.fs
		low := env.lowers[1]
		// Give the lower parent (the top layer's: it is the one shown) and
		// file metadata to carry over.
		os.Chmod(filepath.Join(env.lowers[0], "d"), 0o750)
		os.Chmod(filepath.Join(low, "d/y"), 0o640)
		if mode == MetadataHost {
			os.Lchown(filepath.Join(low, "d/y"), 1000, 1001)
		} else {
			unix.Lsetxattr(filepath.Join(low, "d/y"), xaUID, []byte("1000"), 0)
			unix.Lsetxattr(filepath.Join(low, "d/y"), xaGID, []byte("1001"), 0)
		}
		unix.Lsetxattr(filepath.Join(low, "d/y"), "user.keep", []byte("v"), 0)
		mt := unix.NsecToTimespec(1_000_000_000_123)
		unix.UtimesNanoAt(unix.AT_FDCWD, filepath.Join(env.lowers[0], "d"), []unix.Timespec{mt, mt}, 0)
		unix.UtimesNanoAt(unix.AT_FDCWD, filepath.Join(low, "d/y"), []unix.Timespec{mt, mt}, 0)
		before, e := fs.Stat(nil, "/d/y")
		mustOK(t, e, "stat")

		writeGuest(t, fs, "/d/y", abi.O_TRUNC, "new")
		wantContent(t, fs, "/d/y", "new")
		if got := hostRead(t, filepath.Join(low, "d/y")); got != "L1y" {
			t.Errorf("lower changed: %q", got)
		}
		if got := hostRead(t, filepath.Join(env.upper, "d/y")); got != "new" {
			t.Errorf("upper copy: %q", got)
		}
		after, e := fs.Stat(nil, "/d/y")
		mustOK(t, e, "stat")
		if after.Mode != before.Mode || after.Uid != 1000 || after.Gid != 1001 {
			t.Errorf("copied file: mode %o uid %d gid %d, want %o 1000 1001", after.Mode, after.Uid, after.Gid, before.Mode)
		}
		if v, e := fs.Getxattr(nil, "/d/y", "user.keep", true); e != 0 || string(v) != "v" {
			t.Errorf("xattr after copy-up: %q %d", v, e)
		}
		dst, e := fs.Stat(nil, "/d")
		mustOK(t, e, "stat /d")
		if dst.Mode&0o7777 != 0o750 || dst.Mtime.Sec != mt.Sec {
			t.Errorf("copied parent: mode %o mtime %d, want 750 %d", dst.Mode&0o7777, dst.Mtime.Sec, mt.Sec)
		}
		wantNames(t, fs, "/d", "x", "y")
		wantContent(t, fs, "/d/x", "L0x")

		// Metadata changes copy up and leave the lower alone.
		mustOK(t, fs.Chmod(nil, "/b", 0o600, true), "chmod")
		mustOK(t, fs.Chown(nil, "/a", 7, 8, true), "chown")
		ts := [2]Timespec{{Sec: 5}, {Sec: 6}}
		mustOK(t, fs.Utimes(nil, "/etc/conf", &ts, true), "utimes")
		mustOK(t, fs.Setxattr(nil, "/op/new", "user.x", []byte("1"), 0, true), "setxattr")
		mustOK(t, fs.Truncate(nil, "/d/x", 1), "truncate")
		mustOK(t, fs.Chown(nil, "/lnk", 3, 3, false), "lchown link")
		for _, p := range []string{"b", "a", "etc/conf", "op/new", "d/x", "lnk"} {
			if !hostExists(filepath.Join(env.upper, p)) {
				t.Errorf("%s not copied up", p)
			}
		}
		if st, _ := fs.Stat(nil, "/b"); st.Mode&0o777 != 0o600 {
			t.Errorf("chmod: %o", st.Mode)
		}
		if st, _ := fs.Stat(nil, "/a"); st.Uid != 7 || st.Gid != 8 {
			t.Errorf("chown: %d %d", st.Uid, st.Gid)
		}
		if st, _ := fs.Stat(nil, "/etc/conf"); st.Mtime.Sec != 6 {
			t.Errorf("utimes: %v", st.Mtime)
		}
		wantContent(t, fs, "/d/x", "L")
		wantContent(t, fs, "/a", "L0a")
		if t, _ := fs.Readlink(nil, "/lnk"); t != "/d/y" {
			panic(t)
		}
		var hs unix.Stat_t
		unix.Lstat(filepath.Join(low, "b"), &hs)
		if hs.Mode&0o777 != 0o644 {
			t.Errorf("lower b mode changed: %o", hs.Mode)
		}
		// The op/ directory was opaque in l0: its copy shows l0's alone.
		wantNames(t, fs, "/op", "new")
		// A link copies the source up.
		mustOK(t, fs.Link(nil, "/gone2/in", nil, "/in2", false), "link")
		wantContent(t, fs, "/in2", "i")
		if !hostExists(filepath.Join(env.upper, "gone2/in")) {
			t.Error("link source not copied up")
		}
		// The probe of the temporary copies left nothing visible.
		for _, p := range []string{"/", "/d", "/etc"} {
			for _, n := range names(t, fs, p) {
				if isMarker(n) {
					t.Errorf("%s lists %s", p, n)
				}
			}
		}
	})
}

func TestOverlayFileCopyUp(t *testing.T) {
	forModes(t, func(t *testing.T, mode MetadataMode) {
		l0, l1 := baseLayers()
		env := newOvFS(t, mode, nil, l0, l1)
		fs := env.fs
		f, e := fs.Open(nil, "/b", abi.O_RDONLY, 0)
		mustOK(t, e, "open")
		defer f.Close()
		if p := hostPathOfFile(t, f); !inside(p, env.lowers[1]) {
			t.Errorf("read of a lower file goes through %s", p)
		}
		mustOK(t, fs.Fchmod(f, 0o604), "fchmod")
		mustOK(t, fs.Fchown(f, 11, 12), "fchown")
		mustOK(t, f.Setxattr("user.f", []byte("y"), 0), "fsetxattr")
		st, e := f.Stat()
		mustOK(t, e, "fstat")
		if st.Mode&0o777 != 0o604 || st.Uid != 11 || st.Gid != 12 {
			t.Errorf("fstat after fchmod/fchown: %o %d %d", st.Mode, st.Uid, st.Gid)
		}
		gst, _ := fs.Stat(nil, "/b")
		if gst.Mode&0o777 != 0o604 || gst.Uid != 11 {
			t.Errorf("stat after fchmod: %o %d", gst.Mode, gst.Uid)
		}
		if v, e := fs.Getxattr(nil, "/b", "user.f", true); e != 0 || string(v) != "y" {
			t.Errorf("getxattr: %q %d", v, e)
		}
		if hostRead(t, filepath.Join(env.upper, "b")) != "L1b" {
			t.Error("fchmod did not copy b up")
		}
	})
}

func TestOverlayRemove(t *testing.T) {
	forModes(t, func(t *testing.T, mode MetadataMode) {
		l0, l1 := baseLayers()
		env := newOvFS(t, mode, nil, l0, l1)
		fs := env.fs
		mustOK(t, fs.Unlink(nil, "/a"), "unlink /a")
		_, e := fs.Stat(nil, "/a")
		wantErrno(t, e, abi.ENOENT, "stat removed /a")
		if !hostExists(filepath.Join(env.upper, ".wh.a")) {
			t.Error("no whiteout for /a")
		}
		wantErrno(t, fs.Rmdir(nil, "/d"), abi.ENOTEMPTY, "rmdir non-empty merged /d")
		wantErrno(t, fs.Unlink(nil, "/d"), abi.EISDIR, "unlink dir")
		wantErrno(t, fs.Rmdir(nil, "/b"), abi.ENOTDIR, "rmdir file")
		// A file copied up, then removed: gone from both.
		writeGuest(t, fs, "/d/x", abi.O_APPEND, "+")
		mustOK(t, fs.Unlink(nil, "/d/x"), "unlink /d/x")
		mustOK(t, fs.Unlink(nil, "/d/y"), "unlink /d/y")
		wantNames(t, fs, "/d")
		mustOK(t, fs.Rmdir(nil, "/d"), "rmdir emptied /d")
		wantErrno(t, fs.Unlink(nil, "/d/x"), abi.ENOENT, "below removed dir")
		// A new directory over the old one is empty (opaque).
		mustOK(t, fs.Mkdir(nil, "/d", 0o755), "mkdir over whiteout")
		wantNames(t, fs, "/d")
		if !hostExists(filepath.Join(env.upper, "d", whOpaque)) || hostExists(filepath.Join(env.upper, ".wh.d")) {
			t.Error("mkdir over a whiteout: want an opaque directory and no whiteout")
		}
		// A new file over a removed one.
		writeGuest(t, fs, "/a", abi.O_CREAT|abi.O_EXCL, "again")
		wantContent(t, fs, "/a", "again")
		if hostExists(filepath.Join(env.upper, ".wh.a")) {
			t.Error("whiteout left beside a new file")
		}
		// A directory of the lower layers only, emptied and removed.
		mustOK(t, fs.Unlink(nil, "/gone2/in"), "unlink")
		mustOK(t, fs.Rmdir(nil, "/gone2"), "rmdir")
		wantNames(t, fs, "/", "a", "b", "d", "esc", "etc", "lnk", "op", "rel")
		// Symlinks and other nodes of the lowers can go too.
		mustOK(t, fs.Unlink(nil, "/lnk"), "unlink link")
		_, e = fs.Lstat(nil, "/lnk")
		wantErrno(t, e, abi.ENOENT, "lstat removed link")
		if got := hostRead(t, filepath.Join(env.lowers[1], "a")); got != "L1a" {
			t.Errorf("lower changed: %q", got)
		}
	})
}

func TestOverlayMarkersRefused(t *testing.T) {
	l0, l1 := baseLayers()
	env := newOvFS(t, MetadataHost, nil, l0, l1)
	fs := env.fs
	_, e := fs.Open(nil, "/.wh.x", abi.O_CREAT|abi.O_WRONLY, 0o644)
	wantErrno(t, e, abi.EINVAL, "create .wh.x")
	wantErrno(t, fs.Mkdir(nil, "/d/.wh..wh..opq", 0o755), abi.EINVAL, "mkdir opaque marker")
	wantErrno(t, fs.Symlink("x", nil, "/.wh.b"), abi.EINVAL, "symlink .wh.b")
	wantErrno(t, fs.Rename(nil, "/b", nil, "/.wh.a", 0), abi.EINVAL, "rename to .wh.a")
	wantErrno(t, fs.Unlink(nil, "/.wh.gone"), abi.ENOENT, "unlink a whiteout")
	wantContent(t, fs, "/a", "L0a")
	wantContent(t, fs, "/b", "L1b")
}

func TestOverlayRename(t *testing.T) {
	forModes(t, func(t *testing.T, mode MetadataMode) {
		l0, l1 := baseLayers()
		env := newOvFS(t, mode, tree{"updir/f": "F"}, l0, l1)
		fs := env.fs
		wantErrno(t, fs.Rename(nil, "/d", nil, "/d2", 0), abi.EXDEV, "rename lower dir")
		wantErrno(t, fs.Rename(nil, "/etc", nil, "/etc2", 0), abi.EXDEV, "rename lower-only dir")
		mustOK(t, fs.Rename(nil, "/b", nil, "/c", 0), "rename lower file")
		wantContent(t, fs, "/c", "L1b")
		_, e := fs.Stat(nil, "/b")
		wantErrno(t, e, abi.ENOENT, "old name")
		// Over a lower file.
		mustOK(t, fs.Rename(nil, "/c", nil, "/a", 0), "rename over lower file")
		wantContent(t, fs, "/a", "L1b")
		_, e = fs.Stat(nil, "/c")
		wantErrno(t, e, abi.ENOENT, "old name c")
		// An upper-only directory moves, and over an emptied lower one it
		// hides what the lower held.
		mustOK(t, fs.Rename(nil, "/updir", nil, "/d/sub", 0), "rename upper dir")
		wantContent(t, fs, "/d/sub/f", "F")
		mustOK(t, fs.Unlink(nil, "/gone2/in"), "unlink")
		mustOK(t, fs.Rename(nil, "/d/sub", nil, "/gone2", 0), "rename over emptied lower dir")
		wantNames(t, fs, "/gone2", "f")
		wantErrno(t, fs.Rename(nil, "/gone2", nil, "/op", 0), abi.ENOTEMPTY, "over non-empty merged dir")
		wantErrno(t, fs.Rename(nil, "/d/x", nil, "/d/y", RENAME_NOREPLACE), abi.EEXIST, "noreplace over lower")
		mustOK(t, fs.Rename(nil, "/d/x", nil, "/d/y", RENAME_EXCHANGE), "exchange lower files")
		wantContent(t, fs, "/d/x", "L1y")
		wantContent(t, fs, "/d/y", "L0x")
		wantNames(t, fs, "/d", "x", "y")
		wantNames(t, fs, "/", "a", "d", "esc", "etc", "gone2", "lnk", "op", "rel")
	})
}

func TestOverlayCreate(t *testing.T) {
	forModes(t, func(t *testing.T, mode MetadataMode) {
		l0, l1 := baseLayers()
		env := newOvFS(t, mode, nil, l0, l1)
		fs := env.fs
		_, e := fs.Open(nil, "/b", abi.O_CREAT|abi.O_EXCL|abi.O_WRONLY, 0o644)
		wantErrno(t, e, abi.EEXIST, "O_EXCL over a lower file")
		wantErrno(t, fs.Mkdir(nil, "/d", 0o755), abi.EEXIST, "mkdir over lower dir")
		wantErrno(t, fs.Symlink("t", nil, "/a"), abi.EEXIST, "symlink over lower file")
		wantErrno(t, fs.Mknod(nil, "/etc/conf", S_IFIFO|0o644, 0), abi.EEXIST, "mknod over lower file")
		writeGuest(t, fs, "/etc/new", abi.O_CREAT, "n")
		mustOK(t, fs.Mkdir(nil, "/etc/sub", 0o700), "mkdir in lower dir")
		mustOK(t, fs.Symlink("conf", nil, "/etc/l"), "symlink")
		mustOK(t, fs.Mknod(nil, "/etc/fifo", S_IFIFO|0o600, 0), "mkfifo")
		wantNames(t, fs, "/etc", "conf", "new", "sub", "l", "fifo")
		wantContent(t, fs, "/etc/l", "C0")
		// O_TMPFILE in a lower directory.
		f, e := fs.Open(nil, "/op", abi.O_TMPFILE|abi.O_RDWR, 0o600)
		mustOK(t, e, "O_TMPFILE")
		if p := hostPathOfFile(t, f); !inside(strings.TrimSuffix(p, " (deleted)"), env.upper) {
			t.Errorf("tmpfile at %s", p)
		}
		f.Close()
		// Creating through a directory handle made while it was lower only.
		d, e := fs.OpenDir(nil, "/d")
		mustOK(t, e, "opendir")
		defer d.Close()
		f, e = fs.Open(d, "n1", abi.O_CREAT|abi.O_WRONLY, 0o644)
		mustOK(t, e, "create via lower dir handle")
		f.Close()
		_, e = fs.Stat(d, "n1")
		mustOK(t, e, "stat through the same handle")
		mustOK(t, fs.Mkdir(d, "n2", 0o755), "mkdir via handle")
		wantNames(t, fs, "/d", "x", "y", "n1", "n2")
		st, e := fs.Statfs(nil, "/b")
		mustOK(t, e, "statfs")
		var hs unix.Statfs_t
		unix.Statfs(env.upper, &hs)
		if st.Type != int64(hs.Type) || st.Blocks != hs.Blocks {
			t.Errorf("statfs of a lower file: %+v; want the upper's", st)
		}
	})
}

func TestOverlayConfinement(t *testing.T) {
	l0, l1 := baseLayers()
	env := newOvFS(t, MetadataHost, nil, l0, l1)
	fs := env.fs
	_, e := fs.Stat(nil, "/esc")
	wantErrno(t, e, abi.ENOENT, "escaping link")
	f, e := fs.Open(nil, "/../../../../lnk", abi.O_RDONLY, 0)
	mustOK(t, e, "dotdot above root")
	if p := hostPathOfFile(t, f); !inside(p, env.lowers[1]) {
		t.Errorf("opened %s", p)
	}
	f.Close()
	// A create through an escaping link stays inside.
	_, e = fs.Open(nil, "/esc", abi.O_CREAT|abi.O_WRONLY, 0o644)
	wantErrno(t, e, abi.ENOENT, "create through an escaping link (no /outside inside)")
	mustOK(t, fs.Mkdir(nil, "/outside", 0o755), "mkdir /outside")
	writeGuest(t, fs, "/esc", abi.O_CREAT, "in")
	if hostRead(t, filepath.Join(env.outside, "secret")) != "SECRET" ||
		hostRead(t, filepath.Join(env.upper, "outside/secret")) != "in" {
		t.Error("a write through a lower link left the view")
	}
}

func TestOverlayReadOnly(t *testing.T) {
	l0, l1 := baseLayers()
	env := newOvFS(t, MetadataHost, nil, l0, l1)
	env.opts.ReadOnly = true
	fs := env.open(t)
	_, e := fs.Open(nil, "/b", abi.O_WRONLY, 0)
	wantErrno(t, e, abi.EROFS, "open for write")
	wantErrno(t, fs.Chmod(nil, "/b", 0o600, true), abi.EROFS, "chmod")
	wantErrno(t, fs.Unlink(nil, "/a"), abi.EROFS, "unlink")
	wantErrno(t, fs.Mkdir(nil, "/d/n", 0o755), abi.EROFS, "mkdir")
	wantErrno(t, fs.Rename(nil, "/b", nil, "/c", 0), abi.EROFS, "rename")
	wantContent(t, fs, "/b", "L1b")
	ents, _ := os.ReadDir(env.upper)
	if len(ents) != 0 {
		t.Errorf("upper written: %v", ents)
	}
}

func TestOverlayMounts(t *testing.T) {
	l0, l1 := baseLayers()
	base := t.TempDir()
	mkTree(t, base, tree{"bind/f": "B"})
	env := newOvFS(t, MetadataHost, nil, l0, l1)
	env.opts.Mounts = []Mount{
		{Guest: "/d/mnt", Host: filepath.Join(base, "bind")},
		{Guest: "/proc", Synthetic: newMemSynth(tree{"self/status": "S"})},
	}
	fs := env.open(t)
	wantContent(t, fs, "/d/mnt/f", "B")
	wantContent(t, fs, "/proc/self/status", "S")
	wantContent(t, fs, "/d/mnt/../y", "L1y")
	d, e := fs.OpenDir(nil, "/d/mnt")
	mustOK(t, e, "opendir mount")
	defer d.Close()
	if got, _ := readGuest(t, fs, d, "../x"); got != "L0x" {
		t.Errorf("../x from the mount = %q", got)
	}
	wantNames(t, fs, "/d", "x", "y", "mnt")
	// Writes inside the bind mount go to it, not the upper.
	writeGuest(t, fs, "/d/mnt/g", abi.O_CREAT, "g")
	if hostRead(t, filepath.Join(base, "bind/g")) != "g" {
		t.Error("write in bind mount")
	}
	// A chroot into a lower directory sees the merged tree below it.
	v, e := fs.Chroot(d)
	mustOK(t, e, "chroot")
	defer v.Close()
	wantContent(t, v, "/f", "B")
	ld, e := fs.OpenDir(nil, "/etc")
	mustOK(t, e, "opendir /etc")
	defer ld.Close()
	cv, e := fs.Chroot(ld)
	mustOK(t, e, "chroot into a lower-only directory")
	defer cv.Close()
	writeGuest(t, cv, "/made", abi.O_CREAT, "m")
	wantContent(t, cv, "/made", "m")
	wantContent(t, cv, "/../../conf", "C0")
	wantNames(t, cv, "/", "conf", "made")
	wantContent(t, fs, "/etc/made", "m")
}

func TestOverlayCred(t *testing.T) {
	forModes(t, func(t *testing.T, mode MetadataMode) {
		l0, l1 := baseLayers()
		env := newOvFS(t, mode, nil, l0, l1)
		low := env.lowers[1]
		os.MkdirAll(filepath.Join(low, "home/u"), 0o755)
		os.WriteFile(filepath.Join(low, "home/u/own"), []byte("o"), 0o644)
		if mode == MetadataHost {
			os.Chown(filepath.Join(low, "home/u"), 1000, 1000)
			os.Chown(filepath.Join(low, "home/u/own"), 1000, 1000)
		} else {
			for _, p := range []string{"home/u", "home/u/own"} {
				unix.Lsetxattr(filepath.Join(low, p), xaUID, []byte("1000"), 0)
				unix.Lsetxattr(filepath.Join(low, p), xaGID, []byte("1000"), 0)
			}
		}
		u := env.fs.WithCred(&Cred{UID: 1000, GID: 1000})
		// Refused writes copy nothing up.
		_, e := u.Open(nil, "/b", abi.O_WRONLY, 0)
		wantErrno(t, e, abi.EACCES, "write another's lower file")
		wantErrno(t, u.Chmod(nil, "/b", 0o777, true), abi.EPERM, "chmod another's lower file")
		wantErrno(t, u.Mkdir(nil, "/etc/x", 0o755), abi.EACCES, "mkdir in root's lower dir")
		wantErrno(t, u.Unlink(nil, "/a"), abi.EACCES, "unlink in root's dir")
		if hostExists(filepath.Join(env.upper, "b")) || hostExists(filepath.Join(env.upper, "etc")) {
			t.Error("a refused write copied up")
		}
		// The user's own lower directory and file.
		writeGuest(t, u, "/home/u/own", abi.O_APPEND, "+")
		wantContent(t, u, "/home/u/own", "o+")
		writeGuest(t, u, "/home/u/new", abi.O_CREAT, "n")
		st, e := u.Stat(nil, "/home/u/new")
		mustOK(t, e, "stat new")
		if st.Uid != 1000 || st.Gid != 1000 {
			t.Errorf("new file owner %d:%d", st.Uid, st.Gid)
		}
		st, _ = u.Stat(nil, "/home/u")
		if st.Uid != 1000 {
			t.Errorf("copied-up directory owner %d", st.Uid)
		}
	})
}

func TestOverlayConcurrentViews(t *testing.T) {
	forModes(t, func(t *testing.T, mode MetadataMode) {
		big := strings.Repeat("0123456789abcdef", 1<<16) // 1 MiB
		env := newOvFS(t, mode, nil, tree{"big": big, "deep/er/f": "f"})
		// A view holding a lower-only directory sees what another creates.
		a, b := env.fs, env.open(t)
		d, e := a.OpenDir(nil, "/deep/er")
		mustOK(t, e, "opendir")
		defer d.Close()
		writeGuest(t, b, "/deep/er/new", abi.O_CREAT, "x")
		if got, e := readGuest(t, a, d, "new"); e != 0 || got != "x" {
			t.Errorf("other view's file: %q %d", got, e)
		}
		f, e := a.Open(nil, "/deep/er", abi.O_RDONLY|abi.O_DIRECTORY, 0)
		mustOK(t, e, "open dir")
		ents, _ := f.ReadDir()
		f.Close()
		if len(ents) != 4 {
			t.Errorf("readdir of held dir: %v", ents)
		}
		// Concurrent copy-ups of one file: each appends, none is lost,
		// nobody sees a partial copy.
		const n = 8
		done := make(chan string, n)
		for i := range n {
			go func() {
				v, err := New(env.upper, env.opts)
				if err != nil {
					done <- err.Error()
					return
				}
				defer v.Close()
				f, e := v.Open(nil, "/big", abi.O_WRONLY|abi.O_APPEND, 0)
				if e != 0 {
					done <- "open"
					return
				}
				unix.Write(f.Fd(), []byte{byte('A' + i)})
				f.Close()
				done <- ""
			}()
		}
		for range n {
			if s := <-done; s != "" {
				t.Error(s)
			}
		}
		got, _ := readGuestAll(t, a, "/big")
		if len(got) != len(big)+n || got[:len(big)] != big {
			t.Errorf("after concurrent copy-ups: %d bytes, want %d", len(got), len(big)+n)
		}
		for _, e := range mustReadDir(t, env.upper) {
			if isMarker(e) {
				t.Errorf("temporary left in upper: %s", e)
			}
		}
	})
}

func readGuestAll(t testing.TB, fs *FS, p string) (string, abi.Errno) {
	f, e := fs.Open(nil, p, abi.O_RDONLY, 0)
	if e != 0 {
		return "", e
	}
	defer f.Close()
	b, err := os.ReadFile(hostPathOfFile(t, f))
	if err != nil {
		t.Fatal(err)
	}
	return string(b), 0
}

func mustReadDir(t testing.TB, dir string) []string {
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range ents {
		out = append(out, e.Name())
	}
	return out
}
