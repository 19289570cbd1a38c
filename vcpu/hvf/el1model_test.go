package hvf

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/sysemu"
	"github.com/carrick-go/carrick/vcpu/interp"
)

// The EL1 model test: real programs run end to end through the hvf engine
// on the interpreter's EL1 model, and must give exactly what they give on
// the plain interpreter. Every syscall, fault, signal, thread and mmap goes
// through the vector page, the save area, the return path and the stage-1
// tables that a Mac runs.

func fixtures(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CARRICK_FIXTURES")
	if dir == "" {
		wd, _ := os.Getwd()
		dir = filepath.Join(wd, "..", "..", "test", "fixtures", "out")
	}
	if _, err := os.Stat(filepath.Join(dir, "rootfs", "busybox.stamp")); err != nil {
		t.Fatalf("fixtures missing (%v): run `make fixtures`; this test never skips", err)
	}
	return dir
}

type run struct {
	root string
	argv []string
}

type result struct {
	status         sysemu.ExitStatus
	stdout, stderr string
	log            string
}

func runWith(t *testing.T, r run, newMachine sysemu.NewMachine) result {
	t.Helper()
	dir := t.TempDir()
	out, _ := os.Create(filepath.Join(dir, "out"))
	errf, _ := os.Create(filepath.Join(dir, "err"))
	null, _ := os.Open(os.DevNull)
	defer out.Close()
	defer errf.Close()
	defer null.Close()
	var log bytes.Buffer
	p, err := sysemu.Start(sysemu.Config{Root: r.root, Path: r.argv[0], Argv: r.argv,
		Env: []string{"PATH=/bin:/usr/bin", "HOME=/", "LANG=C"}, Dir: "/",
		Stdin: null, Stdout: out, Stderr: errf, Log: &log}, newMachine)
	if err != nil {
		t.Fatalf("%v: %v", r.argv, err)
	}
	st := p.Run()
	p.Close()
	o, _ := os.ReadFile(out.Name())
	e, _ := os.ReadFile(errf.Name())
	return result{status: st, stdout: string(o), stderr: string(e), log: log.String()}
}

func TestEL1ModelRunsPrograms(t *testing.T) {
	fx := fixtures(t)
	busybox := filepath.Join(fx, "rootfs", "busybox")
	c := filepath.Join(fx, "c")
	gop := filepath.Join(fx, "go")
	runs := []run{
		{busybox, []string{"/bin/busybox", "echo", "hello from EL0"}},
		{busybox, []string{"/bin/ls", "-la", "/bin/busybox", "/etc"}},
		{busybox, []string{"/bin/sh", "-c", `i=0; s=""; while [ $i -lt 200 ]; do i=$((i+1)); s="$s$i"; done; echo ${#s}; trap 'echo trapped USR1' USR1; kill -USR1 $$; echo after; exit 3`}},
		{busybox, []string{"/bin/busybox", "sha256sum", "/bin/busybox"}},
		{busybox, []string{"/bin/busybox", "seq", "-s", ",", "1", "40"}},
		{c, []string{"/hello-O2"}},
		{c, []string{"/segv-O2"}},         // faults at EL0 → vector → SIGSEGV handler and siglongjmp
		{c, []string{"/signals-O2"}},      // signal frames: registers and vector registers written back
		{c, []string{"/neon-O2"}},         // AdvSIMD state across syscalls
		{c, []string{"/atomic_llsc-O2"}},  // exclusives need Normal memory (MMU on)
		{c, []string{"/threads-O2"}},      // several vCPUs, futexes
		{c, []string{"/malloc-O2"}},       // mmap/munmap/mprotect → stage-1 edits → tlbi
		{c, []string{"/mremap_memfd-O2"}}, // shared file mappings on the 16 KiB host granule
		{c, []string{"/setjmp-O2"}},
		{c, []string{"/sigaltstack_overflow-O2"}},
		{gop, []string{"/goroutines"}}, // Go: threads, futexes, SIGURG preemption (kicks)
		{gop, []string{"/preempt"}},
		{gop, []string{"/signals"}},
	}
	// CARRICK_EL1_BACKEND=hvf runs the same programs on the real hardware
	// (a signed test binary on an Apple Silicon Mac; docs/macos.md).
	backend := newModel
	if os.Getenv("CARRICK_EL1_BACKEND") == "hvf" {
		backend = New
	}
	for _, r := range runs {
		name := filepath.Base(r.root) + strings.Join(r.argv, " ")
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			want := runWith(t, r, interp.New)
			got := runWith(t, r, backend)
			if got.status != want.status || got.stdout != want.stdout || got.stderr != want.stderr {
				t.Errorf("under the EL1 model: status %+v, stdout %q, stderr %q, log %q\nplain interpreter: status %+v, stdout %q, stderr %q",
					got.status, clip(got.stdout), clip(got.stderr), clip(got.log), want.status, clip(want.stdout), clip(want.stderr))
			}
			if want.stdout == "" && want.status.Code == 0 {
				t.Errorf("the plain run printed nothing: the program proves nothing here")
			}
		})
	}
}

func clip(s string) string {
	if len(s) > 600 {
		return s[:300] + " … " + s[len(s)-300:]
	}
	return s
}
