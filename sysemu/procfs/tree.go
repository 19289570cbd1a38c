package procfs

import (
	"hash/fnv"
	"strings"
	"time"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// The three file systems share one engine: a tree of nodes built lazily,
// per lookup, from the live state. A node is a directory (list, lookup), a
// symbolic link (link) or a file or device (open). Nothing is cached: every
// Stat walks from the root and builds what it passes, so the tree always
// reflects the process table and no lock is needed beyond those of the
// state it reads.

const (
	sIFMT  = abi.S_IFMT
	sIFDIR = abi.S_IFDIR
	sIFREG = abi.S_IFREG
	sIFLNK = abi.S_IFLNK
	sIFCHR = abi.S_IFCHR
)

// writePolicy is how a node answers an open for writing.
type writePolicy uint8

const (
	// wDAC: the mode bits decide, and a caller with CAP_DAC_OVERRIDE may
	// open anything (procfs files, devices). What a write then does is the
	// file's business.
	wDAC writePolicy = iota
	// wReadOnlyMount: a file with no write permission gives EACCES whoever
	// asks (sysctl_perm and kernfs ignore capabilities), a writable one
	// EROFS, as /proc/sys and /sys mounted read-only in a container do.
	wReadOnlyMount
)

// node is one file of a synthetic tree.
type node struct {
	mode     uint32 // S_IF* | permission bits
	uid, gid uint32
	rdev     uint64
	size     int64
	nlink    uint32           // 0: 1 for files, 2 + subdirectories for directories
	mtime    func() time.Time // nil: the tree's creation time
	wpol     writePolicy

	// Directories.
	list   func() []dirent
	lookup func(name string) *node
	// Symbolic links.
	link func() (string, abi.Errno)
	// Files and devices.
	open func(flags int) (rootfs.SyntheticFile, abi.Errno)
}

type dirent struct {
	name string
	typ  uint8 // DT_*
}

// entry is a named child of a static directory, made on lookup.
type entry struct {
	name string
	typ  uint8
	mk   func() *node
}

// dirNode is a directory of fixed entries, each made when it is looked up.
func dirNode(perm uint32, ents []entry) *node {
	return &node{
		mode: sIFDIR | perm,
		list: func() []dirent {
			out := make([]dirent, len(ents))
			for i, e := range ents {
				out[i] = dirent{e.name, e.typ}
			}
			return out
		},
		lookup: func(name string) *node {
			for _, e := range ents {
				if e.name == name {
					return e.mk()
				}
			}
			return nil
		},
	}
}

// Entry constructors for static directories.
func dirEnt(name string, mk func() *node) entry  { return entry{name, abi.DT_DIR, mk} }
func fileEnt(name string, mk func() *node) entry { return entry{name, abi.DT_REG, mk} }
func linkEnt(name string, mk func() *node) entry { return entry{name, abi.DT_LNK, mk} }
func chrEnt(name string, mk func() *node) entry  { return entry{name, abi.DT_CHR, mk} }

// linkNode is a symbolic link (lrwxrwxrwx).
func linkNode(target func() (string, abi.Errno)) *node {
	return &node{mode: sIFLNK | 0o777, link: target}
}

// staticLink is a link with a fixed target.
func staticLink(target string) *node {
	n := linkNode(func() (string, abi.Errno) { return target, 0 })
	n.size = int64(len(target))
	return n
}

// textNode is a read-only file rendered at open; a write to it gives werr
// (EINVAL for procfs files with no write method, EIO for proc_create ones).
func textNode(perm uint32, werr abi.Errno, render func() []byte) *node {
	return &node{
		mode: sIFREG | perm,
		open: func(flags int) (rootfs.SyntheticFile, abi.Errno) {
			return &snapFile{data: render(), flags: flags, werr: werr}, 0
		},
	}
}

// rwNode is a file rendered at open whose writes go to write.
func rwNode(perm uint32, render func() []byte, write func(p []byte) abi.Errno) *node {
	return &node{
		mode: sIFREG | perm,
		open: func(flags int) (rootfs.SyntheticFile, abi.Errno) {
			return &snapFile{data: render(), flags: flags, write: write}, 0
		},
	}
}

// tree is a synthetic file system: the engine behind Proc, Sys and Dev.
type tree struct {
	root    func() *node
	dev     uint64
	blksize int32
	statfs  rootfs.Statfs
	created time.Time
	// creds returns the caller's credentials for permission checks.
	creds func() Creds
}

// maxLinks bounds the relative links walk follows inside the tree (rootfs
// resolves links itself and never passes one in a path; this is for
// direct callers).
const maxLinks = 8

// walk finds the node at p and its canonical path.
func (t *tree) walk(p string) (*node, string, abi.Errno) {
	if p == "" || p[0] != '/' {
		return nil, "", abi.ENOENT
	}
	type frame struct {
		n    *node
		path string
	}
	stack := []frame{{t.root(), "/"}}
	comps := splitPath(p)
	trailing := strings.HasSuffix(p, "/") // a final link is followed
	links := 0
	for len(comps) > 0 {
		c := comps[0]
		comps = comps[1:]
		switch c {
		case ".":
			continue
		case "..":
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		top := stack[len(stack)-1]
		if top.n.mode&sIFMT != sIFDIR {
			return nil, "", abi.ENOTDIR
		}
		if len(c) > abi.NAME_MAX {
			return nil, "", abi.ENAMETOOLONG
		}
		child := top.n.lookup(c)
		if child == nil {
			return nil, "", abi.ENOENT
		}
		cp := joinPath(top.path, c)
		if child.mode&sIFMT == sIFLNK && (len(comps) > 0 || trailing) {
			// A link in the middle of the path: follow a relative target
			// within the tree.
			target, e := child.link()
			if e != 0 {
				return nil, "", e
			}
			if links++; links > maxLinks || strings.HasPrefix(target, "/") {
				return nil, "", abi.ENOENT
			}
			comps = append(splitPath(target), comps...)
			continue
		}
		stack = append(stack, frame{child, cp})
	}
	top := stack[len(stack)-1]
	if strings.HasSuffix(p, "/") && top.n.mode&sIFMT != sIFDIR {
		return nil, "", abi.ENOTDIR
	}
	return top.n, top.path, 0
}

func splitPath(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

func joinPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// ino is the inode number of the node at canonical path p: 1 for the root,
// a hash of the path otherwise, stable across lookups.
func ino(p string) uint64 {
	if p == "/" {
		return 1
	}
	h := fnv.New64a()
	h.Write([]byte(p))
	v := h.Sum64() &^ (1 << 63)
	if v < 2 {
		v += 2
	}
	return v
}

func (t *tree) stat(n *node, p string) rootfs.Stat {
	mt := t.created
	if n.mtime != nil {
		mt = n.mtime()
	}
	ts := rootfs.Timespec{Sec: mt.Unix(), Nsec: int64(mt.Nanosecond())}
	nlink := n.nlink
	if nlink == 0 {
		nlink = 1
		if n.mode&sIFMT == sIFDIR {
			nlink = 2
			for _, d := range n.list() {
				if d.typ == abi.DT_DIR {
					nlink++
				}
			}
		}
	}
	return rootfs.Stat{
		Dev: t.dev, Ino: ino(p), Mode: n.mode, Nlink: nlink, Uid: n.uid, Gid: n.gid,
		Rdev: n.rdev, Size: n.size, Blksize: t.blksize, Atime: ts, Mtime: ts, Ctime: ts,
	}
}

// Stat implements rootfs.Synthetic.
func (t *tree) Stat(p string) (rootfs.Stat, abi.Errno) {
	n, cp, e := t.walk(p)
	if e != 0 {
		return rootfs.Stat{}, e
	}
	return t.stat(n, cp), 0
}

// Readlink implements rootfs.Synthetic.
func (t *tree) Readlink(p string) (string, abi.Errno) {
	n, _, e := t.walk(p)
	if e != 0 {
		return "", e
	}
	if n.mode&sIFMT != sIFLNK {
		return "", abi.EINVAL
	}
	return n.link()
}

// ReadDir implements rootfs.Synthetic.
func (t *tree) ReadDir(p string) ([]rootfs.DirEntry, abi.Errno) {
	n, cp, e := t.walk(p)
	if e != 0 {
		return nil, e
	}
	if n.mode&sIFMT != sIFDIR {
		return nil, abi.ENOTDIR
	}
	ents := n.list()
	out := make([]rootfs.DirEntry, len(ents))
	for i, d := range ents {
		out[i] = rootfs.DirEntry{Name: d.name, Ino: ino(joinPath(cp, d.name)), Type: d.typ}
	}
	return out, 0
}

// Open implements rootfs.Synthetic.
func (t *tree) Open(p string, flags int) (rootfs.SyntheticFile, abi.Errno) {
	n, _, e := t.walk(p)
	if e != 0 {
		return nil, e
	}
	acc := flags & abi.O_ACCMODE
	write := acc == abi.O_WRONLY || acc == abi.O_RDWR || flags&abi.O_TRUNC != 0
	read := acc == abi.O_RDONLY || acc == abi.O_RDWR
	switch n.mode & sIFMT {
	case sIFLNK:
		return nil, abi.ELOOP
	case sIFDIR:
		if write {
			return nil, abi.EISDIR
		}
		if e := t.access(n, true, false); e != 0 {
			return nil, e
		}
		return dirFile{}, 0
	}
	if flags&abi.O_DIRECTORY != 0 {
		return nil, abi.ENOTDIR
	}
	if e := t.access(n, read, write); e != 0 {
		return nil, e
	}
	if n.open == nil {
		return nil, abi.ENXIO
	}
	return n.open(flags)
}

// access checks the caller may open n to read and/or write.
func (t *tree) access(n *node, read, write bool) abi.Errno {
	if write && n.wpol == wReadOnlyMount {
		if n.mode&0o222 == 0 {
			return abi.EACCES
		}
		return abi.EROFS
	}
	c := RootCreds()
	if t.creds != nil {
		c = t.creds()
	}
	const capDACOverride, capDACReadSearch = 1 << 1, 1 << 2
	if c.CapEff&capDACOverride != 0 {
		return 0
	}
	if !write && c.CapEff&capDACReadSearch != 0 {
		return 0
	}
	perm := n.mode & 0o7
	switch {
	case c.FSUID == n.uid:
		perm = n.mode >> 6 & 0o7
	case c.FSGID == n.gid || inGroups(c.Groups, n.gid):
		perm = n.mode >> 3 & 0o7
	}
	if (read && perm&4 == 0) || (write && perm&2 == 0) {
		return abi.EACCES
	}
	return 0
}

func inGroups(gs []uint32, g uint32) bool {
	for _, x := range gs {
		if x == g {
			return true
		}
	}
	return false
}

// Statfs implements rootfs.Synthetic.
func (t *tree) Statfs() rootfs.Statfs { return t.statfs }

// Dev returns the file system's Linux dev_t (st_dev of every node).
func (t *tree) Dev() uint64 { return t.dev }

// snapFile is an open file whose contents were rendered at open: every
// read of one open file sees the same bytes, as a seq_file read from
// position 0 onwards does.
type snapFile struct {
	data  []byte
	flags int
	write func(p []byte) abi.Errno // nil: writes fail with werr
	werr  abi.Errno
}

func (f *snapFile) ReadAt(p []byte, off int64) (int, abi.Errno) {
	if f.flags&abi.O_ACCMODE == abi.O_WRONLY {
		return 0, abi.EBADF
	}
	if off < 0 {
		return 0, abi.EINVAL
	}
	if off >= int64(len(f.data)) {
		return 0, 0
	}
	return copy(p, f.data[off:]), 0
}

func (f *snapFile) WriteAt(p []byte, off int64) (int, abi.Errno) {
	if f.flags&abi.O_ACCMODE == abi.O_RDONLY {
		return 0, abi.EBADF
	}
	if f.write == nil {
		return 0, f.werr
	}
	if e := f.write(p); e != 0 {
		return 0, e
	}
	return len(p), 0
}

func (f *snapFile) Close() abi.Errno { return 0 }

// dirFile is an open directory: rootfs lists it through ReadDir, and
// read(2) on it is EISDIR.
type dirFile struct{}

func (dirFile) ReadAt(p []byte, off int64) (int, abi.Errno)  { return 0, abi.EISDIR }
func (dirFile) WriteAt(p []byte, off int64) (int, abi.Errno) { return 0, abi.EBADF }
func (dirFile) Close() abi.Errno                             { return 0 }

// mkdev encodes a Linux dev_t as glibc's makedev does.
func mkdev(major, minor uint32) uint64 {
	ma, mi := uint64(major), uint64(minor)
	return ma&0xfffff000<<32 | ma&0xfff<<8 | mi&0xffffff00<<12 | mi&0xff
}

// devMajor and devMinor decode a Linux dev_t.
func devMajor(dev uint64) uint32 { return uint32(dev>>8&0xfff | dev>>32&^0xfff) }
func devMinor(dev uint64) uint32 { return uint32(dev&0xff | dev>>12&^0xff) }
