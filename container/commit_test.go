package container

import (
	"reflect"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/image/unpack"
)

// TestCommit: an image committed from a container holds its additions
// (owners kept, in both metadata modes), its deletions, and its command
// and environment; a container of it sees them.
func TestCommit(t *testing.T) {
	for _, m := range []unpack.Metadata{unpack.MetadataAuto, unpack.MetadataXattr} {
		t.Run(m.RootfsMode().String(), func(t *testing.T) {
			s, err := Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			s.Metadata = m
			loadImage(t, s, "test/base:1", v1.Config{Cmd: []string{"/base"}, Env: []string{"PATH=/bin"}},
				layerOf(t, entry{name: "etc/"}, entry{name: "etc/keep", data: "k"}, entry{name: "etc/gone", data: "g"}))
			r, err := s.Create(Options{Image: "test/base:1", Args: []string{"/run", "it"}, Env: []string{"ADDED=1"}})
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.View(r)
			if err != nil {
				t.Fatal(err)
			}
			f, e := v.Open(v.Root(), "/etc/new", unix.O_CREAT|unix.O_WRONLY, 0o640)
			if e != 0 {
				t.Fatal(e)
			}
			unix.Write(f.Fd(), []byte("new"))
			f.Close()
			if e := v.Chown(v.Root(), "/etc/new", 1234, 1235, false); e != 0 {
				t.Fatal(e)
			}
			if e := v.Unlink(v.Root(), "/etc/gone"); e != 0 {
				t.Fatal(e)
			}
			v.Close()

			im, err := s.Commit(r, "test/committed:1", CommitOptions{Message: "msg"})
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.Images.Resolve("test/committed:1")
			if err != nil || res.ID() != im.ID() || len(res.Manifest.Layers) != 2 {
				t.Fatalf("the committed image: %+v %v", res, err)
			}
			if c := res.Config.Config; !reflect.DeepEqual(c.Cmd, []string{"/run", "it"}) || !reflect.DeepEqual(c.Env, []string{"PATH=/bin", "ADDED=1"}) {
				t.Errorf("the committed config: cmd %q env %q", c.Cmd, c.Env)
			}
			if h := res.Config.History; len(h) == 0 || h[len(h)-1].Comment != "msg" {
				t.Errorf("history: %+v", h)
			}
			r2, err := s.Create(Options{Image: "test/committed:1"})
			if err != nil {
				t.Fatal(err)
			}
			v2, err := s.View(r2)
			if err != nil {
				t.Fatal(err)
			}
			defer v2.Close()
			if got, ok := readGuest(t, v2, "/etc/new"); !ok || got != "new" {
				t.Errorf("/etc/new in a container of the committed image: %q", got)
			}
			if st, e := v2.Stat(v2.Root(), "/etc/new"); e != 0 || st.Uid != 1234 || st.Gid != 1235 || st.Mode&0o777 != 0o640 {
				t.Errorf("/etc/new's metadata: %+v %v", st, e)
			}
			if _, ok := readGuest(t, v2, "/etc/gone"); ok {
				t.Errorf("/etc/gone came back")
			}
			if got, _ := readGuest(t, v2, "/etc/keep"); got != "k" {
				t.Errorf("/etc/keep: %q", got)
			}
		})
	}
}
