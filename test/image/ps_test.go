//go:build linux

package image_test

import (
	"sort"
	"strings"
	"testing"
	"time"
)

// TestPsFilters: ps --filter (name, id, status, exited, ancestor; a
// status filter sees stopped containers without -a) and --format (fields,
// and "table" with docker's headers).
func TestPsFilters(t *testing.T) {
	needImages(t)
	bb, deb := reg.ref(busyboxRepo), reg.ref(debianRepo)
	for _, n := range []string{"psf-run", "psf-three", "psf-deb"} {
		defer carrickRun(home, nil, time.Minute, "rm", "-f", n)
	}
	ctr(t, 0, "run", "-d", "--name", "psf-run", bb, "sleep", "100")
	ctr(t, 3, "run", "--name", "psf-three", bb, "sh", "-c", "exit 3")
	ctr(t, 0, "create", "--name", "psf-deb", deb, "true")
	id := inspect(t, "psf-three").ID

	names := func(args ...string) string {
		t.Helper()
		r := ctr(t, 0, append([]string{"ps", "--format", "{{.Names}}"}, args...)...)
		var ns []string
		for _, n := range strings.Fields(r.stdout) {
			if strings.HasPrefix(n, "psf-") { // other tests' containers share the store
				ns = append(ns, n)
			}
		}
		return strings.Join(ns, " ")
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "psf-run"},
		{[]string{"-f", "name=^psf-"}, "psf-run"},
		{[]string{"-a", "-f", "name=^psf-(three|deb)$"}, "psf-deb psf-three"},
		{[]string{"-f", "status=exited"}, "psf-three"},
		{[]string{"-f", "status=created"}, "psf-deb"},
		{[]string{"-f", "exited=3"}, "psf-three"},
		{[]string{"-f", "exited=0"}, ""},
		{[]string{"-a", "-f", "id=" + id[:10]}, "psf-three"},
		{[]string{"-a", "-f", "ancestor=" + deb}, "psf-deb"},
		{[]string{"-a", "-f", "ancestor=" + bb, "-f", "name=psf-three"}, "psf-three"},
		{[]string{"-f", "status=created", "-f", "status=running"}, "psf-deb psf-run"},
	} {
		if got := names(c.args...); sortWords(got) != sortWords(c.want) {
			t.Errorf("ps %v: %q, want %q", c.args, got, c.want)
		}
	}
	r := ctr(t, 0, "ps", "-a", "-f", "name=psf-three", "--format", "{{.ID}}\t{{.State}}\t{{.Status}}")
	if !strings.HasPrefix(r.stdout, id[:12]+"\texited\tExited (3) ") {
		t.Errorf("ps --format: %s", r.describe())
	}
	r = ctr(t, 0, "ps", "-f", "name=psf-run", "--format", "table {{.Names}}\t{{.State}}")
	if lines := strings.Split(r.stdout, "\n"); len(lines) != 3 || !strings.HasPrefix(lines[0], "NAMES ") || !strings.HasPrefix(lines[1], "psf-run ") || !strings.HasSuffix(lines[1], " running") {
		t.Errorf("ps --format table: %s", r.describe())
	}
	for _, bad := range [][]string{{"-f", "label=x"}, {"-f", "name"}, {"--format", "{{.Nope"}} {
		ctr(t, 125, append([]string{"ps"}, bad...)...)
	}
}

func sortWords(s string) string {
	w := strings.Fields(s)
	sort.Strings(w)
	return strings.Join(w, " ")
}
