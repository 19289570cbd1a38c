package unpack

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const (
	dgA = "sha256:aaaa"
	dgB = "sha256:bbbb"
)

// cacheEntries lists cacheDir's names.
func cacheEntries(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	return names
}

func TestUnpackCache(t *testing.T) {
	cache := t.TempDir()
	l := layerTar(t, dir("etc/", 0o755, 0, 0), file("etc/a", "one", 0o644, 0, 0), file("etc/.wh.b", "", 0, 0, 0))
	got, err := Unpack(cache, dgA, l, Options{Metadata: MetadataXattr})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(cache, dgA); got != want {
		t.Fatalf("dir %s, want %s", got, want)
	}
	if b, err := os.ReadFile(filepath.Join(got, "etc/a")); err != nil || string(b) != "one" {
		t.Fatalf("etc/a = %q, %v", b, err)
	}
	// The whiteout is kept for stacking.
	if _, err := os.Lstat(filepath.Join(got, "etc/.wh.b")); err != nil {
		t.Fatalf("whiteout marker: %v", err)
	}
	// A second Unpack of the digest does not read the layer.
	again, err := Unpack(cache, dgA, iotestErr{}, Options{Metadata: MetadataXattr})
	if err != nil || again != got {
		t.Fatalf("cached unpack: %s, %v", again, err)
	}
	if names := cacheEntries(t, cache); len(names) != 1 || names[0] != dgA {
		t.Fatalf("cache holds %v", names)
	}
}

// iotestErr fails every read.
type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("read called") }

func TestUnpackFailureLeavesNothing(t *testing.T) {
	cases := map[string]io.Reader{
		"unsafe entry": layerTar(t, file("ok", "x", 0o644, 0, 0), file("../bad", "x", 0o644, 0, 0)),
		"truncated":    io.LimitReader(layerTar(t, file("big", strings.Repeat("x", 4096), 0o644, 0, 0)), 1024),
	}
	for name, r := range cases {
		t.Run(name, func(t *testing.T) {
			cache := t.TempDir()
			if _, err := Unpack(cache, dgA, r, Options{Metadata: MetadataXattr}); err == nil {
				t.Fatal("unpack succeeded")
			}
			if names := cacheEntries(t, cache); len(names) != 0 {
				t.Fatalf("cache holds %v after a failed unpack", names)
			}
			if _, err := Lowers(cache, []string{dgA}); err == nil {
				t.Fatal("Lowers found a failed layer")
			}
		})
	}
}

func TestUnpackConcurrent(t *testing.T) {
	cache := t.TempDir()
	var wg sync.WaitGroup
	dirs := make([]string, 8)
	errs := make([]error, 8)
	for i := range dirs {
		l := layerTar(t, file("f", "same", 0o644, 0, 0))
		wg.Add(1)
		go func() {
			defer wg.Done()
			dirs[i], errs[i] = Unpack(cache, dgA, l, Options{Metadata: MetadataXattr})
		}()
	}
	wg.Wait()
	for i := range dirs {
		if errs[i] != nil || dirs[i] != filepath.Join(cache, dgA) {
			t.Fatalf("unpack %d: %s, %v", i, dirs[i], errs[i])
		}
	}
	if names := cacheEntries(t, cache); len(names) != 1 {
		t.Fatalf("cache holds %v", names)
	}
}

func TestUnpackBadDigest(t *testing.T) {
	cache := t.TempDir()
	for _, d := range []string{"", "sha256", "../x:y", "sha256:../../x", "sha256:a/b", "SHA256:aa"} {
		if _, err := Unpack(cache, d, layerTar(t), Options{}); err == nil {
			t.Errorf("digest %q accepted", d)
		}
	}
	if names := cacheEntries(t, cache); len(names) != 0 {
		t.Fatalf("cache holds %v", names)
	}
}

func TestLowers(t *testing.T) {
	cache := t.TempDir()
	for _, d := range []string{dgA, dgB} {
		if _, err := Unpack(cache, d, layerTar(t, file(d[7:], d, 0o644, 0, 0)), Options{}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := Lowers(cache, []string{dgB, dgA})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != filepath.Join(cache, dgB) || got[1] != filepath.Join(cache, dgA) {
		t.Fatalf("Lowers = %v", got)
	}
	if _, err := Lowers(cache, []string{dgA, "sha256:cccc"}); err == nil {
		t.Fatal("missing layer accepted")
	}
}

func TestGunzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	io.Copy(zw, layerTar(t, file("z", "zipped", 0o644, 0, 0)))
	zw.Close()
	r, err := Gunzip(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	d := t.TempDir()
	if err := Apply(d, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(d, "z")); err != nil || string(b) != "zipped" {
		t.Fatalf("z = %q, %v", b, err)
	}
}
