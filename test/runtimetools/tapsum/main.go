// Command tapsum summarizes a run of runtime-tools' validation tests
// (test/runtimetools/run.sh) and compares it with the expected results.
//
//	tapsum -tests tests.txt -results DIR -baseline baseline.txt [-md FILE] [-update | -list]
//
// DIR holds, per test NAME that ran, NAME.tap (its stdout) and NAME.rc (its
// exit status, or "timeout"). A test regresses when it shows a failure the
// baseline does not list for it, or fewer passing assertions than the
// baseline; then tapsum exits 1. Failures the baseline lists that did not
// happen are reported as improvements (run with -update to record them).
// -list only prints the names of the tests that regressed (run.sh runs
// those once more).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Test is one line of tests.txt.
type Test struct {
	Name, Group, Note string
}

// Excluded says whether the test is not run.
func (t Test) Excluded() bool { return t.Group == "excluded" }

// readTests reads "NAME<TAB>GROUP<TAB>NOTE" lines; # starts a comment.
func readTests(path string) ([]Test, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	var ts []Test
	for _, l := range lines {
		f := strings.SplitN(l, "\t", 3)
		if len(f) < 2 {
			return nil, fmt.Errorf("%s: want NAME<TAB>GROUP<TAB>NOTE, got %q", path, l)
		}
		t := Test{Name: f[0], Group: f[1]}
		if len(f) == 3 {
			t.Note = f[2]
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// Expect is a test's baseline: the least number of passing assertions
// (top-level plus runtimetest's), the failures it is known to have, and
// failures that come and go with timing (allowed, never "improved").
type Expect struct {
	MinOK    int
	Failures []string
	Flaky    []string
}

// readBaseline reads "NAME<TAB>ok<TAB>N", "NAME<TAB>fail<TAB>SIGNATURE" and
// "NAME<TAB>flaky<TAB>SIGNATURE" lines.
func readBaseline(path string) (map[string]*Expect, error) {
	lines, err := readLines(path)
	if err != nil {
		return nil, err
	}
	b := map[string]*Expect{}
	for _, l := range lines {
		f := strings.SplitN(l, "\t", 3)
		if len(f) != 3 {
			return nil, fmt.Errorf("%s: bad line %q", path, l)
		}
		e := b[f[0]]
		if e == nil {
			e = &Expect{}
			b[f[0]] = e
		}
		switch f[1] {
		case "ok":
			n, err := strconv.Atoi(f[2])
			if err != nil {
				return nil, fmt.Errorf("%s: bad count in %q", path, l)
			}
			e.MinOK = n
		case "fail":
			e.Failures = append(e.Failures, f[2])
		case "flaky":
			e.Flaky = append(e.Flaky, f[2])
		default:
			return nil, fmt.Errorf("%s: bad kind in %q", path, l)
		}
	}
	return b, nil
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := strings.TrimRight(sc.Text(), " \r")
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, l)
	}
	return out, sc.Err()
}

// load reads one test's outputs and turns its exit status into failures.
func load(dir, name string) (Result, string, error) {
	out, err := os.ReadFile(filepath.Join(dir, name+".tap"))
	if err != nil {
		return Result{}, "", err
	}
	rc, err := os.ReadFile(filepath.Join(dir, name+".rc"))
	if err != nil {
		return Result{}, "", err
	}
	r := Parse(string(out))
	status := strings.TrimSpace(string(rc))
	switch status {
	case "0":
	case "timeout":
		r.addFailure("timed out")
	default:
		// util.Fatal: the harness itself gave up (its reason is on stderr).
		r.addFailure("exit status " + status)
	}
	return r, status, nil
}

// Verdict compares a result with its baseline.
type Verdict struct {
	Name     string
	New      []string // failures the baseline does not list
	Gone     []string // listed failures that did not happen
	FewerOK  bool
	Result   Result
	ExitCode string
}

// Regressed says whether the test did worse than its baseline.
func (v Verdict) Regressed() bool { return len(v.New) > 0 || v.FewerOK }

// Word is the verdict in one word.
func (v Verdict) Word() string {
	switch {
	case v.Regressed():
		return "REGRESSED"
	case len(v.Result.Failures) == 0:
		return "pass"
	case len(v.Gone) > 0:
		return "improved"
	}
	return "known failures"
}

func compare(name string, r Result, rc string, e *Expect) Verdict {
	v := Verdict{Name: name, Result: r, ExitCode: rc}
	if e == nil {
		e = &Expect{}
	}
	known := map[string]bool{}
	for _, f := range append(e.Failures, e.Flaky...) {
		known[f] = true
	}
	seen := map[string]bool{}
	for _, f := range r.Failures {
		seen[f] = true
		if !known[f] {
			v.New = append(v.New, f)
		}
	}
	for _, f := range e.Failures {
		if !seen[f] {
			v.Gone = append(v.Gone, f)
		}
	}
	// A flaky failure that happened took its assertion's ok with it.
	slack := 0
	for _, f := range e.Flaky {
		if seen[f] {
			slack++
		}
	}
	v.FewerOK = r.OK+r.InnerOK+slack < e.MinOK
	return v
}

// writeBaseline records a run as the new baseline. Flaky lines are
// written by hand (docs/compatibility.md says why each is); they are kept,
// and a flaky failure that happened is not recorded as a known one.
func writeBaseline(w io.Writer, vs []Verdict, old map[string]*Expect) {
	fmt.Fprintln(w, "# Expected results of runtime-tools v0.9.0's validation tests against")
	fmt.Fprintln(w, "# carrick-runtime (test/runtimetools/run.sh; regenerate with --update).")
	fmt.Fprintln(w, "# NAME<TAB>ok<TAB>N: at least N passing assertions (TAP + runtimetest's).")
	fmt.Fprintln(w, "# NAME<TAB>fail<TAB>SIGNATURE: a known failure; any other fails the run.")
	fmt.Fprintln(w, "# NAME<TAB>flaky<TAB>SIGNATURE: allowed, a race of the test (kept by --update).")
	for _, v := range vs {
		flaky := map[string]bool{}
		var keep []string
		if e := old[v.Name]; e != nil {
			keep = e.Flaky
		}
		for _, f := range keep {
			flaky[f] = true
		}
		fmt.Fprintf(w, "%s\tok\t%d\n", v.Name, v.Result.OK+v.Result.InnerOK)
		for _, f := range v.Result.Failures {
			if !flaky[f] {
				fmt.Fprintf(w, "%s\tfail\t%s\n", v.Name, f)
			}
		}
		for _, f := range keep {
			fmt.Fprintf(w, "%s\tflaky\t%s\n", v.Name, f)
		}
	}
}

func writeMarkdown(w io.Writer, tests []Test, vs map[string]Verdict) {
	fmt.Fprintln(w, "| test | group | result | TAP ok / not ok | embedded runtimetest ok / not ok | exit |")
	fmt.Fprintln(w, "|---|---|---|---|---|---|")
	for _, t := range tests {
		v, ok := vs[t.Name]
		if !ok {
			continue
		}
		r := v.Result
		inner := "—"
		if r.InnerOK+r.InnerNotOK > 0 {
			inner = fmt.Sprintf("%d / %d", r.InnerOK, r.InnerNotOK)
		}
		fmt.Fprintf(w, "| `%s` | %s | %s | %d / %d | %s | %s |\n", t.Name, t.Group, v.Word(), r.OK, r.NotOK, inner, v.ExitCode)
	}
}

func main() {
	testsPath := flag.String("tests", "", "tests.txt")
	results := flag.String("results", "", "directory of NAME.tap and NAME.rc")
	basePath := flag.String("baseline", "", "baseline.txt")
	mdPath := flag.String("md", "", "write a markdown table of the results here")
	update := flag.Bool("update", false, "rewrite the baseline from this run")
	list := flag.Bool("list", false, "only print the names of the tests that regressed")
	flag.Parse()
	if *testsPath == "" || *results == "" || *basePath == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*testsPath, *results, *basePath, *mdPath, *update, *list); err != nil {
		fmt.Fprintln(os.Stderr, "tapsum:", err)
		os.Exit(1)
	}
}

