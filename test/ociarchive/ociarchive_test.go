package ociarchive

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

const testRef = "carrick.test/unit:v1"

var testCreated = time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)

func testOptions() Options {
	return Options{
		Ref:          testRef,
		Architecture: "arm64",
		OS:           "linux",
		Env:          []string{"PATH=/bin", "HOME=/root"},
		Cmd:          []string{"-c", "echo hi"},
		Entrypoint:   []string{"/bin/sh"},
		WorkingDir:   "/work",
		Exclude:      []string{"/skipme/", "etc/secret"},
		Created:      testCreated,
	}
}

// want is one entry the layer must hold, taken from the tree with Lstat
// (not from the package's own header code).
type want struct {
	typ      byte
	mode     int64
	link     string
	data     string
	uid, gid int
	mtime    time.Time
	major    int64
	minor    int64
}

// makeTree builds a small root and returns it with the entries its layer
// must hold, in the order a sorted depth-first walk meets them.
func makeTree(t *testing.T) (string, []string, map[string]want) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "root")
	mtime := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	mkdir := func(p string, mode fs.FileMode) {
		must(t, os.MkdirAll(filepath.Join(root, p), 0o755))
		must(t, os.Chmod(filepath.Join(root, p), mode))
	}
	file := func(p, data string, mode fs.FileMode) {
		must(t, os.WriteFile(filepath.Join(root, p), []byte(data), 0o600))
		must(t, os.Chmod(filepath.Join(root, p), mode))
		must(t, os.Chtimes(filepath.Join(root, p), mtime, mtime))
	}
	mkdir("", 0o755)
	mkdir("bin", 0o755)
	mkdir("etc", 0o755)
	mkdir("keep", 0o700)
	mkdir("skipme/sub", 0o755)
	mkdir("tmp", 0o755|fs.ModeSticky)
	file("bin/a-tool", "#!/bin/sh\necho tool\n", 0o755)
	must(t, os.Link(filepath.Join(root, "bin/a-tool"), filepath.Join(root, "bin/z-hardlink")))
	must(t, os.Symlink("a-tool", filepath.Join(root, "bin/sym")))
	must(t, os.Symlink("/no/such/target", filepath.Join(root, "dangling")))
	file("bin/suid", "x", 0o755|fs.ModeSetuid)
	file("etc/hello", "hello, world\n", 0o644)
	file("etc/secret", "excluded by Options.Exclude", 0o600)
	file("keep/qemu-aarch64-static", "not at the root: kept", 0o644)
	file("qemu-aarch64-static", "the oracle's emulator", 0o755)
	file("skipme/sub/f", "excluded with its directory", 0o644)
	must(t, unix.Mkfifo(filepath.Join(root, "fifo"), 0o640))
	root0 := os.Geteuid() == 0
	if root0 {
		must(t, unix.Mknod(filepath.Join(root, "null"), unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))))
	}
	must(t, os.Chtimes(filepath.Join(root, "bin"), mtime, mtime))

	order := []string{
		"bin/", "bin/a-tool", "bin/suid", "bin/sym", "bin/z-hardlink",
		"dangling", "etc/", "etc/hello", "fifo",
		"keep/", "keep/qemu-aarch64-static",
	}
	if root0 {
		order = append(order, "null")
	}
	order = append(order, "tmp/")

	wants := map[string]want{}
	for _, name := range order {
		p := filepath.Join(root, strings.TrimSuffix(name, "/"))
		fi, err := os.Lstat(p)
		must(t, err)
		st := fi.Sys().(*syscall.Stat_t)
		w := want{
			mode:  int64(st.Mode & 0o7777),
			uid:   int(st.Uid),
			gid:   int(st.Gid),
			mtime: fi.ModTime().Truncate(time.Second),
		}
		switch st.Mode & syscall.S_IFMT {
		case syscall.S_IFREG:
			w.typ = tar.TypeReg
			b, err := os.ReadFile(p)
			must(t, err)
			w.data = string(b)
		case syscall.S_IFDIR:
			w.typ = tar.TypeDir
		case syscall.S_IFLNK:
			w.typ = tar.TypeSymlink
			w.link, err = os.Readlink(p)
			must(t, err)
		case syscall.S_IFIFO:
			w.typ = tar.TypeFifo
		case syscall.S_IFCHR:
			w.typ = tar.TypeChar
			w.major, w.minor = 1, 3
		}
		wants[name] = w
	}
	// The second name of the hard-linked pair is a link to the first.
	h := wants["bin/z-hardlink"]
	h.typ, h.link, h.data = tar.TypeLink, "bin/a-tool", ""
	wants["bin/z-hardlink"] = h
	return root, order, wants
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func build(t *testing.T, root string, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	must(t, Build(&buf, root, o))
	return buf.Bytes()
}

