//go:build linux

package oracle

import "testing"

func TestStripShellReport(t *testing.T) {
	cases := []struct {
		in     string
		status int
		want   string
	}{
		{"about to fault\nSegmentation fault\n", 139, "about to fault\n"},
		{"Aborted (core dumped)\n", 134, ""},
		{"x\nTerminated\n", 143, "x\n"},
		{"x\nSegmentation fault\n", 134, "x\nSegmentation fault\n"}, // not the signal it died of
		{"Segmentation fault\n", 0, "Segmentation fault\n"},
		{"my own words\n", 139, "my own words\n"},
	}
	for _, c := range cases {
		if got := string(stripShellReport([]byte(c.in), c.status)); got != c.want {
			t.Errorf("stripShellReport(%q, %d) = %q, want %q", c.in, c.status, got, c.want)
		}
	}
}
