package container

import (
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/carrick-go/carrick/rootfs"
)

// Change is one line of docker diff: Kind is 'A' (added), 'C' (changed)
// or 'D' (deleted), Path the container's path.
type Change struct {
	Kind byte
	Path string
}

// Diff lists what the container changed in its image's files, from its
// own directory (the overlay's upper layer): a whiteout is a deletion, a
// name the image's layers have is a change (its directories too, when
// something beneath changed), any other an addition; a mount point made
// for a volume is none. Sorted by path.
func (s *Store) Diff(r *Record) ([]Change, error) {
	var lower *rootfs.FS
	if len(r.Lowers) > 0 {
		// The merged image: its top layer as the (read-only) root.
		fs, err := rootfs.New(r.Lowers[0], rootfs.Options{Lowers: r.Lowers[1:], ReadOnly: true, Metadata: s.Metadata.RootfsMode()})
		if err != nil {
			return nil, err
		}
		defer fs.Close()
		lower = fs
	}
	inImage := func(p string) bool {
		if lower == nil {
			return false
		}
		_, e := lower.Lstat(lower.Root(), p)
		return e == 0
	}
	// Mount points the runtime made are not the container's changes
	// (docker makes them in a layer of its own).
	mountPoint := map[string]bool{}
	for _, m := range r.Mounts {
		mountPoint[path.Clean(m.Destination)] = true
	}
	var out []Change
	var walk func(host, guest string) error
	walk = func(host, guest string) error {
		ents, err := os.ReadDir(host)
		if err != nil {
			return err
		}
		for _, e := range ents {
			name, p := e.Name(), path.Join(guest, e.Name())
			switch {
			case strings.HasPrefix(name, ".wh..wh."):
				continue // the opaque marker, or a copy-up in progress
			case strings.HasPrefix(name, ".wh."):
				out = append(out, Change{'D', path.Join(guest, strings.TrimPrefix(name, ".wh."))})
				continue
			}
			if mountPoint[p] && !inImage(p) {
				continue
			}
			kind := byte('A')
			if inImage(p) {
				kind = 'C'
			}
			out = append(out, Change{kind, p})
			if e.IsDir() {
				if err := walk(filepath.Join(host, name), p); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(r.Rootfs, "/"); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}