// readTar returns the contents of a tar's entries by name, and their
// headers in archive order.
func readTar(t *testing.T, r io.Reader) (map[string][]byte, []*tar.Header) {
	t.Helper()
	files := map[string][]byte{}
	var hdrs []*tar.Header
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return files, hdrs
		}
		must(t, err)
		if _, dup := files[hdr.Name]; dup {
			t.Fatalf("duplicate entry %s", hdr.Name)
		}
		b, err := io.ReadAll(tr)
		must(t, err)
		files[hdr.Name] = b
		hdrs = append(hdrs, hdr)
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// blob checks d against the archive's blob it names and returns the blob.
func blob(t *testing.T, files map[string][]byte, d Descriptor, mediaType string) []byte {
	t.Helper()
	if d.MediaType != mediaType {
		t.Errorf("%s: mediaType %q, want %q", d.Digest, d.MediaType, mediaType)
	}
	b, ok := files["blobs/sha256/"+strings.TrimPrefix(d.Digest, "sha256:")]
	if !ok {
		t.Fatalf("no blob for %s", d.Digest)
	}
	if got := sha(b); got != d.Digest {
		t.Errorf("blob %s has digest %s", d.Digest, got)
	}
	if int64(len(b)) != d.Size {
		t.Errorf("blob %s: size %d, descriptor says %d", d.Digest, len(b), d.Size)
	}
	return b
}

func unmarshal(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
}

func TestBuild(t *testing.T) {
	root, order, wants := makeTree(t)
	o := testOptions()
	files, _ := readTar(t, bytes.NewReader(build(t, root, o)))

	var layout map[string]string
	unmarshal(t, files["oci-layout"], &layout)
	if layout["imageLayoutVersion"] != "1.0.0" {
		t.Errorf("oci-layout = %s", files["oci-layout"])
	}

	var idx Index
	unmarshal(t, files["index.json"], &idx)
	if idx.SchemaVersion != 2 || idx.MediaType != MediaTypeIndex || len(idx.Manifests) != 1 {
		t.Fatalf("index.json = %s", files["index.json"])
	}
	md := idx.Manifests[0]
	if md.Platform == nil || *md.Platform != (Platform{Architecture: "arm64", OS: "linux"}) {
		t.Errorf("manifest platform %+v", md.Platform)
	}
	if md.Annotations[AnnotationRefName] != testRef || md.Annotations[AnnotationImageName] != testRef {
		t.Errorf("manifest annotations %v", md.Annotations)
	}

	var m Manifest
	unmarshal(t, blob(t, files, md, MediaTypeManifest), &m)
	if m.SchemaVersion != 2 || m.MediaType != MediaTypeManifest || len(m.Layers) != 1 {
		t.Fatalf("manifest %+v", m)
	}
	var c Config
	unmarshal(t, blob(t, files, m.Config, MediaTypeConfig), &c)
	gz := blob(t, files, m.Layers[0], MediaTypeLayerGz)
	if n := len(files); n != 7 {
		t.Errorf("archive has %d entries, want oci-layout, index.json, blobs/, blobs/sha256/ and 3 blobs", n)
	}

	zr, err := gzip.NewReader(bytes.NewReader(gz))
	must(t, err)
	layerTar, err := io.ReadAll(zr)
	must(t, err)
	if c.RootFS.Type != "layers" || !reflect.DeepEqual(c.RootFS.DiffIDs, []string{sha(layerTar)}) {
		t.Errorf("rootfs %+v, uncompressed layer is %s", c.RootFS, sha(layerTar))
	}
	if c.Architecture != "arm64" || c.OS != "linux" {
		t.Errorf("config platform %s/%s", c.OS, c.Architecture)
	}
	wantExec := ExecConfig{Env: o.Env, Entrypoint: o.Entrypoint, Cmd: o.Cmd, WorkingDir: o.WorkingDir}
	if !reflect.DeepEqual(c.Config, wantExec) {
		t.Errorf("config.config %+v, want %+v", c.Config, wantExec)
	}
	if c.Created == nil || !c.Created.Equal(testCreated) || len(c.History) != 1 ||
		c.History[0].Created == nil || !c.History[0].Created.Equal(testCreated) {
		t.Errorf("created %v, history %+v", c.Created, c.History)
	}

	_, hdrs := readTar(t, bytes.NewReader(layerTar))
	var names []string
	for _, h := range hdrs {
		names = append(names, h.Name)
	}
	if !reflect.DeepEqual(names, order) {
		t.Errorf("layer entries\n %q\nwant (excluded: qemu-aarch64-static, skipme/, etc/secret)\n %q", names, order)
	}
	layerFiles, _ := readTar(t, bytes.NewReader(layerTar))
	for _, h := range hdrs {
		w, ok := wants[h.Name]
		if !ok {
			continue
		}
		got := want{
			typ: h.Typeflag, mode: h.Mode, link: h.Linkname, data: string(layerFiles[h.Name]),
			uid: h.Uid, gid: h.Gid, mtime: h.ModTime, major: h.Devmajor, minor: h.Devminor,
		}
		if w.typ == tar.TypeSymlink {
			w.mtime = got.mtime // a symlink's own mtime is the host's business
		}
		if !reflect.DeepEqual(got, w) {
			t.Errorf("%s:\n got %+v\nwant %+v", h.Name, got, w)
		}
		if h.Uname != "" || h.Gname != "" {
			t.Errorf("%s: host user names %q/%q in the layer", h.Name, h.Uname, h.Gname)
		}
	}
}

