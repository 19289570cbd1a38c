package runtime

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func TestParseSignal(t *testing.T) {
	for in, want := range map[string]syscall.Signal{
		"9": syscall.SIGKILL, "KILL": syscall.SIGKILL, "SIGKILL": syscall.SIGKILL, "kill": syscall.SIGKILL,
		"TERM": syscall.SIGTERM, "usr1": unix.SIGUSR1, "SIGHUP": syscall.SIGHUP,
	} {
		if got, err := ParseSignal(in); err != nil || got != want {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "-1", "65", "NOPE", "SIG"} {
		if _, err := ParseSignal(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCheckID(t *testing.T) {
	for _, ok := range []string{"a", "c1", "a.b-c_d+e", "x..y"} {
		if err := checkID(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"", ".", "..", "a/b", "../x", "a b", "é"} {
		if err := checkID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestPidFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "init.pid")
	if err := writePidFile(p, 4242); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "4242" {
		t.Fatalf("pid file %q, want 4242 with no newline", b)
	}
}

func TestLookPathAndMounts(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "usr", "bin"), 0o755)
	os.Symlink("/bin/busybox", filepath.Join(root, "usr", "bin", "env"))
	if p, ok := lookPath(root, nil, "env", []string{"PATH=/bin:/usr/bin"}); !ok || p != "/usr/bin/env" {
		t.Fatalf("lookPath: %q %v", p, ok)
	}
	if _, ok := lookPath(root, nil, "missing", nil); ok {
		t.Fatal("found a missing program")
	}
	b := &Bundle{Dir: "/b", Rootfs: root, Spec: &specs.Spec{Version: specs.Version,
		Process: &specs.Process{Args: []string{"env"}, Cwd: "/", Env: []string{"PATH=/usr/bin"}},
		Mounts: []specs.Mount{
			{Destination: "/proc", Type: "proc", Source: "proc"},
			{Destination: "/data", Type: "bind", Source: "data", Options: []string{"rbind", "ro"}},
			{Destination: "/cache", Type: "none", Source: "/host/cache", Options: []string{"bind"}},
			{Destination: "/dev", Type: "tmpfs", Source: "tmpfs"},
			{Destination: "/run", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "mode=755"}},
			{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup", Options: []string{"ro"}},
		}}}
	state := t.TempDir()
	cfg, err := guestConfig(b, state)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Path != "/usr/bin/env" || !cfg.PidPrivate || len(cfg.Mounts) != 3 {
		t.Fatalf("config %+v", cfg)
	}
	if m := cfg.Mounts[0]; m.Guest != "/data" || m.Host != "/b/data" || !m.ReadOnly {
		t.Fatalf("bind mount %+v", m)
	}
	if m := cfg.Mounts[1]; m.Guest != "/cache" || m.Host != "/host/cache" || m.ReadOnly {
		t.Fatalf("bind mount %+v", m)
	}
	// A tmpfs is a private directory of the container, with the mode asked.
	if m := cfg.Mounts[2]; m.Guest != "/run" || !strings.HasPrefix(m.Host, state) {
		t.Fatalf("tmpfs mount %+v", m)
	}
	if fi, err := os.Stat(cfg.Mounts[2].Host); err != nil || fi.Mode().Perm() != 0o755 {
		t.Fatalf("tmpfs directory: %v %v", fi.Mode(), err)
	}
	if u := Unsupported(&specs.Spec{Mounts: []specs.Mount{{Destination: "/proc", Type: "proc"}, {Destination: "/mnt", Type: "nfs"}}}); len(u) != 1 || !strings.Contains(u[0], "/mnt") {
		t.Fatalf("unsupported mounts: %v", u)
	}
	if u := Unsupported(&specs.Spec{Process: &specs.Process{User: specs.User{UID: 1000, Username: "x"}}, Hooks: &specs.Hooks{}}); len(u) != 1 || !strings.Contains(u[0], "username") {
		t.Fatalf("unsupported: %v", u)
	}
}

// A bundle's overlay lowers (carrick's annotation) are checked at load,
// found by lookPath, and given to the guest.
func TestBundleLowers(t *testing.T) {
	dir := t.TempDir()
	upper, lower := filepath.Join(dir, "rootfs"), filepath.Join(dir, "sha256:l1")
	os.MkdirAll(upper, 0o755)
	os.MkdirAll(filepath.Join(lower, "bin"), 0o755)
	os.WriteFile(filepath.Join(lower, "bin", "tool"), []byte("x"), 0o755)
	write := func(lowers string) {
		s := DefaultSpec()
		s.Process.Args = []string{"tool"}
		s.Annotations = map[string]string{LowersAnnotation: lowers}
		data, _ := json.Marshal(s)
		os.WriteFile(filepath.Join(dir, "config.json"), data, 0o644)
	}
	write(`["` + lower + `"]`)
	b, err := LoadBundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := guestConfig(b, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Path != "/bin/tool" || len(cfg.Lowers) != 1 || cfg.Lowers[0] != lower {
		t.Fatalf("config path %q lowers %q", cfg.Path, cfg.Lowers)
	}
	for _, bad := range []string{`["relative"]`, `["` + dir + `/missing"]`, lower, `[]`} {
		write(bad)
		if _, err := LoadBundle(dir); err == nil || !strings.Contains(err.Error(), LowersAnnotation) {
			t.Errorf("lowers %s: %v", bad, err)
		}
	}
}
