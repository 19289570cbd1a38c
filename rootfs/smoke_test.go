package rootfs

import (
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

func TestSmoke(t *testing.T) {
	fs, _, _ := newTestFS(t, tree{"etc/passwd": "GUEST", "abs": "->/etc/passwd", "up": "->../../../../etc/passwd"}, Options{})
	for _, p := range []string{"/etc/passwd", "abs", "/up", "../../etc/passwd", "/etc/../etc/./passwd"} {
		s, e := readGuest(t, fs, nil, p)
		mustOK(t, e, p)
		if s != "GUEST" {
			t.Errorf("%s: %q", p, s)
		}
	}
	_, e := readGuest(t, fs, nil, "/nope")
	wantErrno(t, e, abi.ENOENT, "nope")
}
