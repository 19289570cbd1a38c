//go:build linux

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

// TestDetachedTTY: run -dit keeps an interactive shell alive on a
// terminal nobody is attached to (a keeper process holds the pty and logs
// what it prints), so exec works in it, as with docker run -dit; rm -f
// ends the container and the keeper.
func TestDetachedTTY(t *testing.T) {
	needImages(t)
	ctr(t, 0, "run", "-dit", "--name", "dit-test", reg.ref(busyboxRepo), "sh", "-c", "echo started; tty; exec sh")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "dit-test")
	time.Sleep(time.Second)
	if r := ctr(t, 0, "exec", "dit-test", "echo", "in-exec"); strings.TrimSpace(r.stdout) != "in-exec" {
		t.Fatalf("exec: %s", r.describe())
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := ctr(t, 0, "logs", "dit-test")
		if strings.Contains(r.stdout, "started\r\n/dev/pts/") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the terminal's output is not in the logs:\n%q", r.stdout)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if r := ctr(t, 0, "inspect", "-f", "{{.State.Status}}", "dit-test"); strings.TrimSpace(r.stdout) != "running" {
		t.Fatalf("the shell did not stay: %s", r.describe())
	}
	ctr(t, 0, "rm", "-f", "dit-test")
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		out, _ := exec.Command("pgrep", "-f", carrickB+" internal-keeper").Output()
		if len(strings.TrimSpace(string(out))) == 0 {
			break
		}
		if time.Now().After(end) {
			t.Fatalf("a keeper outlived its container by 10 s: %s", out)
		}
	}
}

// TestInitSignals: a container's pid 1 ignores the signals it has no
// handler for when they come from inside, itself included, as Linux's
// init does (docker run busybox sh -c 'kill -9 $$; echo survived' prints
// survived); carrick's kill and stop from outside still end it.
func TestInitSignals(t *testing.T) {
	needImages(t)
	r := ctr(t, 0, "run", "--rm", reg.ref(busyboxRepo), "sh", "-c", "kill -9 $$; kill -TERM $$; echo survived")
	if strings.TrimSpace(r.stdout) != "survived" {
		t.Fatalf("pid 1 did not survive its own SIGKILL: %s", r.describe())
	}
}
