package sysemu

import (
	"path"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// The syscall layer reports each file operation here, once, after it
// succeeded (the hooks in sys_file.go, sys_path.go, sys_io.go, …): the
// events it means for inotify, in the order Linux's fsnotify makes them.
// Nothing is looked up while no watch exists anywhere in the container
// (inoHub.active: two atomic loads).

// inoRecord is what one operation did to one file; the hub delivers it to
// every instance, in this process and in the others.
type inoRecord struct {
	Kind   uint8
	ID     fileID // the file (recInode, recGone) or the directory (recDir)
	Parent fileID // recInode: the directory the file was reached through
	Mask   uint32 // IN_* event bits, with IN_ISDIR for a directory
	Cookie uint32 // recDir: the cookie pairing IN_MOVED_FROM and IN_MOVED_TO
	Name   string // the entry's name in Parent (recInode) or ID (recDir)
}

const (
	recInode = iota + 1 // an event on file ID, and on Parent for its entry Name
	recDir              // an event on directory ID about its entry Name
	recGone             // file ID lost its last link: IN_DELETE_SELF, IN_IGNORED
)

// inoFile is what events about a file need to know of it.
type inoFile struct {
	id, parent fileID // parent zero: not known
	name       string // its name in parent
	dir        bool
	regular    bool
	nlink      uint32
	write      bool // open for writing: its close is IN_CLOSE_WRITE
}

func (o *inoFile) isdir() uint32 {
	if o.dir {
		return abi.IN_ISDIR
	}
	return 0
}

func idOf(st *rootfs.Stat) fileID { return fileID{st.Dev, st.Ino} }

// inoActive returns the hub when a watch exists anywhere in the
// container, else nil.
func (t *Task) inoActive() *inoHub {
	h := t.inoHubAttached()
	if !h.active() {
		return nil
	}
	return h
}

// openFile describes an open file: its identity, and its directory and
// name from the path it was opened by (computed once, while watches exist).
func (h *inoHub) openFile(view *rootfs.FS, rf *rootfs.File) *inoFile {
	if v, ok := h.open.Load(rf); ok {
		return v.(*inoFile)
	}
	st, e := rf.Stat()
	if e != 0 {
		return nil
	}
	o := &inoFile{id: idOf(&st), dir: st.IsDir(), regular: st.Mode&abi.S_IFMT == abi.S_IFREG, nlink: st.Nlink,
		write: rf.Flags()&abi.O_ACCMODE != abi.O_RDONLY}
	if gp := rf.GlobalPath(); view != nil && path.IsAbs(gp) && gp != "/" {
		if pst, e := view.StatAt(view.Root(), path.Dir(gp), true); e == 0 {
			o.parent, o.name = idOf(&pst), path.Base(gp)
		}
	}
	h.open.Store(rf, o)
	return o
}

// fileEvent reports an event on a described file to the watches of the
// file and of its directory.
func (h *inoHub) fileEvent(o *inoFile, mask uint32) {
	mask |= o.isdir()
	if !h.wants(o.id, mask) && !h.wants(o.parent, mask) {
		return
	}
	h.dispatch([]inoRecord{{Kind: recInode, ID: o.id, Parent: o.parent, Name: o.name, Mask: mask}})
}

// openNotify opens p as open(2) does, reporting IN_CREATE for a file it
// made, IN_OPEN, and IN_MODIFY for the truncation of an existing file
// (Linux 6.10 and later report the open first).
func (t *Task) openNotify(at *rootfs.Dir, p string, flags int, mode uint32) (*rootfs.File, abi.Errno) {
	view := t.p.fs.root()
	h := t.inoActive()
	if h == nil || flags&abi.O_PATH != 0 {
		return view.Open(at, p, flags, mode)
	}
	existed := true
	if flags&abi.O_CREAT != 0 {
		_, e := view.StatAt(at, p, flags&(abi.O_NOFOLLOW|abi.O_EXCL) == 0)
		existed = e != abi.ENOENT
	}
	rf, e := view.Open(at, p, flags, mode)
	if e != 0 {
		return rf, e
	}
	o := h.openFile(t.p.fs.view, rf)
	if o == nil {
		return rf, 0
	}
	var recs []inoRecord
	if !existed && o.parent != (fileID{}) {
		recs = append(recs, inoRecord{Kind: recDir, ID: o.parent, Mask: abi.IN_CREATE, Name: o.name})
	}
	recs = append(recs, inoRecord{Kind: recInode, ID: o.id, Parent: o.parent, Name: o.name, Mask: abi.IN_OPEN | o.isdir()})
	if existed && flags&abi.O_TRUNC != 0 && o.regular {
		recs = append(recs, inoRecord{Kind: recInode, ID: o.id, Parent: o.parent, Name: o.name, Mask: abi.IN_MODIFY})
	}
	h.dispatch(recs)
	return rf, 0
}

// notifyFile reports an event on an open file: IN_ACCESS for data read,
// IN_MODIFY for data written, IN_ATTRIB for its attributes changed.
func (t *Task) notifyFile(rf *rootfs.File, mask uint32) {
	if mask == 0 || rf.Flags()&abi.O_PATH != 0 {
		return
	}
	h := t.inoActive()
	if h == nil {
		return
	}
	if o := h.openFile(t.p.fs.view, rf); o != nil {
		h.fileEvent(o, mask)
	}
}

// notifyIO reports n bytes read from or written to f (IN_ACCESS,
// IN_MODIFY).
func (t *Task) notifyIO(f File, n int, write bool) {
	of, ok := f.(*osFile)
	if !ok || n <= 0 || t == nil {
		return
	}
	mask := uint32(abi.IN_ACCESS)
	if write {
		mask = abi.IN_MODIFY
	}
	t.notifyFile(of.rf, mask)
}

// fileChanged is the result of an operation on an open file that made
// event mask when it succeeded (e == 0).
func (t *Task) fileChanged(rf *rootfs.File, mask uint32, e abi.Errno) uint64 {
	if e != 0 {
		return errno(e)
	}
	t.notifyFile(rf, mask)
	return 0
}

// inoClosed reports the close of an open file's last fd (IN_CLOSE_WRITE
// or IN_CLOSE_NOWRITE) and forgets the file.
func inoClosed(rf *rootfs.File) {
	h := inoLocal
	v, known := h.open.LoadAndDelete(rf)
	if rf.Flags()&abi.O_PATH != 0 || !h.active() {
		return
	}
	var o *inoFile
	if known {
		o = v.(*inoFile)
	} else if o = h.openFile(h.view.Load(), rf); o == nil {
		return
	} else {
		h.open.Delete(rf)
	}
	mask := uint32(abi.IN_CLOSE_NOWRITE)
	if o.write {
		mask = abi.IN_CLOSE_WRITE
	}
	h.fileEvent(o, mask)
	if h.closedUnlinked(o.id) {
		h.dispatch([]inoRecord{{Kind: recGone, ID: o.id}})
	}
}

// inoGone adds the IN_DELETE_SELF and IN_IGNORED of a file whose last link
// went, unless this process still has it open: then, as on Linux, they
// come when its last open file closes. (Opens in other processes are not
// known here: there they come at once.)
func (t *Task) inoGone(h *inoHub, recs []inoRecord, id fileID, dir bool) []inoRecord {
	if !h.wants(id, abi.IN_DELETE_SELF) {
		return recs
	}
	n := 0
	if !dir {
		for _, of := range openOSFiles(t.p.files) {
			if of.rf.Fd() >= 0 && of.rf.Flags()&abi.O_PATH == 0 {
				if st, e := of.rf.Stat(); e == 0 && idOf(&st) == id {
					n++
				}
			}
		}
	}
	if n == 0 {
		return append(recs, inoRecord{Kind: recGone, ID: id})
	}
	h.deferMu.Lock()
	h.unlinked[id] = n
	h.deferMu.Unlock()
	return recs
}

// closedUnlinked counts the close of an open file of id and reports
// whether it was the last of an unlinked file.
func (h *inoHub) closedUnlinked(id fileID) bool {
	h.deferMu.Lock()
	defer h.deferMu.Unlock()
	n, ok := h.unlinked[id]
	if !ok {
		return false
	}
	if n > 1 {
		h.unlinked[id] = n - 1
		return false
	}
	delete(h.unlinked, id)
	return true
}

// entryDir returns the directory holding p's last component, and the
// component.
func (t *Task) entryDir(at *rootfs.Dir, p string) (fileID, string, bool) {
	for len(p) > 1 && p[len(p)-1] == '/' {
		p = p[:len(p)-1]
	}
	dir, name := path.Split(p)
	if name == "" || name == "." || name == ".." {
		return fileID{}, "", false
	}
	if dir == "" {
		dir = "."
	}
	st, e := t.p.fs.root().StatAt(at, dir, true)
	if e != 0 || !st.IsDir() {
		return fileID{}, "", false
	}
	return idOf(&st), name, true
}

// pathFile describes the file p names (following a last symbolic link if
// follow), with the directory it is in.
func (t *Task) pathFile(h *inoHub, at *rootfs.Dir, p string, follow bool) *inoFile {
	view := t.p.fs.root()
	st, e := view.StatAt(at, p, false)
	if e != 0 {
		return nil
	}
	if follow && st.IsSymlink() {
		// Its directory is the target's: the path it resolves to says.
		rf, e := view.Open(at, p, abi.O_PATH, 0)
		if e != 0 {
			return nil
		}
		o := h.openFile(t.p.fs.view, rf)
		h.open.Delete(rf)
		rf.Close()
		return o
	}
	o := &inoFile{id: idOf(&st), dir: st.IsDir(), regular: st.Mode&abi.S_IFMT == abi.S_IFREG, nlink: st.Nlink}
	if d, name, ok := t.entryDir(at, p); ok {
		o.parent, o.name = d, name
	}
	return o
}

// pathChanged is the result of an operation on the file p names that made
// event mask when it succeeded (e == 0): chmod, chown, utimes, truncate,
// setxattr, removexattr.
func (t *Task) pathChanged(at *rootfs.Dir, p string, follow bool, mask uint32, e abi.Errno) uint64 {
	if e != 0 {
		return errno(e)
	}
	if mask == 0 {
		return 0
	}
	if h := t.inoActive(); h != nil {
		if o := t.pathFile(h, at, p, follow); o != nil {
			h.fileEvent(o, mask)
		}
	}
	return 0
}

// utimesMask is the event utimensat makes with times ts: IN_ATTRIB when
// both change, IN_ACCESS or IN_MODIFY for one, none for neither.
func utimesMask(ts *[2]rootfs.Timespec) uint32 {
	if ts == nil {
		return abi.IN_ATTRIB
	}
	a, m := ts[0].Nsec != abi.UTIME_OMIT, ts[1].Nsec != abi.UTIME_OMIT
	switch {
	case a && m:
		return abi.IN_ATTRIB
	case a:
		return abi.IN_ACCESS
	case m:
		return abi.IN_MODIFY
	}
	return 0
}

// chownMask is the event chown makes: none when it changes neither id.
func chownMask(uid, gid int) uint32 {
	if uid == -1 && gid == -1 {
		return 0
	}
	return abi.IN_ATTRIB
}

// created is the result of an operation that made p (mkdir, mknod,
// symlink): IN_CREATE in its directory.
func (t *Task) created(at *rootfs.Dir, p string, dir bool, e abi.Errno) uint64 {
	if e != 0 {
		return errno(e)
	}
	h := t.inoActive()
	if h == nil {
		return 0
	}
	if d, name, ok := t.entryDir(at, p); ok && h.wants(d, abi.IN_CREATE) {
		mask := uint32(abi.IN_CREATE)
		if dir {
			mask |= abi.IN_ISDIR
		}
		h.dispatch([]inoRecord{{Kind: recDir, ID: d, Mask: mask, Name: name}})
	}
	return 0
}

// linked is the result of link(2) to newP: IN_ATTRIB on the file (its
// link count), IN_CREATE in the new directory.
func (t *Task) linked(newAt *rootfs.Dir, newP string, e abi.Errno) uint64 {
	if e != 0 {
		return errno(e)
	}
	h := t.inoActive()
	if h == nil {
		return 0
	}
	st, e := t.p.fs.root().StatAt(newAt, newP, false)
	d, name, ok := t.entryDir(newAt, newP)
	if e != 0 || !ok {
		return 0
	}
	isdir := (&inoFile{dir: st.IsDir()}).isdir()
	h.dispatch([]inoRecord{
		{Kind: recInode, ID: idOf(&st), Mask: abi.IN_ATTRIB | isdir},
		{Kind: recDir, ID: d, Mask: abi.IN_CREATE | isdir, Name: name},
	})
	return 0
}

// removeNotify runs op, the unlink or rmdir of p, and reports it: the
// file's IN_ATTRIB (unlink: its link count), its IN_DELETE_SELF and
// IN_IGNORED when no link is left, then IN_DELETE in its directory.
func (t *Task) removeNotify(at *rootfs.Dir, p string, dir bool, op func() abi.Errno) uint64 {
	h := t.inoActive()
	if h == nil {
		return errnoOr0(op())
	}
	d, name, ok := t.entryDir(at, p)
	st, se := t.p.fs.root().StatAt(at, p, false)
	if e := op(); e != 0 || !ok || se != 0 {
		return errnoOr0(e)
	}
	isdir := (&inoFile{dir: st.IsDir()}).isdir()
	var recs []inoRecord
	if !dir {
		recs = append(recs, inoRecord{Kind: recInode, ID: idOf(&st), Mask: abi.IN_ATTRIB | isdir})
	}
	if dir || st.Nlink <= 1 {
		recs = t.inoGone(h, recs, idOf(&st), dir)
	}
	recs = append(recs, inoRecord{Kind: recDir, ID: d, Mask: abi.IN_DELETE | isdir, Name: name})
	h.dispatch(recs)
	return 0
}

// renameNotify runs op, the rename of oldP to newP, and reports it as
// Linux's fsnotify_move: IN_MOVED_FROM and IN_MOVED_TO with one cookie,
// IN_ATTRIB on a file it replaced, IN_MOVE_SELF on the file moved (and
// for RENAME_EXCHANGE the same the other way), then the replaced file's
// IN_DELETE_SELF and IN_IGNORED if that was its last link.
func (t *Task) renameNotify(oldAt *rootfs.Dir, oldP string, newAt *rootfs.Dir, newP string, flags uint, op func() abi.Errno) uint64 {
	h := t.inoActive()
	if h == nil {
		return errnoOr0(op())
	}
	view := t.p.fs.root()
	od, oname, ok1 := t.entryDir(oldAt, oldP)
	nd, nname, ok2 := t.entryDir(newAt, newP)
	src, se := view.StatAt(oldAt, oldP, false)
	dst, de := view.StatAt(newAt, newP, false)
	if e := op(); e != 0 || !ok1 || !ok2 || se != 0 {
		return errnoOr0(e)
	}
	replaced := de == 0
	if replaced && idOf(&src) == idOf(&dst) {
		return 0 // two links of one file: Linux does nothing
	}
	sdir := (&inoFile{dir: src.IsDir()}).isdir()
	cookie := h.nextCookie()
	recs := []inoRecord{
		{Kind: recDir, ID: od, Mask: abi.IN_MOVED_FROM | sdir, Cookie: cookie, Name: oname},
		{Kind: recDir, ID: nd, Mask: abi.IN_MOVED_TO | sdir, Cookie: cookie, Name: nname},
	}
	exchange := flags&abi.RENAME_EXCHANGE != 0
	ddir := (&inoFile{dir: dst.IsDir()}).isdir()
	if replaced && !exchange {
		recs = append(recs, inoRecord{Kind: recInode, ID: idOf(&dst), Mask: abi.IN_ATTRIB | ddir})
	}
	recs = append(recs, inoRecord{Kind: recInode, ID: idOf(&src), Mask: abi.IN_MOVE_SELF | sdir})
	if replaced && exchange {
		c2 := h.nextCookie()
		recs = append(recs,
			inoRecord{Kind: recDir, ID: nd, Mask: abi.IN_MOVED_FROM | ddir, Cookie: c2, Name: nname},
			inoRecord{Kind: recDir, ID: od, Mask: abi.IN_MOVED_TO | ddir, Cookie: c2, Name: oname},
			inoRecord{Kind: recInode, ID: idOf(&dst), Mask: abi.IN_MOVE_SELF | ddir})
	}
	if replaced && !exchange && (dst.IsDir() || dst.Nlink <= 1) {
		recs = t.inoGone(h, recs, idOf(&dst), dst.IsDir())
	}
	h.dispatch(recs)
	return 0
}

// openOSFiles lists the table's open files of the view, each once.
func openOSFiles(ft *FDTable) []*osFile {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	seen := map[*osFile]bool{}
	var out []*osFile
	for _, e := range ft.fds {
		if of, ok := e.file.(*osFile); ok && !seen[of] {
			seen[of] = true
			out = append(out, of)
		}
	}
	return out
}
