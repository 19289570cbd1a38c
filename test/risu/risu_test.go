package risu

import (
	"encoding/json"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var patternFlag = flag.String("risu.pattern", "", "only run patterns whose name matches this regexp (or env RISU_PATTERN)")

const (
	defaultCases  = 2000 // per class, at least
	casesPerForm  = 25   // default: at least this many cases per pattern
	maxDefault    = 20000
	maxMismatches = 20 // reported per class
)

// harness holds the tools and built binaries shared by the tests.
type harness struct {
	dir     string
	qemu    string
	qemuCPU string // RISU_QEMU_CPU, default DefaultQemuCPU
	runner  string
	retAddr uint64
}

var (
	harnessOnce sync.Once
	harnessVal  *harness
	harnessErr  error
	tmpDir      string
)

func TestMain(m *testing.M) {
	if mode, ok := os.LookupEnv("RISU_FAKE_TARGET"); ok {
		fakeTarget(mode) // helper process for TestRunAllFaults
		return
	}
	flag.Parse()
	code := m.Run()
	if tmpDir != "" {
		os.RemoveAll(tmpDir)
	}
	os.Exit(code)
}

// setup finds qemu and the cross gcc and builds the runner, once. Missing
// tools fail the test.
func setup(t *testing.T) *harness {
	t.Helper()
	qemu := needTool(t, "qemu-aarch64-static", "qemu-user-static")
	gcc := needTool(t, "aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu")
	harnessOnce.Do(func() {
		// The binaries live in a fresh temp dir: go test's result cache,
		// which records the files this process opens, therefore never
		// replays a run (the interpreter is built by a subprocess the cache
		// cannot see, and every run uses a new seed).
		dir, err := os.MkdirTemp("", "risu")
		if err != nil {
			harnessErr = err
			return
		}
		tmpDir = dir
		runner, ret, err := BuildRunner(gcc, ".", dir)
		if err != nil {
			harnessErr = err
			return
		}
		cpu := os.Getenv("RISU_QEMU_CPU")
		if cpu == "" {
			cpu = DefaultQemuCPU
		}
		harnessVal = &harness{dir: dir, qemu: qemu, qemuCPU: cpu, runner: runner, retAddr: ret}
	})
	if harnessErr != nil {
		t.Fatal(harnessErr)
	}
	return harnessVal
}

var (
	carrickOnce sync.Once
	carrickPath string
	carrickErr  error
)

// target returns the Target to test: the interpreter through `carrick
// run-elf` (default; ./cmd/carrick is built unless RISU_CARRICK names a
// binary) or qemu itself (RISU_TARGET=qemu, a harness check).
func (h *harness) target(t *testing.T) Target {
	t.Helper()
	switch tg := os.Getenv("RISU_TARGET"); tg {
	case "qemu":
		return QemuTarget(h.qemu, h.qemuCPU, h.runner)
	case "", "interp":
	default:
		t.Fatalf("RISU_TARGET=%q: want interp or qemu", tg)
	}
	carrickOnce.Do(func() {
		if p := os.Getenv("RISU_CARRICK"); p != "" {
			carrickPath = p
			return
		}
		carrickPath, carrickErr = buildCarrick(h.dir)
	})
	if carrickErr != nil {
		t.Fatalf("%v\n(RISU_TARGET=qemu runs the harness against qemu alone)", carrickErr)
	}
	return InterpTarget(carrickPath, h.runner)
}

// buildCarrick builds ./cmd/carrick of this module into dir.
func buildCarrick(dir string) (string, error) {
	goTool := "go"
	out, err := exec.Command(goTool, "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %v", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	bin := filepath.Join(dir, "carrick")
	cmd := exec.Command(goTool, "build", "-o", bin, "./cmd/carrick")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building ./cmd/carrick for the interpreter side: %v\n%s", err, out)
	}
	return bin, nil
}

func envInt(t *testing.T, name string, def uint64) uint64 {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, s, err)
	}
	return v
}

func patternFilter(t *testing.T) *regexp.Regexp {
	s := *patternFlag
	if s == "" {
		s = os.Getenv("RISU_PATTERN")
	}
	if s == "" {
		return nil
	}
	re, err := regexp.Compile(s)
	if err != nil {
		t.Fatalf("pattern filter %q: %v", s, err)
	}
	return re
}

// TestRisu runs every class (subtest per class) against the target.
func TestRisu(t *testing.T) {
	h := setup(t)
	tgt := h.target(t)
	seed := envInt(t, "RISU_SEED", uint64(time.Now().UnixNano()))
	n := int(envInt(t, "RISU_CASES", 0)) // 0: the default, by class size
	re := patternFilter(t)
	t.Logf("RISU_SEED=%d RISU_CASES=%d target=%s oracle=qemu -cpu %s", seed, n, tgt.Name, h.qemuCPU)
	if n == 0 {
		t.Logf("cases per class: max(%d, %d per pattern), at most %d (set RISU_CASES to override)",
			defaultCases, casesPerForm, maxDefault)
	}
	for _, class := range Classes() {
		t.Run(class, func(t *testing.T) {
			t.Parallel()
			var pats []*Pattern
			for _, p := range Patterns(class) {
				if re == nil || re.MatchString(p.Name) {
					pats = append(pats, p)
				}
			}
			if len(pats) == 0 {
				t.Logf("no %s pattern matches %v: nothing to compare in this class", class, re)
				return
			}
			cases := n
			if cases == 0 {
				cases = min(max(defaultCases, casesPerForm*len(pats)), maxDefault)
			}
			runClass(t, h, tgt, class, pats, classSeed(seed, class), cases)
		})
	}
}

func classSeed(seed uint64, class string) uint64 {
	f := fnv.New64a()
	f.Write([]byte(class))
	return seed ^ f.Sum64()
}

