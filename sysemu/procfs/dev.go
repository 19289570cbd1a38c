package procfs

import (
	"crypto/rand"
	"time"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// Dev is the synthetic /dev: the memory devices (null, zero, full, random,
// urandom) with their real semantics, tty and ptmx through hooks, the
// fd/stdin/stdout/stderr links into /proc/self/fd, and the directories
// pts, shm and mqueue for other mounts to cover. Mount it with
// rootfs.Mount{Guest: "/dev", Synthetic: d}; /dev/shm should then get a
// bind mount of a private host directory (see the package documentation).
type Dev struct {
	tree
	cfg DevConfig
}

// DevConfig are the hooks behind the terminal devices.
type DevConfig struct {
	// TTY opens /dev/tty, the caller's controlling terminal. nil stands for
	// "no controlling terminal": the open fails with ENXIO, as Linux's.
	TTY func(flags int) (rootfs.SyntheticFile, abi.Errno)
	// PTMX opens /dev/ptmx, a new pseudo-terminal master. nil is a kernel
	// without a pty driver: ENXIO.
	PTMX func(flags int) (rootfs.SyntheticFile, abi.Errno)
}

// Device numbers (Documentation/admin-guide/devices.txt).
const (
	ttyGID = 5 // the tty group
)

// NewDev returns /dev with the given terminal hooks.
func NewDev(cfg DevConfig) *Dev {
	d := &Dev{cfg: cfg}
	d.tree = tree{
		dev: DevDev, blksize: 4096, created: time.Now(),
		statfs: rootfs.Statfs{Type: tmpfsMagic, Bsize: 4096, Blocks: 16384, Bfree: 16384, Bavail: 16384,
			Files: 1 << 20, Ffree: 1<<20 - 32, Namelen: 255, Frsize: 4096, Flags: abi.ST_NOSUID},
	}
	d.root = d.rootDir
	return d
}

// chr is a character device node, crw-rw-rw- unless perm says otherwise.
func chr(major, minor uint32, perm uint32, gid uint32, open func(flags int) (rootfs.SyntheticFile, abi.Errno)) func() *node {
	return func() *node {
		return &node{mode: sIFCHR | perm, gid: gid, rdev: mkdev(major, minor), open: open}
	}
}

// memDev opens one of the memory devices.
func memDev(kind memKind) func(flags int) (rootfs.SyntheticFile, abi.Errno) {
	return func(flags int) (rootfs.SyntheticFile, abi.Errno) {
		return &memFile{kind: kind, flags: flags}, 0
	}
}

// devLink is a tmpfs symbolic link: st_size is the target's length.
func devLink(target string) func() *node {
	return func() *node { return staticLink(target) }
}

func (d *Dev) rootDir() *node {
	hook := func(h func(int) (rootfs.SyntheticFile, abi.Errno)) func(int) (rootfs.SyntheticFile, abi.Errno) {
		return func(flags int) (rootfs.SyntheticFile, abi.Errno) {
			if h == nil {
				return nil, abi.ENXIO
			}
			return h(flags)
		}
	}
	return dirNode(0o755, []entry{
		linkEnt("fd", devLink("/proc/self/fd")),
		chrEnt("full", chr(1, 7, 0o666, 0, memDev(devFull))),
		dirEnt("mqueue", func() *node { return &node{mode: sIFDIR | 0o1777, list: noEntries, lookup: noLookup} }),
		chrEnt("null", chr(1, 3, 0o666, 0, memDev(devNull))),
		chrEnt("ptmx", chr(5, 2, 0o666, ttyGID, hook(d.cfg.PTMX))),
		dirEnt("pts", func() *node { return &node{mode: sIFDIR | 0o755, list: noEntries, lookup: noLookup} }),
		chrEnt("random", chr(1, 8, 0o666, 0, memDev(devRandom))),
		dirEnt("shm", func() *node { return &node{mode: sIFDIR | 0o1777, list: noEntries, lookup: noLookup} }),
		linkEnt("stderr", devLink("/proc/self/fd/2")),
		linkEnt("stdin", devLink("/proc/self/fd/0")),
		linkEnt("stdout", devLink("/proc/self/fd/1")),
		chrEnt("tty", chr(5, 0, 0o666, ttyGID, hook(d.cfg.TTY))),
		chrEnt("urandom", chr(1, 9, 0o666, 0, memDev(devURandom))),
		chrEnt("zero", chr(1, 5, 0o666, 0, memDev(devZero))),
	})
}

func noEntries() []dirent        { return nil }
func noLookup(name string) *node { return nil }

type memKind uint8

const (
	devNull memKind = iota
	devZero
	devFull
	devRandom
	devURandom
)

// memFile is an open memory device (drivers/char/mem.c, random.c). The
// offset is ignored: these devices have no position.
type memFile struct {
	kind  memKind
	flags int
}

// ReadAt implements rootfs.SyntheticFile: null is at end of file, zero and
// full read zeros, random and urandom read from the host's CSPRNG.
func (f *memFile) ReadAt(p []byte, off int64) (int, abi.Errno) {
	if f.flags&abi.O_ACCMODE == abi.O_WRONLY {
		return 0, abi.EBADF
	}
	switch f.kind {
	case devNull:
		return 0, 0
	case devZero, devFull:
		clear(p)
		return len(p), 0
	default:
		if _, err := rand.Read(p); err != nil {
			return 0, abi.EIO
		}
		return len(p), 0
	}
}

// WriteAt implements rootfs.SyntheticFile: full is always full (ENOSPC),
// the others take everything (written entropy is credited to nothing).
func (f *memFile) WriteAt(p []byte, off int64) (int, abi.Errno) {
	if f.flags&abi.O_ACCMODE == abi.O_RDONLY {
		return 0, abi.EBADF
	}
	if f.kind == devFull {
		return 0, abi.ENOSPC
	}
	return len(p), 0
}

func (f *memFile) Close() abi.Errno { return 0 }
