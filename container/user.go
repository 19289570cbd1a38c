package container

import (
	"bufio"
	"bytes"
	"fmt"
	"path"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// user is a container's user as docker resolves `-u` and the image's
// User: ids, supplementary groups from the image's /etc/group, and home.
type user struct {
	uid, gid uint32
	groups   []uint32
	home     string
}

// resolveUser reads spec (NAME|UID[:GROUP|GID], or "" for root) against
// the image's /etc/passwd and /etc/group, as docker does: a numeric uid
// needs no entry; a name must have one.
func resolveUser(view *rootfs.FS, spec string) (user, error) {
	if spec == "" {
		spec = "0"
	}
	uspec, gspec, hasGroup := strings.Cut(spec, ":")
	passwd, _ := readFile(view, "/etc/passwd")
	groupFile, _ := readFile(view, "/etc/group")
	u := user{home: "/"}
	name := ""
	found := false
	for _, f := range entries(passwd, 7) {
		uid, err := strconv.ParseUint(f[2], 10, 32)
		if err != nil {
			continue
		}
		if f[0] == uspec || f[2] == uspec {
			gid, _ := strconv.ParseUint(f[3], 10, 32)
			u.uid, u.gid, u.home, name, found = uint32(uid), uint32(gid), f[5], f[0], true
			break
		}
	}
	if !found {
		uid, err := strconv.ParseUint(uspec, 10, 32)
		if err != nil {
			return u, fmt.Errorf("unable to find user %s: no matching entries in passwd file", uspec)
		}
		u.uid = uint32(uid)
	}
	if hasGroup {
		gid, ok := uint64(0), false
		for _, f := range entries(groupFile, 4) {
			if f[0] == gspec || f[2] == gspec {
				gid, _ = strconv.ParseUint(f[2], 10, 32)
				ok = true
				break
			}
		}
		if !ok {
			n, err := strconv.ParseUint(gspec, 10, 32)
			if err != nil {
				return u, fmt.Errorf("unable to find group %s: no matching entries in group file", gspec)
			}
			gid = n
		}
		u.gid = uint32(gid)
	}
	// docker's extra groups: the primary group first, then the groups of
	// /etc/group that list the user by name.
	u.groups = []uint32{u.gid}
	if name != "" {
		for _, f := range entries(groupFile, 4) {
			gid, err := strconv.ParseUint(f[2], 10, 32)
			if err != nil || uint32(gid) == u.gid {
				continue
			}
			for _, m := range strings.Split(f[3], ",") {
				if m == name {
					u.groups = append(u.groups, uint32(gid))
				}
			}
		}
	}
	if u.home == "" {
		u.home = "/"
	}
	return u, nil
}

// entries splits a passwd-style file into lines of at least n fields.
func entries(data []byte, n int) [][]string {
	var out [][]string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		if f := strings.Split(line, ":"); len(f) >= n {
			out = append(out, f)
		}
	}
	return out
}

// readFile reads a guest file through the view (links resolved confined).
func readFile(view *rootfs.FS, p string) ([]byte, error) {
	f, e := view.Open(view.Root(), p, unix.O_RDONLY, 0)
	if e != 0 {
		return nil, errnoError(p, e)
	}
	defer f.Close()
	var out []byte
	buf := make([]byte, 32<<10)
	for {
		n, err := unix.Read(f.Fd(), buf)
		if n > 0 {
			out = append(out, buf[:n]...)
		}
		if err != nil || n <= 0 {
			return out, nil
		}
		if len(out) > 16<<20 {
			return nil, fmt.Errorf("%s: too large", p)
		}
	}
}

// mkdirAll makes the guest directory p and its parents, as docker makes a
// missing working directory (owned by the container's user).
func mkdirAll(view *rootfs.FS, p string, u user) error {
	cur := "/"
	for _, c := range strings.Split(strings.Trim(path.Clean(p), "/"), "/") {
		if c == "" {
			continue
		}
		cur = path.Join(cur, c)
		switch e := view.Mkdir(view.Root(), cur, 0o755); e {
		case 0:
			if e := view.Chown(view.Root(), cur, int(u.uid), int(u.gid), false); e != 0 {
				return errnoError(cur, e)
			}
		case abi.EEXIST:
		default:
			return errnoError(cur, e)
		}
	}
	st, e := view.Stat(view.Root(), p)
	if e != 0 {
		return errnoError(p, e)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s: not a directory", p)
	}
	return nil
}

func errnoError(p string, e abi.Errno) error { return fmt.Errorf("%s: %w", p, e) }
