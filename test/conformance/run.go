//go:build linux

package conformance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/carrick-go/carrick/test/oracle"
)

// Harness runs suites. The zero value is not usable: fill the paths.
type Harness struct {
	Top      string // the repository (for the probes' sources)
	Fixtures string // test/fixtures/out
	Carrick  string // the carrick binary under test
	Cache    string // the oracle's cached results and built test binaries
	Out      string // this run's results, one file per unit and runner
	Jobs     int    // units run at a time within one runner's phase
	Resume   bool   // reuse results in Out made by the same carrick binary
	Slow     bool   // run the suites' slow units too
	Log      io.Writer

	oracle *oracle.Oracle
	runID  string
	mu     sync.Mutex
}

// UnitResult is one unit's run under one runner, as stored.
type UnitResult struct {
	Unit     string            `json:"unit"`
	Runner   string            `json:"runner"` // "oracle" or "carrick"
	Key      string            `json:"key"`    // what the result is valid for
	Status   int               `json:"status"`
	TimedOut bool              `json:"timed_out,omitempty"`
	Err      string            `json:"error,omitempty"` // the harness's, not the guest's
	Elapsed  float64           `json:"elapsed_s"`
	Outcomes map[string]string `json:"outcomes"`
	// Notes are short reasons per test that did not pass (from the output).
	Notes map[string]string `json:"notes,omitempty"`
	// Excerpt is the start of the output, kept for the "output" parser so
	// that a DIFF can say where the two runs part.
	Excerpt string `json:"excerpt,omitempty"`
	// Unimplemented is what the guest used that carrick lacks (its
	// --compat-report: syscalls answered ENOSYS, ...), with counts.
	Unimplemented map[string]int `json:"unimplemented,omitempty"`
}

func (h *Harness) logf(format string, args ...any) {
	if h.Log == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	fmt.Fprintf(h.Log, time.Now().Format("15:04:05 ")+format+"\n", args...)
}

func (h *Harness) init() error {
	if h.oracle == nil {
		o, err := oracle.NewOracle()
		if err != nil {
			return err
		}
		h.oracle = o
	}
	if h.runID == "" {
		h.runID = fmt.Sprintf("%d-%d", os.Getpid(), time.Now().UnixNano())
	}
	if h.Jobs <= 0 {
		h.Jobs = 1
	}
	return nil
}

// suiteRunKey is the part of the suite's definition a run depends on (not
// its lists of tests).
func suiteRunKey(s *Suite) string {
	b, _ := json.Marshal([]any{s.Kind, s.Rootfs, s.Command, s.Env, s.Parser, s.Timeout, cacheVersion})
	return string(b)
}

func digest(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		io.WriteString(h, p)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:20]
}

// RunSuite runs the suite's units of the tier under the oracle (cached) and
// then under carrick (never both at once), and returns the verdicts.
func (h *Harness) RunSuite(ctx context.Context, s *Suite, tier string, only []string) (*Report, error) {
	if err := h.init(); err != nil {
		return nil, err
	}
	units, err := h.units(s, tier, only)
	if err != nil {
		return nil, err
	}
	qv, err := exec.Command(h.oracle.Qemu, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("%s --version: %v", h.oracle.Qemu, err)
	}
	qemuVersion := strings.SplitN(string(qv), "\n", 2)[0]
	carrickSum, err := fileDigest(h.Carrick)
	if err != nil {
		return nil, fmt.Errorf("carrick binary: %v", err)
	}
	rk := suiteRunKey(s)
	okeys := make([]string, len(units))
	ckeys := make([]string, len(units))
	for i, u := range units {
		okeys[i] = digest(rk, u.name, u.input, qemuVersion)
		ckeys[i] = digest(rk, u.name, u.input, carrickSum)
	}
	oracleRes := make([]*UnitResult, len(units))
	carrickRes := make([]*UnitResult, len(units))
	start := time.Now()
	h.phase(ctx, s, units, "oracle", okeys, oracleRes)
	h.logf("[%s] oracle phase: %d units in %v", s.Name, len(units), time.Since(start).Round(time.Second))
	start = time.Now()
	h.phase(ctx, s, units, "carrick", ckeys, carrickRes)
	h.logf("[%s] carrick phase: %d units in %v", s.Name, len(units), time.Since(start).Round(time.Second))
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	rep := &Report{Suite: s.Name, Tier: tier}
	for i := range units {
		rep.add(oracleRes[i], carrickRes[i])
	}
	rep.finish()
	return rep, nil
}

