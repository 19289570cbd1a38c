package unpack

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestApplyCrossLayerLink: a hard link to a file of a lower layer is a
// copy of that file as the layers below show it (the topmost version,
// owner and mode kept); one to a whited-out or missing file fails, as
// does any such link without Lowers.
func TestApplyCrossLayerLink(t *testing.T) {
	for _, m := range modes(t) {
		t.Run(m.RootfsMode().String(), func(t *testing.T) {
			base := t.TempDir()
			if err := Apply(base, layerTar(t, dir("etc", 0o755, 0, 0), file("etc/conf", "base\n", 0o640, 7, 8),
				file("etc/gone", "x", 0o644, 0, 0), file("etc/kept", "old\n", 0o644, 0, 0)), Options{Metadata: m}); err != nil {
				t.Fatal(err)
			}
			mid := t.TempDir()
			if err := Apply(mid, layerTar(t, dir("etc", 0o755, 0, 0), file("etc/conf", "middle\n", 0o600, 9, 9),
				file("etc/.wh.gone", "", 0o644, 0, 0)), Options{Metadata: m, KeepWhiteouts: true}); err != nil {
				t.Fatal(err)
			}
			lowers := []string{mid, base}
			top := t.TempDir()
			err := Apply(top, layerTar(t, dir("etc", 0o755, 0, 0), hardlink("etc/conf.link", "etc/conf"), hardlink("etc/kept.link", "etc/kept"),
				file("etc/kept", "new\n", 0o644, 0, 0)), Options{Metadata: m, KeepWhiteouts: true, Lowers: lowers})
			if err != nil {
				t.Fatal(err)
			}
			fs := view(t, top, m)
			for p, want := range map[string]string{"/etc/conf.link": "middle\n", "/etc/kept.link": "old\n", "/etc/kept": "new\n"} {
				if got := readFile(t, fs, p); got != want {
					t.Errorf("%s: %q, want %q", p, got, want)
				}
			}
			if st, e := fs.Stat(fs.Root(), "/etc/conf.link"); e != 0 || st.Uid != 9 || st.Gid != 9 || st.Mode&0o7777 != 0o600 {
				t.Errorf("the copy's metadata: %+v %v", st, e)
			}
			for _, bad := range []string{"etc/gone", "etc/nope"} {
				err := Apply(t.TempDir(), layerTar(t, hardlink("x", bad)), Options{Metadata: m, Lowers: lowers})
				if err == nil {
					t.Errorf("a hard link to %s below was accepted", bad)
				}
			}
			if err := Apply(t.TempDir(), layerTar(t, hardlink("x", "etc/conf")), Options{Metadata: m}); err == nil {
				t.Errorf("a hard link out of the layer without Lowers was accepted")
			}
			if _, err := os.Stat(filepath.Join(top, "etc", "conf")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("the link target was copied into the layer too: %v", err)
			}
		})
	}
}
