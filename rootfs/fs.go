package rootfs

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/carrick-go/carrick/sysemu/abi"
	"golang.org/x/sys/unix"
)

// MetadataMode selects where Linux metadata that the host may not hold
// (ownership, special mode bits, device numbers) lives.
type MetadataMode int

const (
	// MetadataHost keeps metadata in the host file system itself: chown,
	// chmod and mknod are host calls. Right when carrick runs as host root
	// on a Linux file system.
	MetadataHost MetadataMode = iota
	// MetadataXattr records ownership, modes the host file cannot carry,
	// device numbers and node types in user.carrick.* extended attributes
	// of the host file; device and socket nodes are empty regular files
	// standing in for them. Right for a non-root host user and on macOS.
	MetadataXattr
)

func (m MetadataMode) String() string {
	switch m {
	case MetadataHost:
		return "host"
	case MetadataXattr:
		return "xattr"
	}
	return fmt.Sprintf("MetadataMode(%d)", int(m))
}

// Options configure a file view.
type Options struct {
	// Metadata selects where Linux ownership, modes and device nodes live.
	Metadata MetadataMode
	// Mounts are applied in order on top of the root, like config.json's
	// mounts: a later mount at the same guest path hides an earlier one.
	Mounts []Mount
	// ReadOnly makes the root itself read-only (config.json's
	// root.readonly): writes fail with EROFS except through mounts.
	ReadOnly bool
	// AllowCaseInsensitive accepts a root on a case-insensitive host file
	// system (two guest names differing only in case then name one file).
	AllowCaseInsensitive bool
	// Lowers are read-only host directories beneath the root, top first:
	// the root is then the writable upper layer of an overlay (doc.go,
	// "Overlay root"). Empty: the root alone.
	Lowers []string
	// AllowUTF8Only accepts a root whose host file system rejects names that
	// are not valid UTF-8 (APFS); guests then get EILSEQ for such names.
	AllowUTF8Only bool
}

// Mount is one entry of the mount table.
type Mount struct {
	// Guest is the absolute guest path the mount appears at. Symbolic links
	// in it are resolved (confined) when the table is built, as runc does.
	// A missing mount point is created in the file system below it.
	Guest string
	// Host is the host directory or single file bound there (bind mounts).
	Host string
	// ReadOnly makes every write through the mount fail with EROFS.
	ReadOnly bool
	// Synthetic, if set, serves the mount from Go code; Host is unused.
	Synthetic Synthetic
}

// mount is a live entry of the mount table. It never changes after New.
type mount struct {
	guest string // canonical guest path of the mount point; "/" for the root
	host  string // host path (informational: mountinfo, messages)
	ro    bool
	synth Synthetic
	// fd is the host directory of a directory mount (its root) or the host
	// directory holding a single-file mount; -1 for synthetic mounts.
	fd   int
	file string // name of the bound file in fd; "" for directory mounts
	seq  int    // order of mounting (the root is 0), as mountinfo lists it
	ov   *ovDir // the root mount of an overlay root: its layers (lay[0] is fd)
}

// isFile reports whether m binds a single file.
func (m *mount) isFile() bool { return m.file != "" }

// FS is a guest's view of files: a root, a mount table and the metadata
// mode. All methods are safe for concurrent use. Views made by Chroot share
// the mount table with the FS made by New, which owns it.
type FS struct {
	mounts   map[string]*mount // by canonical guest path
	hidden   int               // mounts replaced by a later one at their path
	rootMnt  *mount
	root     Dir    // resolution root (borrowed fd: owned by rootOwner)
	rootPath string // root's global guest path ("/" unless chrooted)
	meta     MetadataMode
	hostUID  uint32
	hostGID  uint32
	cred     *Cred // who the view acts for (perm.go); nil: root
	owner    bool  // true for the FS made by New: Close closes the mounts
	closeFd  int   // fd Close releases for a chroot view; -1 if none
}

