package procfs

import (
	"strconv"
	"time"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// Sys is the synthetic /sys: the CPU topology files (online, possible,
// present, cpuN/), the transparent-hugepage settings Go and glibc read,
// and empty fs/cgroup and class directories. It is read-only, as a
// container's /sys is. Mount it with rootfs.Mount{Guest: "/sys", Synthetic: s}.
type Sys struct {
	tree
	sys *System
}

// NewSys returns /sys for the system described by sys.
func NewSys(sys System) *Sys {
	s := &Sys{sys: sys.withDefaults()}
	s.tree = tree{
		dev: SysDev, blksize: 4096, created: time.Now(),
		statfs: rootfs.Statfs{Type: sysfsMagic, Bsize: 4096, Namelen: 255, Frsize: 4096,
			Flags: abi.ST_RDONLY | mountFlagsNoDev},
	}
	s.root = s.rootDir
	return s
}

// attr is a sysfs attribute: its value and a newline, st_size 4096.
func attr(perm uint32, value func() string) func() *node {
	return func() *node {
		n := textNode(perm, abi.EINVAL, func() []byte { return []byte(value() + "\n") })
		n.size = 4096
		n.wpol = wReadOnlyMount
		return n
	}
}

func constAttr(perm uint32, v string) func() *node {
	return attr(perm, func() string { return v })
}

// sysDir is a sysfs directory (drwxr-xr-x).
func sysDir(ents ...entry) func() *node {
	return func() *node { return dirNode(0o755, ents) }
}

func (s *Sys) rootDir() *node {
	n := dirNode(0o555, []entry{
		dirEnt("class", sysDir()),
		dirEnt("devices", sysDir(
			dirEnt("system", sysDir(
				dirEnt("cpu", s.cpuDir),
			)),
		)),
		dirEnt("fs", sysDir(
			dirEnt("cgroup", sysDir()),
		)),
		dirEnt("kernel", sysDir(
			dirEnt("mm", sysDir(
				dirEnt("transparent_hugepage", sysDir(
					fileEnt("defrag", constAttr(0o644, "always defer defer+madvise [madvise] never")),
					fileEnt("enabled", constAttr(0o644, "always [madvise] never")),
					fileEnt("hpage_pmd_size", constAttr(0o444, "2097152")),
				)),
			)),
		)),
	})
	return n
}

// cpuDir is /sys/devices/system/cpu.
func (s *Sys) cpuDir() *node {
	ncpu := s.sys.NumCPU
	all := cpuList(ncpu)
	ents := []entry{
		fileEnt("kernel_max", constAttr(0o444, strconv.Itoa(max(ncpu-1, 0)))),
		fileEnt("offline", constAttr(0o444, "")),
		fileEnt("online", constAttr(0o444, all)),
		fileEnt("possible", constAttr(0o444, all)),
		fileEnt("present", constAttr(0o444, all)),
	}
	for i := 0; i < ncpu; i++ {
		ents = append(ents, dirEnt("cpu"+strconv.Itoa(i), func() *node { return s.cpuN(i) }))
	}
	return dirNode(0o755, ents)
}

// cpuN is /sys/devices/system/cpu/cpuN: online (not for the boot CPU,
// which cannot be taken offline) and regs/identification/midr_el1.
func (s *Sys) cpuN(i int) *node {
	midr := "0x" + string(new(buf).hex(s.sys.midr(i), 16).bytes())
	var ents []entry
	if i > 0 {
		ents = append(ents, fileEnt("online", constAttr(0o644, "1")))
	}
	ents = append(ents, dirEnt("regs", sysDir(
		dirEnt("identification", sysDir(
			fileEnt("midr_el1", constAttr(0o444, midr)),
			fileEnt("revidr_el1", constAttr(0o444, "0x0000000000000000")),
		)),
	)))
	return dirNode(0o755, ents)
}

func (b *buf) bytes() []byte { return *b }
