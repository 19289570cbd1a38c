package rootfs

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

func opsTree() tree {
	return tree{
		"file":          "hello",
		"exec":          "#!/bin/sh",
		"dir/sub/f":     "F",
		"dir/g":         "G",
		"empty/":        "",
		"link":          "->file",
		"dirlink":       "->dir",
		"dangling":      "->missing",
		"abslink":       "->/dir/g",
		"loop":          "->loop",
		"notdir/":       "",
		"notdir/x/y/z/": "",
	}
}

func TestOpenFlags(t *testing.T) {
	fs, root, _ := newTestFS(t, opsTree(), Options{})
	os.Chmod(filepath.Join(root, "exec"), 0o755)
	cases := []struct {
		name  string
		path  string
		flags int
		err   abi.Errno
	}{
		{"read", "file", abi.O_RDONLY, 0},
		{"read through link", "link", abi.O_RDONLY, 0},
		{"nofollow link", "link", abi.O_RDONLY | abi.O_NOFOLLOW, abi.ELOOP},
		{"nofollow path", "link", abi.O_PATH | abi.O_NOFOLLOW, 0},
		{"nofollow on a link in the middle", "dirlink/g", abi.O_RDONLY | abi.O_NOFOLLOW, 0},
		{"directory", "dir", abi.O_RDONLY | abi.O_DIRECTORY, 0},
		{"directory via link", "dirlink", abi.O_RDONLY | abi.O_DIRECTORY, 0},
		{"directory on file", "file", abi.O_RDONLY | abi.O_DIRECTORY, abi.ENOTDIR},
		{"trailing slash on file", "file/", abi.O_RDONLY, abi.ENOTDIR},
		{"trailing slash on dir", "dir/", abi.O_RDONLY, 0},
		{"write dir", "dir", abi.O_WRONLY, abi.EISDIR},
		{"rdwr dir", "dir", abi.O_RDWR, abi.EISDIR},
		{"missing", "nope", abi.O_RDONLY, abi.ENOENT},
		{"missing parent", "nope/x", abi.O_RDONLY, abi.ENOENT},
		{"dangling", "dangling", abi.O_RDONLY, abi.ENOENT},
		{"loop", "loop", abi.O_RDONLY, abi.ELOOP},
		{"loop nofollow", "loop", abi.O_RDONLY | abi.O_NOFOLLOW, abi.ELOOP},
		{"creat directory", "newdir", abi.O_CREAT | abi.O_DIRECTORY | abi.O_RDWR, abi.EINVAL},
		{"creat on dir", "dir", abi.O_CREAT | abi.O_RDONLY, abi.EISDIR},
		{"creat dot", "dir/.", abi.O_CREAT | abi.O_RDONLY, abi.EISDIR},
		{"creat slash", "new/", abi.O_CREAT | abi.O_WRONLY, abi.EISDIR},
		{"creat excl existing", "file", abi.O_CREAT | abi.O_EXCL | abi.O_WRONLY, abi.EEXIST},
		{"creat excl link", "dangling", abi.O_CREAT | abi.O_EXCL | abi.O_WRONLY, abi.EEXIST},
		{"creat nofollow link", "link", abi.O_CREAT | abi.O_NOFOLLOW | abi.O_WRONLY, abi.ELOOP},
		{"creat existing", "file", abi.O_CREAT | abi.O_RDONLY, 0},
		{"creat new", "new1", abi.O_CREAT | abi.O_WRONLY, 0},
		{"creat excl new", "new2", abi.O_CREAT | abi.O_EXCL | abi.O_RDWR, 0},
		{"creat via dangling", "dangling", abi.O_CREAT | abi.O_WRONLY, 0},
		{"creat missing parent", "nope/new", abi.O_CREAT | abi.O_WRONLY, abi.ENOENT},
		{"creat through file", "file/new", abi.O_CREAT | abi.O_WRONLY, abi.ENOTDIR},
		{"bad accmode", "file", 3, abi.EINVAL},
		{"path on dir", "dir", abi.O_PATH, 0},
		{"path ignores creat", "nope", abi.O_PATH | abi.O_CREAT, abi.ENOENT},
		{"tmpfile", "dir", abi.O_TMPFILE | abi.O_RDWR, 0},
		{"tmpfile rdonly", "dir", abi.O_TMPFILE | abi.O_RDONLY, abi.EINVAL},
		{"tmpfile on file", "file", abi.O_TMPFILE | abi.O_RDWR, abi.ENOTDIR},
	}
	for _, c := range cases {
		f, e := fs.Open(nil, c.path, c.flags, 0o644)
		if e != c.err {
			t.Errorf("%s: open(%q, %#x) errno %d, want %d", c.name, c.path, c.flags, e, c.err)
		}
		if e == 0 {
			f.Close()
		}
	}
	if _, err := os.Stat(filepath.Join(root, "missing")); err != nil {
		t.Errorf("O_CREAT through a dangling link did not create its target: %v", err)
	}
	// O_TRUNC and O_APPEND reach the host.
	f, e := fs.Open(nil, "file", abi.O_WRONLY|abi.O_TRUNC|abi.O_APPEND, 0)
	mustOK(t, e, "open trunc")
	unix.Write(f.Fd(), []byte("a"))
	unix.Write(f.Fd(), []byte("b"))
	f.Close()
	if b, _ := os.ReadFile(filepath.Join(root, "file")); string(b) != "ab" {
		t.Errorf("trunc+append: %q", b)
	}
	// Host descriptors are close-on-exec.
	f, e = fs.Open(nil, "file", abi.O_RDONLY, 0)
	mustOK(t, e, "open")
	fl, _ := unix.FcntlInt(uintptr(f.Fd()), unix.F_GETFD, 0)
	if fl&unix.FD_CLOEXEC == 0 {
		t.Error("host fd is not close-on-exec")
	}
	if f.Flags() != abi.O_RDONLY || f.IsDir() || f.Dir() != nil {
		t.Errorf("file accessors: %#x %v %v", f.Flags(), f.IsDir(), f.Dir())
	}
	f.Close()
}

