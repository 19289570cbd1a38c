package programs

import (
	"fmt"
	"strconv"
	"strings"
)

// Reporting helpers shared by the differential suites (test/programs,
// test/oracle, test/net): where an output under carrick first differs
// from qemu's, and excerpts of long outputs.

// FirstDiff describes where two outputs first differ, line by line.
func FirstDiff(want, got []byte) string {
	wl := strings.SplitAfter(string(want), "\n")
	gl := strings.SplitAfter(string(got), "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("first difference at line %d (qemu %d bytes, carrick %d bytes):\n    qemu:    %s\n    carrick: %s",
				i+1, len(want), len(got), Clip(w), Clip(g))
		}
	}
	return "identical"
}

// Clip quotes s, cut at 300 bytes.
func Clip(s string) string {
	const n = 300
	if s == "" {
		return "(end of output)"
	}
	if len(s) > n {
		return strconv.Quote(s[:n]) + "..."
	}
	return strconv.Quote(s)
}

// Excerpt returns the first and last n lines of b, indented.
func Excerpt(b []byte, n int) string {
	if len(b) == 0 {
		return "    (empty)"
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 2*n+1 {
		lines = append(append(lines[:n:n], fmt.Sprintf("... (%d lines) ...", len(lines)-2*n)), lines[len(lines)-n:]...)
	}
	for i, l := range lines {
		if len(l) > 300 {
			l = l[:300] + "..."
		}
		lines[i] = "    | " + l
	}
	return strings.Join(lines, "\n")
}
