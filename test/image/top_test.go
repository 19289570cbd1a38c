package image_test

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestTop: a container's processes are host processes named after their
// guest programs: `carrick top` lists them through the host's ps, and the
// host's own ps shows the guest's program name for the init's pid.
func TestTop(t *testing.T) {
	needImages(t)
	ctr(t, 0, "run", "-d", "--name", "top-test", reg.ref(busyboxRepo), "sleep", "60")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "top-test")
	r := ctr(t, 0, "top", "top-test")
	if !strings.Contains(r.stdout, "sleep") {
		t.Fatalf("top does not show sleep:\n%s", r.describe())
	}
	pid := strings.TrimSpace(ctr(t, 0, "inspect", "-f", "{{.State.Pid}}", "top-test").stdout)
	out, err := exec.Command("ps", "-o", "comm=", "-p", pid).Output()
	if err != nil || strings.TrimSpace(string(out)) != "sleep" {
		t.Fatalf("host ps -p %s: %q %v, want sleep", pid, out, err)
	}
}
