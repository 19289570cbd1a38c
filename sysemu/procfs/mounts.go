package procfs

import (
	"strings"

	"github.com/carrick-go/carrick/rootfs"
)

// fsTypes names file system magics (statfs f_type) as mounts shows them.
var fsTypes = map[int64]string{
	procSuperMagic: "proc",
	sysfsMagic:     "sysfs",
	tmpfsMagic:     "tmpfs",
	0x1cd1:         "devpts",
	0x19800202:     "mqueue",
	0xef53:         "ext4",
	0x58465342:     "xfs",
	0x9123683e:     "btrfs",
	0x794c7630:     "overlay",
	0x6969:         "nfs",
	0x65735546:     "fuse",
	0x2fc12fc1:     "zfs",
	0xf2f52010:     "f2fs",
	0x858458f6:     "ramfs",
	0x73717368:     "squashfs",
	0x4d44:         "vfat",
	0x1373:         "devtmpfs",
	0x63677270:     "cgroup2",
}

// FSTypeName is the mounts name of a statfs f_type ("none" if unknown).
func FSTypeName(magic int64) string {
	if n, ok := fsTypes[magic]; ok {
		return n
	}
	return "none"
}

// firstMountID is the id of the root mount; the others follow it.
const firstMountID = 20

// MountsFromView builds a process's mount table, as mounts and mountinfo
// show it, from a file view: the root as the overlay a container runtime
// gives, synthetic mounts by their file system type, binds with their host
// path as source. Device numbers and types are read through the view.
func MountsFromView(fs *rootfs.FS) []Mount {
	infos := fs.Mounts()
	out := make([]Mount, 0, len(infos))
	for i, mi := range infos {
		m := Mount{ID: firstMountID + i, Parent: 1, Target: mi.Guest, Root: "/", ReadOnly: mi.ReadOnly}
		for j := len(out) - 1; j >= 0; j-- {
			t := out[j].Target
			if t == "/" || strings.HasPrefix(mi.Guest, t+"/") {
				m.Parent = out[j].ID
				break
			}
		}
		if st, e := fs.Lstat(fs.Root(), mi.Guest); e == 0 {
			m.Dev = st.Dev
		}
		magic := int64(0)
		if sf, e := fs.Statfs(fs.Root(), mi.Guest); e == 0 {
			magic = sf.Type
		}
		m.FSType = FSTypeName(magic)
		switch {
		case mi.Guest == "/":
			m.FSType, m.Source, m.MntOpts = "overlay", "overlay", "relatime"
		case mi.Synthetic:
			m.Source = m.FSType
			switch m.FSType {
			case "proc", "sysfs":
				m.MntOpts = "nosuid,nodev,noexec,relatime"
				if m.FSType == "sysfs" {
					m.ReadOnly = true
				}
			case "tmpfs":
				m.MntOpts, m.FSOpts = "nosuid", "size=65536k,mode=755"
			case "devpts":
				m.MntOpts, m.FSOpts = "nosuid,noexec,relatime", "gid=5,mode=620,ptmxmode=666"
			case "mqueue":
				m.MntOpts = "nosuid,nodev,noexec,relatime"
			}
		case mi.Guest == "/dev/shm":
			// A private host directory standing in for the container's
			// shm tmpfs.
			m.FSType, m.Source = "tmpfs", "shm"
			m.MntOpts, m.FSOpts = "nosuid,nodev,noexec,relatime", "size=65536k"
		default:
			m.Source, m.Root, m.MntOpts = mi.Host, mi.Host, "relatime"
		}
		out = append(out, m)
	}
	return out
}
