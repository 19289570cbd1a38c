package mkimage

import (
	"archive/tar"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// headers reads a layer's tar back: name → header.
func headers(t *testing.T, l interface {
	Uncompressed() (io.ReadCloser, error)
}) map[string]*tar.Header {
	t.Helper()
	rc, err := l.Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	hs := map[string]*tar.Header{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return hs
		}
		if err != nil {
			t.Fatal(err)
		}
		hs[h.Name] = h
	}
}

func TestDirLayerKeepsMetadata(t *testing.T) {
	root := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(root, "bin"), 0o755))
	must(os.WriteFile(filepath.Join(root, "bin/prog"), []byte("program"), 0o755))
	must(os.Chmod(filepath.Join(root, "bin/prog"), 0o755|fs.ModeSetuid))
	must(os.Link(filepath.Join(root, "bin/prog"), filepath.Join(root, "bin/prog2")))
	must(os.Symlink("/bin/prog", filepath.Join(root, "bin/link")))
	must(os.WriteFile(filepath.Join(root, "skipped"), nil, 0o644))
	if os.Geteuid() == 0 {
		must(os.Lchown(filepath.Join(root, "bin/link"), 12, 34))
	}

	l, err := DirLayer(root, "skipped")
	if err != nil {
		t.Fatal(err)
	}
	hs := headers(t, l)
	if _, ok := hs["skipped"]; ok {
		t.Error("a skipped name is in the layer")
	}
	if h := hs["bin/"]; h == nil || h.Typeflag != tar.TypeDir || h.Mode&0o7777 != 0o755 {
		t.Errorf("bin/: %+v", h)
	}
	if h := hs["bin/prog"]; h == nil || h.Typeflag != tar.TypeReg || h.Mode&0o7777 != 0o4755 || h.Size != 7 {
		t.Errorf("bin/prog: %+v", h)
	}
	// The second name of the inode (in walk order) is a hardlink to the first.
	if h := hs["bin/prog2"]; h == nil || h.Typeflag != tar.TypeLink || h.Linkname != "bin/prog" {
		t.Errorf("bin/prog2: %+v", h)
	}
	if h := hs["bin/link"]; h == nil || h.Typeflag != tar.TypeSymlink || h.Linkname != "/bin/prog" {
		t.Errorf("bin/link: %+v", h)
	} else if os.Geteuid() == 0 && (h.Uid != 12 || h.Gid != 34) {
		t.Errorf("bin/link owner %d:%d, want 12:34", h.Uid, h.Gid)
	}
	d, _ := l.Digest()
	diff, _ := l.DiffID()
	if d == diff || d.Hex == "" {
		t.Errorf("digest %v, diff ID %v", d, diff)
	}
}

func TestFilesLayerWhiteout(t *testing.T) {
	l, err := FilesLayer(
		File{Path: "/etc", Mode: fs.ModeDir | 0o755},
		File{Path: "/etc/new", Mode: 0o600, Body: "x", UID: 5, GID: 6},
		File{Path: "/etc/gone", Whiteout: true},
	)
	if err != nil {
		t.Fatal(err)
	}
	hs := headers(t, l)
	if h := hs["etc/new"]; h == nil || h.Mode != 0o600 || h.Uid != 5 || h.Gid != 6 || h.Size != 1 {
		t.Errorf("etc/new: %+v", h)
	}
	if h := hs["etc/.wh.gone"]; h == nil || h.Typeflag != tar.TypeReg {
		t.Errorf("the whiteout: %+v (all: %v)", h, hs)
	}
}

func TestImagePlatform(t *testing.T) {
	amd, err := Amd64Image()
	if err != nil {
		t.Fatal(err)
	}
	cf, err := amd.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cf.OS != "linux" || cf.Architecture != "amd64" || len(cf.RootFS.DiffIDs) != 1 {
		t.Errorf("config: %+v", cf)
	}
	idx, err := Index(amd)
	if err != nil {
		t.Fatal(err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Manifests) != 1 || im.Manifests[0].Platform == nil || im.Manifests[0].Platform.Architecture != "amd64" {
		t.Errorf("index: %+v", im)
	}
}
