package shim

import (
	"errors"
	"fmt"
	"strings"

	"github.com/containerd/containerd/api/types"
	"golang.org/x/sys/unix"
)

// mountRootfs mounts the task's rootfs mounts on target, as containerd's
// runc shim does; a single bind the shim may not mount is linked instead.
// The returned function undoes it.
func mountRootfs(ms []*types.Mount, target string) (func() error, error) {
	if len(ms) == 0 {
		return func() error { return nil }, nil
	}
	for i, m := range ms {
		if err := mountOne(m, target); err != nil {
			if len(ms) == 1 && errors.Is(err, unix.EPERM) && isBind(m) {
				return linkRootfs(m, target)
			}
			unmountAll(target, i)
			return nil, fmt.Errorf("rootfs: mount %s (%s): %w", m.Source, m.Type, err)
		}
	}
	return func() error { return unmountAll(target, len(ms)) }, nil
}

// mountFlags splits mount(8)-style options into flags and data.
var mountFlags = map[string]struct {
	clear bool
	flag  uintptr
}{
	"ro": {false, unix.MS_RDONLY}, "rw": {true, unix.MS_RDONLY},
	"bind": {false, unix.MS_BIND}, "rbind": {false, unix.MS_BIND | unix.MS_REC},
	"nosuid": {false, unix.MS_NOSUID}, "suid": {true, unix.MS_NOSUID},
	"nodev": {false, unix.MS_NODEV}, "dev": {true, unix.MS_NODEV},
	"noexec": {false, unix.MS_NOEXEC}, "exec": {true, unix.MS_NOEXEC},
	"sync": {false, unix.MS_SYNCHRONOUS}, "async": {true, unix.MS_SYNCHRONOUS},
	"noatime": {false, unix.MS_NOATIME}, "atime": {true, unix.MS_NOATIME},
	"nodiratime": {false, unix.MS_NODIRATIME}, "relatime": {false, unix.MS_RELATIME},
	"strictatime": {false, unix.MS_STRICTATIME},
}

func mountOne(m *types.Mount, target string) error {
	var flags uintptr
	var data []string
	for _, o := range m.Options {
		if f, ok := mountFlags[o]; ok {
			if f.clear {
				flags &^= f.flag
			} else {
				flags |= f.flag
			}
			continue
		}
		data = append(data, o)
	}
	if flags&unix.MS_BIND == 0 {
		return unix.Mount(m.Source, target, m.Type, flags, strings.Join(data, ","))
	}
	if err := unix.Mount(m.Source, target, "", flags&^unix.MS_RDONLY, ""); err != nil {
		return err
	}
	// A bind is made read-only only by a remount.
	if flags&unix.MS_RDONLY != 0 {
		return unix.Mount("", target, "", unix.MS_REMOUNT|unix.MS_BIND|unix.MS_RDONLY|flags&(unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC), "")
	}
	return nil
}

// unmountAll takes n mounts off target, newest first.
func unmountAll(target string, n int) error {
	for i := 0; i < n; i++ {
		if err := unix.Unmount(target, unix.MNT_DETACH); err != nil {
			if err == unix.EINVAL || err == unix.ENOENT {
				return nil
			}
			return fmt.Errorf("unmount %s: %w", target, err)
		}
	}
	return nil
}
