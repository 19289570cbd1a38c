//go:build linux

package conformance

import (
	"context"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Options of Check.
type Options struct {
	Suites   []string // names; empty: all
	Tier     string   // "smoke" or "full"
	Only     []string // units; empty: all of the tier
	Bless    bool     // record the verdicts in the baselines
	Baseline string   // the baselines' directory
	Out      io.Writer
}

// Outcome is what Check found.
type Outcome struct {
	Reports     []*Report
	Regressions []Verdict
}

// Check runs the suites, compares each with its baseline, prints a summary
// and the regressions and, with Bless, records the verdicts. The error is
// about the harness; regressions are in the Outcome.
func (h *Harness) Check(ctx context.Context, m *Manifest, o Options) (*Outcome, error) {
	var suites []*Suite
	if len(o.Suites) == 0 {
		suites = m.Suites
	}
	for _, n := range o.Suites {
		s := m.Suite(n)
		if s == nil {
			return nil, fmt.Errorf("no suite %q in the manifest", n)
		}
		suites = append(suites, s)
	}
	res := &Outcome{}
	for _, s := range suites {
		rep, err := h.RunSuite(ctx, s, o.Tier, o.Only)
		if err != nil {
			return res, fmt.Errorf("suite %s: %v", s.Name, err)
		}
		res.Reports = append(res.Reports, rep)
		path := filepath.Join(o.Baseline, s.Name+".json")
		bl, err := LoadBaseline(path, s.Name)
		if err != nil {
			return res, err
		}
		reg, imp := bl.Compare(rep)
		res.Regressions = append(res.Regressions, reg...)
		for _, units := range []bool{true, false} {
			c := Counts(rep.Verdicts, units)
			if len(c) == 0 {
				continue
			}
			level := unitWord(s.Kind)
			if !units {
				level = "tests"
			}
			fmt.Fprintf(o.Out, "%s (%s tier) %s:", s.Name, o.Tier, level)
			for _, v := range Verdicts {
				fmt.Fprintf(o.Out, " %s %d", v, c[v])
			}
			fmt.Fprintf(o.Out, "; match rate %.1f%%\n", MatchRate(c))
		}
		fmt.Fprintf(o.Out, "%s: runner time oracle %.0fs, carrick %.0fs\n", s.Name, rep.OracleSeconds, rep.CarrickSeconds)
		for _, v := range reg {
			fmt.Fprintf(o.Out, "REGRESSION %s: %s (%s)\n", v.Test, v.Verdict, v.Note)
		}
		if len(imp) > 0 && !o.Bless {
			fmt.Fprintf(o.Out, "%s: %d tests newly match (record them with -bless)\n", s.Name, len(imp))
		}
		if o.Bless {
			full := o.Tier == "full" && len(o.Only) == 0
			var run map[string]string
			if full {
				run = map[string]string{
					"blessed": time.Now().UTC().Format("2006-01-02"),
					"command": "make conformance SUITES=" + s.Name + " BLESS=1",
					"time": fmt.Sprintf("oracle %.0f s, carrick %.0f s of runner time (%d at a time)",
						rep.OracleSeconds, rep.CarrickSeconds, h.Jobs),
					"carrick": h.revision(),
				}
				if h.Slow {
					run["slow units"] = "run"
				}
			}
			bl.Bless(rep, full, run)
			if err := bl.Save(path); err != nil {
				return res, err
			}
			fmt.Fprintf(o.Out, "%s: baseline %s written\n", s.Name, path)
		}
	}
	return res, nil
}

// SplitList splits a comma-separated flag value.
func SplitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// revision names the carrick under test: the repository's commit (and
// whether the tree had changes) and the binary's digest.
func (h *Harness) revision() string {
	sum, _ := fileDigest(h.Carrick)
	rev := "unknown commit"
	if out, err := exec.Command("git", "-C", h.Top, "rev-parse", "--short", "HEAD").Output(); err == nil {
		rev = "commit " + strings.TrimSpace(string(out))
		if st, err := exec.Command("git", "-C", h.Top, "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(st) > 0 {
			rev += " with local changes"
		}
	}
	return rev + ", binary sha256 " + sum
}