// TestCreateModes: the mode asked for is the mode got, whatever the host
// umask; special bits included.
func TestCreateModes(t *testing.T) {
	old := unix.Umask(0o077)
	defer unix.Umask(old)
	fs, root, _ := newTestFS(t, opsTree(), Options{})
	for _, mode := range []uint32{0o777, 0o644, 0o4755, 0o2711, 0o1777, 0o000} {
		name := "f" + itoa(int(mode))
		f, e := fs.Open(nil, name, abi.O_CREAT|abi.O_WRONLY, mode)
		mustOK(t, e, "create")
		f.Close()
		st, _ := fs.Stat(nil, name)
		if st.Mode != sIFREG|mode {
			t.Errorf("create %o: mode %o", mode, st.Mode)
		}
		dn := "d" + itoa(int(mode))
		mustOK(t, fs.Mkdir(nil, dn, mode), "mkdir")
		st, _ = fs.Stat(nil, dn)
		if st.Mode != sIFDIR|mode {
			t.Errorf("mkdir %o: mode %o", mode, st.Mode)
		}
		var hs unix.Stat_t
		unix.Stat(filepath.Join(root, dn), &hs)
		if uint32(hs.Mode)&0o7777 != mode {
			t.Errorf("mkdir %o: host mode %o", mode, hs.Mode)
		}
	}
}

func TestStatFields(t *testing.T) {
	fs, root, _ := newTestFS(t, opsTree(), Options{})
	var hs unix.Stat_t
	unix.Stat(filepath.Join(root, "file"), &hs)
	st, e := fs.Stat(nil, "/file")
	mustOK(t, e, "stat")
	if st.Ino != hs.Ino || st.Size != 5 || st.Nlink != 1 || st.Mode != sIFREG|0o644 || st.Blksize <= 0 {
		t.Errorf("stat: %+v", st)
	}
	if st.Mtime.Sec != hs.Mtim.Sec || st.Mtime.Nsec != hs.Mtim.Nsec {
		t.Errorf("mtime %v, host %v", st.Mtime, hs.Mtim)
	}
	lst, e := fs.Lstat(nil, "/link")
	mustOK(t, e, "lstat")
	if lst.Mode&sIFMT != sIFLNK || lst.Size != 4 {
		t.Errorf("lstat link: %+v", lst)
	}
	fst, e := fs.StatAt(nil, "/link", true)
	if e != 0 || fst.Ino != st.Ino {
		t.Errorf("StatAt follow: %+v %d", fst, e)
	}
	d, e := fs.OpenDir(nil, "/dir")
	mustOK(t, e, "opendir")
	defer d.Close()
	gst, e := fs.Stat(d, "g")
	if e != 0 || gst.Size != 1 {
		t.Errorf("stat relative to a Dir: %+v %d", gst, e)
	}
	dst, e := fs.Stat(d, "")
	wantErrno(t, e, abi.ENOENT, "empty path")
	_ = dst
	f, e := fs.Open(d, "sub/f", abi.O_RDONLY, 0)
	mustOK(t, e, "open relative")
	fst2, e := f.Stat()
	if e != 0 || fst2.Size != 1 || fst2.Mode != sIFREG|0o644 {
		t.Errorf("fstat: %+v %d", fst2, e)
	}
	f.Close()
	for p, want := range map[string]abi.Errno{"/file/": abi.ENOTDIR, "/link/": abi.ENOTDIR, "/dirlink/": 0, "/dir/.": 0, "/dir/..": 0, "/file/.": abi.ENOTDIR} {
		_, e := fs.Stat(nil, p)
		wantErrno(t, e, want, "stat "+p)
	}
	// Lstat of a link with a trailing slash follows it (Linux).
	st2, e := fs.Lstat(nil, "/dirlink/")
	if e != 0 || !st2.IsDir() {
		t.Errorf("lstat dirlink/: %+v %d", st2, e)
	}
}

