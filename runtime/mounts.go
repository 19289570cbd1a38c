package runtime

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/carrick-go/carrick/rootfs"
)

// The engine serves /proc, /sys (with an empty /sys/fs/cgroup), /dev (with
// pts, mqueue and the console) and /dev/shm itself, so a spec's kernel
// file systems at those places are already there: runc's default spec
// and containerd's mount exactly these.
var engineMounts = map[string][]string{
	"proc":    {"/proc"},
	"sysfs":   {"/sys"},
	"devpts":  {"/dev/pts"},
	"mqueue":  {"/dev/mqueue"},
	"cgroup":  {"/sys/fs/cgroup"},
	"cgroup2": {"/sys/fs/cgroup"},
	"tmpfs":   {"/dev", "/dev/shm"},
	"shm":     {"/dev/shm"},
}

func isBindMount(m specs.Mount) bool {
	return m.Type == "bind" || m.Type == "rbind" || slices.Contains(m.Options, "bind") || slices.Contains(m.Options, "rbind")
}

func servedByEngine(m specs.Mount) bool {
	return slices.Contains(engineMounts[m.Type], path.Clean(m.Destination))
}

// specMounts turns the spec's mounts into the guest's: binds of host
// paths, and tmpfs mounts as private directories of the container (under
// its state directory dir, so that exec'd processes share them and delete
// removes them). Mounts the engine serves are left to it; the rest are
// reported by Unsupported.
func specMounts(b *Bundle, dir string) ([]rootfs.Mount, error) {
	var ms []rootfs.Mount
	for i, m := range b.Spec.Mounts {
		ro := slices.Contains(m.Options, "ro")
		switch {
		case isBindMount(m):
			src := m.Source
			if !filepath.IsAbs(src) {
				src = filepath.Join(b.Dir, src)
			}
			ms = append(ms, rootfs.Mount{Guest: m.Destination, Host: src, ReadOnly: ro})
		case servedByEngine(m):
		case m.Type == "tmpfs":
			host := filepath.Join(dir, "tmpfs", strconv.Itoa(i))
			if err := os.MkdirAll(host, 0o700); err != nil {
				return nil, fmt.Errorf("tmpfs %s: %w", m.Destination, err)
			}
			if err := os.Chmod(host, tmpfsMode(m.Options)); err != nil {
				return nil, fmt.Errorf("tmpfs %s: %w", m.Destination, err)
			}
			ms = append(ms, rootfs.Mount{Guest: m.Destination, Host: host, ReadOnly: ro})
		}
	}
	return ms, nil
}

// tmpfsMode is the root directory's mode from mode=OCTAL (Linux's default
// is 1777).
func tmpfsMode(opts []string) os.FileMode {
	mode := uint64(0o1777)
	for _, o := range opts {
		if v, ok := strings.CutPrefix(o, "mode="); ok {
			if n, err := strconv.ParseUint(v, 8, 32); err == nil {
				mode = n
			}
		}
	}
	fm := os.FileMode(mode & 0o777)
	if mode&0o1000 != 0 {
		fm |= os.ModeSticky
	}
	if mode&0o2000 != 0 {
		fm |= os.ModeSetgid
	}
	return fm
}

// unsupportedMounts lists the spec's mounts the container does not get.
func unsupportedMounts(s *specs.Spec) []string {
	var out []string
	for _, m := range s.Mounts {
		if isBindMount(m) || servedByEngine(m) || m.Type == "tmpfs" {
			continue
		}
		out = append(out, fmt.Sprintf("mounts: %s of type %q", m.Destination, m.Type))
	}
	return out
}
