//go:build linux

package conformance

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
)

// Sep separates a unit's name from the name of a test inside it.
const Sep = "::"

// Outcomes of one test as a parser reports them.
const (
	Pass    = "PASS"
	Fail    = "FAIL"
	Skip    = "SKIP"
	Crash   = "CRASH"   // it started and the process ended before it said
	Timeout = "TIMEOUT" // it started and the run ran out of time
)

// Run is what a parser gets: one unit's run under one runner.
type Run struct {
	Unit     string
	Stdout   []byte
	Stderr   []byte
	Files    []byte // what /work and /tmp held after (oracle.Result.Files)
	Status   int    // exit status, 128+N for signal N, -1 when none
	TimedOut bool   // the harness ended it
}

// A parser returns the outcome of every test it can name in r. Names of
// tests inside the unit are "UNIT::..."; the unit's own outcome is named
// UNIT.
type parser func(r *Run) map[string]string

var parsers = map[string]parser{
	"gotest":   parseGoTest,
	"regrtest": parseRegrtest,
	"output":   parseOutput,
}

// unfinished is the outcome of a test that started and never said how it
// ended.
func unfinished(r *Run) string {
	if r.TimedOut {
		return Timeout
	}
	return Crash
}

var (
	goRun    = regexp.MustCompile(`^=== RUN\s+(\S+)`)
	goResult = regexp.MustCompile(`^\s*--- (PASS|FAIL|SKIP): (\S+)`)
)

// parseGoTest reads `go test -test.v` output: the outcome of every
// top-level test (subtests are part of their parent's), and the unit's:
// PASS when the binary exited 0, FAIL when it failed normally (status 1),
// else CRASH or TIMEOUT.
func parseGoTest(r *Run) map[string]string {
	out := map[string]string{}
	var started []string
	sc := bufio.NewScanner(bytes.NewReader(r.Stdout))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := goRun.FindStringSubmatch(line); m != nil && !strings.Contains(m[1], "/") {
			started = append(started, m[1])
			continue
		}
		if m := goResult.FindStringSubmatch(line); m != nil && !strings.Contains(m[2], "/") {
			out[r.Unit+Sep+m[2]] = m[1]
		}
	}
	for _, name := range started {
		if _, ok := out[r.Unit+Sep+name]; !ok {
			out[r.Unit+Sep+name] = unfinished(r)
		}
	}
	switch {
	case r.TimedOut:
		out[r.Unit] = Timeout
	case r.Status == 0:
		out[r.Unit] = Pass
	case r.Status == 1 && bytes.Contains(r.Stdout, []byte("\nFAIL")):
		out[r.Unit] = Fail
	default:
		out[r.Unit] = Crash
	}
	return out
}

var (
	pyCase   = regexp.MustCompile(`^(\w+) \(([\w.]+)\)`)
	pyResult = regexp.MustCompile(`\.\.\. (ok|FAIL|ERROR|skipped|expected failure|unexpected success)\b`)
	pyTotal  = regexp.MustCompile(`Tests result: ([A-Z][A-Z ,]*[A-Z])`)
)

// parseRegrtest reads `python3 -m test -v MODULE` output: the module's
// outcome from regrtest's summary (PASS, FAIL, SKIP when the whole module
// was skipped) and, where the verbose lines allow, each test case's: PASS
// for ok and expected failure, FAIL for FAIL, ERROR and unexpected success,
// SKIP.
func parseRegrtest(r *Run) map[string]string {
	out := map[string]string{}
	var cur string
	sc := bufio.NewScanner(bytes.NewReader(r.Stdout))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := pyCase.FindStringSubmatch(line); m != nil && strings.HasPrefix(m[2], "test.") {
			id := strings.TrimPrefix(m[2], "test.")
			// test.test_x.Class.test_y → test_x::Class.test_y; a
			// package's module path is kept whole before the class.
			if i := strings.LastIndexByte(id, '.'); i > 0 {
				if j := strings.LastIndexByte(id[:i], '.'); j > 0 {
					id = id[:j] + Sep + id[j+1:]
				}
			}
			cur = id
			if _, ok := out[cur]; !ok {
				out[cur] = "" // started
			}
		}
		if m := pyResult.FindStringSubmatch(line); m != nil && cur != "" {
			switch m[1] {
			case "ok", "expected failure":
				out[cur] = Pass
			case "skipped":
				out[cur] = Skip
			default:
				out[cur] = Fail
			}
			cur = ""
		}
	}
	for k, v := range out {
		if v == "" {
			out[k] = unfinished(r)
		}
	}
	// Only this module's cases (a test may name helpers of other modules).
	for k := range out {
		if !strings.HasPrefix(k, r.Unit+Sep) && !strings.HasPrefix(k, r.Unit+".") {
			delete(out, k)
		}
	}
	for k, v := range out {
		if !strings.HasPrefix(k, r.Unit+Sep) {
			delete(out, k)
			out[r.Unit+Sep+strings.TrimPrefix(k, r.Unit+".")] = v
		}
	}
	total := ""
	if m := pyTotal.FindAllSubmatch(r.Stdout, -1); len(m) > 0 {
		total = string(m[len(m)-1][1])
	}
	skipped := bytes.Contains(r.Stdout, []byte(r.Unit+" skipped")) ||
		bytes.Contains(r.Stdout, []byte("1 test skipped:"))
	switch {
	case r.TimedOut:
		out[r.Unit] = Timeout
	case total == "SUCCESS" && skipped:
		out[r.Unit] = Skip
	case total == "SUCCESS":
		out[r.Unit] = Pass
	case total != "":
		out[r.Unit] = Fail
	default:
		out[r.Unit] = Crash
	}
	return out
}

// parseOutput makes the whole run one outcome: its exit status and a digest
// of what it wrote, so that two runs match when they wrote the same bytes.
func parseOutput(r *Run) map[string]string {
	if r.TimedOut {
		return map[string]string{r.Unit: Timeout}
	}
	h := sha256.New()
	fmt.Fprintf(h, "%d\n%d\n%d\n", len(r.Stdout), len(r.Stderr), len(r.Files))
	h.Write(r.Stdout)
	h.Write(r.Stderr)
	h.Write(r.Files)
	return map[string]string{r.Unit: fmt.Sprintf("exit %d, output %s", r.Status, hex.EncodeToString(h.Sum(nil))[:12])}
}
