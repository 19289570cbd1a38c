package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Result is what one runtime-tools test binary reported.
type Result struct {
	OK, NotOK           int // top-level TAP assertions (skips count as ok)
	InnerOK, InnerNotOK int // assertions of runtimetest runs embedded in YAML
	// Failures are the normalized signatures of everything that went
	// wrong, in order of appearance, without duplicates.
	Failures []string
}

// addFailure records a failure signature once (trimmed: the baseline
// file keeps no trailing blanks).
func (r *Result) addFailure(s string) {
	s = strings.TrimSpace(s)
	for _, f := range r.Failures {
		if f == s {
			return
		}
	}
	r.Failures = append(r.Failures, s)
}

var (
	assertRE = regexp.MustCompile(`^(not ok|ok)\b\s*\d*\s*(?:- )?(.*)$`)
	planRE   = regexp.MustCompile(`^1\.\.\d+`)
	// Values that change from run to run: container ids, temporary
	// bundle and pid-file directories, log timestamps.
	uuidRE   = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	tmpdirRE = regexp.MustCompile(`(ocitest|oci-pid)\d+`)
	fatalRE  = regexp.MustCompile(`level=fatal msg="((?:[^"\\]|\\.)*)"`)
)

// normalize removes run-specific values from a description.
func normalize(s string) string {
	s = uuidRE.ReplaceAllString(s, "<id>")
	s = tmpdirRE.ReplaceAllString(s, "${1}N")
	return strings.TrimSpace(s)
}

// Parse reads the stdout of a test binary. Tests that validate inside the
// container through a TAP object embed runtimetest's own TAP output in a
// YAML block ("stdout"); its assertions are counted and its failures
// recorded with an "inner" prefix. A YAML block that follows no assertion
// and carries an "error" is a failure too: v0.9.0's hook tests report
// only that way.
func Parse(out string) Result {
	var r Result
	parse(out, &r, false)
	r.Failures = foldCaps(r.Failures)
	return r
}

// capRE matches runtimetest's capability checks, one per capability and
// set (about 200 in all).
var capRE = regexp.MustCompile(`^((?:inner )?not ok: )(?:un)?expected (?:bounding|effective|inheritable|permitted|ambient) capability CAP_\w+ (?:not )?set$`)

// foldCaps replaces the failed capability checks by one failure that
// counts them, where the first of them was: they fail or pass together
// (carrick shows every capability, whatever the config says), and a
// change in their number still shows.
func foldCaps(fs []string) []string {
	n := map[string]int{}
	for _, f := range fs {
		if m := capRE.FindStringSubmatch(f); m != nil {
			n[m[1]]++
		}
	}
	var out []string
	for _, f := range fs {
		m := capRE.FindStringSubmatch(f)
		if m == nil {
			out = append(out, f)
			continue
		}
		if c := n[m[1]]; c > 0 {
			out = append(out, fmt.Sprintf("%s%d capability checks", m[1], c))
			n[m[1]] = 0
		}
	}
	return out
}

func parse(out string, r *Result, inner bool) {
	prefix := ""
	if inner {
		prefix = "inner "
	}
	sawHeader, sawPlan := false, false
	afterAssert := false
	var yaml []string
	inYAML := false
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		if inYAML {
			if strings.TrimSpace(line) == "..." {
				inYAML = false
				yamlBlock(strings.Join(yaml, "\n"), r, inner, afterAssert)
				afterAssert = false
				continue
			}
			yaml = append(yaml, line)
			continue
		}
		switch {
		case strings.HasPrefix(line, "TAP version"):
			sawHeader = true
		case planRE.MatchString(line):
			sawPlan = true
		case strings.TrimSpace(line) == "---":
			inYAML, yaml = true, yaml[:0]
			continue
		}
		m := assertRE.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		afterAssert = true
		if m[1] == "ok" {
			if inner {
				r.InnerOK++
			} else {
				r.OK++
			}
			continue
		}
		if inner {
			r.InnerNotOK++
		} else {
			r.NotOK++
		}
		r.addFailure(prefix + "not ok: " + normalize(m[2]))
	}
	if sawHeader && !sawPlan {
		r.addFailure(prefix + "incomplete TAP (no plan: the test stopped early)")
	}
}

// yamlBlock handles one YAML diagnostic (tap-go writes them as JSON).
func yamlBlock(text string, r *Result, inner, attached bool) {
	var m map[string]any
	if json.Unmarshal([]byte(text), &m) != nil {
		return
	}
	if s, ok := m["stdout"].(string); ok && !inner && strings.Contains(s, "TAP version") {
		parse(s, r, true)
		if e, ok := m["stderr"].(string); ok {
			if f := fatalRE.FindStringSubmatch(e); f != nil {
				r.addFailure("inner fatal: " + normalize(strings.ReplaceAll(f[1], `\"`, `"`)))
			}
		}
		return
	}
	if attached || inner {
		return
	}
	if e, ok := m["error"].(string); ok && e != "" {
		first, _, _ := strings.Cut(e, "\n")
		r.addFailure("diagnostic: " + normalize(first))
	}
}
