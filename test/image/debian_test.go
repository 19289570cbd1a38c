//go:build linux

package image_test

import (
	"strings"
	"testing"

	"github.com/carrick-go/carrick/test/image/mkimage"
)

// TestDebian: python3, bash and coreutils from the debian image print
// what they print under qemu in a chroot of the root the image was built
// from; the image's own layer is honoured.
func TestDebian(t *testing.T) {
	needImages(t)
	deb := reg.ref(debianRepo)
	t.Run("python3", func(t *testing.T) {
		t.Parallel()
		r := sameAsOracle(t, deb, "debian", "python3", "-c",
			`import sys, platform, hashlib, json; print(platform.machine(), sys.version.split()[0]); `+
				`print(hashlib.sha256(b"carrick").hexdigest()); print(json.dumps({"k": [1, 2.5, None]}, sort_keys=True))`)
		if !strings.HasPrefix(r.stdout, "aarch64 3.11") {
			t.Errorf("python3: %s", r.describe())
		}
	})
	t.Run("bash", func(t *testing.T) {
		t.Parallel()
		r := sameAsOracle(t, deb, "debian", "bash", "-c",
			`declare -A m=([b]=2 [a]=1); echo a=${m[a]} b=${m[b]} n=${#m[@]}; `+
				`echo ${BASH_VERSINFO[0]}; printf '%05.1f\n' 3.14159; echo $(( 7 * 6 )); x=carrick; echo ${x^^} ${x:1:3}`)
		if r.stdout != "a=1 b=2 n=2\n5\n003.1\n42\nCARRICK arr\n" {
			t.Errorf("bash: %s", r.describe())
		}
	})
	// The files as the root has them: owners, modes, hardlinks, symlinks.
	t.Run("metadata", func(t *testing.T) {
		t.Parallel()
		sameAsOracle(t, deb, "debian", "stat", "-c", "%n %a %u %g %h %F",
			"/usr/bin/perl", "/usr/bin/perl5.36.0", "/bin", "/usr/bin/sh", "/tmp", "/etc/shadow", "/usr/bin/python3")
	})
	t.Run("image-layer", func(t *testing.T) {
		t.Parallel()
		wantOut(t, "image-cmd "+mkimage.ImageVal+" "+mkimage.WorkDir+"\n", "run", "--rm", deb)
		wantOut(t, mkimage.AddedBody+"ok\n", "run", "--rm", deb, "bash", "-c",
			"cat "+mkimage.AddedFile+"; getent passwd "+mkimage.AppUser+" >/dev/null && echo ok")
		// The whiteout removed coreutils' factor: bash's "command not found".
		r := ctr(t, 127, "run", "--rm", deb, "bash", "-c", "factor 6")
		if !strings.Contains(r.stderr, "factor: command not found") {
			t.Errorf("factor: %s", r.describe())
		}
	})
}

// TestBusyboxOracle: busybox applets print what they print under qemu.
func TestBusyboxOracle(t *testing.T) {
	needImages(t)
	sameAsOracle(t, reg.ref(busyboxRepo), "busybox", "sh", "-c",
		`echo $((6*7)); printf 'b\na\nc\n' | sort -r; echo carrick | md5sum; uname -m; `+
			`ls -ln /bin/busybox | awk '{print $1, $2, $3, $4, $5}'; readlink /bin/sh; stat -c '%a %u %g %F' /tmp /etc/passwd /bin/sh`)
}