func TestReproducible(t *testing.T) {
	root, _, _ := makeTree(t)
	a := build(t, root, testOptions())
	if b := build(t, root, testOptions()); !bytes.Equal(a, b) {
		t.Fatal("two builds of the same tree differ")
	}
	// Through a symlink to the root: the same image.
	link := filepath.Join(t.TempDir(), "link")
	must(t, os.Symlink(root, link))
	if b := build(t, link, testOptions()); !bytes.Equal(a, b) {
		t.Error("a build through a symlinked root differs")
	}
	// A changed file changes the bytes (the comparison above can fail).
	must(t, os.WriteFile(filepath.Join(root, "etc/hello"), []byte("changed\n"), 0o644))
	if b := build(t, root, testOptions()); bytes.Equal(a, b) {
		t.Error("a changed tree gives the same archive")
	}
}

func TestBuildErrors(t *testing.T) {
	root := t.TempDir()
	for _, o := range []Options{
		{},
		{Ref: testRef, Exclude: []string{"/"}},
		{Ref: testRef, Exclude: []string{"a/../."}},
	} {
		if err := Build(io.Discard, root, o); err == nil {
			t.Errorf("Build with %+v: no error", o)
		}
	}
	if err := Build(io.Discard, filepath.Join(root, "missing"), Options{Ref: testRef}); err == nil {
		t.Error("Build of a missing root: no error")
	}
}

func writeArchive(t *testing.T) (string, string, map[string]want, Options) {
	t.Helper()
	root, _, wants := makeTree(t)
	o := testOptions()
	path := filepath.Join(t.TempDir(), "image.tar")
	must(t, os.WriteFile(path, build(t, root, o), 0o644))
	return path, root, wants, o
}

