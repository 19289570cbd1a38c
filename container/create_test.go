package container

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/image/unpack"
	"github.com/carrick-go/carrick/rootfs"
)

type entry struct {
	name, data string
	size       int64 // zeros, when data is empty and size > 0
	owner      int   // uid and gid
}

func layerOf(t *testing.T, ents ...entry) v1.Layer {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range ents {
		h := &tar.Header{Name: e.name, Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(e.data)), Uid: e.owner, Gid: e.owner}
		if strings.HasSuffix(e.name, "/") {
			h.Typeflag, h.Mode, h.Size = tar.TypeDir, 0o755, 0
		} else if e.size > 0 {
			h.Size = e.size
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.size > 0 {
			io.CopyN(tw, zeros{}, e.size)
		} else {
			tw.Write([]byte(e.data))
		}
	}
	tw.Close()
	data := b.Bytes()
	l, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil })
	if err != nil {
		t.Fatal(err)
	}
	return l
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// loadImage stores an arm64 image of these layers as tag, through a
// docker-save archive.
func loadImage(t *testing.T, s *Store, tag string, cfg v1.Config, layers ...v1.Layer) {
	t.Helper()
	img, err := mutate.AppendLayers(empty.Image, layers...)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS, cf.Config = "arm64", "linux", cfg
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	ref, err := name.NewTag(tag)
	if err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "image.tar")
	if err := tarball.WriteToFile(archive, ref, img); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Images.Load(context.Background(), archive, nil); err != nil {
		t.Fatal(err)
	}
}

func readGuest(t *testing.T, fs *rootfs.FS, p string) (string, bool) {
	b, err := readFile(fs, p)
	return string(b), err == nil
}

// TestCreate runs in both metadata modes: a non-root user's store keeps
// owners in xattrs, and the view must read the layers in their mode.
func TestCreate(t *testing.T) {
	for _, m := range []unpack.Metadata{unpack.MetadataAuto, unpack.MetadataXattr} {
		t.Run(m.RootfsMode().String(), func(t *testing.T) { testCreate(t, m) })
	}
}

func testCreate(t *testing.T, meta unpack.Metadata) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s.Metadata = meta
	loadImage(t, s, "test/app:1",
		v1.Config{Entrypoint: []string{"/bin/entry"}, Cmd: []string{"serve"}, Env: []string{"A=image", "PATH=/opt/bin"}, WorkingDir: "/srv/app", User: "app"},
		layerOf(t, entry{name: "etc/"}, entry{name: "etc/passwd", data: "root:x:0:0::/root:/bin/sh\napp:x:100:101::/home/app:/bin/sh\n"},
			entry{name: "data/"}, entry{name: "data/old", data: "old"}, entry{name: "data/keep", data: "v1"},
			entry{name: "data/owned", data: "x", owner: 100}),
		layerOf(t, entry{name: "data/"}, entry{name: "data/.wh.old"}, entry{name: "data/keep", data: "v2"}, entry{name: "data/new", data: "new"}))

	a, err := s.Create(Options{Image: "test/app:1", Name: "a", Env: []string{"B=user"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"/bin/entry", "serve"}; !reflect.DeepEqual(a.Args, want) {
		t.Errorf("args %q, want %q", a.Args, want)
	}
	if want := []string{"PATH=/opt/bin", "HOSTNAME=" + ShortID(a.ID), "A=image", "B=user", "HOME=/home/app"}; !reflect.DeepEqual(a.Env, want) {
		t.Errorf("env %q, want %q", a.Env, want)
	}
	if a.WorkingDir != "/srv/app" || a.User != "app" || a.Hostname != ShortID(a.ID) {
		t.Errorf("record %+v", a)
	}
	ep := ""
	b, err := s.Create(Options{Image: "test/app:1", Entrypoint: &ep, Args: []string{"sh"}, WorkingDir: "/w", User: "0"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(b.Args, []string{"sh"}) || b.WorkingDir != "/w" {
		t.Errorf("b: %q %s", b.Args, b.WorkingDir)
	}
	if _, err := s.Create(Options{Image: "test/app:1", Entrypoint: &ep}); !errors.Is(err, ErrNoCommand) {
		t.Errorf("no command: %v", err)
	}
	if _, err := s.Create(Options{Image: "test/app:1", Name: "a"}); !errors.Is(err, ErrConflict) {
		t.Errorf("name conflict: %v", err)
	}
	if _, err := s.Create(Options{Image: "nope:1"}); err == nil {
		t.Errorf("unknown image accepted")
	}

	va, err := s.View(a)
	if err != nil {
		t.Fatal(err)
	}
	defer va.Close()
	vb, err := s.View(b)
	if err != nil {
		t.Fatal(err)
	}
	defer vb.Close()
	// The layers stack: the whiteout hides old, the upper keep wins.
	for p, want := range map[string]string{"/data/keep": "v2", "/data/new": "new"} {
		if got, ok := readGuest(t, va, p); !ok || got != want {
			t.Errorf("%s: %q, want %q", p, got, want)
		}
	}
	if _, ok := readGuest(t, va, "/data/old"); ok {
		t.Errorf("/data/old is visible through its whiteout")
	}
	if st, e := va.Stat(va.Root(), "/data/owned"); e != 0 || st.Uid != 100 || st.Gid != 100 {
		t.Errorf("a layer's owner through the view: %+v %v", st, e)
	}
	if st, e := va.Stat(va.Root(), "/srv/app"); e != 0 || !st.IsDir() || st.Uid != 100 || st.Gid != 101 {
		t.Errorf("working directory: %+v %v", st, e)
	}
	// One container's writes are its own.
	f, e := va.Open(va.Root(), "/data/keep", unix.O_WRONLY|unix.O_TRUNC, 0)
	if e != 0 {
		t.Fatal(e)
	}
	unix.Write(f.Fd(), []byte("a's"))
	f.Close()
	if e := va.Unlink(va.Root(), "/data/new"); e != 0 {
		t.Fatal(e)
	}
	if got, _ := readGuest(t, va, "/data/keep"); got != "a's" {
		t.Errorf("a reads %q", got)
	}
	if got, _ := readGuest(t, vb, "/data/keep"); got != "v2" {
		t.Errorf("b sees a's write: %q", got)
	}
	if got, ok := readGuest(t, vb, "/data/new"); !ok || got != "new" {
		t.Errorf("b lost /data/new: %q", got)
	}

	// Pruning keeps the layers images and containers use.
	layers, _ := os.ReadDir(s.LayersDir())
	if _, err := s.Prune(); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadDir(s.LayersDir())
	if len(after) != len(layers) {
		t.Errorf("prune removed used layers: %d → %d", len(layers), len(after))
	}
}
