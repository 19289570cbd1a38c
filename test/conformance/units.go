//go:build linux

package conformance

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/carrick-go/carrick/test/oracle"
	"github.com/carrick-go/carrick/test/programs"
)

// unit is one process run of a suite: a Go package's test binary, a CPython
// test module, a probe.
type unit struct {
	name  string
	spec  oracle.Spec
	stdin string // the guest's stdin (a fresh reader for each run)
	input string // digest of what the run depends on besides the runner
}

// guestEnv is the base environment of every run; nothing of the host's
// leaks in.
var guestEnv = []string{"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME=/root", "LANG=C"}

// units lists the units of the suite in the tier ("smoke" or "full"),
// restricted to only when not empty, preparing what they need (test
// binaries).
func (h *Harness) units(s *Suite, tier string, only []string) ([]unit, error) {
	names := s.Tests
	if tier == "smoke" {
		names = s.Smoke
	}
	var err error
	if s.Kind == "regrtest" && slices.Equal(names, []string{"*"}) {
		if names, err = h.pythonModules(s); err != nil {
			return nil, err
		}
	}
	if s.Kind == "programs" && slices.Equal(names, []string{"*"}) {
		names = h.probeNames()
	}
	if len(only) > 0 {
		var sel []string
		for _, n := range names {
			if slices.Contains(only, n) {
				sel = append(sel, n)
			}
		}
		names = sel
	}
	root := filepath.Join(h.Fixtures, "rootfs", s.Rootfs)
	var out []unit
	for _, n := range names {
		if _, ok := s.Exclude[n]; ok {
			continue
		}
		if _, ok := s.Slow[n]; ok && !h.Slow && !slices.Contains(only, n) {
			continue
		}
		var u unit
		switch s.Kind {
		case "gotest":
			u, err = h.goUnit(s, root, n)
		case "regrtest":
			u = h.pythonUnit(s, root, n)
		case "programs":
			u, err = h.probeUnit(s, root, n)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// expand fills the placeholders of the suite's command.
func expand(cmd []string, vars map[string]string) []string {
	out := make([]string, len(cmd))
	for i, a := range cmd {
		for k, v := range vars {
			a = strings.ReplaceAll(a, "{"+k+"}", v)
		}
		out[i] = a
	}
	return out
}

// innerTimeout is what the guest's own watchdog gets: 90% of the unit's.
func innerTimeout(s *Suite) string {
	return strconv.Itoa(int(time.Duration(s.Timeout).Seconds() * 9 / 10))
}

// ---- gotest ----

// goUnit builds (once per Go version) PKG's test binary for linux/arm64 and
// runs it in the package's directory of the host's GOROOT, mounted
// read-only, as `go test` would.
func (h *Harness) goUnit(s *Suite, root, pkg string) (unit, error) {
	bin, sum, err := h.goTestBinary(pkg)
	if err != nil {
		return unit{}, err
	}
	goroot := runtime.GOROOT()
	if out, err := exec.Command("go", "env", "GOROOT").Output(); err == nil {
		goroot = strings.TrimSpace(string(out))
	}
	spec := oracle.Spec{
		Root: root,
		Argv: expand(s.Command, map[string]string{"bin": "/work/bin/" + filepath.Base(bin), "test": pkg,
			"timeout": innerTimeout(s)}),
		Env:   append(append(slices.Clone(guestEnv), "GOROOT=/work/goroot"), s.Env...),
		Forks: true,
		Dir:   "/work/goroot/src/" + pkg,
		Volumes: []oracle.Volume{
			{Host: filepath.Dir(bin), Guest: "/work/bin", ReadOnly: true},
			{Host: filepath.Join(goroot, "src"), Guest: "/work/goroot/src", ReadOnly: true},
			{Host: filepath.Join(goroot, "lib"), Guest: "/work/goroot/lib", ReadOnly: true},
		},
	}
	return unit{name: pkg, spec: spec, input: sum}, nil
}

// goTestBinary returns the path and digest of PKG's arm64 test binary,
// building it into the cache when it is not there.
func (h *Harness) goTestBinary(pkg string) (string, string, error) {
	ver, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		return "", "", fmt.Errorf("go env GOVERSION: %v", err)
	}
	dir := filepath.Join(h.Cache, "gotest", strings.TrimSpace(string(ver)))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	bin := filepath.Join(dir, strings.ReplaceAll(pkg, "/", "_")+".test")
	if _, err := os.Stat(bin); err != nil {
		h.logf("building %s test binary (GOARCH=arm64)", pkg)
		cmd := exec.Command("go", "test", "-c", "-o", bin+".tmp", pkg)
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", "", fmt.Errorf("go test -c %s: %v\n%s", pkg, err, out)
		}
		if err := os.Rename(bin+".tmp", bin); err != nil {
			return "", "", err
		}
	}
	sum, err := fileDigest(bin)
	return bin, sum, err
}

func fileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	d := sha256.New()
	if _, err := io.Copy(d, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(d.Sum(nil))[:16], nil
}

// ---- regrtest ----

const pythonTests = "usr/lib/python3.11/test"

// pythonModules lists the test modules of the root's CPython test suite the
// way regrtest finds them: test_*.py files and test_* packages.
func (h *Harness) pythonModules(s *Suite) ([]string, error) {
	dir := filepath.Join(h.Fixtures, "rootfs", s.Rootfs, pythonTests)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("CPython's test suite (libpython3.11-testsuite, make fixtures): %v", err)
	}
	var names []string
	for _, e := range ents {
		n := e.Name()
		if !strings.HasPrefix(n, "test_") {
			continue
		}
		if e.IsDir() {
			if _, err := os.Stat(filepath.Join(dir, n, "__init__.py")); err == nil {
				names = append(names, n)
			}
		} else if m, ok := strings.CutSuffix(n, ".py"); ok && m != "test_support" {
			names = append(names, m)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s has no test modules", dir)
	}
	slices.Sort(names)
	return names, nil
}

func (h *Harness) pythonUnit(s *Suite, root, module string) unit {
	spec := oracle.Spec{
		Root:  root,
		Argv:  expand(s.Command, map[string]string{"test": module, "timeout": innerTimeout(s)}),
		Env:   append(slices.Clone(guestEnv), s.Env...),
		Forks: true,
	}
	stamp, _ := os.ReadFile(root + ".stamp")
	return unit{name: module, spec: spec, input: strings.TrimSpace(string(stamp))}
}

// ---- programs: carrick's own probes ----

// probeNames lists carrick's probes: the C probes (at -O2), the Go probes
// and the oracle cases.
func (h *Harness) probeNames() []string {
	var names []string
	cs, _ := filepath.Glob(filepath.Join(h.Top, "test/programs/c/*.c"))
	for _, c := range cs {
		names = append(names, "c/"+strings.TrimSuffix(filepath.Base(c), ".c"))
	}
	gs, _ := filepath.Glob(filepath.Join(h.Top, "test/programs/go/*/main.go"))
	for _, g := range gs {
		names = append(names, "go/"+filepath.Base(filepath.Dir(g)))
	}
	for _, c := range oracle.Cases {
		names = append(names, "case/"+c.Name)
	}
	return names
}

func (h *Harness) probeUnit(s *Suite, root, name string) (unit, error) {
	kind, rest, _ := strings.Cut(name, "/")
	switch kind {
	case "c", "go":
		src := filepath.Join(h.Top, "test/programs", kind, rest+".c")
		bin := filepath.Join(h.Fixtures, "c", rest+"-O2")
		if kind == "go" {
			src = filepath.Join(h.Top, "test/programs/go", rest, "main.go")
			bin = filepath.Join(h.Fixtures, "go", rest)
		}
		sum, err := fileDigest(bin)
		if err != nil {
			return unit{}, fmt.Errorf("probe %s (make fixtures): %v", name, err)
		}
		spec := oracle.Spec{
			Root:    root,
			Argv:    append([]string{"/work/bin/" + filepath.Base(bin)}, programs.ArgsOf(src)...),
			Env:     slices.Clone(guestEnv),
			Forks:   true,
			Volumes: []oracle.Volume{{Host: filepath.Dir(bin), Guest: "/work/bin", ReadOnly: true}},
		}
		return unit{name: name, spec: spec, input: sum}, nil
	case "case":
		for _, c := range oracle.Cases {
			if c.Name != rest {
				continue
			}
			croot := filepath.Join(h.Fixtures, "rootfs", c.Root)
			spec := oracle.Spec{Root: croot, Argv: c.Argv, Env: c.Environ(), Files: c.Files, Forks: c.Forks}
			stamp, _ := os.ReadFile(croot + ".stamp")
			return unit{name: name, spec: spec, stdin: c.Stdin, input: fmt.Sprintf("%+v %s", c, stamp)}, nil
		}
	}
	return unit{}, fmt.Errorf("no probe %q", name)
}