// batchSize bounds memory: cases are generated, run and compared in
// batches (each batch is one stdin stream per target).
const batchSize = 2000

func runClass(t *testing.T, h *harness, tgt Target, class string, pats []*Pattern, seed uint64, n int) {
	g := NewGenerator(seed)
	oracle := QemuTarget(h.qemu, h.qemuCPU, h.runner)
	var dump *os.File
	if dir := os.Getenv("RISU_DUMP"); dir != "" {
		dump = openDump(t, dir, class, h)
		defer dump.Close()
	}

	type stat struct{ execs, bad int }
	stats := map[*Pattern]*stat{}
	for _, p := range pats {
		stats[p] = &stat{}
	}
	compared, mismatched, reported, oracleFailed := 0, 0, 0, 0
	var report strings.Builder
	for start := 0; start < n; start += batchSize {
		cases := make([]*Case, min(batchSize, n-start))
		for i := range cases {
			c, err := g.Case(uint64(start+i), pats)
			if err != nil {
				t.Fatal(err)
			}
			cases[i] = c
		}
		if dump != nil {
			var stream []byte
			for _, c := range cases {
				stream = c.appendStream(stream, h.retAddr)
			}
			if _, err := dump.Write(stream); err != nil {
				t.Fatalf("RISU_DUMP: %v", err)
			}
		}
		var want, got []Result
		var wantNotes, gotNotes []string
		var wg sync.WaitGroup
		wg.Add(2)
		go func() { defer wg.Done(); want, wantNotes = RunAll(oracle, cases, h.retAddr) }()
		go func() { defer wg.Done(); got, gotNotes = RunAll(tgt, cases, h.retAddr) }()
		wg.Wait()
		for _, note := range append(wantNotes, gotNotes...) {
			t.Errorf("%s", note)
		}

		for i, c := range cases {
			var msg string
			switch {
			case want[i].Out == nil:
				oracleFailed++
				msg = "    ORACLE FAILED (pattern bug? qemu rejected or hung on the case): " + want[i].Fail + "\n"
			case got[i].Out == nil:
				msg = "    " + got[i].Fail + "\n"
			default:
				compared++
				for _, in := range c.Seq {
					if in.Pattern != nil {
						stats[in.Pattern].execs++
					}
				}
				if d := Compare(want[i].Out, got[i].Out); len(d) > 0 {
					msg = "    differences:\n" + FormatDiffs(d, "qemu", tgt.Name)
				}
			}
			if msg == "" {
				continue
			}
			mismatched++
			seen := map[*Pattern]bool{}
			for _, in := range c.Seq {
				if in.Pattern != nil && !seen[in.Pattern] {
					seen[in.Pattern] = true
					stats[in.Pattern].bad++
				}
			}
			if reported < maxMismatches {
				reported++
				fmt.Fprintf(&report, "case %d (class %s, seed %d):\n%s%s", c.Index, class, seed, FormatCase(c), msg)
			}
		}
	}

	forms, execs := 0, 0
	for _, s := range stats {
		if s.execs > 0 {
			forms++
		}
		execs += s.execs
	}
	t.Logf("class %s: %d forms (of %d), %d instruction executions compared in %d/%d cases; %d cases mismatched",
		class, forms, len(pats), execs, compared, n, mismatched)
	writeSummary(t, classSummary{Class: class, Target: tgt.Name, Seed: seed, Patterns: len(pats), Forms: forms,
		Executions: execs, Cases: n, Compared: compared, Mismatched: mismatched})
	if mismatched == 0 {
		return
	}
	var names []string
	for p, s := range stats {
		if s.bad > 0 {
			names = append(names, fmt.Sprintf("  %-44s in %6d mismatching cases (%6d executions compared)", p.Name, s.bad, s.execs))
		}
	}
	sort.Strings(names)
	t.Errorf("class %s: %d of %d cases differ (%d where qemu itself failed); first %d:\n%s\npatterns in mismatching cases:\n%s",
		class, mismatched, n, oracleFailed, reported, report.String(), strings.Join(names, "\n"))
}

// openDump copies the runner to dir and creates dir/<class>.in for the
// class's input stream, for replaying by hand:
// qemu-aarch64-static -cpu neoverse-n1 dir/runner < dir/<class>.in
func openDump(t *testing.T, dir, class string, h *harness) *os.File {
	runner, err := os.ReadFile(h.runner)
	if err == nil {
		err = os.WriteFile(filepath.Join(dir, "runner"), runner, 0o755)
	}
	var f *os.File
	if err == nil {
		f, err = os.Create(filepath.Join(dir, class+".in"))
	}
	if err != nil {
		t.Fatalf("RISU_DUMP: %v", err)
	}
	t.Logf("RISU_DUMP: writing %s/runner and %s/%s.in", dir, dir, class)
	return f
}

// classSummary is one line of RISU_JSON output.
type classSummary struct {
	Class      string `json:"class"`
	Target     string `json:"target"`
	Seed       uint64 `json:"seed"`
	Patterns   int    `json:"patterns"`
	Forms      int    `json:"forms"` // patterns with at least one compared execution
	Executions int    `json:"executions"`
	Cases      int    `json:"cases"`
	Compared   int    `json:"compared"`
	Mismatched int    `json:"mismatched"`
}

var jsonMu sync.Mutex

// writeSummary appends s as a JSON line to $RISU_JSON, if set.
func writeSummary(t *testing.T, s classSummary) {
	path := os.Getenv("RISU_JSON")
	if path == "" {
		return
	}
	b, _ := json.Marshal(s)
	jsonMu.Lock()
	defer jsonMu.Unlock()
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err == nil {
		_, err = f.Write(append(b, '\n'))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		t.Errorf("RISU_JSON: %v", err)
	}
}
