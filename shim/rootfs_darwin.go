package shim

import (
	"fmt"

	"github.com/containerd/containerd/api/types"
)

// mountRootfs: macOS cannot mount a snapshot; the native snapshotter's
// bind is used in place (linkRootfs).
func mountRootfs(ms []*types.Mount, target string) (func() error, error) {
	switch len(ms) {
	case 0:
		return func() error { return nil }, nil
	case 1:
		return linkRootfs(ms[0], target)
	}
	return nil, fmt.Errorf("rootfs: %d mounts; on macOS only one bind of a directory (the native snapshotter) can be used", len(ms))
}
