package unpack

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// ent is one tar entry for a test layer.
type ent struct {
	hdr  tar.Header
	body string
}

func layerTar(t testing.TB, ents ...ent) *bytes.Reader {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range ents {
		h := e.hdr
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.body))
		}
		if h.ModTime.IsZero() {
			h.ModTime = time.Unix(1_600_000_000, 0)
		}
		h.Format = tar.FormatPAX
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if h.Typeflag == tar.TypeReg {
			if _, err := tw.Write([]byte(e.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.NewReader(buf.Bytes())
}

func dir(name string, mode int64, uid, gid int) ent {
	return ent{hdr: tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: mode, Uid: uid, Gid: gid}}
}
func file(name, body string, mode int64, uid, gid int) ent {
	return ent{hdr: tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Uid: uid, Gid: gid}, body: body}
}
func symlink(name, target string) ent {
	return ent{hdr: tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777}}
}
func hardlink(name, target string) ent {
	return ent{hdr: tar.Header{Typeflag: tar.TypeLink, Name: name, Linkname: target}}
}
func node(typ byte, name string, mode int64, major, minor int64, uid, gid int) ent {
	return ent{hdr: tar.Header{Typeflag: typ, Name: name, Mode: mode, Devmajor: major, Devminor: minor, Uid: uid, Gid: gid}}
}

// modes lists the metadata modes this host can test: xattr always, host
// only as root on Linux.
func modes(t *testing.T) []Metadata {
	m := []Metadata{MetadataXattr}
	if runtime.GOOS == "linux" && os.Geteuid() == 0 {
		m = append(m, MetadataHost)
	} else {
		t.Log("not root on Linux: host metadata mode not tested")
	}
	return m
}

func (m Metadata) String() string { return m.RootfsMode().String() }

