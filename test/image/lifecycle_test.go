//go:build linux

package image_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestLifecycle: restart (a new run of the same container, its files
// kept), pause and unpause (a paused container's processes do not run),
// rename, export (the container's files as a tar, its own writes and
// deletions included) and diff (docker's A/C/D lines).
func TestLifecycle(t *testing.T) {
	needImages(t)
	bb := reg.ref(busyboxRepo)
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "lc-one")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "lc-two")
	// Each run appends a line to /runs and then counts, once a second,
	// into /ticks.
	ctr(t, 0, "run", "-d", "--name", "lc-one", "-v", t.TempDir()+":/vol", bb, "sh", "-c",
		"echo run >> /runs; rm -f /bin/vi; i=0; while :; do i=$((i+1)); echo $i > /ticks; sleep 0.2; done")
	awaitFile := func(p, want string) {
		t.Helper()
		var got string
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if got = ctr(t, 0, "exec", "lc-one", "cat", p).stdout; got == want {
				return
			}
		}
		t.Fatalf("%s in the container: %q, want %q", p, got, want)
	}
	awaitFile("/runs", "run\n")

	// pause: the counter stands still; unpause: it moves again.
	ctr(t, 0, "pause", "lc-one")
	if r := ctr(t, 0, "ps", "-f", "name=lc-one", "--format", "{{.State}} {{.Status}}"); !strings.HasPrefix(r.stdout, "paused Up ") || !strings.Contains(r.stdout, "(Paused)") {
		t.Errorf("ps of a paused container: %s", r.describe())
	}
	ctr(t, 1, "pause", "lc-one")
	host := t.TempDir()
	ticks := func() string {
		t.Helper()
		ctr(t, 0, "cp", "lc-one:/ticks", host)
		b, err := os.ReadFile(filepath.Join(host, "ticks"))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	before := ticks()
	time.Sleep(time.Second)
	if after := ticks(); after != before {
		t.Errorf("a paused container's loop ran on: %q then %q", before, after)
	}
	ctr(t, 0, "unpause", "lc-one")
	ctr(t, 1, "unpause", "lc-one")
	moved := false
	for deadline := time.Now().Add(20 * time.Second); !moved && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		moved = ticks() != before
	}
	if !moved {
		t.Errorf("the loop did not run again after unpause")
	}

	// restart: the same container runs again, with its files.
	ctr(t, 0, "restart", "-t", "1", "lc-one")
	awaitFile("/runs", "run\nrun\n")

	// rename, and the old name is free.
	ctr(t, 0, "rename", "lc-one", "lc-two")
	ctr(t, 1, "rename", "lc-two", "lc-two")
	if r := ctr(t, 0, "ps", "--format", "{{.Names}}"); !strings.Contains(r.stdout, "lc-two\n") || strings.Contains(r.stdout, "lc-one\n") {
		t.Errorf("ps after rename: %s", r.describe())
	}

	// diff and export see the container's own changes over its image.
	r := ctr(t, 0, "diff", "lc-two")
	if want := "C /bin\nD /bin/vi\nA /runs\nA /ticks\n"; r.stdout != want { // not the volume's mount point
		t.Errorf("diff: %q, want %q", r.stdout, want)
	}
	r = ctr(t, 0, "export", "lc-two")
	names := tarNames(t, r.stdout)
	has := map[string]bool{}
	for _, n := range names {
		has[n] = true
	}
	for _, w := range []string{"runs", "bin/", "bin/busybox", "etc/passwd"} {
		if !has[w] {
			t.Errorf("export lacks %s (%d entries)", w, len(names))
		}
	}
	if has["bin/vi"] || has[strings.TrimPrefix(busyboxGone, "/")] || has["."] || has["./"] {
		t.Errorf("export has a deleted file or a root entry")
	}
	ctr(t, 0, "stop", "-t", "1", "lc-two")
}

