package sysemu_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/carrick-go/carrick/sysemu"
	"github.com/carrick-go/carrick/vcpu/interp"
)

// TestMain serves carrick's child mode for the guests' fork and vfork+exec
// children (startChild runs this test binary with sysemu.ChildCommand):
// the same steps as runtime.RunChild, with the interpreter.
func TestMain(m *testing.M) {
	if len(os.Args) == 2 && os.Args[1] == sysemu.ChildCommand {
		os.Exit(runChild())
	}
	os.Exit(m.Run())
}

func runChild() int {
	var spec sysemu.ChildSpec
	if err := json.NewDecoder(os.NewFile(3, "spec")).Decode(&spec); err != nil {
		fmt.Fprintln(os.Stderr, "child: bad spec:", err)
		return 127
	}
	var p *sysemu.Process
	var err error
	if spec.Fork != nil {
		p, err = sysemu.StartForked(&spec, interp.New)
	} else {
		files := map[int]*os.File{}
		for guest, host := range spec.FDs {
			files[guest] = os.NewFile(uintptr(host), "fd")
		}
		views := map[int]sysemu.InheritedView{}
		for guest, v := range spec.Views {
			iv := sysemu.InheritedView{Path: v.Path, Flags: v.Flags}
			if v.Host >= 0 {
				iv.File = os.NewFile(uintptr(v.Host), "view")
			}
			views[guest] = iv
		}
		umask := spec.Umask
		p, err = sysemu.Start(sysemu.Config{
			Root: spec.Root, Mounts: spec.Mounts, Metadata: spec.Metadata, ReadOnlyRoot: spec.ReadOnlyRoot,
			Lowers: spec.Lowers, Dir: spec.Dir, Path: spec.Path, Argv: spec.Argv, Env: spec.Env,
			Files: files, Views: views, Umask: &umask, Ignored: spec.Ignored, Mask: spec.Mask,
			Shm: spec.Shm, Registry: spec.Registry, PidNS: spec.PidNS, Pid: spec.Pid,
			Hostname: spec.Hostname, Rlimits: spec.Rlimits, NoNewPrivs: spec.NoNewPrivs, Creds: spec.Creds,
		}, interp.New)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 127
	}
	st := p.Run()
	p.Close()
	if st.Signal != 0 {
		syscall.Kill(os.Getpid(), syscall.Signal(st.Signal))
	}
	return st.ShellCode()
}

