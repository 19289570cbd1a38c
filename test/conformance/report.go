//go:build linux

package conformance

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
)

// The verdicts.
const (
	Match        = "MATCH"
	Diff         = "DIFF"
	CarrickCrash = "CARRICK_CRASH"
	TimedOut     = "TIMEOUT"
	OracleFail   = "ORACLE_FAIL"
)

// Verdicts in the order reports list them.
var Verdicts = []string{Match, Diff, CarrickCrash, TimedOut, OracleFail}

// Verdict is one test's.
type Verdict struct {
	Test    string
	Verdict string
	Oracle  string // the oracle's outcome
	Carrick string // carrick's
	Note    string // why, when not MATCH
}

// Report is a suite run's verdicts.
type Report struct {
	Suite    string
	Tier     string
	Verdicts []Verdict
	// Elapsed runner time of the units, seconds.
	OracleSeconds, CarrickSeconds float64
	// Unimplemented: what the guests used that carrick lacks, and in how
	// many units.
	Unimplemented map[string]int
}

// classify gives the verdict of one test from the two outcomes and the
// carrick run of its unit.
func classify(o, c string, cu *UnitResult) (string, string) {
	switch o {
	case "", Fail, Crash, Timeout:
		if o == "" {
			o = "not run"
		}
		return OracleFail, "oracle: " + strings.ToLower(o)
	}
	switch {
	case c == o:
		return Match, ""
	case c == Timeout || c == "" && cu.TimedOut:
		return TimedOut, ""
	case c == Crash:
		return CarrickCrash, ""
	case c == "" && (cu.Status != 0 && cu.Status != 1 || cu.Err != ""):
		return CarrickCrash, "not reached: the process died"
	case c == "":
		return Diff, "not run under carrick"
	}
	return Diff, "oracle " + o + ", carrick " + c
}

// add classifies every test either runner named in a unit's two runs.
func (r *Report) add(o, c *UnitResult) {
	if o == nil || c == nil {
		return
	}
	r.OracleSeconds += o.Elapsed
	r.CarrickSeconds += c.Elapsed
	for what := range c.Unimplemented {
		if r.Unimplemented == nil {
			r.Unimplemented = map[string]int{}
		}
		r.Unimplemented[what]++
	}
	names := map[string]bool{}
	for n := range o.Outcomes {
		names[n] = true
	}
	for n := range c.Outcomes {
		names[n] = true
	}
	for n := range names {
		ov, cv := o.Outcomes[n], c.Outcomes[n]
		v, note := classify(ov, cv, c)
		switch {
		case v == OracleFail && o.Notes[n] != "":
			note += ": " + o.Notes[n]
		case v == Diff && o.Excerpt != "" && firstDifference(o.Excerpt, c.Excerpt) != "":
			note = firstDifference(o.Excerpt, c.Excerpt)
		case v != Match && v != OracleFail && c.Notes[n] != "":
			if note != "" {
				note += ": "
			}
			note += c.Notes[n]
		}
		r.Verdicts = append(r.Verdicts, Verdict{Test: n, Verdict: v, Oracle: ov, Carrick: cv, Note: clip(note)})
	}
}

func (r *Report) finish() {
	slices.SortFunc(r.Verdicts, func(a, b Verdict) int { return strings.Compare(a.Test, b.Test) })
}

// IsUnit says whether a test name is a whole unit (a package, a module, a
// probe) rather than a test inside one.
func IsUnit(name string) bool { return !strings.Contains(name, Sep) }

// Counts counts the verdicts of units (units true) or of the tests inside
// them.
func Counts(vs []Verdict, units bool) map[string]int {
	c := map[string]int{}
	for _, v := range vs {
		if IsUnit(v.Test) == units {
			c[v.Verdict]++
		}
	}
	return c
}

// MatchRate is MATCH over everything the oracle passed, in percent.
func MatchRate(c map[string]int) float64 {
	n := 0
	for k, v := range c {
		if k != OracleFail {
			n += v
		}
	}
	if n == 0 {
		return 0
	}
	return 100 * float64(c[Match]) / float64(n)
}

// ---- baseline ----

// Baseline is the committed record of a suite's verdicts
// (baseline/SUITE.json): "MATCH", or "VERDICT: note".
type Baseline struct {
	Suite string            `json:"suite"`
	Run   map[string]string `json:"run,omitempty"` // when and how the full tier was last blessed
	// Unimplemented: what the full tier's guests used that carrick lacks,
	// with the number of units that did.
	Unimplemented map[string]int    `json:"unimplemented,omitempty"`
	Verdicts      map[string]string `json:"verdicts"`
}

// LoadBaseline reads a baseline; a missing file is an empty baseline.
func LoadBaseline(path, suite string) (*Baseline, error) {
	b := &Baseline{Suite: suite, Verdicts: map[string]string{}}
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return b, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, b); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	if b.Verdicts == nil {
		b.Verdicts = map[string]string{}
	}
	return b, nil
}

// Save writes the baseline (keys sorted, one a line).
func (b *Baseline) Save(path string) error {
	data, err := json.MarshalIndent(b, "", "\t")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func entry(v Verdict) string {
	if v.Verdict == Match || v.Note == "" {
		return v.Verdict
	}
	return v.Verdict + ": " + v.Note
}

// VerdictOf is the verdict part of a baseline entry.
func VerdictOf(e string) string {
	v, _, _ := strings.Cut(e, ": ")
	return v
}

// Compare returns the tests that matched in the baseline and do not now
// (regressions) and those that match now and did not (improvements).
func (b *Baseline) Compare(r *Report) (regressions, improvements []Verdict) {
	for _, v := range r.Verdicts {
		was, ok := b.Verdicts[v.Test]
		switch {
		case ok && VerdictOf(was) == Match && v.Verdict != Match:
			regressions = append(regressions, v)
		case v.Verdict == Match && (!ok || VerdictOf(was) != Match):
			improvements = append(improvements, v)
		}
	}
	return regressions, improvements
}

// Bless records the run's verdicts in the baseline. A full-tier run also
// drops tests the run no longer has.
func (b *Baseline) Bless(r *Report, full bool, run map[string]string) {
	if full {
		b.Verdicts = map[string]string{}
		b.Run = run
		b.Unimplemented = r.Unimplemented
	}
	for _, v := range r.Verdicts {
		b.Verdicts[v.Test] = entry(v)
	}
}
