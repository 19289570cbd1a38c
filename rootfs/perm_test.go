package rootfs

import (
	"os"
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// permModes are the metadata modes the permission tests run in: both when
// the test is host root (the host mode chowns), else the xattr mode.
func permModes(t *testing.T) []MetadataMode {
	if os.Geteuid() == 0 {
		return []MetadataMode{MetadataHost, MetadataXattr}
	}
	t.Log("not host root: the host metadata mode cannot give files other owners; xattr mode only")
	return []MetadataMode{MetadataXattr}
}

// permTree sets up, as root, the files a user meets: root's secret (0600)
// and public (0644) files and program (0700), the user's directory d, a
// setgid directory of group 27 (sg, and sgw writable by all), a sticky
// tmp with a file of root's, and a closed directory (0700).
func permTree(t *testing.T, fs *FS) {
	t.Helper()
	mk := func(p string, mode uint32, uid, gid int) {
		t.Helper()
		var e abi.Errno
		if p[len(p)-1] == '/' {
			e = fs.Mkdir(nil, p, mode)
		} else {
			var f *File
			if f, e = fs.Open(nil, p, abi.O_CREAT|abi.O_WRONLY, mode); e == 0 {
				f.Close()
			}
		}
		mustOK(t, e, "create "+p)
		mustOK(t, fs.Chown(nil, p, uid, gid, false), "chown "+p)
		mustOK(t, fs.Chmod(nil, p, mode, true), "chmod "+p)
	}
	mk("/secret", 0o600, 0, 0)
	mk("/public", 0o644, 0, 0)
	mk("/prog", 0o700, 0, 0)
	mk("/d/", 0o755, 1000, 1000)
	mk("/sg/", 0o2775, 0, 27)
	mk("/sgw/", 0o2777, 0, 27)
	mk("/tmp/", 0o1777, 0, 0)
	mk("/tmp/rootfile", 0o666, 0, 0)
	mk("/closed/", 0o700, 0, 0)
	mk("/closed/x", 0o644, 0, 0)
	mustOK(t, fs.Chmod(nil, "/", 0o755, true), "chmod /")
}

// TestPermissions: what a user (1000:1000, groups 27 and 1000) may do to
// root's files, with Linux's errno, in both metadata modes.
func TestPermissions(t *testing.T) {
	for _, mode := range permModes(t) {
		t.Run(mode.String(), func(t *testing.T) {
			fs, _, _ := newTestFS(t, tree{}, Options{Metadata: mode})
			permTree(t, fs)
			u := fs.WithCred(&Cred{UID: 1000, GID: 1000, Groups: []uint32{27, 1000}})
			open := func(fs *FS, p string, flags int) abi.Errno {
				f, e := fs.Open(nil, p, flags, 0o644)
				if e == 0 {
					f.Close()
				}
				return e
			}
			now := &[2]Timespec{{Nsec: UTIME_NOW}, {Nsec: UTIME_NOW}}
			set := &[2]Timespec{{Sec: 1}, {Sec: 1}}
			for _, c := range []struct {
				what string
				got  func() abi.Errno
				want abi.Errno
			}{
				{"open secret", func() abi.Errno { return open(u, "/secret", abi.O_RDONLY) }, abi.EACCES},
				{"open secret as root", func() abi.Errno { return open(fs, "/secret", abi.O_RDWR) }, 0},
				{"open public", func() abi.Errno { return open(u, "/public", abi.O_RDONLY) }, 0},
				{"open public for writing", func() abi.Errno { return open(u, "/public", abi.O_WRONLY) }, abi.EACCES},
				{"open public O_TRUNC", func() abi.Errno { return open(u, "/public", abi.O_RDONLY|abi.O_TRUNC) }, abi.EACCES},
				{"open secret O_PATH", func() abi.Errno { return open(u, "/secret", abi.O_PATH) }, 0},
				{"open public O_CREAT (exists)", func() abi.Errno { return open(u, "/public", abi.O_CREAT|abi.O_RDONLY) }, 0},
				{"open public O_NOATIME", func() abi.Errno { return open(u, "/public", abi.O_RDONLY|abi.O_NOATIME) }, abi.EPERM},
				{"create in /", func() abi.Errno { return open(u, "/new", abi.O_CREAT|abi.O_WRONLY) }, abi.EACCES},
				{"O_TMPFILE in /", func() abi.Errno { return open(u, "/", abi.O_TMPFILE|abi.O_WRONLY) }, abi.EACCES},
				{"access secret R", func() abi.Errno { return u.Access(nil, "/secret", R_OK, true) }, abi.EACCES},
				{"access public R", func() abi.Errno { return u.Access(nil, "/public", R_OK, true) }, 0},
				{"access public W", func() abi.Errno { return u.Access(nil, "/public", W_OK, true) }, abi.EACCES},
				{"access prog X", func() abi.Errno { return u.Access(nil, "/prog", X_OK, true) }, abi.EACCES},
				{"access prog X as root", func() abi.Errno { return fs.Access(nil, "/prog", X_OK, true) }, 0},
				{"access public X as root", func() abi.Errno { return fs.Access(nil, "/public", X_OK, true) }, abi.EACCES},
				{"access d W", func() abi.Errno { return u.Access(nil, "/d", W_OK, true) }, 0},
				{"stat through closed", func() abi.Errno { _, e := u.Stat(nil, "/closed/x"); return e }, abi.EACCES},
				{"stat closed", func() abi.Errno { _, e := u.Stat(nil, "/closed"); return e }, 0},
				{"chdir closed", func() abi.Errno { _, e := u.OpenDir(nil, "/closed"); return e }, abi.EACCES},
				{"mkdir in /", func() abi.Errno { return u.Mkdir(nil, "/newdir", 0o755) }, abi.EACCES},
				{"mkdir of an existing name in /", func() abi.Errno { return u.Mkdir(nil, "/d", 0o755) }, abi.EEXIST},
				{"symlink in /", func() abi.Errno { return u.Symlink("x", nil, "/ln") }, abi.EACCES},
				{"mknod a device", func() abi.Errno { return u.Mknod(nil, "/d/null", S_IFCHR|0o666, 0x103) }, abi.EPERM},
				{"unlink in sticky tmp", func() abi.Errno { return u.Unlink(nil, "/tmp/rootfile") }, abi.EPERM},
				{"unlink in /", func() abi.Errno { return u.Unlink(nil, "/public") }, abi.EACCES},
				{"rmdir in /", func() abi.Errno { return u.Rmdir(nil, "/closed") }, abi.EACCES},
				{"rename out of /", func() abi.Errno { return u.Rename(nil, "/public", nil, "/d/public", 0) }, abi.EACCES},
				{"chmod public", func() abi.Errno { return u.Chmod(nil, "/public", 0o666, true) }, abi.EPERM},
				{"chown public to the user", func() abi.Errno { return u.Chown(nil, "/public", 1000, -1, true) }, abi.EPERM},
				{"utimes public now", func() abi.Errno { return u.Utimes(nil, "/public", now, true) }, abi.EACCES},
				{"utimes public to a time", func() abi.Errno { return u.Utimes(nil, "/public", set, true) }, abi.EPERM},
				{"utimes tmp/rootfile now (writable)", func() abi.Errno { return u.Utimes(nil, "/tmp/rootfile", nil, true) }, 0},
				{"truncate public", func() abi.Errno { return u.Truncate(nil, "/public", 0) }, abi.EACCES},
				{"hard link to root's file", func() abi.Errno { return u.Link(nil, "/public", nil, "/d/hard", false) }, abi.EPERM},
				{"hard link to a writable file", func() abi.Errno { return u.Link(nil, "/tmp/rootfile", nil, "/d/hard2", false) }, 0},
			} {
				if got := c.got(); got != c.want {
					t.Errorf("%s: errno %d, want %d", c.what, got, c.want)
				}
			}
		})
	}
}

// TestNewOwners: new nodes belong to the fsuid and fsgid, or in a setgid
// directory to its group; and the user's own files obey their owner.
func TestNewOwners(t *testing.T) {
	for _, mode := range permModes(t) {
		t.Run(mode.String(), func(t *testing.T) {
			fs, _, _ := newTestFS(t, tree{}, Options{Metadata: mode})
			permTree(t, fs)
			u := fs.WithCred(&Cred{UID: 1000, GID: 1000, Groups: []uint32{27, 1000}})
			other := fs.WithCred(&Cred{UID: 2000, GID: 2000})
			create := func(fs *FS, p string, mode uint32) {
				t.Helper()
				f, e := fs.Open(nil, p, abi.O_CREAT|abi.O_EXCL|abi.O_WRONLY, mode)
				mustOK(t, e, "create "+p)
				f.Close()
			}
			create(u, "/d/mine", 0o640)
			mustOK(t, u.Mkdir(nil, "/sg/sub", 0o755), "mkdir sg/sub")
			create(u, "/sg/f", 0o2755)
			create(other, "/sgw/f", 0o2755)
			mustOK(t, u.Mknod(nil, "/d/fifo", S_IFIFO|0o600, 0), "mkfifo")
			f, e := u.Open(nil, "/d", abi.O_TMPFILE|abi.O_RDWR, 0o600)
			mustOK(t, e, "O_TMPFILE")
			tst, e := f.Stat()
			f.Close()
			mustOK(t, e, "fstat tmpfile")
			if tst.Uid != 1000 || tst.Gid != 1000 {
				t.Errorf("O_TMPFILE: owner %d:%d", tst.Uid, tst.Gid)
			}
			mustOK(t, fs.Mkdir(nil, "/sg/byroot", 0o700), "root's mkdir in sg")
			for _, c := range []struct {
				p              string
				uid, gid, mode uint32
			}{
				{"/d/mine", 1000, 1000, S_IFREG | 0o640},
				{"/sg/sub", 1000, 27, S_IFDIR | 0o2755},
				{"/sg/f", 1000, 27, S_IFREG | 0o2755},   // in group 27: keeps S_ISGID
				{"/sgw/f", 2000, 27, S_IFREG | 0o755},   // not in group 27: loses it
				{"/sg/byroot", 0, 27, S_IFDIR | 0o2700}, // root too gets the group
			} {
				st, e := fs.Lstat(nil, c.p)
				mustOK(t, e, "stat "+c.p)
				if st.Uid != c.uid || st.Gid != c.gid || st.Mode != c.mode {
					t.Errorf("%s: %d:%d %o, want %d:%d %o", c.p, st.Uid, st.Gid, st.Mode, c.uid, c.gid, c.mode)
				}
			}
			if mode == MetadataHost {
				// (In the xattr mode links and, on Linux hosts, FIFOs carry
				// no attributes: they show the host's owner.)
				mustOK(t, u.Symlink("mine", nil, "/d/ln"), "symlink")
				for _, p := range []string{"/d/ln", "/d/fifo"} {
					if st, _ := fs.Lstat(nil, p); st.Uid != 1000 || st.Gid != 1000 {
						t.Errorf("%s: owner %d:%d", p, st.Uid, st.Gid)
					}
				}
			}

			// The owner's rules on its own files.
			wantErrno(t, u.Chown(nil, "/d/mine", -1, 27, true), 0, "chgrp to a group of the user")
			wantErrno(t, u.Chown(nil, "/d/mine", -1, 5, true), abi.EPERM, "chgrp to another group")
			wantErrno(t, u.Chown(nil, "/d/mine", 0, -1, true), abi.EPERM, "chown to root")
			wantErrno(t, u.Chmod(nil, "/d/mine", 0o2600, true), 0, "chmod g+s in the file's group")
			wantErrno(t, other.Chmod(nil, "/sgw/f", 0o2755, true), 0, "chmod g+s outside the file's group")
			if st, _ := fs.Stat(nil, "/sgw/f"); st.Mode&S_ISGID != 0 {
				t.Errorf("chmod g+s by a user outside the group kept S_ISGID: %o", st.Mode)
			}
			wantErrno(t, u.Utimes(nil, "/d/mine", &[2]Timespec{{Sec: 1}, {Sec: 1}}, true), 0, "utimes of own file")
			wantErrno(t, u.Unlink(nil, "/d/mine"), 0, "unlink own file")
			create(u, "/tmp/mine", 0o644)
			wantErrno(t, other.Unlink(nil, "/tmp/mine"), abi.EPERM, "unlink another user's file in sticky tmp")
			wantErrno(t, u.Rename(nil, "/tmp/mine", nil, "/d/moved", 0), 0, "rename own file out of tmp")

			// A directory moving to another parent needs write on itself.
			mustOK(t, u.Mkdir(nil, "/d/dd", 0o555), "mkdir d/dd")
			wantErrno(t, u.Rename(nil, "/d/dd", nil, "/tmp/dd", 0), abi.EACCES, "move a read-only directory")
			wantErrno(t, u.Rename(nil, "/d/dd", nil, "/d/ee", 0), 0, "rename a read-only directory in place")

			// The file forms (fchmod, fchown, futimens, faccessat on an fd).
			pf, e := fs.Open(nil, "/public", abi.O_RDONLY, 0)
			mustOK(t, e, "open public")
			defer pf.Close()
			wantErrno(t, u.Fchmod(pf, 0o600), abi.EPERM, "fchmod of root's file")
			wantErrno(t, u.Fchown(pf, 1000, -1), abi.EPERM, "fchown of root's file")
			wantErrno(t, u.Futimes(pf, nil), abi.EACCES, "futimens now of root's file")
			wantErrno(t, u.AccessFile(pf, W_OK), abi.EACCES, "access(fd, W_OK) of root's file")
			wantErrno(t, u.AccessFile(pf, R_OK), 0, "access(fd, R_OK) of root's file")
		})
	}
}