// New makes the file view rooted at the host directory root.
func New(root string, opts Options) (*FS, error) {
	if opts.Metadata != MetadataHost && opts.Metadata != MetadataXattr {
		return nil, fmt.Errorf("rootfs: unknown metadata mode %d", opts.Metadata)
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("rootfs: root %q: %w", root, err)
	}
	abs, err = filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("rootfs: root %q: %w", root, err)
	}
	rfd, err := unix.Open(abs, oSearch, 0)
	if err != nil {
		return nil, fmt.Errorf("rootfs: open root %q: %w", abs, err)
	}
	rm := &mount{guest: "/", host: abs, fd: rfd, ro: opts.ReadOnly}
	fs := &FS{
		mounts:   map[string]*mount{"/": rm},
		rootMnt:  rm,
		root:     Dir{mnt: rm, fd: rfd, path: "/"},
		rootPath: "/",
		meta:     opts.Metadata,
		hostUID:  uint32(os.Geteuid()),
		hostGID:  uint32(os.Getegid()),
		owner:    true,
		closeFd:  -1,
	}
	if err := fs.probe(rfd, abs, opts); err != nil {
		fs.Close()
		return nil, err
	}
	if len(opts.Lowers) > 0 {
		err := rm.openLowers(opts.Lowers)
		fs.root.ov = rm.ov
		if err != nil {
			fs.Close()
			return nil, err
		}
	}
	for _, m := range opts.Mounts {
		if err := fs.addMount(m); err != nil {
			fs.Close()
			return nil, err
		}
	}
	return fs, nil
}

// probe checks, in a scratch directory inside the root, that the host file
// system behaves as Linux guests need: case-sensitive names, arbitrary
// bytes in names, and user xattrs when the xattr metadata mode is on. A
// root the host user cannot write to is not probed (nothing will be
// created in it either).
func (fs *FS) probe(rfd int, abs string, opts Options) error {
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	name := ".carrick-probe-" + hex.EncodeToString(rnd[:])
	if err := unix.Mkdirat(rfd, name, 0o700); err != nil {
		if errors.Is(err, unix.EROFS) || errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
			return nil
		}
		return fmt.Errorf("rootfs: probing root %q: %w", abs, err)
	}
	pfd, err := unix.Openat(rfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		unix.Unlinkat(rfd, name, unix.AT_REMOVEDIR)
		return fmt.Errorf("rootfs: probing root %q: %w", abs, err)
	}
	defer func() {
		// Empty the probe directory whatever the probes left, then drop it.
		if ents, err := readDirents(pfd); err == nil {
			for _, e := range ents {
				if e.name != "." && e.name != ".." {
					unix.Unlinkat(pfd, e.name, 0)
				}
			}
		}
		unix.Close(pfd)
		unix.Unlinkat(rfd, name, unix.AT_REMOVEDIR)
	}()
	if testProbeHook != nil {
		testProbeHook(pfd)
	}

	mk := func(n string) error {
		fd, err := unix.Openat(pfd, n, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_CLOEXEC, 0o600)
		if err == nil {
			unix.Close(fd)
		}
		return err
	}
	if err := mk("CaseProbe"); err != nil {
		return fmt.Errorf("rootfs: probing root %q: %w", abs, err)
	}
	var st unix.Stat_t
	if unix.Fstatat(pfd, "caseprobe", &st, unix.AT_SYMLINK_NOFOLLOW) == nil && !opts.AllowCaseInsensitive {
		return fmt.Errorf("rootfs: root %q is on a case-insensitive file system; Linux guests need case-sensitive names "+
			"(on macOS, use a case-sensitive APFS volume), or set AllowCaseInsensitive", abs)
	}
	const bad = "probe-\xff\xfe"
	if err := mk(bad); err != nil {
		if !opts.AllowUTF8Only {
			return fmt.Errorf("rootfs: root %q is on a file system that rejects names that are not UTF-8 (%v); "+
				"Linux guests may use any bytes in names; set AllowUTF8Only to accept this", abs, err)
		}
	}
	if fs.meta == MetadataXattr {
		if err := probeXattrFn(pfd); err != nil {
			return fmt.Errorf("rootfs: root %q: the xattr metadata mode needs user extended attributes, "+
				"which this file system does not support: %w", abs, err)
		}
	}
	return nil
}