func TestMkdirMknod(t *testing.T) {
	fs, root, _ := newTestFS(t, opsTree(), Options{})
	cases := []struct {
		name string
		op   func() abi.Errno
		want abi.Errno
	}{
		{"mkdir", func() abi.Errno { return fs.Mkdir(nil, "/newdir", 0o750) }, 0},
		{"mkdir trailing slash", func() abi.Errno { return fs.Mkdir(nil, "/newdir2/", 0o750) }, 0},
		{"mkdir exists", func() abi.Errno { return fs.Mkdir(nil, "/dir", 0o755) }, abi.EEXIST},
		{"mkdir over file", func() abi.Errno { return fs.Mkdir(nil, "/file", 0o755) }, abi.EEXIST},
		{"mkdir over dangling link", func() abi.Errno { return fs.Mkdir(nil, "/dangling", 0o755) }, abi.EEXIST},
		{"mkdir dot", func() abi.Errno { return fs.Mkdir(nil, "/dir/.", 0o755) }, abi.EEXIST},
		{"mkdir dotdot", func() abi.Errno { return fs.Mkdir(nil, "/dir/..", 0o755) }, abi.EEXIST},
		{"mkdir root", func() abi.Errno { return fs.Mkdir(nil, "/", 0o755) }, abi.EEXIST},
		{"mkdir missing parent", func() abi.Errno { return fs.Mkdir(nil, "/nope/x", 0o755) }, abi.ENOENT},
		{"mkdir under file", func() abi.Errno { return fs.Mkdir(nil, "/file/x", 0o755) }, abi.ENOTDIR},
		{"mkdir via dirlink", func() abi.Errno { return fs.Mkdir(nil, "/dirlink/viadl", 0o755) }, 0},
		{"mknod fifo", func() abi.Errno { return fs.Mknod(nil, "/fifo", sIFIFO|0o640, 0) }, 0},
		{"mknod reg", func() abi.Errno { return fs.Mknod(nil, "/reg", 0o600, 0) }, 0},
		{"mknod reg explicit", func() abi.Errno { return fs.Mknod(nil, "/reg2", sIFREG|0o600, 0) }, 0},
		{"mknod chr", func() abi.Errno { return fs.Mknod(nil, "/null", sIFCHR|0o666, 0x103) }, 0},
		{"mknod blk", func() abi.Errno { return fs.Mknod(nil, "/blk", sIFBLK|0o660, 0x801) }, 0},
		{"mknod sock", func() abi.Errno { return fs.Mknod(nil, "/sock", sIFSOCK|0o755, 0) }, 0},
		{"mknod dir", func() abi.Errno { return fs.Mknod(nil, "/d", sIFDIR|0o755, 0) }, abi.EPERM},
		{"mknod bad type", func() abi.Errno { return fs.Mknod(nil, "/bad", 0o170000, 0) }, abi.EINVAL},
		{"mknod exists", func() abi.Errno { return fs.Mknod(nil, "/file", sIFIFO|0o644, 0) }, abi.EEXIST},
	}
	for _, c := range cases {
		if got := c.op(); got != c.want {
			t.Errorf("%s: errno %d, want %d", c.name, got, c.want)
		}
	}
	for p, want := range map[string]uint32{"/newdir": sIFDIR | 0o750, "/fifo": sIFIFO | 0o640, "/reg": sIFREG | 0o600,
		"/null": sIFCHR | 0o666, "/blk": sIFBLK | 0o660, "/sock": sIFSOCK | 0o755, "/dir/viadl": sIFDIR | 0o755} {
		st, e := fs.Lstat(nil, p)
		if e != 0 || st.Mode != want {
			t.Errorf("%s: mode %o, %d; want %o", p, st.Mode, e, want)
		}
	}
	st, _ := fs.Lstat(nil, "/null")
	if st.Rdev != 0x103 {
		t.Errorf("rdev %#x", st.Rdev)
	}
	// Opening: FIFOs work (non-blocking), sockets are ENXIO, only allowed
	// devices open.
	f, e := fs.Open(nil, "/fifo", abi.O_RDONLY|abi.O_NONBLOCK, 0)
	mustOK(t, e, "open fifo")
	f.Close()
	_, e = fs.Open(nil, "/sock", abi.O_RDONLY, 0)
	wantErrno(t, e, abi.ENXIO, "open socket")
	f, e = fs.Open(nil, "/null", abi.O_WRONLY, 0)
	mustOK(t, e, "open null")
	if n, err := unix.Write(f.Fd(), []byte("x")); n != 1 || err != nil {
		t.Errorf("write /null: %d %v", n, err)
	}
	f.Close()
	_, e = fs.Open(nil, "/blk", abi.O_RDONLY, 0)
	wantErrno(t, e, abi.EPERM, "open a host block device")
	var hs unix.Stat_t
	unix.Lstat(filepath.Join(root, "blk"), &hs)
	if hs.Mode&unix.S_IFMT != unix.S_IFBLK {
		t.Errorf("host mode mknod blk: host type %o", hs.Mode)
	}
}

func TestRemove(t *testing.T) {
	fs, _, _ := newTestFS(t, opsTree(), Options{})
	cases := []struct {
		name string
		op   func() abi.Errno
		want abi.Errno
	}{
		{"unlink dir", func() abi.Errno { return fs.Unlink(nil, "/dir") }, abi.EISDIR},
		{"unlink missing", func() abi.Errno { return fs.Unlink(nil, "/nope") }, abi.ENOENT},
		{"unlink file slash", func() abi.Errno { return fs.Unlink(nil, "/file/") }, abi.ENOTDIR},
		{"unlink dir slash", func() abi.Errno { return fs.Unlink(nil, "/empty/") }, abi.EISDIR},
		{"unlink dot", func() abi.Errno { return fs.Unlink(nil, "/dir/.") }, abi.EISDIR},
		{"unlink root", func() abi.Errno { return fs.Unlink(nil, "/") }, abi.EISDIR},
		{"unlink link (not target)", func() abi.Errno { return fs.Unlink(nil, "/link") }, 0},
		{"unlink dangling", func() abi.Errno { return fs.Unlink(nil, "/dangling") }, 0},
		{"unlink via dirlink", func() abi.Errno { return fs.Unlink(nil, "/dirlink/g") }, 0},
		{"rmdir nonempty", func() abi.Errno { return fs.Rmdir(nil, "/dir") }, abi.ENOTEMPTY},
		{"rmdir file", func() abi.Errno { return fs.Rmdir(nil, "/file") }, abi.ENOTDIR},
		{"rmdir dot", func() abi.Errno { return fs.Rmdir(nil, "/empty/.") }, abi.EINVAL},
		{"rmdir dotdot", func() abi.Errno { return fs.Rmdir(nil, "/empty/..") }, abi.ENOTEMPTY},
		{"rmdir root", func() abi.Errno { return fs.Rmdir(nil, "/") }, abi.EBUSY},
		{"rmdir link to dir", func() abi.Errno { return fs.Rmdir(nil, "/dirlink") }, abi.ENOTDIR},
		{"rmdir missing", func() abi.Errno { return fs.Rmdir(nil, "/nope") }, abi.ENOENT},
		{"rmdir", func() abi.Errno { return fs.Rmdir(nil, "/empty/") }, 0},
	}
	for _, c := range cases {
		if got := c.op(); got != c.want {
			t.Errorf("%s: errno %d, want %d", c.name, got, c.want)
		}
	}
	if _, e := fs.Stat(nil, "/file"); e != 0 {
		t.Error("unlinking a link removed its target")
	}
}

