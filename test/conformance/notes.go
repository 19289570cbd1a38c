//go:build linux

package conformance

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
)

// notes gives a short reason, taken from the run's output, for every test
// that did not pass or skip.
func notes(parser string, r *Run, outcomes map[string]string) map[string]string {
	out := map[string]string{}
	for name, o := range outcomes {
		if o == Pass || o == Skip {
			continue
		}
		var n string
		switch {
		case o == Timeout:
			n = "ran out of time"
		case parser == "gotest" && name != r.Unit:
			n = goNote(r, strings.TrimPrefix(name, r.Unit+Sep), o)
		case parser == "regrtest" && name != r.Unit:
			n = pyNote(r, strings.TrimPrefix(name, r.Unit+Sep))
		case parser == "output":
			n = fmt.Sprintf("exit %d", r.Status)
		}
		if n == "" {
			n = crashNote(r)
		}
		out[name] = clip(n)
	}
	return out
}

func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 140 {
		s = s[:140] + "…"
	}
	return s
}

var crashLine = regexp.MustCompile(`(?m)^(panic: .*|fatal error: .*|carrick: .*|SIG[A-Z]+: .*|Fatal Python error: .*|.*Error: .*)$`)

// crashNote: the first line that says why a process died, else the last
// line it wrote.
func crashNote(r *Run) string {
	for _, b := range [][]byte{r.Stderr, r.Stdout} {
		if m := crashLine.Find(b); m != nil {
			return string(m)
		}
	}
	for _, b := range [][]byte{r.Stderr, r.Stdout} {
		if l := lastLine(b); l != "" {
			return l
		}
	}
	return fmt.Sprintf("exit status %d, no output", r.Status)
}

func lastLine(b []byte) string {
	b = bytes.TrimSpace(b)
	if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
		b = b[i+1:]
	}
	return string(b)
}

// goNote: the first message the test (or one of its subtests) logged,
// "file.go:N: ..." under its "=== RUN/CONT/NAME" header (go test -v streams
// a test's log there, before its --- FAIL line), else the first line after
// its --- FAIL line.
func goNote(r *Run, test, outcome string) string {
	if outcome != Fail {
		return ""
	}
	lines := strings.Split(string(r.Stdout), "\n")
	cur := ""
	for _, l := range lines {
		if m := goHeader.FindStringSubmatch(l); m != nil {
			cur = m[1]
			continue
		}
		if (cur == test || strings.HasPrefix(cur, test+"/")) && goLogLine.MatchString(l) {
			return strings.TrimSpace(l)
		}
	}
	for i, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), "--- FAIL: "+test+" ") {
			continue
		}
		for _, next := range lines[i+1:] {
			t := strings.TrimSpace(next)
			switch {
			case t == "":
				continue
			case strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") || t == "FAIL" || t == "PASS":
				return ""
			}
			return t
		}
	}
	return ""
}

var (
	goHeader  = regexp.MustCompile(`^=== (?:RUN|CONT|NAME)\s+(\S+)`)
	goLogLine = regexp.MustCompile(`^\s+\S+\.go:\d+: `)
)

// pyNote: the last line of the test's traceback (the exception).
func pyNote(r *Run, test string) string {
	cls, meth, ok := strings.Cut(test, ".")
	if !ok {
		return ""
	}
	lines := strings.Split(string(r.Stdout)+"\n"+string(r.Stderr), "\n")
	for i, l := range lines {
		if (strings.HasPrefix(l, "FAIL: ") || strings.HasPrefix(l, "ERROR: ")) &&
			strings.Contains(l, "."+cls+"."+meth+")") {
			last := ""
			for _, next := range lines[i+2:] {
				if strings.HasPrefix(next, "=====") || strings.HasPrefix(next, "-----") {
					break
				}
				if t := strings.TrimSpace(next); t != "" {
					last = t
				}
			}
			if last != "" {
				return last
			}
		}
	}
	return ""
}

// excerpt is the start of a run's stdout and stderr and its files.
func excerpt(r *Run) string {
	s := string(r.Stdout) + "\n[stderr]\n" + string(r.Stderr) + "\n[files]\n" + string(r.Files)
	if len(s) > 8192 {
		s = s[:8192]
	}
	return s
}

// firstDifference says where two excerpts part: the first line that
// differs.
func firstDifference(o, c string) string {
	ol, cl := strings.Split(o, "\n"), strings.Split(c, "\n")
	for i := 0; i < len(ol) || i < len(cl); i++ {
		var a, b string
		if i < len(ol) {
			a = ol[i]
		}
		if i < len(cl) {
			b = cl[i]
		}
		if a != b {
			return fmt.Sprintf("line %d: oracle %q, carrick %q", i+1, clip(a), clip(b))
		}
	}
	return ""
}
