package procfs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// TestThroughRootfs mounts the three trees in a real file view, as sysemu
// does, and resolves through rootfs: links between the mounts, the mount
// table, and a host directory bound on /dev/shm.
func TestThroughRootfs(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "usr/bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "usr/bin/python3.11"), []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	shm := t.TempDir()
	fp := testProc()
	fp.fds[0].Target = "/usr/bin/python3.11"
	table := &fakeTable{procs: []Process{fp}}
	proc := NewProc(testSystem(), table)
	view, err := rootfs.New(root, rootfs.Options{Mounts: []rootfs.Mount{
		{Guest: "/proc", Synthetic: proc},
		{Guest: "/sys", Synthetic: NewSys(proc.System())},
		{Guest: "/dev", Synthetic: NewDev(DevConfig{})},
		{Guest: "/dev/shm", Host: shm},
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer view.Close()
	fp.mounts = MountsFromView(view)

	readFile := func(p string) string {
		t.Helper()
		f, e := view.Open(view.Root(), p, abi.O_RDONLY, 0)
		if e != 0 {
			t.Fatalf("open %s: errno %d", p, e)
		}
		defer f.Close()
		s := f.Synthetic()
		if s == nil {
			t.Fatalf("%s is not synthetic", p)
		}
		b := make([]byte, 1<<16)
		n, _ := s.ReadAt(b, 0)
		return string(b[:n])
	}
	if got := readFile("/proc/self/maps"); got != string(renderMaps(fp.maps)) {
		t.Errorf("/proc/self/maps through rootfs:\n%s", got)
	}
	if got := readFile("/proc/sys/kernel/osrelease"); got != "6.12.0-carrick\n" {
		t.Errorf("osrelease = %q", got)
	}
	if got := readFile("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size"); got != "2097152\n" {
		t.Errorf("hpage_pmd_size = %q", got)
	}
	// /dev/stdin -> /proc/self/fd/0 -> a guest path: followed, confined.
	st, e := view.Stat(view.Root(), "/dev/stdin")
	if e != 0 || st.Mode&sIFMT != sIFREG || st.Size != 1 {
		t.Errorf("stat /dev/stdin: %+v, errno %d", st, e)
	}
	if l, e := view.Readlink(view.Root(), "/dev/fd"); e != 0 || l != "/proc/self/fd" {
		t.Errorf("readlink /dev/fd = %q, %d", l, e)
	}
	d, e := view.OpenDir(view.Root(), "/dev/fd/")
	if e != 0 {
		t.Fatalf("opendir /dev/fd/: errno %d", e)
	}
	ents, e := view.ReadDir(d)
	d.Close()
	var names []string
	for _, ent := range ents {
		names = append(names, ent.Name)
	}
	if e != 0 || strings.Join(names, " ") != ". .. 0 1 2 3 70" {
		t.Errorf("/dev/fd lists %q, errno %d", names, e)
	}
	// A non-path fd target does not resolve through rootfs (no magic links).
	if _, e := view.Stat(view.Root(), "/dev/stdout"); e != abi.ENOENT {
		t.Errorf("stat /dev/stdout (a pipe): errno %d", e)
	}
	// The device nodes open through rootfs and behave.
	f, e := view.Open(view.Root(), "/dev/full", abi.O_WRONLY, 0)
	if e != 0 {
		t.Fatalf("open /dev/full: errno %d", e)
	}
	if _, e := f.Synthetic().WriteAt([]byte("x"), 0); e != abi.ENOSPC {
		t.Errorf("write /dev/full: errno %d", e)
	}
	f.Close()
	// /dev/shm is the host directory.
	if f, e := view.Open(view.Root(), "/dev/shm/seg", abi.O_RDWR|abi.O_CREAT, 0o600); e != 0 {
		t.Errorf("create in /dev/shm: errno %d", e)
	} else {
		f.Close()
		if _, err := os.Stat(filepath.Join(shm, "seg")); err != nil {
			t.Errorf("/dev/shm/seg not on the host: %v", err)
		}
	}
	// Creating in a synthetic tree is refused.
	if _, e := view.Open(view.Root(), "/proc/newfile", abi.O_RDWR|abi.O_CREAT, 0o600); e == 0 {
		t.Errorf("created a file in /proc")
	}

	// The mount table as mounts shows it.
	got := readFile("/proc/mounts")
	want := "overlay / overlay rw,relatime 0 0\n" +
		"proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n" +
		"sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0\n" +
		"tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0\n" +
		"shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0\n"
	golden(t, "mounts", got, want)
	info := readFile("/proc/self/mountinfo")
	lines := strings.Split(strings.TrimSpace(info), "\n")
	wantInfo := []string{
		"20 1 ", "21 20 0:21 / /proc rw,nosuid,nodev,noexec,relatime - proc proc rw",
		"22 20 0:20 / /sys ro,nosuid,nodev,noexec,relatime - sysfs sysfs ro",
		"23 20 0:5 / /dev rw,nosuid - tmpfs tmpfs rw,size=65536k,mode=755", "24 23 ",
	}
	if len(lines) != len(wantInfo) {
		t.Fatalf("mountinfo:\n%s", info)
	}
	for i, w := range wantInfo {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("mountinfo line %d = %q, want prefix %q", i+1, lines[i], w)
		}
	}
	// fdinfo's mnt_id agrees with mountinfo.
	if got := readFile("/proc/self/fdinfo/0"); !strings.Contains(got, "mnt_id:\t25\n") {
		// fd 0 carries its own MntID (25) in testProc.
		t.Errorf("fdinfo/0 = %q", got)
	}
	if got := readFile("/proc/self/fdinfo/2"); !strings.Contains(got, "mnt_id:\t20\n") {
		t.Errorf("fdinfo/2 (on the root mount) = %q", got)
	}
	// statfs through the view.
	if sf, e := view.Statfs(view.Root(), "/proc/self"); e != 0 || sf.Type != procSuperMagic {
		t.Errorf("statfs /proc: %+v, %d", sf, e)
	}
}
