//go:build linux

package image_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carrick-go/carrick/test/image/mkimage"
)

// TestLoad: `carrick load -i` of the archives skopeo writes from the
// registry's image, a docker-archive (`docker save`'s format) and an OCI
// archive, then a run of the loaded image.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct{ transport, name string }{
		{"docker-archive", "carrick.test/loaded/docker:1"},
		{"oci-archive", "carrick.test/loaded/oci:1"},
	} {
		t.Run(c.transport, func(t *testing.T) {
			t.Parallel()
			h := filepath.Join(dir, c.transport, "home")
			archive := filepath.Join(dir, c.transport+".tar")
			// The source is an index: ask skopeo for its arm64 image (it
			// would pick the host's platform).
			sk := runCmd(nil, 2*time.Minute, []string{"PATH=/usr/bin:/bin", "HOME=" + dir},
				"skopeo", "copy", "-q", "--override-arch", "arm64", "--src-tls-verify=false",
				"docker://"+reg.ref(busyboxRepo), c.transport+":"+archive+":"+c.name)
			if sk.status != 0 {
				t.Fatalf("skopeo: %s", sk.describe())
			}
			r := ctrIn(t, h, 0, "load", "-i", archive)
			if !strings.HasSuffix(r.stdout, "\nLoaded image: "+c.name+"\n") {
				t.Errorf("load: want docker's \"Loaded image: %s\": %s", c.name, r.describe())
			}
			rows := listImages(t, h)
			if len(rows) != 1 || rows[0] != (imageRow{strings.TrimSuffix(c.name, ":1"), "1", short(busyboxID)}) {
				t.Errorf("images after load: %v", rows)
			}
			if r := ctrIn(t, h, 0, "run", "--rm", c.name, "sh", "-c", "cat "+mkimage.AddedFile+"; "+imageCmdEcho); r.stdout !=
				mkimage.AddedBody+"image-cmd "+mkimage.ImageVal+" "+mkimage.WorkDir+"\n" {
				t.Errorf("run of the loaded image: %s", r.describe())
			}
		})
	}
}

// TestSave: `carrick save` writes a docker-save archive of two images
// that skopeo reads (each image by its name: arm64, its layers and
// config), and that `carrick load` in another store turns back into the
// same images (the same IDs), which run.
func TestSave(t *testing.T) {
	needImages(t)
	dir := t.TempDir()
	archive := filepath.Join(dir, "saved.tar")
	ctr(t, 0, "save", "-o", archive, reg.ref(busyboxRepo), reg.ref(debianRepo))
	for _, c := range []struct{ ref, id string }{{reg.ref(busyboxRepo), busyboxID}, {reg.ref(debianRepo), debianID}} {
		sk := runCmd(nil, 2*time.Minute, []string{"PATH=/usr/bin:/bin", "HOME=" + dir},
			"skopeo", "inspect", "--config", "docker-archive:"+archive+":"+c.ref)
		if sk.status != 0 || !strings.Contains(sk.stdout, `"architecture": "arm64"`) {
			t.Errorf("skopeo inspect --config of %s in the saved archive: %s", c.ref, sk.describe())
		}
		sk = runCmd(nil, 2*time.Minute, []string{"PATH=/usr/bin:/bin", "HOME=" + dir},
			"skopeo", "inspect", "--format", "{{len .Layers}}", "docker-archive:"+archive+":"+c.ref)
		if sk.status != 0 || sk.stdout != "2\n" {
			t.Errorf("skopeo inspect of %s: want 2 layers: %s", c.ref, sk.describe())
		}
	}
	h := filepath.Join(dir, "home")
	r := ctrIn(t, h, 0, "load", "-i", archive)
	for _, ref := range []string{reg.ref(busyboxRepo), reg.ref(debianRepo)} {
		if !strings.Contains(r.stdout, "Loaded image: "+ref+"\n") {
			t.Errorf("load of the saved archive does not name %s: %s", ref, r.describe())
		}
	}
	ids := map[string]bool{}
	for _, row := range listImages(t, h) {
		ids[row.id] = true
	}
	if len(ids) != 2 || !ids[short(busyboxID)] || !ids[short(debianID)] {
		t.Errorf("images loaded from the saved archive: %v", ids)
	}
	if r := ctrIn(t, h, 0, "run", "--rm", reg.ref(busyboxRepo), "cat", mkimage.AddedFile); r.stdout != mkimage.AddedBody {
		t.Errorf("run of the reloaded image: %s", r.describe())
	}
	ctr(t, 1, "save", "-o", filepath.Join(dir, "bad.tar"), reg.ref("carrick-test/no-such:1"))
	if _, err := os.Stat(filepath.Join(dir, "bad.tar")); err == nil {
		t.Errorf("a failed save left an archive")
	}
}