// view opens dir as the guest sees it.
func view(t *testing.T, dir string, m Metadata) *rootfs.FS {
	t.Helper()
	fs, err := rootfs.New(dir, rootfs.Options{Metadata: m.RootfsMode()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	return fs
}

func lstat(t *testing.T, fs *rootfs.FS, p string) rootfs.Stat {
	t.Helper()
	st, e := fs.Lstat(fs.Root(), p)
	if e != 0 {
		t.Fatalf("lstat %s: errno %d", p, e)
	}
	return st
}

func readFile(t *testing.T, fs *rootfs.FS, p string) string {
	t.Helper()
	f, e := fs.Open(fs.Root(), p, abi.O_RDONLY|abi.O_NOFOLLOW, 0)
	if e != 0 {
		t.Fatalf("open %s: errno %d", p, e)
	}
	defer f.Close()
	var out []byte
	buf := make([]byte, 4096)
	for {
		n, err := unix.Read(f.Fd(), buf)
		if err != nil {
			t.Fatalf("read %s: %v", p, err)
		}
		if n == 0 {
			return string(out)
		}
		out = append(out, buf[:n]...)
	}
}

func TestApplyEntryTypes(t *testing.T) {
	for _, m := range modes(t) {
		t.Run(m.String(), func(t *testing.T) {
			d := t.TempDir()
			mt := time.Unix(1_500_000_000, 123456789)
			xf := file("etc/cap", "x", 0o755, 0, 0)
			xf.hdr.PAXRecords = map[string]string{"SCHILY.xattr.user.note": "hello", "SCHILY.xattr.trusted.note": "\x01\x00"}
			tf := file("etc/timed", "t", 0o644, 0, 0)
			tf.hdr.ModTime = mt
			l := layerTar(t,
				dir("./", 0o755, 0, 0),
				dir("etc/", 0o750, 10, 20),
				file("etc/passwd", "root:x:0:0\n", 0o4711, 1000, 1001),
				symlink("etc/abs", "/etc/passwd"),
				symlink("etc/rel", "passwd"),
				hardlink("etc/hard", "etc/passwd"),
				node(tar.TypeChar, "dev/null", 0o666, 1, 3, 0, 5),
				node(tar.TypeBlock, "dev/sda", 0o660, 8, 0, 0, 6),
				node(tar.TypeChar, "dev/big", 0o600, 300, 70000, 7, 8),
				node(tar.TypeFifo, "run/fifo", 0o620, 0, 0, 33, 44),
				xf, tf,
			)
			if err := Apply(d, l, Options{Metadata: m}); err != nil {
				t.Fatal(err)
			}
			fs := view(t, d, m)
			check := func(p string, typ, perm, uid, gid uint32, rdev uint64) {
				t.Helper()
				st := lstat(t, fs, p)
				if st.Mode != typ|perm || st.Uid != uid || st.Gid != gid || st.Rdev != rdev {
					t.Errorf("%s: mode %o uid %d gid %d rdev %#x; want %o %d %d %#x", p, st.Mode, st.Uid, st.Gid, st.Rdev, typ|perm, uid, gid, rdev)
				}
			}
			check("etc", abi.S_IFDIR, 0o750, 10, 20, 0)
			check("etc/passwd", abi.S_IFREG, 0o4711, 1000, 1001, 0)
			check("dev/null", abi.S_IFCHR, 0o666, 0, 5, linuxMkdev(1, 3))
			check("dev/sda", abi.S_IFBLK, 0o660, 0, 6, linuxMkdev(8, 0))
			check("dev/big", abi.S_IFCHR, 0o600, 7, 8, linuxMkdev(300, 70000))
			if m == MetadataXattr && runtime.GOOS == "linux" {
				// Linux keeps no user.* xattrs on FIFOs: the host's owner
				// shows (root), and its mode when the host can hold it.
				check("run/fifo", abi.S_IFIFO, 0o620, 0, 0, 0)
			} else {
				check("run/fifo", abi.S_IFIFO, 0o620, 33, 44, 0)
			}
			if got := readFile(t, fs, "etc/passwd"); got != "root:x:0:0\n" {
				t.Errorf("passwd = %q", got)
			}
			for p, want := range map[string]string{"etc/abs": "/etc/passwd", "etc/rel": "passwd"} {
				if got, e := fs.Readlink(fs.Root(), p); e != 0 || got != want {
					t.Errorf("readlink %s = %q, %d; want %q", p, got, e, want)
				}
			}
			if a, b := lstat(t, fs, "etc/passwd"), lstat(t, fs, "etc/hard"); a.Ino != b.Ino || a.Nlink != 2 {
				t.Errorf("hard link: inodes %d %d nlink %d", a.Ino, b.Ino, a.Nlink)
			}
			for name, want := range map[string]string{"user.note": "hello", "trusted.note": "\x01\x00"} {
				if got, e := fs.Getxattr(fs.Root(), "etc/cap", name, false); e != 0 || string(got) != want {
					t.Errorf("xattr %s = %q, %d; want %q", name, got, e, want)
				}
			}
			if st := lstat(t, fs, "etc/timed"); st.Mtime.Sec != mt.Unix() || st.Mtime.Nsec != int64(mt.Nanosecond()) {
				t.Errorf("mtime %+v, want %v", st.Mtime, mt)
			}
			// Directory times are set after their children were written.
			if st := lstat(t, fs, "etc"); st.Mtime.Sec != 1_600_000_000 {
				t.Errorf("etc mtime %+v", st.Mtime)
			}
		})
	}
}

func TestApplyWhiteouts(t *testing.T) {
	for _, m := range modes(t) {
		t.Run(m.String(), func(t *testing.T) {
			d := t.TempDir()
			lower := layerTar(t,
				dir("a/", 0o755, 0, 0),
				file("a/gone", "1", 0o644, 0, 0),
				file("a/kept", "2", 0o644, 0, 0),
				dir("a/sub/", 0o755, 0, 0),
				file("a/sub/deep", "3", 0o644, 0, 0),
				dir("o/", 0o755, 0, 0),
				file("o/old", "4", 0o644, 0, 0),
				dir("o/olddir/", 0o755, 0, 0),
				file("o/olddir/x", "5", 0o644, 0, 0),
				file("replace", "file", 0o644, 0, 0),
			)
			upper := layerTar(t,
				file("a/.wh.gone", "", 0, 0, 0),
				file("a/.wh.sub", "", 0, 0, 0),
				file("a/.wh.never", "", 0, 0, 0),
				file("nodir/.wh.x", "", 0, 0, 0),
				dir("o/", 0o700, 0, 0),
				file("o/.wh..wh..opq", "", 0, 0, 0),
				file("o/new", "6", 0o644, 0, 0),
				dir("replace/", 0o755, 0, 0),
				file("replace/in", "7", 0o644, 0, 0),
			)
			// A whiteout after a same-layer entry of that name hides only
			// lower layers; an opaque marker after a child keeps the child.
			upper2 := layerTar(t,
				file("p/late", "8", 0o644, 0, 0),
				file("p/.wh..wh..opq", "", 0, 0, 0),
				file("q", "9", 0o644, 0, 0),
				file(".wh.q", "", 0, 0, 0),
			)
			for _, l := range []*bytes.Reader{lower, upper, upper2} {
				if err := Apply(d, l, Options{Metadata: m}); err != nil {
					t.Fatal(err)
				}
			}
			fs := view(t, d, m)
			for _, p := range []string{"nodir", "a/gone", "a/sub", "o/old", "o/olddir", "a/.wh.gone", "o/.wh..wh..opq"} {
				if _, e := fs.Lstat(fs.Root(), p); e != abi.ENOENT {
					t.Errorf("%s: errno %d, want ENOENT", p, e)
				}
			}
			for p, want := range map[string]string{"a/kept": "2", "o/new": "6", "replace/in": "7", "p/late": "8", "q": "9"} {
				if got := readFile(t, fs, p); got != want {
					t.Errorf("%s = %q, want %q", p, got, want)
				}
			}
			if st := lstat(t, fs, "o"); st.Mode != abi.S_IFDIR|0o700 {
				t.Errorf("o mode %o", st.Mode)
			}
		})
	}
}

func TestApplyKeepWhiteouts(t *testing.T) {
	d := t.TempDir()
	os.WriteFile(filepath.Join(d, "gone"), []byte("x"), 0o644)
	l := layerTar(t, file(".wh.gone", "", 0, 0, 0), dir("o/", 0o755, 0, 0), file("o/.wh..wh..opq", "", 0, 0, 0))
	if err := Apply(d, l, Options{Metadata: MetadataXattr, KeepWhiteouts: true}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"gone", ".wh.gone", "o/.wh..wh..opq"} {
		if _, err := os.Lstat(filepath.Join(d, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestApplyRefusesEscapes(t *testing.T) {
	cases := map[string][]ent{
		"dotdot":          {file("../x", "x", 0o644, 0, 0)},
		"dotdot inside":   {dir("a/", 0o755, 0, 0), file("a/../../x", "x", 0o644, 0, 0)},
		"through symlink": {symlink("l", "/"), file("l/x", "x", 0o644, 0, 0)},
		"through rel symlink": {
			dir("a/", 0o755, 0, 0), symlink("a/l", "../.."), file("a/l/x", "x", 0o644, 0, 0),
		},
		"symlink dir then mkdir": {symlink("l", ".."), dir("l/sub/", 0o755, 0, 0)},
		"hardlink out":           {hardlink("h", "../outside")},
		"hardlink via symlink":   {symlink("l", ".."), hardlink("h", "l/outside")},
		"whiteout dotdot":        {file("a/.wh...", "", 0, 0, 0)},
	}
	for name, ents := range cases {
		t.Run(name, func(t *testing.T) {
			parent := t.TempDir()
			d := filepath.Join(parent, "root")
			os.Mkdir(d, 0o755)
			os.WriteFile(filepath.Join(parent, "outside"), []byte("secret"), 0o644)
			err := Apply(d, layerTar(t, ents...), Options{Metadata: MetadataXattr})
			if !errors.Is(err, ErrUnsafe) {
				t.Fatalf("err = %v, want ErrUnsafe", err)
			}
			for _, p := range []string{"x", "sub", "h"} {
				if _, err := os.Lstat(filepath.Join(parent, p)); err == nil {
					t.Errorf("%s written outside the tree", p)
				}
			}
			if _, err := os.Lstat(filepath.Join(d, "x")); err == nil && name != "dotdot inside" {
				t.Errorf("x written inside through a link")
			}
		})
	}
}

// Absolute names are taken from the root of the tree, as docker and
// containerd take them; they never reach the host's own paths.
func TestApplyAbsoluteNames(t *testing.T) {
	parent := t.TempDir()
	d := filepath.Join(parent, "root")
	os.Mkdir(d, 0o755)
	os.WriteFile(filepath.Join(parent, "outside"), []byte("secret"), 0o644)
	err := Apply(d, layerTar(t, dir("/", 0o755, 0, 0), file("/x", "x", 0o644, 0, 0), hardlink("/h", "/x")), Options{Metadata: MetadataXattr})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"x", "h"} {
		if b, err := os.ReadFile(filepath.Join(d, p)); err != nil || string(b) != "x" {
			t.Errorf("%s: %q, %v", p, b, err)
		}
	}
	if err := Apply(d, layerTar(t, hardlink("h2", "/outside")), Options{Metadata: MetadataXattr}); err == nil {
		t.Errorf("a hard link to /outside found the host's file")
	}
	if _, err := os.Lstat(filepath.Join(d, "h2")); err == nil {
		t.Errorf("h2 made")
	}
}

func TestApplyReplaces(t *testing.T) {
	for _, m := range modes(t) {
		t.Run(m.String(), func(t *testing.T) {
			d := t.TempDir()
			lower := layerTar(t,
				symlink("x", "/target"),
				dir("d/", 0o755, 0, 0),
				file("d/child", "c", 0o644, 0, 0),
				file("f", "file", 0o644, 0, 0),
				dir("tmp/", 0o1777, 0, 0),
			)
			upper := layerTar(t,
				file("x", "new", 0o600, 5, 6),
				file("d", "now a file", 0o644, 0, 0),
				symlink("f", "x"),
			)
			for _, l := range []*bytes.Reader{lower, upper} {
				if err := Apply(d, l, Options{Metadata: m}); err != nil {
					t.Fatal(err)
				}
			}
			fs := view(t, d, m)
			// The file replaced the link; nothing was written through it.
			if st := lstat(t, fs, "x"); st.Mode != abi.S_IFREG|0o600 || st.Uid != 5 || st.Gid != 6 {
				t.Errorf("x: mode %o uid %d gid %d", st.Mode, st.Uid, st.Gid)
			}
			if _, e := fs.Lstat(fs.Root(), "target"); e != abi.ENOENT {
				t.Errorf("target: errno %d, want ENOENT", e)
			}
			if got := readFile(t, fs, "d"); got != "now a file" {
				t.Errorf("d = %q", got)
			}
			if st := lstat(t, fs, "f"); !st.IsSymlink() {
				t.Errorf("f: mode %o, want a link", st.Mode)
			}
			if st := lstat(t, fs, "tmp"); st.Mode != abi.S_IFDIR|0o1777 {
				t.Errorf("tmp: mode %o", st.Mode)
			}
		})
	}
}

func BenchmarkApply(b *testing.B) {
	t := b
	var ents []ent
	for i := range 50 {
		dn := "d" + strconv.Itoa(i) + "/"
		ents = append(ents, dir(dn, 0o755, 0, 0))
		for j := range 40 {
			ents = append(ents, file(dn+"sub/f"+strconv.Itoa(j), "content", 0o644, 1, 1))
		}
	}
	l := layerTar(t, ents...)
	for _, m := range []Metadata{MetadataXattr, MetadataAuto} {
		b.Run(m.String(), func(b *testing.B) {
			for range b.N {
				l.Seek(0, io.SeekStart)
				if err := Apply(b.TempDir(), l, Options{Metadata: m}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(ents)), "µs/entry")
		})
	}
}
