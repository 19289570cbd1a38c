package sysemu

import (
	"crypto/rand"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// The hub of a host process delivers the events of its guest operations
// to the inotify instances of the container. Its own instances get them
// directly. The others are instances of other guest processes, that is of
// other carrick host processes, which publish what they watch in the
// registry directory (registry.go), under inotify/:
//
//   - gen: one shared 64-bit word every process maps; a watcher increments
//     it after each change of what it watches, so everyone else knows, with
//     one atomic load per operation, whether to read the lists again;
//   - <endpoint>.w: a watcher's list, one "dev ino events" line per file;
//   - <endpoint>.sock: where the watcher takes events (inotify_remote.go).
//
// An operation on a watched file sends its records to the watchers of that
// file and waits for their acknowledgement, so the events are queued there
// before the syscall returns to the guest.

// inoHub is the event hub of this host process; tests make their own.
var inoLocal = newInoHub()

type inoHub struct {
	mu sync.Mutex
	// instances is this process's inotify instances; guarded by mu.
	instances map[*inotifyFile]struct{}
	// pubMu orders publications, so the last one written is the newest.
	pubMu sync.Mutex

	// local is the union of the instances' watches (file → events), an
	// immutable map replaced on every change: the hot path reads it
	// without a lock.
	local atomic.Pointer[map[fileID]uint32]
	// view is the global view of the first process that used the hub,
	// where an open file's path says which directory holds it.
	view atomic.Pointer[rootfs.FS]
	// link is the hub's part in the registry directory (nil: none yet).
	link     atomic.Pointer[inoLink]
	attachMu sync.Mutex
	tried    atomic.Bool // attach was tried (it is not tried again)
	// open describes the open files events were reported for
	// (*rootfs.File → *inoFile), until they close.
	open   sync.Map
	cookie atomic.Uint32

	deferMu sync.Mutex
	// unlinked counts the open files of this process of each file
	// unlinked while open (its IN_DELETE_SELF waits for the last close);
	// guarded by deferMu.
	unlinked map[fileID]int
}

func newInoHub() *inoHub {
	h := &inoHub{instances: map[*inotifyFile]struct{}{}, unlinked: map[fileID]int{}}
	var b [4]byte
	rand.Read(b[:])
	// Cookies only pair events, but those of different processes must not
	// collide: each starts at a random point.
	h.cookie.Store(binary.LittleEndian.Uint32(b[:]))
	return h
}

func (h *inoHub) nextCookie() uint32 {
	for {
		if c := h.cookie.Add(1); c != 0 {
			return c
		}
	}
}

// inoHubAttached returns the hub, attached to the process's registry.
func (t *Task) inoHubAttached() *inoHub {
	h := inoLocal
	if h.view.Load() == nil {
		h.view.CompareAndSwap(nil, t.p.fs.view)
	}
	if !h.tried.Load() {
		if dir := t.p.registryPath(); dir != "" {
			h.attach(dir)
		}
	}
	return h
}

// add and remove keep the list of the process's instances.
func (h *inoHub) add(f *inotifyFile) {
	h.mu.Lock()
	h.instances[f] = struct{}{}
	h.mu.Unlock()
}

func (h *inoHub) remove(f *inotifyFile) {
	h.mu.Lock()
	delete(h.instances, f)
	h.mu.Unlock()
	h.publish()
}

// active reports whether any instance of the container watches anything.
func (h *inoHub) active() bool {
	if m := h.local.Load(); m != nil && len(*m) > 0 {
		return true
	}
	if l := h.link.Load(); l != nil {
		return len(l.peers().byID) > 0
	}
	return false
}

// wants reports whether a watch of id, here or elsewhere, wants one of the
// events in mask. Every watch wants to know of IN_DELETE_SELF: it ends
// with it (IN_IGNORED, which every published mask holds).
func (h *inoHub) wants(id fileID, mask uint32) bool {
	if id == (fileID{}) {
		return false
	}
	ev := mask & abi.IN_ALL_EVENTS
	if ev&abi.IN_DELETE_SELF != 0 {
		ev |= abi.IN_IGNORED
	}
	if m := h.local.Load(); m != nil && (*m)[id]&ev != 0 {
		return true
	}
	if l := h.link.Load(); l != nil {
		for _, p := range l.peers().byID[id] {
			if p.mask&ev != 0 {
				return true
			}
		}
	}
	return false
}

// dispatch delivers one operation's records to every instance.
func (h *inoHub) dispatch(recs []inoRecord) {
	h.deliver(recs)
	if l := h.link.Load(); l != nil {
		l.send(recs)
	}
}

// deliver gives records to this process's instances.
func (h *inoHub) deliver(recs []inoRecord) {
	h.mu.Lock()
	fs := make([]*inotifyFile, 0, len(h.instances))
	for f := range h.instances {
		fs = append(fs, f)
	}
	h.mu.Unlock()
	changed := false
	for _, f := range fs {
		if _, dropped := f.deliver(recs); dropped {
			changed = true
		}
	}
	if changed {
		h.publish()
	}
}

// publish records what the process's instances watch: for its own
// operations, and for the other processes.
func (h *inoHub) publish() {
	h.pubMu.Lock()
	defer h.pubMu.Unlock()
	h.mu.Lock()
	set := map[fileID]uint32{}
	for f := range h.instances {
		f.watched(set)
	}
	h.mu.Unlock()
	h.local.Store(&set)
	if l := h.link.Load(); l != nil {
		l.publish(h, set)
	}
}

// inoLink is a hub's part in the registry directory.
type inoLink struct {
	dir string // <registry>/inotify
	ep  string // this hub's endpoint: "<host pid>.<n>"
	gen *atomic.Uint64

	remote atomic.Pointer[inoPeers]
	reload sync.Mutex

	lmu sync.Mutex
	// srv takes the events of other processes while this one watches;
	// guarded by lmu.
	srv *inoServer

	cmu sync.Mutex
	// conns are the connections to other processes' endpoints; guarded by
	// cmu.
	conns map[string]*inoConn
}

// inoPeers is what the other processes watch, as read at generation gen.
type inoPeers struct {
	gen  uint64
	byID map[fileID][]inoPeer
}

type inoPeer struct {
	ep   string
	mask uint32
}

var inoEndpoints atomic.Int64

// attach joins the registry directory reg: maps its generation word,
// making it first if needed.
func (h *inoHub) attach(reg string) {
	if h.attachLocked(reg) {
		h.publish() // watches made before the registry was known
	}
}

func (h *inoHub) attachLocked(reg string) (watching bool) {
	h.attachMu.Lock()
	defer h.attachMu.Unlock()
	if h.tried.Swap(true) {
		return false
	}
	dir := filepath.Join(reg, "inotify")
	if err := os.Mkdir(dir, 0o700); err != nil && !os.IsExist(err) {
		return false
	}
	gen, err := mapGen(filepath.Join(dir, "gen"))
	if err != nil {
		return false
	}
	l := &inoLink{dir: dir, ep: strconv.Itoa(os.Getpid()) + "." + strconv.FormatInt(inoEndpoints.Add(1), 10),
		gen: gen, conns: map[string]*inoConn{}}
	l.remote.Store(&inoPeers{gen: ^uint64(0)}) // read at first use
	h.link.Store(l)
	m := h.local.Load()
	return m != nil && len(*m) > 0
}

// mapGen maps the shared generation word of file p.
func mapGen(p string) (*atomic.Uint64, error) {
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const size = 4096
	if st, err := f.Stat(); err != nil {
		return nil, err
	} else if st.Size() < size {
		// Growing it to the same size again, by a process racing this
		// one, keeps what is there.
		if err := f.Truncate(size); err != nil {
			return nil, err
		}
	}
	mem, err := unix.Mmap(int(f.Fd()), 0, size, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	// The mapping stays for the life of the process: the word is the
	// same physical memory in every process, and 8-byte aligned.
	return (*atomic.Uint64)(unsafe.Pointer(&mem[0])), nil
}

// peers returns what the other processes watch, reading their lists again
// when the generation moved.
func (l *inoLink) peers() *inoPeers {
	g := l.gen.Load()
	if r := l.remote.Load(); r.gen == g {
		return r
	}
	l.reload.Lock()
	defer l.reload.Unlock()
	g = l.gen.Load() // before the lists: a later change moves it again
	if r := l.remote.Load(); r.gen == g {
		return r
	}
	r := &inoPeers{gen: g, byID: map[fileID][]inoPeer{}}
	ents, _ := os.ReadDir(l.dir)
	for _, ent := range ents {
		name := ent.Name()
		ep, ok := strings.CutSuffix(name, ".w")
		if !ok || strings.HasPrefix(name, ".") || ep == l.ep {
			continue
		}
		b, err := os.ReadFile(filepath.Join(l.dir, name))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) != 3 {
				continue
			}
			dev, err1 := strconv.ParseUint(f[0], 10, 64)
			ino, err2 := strconv.ParseUint(f[1], 10, 64)
			mask, err3 := strconv.ParseUint(f[2], 10, 32)
			if err1 == nil && err2 == nil && err3 == nil {
				id := fileID{dev, ino}
				r.byID[id] = append(r.byID[id], inoPeer{ep: ep, mask: uint32(mask)})
			}
		}
	}
	l.remote.Store(r)
	return r
}