func TestSkopeo(t *testing.T) {
	if _, err := exec.LookPath("skopeo"); err != nil {
		t.Skip("skopeo not installed")
	}
	path, _, _, o := writeArchive(t)
	files, _ := func() (map[string][]byte, []*tar.Header) {
		f, err := os.Open(path)
		must(t, err)
		defer f.Close()
		return readTar(t, f)
	}()
	var idx Index
	unmarshal(t, files["index.json"], &idx)
	manifest := files["blobs/sha256/"+strings.TrimPrefix(idx.Manifests[0].Digest, "sha256:")]

	raw, err := exec.Command("skopeo", "inspect", "--raw", "oci-archive:"+path).Output()
	if err != nil {
		t.Fatalf("skopeo inspect --raw: %v: %s", err, stderr(err))
	}
	if !bytes.Equal(bytes.TrimSpace(raw), manifest) {
		t.Errorf("skopeo inspect --raw:\n%s\nthe manifest blob:\n%s", raw, manifest)
	}
	var m Manifest
	unmarshal(t, manifest, &m)

	out, err := exec.Command("skopeo", "inspect", "oci-archive:"+path).Output()
	if err != nil {
		t.Fatalf("skopeo inspect: %v: %s", err, stderr(err))
	}
	var info struct {
		Digest       string
		Architecture string
		Os           string
		Layers       []string
		Env          []string
	}
	unmarshal(t, out, &info)
	if info.Architecture != "arm64" || info.Os != "linux" || info.Digest != idx.Manifests[0].Digest ||
		!reflect.DeepEqual(info.Layers, []string{m.Layers[0].Digest}) || !reflect.DeepEqual(info.Env, o.Env) {
		t.Errorf("skopeo inspect:\n%s", out)
	}
}

func stderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// TestUmoci unpacks the image with umoci (an independent OCI implementation)
// and compares what it made with the tree.
func TestUmoci(t *testing.T) {
	if _, err := exec.LookPath("umoci"); err != nil {
		t.Skip("umoci not installed")
	}
	path, _, wants, _ := writeArchive(t)
	layout := filepath.Join(t.TempDir(), "layout")
	must(t, os.Mkdir(layout, 0o755))
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		must(t, err)
		p := filepath.Join(layout, hdr.Name)
		if hdr.Typeflag == tar.TypeDir {
			must(t, os.MkdirAll(p, 0o755))
			continue
		}
		must(t, os.MkdirAll(filepath.Dir(p), 0o755))
		b, err := io.ReadAll(tr)
		must(t, err)
		must(t, os.WriteFile(p, b, 0o644))
	}

	bundle := filepath.Join(t.TempDir(), "bundle")
	// umoci takes the image's ref name after the first ':' of --image.
	args := []string{"unpack", "--image", layout + ":" + testRef, bundle}
	if os.Geteuid() != 0 {
		args = append(args[:1], append([]string{"--rootless"}, args[1:]...)...)
	}
	if out, err := exec.Command("umoci", args...).CombinedOutput(); err != nil {
		t.Fatalf("umoci %v: %v\n%s", args, err, out)
	}
	got := filepath.Join(bundle, "rootfs")
	for name, w := range wants {
		p := filepath.Join(got, strings.TrimSuffix(name, "/"))
		fi, err := os.Lstat(p)
		if err != nil {
			t.Errorf("umoci's rootfs: %v", err)
			continue
		}
		st := fi.Sys().(*syscall.Stat_t)
		if int64(st.Mode&0o7777) != w.mode {
			t.Errorf("%s: mode %o, want %o", name, st.Mode&0o7777, w.mode)
		}
		switch w.typ {
		case tar.TypeReg, tar.TypeLink:
			b, err := os.ReadFile(p)
			must(t, err)
			if w.typ == tar.TypeReg && string(b) != w.data {
				t.Errorf("%s: %q, want %q", name, b, w.data)
			}
		case tar.TypeSymlink:
			if l, _ := os.Readlink(p); l != w.link {
				t.Errorf("%s: -> %q, want %q", name, l, w.link)
			}
		case tar.TypeDir:
			if !fi.IsDir() {
				t.Errorf("%s: not a directory", name)
			}
		case tar.TypeFifo:
			if fi.Mode()&fs.ModeNamedPipe == 0 {
				t.Errorf("%s: not a fifo", name)
			}
		}
	}
	a, errA := os.Stat(filepath.Join(got, "bin/a-tool"))
	z, errZ := os.Stat(filepath.Join(got, "bin/z-hardlink"))
	if errA != nil || errZ != nil || !os.SameFile(a, z) {
		t.Errorf("umoci did not make bin/z-hardlink a hard link of bin/a-tool (%v, %v)", errA, errZ)
	}
	for _, p := range []string{"qemu-aarch64-static", "skipme", "etc/secret"} {
		if _, err := os.Lstat(filepath.Join(got, p)); !os.IsNotExist(err) {
			t.Errorf("excluded %s is in umoci's rootfs (%v)", p, err)
		}
	}
}
