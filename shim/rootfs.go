package shim

import (
	"fmt"
	"os"
	"slices"

	"github.com/containerd/containerd/api/types"
)

// The task's rootfs arrives as mounts for <bundle>/rootfs: one overlay
// (overlayfs snapshotter) or one bind of a directory (native
// snapshotter), or none when the client gave a rootfs directory itself
// (ctr run --rootfs).

// isBind says whether m is a bind mount of a directory.
func isBind(m *types.Mount) bool {
	return m.Type == "bind" || m.Type == "rbind" || slices.Contains(m.Options, "bind") || slices.Contains(m.Options, "rbind")
}

// linkRootfs makes target, the bundle's empty rootfs directory, a link to
// a bind mount's source: where the host cannot mount (macOS, or a shim
// without the privilege), the engine reads the snapshot in place. The
// engine confines the guest to the link's target as it would to a mount.
func linkRootfs(m *types.Mount, target string) (func() error, error) {
	if !isBind(m) {
		return nil, fmt.Errorf("rootfs: cannot use a %q mount on this host (only a bind of a directory, as the native snapshotter gives)", m.Type)
	}
	if slices.Contains(m.Options, "ro") {
		// The engine would write through the link.
		return nil, fmt.Errorf("rootfs: a read-only bind cannot be linked; use root.readonly")
	}
	if fi, err := os.Stat(m.Source); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("rootfs: bind source %s is not a directory", m.Source)
	}
	if err := os.Remove(target); err != nil && !os.IsNotExist(err) {
		return nil, fmt.Errorf("rootfs: %w", err)
	}
	if err := os.Symlink(m.Source, target); err != nil {
		return nil, fmt.Errorf("rootfs: %w", err)
	}
	return func() error {
		if err := os.Remove(target); err != nil {
			return err
		}
		return os.Mkdir(target, 0o711)
	}, nil
}
