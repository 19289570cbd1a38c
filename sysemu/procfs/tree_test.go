package procfs

import (
	"bytes"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// modeString is ls -l's first column.
func modeString(m uint32) string {
	t := map[uint32]byte{sIFDIR: 'd', sIFREG: '-', sIFLNK: 'l', sIFCHR: 'c'}[m&sIFMT]
	if t == 0 {
		t = '?'
	}
	b := []byte{t}
	for i := 8; i >= 0; i-- {
		if m&(1<<i) != 0 {
			b = append(b, "xwr"[i%3])
		} else {
			b = append(b, '-')
		}
	}
	if m&0o1000 != 0 {
		b[9] = 't'
	}
	return string(b)
}

// walkTree visits every node of s below p: ReadDir of every directory,
// Stat of every entry (which must agree with the entry's type and inode),
// Readlink of every link and Open+ReadAt of every file. It returns the
// modes by path.
func walkTree(t *testing.T, s rootfs.Synthetic, p string, modes map[string]string) {
	t.Helper()
	st, e := s.Stat(p)
	if e != 0 {
		t.Errorf("stat %s: errno %d", p, e)
		return
	}
	modes[p] = modeString(st.Mode)
	switch st.Mode & sIFMT {
	case sIFDIR:
		if st.Size != 0 || st.Nlink < 2 {
			t.Errorf("%s: dir size %d nlink %d", p, st.Size, st.Nlink)
		}
		ents, e := s.ReadDir(p)
		if e != 0 {
			t.Errorf("readdir %s: errno %d", p, e)
			return
		}
		seen := map[string]bool{}
		subdirs := 0
		for _, ent := range ents {
			if seen[ent.Name] || ent.Name == "" || ent.Name == "." || ent.Name == ".." || strings.Contains(ent.Name, "/") {
				t.Errorf("%s: bad or repeated entry %q", p, ent.Name)
			}
			seen[ent.Name] = true
			cp := joinPath(p, ent.Name)
			cst, e := s.Stat(cp)
			if e != 0 {
				t.Errorf("stat %s: errno %d", cp, e)
				continue
			}
			if cst.DirType() != ent.Type || cst.Ino != ent.Ino {
				t.Errorf("%s: entry type %d ino %d, stat type %d ino %d", cp, ent.Type, ent.Ino, cst.DirType(), cst.Ino)
			}
			if cst.IsDir() {
				subdirs++
			}
			walkTree(t, s, cp, modes)
		}
		if st.Nlink != uint32(2+subdirs) && st.Nlink != 2 {
			t.Errorf("%s: nlink %d with %d subdirectories", p, st.Nlink, subdirs)
		}
		if f, e := s.Open(p, abi.O_RDONLY|abi.O_DIRECTORY); e != 0 {
			t.Errorf("open dir %s: errno %d", p, e)
		} else {
			if _, e := f.ReadAt(make([]byte, 10), 0); e != abi.EISDIR {
				t.Errorf("read dir %s: errno %d, want EISDIR", p, e)
			}
			f.Close()
		}
	case sIFLNK:
		target, e := s.Readlink(p)
		if e != 0 || target == "" {
			t.Errorf("readlink %s = %q, errno %d", p, target, e)
		}
		if _, e := s.Open(p, abi.O_RDONLY); e != abi.ELOOP {
			t.Errorf("open link %s: errno %d, want ELOOP", p, e)
		}
	default:
		if _, e := s.Readlink(p); e != abi.EINVAL {
			t.Errorf("readlink non-link %s: errno %d, want EINVAL", p, e)
		}
		if _, e := s.ReadDir(p); e != abi.ENOTDIR {
			t.Errorf("readdir non-dir %s: errno %d, want ENOTDIR", p, e)
		}
		f, e := s.Open(p, abi.O_RDONLY)
		if e == abi.ENXIO && st.Mode&sIFMT == sIFCHR {
			return // a terminal device without its hook
		}
		if e != 0 {
			t.Errorf("open %s: errno %d", p, e)
			return
		}
		b := make([]byte, 1<<16)
		if _, e := f.ReadAt(b, 0); e != 0 {
			t.Errorf("read %s: errno %d", p, e)
		}
		if e := f.Close(); e != 0 {
			t.Errorf("close %s: errno %d", p, e)
		}
	}
}

func TestWalkProc(t *testing.T) {
	pr, _ := newTestProc()
	modes := map[string]string{}
	walkTree(t, pr, "/", modes)
	want := map[string]string{
		"/":                         "dr-xr-xr-x",
		"/self":                     "lrwxrwxrwx",
		"/thread-self":              "lrwxrwxrwx",
		"/mounts":                   "lrwxrwxrwx",
		"/cpuinfo":                  "-r--r--r--",
		"/meminfo":                  "-r--r--r--",
		"/4242":                     "dr-xr-xr-x",
		"/4242/fd":                  "dr-x------",
		"/4242/fd/0":                "lrwx------",
		"/4242/fd/1":                "l-wx------",
		"/4242/fdinfo":              "dr-xr-xr-x",
		"/4242/fdinfo/0":            "-r--r--r--",
		"/4242/maps":                "-r--r--r--",
		"/4242/environ":             "-r--------",
		"/4242/auxv":                "-r--------",
		"/4242/comm":                "-rw-r--r--",
		"/4242/exe":                 "lrwxrwxrwx",
		"/4242/cwd":                 "lrwxrwxrwx",
		"/4242/root":                "lrwxrwxrwx",
		"/4242/task":                "dr-xr-xr-x",
		"/4242/task/4243":           "dr-xr-xr-x",
		"/4242/task/4243/stat":      "-r--r--r--",
		"/sys":                      "dr-xr-xr-x",
		"/sys/kernel/hostname":      "-rw-r--r--",
		"/sys/kernel/osrelease":     "-r--r--r--",
		"/sys/kernel/random/uuid":   "-r--r--r--",
		"/sys/vm/overcommit_memory": "-rw-r--r--",
	}
	for p, m := range want {
		if modes[p] != m {
			t.Errorf("%s: mode %q, want %q", p, modes[p], m)
		}
	}
	// Every /proc file has size 0 and the pid files belong to the process.
	for p := range modes {
		st, _ := pr.Stat(p)
		if st.Mode&sIFMT == sIFREG && st.Size != 0 {
			t.Errorf("%s: size %d", p, st.Size)
		}
		if st.Dev != ProcDev {
			t.Errorf("%s: dev %#x", p, st.Dev)
		}
	}
	// The root lists the fixed entries, then self, thread-self and the pids.
	ents, _ := pr.ReadDir("/")
	var names []string
	for _, e := range ents {
		names = append(names, e.Name)
	}
	if got := strings.Join(names, " "); got != "net sys stat swaps mounts uptime cpuinfo loadavg meminfo version filesystems self thread-self 4242" {
		t.Errorf("/proc lists %q", got)
	}
	// Pid files date from the process's start, the rest from the mount.
	if st, _ := pr.Stat("/4242/maps"); st.Mtime.Sec != testBoot.Unix()+1 || st.Mtime.Nsec != 234e6 {
		t.Errorf("/4242/maps mtime %+v", st.Mtime)
	}
	// Hidden threads are not listed but resolve.
	if _, e := pr.Stat("/4243"); e != 0 {
		t.Errorf("stat /4243: errno %d", e)
	}
	if _, e := pr.Stat("/4244"); e != abi.ENOENT {
		t.Errorf("stat /4244: errno %d", e)
	}
}

func TestWalkSys(t *testing.T) {
	s := NewSys(testSystem())
	modes := map[string]string{}
	walkTree(t, s, "/", modes)
	for p, m := range map[string]string{
		"/":                          "dr-xr-xr-x",
		"/devices/system/cpu":        "drwxr-xr-x",
		"/devices/system/cpu/online": "-r--r--r--",
		"/devices/system/cpu/cpu1":   "drwxr-xr-x",
		"/kernel/mm/transparent_hugepage/enabled":        "-rw-r--r--",
		"/kernel/mm/transparent_hugepage/hpage_pmd_size": "-r--r--r--",
		"/fs/cgroup": "drwxr-xr-x",
		"/class":     "drwxr-xr-x",
	} {
		if modes[p] != m {
			t.Errorf("%s: mode %q, want %q", p, modes[p], m)
		}
	}
	tests := []struct{ path, want string }{
		{"/devices/system/cpu/online", "0-1\n"},
		{"/devices/system/cpu/possible", "0-1\n"},
		{"/devices/system/cpu/present", "0-1\n"},
		{"/devices/system/cpu/cpu1/online", "1\n"},
		{"/devices/system/cpu/cpu1/regs/identification/midr_el1", "0x00000000611f0231\n"},
		{"/kernel/mm/transparent_hugepage/hpage_pmd_size", "2097152\n"},
		{"/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n"},
	}
	for _, tc := range tests {
		golden(t, tc.path, read(t, opener{&s.tree}, tc.path), tc.want)
	}
	st, _ := s.Stat("/devices/system/cpu/online")
	if st.Size != 4096 {
		t.Errorf("sysfs attribute size %d, want 4096", st.Size)
	}
	if _, e := s.Stat("/devices/system/cpu/cpu2"); e != abi.ENOENT {
		t.Errorf("cpu2 exists on a 2-CPU system: errno %d", e)
	}
	if ents, _ := s.ReadDir("/fs/cgroup"); len(ents) != 0 {
		t.Errorf("/sys/fs/cgroup not empty: %v", ents)
	}
	if sf := s.Statfs(); sf.Type != sysfsMagic || sf.Flags&abi.ST_RDONLY == 0 {
		t.Errorf("sysfs statfs %+v", sf)
	}
}

func TestWalkDev(t *testing.T) {
	d := NewDev(DevConfig{})
	modes := map[string]string{}
	walkTree(t, d, "/", modes)
	devs := []struct {
		name         string
		major, minor uint32
		gid          uint32
	}{{"null", 1, 3, 0}, {"zero", 1, 5, 0}, {"full", 1, 7, 0}, {"random", 1, 8, 0}, {"urandom", 1, 9, 0}, {"tty", 5, 0, 5}, {"ptmx", 5, 2, 5}}
	for _, dv := range devs {
		st, e := d.Stat("/" + dv.name)
		if e != 0 || modeString(st.Mode) != "crw-rw-rw-" || st.Rdev != mkdev(dv.major, dv.minor) || st.Gid != dv.gid || st.Uid != 0 {
			t.Errorf("%s: %s rdev %d:%d gid %d, errno %d", dv.name, modeString(st.Mode), devMajor(st.Rdev), devMinor(st.Rdev), st.Gid, e)
		}
	}
	for name, target := range map[string]string{"fd": "/proc/self/fd", "stdin": "/proc/self/fd/0", "stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"} {
		l, e := d.Readlink("/" + name)
		st, _ := d.Stat("/" + name)
		if e != 0 || l != target || st.Size != int64(len(target)) {
			t.Errorf("%s -> %q (size %d), errno %d; want %q", name, l, st.Size, e, target)
		}
	}
	for p, m := range map[string]string{"/": "drwxr-xr-x", "/shm": "drwxrwxrwt", "/mqueue": "drwxrwxrwt", "/pts": "drwxr-xr-x"} {
		if modes[p] != m {
			t.Errorf("%s: mode %q, want %q", p, modes[p], m)
		}
	}
	if mkdev(1, 3) != 0x103 || mkdev(136, 300) != 0x10882c || devMinor(mkdev(4095, 1<<20-1)) != 1<<20-1 || devMajor(mkdev(4095, 7)) != 4095 {
		t.Errorf("mkdev encoding")
	}
}

func TestDevSemantics(t *testing.T) {
	d := NewDev(DevConfig{})
	open := func(name string, flags int) rootfs.SyntheticFile {
		t.Helper()
		f, e := d.Open("/"+name, flags)
		if e != 0 {
			t.Fatalf("open %s: errno %d", name, e)
		}
		return f
	}
	b := bytes.Repeat([]byte{0xaa}, 4096)

	f := open("null", abi.O_RDWR)
	if n, e := f.ReadAt(b, 0); n != 0 || e != 0 {
		t.Errorf("read null = %d, %d", n, e)
	}
	if n, e := f.WriteAt(b, 12345); n != len(b) || e != 0 {
		t.Errorf("write null = %d, %d", n, e)
	}
	f = open("zero", abi.O_RDWR)
	if n, e := f.ReadAt(b, 99); n != len(b) || e != 0 || !bytes.Equal(b, make([]byte, len(b))) {
		t.Errorf("read zero = %d, %d", n, e)
	}
	if n, e := f.WriteAt(b, 0); n != len(b) || e != 0 {
		t.Errorf("write zero = %d, %d", n, e)
	}
	f = open("full", abi.O_RDWR)
	b[0] = 1
	if n, e := f.ReadAt(b, 0); n != len(b) || e != 0 || b[0] != 0 {
		t.Errorf("read full = %d, %d", n, e)
	}
	if n, e := f.WriteAt(b, 0); n != 0 || e != abi.ENOSPC {
		t.Errorf("write full = %d, %d; want ENOSPC", n, e)
	}
	for _, name := range []string{"random", "urandom"} {
		f = open(name, abi.O_RDWR)
		r1, r2 := make([]byte, 64), make([]byte, 64)
		if n, e := f.ReadAt(r1, 0); n != 64 || e != 0 {
			t.Errorf("read %s = %d, %d", name, n, e)
		}
		f.ReadAt(r2, 0)
		if bytes.Equal(r1, r2) || bytes.Equal(r1, make([]byte, 64)) {
			t.Errorf("%s is not random", name)
		}
		if n, e := f.WriteAt(r1, 0); n != 64 || e != 0 {
			t.Errorf("write %s = %d, %d", name, n, e)
		}
	}
	// Access modes are enforced on the open file.
	f = open("zero", abi.O_RDONLY)
	if _, e := f.WriteAt(b, 0); e != abi.EBADF {
		t.Errorf("write to a read-only fd: errno %d", e)
	}
	f = open("zero", abi.O_WRONLY)
	if _, e := f.ReadAt(b, 0); e != abi.EBADF {
		t.Errorf("read from a write-only fd: errno %d", e)
	}

	// No controlling terminal, no pty driver: ENXIO.
	for _, name := range []string{"tty", "ptmx"} {
		if _, e := d.Open("/"+name, abi.O_RDWR); e != abi.ENXIO {
			t.Errorf("open %s: errno %d, want ENXIO", name, e)
		}
	}
	// With the hooks, the opens reach them.
	var got []string
	hook := func(name string) func(int) (rootfs.SyntheticFile, abi.Errno) {
		return func(flags int) (rootfs.SyntheticFile, abi.Errno) {
			got = append(got, name)
			return &memFile{kind: devNull, flags: flags}, 0
		}
	}
	d = NewDev(DevConfig{TTY: hook("tty"), PTMX: hook("ptmx")})
	for _, name := range []string{"tty", "ptmx"} {
		if _, e := d.Open("/"+name, abi.O_RDWR|abi.O_NOCTTY); e != 0 {
			t.Errorf("open %s with hook: errno %d", name, e)
		}
	}
	if strings.Join(got, ",") != "tty,ptmx" {
		t.Errorf("hooks called: %v", got)
	}
	if sf := d.Statfs(); sf.Type != tmpfsMagic {
		t.Errorf("dev statfs %+v", sf)
	}
}

func TestWrites(t *testing.T) {
	fp := testProc()
	cp := commProc{fp}
	pr := NewProc(testSystem(), &fakeTable{procs: []Process{cp}})
	s := NewSys(testSystem())

	// Opening for writing: procfs files open for root and the write fails
	// (EINVAL for seq files, EIO for proc_create ones); /proc/sys and /sys
	// are read-only mounts.
	tests := []struct {
		fs        rootfs.Synthetic
		path      string
		openErr   abi.Errno
		writeErrn abi.Errno
	}{
		{pr, "/4242/stat", 0, abi.EINVAL},
		{pr, "/4242/maps", 0, abi.EINVAL},
		{pr, "/4242/environ", 0, abi.EINVAL},
		{pr, "/cpuinfo", 0, abi.EIO},
		{pr, "/meminfo", 0, abi.EIO},
		{pr, "/sys/kernel/osrelease", abi.EACCES, 0},
		{pr, "/sys/kernel/random/uuid", abi.EACCES, 0},
		{pr, "/sys/kernel/hostname", abi.EROFS, 0},
		{pr, "/sys/vm/overcommit_memory", abi.EROFS, 0},
		{s, "/devices/system/cpu/online", abi.EACCES, 0},
		{s, "/kernel/mm/transparent_hugepage/enabled", abi.EROFS, 0},
	}
	for _, tc := range tests {
		for _, flags := range []int{abi.O_WRONLY, abi.O_RDWR, abi.O_RDONLY | abi.O_TRUNC} {
			f, e := tc.fs.Open(tc.path, flags)
			if e != tc.openErr {
				t.Errorf("open %s flags %#x: errno %d, want %d", tc.path, flags, e, tc.openErr)
				continue
			}
			if e != 0 || flags&abi.O_ACCMODE == abi.O_RDONLY {
				continue
			}
			if _, e := f.WriteAt([]byte("x"), 0); e != tc.writeErrn {
				t.Errorf("write %s: errno %d, want %d", tc.path, e, tc.writeErrn)
			}
		}
	}
	// Directories cannot be opened for writing.
	if _, e := pr.Open("/4242", abi.O_RDWR); e != abi.EISDIR {
		t.Errorf("open dir for writing: errno %d", e)
	}
	if _, e := pr.Open("/cpuinfo", abi.O_RDONLY|abi.O_DIRECTORY); e != abi.ENOTDIR {
		t.Errorf("O_DIRECTORY on a file: errno %d", e)
	}

	// comm is writable through CommSetter; at most 15 bytes are kept.
	f, e := pr.Open("/4242/task/4243/comm", abi.O_WRONLY)
	if e != 0 {
		t.Fatalf("open comm: errno %d", e)
	}
	if n, e := f.WriteAt([]byte("a-very-long-thread-name"), 0); n != 23 || e != 0 {
		t.Errorf("write comm = %d, %d", n, e)
	}
	if got := read(t, opener{&pr.tree}, "/4242/task/4243/comm"); got != "a-very-long-thr\n" {
		t.Errorf("comm after write = %q", got)
	}
	// Without CommSetter, comm is read-only (EINVAL on write).
	pr2, _ := newTestProc()
	f, _ = pr2.Open("/4242/comm", abi.O_WRONLY)
	if _, e := f.WriteAt([]byte("x"), 0); e != abi.EINVAL {
		t.Errorf("write comm without setter: errno %d", e)
	}
}

func TestNonRootAccess(t *testing.T) {
	self := testProc()
	self.creds = Creds{UID: 1000, EUID: 1000, SUID: 1000, FSUID: 1000, GID: 1000, EGID: 1000, SGID: 1000, FSGID: 1000}
	other := testProc()
	other.pid = 1
	other.threads = []Thread{{TID: 1, Comm: "init", State: 'S'}}
	other.creds = RootCreds()
	pr := NewProc(testSystem(), &fakeTable{procs: []Process{self, other}})
	tests := []struct {
		path  string
		flags int
		want  abi.Errno
	}{
		{"/4242/environ", abi.O_RDONLY, 0}, // its own
		{"/1/environ", abi.O_RDONLY, abi.EACCES},
		{"/1/auxv", abi.O_RDONLY, abi.EACCES},
		{"/1/stat", abi.O_RDONLY, 0},
		{"/1/stat", abi.O_WRONLY, abi.EACCES},
		{"/4242/stat", abi.O_WRONLY, abi.EACCES},
		{"/4242/comm", abi.O_WRONLY, 0},
		{"/1/comm", abi.O_WRONLY, abi.EACCES},
		{"/cpuinfo", abi.O_WRONLY, abi.EACCES},
		{"/1/fd", abi.O_RDONLY | abi.O_DIRECTORY, abi.EACCES},
		{"/4242/fd", abi.O_RDONLY | abi.O_DIRECTORY, 0},
	}
	for _, tc := range tests {
		f, e := pr.Open(tc.path, tc.flags)
		if e != tc.want {
			t.Errorf("open %s flags %#x as uid 1000: errno %d, want %d", tc.path, tc.flags, e, tc.want)
		}
		if e == 0 {
			f.Close()
		}
	}
	st, _ := pr.Stat("/4242/maps")
	if st.Uid != 1000 || st.Gid != 1000 {
		t.Errorf("pid files owned by %d:%d", st.Uid, st.Gid)
	}
	ents, _ := pr.ReadDir("/")
	if n := len(ents); ents[n-2].Name != "1" || ents[n-1].Name != "4242" {
		t.Errorf("pids not sorted: %v", ents[n-2:])
	}
}

// TestSnapshot checks a file reads the same bytes for the whole of one open
// while the process changes, and the next open sees the change.
func TestSnapshot(t *testing.T) {
	pr, fp := newTestProc()
	f, e := pr.Open("/4242/maps", abi.O_RDONLY)
	if e != 0 {
		t.Fatal(e)
	}
	first := make([]byte, 100)
	n1, _ := f.ReadAt(first, 0)
	before := string(renderMaps(fp.maps))
	fp.maps = fp.maps[:1]
	rest := make([]byte, 1<<16)
	n2, _ := f.ReadAt(rest, int64(n1))
	if got := string(first[:n1]) + string(rest[:n2]); got != before {
		t.Errorf("one open saw two versions")
	}
	if got := read(t, opener{&pr.tree}, "/4242/maps"); got != string(renderMaps(fp.maps)) {
		t.Errorf("a new open did not see the change")
	}
	if n, e := f.ReadAt(rest, 1<<40); n != 0 || e != 0 {
		t.Errorf("read past the end = %d, %d", n, e)
	}
	if _, e := f.ReadAt(rest, -1); e != abi.EINVAL {
		t.Errorf("read at -1: errno %d", e)
	}
}

func TestLookupEdgeCases(t *testing.T) {
	pr, _ := newTestProc()
	tests := []struct {
		path string
		want abi.Errno
	}{
		{"", abi.ENOENT},
		{"self", abi.ENOENT},
		{"/", 0},
		{"//", 0},
		{"/./4242/../4242/stat", 0},
		{"/self/stat", 0}, // a relative link in the middle is followed
		{"/thread-self/comm", 0},
		{"/self/", 0},
		{"/mounts/x", abi.ENOTDIR},
		{"/cpuinfo/", abi.ENOTDIR},
		{"/cpuinfo/x", abi.ENOTDIR},
		{"/04242", abi.ENOENT},
		{"/+4242", abi.ENOENT},
		{"/99999999999999999999", abi.ENOENT},
		{"/4242/task/4242/task", abi.ENOENT},
		{"/4242/task/4244", abi.ENOENT},
		{"/" + strings.Repeat("a", 300), abi.ENAMETOOLONG},
		{"/nonexistent", abi.ENOENT},
	}
	for _, tc := range tests {
		if _, e := pr.Stat(tc.path); e != tc.want {
			t.Errorf("stat %q: errno %d, want %d", tc.path, e, tc.want)
		}
	}
	if st, _ := pr.Stat("/self/stat"); st.Ino != ino("/4242/stat") {
		t.Errorf("/self/stat and /4242/stat differ in inode")
	}
	// No process: no self.
	empty := NewProc(testSystem(), &fakeTable{})
	if _, e := empty.Stat("/self"); e != abi.ENOENT {
		t.Errorf("self with no process: errno %d", e)
	}
	if got := read(t, opener{&empty.tree}, "/loadavg"); got != "0.52 0.58 1.50 1/1 0\n" {
		t.Errorf("loadavg with no process = %q", got)
	}
}

// FuzzLookup: no path makes any tree panic, and what Stat finds the other
// calls handle.
func FuzzLookup(f *testing.F) {
	for _, s := range []string{"/", "/self/maps", "/4242/fd/3", "/sys/kernel/random/uuid", "/devices/system/cpu/cpu1/online",
		"/fd", "/..//./x", "/4242/task/4243/../4243/stat", "\x00", "/self/../self/../self"} {
		f.Add(s, 0)
	}
	pr, _ := newTestProc()
	cp := NewProc(testSystem(), &fakeTable{procs: []Process{commProc{testProc()}}})
	trees := []rootfs.Synthetic{pr, cp, NewSys(testSystem()), NewDev(DevConfig{})}
	f.Fuzz(func(t *testing.T, p string, flags int) {
		for _, s := range trees {
			st, e := s.Stat(p)
			s.Readlink(p)
			s.ReadDir(p)
			if fl, e := s.Open(p, flags); e == 0 {
				fl.ReadAt(make([]byte, 64), 0)
				fl.WriteAt([]byte("x\n"), 0)
				fl.Close()
			}
			if e == 0 && st.Mode == 0 {
				t.Errorf("%q: zero mode", p)
			}
		}
	})
}
