package image

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/test/ociarchive"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/opencontainers/go-digest"
)

// tarDir writes the files under dir into a tar at out, as `tar -C dir -cf out .` would.
func tarDir(t *testing.T, dir, out string, extra ...*tar.Header) {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	for _, h := range extra {
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
	}
	err = filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		h, err := tar.FileInfoHeader(fi, "")
		if err != nil {
			return err
		}
		h.Name = filepath.ToSlash(rel)
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			_, err = tw.Write(b)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

func names(imgs []Image) string {
	var n []string
	for _, i := range imgs {
		n = append(n, i.Name)
	}
	sort.Strings(n)
	return strings.Join(n, " ")
}

func TestLoadDockerSave(t *testing.T) {
	img := testImage(t, "arm64")
	p := filepath.Join(t.TempDir(), "save.tar")
	t1, _ := name.NewTag("busybox:1")
	t2, _ := name.NewTag("localhost:5000/x/bb:v2")
	if err := tarball.MultiWriteToFile(p, map[name.Tag]v1.Image{t1: img, t2: img}); err != nil {
		t.Fatal(err)
	}
	s := openStore(t)
	got, err := s.Load(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if n := names(got); n != "docker.io/library/busybox:1 localhost:5000/x/bb:v2" {
		t.Errorf("loaded %s", n)
	}
	res, err := s.Resolve("busybox:1")
	if err != nil {
		t.Fatal(err)
	}
	if want := digestOf(t, img.ConfigName); res.ID() != want {
		t.Errorf("ID %s, want %s", res.ID(), want)
	}
	if c := res.Config.Config; strings.Join(c.Entrypoint, " ") != "/bin/sh -c" || c.User != "1000:1000" {
		t.Errorf("config %+v", c)
	}
	for _, l := range res.Manifest.Layers {
		if _, err := s.ReadBlob(l.Digest); err != nil {
			t.Errorf("layer %s: %v", l.Digest, err)
		}
	}
	if res.Image.Manifest.Platform == nil || res.Image.Manifest.Platform.Architecture != "arm64" {
		t.Errorf("recorded platform %+v", res.Image.Manifest.Platform)
	}
}

func TestLoadRefusesOtherArch(t *testing.T) {
	p := filepath.Join(t.TempDir(), "save.tar")
	tag, _ := name.NewTag("amd:1")
	if err := tarball.WriteToFile(p, tag, testImage(t, "amd64")); err != nil {
		t.Fatal(err)
	}
	s := openStore(t)
	_, err := s.Load(context.Background(), p, nil)
	if err == nil || !strings.Contains(err.Error(), "linux/amd64") {
		t.Errorf("load of an amd64 image: %v", err)
	}
	if l, _ := s.List(); len(l) != 0 {
		t.Errorf("registered %v", l)
	}
}

// writeLayout makes an OCI layout holding a multi-arch index named ref.
func writeLayout(t *testing.T, ref string, imgs map[string]v1.Image) (string, v1.ImageIndex) {
	t.Helper()
	var adds []mutate.IndexAddendum
	for arch, img := range imgs {
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
			Platform: &v1.Platform{OS: "linux", Architecture: arch},
		}})
	}
	multi := mutate.AppendManifests(empty.Index, adds...)
	dir := t.TempDir()
	lp, err := layout.Write(dir, empty.Index)
	if err != nil {
		t.Fatal(err)
	}
	if err := lp.AppendIndex(multi, layout.WithAnnotations(map[string]string{annotationRefName: ref})); err != nil {
		t.Fatal(err)
	}
	return dir, multi
}

