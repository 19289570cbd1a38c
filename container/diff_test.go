package container

import (
	"errors"
	"reflect"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sys/unix"
)

// TestDiff: docker diff's lines for what a container did to its image's
// files; TestRename: a free name only. (Names that are not hex: a name
// like "a" also finds the container whose ID begins with it.)
func TestDiff(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	loadImage(t, s, "test/diff:1", v1.Config{Cmd: []string{"/x"}},
		layerOf(t, entry{name: "etc/"}, entry{name: "etc/a", data: "a"}, entry{name: "etc/b", data: "b"}, entry{name: "srv/"}))
	r, err := s.Create(Options{Image: "test/diff:1", WorkingDir: "/"})
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.View(r)
	if err != nil {
		t.Fatal(err)
	}
	f, e := v.Open(v.Root(), "/etc/a", unix.O_WRONLY|unix.O_APPEND, 0)
	if e != 0 {
		t.Fatal(e)
	}
	unix.Write(f.Fd(), []byte("more"))
	f.Close()
	if e := v.Unlink(v.Root(), "/etc/b"); e != 0 {
		t.Fatal(e)
	}
	if e := v.Mkdir(v.Root(), "/new", 0o755); e != 0 {
		t.Fatal(e)
	}
	if f, e = v.Open(v.Root(), "/new/file", unix.O_CREAT|unix.O_WRONLY, 0o644); e != 0 {
		t.Fatal(e)
	}
	f.Close()
	v.Close()
	got, err := s.Diff(r)
	if err != nil {
		t.Fatal(err)
	}
	want := []Change{{'C', "/etc"}, {'C', "/etc/a"}, {'D', "/etc/b"}, {'A', "/new"}, {'A', "/new/file"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("diff: %q, want %q", got, want)
	}
}

func TestRename(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	loadImage(t, s, "test/rn:1", v1.Config{Cmd: []string{"/x"}}, layerOf(t, entry{name: "etc/"}))
	a, err := s.Create(Options{Image: "test/rn:1", Name: "one"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(Options{Image: "test/rn:1", Name: "two"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Rename(a, "two"); !errors.Is(err, ErrConflict) {
		t.Errorf("rename onto a taken name: %v", err)
	}
	if err := s.Rename(a, "bad name"); err == nil {
		t.Errorf("an invalid name was taken")
	}
	if err := s.Rename(a, "three"); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Find("three"); err != nil || r.ID != a.ID {
		t.Errorf("find by the new name: %v %v", r, err)
	}
	if _, err := s.Find("one"); err == nil {
		t.Errorf("the old name still finds the container")
	}
	if _, err := s.Create(Options{Image: "test/rn:1", Name: "one"}); err != nil {
		t.Errorf("the old name is not free: %v", err)
	}
}
