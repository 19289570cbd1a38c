package rootfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// The xattr metadata mode, exercised on Linux even as root.

func hostXattr(t *testing.T, p, name string) (string, bool) {
	t.Helper()
	buf := make([]byte, 256)
	n, err := unix.Lgetxattr(p, name, buf)
	if err != nil {
		return "", false
	}
	return string(buf[:n]), true
}

func hostMode(t *testing.T, p string) uint32 {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Lstat(p, &st); err != nil {
		t.Fatal(err)
	}
	return uint32(st.Mode)
}

func TestXattrMetadata(t *testing.T) {
	fs, root, _ := newTestFS(t, opsTree(), Options{Metadata: MetadataXattr})
	if fs.Metadata() != MetadataXattr {
		t.Fatal("mode")
	}
	hp := func(p string) string { return filepath.Join(root, p) }

	// chown is recorded, not done.
	mustOK(t, fs.Chown(nil, "/file", 1000, 1001, true), "chown")
	st, _ := fs.Stat(nil, "/file")
	if st.Uid != 1000 || st.Gid != 1001 {
		t.Errorf("chown: %d %d", st.Uid, st.Gid)
	}
	var hs unix.Stat_t
	unix.Stat(hp("file"), &hs)
	if hs.Uid != 0 || hs.Gid != 0 {
		t.Errorf("chown reached the host: %d %d", hs.Uid, hs.Gid)
	}
	if v, ok := hostXattr(t, hp("file"), "user.carrick.uid"); !ok || v != "1000" {
		t.Errorf("user.carrick.uid = %q %v", v, ok)
	}
	mustOK(t, fs.Chown(nil, "/file", -1, 5, true), "chown gid")
	if st, _ := fs.Stat(nil, "/file"); st.Uid != 1000 || st.Gid != 5 {
		t.Errorf("chown -1: %d %d", st.Uid, st.Gid)
	}

	// Modes the host will not keep.
	modeCases := []struct {
		path      string
		mode      uint32
		hostPerm  uint32
		haveXattr bool
	}{
		{"/file", 0o4755, 0o755, true},
		{"/file", 0o000, 0o600, true},
		{"/file", 0o644, 0o644, false},
		{"/file", 0o400, 0o600, true},
		{"/dir", 0o1777, 0o777, true},
		{"/dir", 0o500, 0o700, true},
		{"/dir", 0o755, 0o755, false},
		{"/exec", 0o2755, 0o755, true},
	}
	for _, c := range modeCases {
		mustOK(t, fs.Chmod(nil, c.path, c.mode, true), "chmod")
		st, _ := fs.Stat(nil, c.path)
		if st.Mode&0o7777 != c.mode {
			t.Errorf("chmod %s %o: guest mode %o", c.path, c.mode, st.Mode)
		}
		if got := hostMode(t, hp(c.path)) & 0o7777; got != c.hostPerm {
			t.Errorf("chmod %s %o: host mode %o, want %o", c.path, c.mode, got, c.hostPerm)
		}
		if _, ok := hostXattr(t, hp(c.path), "user.carrick.mode"); ok != c.haveXattr {
			t.Errorf("chmod %s %o: mode xattr present %v", c.path, c.mode, ok)
		}
	}

	// chown drops setuid (and setgid with group exec) of files, not dirs.
	mustOK(t, fs.Chmod(nil, "/exec", 0o6755, true), "chmod")
	mustOK(t, fs.Chown(nil, "/exec", 1, 1, true), "chown")
	if st, _ := fs.Stat(nil, "/exec"); st.Mode&0o7777 != 0o755 {
		t.Errorf("chown kept setuid/setgid: %o", st.Mode)
	}
	mustOK(t, fs.Chmod(nil, "/exec", 0o2745, true), "chmod")
	mustOK(t, fs.Chown(nil, "/exec", 2, -1, true), "chown")
	if st, _ := fs.Stat(nil, "/exec"); st.Mode&0o7777 != 0o2745 {
		t.Errorf("setgid without group exec should stay: %o", st.Mode)
	}
	mustOK(t, fs.Chmod(nil, "/dir", 0o2755, true), "chmod dir")
	mustOK(t, fs.Chown(nil, "/dir", 3, 3, true), "chown dir")
	if st, _ := fs.Stat(nil, "/dir"); st.Mode&0o7777 != 0o2755 || st.Uid != 3 {
		t.Errorf("dir after chown: %o %d", st.Mode, st.Uid)
	}

	// Creation modes.
	old := unix.Umask(0o077)
	f, e := fs.Open(nil, "/created", abi.O_CREAT|abi.O_WRONLY, 0o4444)
	unix.Umask(old)
	mustOK(t, e, "create")
	f.Close()
	if st, _ := fs.Stat(nil, "/created"); st.Mode != sIFREG|0o4444 || st.Uid != 0 {
		t.Errorf("created: %o uid %d", st.Mode, st.Uid)
	}
	if got := hostMode(t, hp("created")) & 0o7777; got != 0o644 {
		t.Errorf("created: host mode %o", got)
	}
	mustOK(t, fs.Mkdir(nil, "/mkd", 0o555), "mkdir")
	if st, _ := fs.Stat(nil, "/mkd"); st.Mode != sIFDIR|0o555 {
		t.Errorf("mkdir: %o", st.Mode)
	}
	if got := hostMode(t, hp("mkd")) & 0o7777; got != 0o755 {
		t.Errorf("mkdir: host mode %o", got)
	}
	// The host user can still write into a guest-read-only directory.
	mustOK(t, fs.Mkdir(nil, "/mkd/inner", 0o700), "mkdir in 0555 dir")

	// Device nodes and sockets are stand-ins.
	devCases := []struct {
		path string
		mode uint32
		rdev uint64
		dt   uint8
	}{
		{"/null", sIFCHR | 0o666, 0x103, DT_CHR},
		{"/sda", sIFBLK | 0o660, 0x800, DT_BLK},
		{"/big", sIFCHR | 0o600, 0x1234_5678_9abc, DT_CHR},
		{"/sock", sIFSOCK | 0o777, 0, DT_SOCK},
	}
	for _, c := range devCases {
		mustOK(t, fs.Mknod(nil, c.path, c.mode, c.rdev), "mknod "+c.path)
		st, e := fs.Lstat(nil, c.path)
		if e != 0 || st.Mode != c.mode || st.Rdev != c.rdev || st.Size != 0 {
			t.Errorf("mknod %s: %+v %d", c.path, st, e)
		}
		if got := hostMode(t, hp(c.path)); got&unix.S_IFMT != unix.S_IFREG {
			t.Errorf("%s: host type %o, want a regular stand-in", c.path, got)
		}
		_, e = fs.Open(nil, c.path, abi.O_RDONLY, 0)
		wantErrno(t, e, abi.ENXIO, "open stand-in "+c.path)
		// Opening with O_PATH works (stat through it, as ls does).
		pf, e := fs.Open(nil, c.path, abi.O_PATH, 0)
		mustOK(t, e, "O_PATH stand-in")
		if fst, _ := pf.Stat(); fst.Mode != c.mode {
			t.Errorf("fstat stand-in %s: %o", c.path, fst.Mode)
		}
		pf.Close()
	}
	wantErrno(t, fs.Truncate(nil, "/sda", 10), abi.EINVAL, "truncate a stand-in")
	// A stand-in keeps its type through chmod, chown, rename and link.
	mustOK(t, fs.Chmod(nil, "/null", 0o600, true), "chmod stand-in")
	mustOK(t, fs.Chown(nil, "/null", 7, 8, true), "chown stand-in")
	mustOK(t, fs.Rename(nil, "/null", nil, "/dir/null", 0), "rename stand-in")
	mustOK(t, fs.Link(nil, "/dir/null", nil, "/null2", false), "link stand-in")
	for _, p := range []string{"/dir/null", "/null2"} {
		st, _ := fs.Stat(nil, p)
		if st.Mode != sIFCHR|0o600 || st.Rdev != 0x103 || st.Uid != 7 || st.Gid != 8 {
			t.Errorf("%s after chmod/chown/rename/link: %+v", p, st)
		}
	}
	// FIFOs are real host FIFOs.
	mustOK(t, fs.Mknod(nil, "/fifo", sIFIFO|0o620, 0), "mkfifo")
	if got := hostMode(t, hp("fifo")); got&unix.S_IFMT != unix.S_IFIFO {
		t.Errorf("fifo: host type %o", got)
	}
	if st, _ := fs.Stat(nil, "/fifo"); st.Mode != sIFIFO|0o620 {
		t.Errorf("fifo: %o", st.Mode)
	}
	// Regular files via mknod.
	mustOK(t, fs.Mknod(nil, "/regnod", 0o4711, 0), "mknod reg")
	if st, _ := fs.Stat(nil, "/regnod"); st.Mode != sIFREG|0o4711 {
		t.Errorf("mknod reg: %o", st.Mode)
	}
	// Empty regular files that are not stand-ins open normally.
	mustOK(t, fs.Truncate(nil, "/file", 0), "truncate")
	f, e = fs.Open(nil, "/file", abi.O_RDONLY, 0)
	mustOK(t, e, "open empty regular file")
	f.Close()

	// Readdir: regular entries are DT_UNKNOWN (they may be stand-ins), the
	// rest keep their type.
	df, e := fs.Open(nil, "/", abi.O_RDONLY|abi.O_DIRECTORY, 0)
	mustOK(t, e, "open /")
	ents, e := df.ReadDir()
	df.Close()
	mustOK(t, e, "readdir")
	types := map[string]uint8{}
	for _, ent := range ents {
		types[ent.Name] = ent.Type
	}
	if types["sock"] != DT_UNKNOWN || types["file"] != DT_UNKNOWN || types["dir"] != DT_DIR || types["link"] != DT_LNK || types["fifo"] != DT_FIFO {
		t.Errorf("readdir types: %v", types)
	}

	// Access uses the guest mode.
	mustOK(t, fs.Chmod(nil, "/exec", 0o644, true), "chmod")
	wantErrno(t, fs.Access(nil, "/exec", X_OK, true), abi.EACCES, "X_OK on 0644")
	mustOK(t, fs.Chmod(nil, "/exec", 0o100, true), "chmod")
	wantErrno(t, fs.Access(nil, "/exec", X_OK, true), 0, "X_OK on 0100")

	// fchmod/fchown on files.
	f, e = fs.Open(nil, "/created", abi.O_RDWR, 0)
	mustOK(t, e, "open")
	mustOK(t, f.Chmod(0o1604), "fchmod")
	mustOK(t, f.Chown(44, 45), "fchown")
	st, _ = f.Stat()
	f.Close()
	if st.Mode != sIFREG|0o1604 || st.Uid != 44 || st.Gid != 45 {
		t.Errorf("f-ops in xattr mode: %+v", st)
	}

	// Links: lchown is accepted and stores nothing (Linux keeps no user
	// xattrs on links); lstat shows root.
	mustOK(t, fs.Chown(nil, "/link", 9, 9, false), "lchown")
	if st, _ := fs.Lstat(nil, "/link"); st.Uid != 0 {
		t.Errorf("lchown: %d", st.Uid)
	}

	// Guests never see user.carrick.*.
	names, e := fs.Listxattr(nil, "/dir/null", true)
	if e != 0 || len(names) != 0 {
		t.Errorf("listxattr on a stand-in: %v %d", names, e)
	}
}