func TestRename(t *testing.T) {
	fs, _, _ := newTestFS(t, opsTree(), Options{})
	mustOK(t, fs.Mkdir(nil, "/full", 0o755), "mkdir")
	mustOK(t, fs.Mkdir(nil, "/full/x", 0o755), "mkdir")
	cases := []struct {
		name string
		op   func() abi.Errno
		want abi.Errno
	}{
		{"bad flags", func() abi.Errno { return fs.Rename(nil, "/file", nil, "/f2", 8) }, abi.EINVAL},
		{"exchange+noreplace", func() abi.Errno {
			return fs.Rename(nil, "/file", nil, "/exec", RENAME_EXCHANGE|RENAME_NOREPLACE)
		}, abi.EINVAL},
		{"whiteout", func() abi.Errno { return fs.Rename(nil, "/file", nil, "/f2", RENAME_WHITEOUT) }, abi.EINVAL},
		{"noreplace existing", func() abi.Errno { return fs.Rename(nil, "/file", nil, "/exec", RENAME_NOREPLACE) }, abi.EEXIST},
		{"exchange missing", func() abi.Errno { return fs.Rename(nil, "/file", nil, "/nope", RENAME_EXCHANGE) }, abi.ENOENT},
		{"dot", func() abi.Errno { return fs.Rename(nil, "/dir/.", nil, "/x", 0) }, abi.EBUSY},
		{"onto dot", func() abi.Errno { return fs.Rename(nil, "/file", nil, "/dir/.", 0) }, abi.EBUSY},
		{"onto dotdot noreplace", func() abi.Errno { return fs.Rename(nil, "/file", nil, "/dir/..", RENAME_NOREPLACE) }, abi.EEXIST},
		{"into own subdir", func() abi.Errno { return fs.Rename(nil, "/dir", nil, "/dir/sub/dir", 0) }, abi.EINVAL},
		{"file over dir", func() abi.Errno { return fs.Rename(nil, "/file", nil, "/empty", 0) }, abi.EISDIR},
		{"dir over file", func() abi.Errno { return fs.Rename(nil, "/empty", nil, "/file", 0) }, abi.ENOTDIR},
		{"dir over nonempty", func() abi.Errno { return fs.Rename(nil, "/empty", nil, "/full", 0) }, abi.ENOTEMPTY},
		{"file with slash", func() abi.Errno { return fs.Rename(nil, "/file/", nil, "/f3", 0) }, abi.ENOTDIR},
		{"missing", func() abi.Errno { return fs.Rename(nil, "/nope", nil, "/f3", 0) }, abi.ENOENT},
		{"link itself", func() abi.Errno { return fs.Rename(nil, "/link", nil, "/link2", 0) }, 0},
		{"exchange", func() abi.Errno { return fs.Rename(nil, "/file", nil, "/exec", RENAME_EXCHANGE) }, 0},
		{"plain", func() abi.Errno { return fs.Rename(nil, "/exec", nil, "/dir/moved", 0) }, 0},
		{"noreplace new", func() abi.Errno { return fs.Rename(nil, "/dir/moved", nil, "/back", RENAME_NOREPLACE) }, 0},
		{"dir with slashes", func() abi.Errno { return fs.Rename(nil, "/empty/", nil, "/empty2/", 0) }, 0},
	}
	for _, c := range cases {
		if got := c.op(); got != c.want {
			t.Errorf("%s: errno %d, want %d", c.name, got, c.want)
		}
	}
	if got, _ := readGuest(t, fs, nil, "/back"); got != "hello" {
		t.Errorf("after exchange and moves: /back = %q", got)
	}
	if got, _ := fs.Readlink(nil, "/link2"); got != "file" {
		t.Errorf("renamed link target %q", got)
	}
	// Relative to two different Dirs.
	d1, _ := fs.OpenDir(nil, "/dir")
	d2, _ := fs.OpenDir(nil, "/empty2")
	defer d1.Close()
	defer d2.Close()
	mustOK(t, fs.Rename(d1, "g", d2, "g", 0), "rename between Dirs")
	if got, _ := readGuest(t, fs, nil, "/empty2/g"); got != "G" {
		t.Errorf("rename between Dirs: %q", got)
	}
}