// phase runs every unit under one runner, Jobs at a time, reusing stored
// results whose key matches.
func (h *Harness) phase(ctx context.Context, s *Suite, units []unit, runner string, keys []string, res []*UnitResult) {
	sem := make(chan struct{}, h.Jobs)
	var wg sync.WaitGroup
	for i := range units {
		path := h.resultPath(s, runner, units[i].name, keys[i])
		if r := loadResult(path, keys[i]); r != nil && (runner == "oracle" || h.Resume) &&
			(s.Parser != "output" || r.Excerpt != "") {
			res[i] = r
			continue
		}
		sem <- struct{}{}
		if ctx.Err() != nil {
			<-sem
			break
		}
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			r := h.runUnit(ctx, s, &units[i], runner, strings.TrimSuffix(path, ".json"))
			r.Key = keys[i]
			res[i] = r
			if ctx.Err() == nil {
				if err := storeResult(path, r); err != nil {
					h.logf("storing %s: %v", path, err)
				}
			}
		}(i)
	}
	wg.Wait()
}

// resultPath: the oracle's results live in the cache by key; carrick's in
// the run's output directory by suite and unit.
func (h *Harness) resultPath(s *Suite, runner, unit, key string) string {
	if runner == "oracle" {
		return filepath.Join(h.Cache, "oracle", key+".json")
	}
	return filepath.Join(h.Out, s.Name, url.PathEscape(unit)+".json")
}

func loadResult(path, key string) *UnitResult {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var r UnitResult
	if json.Unmarshal(b, &r) != nil || r.Key != key || r.Err != "" {
		return nil
	}
	return &r
}

func storeResult(path string, r *UnitResult) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// runUnit runs u once under runner, its output into files of its own.
// The guest's stdout and stderr are kept next to the result, as
// LOG.stdout and LOG.stderr, to read why a test failed.
func (h *Harness) runUnit(ctx context.Context, s *Suite, u *unit, runner, log string) *UnitResult {
	spec := u.spec
	spec.Timeout = time.Duration(s.Timeout)
	if u.stdin != "" {
		spec.Stdin = strings.NewReader(u.stdin)
	}
	out := &UnitResult{Unit: u.name, Runner: runner}
	dir, err := os.MkdirTemp("", "carrick-conformance-out-")
	if err != nil {
		out.Err = err.Error()
		return out
	}
	defer os.RemoveAll(dir)
	defer keepLogs(dir, log)
	spec.OutputDir = dir
	tag := "CARRICK_RUN_TAG=conformance/" + h.runID + "/" + s.Name + "/" + u.name
	spec.HostEnv = []string{tag}
	var r oracle.Result
	if runner == "oracle" {
		r, err = h.oracle.Run(ctx, spec)
	} else {
		spec.CompatReport = filepath.Join(dir, "compat.json")
		r, err = oracle.RunCarrick(ctx, h.Carrick, spec)
		out.Unimplemented = readCompat(spec.CompatReport)
		if n := oracle.KillTagged(tag); n > 0 {
			h.logf("[%s] %s: killed %d leftover processes", s.Name, u.name, n)
		}
	}
	out.Elapsed = r.Elapsed.Seconds()
	out.Status = r.Status
	run := &Run{Unit: u.name, Stdout: r.Stdout, Stderr: oracle.StripDeathNotice(r.Stderr), Files: r.Files,
		Status: r.Status}
	switch {
	case errors.Is(err, oracle.ErrTimeout):
		out.TimedOut = true
		run.TimedOut = true
	case err != nil:
		out.Err = err.Error()
		if ctx.Err() != nil {
			return out
		}
	}
	out.Outcomes = parsers[s.Parser](run)
	out.Notes = notes(s.Parser, run, out.Outcomes)
	if s.Parser == "output" {
		out.Excerpt = excerpt(run)
	}
	if out.Err != "" {
		// A harness error: the guest never ran as it should have.
		out.Outcomes = map[string]string{u.name: Crash}
		out.Notes = map[string]string{u.name: "harness: " + firstLine(out.Err)}
	}
	h.logf("[%s] %s %s: %s in %.1fs (%d outcomes)", s.Name, runner, u.name, out.Outcomes[u.name], out.Elapsed,
		len(out.Outcomes))
	return out
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}

// readCompat reads a carrick --compat-report file (none when the guest was
// killed before carrick could write it).
func readCompat(path string) map[string]int {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var rep struct {
		Unimplemented []struct {
			What  string `json:"what"`
			Count int    `json:"count"`
		} `json:"unimplemented"`
	}
	if json.Unmarshal(b, &rep) != nil || len(rep.Unimplemented) == 0 {
		return nil
	}
	m := map[string]int{}
	for _, e := range rep.Unimplemented {
		m[e.What] += e.Count
	}
	return m
}

// keepLogs moves a run's stdout and stderr files to LOG.stdout and
// LOG.stderr.
func keepLogs(dir, log string) {
	if os.MkdirAll(filepath.Dir(log), 0o755) != nil {
		return
	}
	for _, name := range []string{"stdout", "stderr"} {
		if os.Rename(filepath.Join(dir, name), log+"."+name) != nil {
			// Another file system: copy.
			if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
				os.WriteFile(log+"."+name, b, 0o644)
			}
		}
	}
}