// TestXattrHostOwner: in the xattr mode, files owned by the host user show
// as root's; others keep their ids.
func TestXattrHostOwner(t *testing.T) {
	fs, root, _ := newTestFS(t, tree{"mine": "m", "theirs": "t"}, Options{Metadata: MetadataXattr})
	os.Chown(filepath.Join(root, "theirs"), 4242, 4343)
	fs.hostUID, fs.hostGID = 4242, 4343 // as if carrick ran as that user
	st, _ := fs.Stat(nil, "/theirs")
	if st.Uid != 0 || st.Gid != 0 {
		t.Errorf("host user's file: %d %d", st.Uid, st.Gid)
	}
	st, _ = fs.Stat(nil, "/mine")
	if st.Uid != 0 || st.Gid != 0 {
		t.Errorf("root's file: %d %d (root maps to itself)", st.Uid, st.Gid)
	}
	fs.hostUID, fs.hostGID = 1, 1
	st, _ = fs.Stat(nil, "/theirs")
	if st.Uid != 4242 || st.Gid != 4343 {
		t.Errorf("another user's file: %d %d", st.Uid, st.Gid)
	}
}

func TestProbes(t *testing.T) {
	defer func() { testProbeHook, probeXattrFn = nil, probeXattr }()
	root := t.TempDir()
	mkTree(t, root, tree{"f": "x"})
	// A case-insensitive host file system (faked: "caseprobe" answers).
	testProbeHook = func(pfd int) {
		fd, _ := unix.Openat(pfd, "caseprobe", unix.O_CREAT|unix.O_WRONLY, 0o600)
		unix.Close(fd)
	}
	_, err := New(root, Options{})
	if err == nil || !strings.Contains(err.Error(), "case-insensitive") {
		t.Errorf("case-insensitive root: %v", err)
	}
	fs, err := New(root, Options{AllowCaseInsensitive: true})
	if err != nil {
		t.Errorf("AllowCaseInsensitive: %v", err)
	} else {
		fs.Close()
	}
	// A file system that rejects non-UTF-8 names (faked: the name is taken).
	testProbeHook = func(pfd int) {
		fd, _ := unix.Openat(pfd, "probe-\xff\xfe", unix.O_CREAT|unix.O_WRONLY, 0o600)
		unix.Close(fd)
	}
	_, err = New(root, Options{})
	if err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("UTF-8-only root: %v", err)
	}
	fs, err = New(root, Options{AllowUTF8Only: true})
	if err != nil {
		t.Errorf("AllowUTF8Only: %v", err)
	} else {
		fs.Close()
	}
	testProbeHook = nil
	// No user xattrs (faked).
	probeXattrFn = func(int) error { return unix.ENOTSUP }
	_, err = New(root, Options{Metadata: MetadataXattr})
	if err == nil || !strings.Contains(err.Error(), "user extended attributes") {
		t.Errorf("no xattrs: %v", err)
	}
	fs, err = New(root, Options{Metadata: MetadataHost})
	if err != nil {
		t.Errorf("host mode needs no xattrs: %v", err)
	} else {
		fs.Close()
	}
	probeXattrFn = probeXattr
	// The probe leaves nothing behind; real probes pass on this host.
	fs, err = New(root, Options{Metadata: MetadataXattr})
	if err != nil {
		t.Fatal(err)
	}
	fs.Close()
	ents, _ := os.ReadDir(root)
	if len(ents) != 1 {
		t.Errorf("probe left files: %v", ents)
	}
	// Other New errors.
	if _, err := New(filepath.Join(root, "nope"), Options{}); err == nil {
		t.Error("missing root accepted")
	}
	if _, err := New(filepath.Join(root, "f"), Options{}); err == nil {
		t.Error("file root accepted")
	}
	if _, err := New(root, Options{Metadata: 7}); err == nil {
		t.Error("bad metadata mode accepted")
	}
}