func run(testsPath, results, basePath, mdPath string, update, list bool) error {
	tests, err := readTests(testsPath)
	if err != nil {
		return err
	}
	base, err := readBaseline(basePath)
	if err != nil && !(update && os.IsNotExist(err)) {
		return err
	}
	var order []Verdict
	byName := map[string]Verdict{}
	for _, t := range tests {
		if t.Excluded() {
			continue
		}
		r, rc, err := load(results, t.Name)
		if os.IsNotExist(err) {
			continue // not selected in this run
		} else if err != nil {
			return err
		}
		v := compare(t.Name, r, rc, base[t.Name])
		order = append(order, v)
		byName[t.Name] = v
	}
	if len(order) == 0 {
		return fmt.Errorf("no results in %s", results)
	}
	if list {
		for _, v := range order {
			if v.Regressed() {
				fmt.Println(v.Name)
			}
		}
		return nil
	}
	if mdPath != "" {
		f, err := os.Create(mdPath)
		if err != nil {
			return err
		}
		writeMarkdown(f, tests, byName)
		if err := f.Close(); err != nil {
			return err
		}
	}
	if update {
		f, err := os.Create(basePath)
		if err != nil {
			return err
		}
		writeBaseline(f, order, base)
		return f.Close()
	}
	return report(os.Stdout, order)
}

// report prints one line per test and the differences from the baseline;
// it fails if any test regressed.
func report(w io.Writer, vs []Verdict) error {
	counts := map[string]int{}
	var bad []string
	for _, v := range vs {
		r := v.Result
		counts[v.Word()]++
		fmt.Fprintf(w, "%-32s %-15s TAP %3d ok %3d not ok; embedded runtimetest %4d ok %4d not ok; exit %s\n",
			v.Name, v.Word(), r.OK, r.NotOK, r.InnerOK, r.InnerNotOK, v.ExitCode)
		for _, f := range v.New {
			fmt.Fprintf(w, "    new failure: %s\n", f)
		}
		if v.FewerOK {
			fmt.Fprintf(w, "    fewer passing assertions than the baseline\n")
		}
		for _, f := range v.Gone {
			fmt.Fprintf(w, "    no longer fails: %s\n", f)
		}
		if v.Regressed() {
			bad = append(bad, v.Name)
		}
	}
	fmt.Fprintf(w, "\n%d tests: %d pass, %d known failures, %d improved, %d regressed\n",
		len(vs), counts["pass"], counts["known failures"], counts["improved"], counts["REGRESSED"])
	if len(bad) > 0 {
		return fmt.Errorf("regressed against the baseline: %s", strings.Join(bad, " "))
	}
	return nil
}
