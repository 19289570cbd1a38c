//go:build linux

package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carrick-go/carrick/test/oracle"
)

// Knobs (environment of `go test`):
//
//	CARRICK_FIXTURES           fixture directory (default test/fixtures/out)
//	CARRICK_CONFORMANCE_CACHE  the oracle's results and test binaries
//	                           (default ~/.cache/carrick/conformance)
//	CARRICK_BIN                a carrick binary instead of building one

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, _ := os.Getwd()
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.mod above %s", dir)
		}
	}
}

// harness is a Harness over the fixtures with carrick at bin.
func harness(t *testing.T, top, bin string) *Harness {
	t.Helper()
	fixtures := os.Getenv("CARRICK_FIXTURES")
	if fixtures == "" {
		fixtures = filepath.Join(top, "test/fixtures/out")
	}
	if _, err := os.Stat(filepath.Join(fixtures, "rootfs", "debian")); err != nil {
		t.Fatalf("the conformance suites need the fixtures (make fixtures): %v", err)
	}
	cache := os.Getenv("CARRICK_CONFORMANCE_CACHE")
	if cache == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			t.Fatal(err)
		}
		cache = filepath.Join(c, "carrick", "conformance")
	}
	return &Harness{Top: top, Fixtures: fixtures, Carrick: bin, Cache: cache, Out: t.TempDir(), Jobs: 2,
		Log: testLog{t}}
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// buildCarrick builds ./cmd/carrick into dir; overlay replaces files (a
// scratch branch without a checkout: go build -overlay).
func buildCarrick(t *testing.T, top, dir string, overlay map[string]string) string {
	t.Helper()
	if bin := os.Getenv("CARRICK_BIN"); bin != "" && overlay == nil {
		return bin
	}
	out := filepath.Join(dir, "carrick")
	args := []string{"build", "-o", out}
	if overlay != nil {
		b, err := json.Marshal(map[string]any{"Replace": overlay})
		if err != nil {
			t.Fatal(err)
		}
		ov := filepath.Join(dir, "overlay.json")
		if err := os.WriteFile(ov, b, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "-overlay", ov)
	}
	cmd := exec.Command("go", append(args, "./cmd/carrick")...)
	cmd.Dir = top
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/carrick: %v\n%s", err, b)
	}
	return out
}

// TestSmoke is the smoke tier of every suite (make test): each of its tests
// must match the oracle as it does in the committed baseline.
func TestSmoke(t *testing.T) {
	top := repoRoot(t)
	m, err := LoadManifest(filepath.Join(top, "test/conformance/suites.json"))
	if err != nil {
		t.Fatal(err)
	}
	h := harness(t, top, buildCarrick(t, top, t.TempDir(), nil))
	var out bytes.Buffer
	res, err := h.Check(context.Background(), m, Options{Tier: "smoke",
		Baseline: filepath.Join(top, "test/conformance/baseline"), Out: &out})
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range res.Regressions {
		t.Errorf("REGRESSION %s: %s (%s)", v.Test, v.Verdict, v.Note)
	}
	for _, r := range res.Reports {
		bl, err := LoadBaseline(filepath.Join(top, "test/conformance/baseline", r.Suite+".json"), r.Suite)
		if err != nil {
			t.Fatal(err)
		}
		units := 0
		for _, v := range r.Verdicts {
			if IsUnit(v.Test) {
				units++
			}
			if _, ok := bl.Verdicts[v.Test]; !ok {
				t.Errorf("%s: %s is in the smoke tier but not in the baseline (bless a full run)", r.Suite, v.Test)
			}
		}
		if units != len(m.Suite(r.Suite).Smoke) {
			t.Errorf("%s: %d smoke units ran, the manifest has %d", r.Suite, units, len(m.Suite(r.Suite).Smoke))
		}
	}
}

// TestHarnessCatchesBrokenSyscall proves the harness fails a run when a
// syscall breaks: a synthetic suite is blessed with carrick as it is, then
// run with a carrick built from a scratch copy of sysemu whose uname(2)
// names the wrong machine. The uname probe must come out as a REGRESSION,
// the probe that does not call uname must still match.
func TestHarnessCatchesBrokenSyscall(t *testing.T) {
	top := repoRoot(t)
	dir := t.TempDir()
	src := filepath.Join(top, "sysemu", "sys_path.go")
	orig, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	good := []byte(`copy(u.Machine[:64], "aarch64")`)
	if bytes.Count(orig, good) != 1 {
		t.Fatalf("%s: uname's machine line not found; update this test", src)
	}
	broken := filepath.Join(dir, "sys_path_broken.go")
	if err := os.WriteFile(broken, bytes.Replace(orig, good, []byte(`copy(u.Machine[:64], "aarch65")`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	goodBin := buildCarrick(t, top, t.TempDir(), nil)
	badBin := buildCarrick(t, top, t.TempDir(), map[string]string{src: broken})

	manifest := filepath.Join(dir, "suites.json")
	suite := `{"suites": [{"name": "synthetic", "kind": "programs", "rootfs": "busybox", "parser": "output",
		"timeout": "60s", "tests": ["case/busybox/uname", "c/hello"], "smoke": ["case/busybox/uname", "c/hello"]}]}`
	if err := os.WriteFile(manifest, []byte(suite), 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := LoadManifest(manifest)
	if err != nil {
		t.Fatal(err)
	}
	baseline := filepath.Join(dir, "baseline")
	if err := os.Mkdir(baseline, 0o755); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	opts := Options{Tier: "full", Baseline: baseline, Out: &out, Bless: true}
	res, err := harness(t, top, goodBin).Check(context.Background(), m, opts)
	if err != nil {
		t.Fatal(err)
	}
	bl, err := LoadBaseline(filepath.Join(baseline, "synthetic.json"), "synthetic")
	if err != nil {
		t.Fatal(err)
	}
	if len(bl.Verdicts) != 2 || bl.Verdicts["case/busybox/uname"] != Match || bl.Verdicts["c/hello"] != Match {
		t.Fatalf("blessed baseline with carrick as it is: %v, want both MATCH\n%s", bl.Verdicts, out.String())
	}

	out.Reset()
	opts.Bless = false
	res, err = harness(t, top, badBin).Check(context.Background(), m, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	var reg []string
	for _, v := range res.Regressions {
		reg = append(reg, v.Test+" "+v.Verdict)
	}
	if !slices.Equal(reg, []string{"case/busybox/uname DIFF"}) {
		t.Errorf("regressions with uname broken: %q, want [case/busybox/uname DIFF]", reg)
	}
	if !strings.Contains(out.String(), "REGRESSION case/busybox/uname") {
		t.Errorf("the summary does not name the regression:\n%s", out.String())
	}
}

// TestKillTagged: a run's tag finds its own processes and nobody else's.
func TestKillTagged(t *testing.T) {
	start := func(tag string) *exec.Cmd {
		cmd := exec.Command("sleep", "60")
		cmd.Env = []string{tag}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		return cmd
	}
	tag := "CARRICK_RUN_TAG=conformance/test-" + time.Now().Format("150405.000000")
	mine, other := start(tag), start(tag+"-other")
	defer other.Process.Kill()
	if n := oracle.KillTagged(tag); n != 1 {
		t.Errorf("KillTagged found %d processes, want 1", n)
	}
	if err := mine.Wait(); err == nil {
		t.Error("the tagged process was not killed")
	}
	done := make(chan error, 1)
	go func() { done <- other.Wait() }()
	select {
	case <-done:
		t.Error("a process with another tag was killed")
	case <-time.After(200 * time.Millisecond):
	}
}
