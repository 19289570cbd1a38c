package rootfs

import (
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// memSynth is a test Synthetic provider: a fixed tree of directories,
// files (with content) and links, like a tiny /proc.
type memSynth struct {
	mu    sync.Mutex
	nodes map[string]*memNode // by clean absolute path; "/" is the root
	opens int
}

type memNode struct {
	st      Stat
	content string
	target  string
}

// newMemSynth builds a provider from a tree description (same syntax as
// mkTree).
func newMemSynth(tr tree) *memSynth {
	s := &memSynth{nodes: map[string]*memNode{}}
	ino := uint64(1000)
	add := func(p string, n *memNode) {
		ino++
		n.st.Ino = ino
		n.st.Dev = 0x55
		n.st.Nlink = 1
		s.nodes[p] = n
	}
	add("/", &memNode{st: Stat{Mode: sIFDIR | 0o555}})
	for p, v := range tr {
		isDir := strings.HasSuffix(p, "/")
		p = path.Clean("/" + p)
		// Parents.
		for d := path.Dir(p); d != "/"; d = path.Dir(d) {
			if s.nodes[d] == nil {
				add(d, &memNode{st: Stat{Mode: sIFDIR | 0o555}})
			}
		}
		switch {
		case isDir:
			if s.nodes[p] == nil {
				add(p, &memNode{st: Stat{Mode: sIFDIR | 0o555}})
			}
		case strings.HasPrefix(v, "->"):
			add(p, &memNode{st: Stat{Mode: sIFLNK | 0o777, Size: int64(len(v) - 2)}, target: v[2:]})
		default:
			add(p, &memNode{st: Stat{Mode: sIFREG | 0o444, Size: int64(len(v))}, content: v})
		}
	}
	return s
}

func (s *memSynth) get(p string) (*memNode, abi.Errno) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.nodes[p]
	if n == nil {
		return nil, abi.ENOENT
	}
	return n, 0
}

func (s *memSynth) Stat(p string) (Stat, abi.Errno) {
	n, e := s.get(p)
	if e != 0 {
		return Stat{}, e
	}
	return n.st, 0
}

func (s *memSynth) Readlink(p string) (string, abi.Errno) {
	n, e := s.get(p)
	if e != 0 {
		return "", e
	}
	if n.st.Mode&sIFMT != sIFLNK {
		return "", abi.EINVAL
	}
	return n.target, 0
}

func (s *memSynth) ReadDir(p string) ([]DirEntry, abi.Errno) {
	n, e := s.get(p)
	if e != 0 {
		return nil, e
	}
	if !n.st.IsDir() {
		return nil, abi.ENOTDIR
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []DirEntry
	for q, c := range s.nodes {
		if q != "/" && path.Dir(q) == p {
			out = append(out, DirEntry{Name: path.Base(q), Ino: c.st.Ino, Type: dtypeOf(c.st.Mode)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, 0
}

func (s *memSynth) Open(p string, flags int) (SyntheticFile, abi.Errno) {
	n, e := s.get(p)
	if e != 0 {
		return nil, e
	}
	if flags&abi.O_ACCMODE != abi.O_RDONLY {
		return nil, abi.EACCES
	}
	s.mu.Lock()
	s.opens++
	s.mu.Unlock()
	return &memFile{content: n.content}, 0
}

func (s *memSynth) Statfs() Statfs {
	return Statfs{Type: 0x9fa0, Bsize: 4096, Namelen: 255, Frsize: 4096} // PROC_SUPER_MAGIC
}

type memFile struct{ content string }

func (f *memFile) ReadAt(p []byte, off int64) (int, abi.Errno) {
	if off >= int64(len(f.content)) {
		return 0, 0
	}
	return copy(p, f.content[off:]), 0
}

func (f *memFile) WriteAt(p []byte, off int64) (int, abi.Errno) { return 0, abi.EACCES }

func (f *memFile) Close() abi.Errno { return 0 }