func TestLinkSymlinkReadlink(t *testing.T) {
	fs, _, _ := newTestFS(t, opsTree(), Options{})
	cases := []struct {
		name string
		op   func() abi.Errno
		want abi.Errno
	}{
		{"link", func() abi.Errno { return fs.Link(nil, "/file", nil, "/hard", false) }, 0},
		{"link dir", func() abi.Errno { return fs.Link(nil, "/dir", nil, "/hd", false) }, abi.EPERM},
		{"link existing", func() abi.Errno { return fs.Link(nil, "/file", nil, "/exec", false) }, abi.EEXIST},
		{"link missing", func() abi.Errno { return fs.Link(nil, "/nope", nil, "/h2", false) }, abi.ENOENT},
		{"link to dot", func() abi.Errno { return fs.Link(nil, "/file", nil, "/dir/.", false) }, abi.EEXIST},
		{"link link nofollow", func() abi.Errno { return fs.Link(nil, "/link", nil, "/hardlink-nf", false) }, 0},
		{"link link follow", func() abi.Errno { return fs.Link(nil, "/link", nil, "/hardlink-f", true) }, 0},
		{"link dangling follow", func() abi.Errno { return fs.Link(nil, "/dangling", nil, "/h3", true) }, abi.ENOENT},
		{"symlink", func() abi.Errno { return fs.Symlink("../x/y", nil, "/sl") }, 0},
		{"symlink empty", func() abi.Errno { return fs.Symlink("", nil, "/sl2") }, abi.ENOENT},
		{"symlink nul", func() abi.Errno { return fs.Symlink("a\x00b", nil, "/sl2") }, abi.EINVAL},
		{"symlink exists", func() abi.Errno { return fs.Symlink("x", nil, "/file") }, abi.EEXIST},
		{"symlink over dangling", func() abi.Errno { return fs.Symlink("x", nil, "/dangling") }, abi.EEXIST},
		{"symlink missing parent", func() abi.Errno { return fs.Symlink("x", nil, "/nope/sl") }, abi.ENOENT},
	}
	for _, c := range cases {
		if got := c.op(); got != c.want {
			t.Errorf("%s: errno %d, want %d", c.name, got, c.want)
		}
	}
	st, _ := fs.Stat(nil, "/file")
	if st.Nlink != 3 {
		t.Errorf("nlink %d, want 3 (file, hard, hardlink-f)", st.Nlink)
	}
	if lst, _ := fs.Lstat(nil, "/hardlink-nf"); lst.Mode&sIFMT != sIFLNK {
		t.Errorf("link of a link without follow: %o", lst.Mode)
	}
	for p, want := range map[string]string{"/sl": "../x/y", "/link": "file", "/abslink": "/dir/g", "/dirlink": "dir"} {
		got, e := fs.Readlink(nil, p)
		if e != 0 || got != want {
			t.Errorf("readlink %s = %q %d", p, got, e)
		}
	}
	for p, want := range map[string]abi.Errno{"/file": abi.EINVAL, "/dir": abi.EINVAL, "/nope": abi.ENOENT, "/dirlink/": abi.EINVAL} {
		_, e := fs.Readlink(nil, p)
		wantErrno(t, e, want, "readlink "+p)
	}
}

func TestChmodChownUtimesTruncate(t *testing.T) {
	fs, root, _ := newTestFS(t, opsTree(), Options{})
	mustOK(t, fs.Mknod(nil, "/fifo", sIFIFO|0o644, 0), "mkfifo")
	cases := []struct {
		name string
		op   func() abi.Errno
		want abi.Errno
	}{
		{"chmod", func() abi.Errno { return fs.Chmod(nil, "/file", 0o4751, true) }, 0},
		{"chmod via link", func() abi.Errno { return fs.Chmod(nil, "/dirlink", 0o700, true) }, 0},
		{"chmod link nofollow", func() abi.Errno { return fs.Chmod(nil, "/link", 0o700, false) }, eOPNOTSUPP},
		{"chmod missing", func() abi.Errno { return fs.Chmod(nil, "/nope", 0o700, true) }, abi.ENOENT},
		{"chown", func() abi.Errno { return fs.Chown(nil, "/file", 1000, 1001, true) }, 0},
		{"chown gid only", func() abi.Errno { return fs.Chown(nil, "/exec", -1, 7, true) }, 0},
		{"lchown", func() abi.Errno { return fs.Chown(nil, "/link", 55, 56, false) }, 0},
		{"truncate", func() abi.Errno { return fs.Truncate(nil, "/link", 2) }, 0},
		{"truncate grow", func() abi.Errno { return fs.Truncate(nil, "/exec", 100) }, 0},
		{"truncate dir", func() abi.Errno { return fs.Truncate(nil, "/dir", 0) }, abi.EISDIR},
		{"truncate fifo", func() abi.Errno { return fs.Truncate(nil, "/fifo", 0) }, abi.EINVAL},
		{"truncate negative", func() abi.Errno { return fs.Truncate(nil, "/file", -1) }, abi.EINVAL},
		{"truncate missing", func() abi.Errno { return fs.Truncate(nil, "/nope", 0) }, abi.ENOENT},
		{"utimes", func() abi.Errno {
			return fs.Utimes(nil, "/file", &[2]Timespec{{100, 5}, {200, 6}}, true)
		}, 0},
		{"utimes omit", func() abi.Errno {
			return fs.Utimes(nil, "/file", &[2]Timespec{{0, UTIME_OMIT}, {300, 7}}, true)
		}, 0},
		{"utimes both omit", func() abi.Errno {
			return fs.Utimes(nil, "/file", &[2]Timespec{{0, UTIME_OMIT}, {0, UTIME_OMIT}}, true)
		}, 0},
		{"utimes bad nsec", func() abi.Errno {
			return fs.Utimes(nil, "/file", &[2]Timespec{{0, 1e9}, {0, 0}}, true)
		}, abi.EINVAL},
		{"utimes link nofollow", func() abi.Errno {
			return fs.Utimes(nil, "/abslink", &[2]Timespec{{400, 0}, {500, 0}}, false)
		}, 0},
		{"utimes now", func() abi.Errno { return fs.Utimes(nil, "/dir", nil, true) }, 0},
		{"utimes UTIME_NOW", func() abi.Errno {
			return fs.Utimes(nil, "/empty", &[2]Timespec{{5, UTIME_NOW}, {0, UTIME_OMIT}}, true)
		}, 0},
	}
	for _, c := range cases {
		if got := c.op(); got != c.want {
			t.Errorf("%s: errno %d, want %d", c.name, got, c.want)
		}
	}
	st, _ := fs.Stat(nil, "/file")
	if st.Mode != sIFREG|0o4751&^0o4000 && st.Mode != sIFREG|0o4751 {
		t.Errorf("chmod: %o", st.Mode)
	}
	if st.Uid != 1000 || st.Gid != 1001 {
		t.Errorf("chown: %d %d", st.Uid, st.Gid)
	}
	if st.Atime != (Timespec{100, 5}) || st.Mtime != (Timespec{300, 7}) {
		t.Errorf("utimes: %v %v", st.Atime, st.Mtime)
	}
	if st.Size != 2 {
		t.Errorf("truncate through link: size %d", st.Size)
	}
	if ex, _ := fs.Stat(nil, "/exec"); ex.Gid != 7 || ex.Uid != 0 || ex.Size != 100 {
		t.Errorf("exec: %+v", ex)
	}
	if d, _ := fs.Stat(nil, "/dir"); d.Mode != sIFDIR|0o700 || time.Since(time.Unix(d.Mtime.Sec, 0)) > time.Minute {
		t.Errorf("dir: %o %v", d.Mode, d.Mtime)
	}
	if em, _ := fs.Stat(nil, "/empty"); time.Since(time.Unix(em.Atime.Sec, 0)) > time.Minute || em.Atime.Sec == 5 {
		t.Errorf("UTIME_NOW: atime %v", em.Atime)
	}
	l, _ := fs.Lstat(nil, "/link")
	if l.Uid != 55 || l.Gid != 56 {
		t.Errorf("lchown: %d %d", l.Uid, l.Gid)
	}
	al, _ := fs.Lstat(nil, "/abslink")
	if al.Mtime.Sec != 500 {
		t.Errorf("lutimes: %v", al.Mtime)
	}
	var hs unix.Stat_t
	unix.Lstat(filepath.Join(root, "file"), &hs)
	if hs.Uid != 1000 {
		t.Errorf("host mode chown did not reach the host: %d", hs.Uid)
	}
}