// Test hooks: testProbeHook runs in the probe directory before the probes
// (to fake a host file system's quirks); probeXattrFn checks user xattrs.
var (
	testProbeHook func(pfd int)
	probeXattrFn  = probeXattr
)

func probeXattr(fd int) error {
	const n = xattrPrefix + "probe"
	if err := fdSetxattr(fd, n, []byte("1"), 0); err != nil {
		return err
	}
	return fdRemovexattr(fd, n)
}

// addMount resolves m's guest path, creates a missing mount point and
// enters the mount in the table.
func (fs *FS) addMount(m Mount) error {
	if !path.IsAbs(m.Guest) {
		return fmt.Errorf("rootfs: mount %q: guest path must be absolute", m.Guest)
	}
	if strings.IndexByte(m.Guest, 0) >= 0 || len(m.Guest) >= pathMax {
		return fmt.Errorf("rootfs: mount %q: bad guest path", m.Guest)
	}
	clean := path.Clean(m.Guest)
	if clean == "/" {
		return fmt.Errorf("rootfs: mount %q: cannot mount over the root", m.Guest)
	}
	mt := &mount{ro: m.ReadOnly, synth: m.Synthetic, fd: -1, host: m.Host}
	wantDir := true
	if m.Synthetic == nil {
		if m.Host == "" {
			return fmt.Errorf("rootfs: mount %q: no host path and not synthetic", m.Guest)
		}
		hp, err := filepath.Abs(m.Host)
		if err == nil {
			hp, err = filepath.EvalSymlinks(hp)
		}
		if err != nil {
			return fmt.Errorf("rootfs: mount %q: host %q: %w", m.Guest, m.Host, err)
		}
		mt.host = hp
		var st unix.Stat_t
		if err := unix.Stat(hp, &st); err != nil {
			return fmt.Errorf("rootfs: mount %q: host %q: %w", m.Guest, hp, err)
		}
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			fd, err := unix.Open(hp, oSearch, 0)
			if err != nil {
				return fmt.Errorf("rootfs: mount %q: host %q: %w", m.Guest, hp, err)
			}
			mt.fd = fd
		} else {
			wantDir = false
			fd, err := unix.Open(filepath.Dir(hp), oSearch, 0)
			if err != nil {
				return fmt.Errorf("rootfs: mount %q: host %q: %w", m.Guest, hp, err)
			}
			mt.fd, mt.file = fd, filepath.Base(hp)
		}
		if fs.meta == MetadataXattr && !m.ReadOnly && wantDir {
			if err := probeXattrFn(mt.fd); err != nil {
				unix.Close(mt.fd)
				return fmt.Errorf("rootfs: mount %q: host %q: the xattr metadata mode needs user extended attributes, "+
					"which this file system does not support: %w", m.Guest, hp, err)
			}
		}
	}
	canon, err := fs.makeMountpoint(clean, wantDir)
	if err != nil {
		if mt.fd >= 0 {
			unix.Close(mt.fd)
		}
		return fmt.Errorf("rootfs: mount %q: %w", m.Guest, err)
	}
	mt.guest = canon
	mt.seq = len(fs.mounts) + fs.hidden
	if old := fs.mounts[canon]; old != nil && old.fd >= 0 {
		// The new mount hides the old one for good; nothing can reach it.
		unix.Close(old.fd)
		old.fd = -1
	}
	if fs.mounts[canon] != nil {
		fs.hidden++
	}
	fs.mounts[canon] = mt
	return nil
}

