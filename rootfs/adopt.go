package rootfs

import (
	"strings"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// GlobalPath is the file's guest path in the namespace of the FS made by
// New (not shortened by a chroot view): what Adopt takes.
func (f *File) GlobalPath() string { return f.path }

// Adopt makes a File of host descriptor fd, which a parent process had open
// on the guest path (a File's GlobalPath) with the Linux open flags, and
// passed on at fork. The File owns fd. It is for host-backed files only: a
// synthetic file has no descriptor to inherit and is opened again instead.
func (fs *FS) Adopt(fd int, path string, flags int) (*File, abi.Errno) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, errnoOf(err)
	}
	// The mount the path is under: the longest mount point that prefixes it.
	var m *mount
	for g, mt := range fs.mounts {
		if mt.synth != nil || mt.fd < 0 {
			continue
		}
		if (g == "/" || path == g || strings.HasPrefix(path, g+"/")) && (m == nil || len(g) > len(m.guest)) {
			m = mt
		}
	}
	if m == nil {
		m = fs.rootMnt
	}
	typ := uint32(st.Mode) & sIFMT
	f := &File{fs: fs, mnt: m, fd: fd, path: path, flags: flags, typ: typ}
	if typ == sIFDIR {
		f.dir = &Dir{mnt: m, fd: fd, path: path}
	}
	if m.ov != nil {
		fs.ovAdopt(f)
	}
	return f, 0
}