func TestFileOps(t *testing.T) {
	fs, _, _ := newTestFS(t, opsTree(), Options{})
	f, e := fs.Open(nil, "/file", abi.O_RDWR, 0)
	mustOK(t, e, "open")
	defer f.Close()
	mustOK(t, f.Chmod(0o600), "fchmod")
	mustOK(t, f.Chown(3, 4), "fchown")
	mustOK(t, f.Truncate(1), "ftruncate")
	mustOK(t, f.Utimes(&[2]Timespec{{10, 0}, {20, 0}}), "futimens")
	mustOK(t, f.Setxattr("user.k", []byte("v"), 0), "fsetxattr")
	v, e := f.Getxattr("user.k")
	if e != 0 || string(v) != "v" {
		t.Errorf("fgetxattr: %q %d", v, e)
	}
	names, e := f.Listxattr()
	if e != 0 || !contains(names, "user.k") {
		t.Errorf("flistxattr: %v %d", names, e)
	}
	mustOK(t, f.Removexattr("user.k"), "fremovexattr")
	st, e := f.Stat()
	mustOK(t, e, "fstat")
	if st.Mode != sIFREG|0o600 || st.Uid != 3 || st.Gid != 4 || st.Mtime.Sec != 20 || st.Size != 1 {
		t.Errorf("after f-ops: %+v", st)
	}
	if _, e := f.Statfs(); e != 0 {
		t.Errorf("fstatfs: %d", e)
	}
	if f.Path(fs) != "/file" {
		t.Errorf("Path %q", f.Path(fs))
	}
	// O_PATH files take the f-ops too.
	pf, e := fs.Open(nil, "/exec", abi.O_PATH, 0)
	mustOK(t, e, "open O_PATH")
	defer pf.Close()
	mustOK(t, pf.Chmod(0o711), "fchmod O_PATH")
	mustOK(t, pf.Chown(9, 9), "fchown O_PATH")
	mustOK(t, pf.Utimes(&[2]Timespec{{1, 0}, {2, 0}}), "futimens O_PATH")
	mustOK(t, pf.Setxattr("user.p", []byte("q"), 0), "fsetxattr O_PATH")
	st, _ = pf.Stat()
	if st.Mode != sIFREG|0o711 || st.Uid != 9 || st.Mtime.Sec != 2 {
		t.Errorf("O_PATH f-ops: %+v", st)
	}
	// A directory File gives a Dir for openat.
	df, e := fs.Open(nil, "/dir", abi.O_RDONLY|abi.O_DIRECTORY, 0)
	mustOK(t, e, "open dir")
	defer df.Close()
	if !df.IsDir() || df.Dir() == nil {
		t.Fatal("directory File has no Dir")
	}
	got, e := readGuest(t, fs, df.Dir(), "sub/f")
	if e != 0 || got != "F" {
		t.Errorf("openat via File.Dir: %q %d", got, e)
	}
	wantErrno(t, df.Truncate(0), abi.EISDIR, "ftruncate dir")
	// O_TMPFILE, then linked in (the way sysemu would via linkat of the fd
	// is not ours; the file works as a file).
	tf, e := fs.Open(nil, "/dir", abi.O_TMPFILE|abi.O_RDWR, 0o600)
	mustOK(t, e, "O_TMPFILE")
	unix.Write(tf.Fd(), []byte("tmp"))
	st, _ = tf.Stat()
	if st.Size != 3 || st.Nlink != 0 || st.Mode != sIFREG|0o600 {
		t.Errorf("tmpfile: %+v", st)
	}
	tf.Close()
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func TestAccess(t *testing.T) {
	fs, root, _ := newTestFS(t, opsTree(), Options{})
	os.Chmod(filepath.Join(root, "exec"), 0o100)
	os.Chmod(filepath.Join(root, "file"), 0o000)
	cases := []struct {
		path   string
		mode   uint32
		follow bool
		want   abi.Errno
	}{
		{"/file", F_OK, true, 0},
		{"/file", R_OK | W_OK, true, 0},
		{"/file", X_OK, true, abi.EACCES},
		{"/exec", X_OK, true, 0},
		{"/exec", R_OK | X_OK, true, 0},
		{"/dir", X_OK, true, 0},
		{"/dir", R_OK | W_OK | X_OK, true, 0},
		{"/nope", F_OK, true, abi.ENOENT},
		{"/dangling", F_OK, true, abi.ENOENT},
		{"/dangling", F_OK, false, 0},
		{"/link", X_OK, true, abi.EACCES},
		{"/file", 8, true, abi.EINVAL},
	}
	for _, c := range cases {
		got := fs.Access(nil, c.path, c.mode, c.follow)
		if got != c.want {
			t.Errorf("access(%s, %d, %v) = %d, want %d", c.path, c.mode, c.follow, got, c.want)
		}
	}
}

func TestXattrs(t *testing.T) {
	for _, mode := range []MetadataMode{MetadataHost, MetadataXattr} {
		t.Run(mode.String(), func(t *testing.T) {
			fs, root, _ := newTestFS(t, opsTree(), Options{Metadata: mode})
			cases := []struct {
				name string
				op   func() abi.Errno
				want abi.Errno
			}{
				{"set", func() abi.Errno { return fs.Setxattr(nil, "/file", "user.a", []byte("1"), 0, true) }, 0},
				{"set via link", func() abi.Errno { return fs.Setxattr(nil, "/link", "user.b", []byte("22"), 0, true) }, 0},
				{"create existing", func() abi.Errno {
					return fs.Setxattr(nil, "/file", "user.a", []byte("x"), XATTR_CREATE, true)
				}, abi.EEXIST},
				{"replace missing", func() abi.Errno {
					return fs.Setxattr(nil, "/file", "user.zz", []byte("x"), XATTR_REPLACE, true)
				}, abi.ENODATA},
				{"bad flags", func() abi.Errno { return fs.Setxattr(nil, "/file", "user.a", nil, 4, true) }, abi.EINVAL},
				{"ours", func() abi.Errno { return fs.Setxattr(nil, "/file", "user.carrick.uid", []byte("0"), 0, true) }, abi.EPERM},
				{"unknown namespace", func() abi.Errno { return fs.Setxattr(nil, "/file", "foo.bar", nil, 0, true) }, eOPNOTSUPP},
				{"empty name", func() abi.Errno { return fs.Setxattr(nil, "/file", "", nil, 0, true) }, abi.ERANGE},
				{"long name", func() abi.Errno {
					return fs.Setxattr(nil, "/file", "user."+strings.Repeat("n", 251), nil, 0, true)
				}, abi.ERANGE},
				{"too big", func() abi.Errno {
					return fs.Setxattr(nil, "/file", "user.big", make([]byte, 65537), 0, true)
				}, abi.E2BIG},
				{"trusted", func() abi.Errno { return fs.Setxattr(nil, "/dir", "trusted.t", []byte("T"), 0, true) }, 0},
				{"user on link nofollow", func() abi.Errno {
					return fs.Setxattr(nil, "/link", "user.l", []byte("x"), 0, false)
				}, abi.EPERM},
				{"remove", func() abi.Errno { return fs.Removexattr(nil, "/file", "user.b", true) }, 0},
				{"remove missing", func() abi.Errno { return fs.Removexattr(nil, "/file", "user.b", true) }, abi.ENODATA},
				{"remove ours", func() abi.Errno { return fs.Removexattr(nil, "/file", "user.carrick.mode", true) }, abi.ENODATA},
			}
			for _, c := range cases {
				if got := c.op(); got != c.want {
					t.Errorf("%s: errno %d, want %d", c.name, got, c.want)
				}
			}
			v, e := fs.Getxattr(nil, "/file", "user.a", true)
			if e != 0 || string(v) != "1" {
				t.Errorf("get user.a: %q %d", v, e)
			}
			big := strings.Repeat("v", 3000)
			mustOK(t, fs.Setxattr(nil, "/file", "user.big", []byte(big), 0, true), "set big")
			v, e = fs.Getxattr(nil, "/file", "user.big", true)
			if e != 0 || string(v) != big {
				t.Errorf("get big: %d bytes, %d", len(v), e)
			}
			v, e = fs.Getxattr(nil, "/dir", "trusted.t", true)
			if e != 0 || string(v) != "T" {
				t.Errorf("get trusted.t: %q %d", v, e)
			}
			_, e = fs.Getxattr(nil, "/file", "user.missing", true)
			wantErrno(t, e, abi.ENODATA, "get missing")
			// Our own attributes are invisible even when present.
			if err := unix.Setxattr(filepath.Join(root, "file"), "user.carrick.uid", []byte("5"), 0); err != nil {
				t.Fatal(err)
			}
			_, e = fs.Getxattr(nil, "/file", "user.carrick.uid", true)
			wantErrno(t, e, abi.ENODATA, "get ours")
			names, e := fs.Listxattr(nil, "/file", true)
			mustOK(t, e, "list")
			sort.Strings(names)
			if strings.Join(names, " ") != "user.a user.big" {
				t.Errorf("list /file: %v", names)
			}
			names, _ = fs.Listxattr(nil, "/dir", true)
			if !contains(names, "trusted.t") {
				t.Errorf("list /dir: %v", names)
			}
			hn := "trusted.t"
			if mode == MetadataXattr {
				hn = "user.carrick.x.trusted.t"
			}
			if _, err := unix.Getxattr(filepath.Join(root, "dir"), hn, make([]byte, 8)); err != nil {
				t.Errorf("host attribute %s: %v", hn, err)
			}
			names, e = fs.Listxattr(nil, "/link", false)
			if e != 0 || len(names) != 0 {
				t.Errorf("llistxattr link: %v %d", names, e)
			}
		})
	}
}

func TestStatfs(t *testing.T) {
	fs, _, _ := newTestFS(t, opsTree(), Options{})
	s, e := fs.Statfs(nil, "/dir/sub/f")
	mustOK(t, e, "statfs")
	if s.Bsize <= 0 || s.Blocks == 0 || s.Namelen != 255 || s.Flags&ST_RDONLY != 0 {
		t.Errorf("statfs: %+v", s)
	}
	_, e = fs.Statfs(nil, "/nope")
	wantErrno(t, e, abi.ENOENT, "statfs missing")
}

func TestChrootAndGetcwd(t *testing.T) {
	fs, _, _ := newTestFS(t, opsTree(), Options{})
	jail, e := fs.OpenDir(nil, "/dir")
	mustOK(t, e, "opendir")
	defer jail.Close()
	outsideCwd, e := fs.OpenDir(nil, "/notdir/x")
	mustOK(t, e, "opendir")
	defer outsideCwd.Close()
	v, e := fs.Chroot(jail)
	mustOK(t, e, "chroot")
	defer v.Close()
	for p, want := range map[string]string{"/g": "G", "/sub/f": "G", "../../g": "G", "/../../../sub/f": "F"} {
		if want == "G" && p == "/sub/f" {
			want = "F"
		}
		got, e := readGuest(t, v, nil, p)
		if e != 0 || got != want {
			t.Errorf("chroot read %s: %q %d", p, got, e)
		}
	}
	_, e = readGuest(t, v, nil, "/file")
	wantErrno(t, e, abi.ENOENT, "file outside the chroot")
	if got, _ := v.Realpath(nil, "/sub/.."); got != "/" {
		t.Errorf("chroot realpath: %q", got)
	}
	if got := v.Getcwd(outsideCwd); got != "(unreachable)/notdir/x" {
		t.Errorf("getcwd outside the chroot: %q", got)
	}
	// A cwd outside the jail: ".." from it stays at the jail's root.
	got, e := readGuest(t, v, outsideCwd, "../../../g")
	if e != 0 || got != "G" {
		t.Errorf(`".." from outside a chroot: %q %d`, got, e)
	}
	sub, e := v.OpenDir(nil, "/sub")
	mustOK(t, e, "opendir in chroot")
	defer sub.Close()
	if got := v.Getcwd(sub); got != "/sub" {
		t.Errorf("getcwd in chroot: %q", got)
	}
	if got := fs.Getcwd(sub); got != "/dir/sub" {
		t.Errorf("getcwd of the same dir outside the chroot: %q", got)
	}
	if v.Root().Fd() < 0 || fs.Root().Fd() < 0 {
		t.Error("Root handles")
	}
}

func TestParent(t *testing.T) {
	fs, root, _ := newTestFS(t, opsTree(), Options{})
	cases := []struct {
		path   string
		follow bool
		dir    string // host path of the returned directory, relative to root
		name   string
		err    abi.Errno
	}{
		{"/new", false, "", "new", 0},
		{"/dir/sub/new", false, "dir/sub", "new", 0},
		{"dirlink/x", false, "dir", "x", 0},
		{"/dangling", false, "", "dangling", 0},
		{"/dangling", true, "", "missing", 0},
		{"/abslink", true, "dir", "g", 0},
		{"/file", false, "", "file", 0},
		{"/dir/.", false, "", "", abi.EEXIST},
		{"/", false, "", "", abi.EEXIST},
		{"/nope/x", false, "", "", abi.ENOENT},
		{"/file/x", false, "", "", abi.ENOTDIR},
		{"/loop", true, "", "", abi.ELOOP},
	}
	for _, c := range cases {
		d, name, e := fs.Parent(nil, c.path, c.follow)
		if e != c.err {
			t.Errorf("Parent(%q, %v): errno %d, want %d", c.path, c.follow, e, c.err)
			continue
		}
		if e != 0 {
			continue
		}
		hp, err := d.HostPath()
		d.Close()
		if err != nil || hp != filepath.Join(root, c.dir) || name != c.name {
			t.Errorf("Parent(%q, %v) = %q %q (%v), want %q %q", c.path, c.follow, hp, name, err, filepath.Join(root, c.dir), c.name)
		}
	}
}
