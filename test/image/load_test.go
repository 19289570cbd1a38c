//go:build linux

package image_test

import (
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