// TestPrune: container prune removes what is not running (docker's
// output), container ls is ps, and system prune -a removes stopped
// containers and then the images no container uses.
func TestPrune(t *testing.T) {
	needImages(t)
	h := filepath.Join(t.TempDir(), "home")
	ctrIn(t, h, 0, "pull", reg.ref(busyboxRepo))
	ctrIn(t, h, 0, "pull", reg.ref(debianRepo))
	id := strings.TrimSpace(ctrIn(t, h, 0, "container", "create", "--name", "pr-created", reg.ref(debianRepo), "true").stdout)
	ctrIn(t, h, 0, "run", "--name", "pr-exited", reg.ref(busyboxRepo), "true")
	ctrIn(t, h, 0, "run", "-d", "--name", "pr-running", reg.ref(busyboxRepo), "sleep", "100")
	defer carrickRun(h, nil, time.Minute, "rm", "-f", "pr-running")
	r := ctrIn(t, h, 0, "container", "prune", "-f")
	if !strings.HasPrefix(r.stdout, "Deleted Containers:\n") || !strings.Contains(r.stdout, id+"\n") || !strings.Contains(r.stdout, "Total reclaimed space: ") {
		t.Errorf("container prune: %s", r.describe())
	}
	if r := ctrIn(t, h, 0, "container", "ls", "-a", "--format", "{{.Names}}"); r.stdout != "pr-running\n" {
		t.Errorf("container ls -a after prune: %s", r.describe())
	}
	ctrIn(t, h, 0, "create", "--name", "pr-again", reg.ref(busyboxRepo), "true")
	r = ctrIn(t, h, 0, "system", "prune", "-a", "-f")
	if !strings.Contains(r.stdout, "deleted: "+debianID+"\n") || strings.Contains(r.stdout, "deleted: "+busyboxID) {
		t.Errorf("system prune -a: %s", r.describe())
	}
	if rows := listImages(t, h); len(rows) != 1 || rows[0].id != short(busyboxID) {
		t.Errorf("images after system prune -a: %v", rows)
	}
	if r := ctrIn(t, h, 0, "ps", "-a", "--format", "{{.Names}}"); r.stdout != "pr-running\n" {
		t.Errorf("containers after system prune: %s", r.describe())
	}
}

// TestCommit: commit of a container that added, changed and deleted
// files: a container of the new image sees the changes and runs the
// committed command; skopeo reads the image (three layers) from a save;
// and `load` from stdin takes that archive.
func TestCommit(t *testing.T) {
	needImages(t)
	bb := reg.ref(busyboxRepo)
	const ref = "carrick.test/committed:1"
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "to-commit")
	defer carrickRun(home, nil, time.Minute, "rmi", "-f", ref)
	ctr(t, 0, "run", "--name", "to-commit", "-e", "COMMITTED=yes", bb, "sh", "-c",
		"echo made > /made; rm -f /bin/vi; echo more >> /etc/passwd; echo ran $COMMITTED")
	r := ctr(t, 0, "commit", "-m", "a test commit", "to-commit", ref)
	id := strings.TrimSpace(r.stdout)
	if !strings.HasPrefix(id, "sha256:") || len(id) != 71 {
		t.Fatalf("commit printed %q", r.stdout)
	}
	if r := ctr(t, 0, "run", "--rm", ref); r.stdout != "ran yes\n" {
		t.Errorf("the committed command: %s", r.describe())
	}
	if r := ctr(t, 0, "run", "--rm", ref, "sh", "-c", "cat /made; tail -1 /etc/passwd; ls /bin/vi 2>&1 || echo vi-gone"); r.stdout != "made\nmore\nls: /bin/vi: No such file or directory\nvi-gone\n" {
		t.Errorf("a container of the committed image: %s", r.describe())
	}
	dir := t.TempDir()
	archive := filepath.Join(dir, "c.tar")
	ctr(t, 0, "save", "-o", archive, ref)
	sk := runCmd(nil, 2*time.Minute, []string{"PATH=/usr/bin:/bin", "HOME=" + dir},
		"skopeo", "inspect", "--format", "{{len .Layers}} {{.Architecture}}", "docker-archive:"+archive)
	if sk.status != 0 || sk.stdout != "3 arm64\n" {
		t.Errorf("skopeo inspect of the committed image: %s", sk.describe())
	}
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := filepath.Join(dir, "home")
	if r := carrickRun(h, f, time.Minute, "load"); r.status != 0 || !strings.Contains(r.stdout, "Loaded image: "+ref) {
		t.Fatalf("load from stdin: %s", r.describe())
	}
	if r := ctrIn(t, h, 0, "run", "--rm", ref); r.stdout != "ran yes\n" {
		t.Errorf("the committed image, saved and loaded: %s", r.describe())
	}
}