// TestOverlayRootGuest runs busybox from an overlay root: the busybox
// image is the bottom layer as it is (never written), a small layer above
// adds a file and removes one, and the upper starts empty. The shell, its
// fork children (subshells), what they exec, and spawned programs
// (vfork+exec) all see the merged tree and each other's writes.
func TestOverlayRootGuest(t *testing.T) {
	top, _ := filepath.Abs("../test/fixtures/out/rootfs/busybox")
	if _, err := os.Stat(filepath.Join(top, "bin/busybox")); err != nil {
		t.Skip("busybox fixture not built (make fixtures)")
	}
	base := t.TempDir()
	upper, layer := filepath.Join(base, "upper"), filepath.Join(base, "layer")
	for _, d := range []string{upper, filepath.Join(layer, "etc")} {
		os.MkdirAll(d, 0o755)
	}
	os.WriteFile(filepath.Join(layer, "etc/ovtop"), []byte("top\n"), 0o644)
	os.WriteFile(filepath.Join(layer, "etc/.wh.group"), nil, 0o644)

	out, err := os.CreateTemp(base, "out")
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	null, _ := os.Open(os.DevNull)
	defer null.Close()
	script := `cat /etc/ovtop; test -e /etc/group && echo group-visible; echo up > /tmp/w
(cat /tmp/w; test -e /etc/passwd && echo fork-passwd; test -e /etc/group || echo fork-nogroup)
(exec cat /etc/ovtop)
/bin/sh -c 'cat /tmp/w /etc/ovtop; echo spawned > /tmp/s; rm /etc/passwd'
cat /tmp/s; test -e /etc/passwd || echo passwd-gone
`
	p, err := sysemu.Start(sysemu.Config{Root: upper, Lowers: []string{layer, top}, Path: "/bin/sh",
		Argv: []string{"sh", "-c", script}, Env: []string{"PATH=/bin:/usr/bin"},
		Stdin: null, Stdout: out, Stderr: out, Log: out}, interp.New)
	if err != nil {
		t.Fatal(err)
	}
	st := p.Run()
	p.Close()
	b, _ := os.ReadFile(out.Name())
	want := "top\nup\nfork-passwd\nfork-nogroup\ntop\nup\ntop\nspawned\npasswd-gone\n"
	if st.ShellCode() != 0 || string(b) != want {
		t.Fatalf("status %d, output:\n%s\nwant:\n%s", st.ShellCode(), b, want)
	}
	// The writes are in the upper; the layers are untouched.
	if s, _ := os.ReadFile(filepath.Join(upper, "tmp/s")); string(s) != "spawned\n" {
		t.Errorf("upper tmp/s = %q", s)
	}
	if _, err := os.Stat(filepath.Join(upper, "etc/.wh.passwd")); err != nil {
		t.Errorf("no whiteout for the removed passwd: %v", err)
	}
	if _, err := os.Stat(filepath.Join(top, "etc/passwd")); err != nil {
		t.Errorf("the image's passwd is gone: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Join(top, "tmp")); len(ents) != 0 && strings.Contains(fmt.Sprint(ents), " w") {
		t.Errorf("the image's tmp was written: %v", ents)
	}
}

// TestOverlayRootSpawn runs a posix_spawn (vfork+exec) program from a
// layer, working in a directory of the image alone: the spawned program
// gets the overlay root too, and the files and the directory it inherits.
func TestOverlayRootSpawn(t *testing.T) {
	top, _ := filepath.Abs("../test/fixtures/out/rootfs/busybox")
	prog, _ := filepath.Abs("../test/fixtures/out/c-rootfs/spawn_fds")
	bin, err := os.ReadFile(prog)
	if _, err2 := os.Stat(filepath.Join(top, "work")); err != nil || err2 != nil {
		t.Skip("fixtures not built (make fixtures)")
	}
	base := t.TempDir()
	upper, layer := filepath.Join(base, "upper"), filepath.Join(base, "layer")
	os.MkdirAll(upper, 0o755)
	os.MkdirAll(filepath.Join(layer, "bin"), 0o755)
	os.WriteFile(filepath.Join(layer, "bin/spawn_fds"), bin, 0o755)
	var stdout, stderr bytes.Buffer
	outf, _ := os.CreateTemp(base, "out")
	errf, _ := os.CreateTemp(base, "err")
	defer outf.Close()
	defer errf.Close()
	null, _ := os.Open(os.DevNull)
	defer null.Close()
	p, err := sysemu.Start(sysemu.Config{Root: upper, Lowers: []string{layer, top}, Path: "/bin/spawn_fds",
		Dir: "/work", Argv: []string{"/bin/spawn_fds"}, Stdin: null, Stdout: outf, Stderr: errf, Log: errf}, interp.New)
	if err != nil {
		t.Fatal(err)
	}
	st := p.Run()
	p.Close()
	b, _ := os.ReadFile(outf.Name())
	stdout.Write(b)
	b, _ = os.ReadFile(errf.Name())
	stderr.Write(b)
	for _, want := range []string{"child exit 7\n", "offset after the child read: 11\n", "parent opens data.txt again: ok\n"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q", want)
		}
	}
	for _, want := range []string{"read 5 from fd 5: world", "fd 6 is a directory: 1", "openat(fd 6, data.txt): ok", "cwd ends with /sub: 1"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if st.ShellCode() != 0 || t.Failed() {
		t.Fatalf("status %d\nstdout:\n%s\nstderr:\n%s", st.ShellCode(), stdout.String(), stderr.String())
	}
	if s, _ := os.ReadFile(filepath.Join(upper, "work/data.txt")); string(s) != "hello world\n" {
		t.Errorf("upper work/data.txt = %q", s)
	}
	if ents, _ := os.ReadDir(filepath.Join(top, "work")); len(ents) != 0 {
		t.Errorf("the image's /work was written: %v", ents)
	}
}
