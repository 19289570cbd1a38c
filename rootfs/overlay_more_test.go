package rootfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// openFds counts this process's open descriptors.
func openFds(t testing.TB) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(ents)
}

func TestOverlayNoLeaks(t *testing.T) {
	l0, l1 := baseLayers()
	env := newOvFS(t, MetadataXattr, nil, l0, l1)
	fs := env.fs
	before := openFds(t)
	for i := range 3 {
		readGuest(t, fs, nil, "/d/y")
		names(t, fs, "/d")
		d, e := fs.OpenDir(nil, "/etc")
		mustOK(t, e, "opendir")
		readGuest(t, fs, d, "conf")
		dd, _ := d.Dup()
		dd.Close()
		v, _ := fs.Chroot(d)
		readGuest(t, v, nil, "/conf")
		v.Close()
		d.Close()
		if i == 0 {
			writeGuest(t, fs, "/d/y", abi.O_APPEND, "+")
			mustOK(t, fs.Chmod(nil, "/b", 0o600, true), "chmod")
			mustOK(t, fs.Unlink(nil, "/a"), "unlink")
			mustOK(t, fs.Rename(nil, "/etc/conf", nil, "/etc/conf2", 0), "rename")
			wantErrno(t, fs.Removexattr(nil, "/op/new", "user.none", true), abi.ENODATA, "removexattr of none")
			mustOK(t, fs.Setxattr(nil, "/d/x", "user.k", []byte("v"), 0, true), "setxattr")
			mustOK(t, fs.Removexattr(nil, "/d/x", "user.k", true), "removexattr")
		}
		f, e := fs.Open(nil, "/gone2/in", abi.O_RDONLY, 0)
		mustOK(t, e, "open")
		f.Chmod(0o640)
		f.Close()
		_ = fs.Rmdir(nil, "/d")
		p, n, e := fs.Parent(nil, "/etc/sock", false)
		mustOK(t, e, "parent")
		if n != "sock" {
			t.Errorf("parent name %q", n)
		}
		p.Close()
	}
	if after := openFds(t); after != before {
		t.Errorf("descriptors: %d before, %d after", before, after)
	}
}

func TestOverlayAdopt(t *testing.T) {
	l0, l1 := baseLayers()
	env := newOvFS(t, MetadataHost, nil, l0, l1)
	fs := env.fs
	for _, p := range []string{"/d", "/b"} {
		f, e := fs.Open(nil, p, abi.O_RDONLY, 0)
		mustOK(t, e, "open")
		fd, _ := unix.Dup(f.Fd())
		f.Close()
		child := env.open(t)
		cf, e := child.Adopt(fd, p, abi.O_RDONLY)
		mustOK(t, e, "adopt")
		if p == "/d" {
			ents, e := cf.ReadDir()
			mustOK(t, e, "readdir adopted")
			if len(ents) != 4 {
				t.Errorf("adopted dir lists %v", ents)
			}
		} else {
			mustOK(t, child.Fchmod(cf, 0o600), "fchmod adopted lower file")
			if !hostExists(filepath.Join(env.upper, "b")) {
				t.Error("adopted lower file not copied up")
			}
		}
		cf.Close()
	}
}

func TestOverlaySpecialCopyUp(t *testing.T) {
	env := newOvFS(t, MetadataHost, nil, tree{"dev/": ""})
	low := env.lowers[0]
	if err := unix.Mknod(filepath.Join(low, "dev/null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
		t.Skip("mknod:", err)
	}
	unix.Mkfifo(filepath.Join(low, "dev/fifo"), 0o640)
	fs := env.fs
	mustOK(t, fs.Chown(nil, "/dev/null", 5, 5, true), "chown device")
	mustOK(t, fs.Chmod(nil, "/dev/fifo", 0o600, true), "chmod fifo")
	st, e := fs.Stat(nil, "/dev/null")
	mustOK(t, e, "stat")
	if st.Mode&sIFMT != sIFCHR || st.Rdev != uint64(unix.Mkdev(1, 3)) || st.Uid != 5 {
		t.Errorf("copied device: %+v", st)
	}
	st, _ = fs.Stat(nil, "/dev/fifo")
	if st.Mode != sIFIFO|0o600 {
		t.Errorf("copied fifo: %o", st.Mode)
	}
	var hs unix.Stat_t
	unix.Lstat(filepath.Join(env.upper, "dev/null"), &hs)
	if hs.Mode&unix.S_IFMT != unix.S_IFCHR {
		t.Error("device not copied as a device")
	}
}

func TestOverlayDirsAndLinks(t *testing.T) {
	forModes(t, func(t *testing.T, mode MetadataMode) {
		l0, l1 := baseLayers()
		l1["usr/lib/libc"] = "C"
		l1["lib"] = "->usr/lib"
		env := newOvFS(t, mode, nil, l0, l1)
		fs := env.fs
		// A link of a lower in the middle of a path.
		wantContent(t, fs, "/lib/libc", "C")
		_, e := fs.Stat(nil, "/lib/../../etc/conf") // ".." after a link: its target's parent
		mustOK(t, e, "dotdot after a link")
		_, e = fs.Stat(nil, "/a/x")
		wantErrno(t, e, abi.ENOTDIR, "through a lower file")
		_, e = fs.Stat(nil, "/gone/x")
		wantErrno(t, e, abi.ENOENT, "through a whited-out name")
		// A lower directory changed itself, by name and as ".".
		mustOK(t, fs.Chmod(nil, "/usr", 0o711, true), "chmod lower dir")
		if st, _ := fs.Stat(nil, "/usr"); st.Mode&0o7777 != 0o711 {
			t.Errorf("chmod lower dir: %o", st.Mode)
		}
		wantNames(t, fs, "/usr", "lib")
		d, e := fs.OpenDir(nil, "/usr/lib")
		mustOK(t, e, "opendir")
		defer d.Close()
		mustOK(t, fs.Chmod(d, ".", 0o700, true), "chmod .")
		if st, _ := fs.Stat(nil, "/usr/lib"); st.Mode&0o7777 != 0o700 {
			t.Errorf("chmod .: %o", st.Mode)
		}
		if !hostExists(filepath.Join(env.upper, "usr/lib")) || hostExists(filepath.Join(env.upper, "usr/lib/libc")) {
			t.Error("a directory's copy-up must copy the directory alone")
		}
		wantContent(t, fs, "/usr/lib/libc", "C")
	})
}

func TestCopyData(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	data := strings.Repeat("x", 600<<10)
	os.WriteFile(src, []byte(data), 0o644)
	sfd, _ := unix.Open(src, unix.O_RDONLY, 0)
	defer unix.Close(sfd)
	dfd, _ := unix.Open(filepath.Join(dir, "dst"), unix.O_CREAT|unix.O_WRONLY, 0o644)
	if err := copyData(sfd, dfd); err != nil {
		t.Fatal(err)
	}
	unix.Close(dfd)
	if hostRead(t, filepath.Join(dir, "dst")) != data {
		t.Error("copyData")
	}
}