// makeMountpoint resolves p (following links, confined, through the mounts
// so far), creates it if missing (a directory, or an empty file for a file
// mount, and missing parents) and returns its canonical guest path.
func (fs *FS) makeMountpoint(p string, wantDir bool) (string, error) {
	w, n, e := fs.resolve(nil, p, lkFollow)
	defer w.release()
	if e == 0 {
		if n.st.IsDir() != wantDir {
			return "", fmt.Errorf("mount point type does not match the mounted %s", map[bool]string{true: "directory", false: "file"}[wantDir])
		}
		return n.path, nil
	}
	if e != abi.ENOENT {
		return "", fmt.Errorf("resolving mount point: %w", errnoError(e))
	}
	if n.dir == nil {
		// A parent is missing: create it first.
		if _, err := fs.makeMountpoint(path.Dir(p), true); err != nil {
			return "", err
		}
		w.release()
		w, n, e = fs.resolve(nil, p, lkFollow)
		if e == 0 {
			return n.path, nil
		}
		if e != abi.ENOENT || n.dir == nil {
			return "", fmt.Errorf("resolving mount point: %w", errnoError(e))
		}
	}
	if n.dir.mnt.synth != nil {
		// Synthetic parents list their own mount points.
		return n.path, nil
	}
	// Created on the host even below a read-only mount: the table is the
	// administrator's, as with runc.
	if n.dir.ov != nil {
		if e := w.ovCreate(&n); e != 0 {
			return "", fmt.Errorf("creating mount point: %w", errnoError(e))
		}
	}
	if wantDir {
		err := unix.Mkdirat(n.dir.fd, n.name, 0o755)
		if err != nil && err != unix.EEXIST {
			return "", fmt.Errorf("creating mount point: %w", err)
		}
	} else {
		fd, err := unix.Openat(n.dir.fd, n.name, unix.O_CREAT|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
		if err != nil {
			return "", fmt.Errorf("creating mount point: %w", err)
		}
		unix.Close(fd)
	}
	return n.path, nil
}

// Close releases the view's host descriptors. For the FS made by New that
// includes the mount table, which its Chroot views share: close them first.
func (fs *FS) Close() error {
	if fs.closeFd >= 0 {
		if fs.root.fd == fs.closeFd {
			fs.root.ov.closeLower()
		}
		unix.Close(fs.closeFd)
		fs.closeFd = -1
	}
	if !fs.owner {
		return nil
	}
	for _, m := range fs.mounts {
		if m.fd >= 0 {
			m.ov.closeLower()
			unix.Close(m.fd)
			m.fd = -1
		}
	}
	return nil
}

// Metadata returns the view's metadata mode.
func (fs *FS) Metadata() MetadataMode { return fs.meta }

// Root returns the directory handle of the view's root. It belongs to the
// FS: do not Close it.
func (fs *FS) Root() *Dir { return &fs.root }

// Chroot returns a view of the same files whose root is d (chroot(2)).
// Paths and getcwd in the view are relative to d. Close the view when done.
func (fs *FS) Chroot(d *Dir) (*FS, abi.Errno) {
	nd, e := d.dup()
	if e != 0 {
		return nil, e
	}
	v := *fs
	v.root = *nd
	v.root.owned = false
	v.rootPath = nd.path
	v.owner = false
	v.closeFd = nd.fd
	return &v, 0
}

// Mounts lists the mount table (for /proc/self/mounts and mountinfo) in
// the order the mounts were made, as Linux lists them: root first.
func (fs *FS) Mounts() []MountInfo {
	out := []MountInfo{}
	for _, m := range fs.mounts {
		if m.fd < 0 && m.synth == nil {
			continue // hidden by a later mount
		}
		out = append(out, MountInfo{Guest: m.guest, Host: m.host, ReadOnly: m.ro, Synthetic: m.synth != nil, seq: m.seq})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

// MountInfo describes one entry of the mount table.
type MountInfo struct {
	Guest     string
	Host      string
	ReadOnly  bool
	Synthetic bool
	seq       int
}

// errnoError wraps a Linux errno for Go error messages.
type errnoError abi.Errno

func (e errnoError) Error() string { return fmt.Sprintf("Linux errno %d", abi.Errno(e)) }