// publish writes the hub's list (none when it watches nothing), serving
// its endpoint first so that whoever reads the list can reach it, then
// moves the generation.
func (l *inoLink) publish(h *inoHub, set map[fileID]uint32) {
	list := filepath.Join(l.dir, l.ep+".w")
	if len(set) == 0 {
		os.Remove(list)
		l.gen.Add(1)
		l.lmu.Lock()
		if l.srv != nil {
			l.srv.close()
			l.srv = nil
		}
		l.lmu.Unlock()
		return
	}
	l.lmu.Lock()
	if l.srv == nil {
		l.srv = serveInotify(h, filepath.Join(l.dir, l.ep+".sock"))
	}
	ok := l.srv != nil
	l.lmu.Unlock()
	if !ok {
		return // the others cannot reach this process: events stay local
	}
	var sb strings.Builder
	for id, mask := range set {
		sb.WriteString(strconv.FormatUint(id.Dev, 10) + " " + strconv.FormatUint(id.Ino, 10) + " " +
			strconv.FormatUint(uint64(mask), 10) + "\n")
	}
	tmp := filepath.Join(l.dir, "."+l.ep+".w.tmp")
	if os.WriteFile(tmp, []byte(sb.String()), 0o600) == nil && os.Rename(tmp, list) == nil {
		l.gen.Add(1)
	}
}

// forget drops the list of endpoint ep, whose process is gone.
func (l *inoLink) forget(ep string) {
	if os.Remove(filepath.Join(l.dir, ep+".w")) == nil {
		os.Remove(filepath.Join(l.dir, ep+".sock"))
		l.gen.Add(1)
	}
}
