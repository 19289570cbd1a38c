package programs

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestIproute runs Debian's iproute2 (`ip`, in the debian fixture root)
// under qemu, which hands netlink to the host kernel, and under carrick,
// whose NETLINK_ROUTE is synthesized from the host's interfaces: both
// describe the same interfaces, so the outputs must agree. The oracle's
// output loses the facts carrick does not model, each named in
// unmodeled; everything else is compared byte for byte.
func TestIproute(t *testing.T) {
	requireTools(t)
	top := repoRoot(t)
	fixtures := os.Getenv("CARRICK_FIXTURES")
	if fixtures == "" {
		fixtures = filepath.Join(top, "test", "fixtures", "out")
	}
	root, _ := filepath.Abs(filepath.Join(fixtures, "rootfs", "debian"))
	if _, err := os.Stat(filepath.Join(root, "usr", "bin", "ip")); err != nil {
		t.Fatalf("the debian fixture root has no iproute2 (%v): run `make fixtures` "+
			"(or test/fixtures/rootfs.sh %s debian)", err, fixtures)
	}
	carrick := filepath.Join(t.TempDir(), "carrick")
	gobuild := exec.Command("go", "build", "-o", carrick, "./cmd/carrick")
	gobuild.Dir = top
	if out, err := gobuild.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/carrick: %v\n%s", err, out)
	}
	StatSources(t, top)
	work := t.TempDir()
	for _, args := range [][]string{
		{"addr"}, {"link"}, {"-br", "addr"}, {"-br", "link"}, {"-j", "addr"},
		{"route"}, {"-6", "route"}, {"route", "show", "table", "all"}, {"-d", "route", "show", "table", "local"},
		{"link", "show", "dev", "lo"}, {"addr", "show", "dev", "lo"}, {"-4", "-o", "addr"},
	} {
		name := strings.Join(args, " ")
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), qemuTimeout)
			want := run(ctx, work, append([]string{qemuBin, "-L", root, filepath.Join(root, "usr/bin/ip")}, args...))
			cancel()
			if want.err != nil || want.status != 0 {
				t.Fatalf("oracle: ip %s: status %d %v\n%s", name, want.status, want.err, Excerpt(want.stderr, 5))
			}
			ctx, cancel = context.WithTimeout(context.Background(), 60*time.Second)
			got := run(ctx, work, append([]string{carrick, "run-elf", "--rootfs", root, "/usr/bin/ip"}, args...))
			cancel()
			if got.err != nil || got.status != 0 || len(got.stderr) > 0 {
				t.Fatalf("carrick: ip %s: status %d %v\n%s", name, got.status, got.err, Excerpt(got.stderr, 5))
			}
			if len(got.stdout) == 0 {
				t.Fatalf("carrick: ip %s printed nothing", name)
			}
			w := unmodeled(string(want.stdout))
			if w != string(got.stdout) {
				t.Errorf("ip %s: %s\n  qemu (less the unmodeled facts):\n%s\n  carrick:\n%s", name,
					FirstDiff([]byte(w), got.stdout), Excerpt([]byte(w), 10), Excerpt(got.stdout, 10))
			}
		})
	}
}

// unmodeled removes from iproute2's output the facts the synthesized
// NETLINK_ROUTE does not report (sysemu/netlink_rtnl.go): the queue
// discipline (the host's traffic control), the NOARP flag (not among the
// flags Go's net package reports) and the IPv6 address flags other than
// permanent (nodad, noprefixroute, mngtmpaddr, optimistic: unknown from the addresses alone).
func unmodeled(s string) string {
	for _, r := range []struct{ re, by string }{
		{` qdisc [^ ]+`, ``},
		{`,"qdisc":"[^"]*"`, ``},
		{`,NOARP`, ``},
		{`NOARP,`, ``},
		{`<NOARP>`, `<>`},
		{`,"NOARP"`, ``},
		{`"NOARP",`, ``},
		{` (nodad|noprefixroute|mngtmpaddr|optimistic)\b`, ``},
		{`,"(nodad|noprefixroute|mngtmpaddr|optimistic)":true`, ``},
	} {
		s = regexp.MustCompile(r.re).ReplaceAllString(s, r.by)
	}
	return s
}
