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

// mountFixture: a root with bind mounts of every kind and a synthetic /proc.
type mountFixture struct {
	fs                          *FS
	base, root, vol, ro, nested string
	proc                        *memSynth
}

func newMountFixture(t *testing.T, opts Options) *mountFixture {
	t.Helper()
	base := t.TempDir()
	m := &mountFixture{base: base, root: filepath.Join(base, "root"), vol: filepath.Join(base, "vol"),
		ro: filepath.Join(base, "rovol"), nested: filepath.Join(base, "nested")}
	mkTree(t, m.root, tree{
		"etc/passwd":  "GUESTPASSWD",
		"etc/hosts":   "IMAGEHOSTS",
		"data/":       "",
		"opt/":        "",
		"optlink":     "->/opt",
		"rootfile":    "ROOTFILE",
		"proc/":       "",
		"to-vol-file": "->/data/file",
	})
	mkTree(t, m.vol, tree{
		"file":       "VOLFILE",
		"subdir/f":   "VOLSUB",
		"up":         "->../../../../etc/passwd",
		"abs":        "->/etc/passwd",
		"updir":      "->..",
		"sub/":       "",
		"mk/":        "",
		"rootfile":   "->../rootfile",
		"escape-dir": "->../../../../..",
	})
	mkTree(t, m.ro, tree{"file": "ROFILE", "dir/x": "X", "link": "->file", "emptydir/": ""})
	mkTree(t, m.nested, tree{"inner": "NESTED"})
	mkTree(t, base, tree{"hostsfile": "BOUNDHOSTS", "rwfile": "RWFILE", "secret": "SECRET"})
	m.proc = newMemSynth(tree{
		"version":       "Linux version 6.1.0-carrick",
		"self":          "->42",
		"42/cwd":        "->/data",
		"42/root":       "->/",
		"42/status":     "Name:\ttest",
		"sys/kernel/":   "",
		"sys/kernel/hn": "carrick",
		"esc":           "->../../../../secret",
	})
	opts.Mounts = []Mount{
		{Guest: "/data", Host: m.vol},
		{Guest: "/ro", Host: m.ro, ReadOnly: true},
		{Guest: "/etc/hosts", Host: filepath.Join(base, "hostsfile"), ReadOnly: true},
		{Guest: "/rwfile", Host: filepath.Join(base, "rwfile")},
		{Guest: "/data/sub", Host: m.nested, ReadOnly: true},
		{Guest: "/new/deep/mnt", Host: m.nested},
		{Guest: "/optlink/m", Host: m.nested},
		{Guest: "/proc", Synthetic: m.proc},
	}
	fs, err := New(m.root, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	m.fs = fs
	return m
}

func TestMountReads(t *testing.T) {
	m := newMountFixture(t, Options{})
	fs := m.fs
	cases := []struct{ path, want string }{
		{"/data/file", "VOLFILE"},
		{"/data/subdir/f", "VOLSUB"},
		{"/data/../etc/passwd", "GUESTPASSWD"},
		{"/data/subdir/../../etc/passwd", "GUESTPASSWD"},
		{"/data/up", "GUESTPASSWD"},
		{"/data/abs", "GUESTPASSWD"},
		{"/data/updir/etc/passwd", "GUESTPASSWD"},
		{"/data/rootfile", "ROOTFILE"},
		{"/data/escape-dir/etc/passwd", "GUESTPASSWD"},
		{"/data/escape-dir/secret", ""},
		{"/to-vol-file", "VOLFILE"},
		{"/etc/hosts", "BOUNDHOSTS"},
		{"/rwfile", "RWFILE"},
		{"/ro/file", "ROFILE"},
		{"/ro/link", "ROFILE"},
		{"/data/sub/inner", "NESTED"},
		{"/data/sub/../file", "VOLFILE"},
		{"/data/sub/../../etc/passwd", "GUESTPASSWD"},
		{"/new/deep/mnt/inner", "NESTED"},
		{"/opt/m/inner", "NESTED"},
		{"/optlink/m/inner", "NESTED"},
		{"/proc/version", "Linux version 6.1.0-carrick"},
		{"/proc/self/status", "Name:\ttest"},
		{"/proc/self/cwd/file", "VOLFILE"},
		{"/proc/self/root/etc/passwd", "GUESTPASSWD"},
		{"/proc/42/../self/../version", "Linux version 6.1.0-carrick"},
		{"/proc/../etc/passwd", "GUESTPASSWD"},
		{"/proc/esc", ""},
		{"/proc/sys/kernel/hn", "carrick"},
	}
	for _, c := range cases {
		got, e := readGuest(t, fs, nil, c.path)
		if c.want == "" {
			if e == 0 {
				t.Errorf("read %q = %q, want an error", c.path, got)
			}
			continue
		}
		if e != 0 || got != c.want {
			t.Errorf("read %q = %q, %d; want %q", c.path, got, e, c.want)
		}
	}
	// Mount points were created where missing, through links.
	for _, p := range []string{"new/deep/mnt", "opt/m"} {
		if st, err := os.Stat(filepath.Join(m.root, p)); err != nil || !st.IsDir() {
			t.Errorf("mount point %s not created: %v", p, err)
		}
	}
	// Stat of a mount point is its mount's root.
	var hs unix.Stat_t
	unix.Stat(m.vol, &hs)
	st, e := fs.Stat(nil, "/data")
	mustOK(t, e, "stat /data")
	if st.Ino != hs.Ino {
		t.Errorf("stat /data: ino %d, want the volume's %d", st.Ino, hs.Ino)
	}
	st, e = fs.Stat(nil, "/proc/version")
	mustOK(t, e, "stat /proc/version")
	if st.Dev != 0x55 || st.Mode != sIFREG|0o444 {
		t.Errorf("stat /proc/version: %+v", st)
	}
	// Realpath and getcwd across mounts.
	for p, want := range map[string]string{
		"/data/updir":          "/",
		"/data/subdir/..":      "/data",
		"/proc/self":           "/proc/42",
		"/proc/self/cwd":       "/data",
		"/optlink/m":           "/opt/m",
		"/data/sub/../subdir/": "/data/subdir",
	} {
		got, e := fs.Realpath(nil, p)
		if e != 0 || got != want {
			t.Errorf("Realpath(%q) = %q, %d; want %q", p, got, e, want)
		}
	}
	d, e := fs.OpenDir(nil, "/data/subdir")
	mustOK(t, e, "OpenDir")
	defer d.Close()
	if got := fs.Getcwd(d); got != "/data/subdir" {
		t.Errorf("Getcwd = %q", got)
	}
	for p, want := range map[string]string{"f": "VOLSUB", "../file": "VOLFILE", "../../etc/passwd": "GUESTPASSWD", "../../../../../etc/passwd": "GUESTPASSWD", "../sub/inner": "NESTED"} {
		got, e := readGuest(t, fs, d, p)
		if e != 0 || got != want {
			t.Errorf("from /data/subdir read %q = %q, %d", p, got, e)
		}
	}
	// A handle at a mount root: ".." leaves the mount.
	dm, e := fs.OpenDir(nil, "/data")
	mustOK(t, e, "OpenDir /data")
	defer dm.Close()
	got, e := readGuest(t, fs, dm, "../etc/passwd")
	if e != 0 || got != "GUESTPASSWD" {
		t.Errorf("from /data read ../etc/passwd = %q, %d", got, e)
	}
	// Synthetic directory handles.
	dp, e := fs.OpenDir(nil, "/proc/self")
	mustOK(t, e, "OpenDir /proc/self")
	if got := fs.Getcwd(dp); got != "/proc/42" {
		t.Errorf("Getcwd(/proc/self) = %q", got)
	}
	got, e = readGuest(t, fs, dp, "../version")
	if e != 0 || got != "Linux version 6.1.0-carrick" {
		t.Errorf("from /proc/42 read ../version = %q, %d", got, e)
	}
	ms := fs.Mounts()
	var guests []string
	for _, mi := range ms {
		guests = append(guests, mi.Guest)
	}
	// In the order they were mounted, as Linux lists them.
	want := []string{"/", "/data", "/ro", "/etc/hosts", "/rwfile", "/data/sub", "/new/deep/mnt", "/opt/m", "/proc"}
	if strings.Join(guests, " ") != strings.Join(want, " ") {
		t.Errorf("Mounts = %v, want %v", guests, want)
	}
}

func TestMountReadDir(t *testing.T) {
	m := newMountFixture(t, Options{})
	fs := m.fs
	names := func(p string) map[string]DirEntry {
		t.Helper()
		f, e := fs.Open(nil, p, abi.O_RDONLY|abi.O_DIRECTORY, 0)
		mustOK(t, e, "open "+p)
		defer f.Close()
		ents, e := f.ReadDir()
		mustOK(t, e, "readdir "+p)
		out := map[string]DirEntry{}
		for i, ent := range ents {
			if ent.Off != int64(i+1) {
				t.Errorf("%s: entry %d has Off %d", p, i, ent.Off)
			}
			out[ent.Name] = ent
		}
		if ents[0].Name != "." || ents[1].Name != ".." {
			t.Errorf("%s: first entries %q %q", p, ents[0].Name, ents[1].Name)
		}
		return out
	}
	root := names("/")
	rst, _ := fs.Stat(nil, "/")
	if root["."].Ino != rst.Ino || root[".."].Ino != rst.Ino {
		t.Errorf("root . and ..: %d %d, want %d", root["."].Ino, root[".."].Ino, rst.Ino)
	}
	dst, _ := fs.Stat(nil, "/data")
	if root["data"].Ino != dst.Ino || root["data"].Type != DT_DIR {
		t.Errorf("root entry data = %+v, want the mount's root ino %d", root["data"], dst.Ino)
	}
	if root["optlink"].Type != DT_LNK || root["rootfile"].Type != DT_REG {
		t.Errorf("types: %+v %+v", root["optlink"], root["rootfile"])
	}
	data := names("/data")
	if data[".."].Ino != rst.Ino {
		t.Errorf("/data ..: %d, want root %d", data[".."].Ino, rst.Ino)
	}
	nst, _ := fs.Stat(nil, "/data/sub")
	if data["sub"].Ino != nst.Ino {
		t.Errorf("/data/sub entry: %d, want nested mount root %d", data["sub"].Ino, nst.Ino)
	}
	sub := names("/data/subdir")
	if sub[".."].Ino != dst.Ino {
		t.Errorf("/data/subdir ..: %d, want %d", sub[".."].Ino, dst.Ino)
	}
	etc := names("/etc")
	hst, _ := fs.Stat(nil, "/etc/hosts")
	if etc["hosts"].Ino != hst.Ino {
		t.Errorf("/etc/hosts entry ino %d, want bound file's %d", etc["hosts"].Ino, hst.Ino)
	}
	proc := names("/proc")
	if proc["self"].Type != DT_LNK || proc["version"].Type != DT_REG || proc["42"].Type != DT_DIR {
		t.Errorf("/proc entries: %+v", proc)
	}
	if proc[".."].Ino != rst.Ino {
		t.Errorf("/proc ..: %d", proc[".."].Ino)
	}
	// Dir-based listing (for fds opened with O_PATH) gives the same.
	d, e := fs.OpenDir(nil, "/data")
	mustOK(t, e, "OpenDir")
	defer d.Close()
	ents, e := fs.ReadDir(d)
	mustOK(t, e, "ReadDir(Dir)")
	if len(ents) != len(data) {
		t.Errorf("ReadDir(Dir) has %d entries, File.ReadDir %d", len(ents), len(data))
	}
	// Not a directory.
	f, e := fs.Open(nil, "/rootfile", abi.O_RDONLY, 0)
	mustOK(t, e, "open")
	defer f.Close()
	_, e = f.ReadDir()
	wantErrno(t, e, abi.ENOTDIR, "ReadDir of a file")
}

// TestReadOnlyMounts: every write through a read-only mount is EROFS.
func TestReadOnlyMounts(t *testing.T) {
	for _, mode := range []MetadataMode{MetadataHost, MetadataXattr} {
		t.Run(mode.String(), func(t *testing.T) {
			m := newMountFixture(t, Options{Metadata: mode})
			fs := m.fs
			open := func(p string, fl int) func() abi.Errno {
				return func() abi.Errno {
					f, e := fs.Open(nil, p, fl, 0o644)
					if e == 0 {
						f.Close()
					}
					return e
				}
			}
			cases := []struct {
				name string
				op   func() abi.Errno
				want abi.Errno
			}{
				{"open wronly", open("/ro/file", abi.O_WRONLY), abi.EROFS},
				{"open rdwr", open("/ro/file", abi.O_RDWR), abi.EROFS},
				{"open trunc", open("/ro/file", abi.O_RDONLY|abi.O_TRUNC), abi.EROFS},
				{"open creat new", open("/ro/new", abi.O_WRONLY|abi.O_CREAT), abi.EROFS},
				{"open creat existing rdonly", open("/ro/file", abi.O_RDONLY|abi.O_CREAT), 0},
				{"open creat excl existing", open("/ro/file", abi.O_RDONLY|abi.O_CREAT|abi.O_EXCL), abi.EEXIST},
				{"open dir wronly", open("/ro/dir", abi.O_WRONLY), abi.EISDIR},
				{"open rdonly", open("/ro/file", abi.O_RDONLY), 0},
				{"open tmpfile", open("/ro/dir", abi.O_TMPFILE|abi.O_RDWR), abi.EROFS},
				{"open file mount wronly", open("/etc/hosts", abi.O_WRONLY), abi.EROFS},
				{"open nested ro", open("/data/sub/inner", abi.O_RDWR), abi.EROFS},
				{"mkdir", func() abi.Errno { return fs.Mkdir(nil, "/ro/newdir", 0o755) }, abi.EROFS},
				{"mkdir existing", func() abi.Errno { return fs.Mkdir(nil, "/ro/dir", 0o755) }, abi.EEXIST},
				{"mknod fifo", func() abi.Errno { return fs.Mknod(nil, "/ro/fifo", sIFIFO|0o644, 0) }, abi.EROFS},
				{"mknod chr", func() abi.Errno { return fs.Mknod(nil, "/ro/null", sIFCHR|0o666, 0x103) }, abi.EROFS},
				{"symlink", func() abi.Errno { return fs.Symlink("file", nil, "/ro/newlink") }, abi.EROFS},
				{"link", func() abi.Errno { return fs.Link(nil, "/ro/file", nil, "/ro/hard", false) }, abi.EROFS},
				{"unlink", func() abi.Errno { return fs.Unlink(nil, "/ro/file") }, abi.EROFS},
				{"unlink missing", func() abi.Errno { return fs.Unlink(nil, "/ro/missing") }, abi.EROFS},
				{"rmdir", func() abi.Errno { return fs.Rmdir(nil, "/ro/emptydir") }, abi.EROFS},
				{"rename", func() abi.Errno { return fs.Rename(nil, "/ro/file", nil, "/ro/file2", 0) }, abi.EROFS},
				{"rename exchange", func() abi.Errno {
					return fs.Rename(nil, "/ro/file", nil, "/ro/link", RENAME_EXCHANGE)
				}, abi.EROFS},
				{"chmod", func() abi.Errno { return fs.Chmod(nil, "/ro/file", 0o600, true) }, abi.EROFS},
				{"chmod file mount", func() abi.Errno { return fs.Chmod(nil, "/etc/hosts", 0o600, true) }, abi.EROFS},
				{"chown", func() abi.Errno { return fs.Chown(nil, "/ro/file", 1, 1, true) }, abi.EROFS},
				{"lchown", func() abi.Errno { return fs.Chown(nil, "/ro/link", 1, 1, false) }, abi.EROFS},
				{"utimes", func() abi.Errno { return fs.Utimes(nil, "/ro/file", nil, true) }, abi.EROFS},
				{"truncate", func() abi.Errno { return fs.Truncate(nil, "/ro/file", 0) }, abi.EROFS},
				{"truncate file mount", func() abi.Errno { return fs.Truncate(nil, "/etc/hosts", 0) }, abi.EROFS},
				{"setxattr", func() abi.Errno { return fs.Setxattr(nil, "/ro/file", "user.a", []byte("1"), 0, true) }, abi.EROFS},
				{"removexattr", func() abi.Errno { return fs.Removexattr(nil, "/ro/file", "user.a", true) }, abi.EROFS},
				{"access W_OK", func() abi.Errno { return fs.Access(nil, "/ro/file", W_OK, true) }, abi.EROFS},
				{"access R_OK", func() abi.Errno { return fs.Access(nil, "/ro/file", R_OK, true) }, 0},
				{"getxattr ok", func() abi.Errno {
					_, e := fs.Getxattr(nil, "/ro/file", "user.none", true)
					return e
				}, abi.ENODATA},
			}
			for _, c := range cases {
				if got := c.op(); got != c.want {
					t.Errorf("%s: errno %d, want %d", c.name, got, c.want)
				}
			}
			// File-based writes on a read-only mount.
			f, e := fs.Open(nil, "/ro/file", abi.O_RDONLY, 0)
			mustOK(t, e, "open")
			defer f.Close()
			wantErrno(t, f.Chmod(0o600), abi.EROFS, "fchmod")
			wantErrno(t, f.Chown(1, 1), abi.EROFS, "fchown")
			wantErrno(t, f.Utimes(nil), abi.EROFS, "futimens")
			wantErrno(t, f.Truncate(0), abi.EROFS, "ftruncate")
			wantErrno(t, f.Setxattr("user.a", nil, 0), abi.EROFS, "fsetxattr")
			wantErrno(t, f.Removexattr("user.a"), abi.EROFS, "fremovexattr")
			sf, e := f.Statfs()
			mustOK(t, e, "fstatfs")
			if sf.Flags&ST_RDONLY == 0 {
				t.Error("fstatfs on a read-only mount lacks ST_RDONLY")
			}
			sf, e = fs.Statfs(nil, "/ro")
			if e != 0 || sf.Flags&ST_RDONLY == 0 {
				t.Errorf("statfs /ro: %+v %d", sf, e)
			}
			sf, e = fs.Statfs(nil, "/data")
			if e != 0 || sf.Flags&ST_RDONLY != 0 {
				t.Errorf("statfs /data: %+v %d", sf, e)
			}
			// Nothing changed on the host.
			if b, _ := os.ReadFile(filepath.Join(m.ro, "file")); string(b) != "ROFILE" {
				t.Errorf("ro file changed: %q", b)
			}
			ents, _ := os.ReadDir(m.ro)
			var ns []string
			for _, e := range ents {
				ns = append(ns, e.Name())
			}
			sort.Strings(ns)
			if strings.Join(ns, " ") != "dir emptydir file link" {
				t.Errorf("ro dir changed: %v", ns)
			}
			// The rw mount and rw file mount take writes.
			mustOK(t, fs.Mkdir(nil, "/data/mk/new", 0o755), "mkdir in rw mount")
			f2, e := fs.Open(nil, "/rwfile", abi.O_WRONLY|abi.O_TRUNC, 0)
			mustOK(t, e, "open rw file mount for write")
			unix.Pwrite(f2.Fd(), []byte("NEW"), 0)
			f2.Close()
			if b, _ := os.ReadFile(filepath.Join(m.base, "rwfile")); string(b) != "NEW" {
				t.Errorf("rw file mount: %q", b)
			}
		})
	}
}

func TestMountBoundaries(t *testing.T) {
	m := newMountFixture(t, Options{})
	fs := m.fs
	cases := []struct {
		name string
		op   func() abi.Errno
		want abi.Errno
	}{
		{"rename across mounts", func() abi.Errno { return fs.Rename(nil, "/data/file", nil, "/file", 0) }, abi.EXDEV},
		{"rename into nested", func() abi.Errno { return fs.Rename(nil, "/data/file", nil, "/new/deep/mnt/x", 0) }, abi.EXDEV},
		{"rename from root into mount", func() abi.Errno { return fs.Rename(nil, "/rootfile", nil, "/data/x", 0) }, abi.EXDEV},
		{"link across mounts", func() abi.Errno { return fs.Link(nil, "/data/file", nil, "/hard", false) }, abi.EXDEV},
		{"link a file mount", func() abi.Errno { return fs.Link(nil, "/rwfile", nil, "/hard", false) }, abi.EXDEV},
		{"unlink file mount", func() abi.Errno { return fs.Unlink(nil, "/rwfile") }, abi.EBUSY},
		{"rmdir mount point", func() abi.Errno { return fs.Rmdir(nil, "/data") }, abi.EBUSY},
		{"rmdir nested mount point", func() abi.Errno { return fs.Rmdir(nil, "/new/deep/mnt") }, abi.EBUSY},
		{"rmdir root", func() abi.Errno { return fs.Rmdir(nil, "/") }, abi.EBUSY},
		{"rename mount point", func() abi.Errno { return fs.Rename(nil, "/data", nil, "/data2", 0) }, abi.EBUSY},
		{"rename a dir holding a mount point", func() abi.Errno { return fs.Rename(nil, "/new", nil, "/new2", 0) }, abi.EBUSY},
		{"rename proc", func() abi.Errno { return fs.Rename(nil, "/proc", nil, "/proc2", 0) }, abi.EBUSY},
		{"rename in proc", func() abi.Errno { return fs.Rename(nil, "/proc/version", nil, "/proc/v2", 0) }, abi.EPERM},
		{"rename over file mount", func() abi.Errno { return fs.Rename(nil, "/rootfile", nil, "/rwfile", 0) }, abi.EBUSY},
		{"mkdir on mount point", func() abi.Errno { return fs.Mkdir(nil, "/data", 0o755) }, abi.EEXIST},
		{"symlink on mount point", func() abi.Errno { return fs.Symlink("x", nil, "/rwfile") }, abi.EEXIST},
		{"file mount is not a dir", func() abi.Errno {
			_, e := fs.Stat(nil, "/rwfile/x")
			return e
		}, abi.ENOTDIR},
		{"mkdir in proc", func() abi.Errno { return fs.Mkdir(nil, "/proc/new", 0o755) }, abi.EPERM},
		{"unlink in proc", func() abi.Errno { return fs.Unlink(nil, "/proc/version") }, abi.EPERM},
		{"create in proc", func() abi.Errno {
			_, e := fs.Open(nil, "/proc/new", abi.O_CREAT|abi.O_WRONLY, 0o644)
			return e
		}, abi.EACCES},
		{"write proc", func() abi.Errno {
			_, e := fs.Open(nil, "/proc/version", abi.O_WRONLY, 0)
			return e
		}, abi.EACCES},
		{"chmod proc", func() abi.Errno { return fs.Chmod(nil, "/proc/version", 0o600, true) }, abi.EPERM},
		{"getxattr proc", func() abi.Errno {
			_, e := fs.Getxattr(nil, "/proc/version", "user.x", true)
			return e
		}, eOPNOTSUPP},
		{"readlink proc", func() abi.Errno {
			s, e := fs.Readlink(nil, "/proc/self")
			if s != "42" {
				return abi.EIO
			}
			return e
		}, 0},
		{"proc missing", func() abi.Errno {
			_, e := fs.Stat(nil, "/proc/nope")
			return e
		}, abi.ENOENT},
	}
	for _, c := range cases {
		if got := c.op(); got != c.want {
			t.Errorf("%s: errno %d, want %d", c.name, got, c.want)
		}
	}
	pf, e := fs.Open(nil, "/proc/self", abi.O_PATH|abi.O_NOFOLLOW, 0)
	mustOK(t, e, "O_PATH on a synthetic link")
	if st, e := pf.Stat(); e != 0 || !st.IsSymlink() {
		t.Errorf("fstat of an O_PATH synthetic link: %+v %d", st, e)
	}
	wantErrno(t, pf.Close(), 0, "close O_PATH synthetic")
	wantErrno(t, pf.Close(), abi.EBADF, "second close")
	sf, e := fs.Statfs(nil, "/proc/version")
	if e != 0 || sf.Type != 0x9fa0 {
		t.Errorf("statfs /proc: %+v %d", sf, e)
	}
	// Renames inside one mount work.
	mustOK(t, fs.Rename(nil, "/data/file", nil, "/data/subdir/moved", 0), "rename inside a mount")
	got, e := readGuest(t, fs, nil, "/data/subdir/moved")
	if e != 0 || got != "VOLFILE" {
		t.Errorf("after rename: %q %d", got, e)
	}
}

func TestMountErrors(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	mkTree(t, root, tree{"file": "F", "dir/": ""})
	mkTree(t, base, tree{"hostdir/": "", "hostfile": "H"})
	for _, c := range []struct {
		name string
		m    Mount
		msg  string
	}{
		{"relative", Mount{Guest: "data", Host: filepath.Join(base, "hostdir")}, "absolute"},
		{"root", Mount{Guest: "/", Host: filepath.Join(base, "hostdir")}, "over the root"},
		{"no host", Mount{Guest: "/x"}, "no host path"},
		{"missing host", Mount{Guest: "/x", Host: filepath.Join(base, "nope")}, "no such file"},
		{"dir over file", Mount{Guest: "/file", Host: filepath.Join(base, "hostdir")}, "type"},
		{"file over dir", Mount{Guest: "/dir", Host: filepath.Join(base, "hostfile")}, "type"},
		{"through a file", Mount{Guest: "/file/x", Host: filepath.Join(base, "hostdir")}, "mount point"},
	} {
		_, err := New(root, Options{Mounts: []Mount{c.m}})
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.msg)
		}
	}
	// A later mount at the same path hides the earlier one.
	mkTree(t, base, tree{"a/which": "A", "b/which": "B"})
	fs, err := New(root, Options{Mounts: []Mount{{Guest: "/m", Host: filepath.Join(base, "a")}, {Guest: "/m", Host: filepath.Join(base, "b")}}})
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	got, e := readGuest(t, fs, nil, "/m/which")
	if e != 0 || got != "B" {
		t.Errorf("stacked mount: %q %d", got, e)
	}
}
