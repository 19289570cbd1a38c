package container

import (
	"archive/tar"
	"bytes"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/carrick-go/carrick/image/unpack"
)

// TestCopy: cp in and out keeps owners with Archive in both metadata
// modes (the xattr mode is a non-root user's), gives root's or the
// caller's without it, and reads the image's layers through the overlay.
func TestCopy(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("chowns host files to other users")
	}
	for _, m := range []unpack.Metadata{unpack.MetadataAuto, unpack.MetadataXattr} {
		t.Run(m.RootfsMode().String(), func(t *testing.T) {
			s, err := Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			s.Metadata = m
			loadImage(t, s, "test/cp:1", v1.Config{Cmd: []string{"/x"}},
				layerOf(t, entry{name: "etc/"}, entry{name: "etc/owned", data: "layer", owner: 77}))
			r, err := s.Create(Options{Image: "test/cp:1"})
			if err != nil {
				t.Fatal(err)
			}
			host := t.TempDir()
			src := filepath.Join(host, "f")
			os.WriteFile(src, []byte("host"), 0o640)
			os.Chown(src, 1234, 1235)
			if err := s.CopyTo(r, src, "/etc/kept", CopyOptions{Archive: true}); err != nil {
				t.Fatal(err)
			}
			if err := s.CopyTo(r, src, "/etc/", CopyOptions{}); err != nil {
				t.Fatal(err)
			}
			v, err := s.View(r)
			if err != nil {
				t.Fatal(err)
			}
			defer v.Close()
			for p, uid := range map[string]uint32{"/etc/kept": 1234, "/etc/f": 0} {
				if st, e := v.Stat(v.Root(), p); e != 0 || st.Uid != uid || st.Mode&0o777 != 0o640 {
					t.Errorf("%s in the container: %+v %v, want uid %d mode 0640", p, st, e, uid)
				}
			}
			for name, c := range map[string]struct {
				archive bool
				uid     uint32
			}{"a": {true, 77}, "n": {false, 0}} {
				dst := filepath.Join(host, name)
				if err := s.CopyFrom(r, "/etc/owned", dst, CopyOptions{Archive: c.archive}); err != nil {
					t.Fatal(err)
				}
				fi, err := os.Stat(dst)
				if b, _ := os.ReadFile(dst); err != nil || string(b) != "layer" || fi.Sys().(*syscall.Stat_t).Uid != c.uid {
					t.Errorf("cp out (archive %v): %q %v", c.archive, b, err)
				}
			}
			var buf bytes.Buffer
			if err := s.ArchiveFrom(r, "/etc/kept", &buf, CopyOptions{}); err != nil {
				t.Fatal(err)
			}
			h, err := tar.NewReader(&buf).Next()
			if err != nil || h.Name != "kept" || h.Uid != 1234 || h.Size != 4 {
				t.Errorf("ArchiveFrom: %+v %v", h, err)
			}
		})
	}
}
