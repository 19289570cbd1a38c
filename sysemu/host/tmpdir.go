package host

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// UserTempDir is carrick's directory for this host user under the host's
// temporary directory ($TMPDIR/carrick-UID), with sub made below it. Each
// level is made 0700 and refused unless it is a real directory of this
// user that no one else may write: in a shared /tmp another user could
// otherwise make it first and plant sockets or links in it.
func UserTempDir(sub ...string) (string, error) {
	d := filepath.Join(os.TempDir(), fmt.Sprintf("carrick-%d", os.Getuid()))
	for i := 0; i <= len(sub); i++ {
		if i > 0 {
			d = filepath.Join(d, sub[i-1])
		}
		if err := os.Mkdir(d, 0o700); err != nil && !os.IsExist(err) {
			return "", err
		}
		fi, err := os.Lstat(d)
		if err != nil {
			return "", err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !fi.IsDir() || !ok || int(st.Uid) != os.Getuid() || fi.Mode().Perm()&0o022 != 0 {
			return "", fmt.Errorf("%s is not a private directory of this user (uid %d): remove it", d, os.Getuid())
		}
	}
	return d, nil
}
