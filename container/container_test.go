package container

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/rootfs"
)

func viewOf(t *testing.T, files map[string]string) *rootfs.FS {
	t.Helper()
	d := t.TempDir()
	for p, data := range files {
		os.MkdirAll(filepath.Join(d, filepath.Dir(p)), 0o755)
		if err := os.WriteFile(filepath.Join(d, p), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fs, err := rootfs.New(d, rootfs.Options{Metadata: rootfs.MetadataXattr})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fs.Close() })
	return fs
}

func TestResolveUser(t *testing.T) {
	fs := viewOf(t, map[string]string{
		"etc/passwd": "root:x:0:0:root:/root:/bin/sh\n# comment\nalice:x:1000:1000::/home/alice:/bin/sh\nbad:x:zz:1::/:/bin/sh\n",
		"etc/group":  "root:x:0:\nalice:x:1000:\nwheel:x:10:alice,bob\naudio:x:29:bob,alice\nstaff:x:50:\n",
	})
	cases := []struct {
		spec string
		want user
		err  string
	}{
		{"", user{0, 0, []uint32{0}, "/root"}, ""},
		{"root", user{0, 0, []uint32{0}, "/root"}, ""},
		{"alice", user{1000, 1000, []uint32{1000, 10, 29}, "/home/alice"}, ""},
		{"1000", user{1000, 1000, []uint32{1000, 10, 29}, "/home/alice"}, ""},
		{"alice:staff", user{1000, 50, []uint32{50, 10, 29}, "/home/alice"}, ""},
		{"alice:29", user{1000, 29, []uint32{29, 10}, "/home/alice"}, ""},
		{"4242", user{4242, 0, []uint32{0}, "/"}, ""},
		{"4242:4343", user{4242, 4343, []uint32{4343}, "/"}, ""},
		{"nobody", user{}, "unable to find user nobody"},
		{"alice:nogroup", user{}, "unable to find group nogroup"},
	}
	for _, c := range cases {
		got, err := resolveUser(fs, c.spec)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: err %v, want %q", c.spec, err, c.err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: %+v, %v; want %+v", c.spec, got, err, c.want)
		}
	}
	// No passwd at all: numeric ids still work, names do not.
	empty := viewOf(t, nil)
	if u, err := resolveUser(empty, "7:8"); err != nil || u.uid != 7 || u.gid != 8 {
		t.Errorf("7:8 without passwd: %+v %v", u, err)
	}
	if _, err := resolveUser(empty, "root"); err == nil {
		t.Errorf("root without passwd resolved")
	}
}

func TestBuildEnv(t *testing.T) {
	got := buildEnv([]string{"PATH=/img/bin", "A=image", "B=image"}, []string{"A=user", "C=user"}, "h1", "/root", true)
	want := []string{"PATH=/img/bin", "HOSTNAME=h1", "A=user", "B=image", "C=user", "TERM=xterm", "HOME=/root"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("env %q, want %q", got, want)
	}
	got = buildEnv(nil, []string{"HOME=/x", "TERM=dumb"}, "h", "/root", true)
	want = []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=h", "HOME=/x", "TERM=dumb"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("env %q, want %q", got, want)
	}
}

func TestMkdirAll(t *testing.T) {
	fs := viewOf(t, map[string]string{"file": "x"})
	if err := mkdirAll(fs, "/a/b/c", user{uid: 5, gid: 6}); err != nil {
		t.Fatal(err)
	}
	st, e := fs.Stat(fs.Root(), "/a/b/c")
	if e != 0 || !st.IsDir() || st.Uid != 5 || st.Gid != 6 {
		t.Errorf("/a/b/c: %+v %v", st, e)
	}
	if err := mkdirAll(fs, "/file/x", user{}); err == nil {
		t.Errorf("mkdir under a file succeeded")
	}
}

func TestNamesAndFind(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	id1, n1, err := s.reserve("web")
	if err != nil || n1 != "web" {
		t.Fatal(n1, err)
	}
	if _, _, err := s.reserve("web"); !errors.Is(err, ErrConflict) || !strings.Contains(err.Error(), `"web" is already in use`) {
		t.Errorf("second web: %v", err)
	}
	if _, _, err := s.reserve("bad/name"); err == nil {
		t.Errorf("bad/name accepted")
	}
	id2, n2, err := s.reserve("")
	if err != nil || n2 == "" || id2 == id1 {
		t.Fatal(id2, n2, err)
	}
	for _, ref := range []string{"web", "/web", id1, id1[:5]} {
		if r, err := s.Find(ref); err != nil || r.ID != id1 {
			t.Errorf("Find(%q) = %v, %v", ref, r, err)
		}
	}
	if r, err := s.Find(n2); err != nil || r.ID != id2 {
		t.Errorf("Find(%q) = %v, %v", n2, r, err)
	}
	if _, err := s.Find("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Find(nope): %v", err)
	}
	if st := s.Status(&Record{ID: id1}); st.State != "created" {
		t.Errorf("status of a never-started container: %+v", st)
	}
	r, _ := s.Find("web")
	if err := s.Remove(r); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(s.Dir(id1)); !os.IsNotExist(err) {
		t.Errorf("directory left: %v", err)
	}
	if _, _, err := s.reserve("web"); err != nil {
		t.Errorf("name not free after rm: %v", err)
	}
}