func TestLoadOCILayoutIndex(t *testing.T) {
	arm, amd := testImage(t, "arm64"), testImage(t, "amd64")
	dir, _ := writeLayout(t, "example.com/multi:3", map[string]v1.Image{"arm64": arm, "amd64": amd})
	p := filepath.Join(t.TempDir(), "oci.tar")
	tarDir(t, dir, p)

	// Compressed, as `docker save | gzip` and many published archives are.
	gz := p + ".gz"
	gzipFile(t, p, gz)
	s := openStore(t)
	got, err := s.Load(context.Background(), gz, nil)
	if err != nil {
		t.Fatal(err)
	}
	if names(got) != "example.com/multi:3" {
		t.Errorf("loaded %s", names(got))
	}
	if want := digestOf(t, arm.Digest); got[0].Manifest.Digest != want {
		t.Errorf("loaded manifest %s, want arm64's %s", got[0].Manifest.Digest, want)
	}
	checkStored(t, s, arm)
	if s.HasBlob(digestOf(t, amd.ConfigName)) {
		t.Error("the amd64 config was stored")
	}
	if tmp, _ := os.ReadDir(filepath.Join(s.Root(), "tmp")); len(tmp) != 0 {
		t.Errorf("%d temp entries left", len(tmp))
	}
}

func TestLoadOCILayoutCorruptLayer(t *testing.T) {
	arm := testImage(t, "arm64")
	dir, _ := writeLayout(t, "example.com/bad:1", map[string]v1.Image{"arm64": arm})
	m, _ := arm.Manifest()
	lp := filepath.Join(dir, "blobs", "sha256", m.Layers[0].Digest.Hex)
	b, err := os.ReadFile(lp)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(lp, b, 0o644); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "oci.tar")
	tarDir(t, dir, p)
	s := openStore(t)
	_, err = s.Load(context.Background(), p, nil)
	if err == nil || !strings.Contains(err.Error(), m.Layers[0].Digest.Hex) {
		t.Fatalf("load of a corrupt layer: %v, want an error naming it", err)
	}
	t.Log(err)
	if l, _ := s.List(); len(l) != 0 {
		t.Errorf("registered %v", l)
	}
	if s.HasBlob(digest.Digest(m.Layers[0].Digest.String())) {
		t.Error("corrupt layer stored")
	}
}

func TestLoadRefusesTraversal(t *testing.T) {
	dir, _ := writeLayout(t, "example.com/x:1", map[string]v1.Image{"arm64": testImage(t, "arm64")})
	p := filepath.Join(t.TempDir(), "oci.tar")
	tarDir(t, dir, p, &tar.Header{Name: "../escape", Typeflag: tar.TypeReg, Mode: 0o644})
	s := openStore(t)
	_, err := s.Load(context.Background(), p, nil)
	if err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("traversal: %v", err)
	}
	if _, err := os.Stat(filepath.Join(s.Root(), "tmp", "escape")); err == nil {
		t.Error("../escape was written")
	}
}

func TestLoadNotAnArchive(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.tar")
	tarDir(t, t.TempDir(), p) // empty tar
	s := openStore(t)
	if _, err := s.Load(context.Background(), p, nil); err == nil || !strings.Contains(err.Error(), "neither") {
		t.Errorf("empty tar: %v", err)
	}
}

// The archives test/ociarchive builds for the containerd tests load too.
func TestLoadOCIArchiveBuilder(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "bin", "hello"), []byte("#!/bin/sh\necho hi\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "img.tar")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	err = ociarchive.Build(f, root, ociarchive.Options{
		Ref: "carrick.test/hello:1", Entrypoint: []string{"/bin/hello"}, WorkingDir: "/bin", Env: []string{"A=b"},
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	s := openStore(t)
	got, err := s.Load(context.Background(), p, nil)
	if err != nil {
		t.Fatal(err)
	}
	if names(got) != "carrick.test/hello:1" {
		t.Errorf("loaded %s", names(got))
	}
	res, err := s.Resolve("carrick.test/hello:1")
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Config.Config; strings.Join(c.Entrypoint, " ") != "/bin/hello" || c.WorkingDir != "/bin" || strings.Join(c.Env, ",") != "A=b" {
		t.Errorf("config %+v", c)
	}
	if len(res.Manifest.Layers) != 1 || !s.HasBlob(res.Manifest.Layers[0].Digest) {
		t.Errorf("layers %+v", res.Manifest.Layers)
	}
}

func gzipFile(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(f)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
