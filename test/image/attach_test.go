//go:build linux

package image_test

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestAttach: attach to detached containers without a terminal: the
// output as it comes on stdout and stderr and the container's exit
// status; with -di the input reaches the container and its end closes
// the container's stdin; a stopped container is refused.
func TestAttach(t *testing.T) {
	needImages(t)
	bb := reg.ref(busyboxRepo)
	// Attach has 2 s to connect before the output it must see.
	ctr(t, 0, "run", "-d", "--name", "att-out", bb, "sh", "-c",
		"sleep 2; for i in 1 2 3; do echo out $i; echo err $i >&2; sleep 0.3; done; exit 3")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "att-out")
	r := ctr(t, 3, "attach", "att-out")
	if !strings.HasSuffix(r.stdout, "out 3\n") || !strings.HasSuffix(r.stderr, "err 3\n") {
		t.Errorf("attach: %s", r.describe())
	}

	ctr(t, 0, "run", "-d", "-i", "--name", "att-in", bb, "sh", "-c", "tr a-z A-Z; echo end")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "att-in")
	r = carrickRun(home, strings.NewReader("hello\n"), time.Minute, "attach", "att-in")
	if r.status != 0 || r.stdout != "HELLO\nend\n" {
		t.Errorf("attach -i: %s", r.describe())
	}
	if r := ctr(t, 1, "attach", "att-in"); !strings.Contains(r.stderr, "stopped container") {
		t.Errorf("attach to a stopped container: %s", r.describe())
	}
	// Not -i: nothing of attach's stdin reaches the container.
	ctr(t, 0, "run", "-d", "--name", "att-noin", bb, "sh", "-c", "sleep 2; cat; echo done")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "att-noin")
	if r := carrickRun(home, strings.NewReader("ignored\n"), time.Minute, "attach", "att-noin"); r.status != 0 || r.stdout != "done\n" {
		t.Errorf("attach to a container without -i: %s", r.describe())
	}
}

// TestAttachTTY: `run -dit` then `attach` under tmux: the shell answers,
// a resize reaches it, Ctrl-P Ctrl-Q detaches and leaves it running, a
// second attach ends it with `exit 5`, and carrick exits 5 with the
// terminal as it was.
func TestAttachTTY(t *testing.T) {
	needImages(t)
	ctr(t, 0, "run", "-dit", "--name", "att-tty", "-e", "PS1=ctr# ", reg.ref(busyboxRepo), "sh")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "att-tty")
	dir := t.TempDir()
	s := newTmux(t, outerShell(dir))
	outer := regexp.MustCompile(`(?m)^outer\$\s*$`)
	s.await(outer, 10*time.Second, "the outer shell")
	s.send("stty -g > "+dir+"/before; "+carrickB+" attach att-tty", "Enter")
	time.Sleep(time.Second)
	s.send("", "Enter")
	s.await(regexp.MustCompile(`(?m)^ctr# ?$`), 30*time.Second, "the container's prompt")
	s.send("echo hi-$((1+2)); stty size", "Enter")
	s.await(regexp.MustCompile(`(?m)^hi-3\s*\n30 100\s*$`), 30*time.Second, "a command and the window size")
	s.send("", "C-p", "C-q")
	s.await(outer, 10*time.Second, "the outer prompt after the detach keys")
	if r := ctr(t, 0, "ps"); !strings.Contains(r.stdout, "att-tty") {
		t.Fatalf("the container did not survive the detach: %s", r.describe())
	}
	s.send("clear; "+carrickB+" attach att-tty", "Enter")
	time.Sleep(time.Second)
	s.run("resize-window", "-t", "main", "-x", "120", "-y", "40")
	s.send("stty size", "Enter")
	s.await(regexp.MustCompile(`(?m)^40 120\s*$`), 30*time.Second, "the new size after the resize")
	s.send("exit 5", "Enter")
	s.await(outer, 30*time.Second, "the outer prompt after exit")
	s.send("echo rc=$?; stty -g | cmp -s - "+dir+"/before && echo tty-same || echo tty-changed", "Enter")
	s.await(regexp.MustCompile(`(?m)^rc=5\s*\ntty-same\s*$`), 10*time.Second, "the status and the terminal after exit")
	if r := ctr(t, 0, "wait", "att-tty"); r.stdout != "5\n" {
		t.Errorf("wait: %s", r.describe())
	}
}

// TestExecDetachedTTY: exec -dt runs the command in the background on a
// terminal of its own (a keeper holds it), and carrick returns at once.
func TestExecDetachedTTY(t *testing.T) {
	needImages(t)
	ctr(t, 0, "run", "-d", "--name", "exec-dt", reg.ref(busyboxRepo), "sleep", "100")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "exec-dt")
	if r := ctr(t, 0, "exec", "-dt", "exec-dt", "sh", "-c", "tty > /t; echo shown; sleep 0.5; echo done > /d"); r.stdout != "" {
		t.Errorf("exec -dt printed: %s", r.describe())
	}
	var got string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if got = carrickRun(home, nil, time.Minute, "exec", "exec-dt", "sh", "-c", "cat /d /t 2>/dev/null").stdout; strings.HasPrefix(got, "done\n") {
			break
		}
	}
	if !regexp.MustCompile(`\Adone\n/dev/pts/\d+\n\z`).MatchString(got) {
		t.Errorf("exec -dt's command: %q", got)
	}
}
