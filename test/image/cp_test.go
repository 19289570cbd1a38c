//go:build linux

package image_test

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestCp: carrick cp with docker's rules, both ways, through the
// container's own view of its root: a tree with a link, a hard link and
// owners copied in (root's unless -a) and out (the caller's unless -a),
// SRC/. for contents, a file onto a file and into a directory, tar streams
// on stdout and stdin, errors, a running container, and no way out of
// the container's root through its links.
func TestCp(t *testing.T) {
	needImages(t)
	bb := reg.ref(busyboxRepo)
	host := t.TempDir()
	in := filepath.Join(host, "in")
	must(t, os.MkdirAll(filepath.Join(in, "b"), 0o750))
	must(t, os.WriteFile(filepath.Join(in, "a"), []byte("file a\n"), 0o640))
	must(t, os.WriteFile(filepath.Join(in, "b", "c"), []byte("file c\n"), 0o600))
	must(t, os.Symlink("a", filepath.Join(in, "l")))
	must(t, os.Link(filepath.Join(in, "a"), filepath.Join(in, "h")))
	for _, p := range []string{"", "a", "b", "b/c"} {
		must(t, os.Lchown(filepath.Join(in, p), 1234, 1235))
	}

	// A created container: cp works before it ever ran.
	ctr(t, 0, "create", "--name", "cpbox", bb, "sh", "-c",
		"cd /tmp && ls -ln in in/b | sed 's/  */ /g' | cut -d' ' -f1,3,4,9- ; cat in/b/c; readlink in/l; stat -c '%i' in/a in/h | uniq | wc -l; stat -c 'ar %u:%g %A' /ar")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "cpbox")
	ctr(t, 0, "cp", in, "cpbox:/tmp/")
	ctr(t, 0, "cp", "-a", filepath.Join(in, "a"), "cpbox:ar") // a new name, owners kept
	// The image's own file, out.
	out := filepath.Join(host, "passwd")
	ctr(t, 0, "cp", "cpbox:/etc/passwd", out)
	want := ctr(t, 0, "run", "--rm", bb, "cat", "/etc/passwd").stdout
	if b, _ := os.ReadFile(out); string(b) != want || want == "" {
		t.Errorf("cp of /etc/passwd out: %q, want %q", b, want)
	}
	r := ctr(t, 0, "start", "-a", "cpbox")
	for _, w := range []string{
		"-rw-r----- 0 0 a\n", "drwxr-x--- 0 0 b\n", "-rw-r----- 0 0 h\n", "lrwxrwxrwx 0 0 l -> a\n", // root's: no -a
		"-rw------- 0 0 c\n", "file c\n", "\na\n1\n", // contents, the link, one inode for a and h
		"ar 1234:1235 -rw-r-----\n", // -a keeps owners
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("in the container after cp in, no %q in:\n%s", w, r.stdout)
		}
	}

	// Out again: a new directory named by DEST, the caller's owners, the
	// link and the hard link kept; with -a the container's owners.
	back := filepath.Join(host, "back")
	ctr(t, 0, "cp", "cpbox:/tmp/in", back)
	checkTree(t, back, map[string]string{"a": "file a\n", "h": "file a\n", "b/c": "file c\n", "l": "->a"}, 0)
	if sameFile(t, filepath.Join(back, "a"), filepath.Join(back, "h")) != true {
		t.Errorf("the hard link came out as a copy")
	}
	ctr(t, 0, "cp", "cpbox:/ar", filepath.Join(host, "ar0"))
	checkTree(t, host, map[string]string{"ar0": "file a\n"}, 0) // 1234 in the container
	ctr(t, 0, "cp", "-a", "cpbox:/ar", filepath.Join(host, "ar"))
	if fi, err := os.Stat(filepath.Join(host, "ar")); err != nil || fi.Sys().(*syscall.Stat_t).Uid != 1234 {
		t.Errorf("cp -a out: %v %v", fi, err)
	}
	// SRC/. into an existing directory: the contents.
	dot := filepath.Join(host, "dot")
	must(t, os.Mkdir(dot, 0o755))
	ctr(t, 0, "cp", "cpbox:/tmp/in/.", dot)
	checkTree(t, dot, map[string]string{"a": "file a\n", "b/c": "file c\n"}, 0)
	// A file into a directory, and onto a file.
	ctr(t, 0, "cp", "cpbox:/tmp/in/b/c", dot)
	ctr(t, 0, "cp", "cpbox:/tmp/in/a", filepath.Join(dot, "c"))
	checkTree(t, dot, map[string]string{"c": "file a\n"}, 0)

	// A tar stream out, and one in.
	r = ctr(t, 0, "cp", "cpbox:/tmp/in", "-")
	names := tarNames(t, r.stdout)
	if want := "in/ in/a in/b/ in/b/c in/h in/l"; strings.Join(names, " ") != want {
		t.Errorf("cp to -: entries %q, want %q", names, want)
	}
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	tw.WriteHeader(&tar.Header{Name: "sub/", Typeflag: tar.TypeDir, Mode: 0o755})
	tw.WriteHeader(&tar.Header{Name: "sub/f", Typeflag: tar.TypeReg, Mode: 0o644, Size: 3})
	tw.Write([]byte("hi\n"))
	tw.Close()
	if r := carrickRun(home, bytes.NewReader(tb.Bytes()), time.Minute, "cp", "-", "cpbox:/tmp"); r.status != 0 {
		t.Fatalf("cp - : %s", r.describe())
	}
	ctr(t, 0, "cp", "cpbox:/tmp/sub/f", filepath.Join(host, "f"))
	checkTree(t, host, map[string]string{"f": "hi\n"}, 0)
	tb.Reset()
	tw = tar.NewWriter(&tb)
	tw.WriteHeader(&tar.Header{Name: "../../evil", Typeflag: tar.TypeReg, Mode: 0o644})
	tw.Close()
	if r := carrickRun(home, bytes.NewReader(tb.Bytes()), time.Minute, "cp", "-", "cpbox:/tmp"); r.status == 0 {
		t.Errorf("a tar entry leaving the destination was accepted: %s", r.describe())
	}

	// Errors: one line, status 1 (125 for the command line).
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"cpbox:/nonexistent", host}, "no such file or directory"},
		{[]string{"cpbox:/tmp/in/a", filepath.Join(host, "nodir") + "/"}, "must exist"},
		{[]string{"cpbox:/tmp/in/a", filepath.Join(host, "no", "parent")}, "no such file or directory"},
		{[]string{"cpbox:/tmp/in", filepath.Join(host, "f")}, "cannot copy a directory to a file"},
		{[]string{"cpbox:/tmp/in/a/", host}, "not a directory"},
	} {
		r := carrickRun(home, nil, time.Minute, append([]string{"cp"}, c.args...)...)
		if r.status != 1 || !strings.Contains(r.stderr, c.want) || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("cp %v: want status 1 and %q: %s", c.args, c.want, r.describe())
		}
	}
	ctr(t, 125, "cp", "cpbox:/a", "cpbox:/b")
	ctr(t, 125, "cp", host, filepath.Join(host, "x"))
	ctr(t, 125, "cp", "nosuchcontainer:/a", host)

	// Links in the container resolve in the container: a link to / is
	// the container's root, in and out.
	esc := filepath.Join(host, "esc")
	must(t, os.Symlink("/", esc))
	ctr(t, 0, "cp", esc, "cpbox:/tmp/")
	ctr(t, 0, "cp", filepath.Join(in, "a"), "cpbox:/tmp/esc/tmp/through-link")
	if _, err := os.Stat("/tmp/through-link"); err == nil {
		os.Remove("/tmp/through-link")
		t.Fatalf("cp through a container's link wrote the host's /tmp")
	}
	ctr(t, 0, "cp", "cpbox:/tmp/esc/tmp/through-link", filepath.Join(host, "tl"))
	checkTree(t, host, map[string]string{"tl": "file a\n"}, 0)
	ctr(t, 0, "cp", "-L", "cpbox:/tmp/esc/etc/passwd", filepath.Join(host, "passwd2"))
	if b, _ := os.ReadFile(filepath.Join(host, "passwd2")); string(b) != want {
		t.Errorf("cp through the container's link to / read %q, want the container's passwd", b)
	}

	// A running container sees what is copied in; another container of
	// the image does not.
	ctr(t, 0, "run", "-d", "--name", "cprun", bb, "sleep", "100")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "cprun")
	ctr(t, 0, "cp", filepath.Join(in, "b"), "cprun:/srv-b")
	if r := ctr(t, 0, "exec", "cprun", "cat", "/srv-b/c"); r.stdout != "file c\n" {
		t.Errorf("exec after cp into a running container: %s", r.describe())
	}
	ctr(t, 1, "run", "--rm", bb, "ls", "/srv-b")
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// checkTree checks files under dir: content, or "->target" for a link,
// and that each is owned by uid.
func checkTree(t *testing.T, dir string, files map[string]string, uid uint32) {
	t.Helper()
	for p, want := range files {
		full := filepath.Join(dir, p)
		fi, err := os.Lstat(full)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		var got string
		if fi.Mode()&os.ModeSymlink != 0 {
			l, _ := os.Readlink(full)
			got = "->" + l
		} else {
			b, _ := os.ReadFile(full)
			got = string(b)
		}
		if got != want {
			t.Errorf("%s: %q, want %q", p, got, want)
		}
		if o := fi.Sys().(*syscall.Stat_t).Uid; o != uid {
			t.Errorf("%s: owner %d, want %d", p, o, uid)
		}
	}
}

func sameFile(t *testing.T, a, b string) bool {
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

func tarNames(t *testing.T, s string) []string {
	t.Helper()
	var names []string
	tr := tar.NewReader(strings.NewReader(s))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("tar: %v", err)
		}
		names = append(names, h.Name)
	}
	sort.Strings(names)
	return names
}
