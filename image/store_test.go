package image

import (
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/opencontainers/go-digest"
)

func TestParseReference(t *testing.T) {
	const hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	for _, c := range []struct{ in, want, key string }{
		{"busybox", "docker.io/library/busybox:latest", ""},
		{"busybox:1.36", "docker.io/library/busybox:1.36", ""},
		{"library/busybox", "docker.io/library/busybox:latest", ""},
		{"docker.io/busybox", "docker.io/library/busybox:latest", ""},
		{"index.docker.io/library/busybox", "docker.io/library/busybox:latest", ""},
		{"user/app:v1", "docker.io/user/app:v1", ""},
		{"ghcr.io/org/sub/app:1.0-rc.1", "ghcr.io/org/sub/app:1.0-rc.1", ""},
		{"localhost/app", "localhost/app:latest", ""},
		{"localhost:5000/app", "localhost:5000/app:latest", ""},
		{"127.0.0.1:5000/a/b:t", "127.0.0.1:5000/a/b:t", ""},
		{"[::1]:5000/a", "[::1]:5000/a:latest", ""},
		{"registry:5000/a", "registry:5000/a:latest", ""},
		{"busybox@sha256:" + hex, "docker.io/library/busybox@sha256:" + hex, "docker.io/library/busybox@sha256:" + hex},
		{"busybox:1@sha256:" + hex, "docker.io/library/busybox:1@sha256:" + hex, "docker.io/library/busybox:1"},
		{"my_app/x__y/a-b.c", "docker.io/my_app/x__y/a-b.c:latest", ""},
	} {
		r, err := ParseReference(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if r.String() != c.want {
			t.Errorf("%q: %q, want %q", c.in, r.String(), c.want)
		}
		key := c.key
		if key == "" {
			key = c.want
		}
		if r.key() != key {
			t.Errorf("%q: key %q, want %q", c.in, r.key(), key)
		}
	}
	for _, bad := range []string{"", "Busybox", "docker.io/Library/x", "a//b", "a/", "x:", "x:-bad",
		"x@sha256:123", "x@md5:" + hex[:32], "bad_host:5000:1/x", "-x", "x..y"} {
		if r, err := ParseReference(bad); err == nil {
			t.Errorf("%q parsed as %q", bad, r)
		}
	}
}

func TestDataDir(t *testing.T) {
	if got := dataDir("linux", "/home/u", ""); got != "/home/u/.local/share/carrick" {
		t.Errorf("linux: %s", got)
	}
	if got := dataDir("linux", "/home/u", "/x/data"); got != "/x/data/carrick" {
		t.Errorf("linux with XDG_DATA_HOME: %s", got)
	}
	if got := dataDir("linux", "/home/u", "relative"); got != "/home/u/.local/share/carrick" {
		t.Errorf("linux with relative XDG_DATA_HOME (ignored per the XDG spec): %s", got)
	}
	if got := dataDir("darwin", "/Users/u", "/x"); got != "/Users/u/Library/Application Support/carrick" {
		t.Errorf("darwin: %s", got)
	}
	t.Setenv("CARRICK_HOME", "/somewhere")
	if got, _ := DefaultRoot(); got != "/somewhere" {
		t.Errorf("CARRICK_HOME: %s", got)
	}
}

func TestWriteBlobVerifies(t *testing.T) {
	s := openStore(t)
	data := "hello, blob"
	d := digest.FromString(data)
	if err := s.WriteBlob(digest.FromString("other"), -1, strings.NewReader(data)); err == nil {
		t.Error("wrong digest accepted")
	}
	if err := s.WriteBlob(d, int64(len(data))+1, strings.NewReader(data)); err == nil {
		t.Error("wrong size accepted")
	}
	if s.HasBlob(d) || s.HasBlob(digest.FromString("other")) {
		t.Error("a refused blob is in the store")
	}
	if err := s.WriteBlob(d, int64(len(data)), strings.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	b, err := s.ReadBlob(d)
	if err != nil || string(b) != data {
		t.Fatalf("read back %q, %v", b, err)
	}
	// Corruption on disk is detected on read.
	if err := os.WriteFile(s.BlobPath(d), []byte("tampered"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadBlob(d); err == nil {
		t.Error("tampered blob read back without error")
	}
	if tmp, _ := os.ReadDir(filepath.Join(s.Root(), "tmp")); len(tmp) != 0 {
		t.Errorf("temp files left: %d", len(tmp))
	}
}

func TestTagRemovePrune(t *testing.T) {
	host := startRegistry(t, nil)
	a, b := testImage(t, "arm64"), testImage(t, "arm64")
	push(t, host+"/a:1", a)
	push(t, host+"/b:1", b)
	s := openStore(t)
	ctx := context.Background()
	ia, err := s.Pull(ctx, host+"/a:1", noAuth)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pull(ctx, host+"/b:1", noAuth); err != nil {
		t.Fatal(err)
	}
	if err := s.Tag(host+"/a:1", "mine/a:v2"); err != nil {
		t.Fatal(err)
	}
	res, err := s.Resolve("docker.io/mine/a:v2")
	if err != nil || res.ID() != ia.ID() {
		t.Fatalf("tag resolves to %v, %v", res, err)
	}
	// By image ID prefix, as docker accepts.
	if res, err := s.Resolve(ia.ID().Encoded()[:12]); err != nil || res.ID() != ia.ID() {
		t.Errorf("resolve by ID prefix: %v", err)
	}
	if _, err := s.Remove(ia.ID().String()); err == nil || !strings.Contains(err.Error(), "2 names") {
		t.Errorf("remove by the ID of an image with two names: %v", err)
	}
	if err := s.Tag("nothere", "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("tag of a missing image: %v", err)
	}

	// Untag a:1: the blobs stay, because mine/a:v2 still reaches them.
	if name, err := s.Remove(host + "/a:1"); err != nil || name != host+"/a:1" {
		t.Fatalf("remove: %q, %v", name, err)
	}
	if _, err := s.Remove(host + "/a:1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second remove: %v", err)
	}
	if freed, err := s.Prune(); err != nil || freed != 0 {
		t.Errorf("prune with all images referenced freed %d, %v", freed, err)
	}
	checkStored(t, s, a)

	// A blob nobody references goes.
	stray := digest.FromString("stray")
	if err := s.WriteBlob(stray, -1, strings.NewReader("stray")); err != nil {
		t.Fatal(err)
	}
	if freed, err := s.Prune(); err != nil || freed != 5 || s.HasBlob(stray) {
		t.Errorf("prune of a stray blob freed %d, %v", freed, err)
	}

	// Untag the last name of a: its blobs go, b's stay.
	if _, err := s.Remove("mine/a:v2"); err != nil {
		t.Fatal(err)
	}
	freed, err := s.Prune()
	if err != nil || freed == 0 {
		t.Fatalf("prune freed %d, %v", freed, err)
	}
	ma, _ := a.Manifest()
	for _, l := range ma.Layers {
		if s.HasBlob(digest.Digest(l.Digest.String())) {
			t.Errorf("layer %s of the removed image survived prune", l.Digest)
		}
	}
	if s.HasBlob(ia.Manifest.Digest) || s.HasBlob(ia.Config) {
		t.Error("manifest or config of the removed image survived prune")
	}
	checkStored(t, s, b)
	if _, err := s.Resolve(host + "/b:1"); err != nil {
		t.Error(err)
	}
	if l, _ := s.List(); len(l) != 1 || l[0].Name != host+"/b:1" || l[0].Size <= 0 {
		t.Errorf("list %+v", l)
	}
}

// Prune waits for a pull in progress: the blobs a pull has written but not
// yet registered are not garbage.
func TestPruneWaitsForPull(t *testing.T) {
	img := testImage(t, "arm64")
	m, _ := img.Manifest()
	layer := "/blobs/" + m.Layers[0].Digest.String()
	arrived, release := make(chan struct{}), make(chan struct{})
	var once, released sync.Once
	unblock := func() { released.Do(func() { close(release) }) }
	host := startRegistry(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, layer) {
				once.Do(func() { close(arrived) })
				<-release
			}
			h.ServeHTTP(w, r)
		})
	})
	push(t, host+"/slow:1", img)
	t.Cleanup(unblock) // runs before the server's Close, which waits for handlers
	s := openStore(t)

	pulled := make(chan error, 1)
	go func() {
		_, err := s.Pull(context.Background(), host+"/slow:1", noAuth)
		pulled <- err
	}()
	<-arrived // the config is stored, a layer is on its way
	pruned := make(chan error, 1)
	go func() {
		_, err := s.Prune()
		pruned <- err
	}()
	select {
	case err := <-pruned:
		t.Fatalf("prune ran during a pull: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	unblock()
	if err := <-pulled; err != nil {
		t.Fatal(err)
	}
	if err := <-pruned; err != nil {
		t.Fatal(err)
	}
	checkStored(t, s, img)
	if _, err := s.Resolve(host + "/slow:1"); err != nil {
		t.Error(err)
	}
}
