// Package image is carrick's local OCI image store: content-addressed
// blobs, an index of references, pulls from registries through
// go-containerregistry and loads of `docker save` and OCI layout archives.
//
// Layout under the root ($CARRICK_HOME):
//
//	blobs/sha256/<hex>  manifests, configs and layers (compressed, as pulled)
//	refs.json           reference → manifest digest and platform
//	refs.lock           flock guarding refs.json's read-modify-write
//	gc.lock             shared while a pull or load writes, exclusive in Prune
//	tmp/                blobs being written, renamed into blobs/ when verified
//
// A reference is recorded only after every blob it reaches is in place,
// so a failed pull leaves at most unreferenced blobs, which Prune removes.
package image

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"golang.org/x/sys/unix"
)

// ErrNotFound is returned (wrapped) when a reference names no image in the store.
var ErrNotFound = errors.New("no such image")

// Store is an image store rooted at a directory. Its methods are safe for
// concurrent use, also by several processes sharing the root.
type Store struct {
	root string

	// mu serializes this process's index updates; refs.lock does it
	// across processes (flock locks are per open file, so both hold).
	mu sync.Mutex
}

// Record is what the index holds for one reference.
type Record struct {
	Manifest ocispec.Descriptor `json:"manifest"` // Platform set
	Config   digest.Digest      `json:"config"`   // the image ID, as docker's
	// RepoDigest is what the registry's tag pointed at when pulled (the
	// index digest for a multi-arch image), empty for loaded images.
	RepoDigest digest.Digest `json:"repoDigest,omitempty"`
	Added      time.Time     `json:"added"`
}

type indexFile struct {
	References map[string]Record `json:"references"`
}

// Image is one reference in the store.
type Image struct {
	Name string // normalized reference, e.g. "docker.io/library/busybox:latest"
	Record
	Size int64 // config and layers, compressed
}

// ID is the image ID (the config digest), as docker shows it.
func (i Image) ID() digest.Digest { return i.Config }

// Resolved is an image with its manifest and config parsed. Manifest is
// the parsed manifest; the embedded Image.Manifest is its descriptor.
type Resolved struct {
	Image
	Manifest ocispec.Manifest
	Config   ocispec.Image // Config.Config holds Entrypoint, Cmd, Env, WorkingDir, User
}

// DefaultRoot is $CARRICK_HOME, or carrick's directory in the user's data
// directory.
func DefaultRoot() (string, error) {
	if h := os.Getenv("CARRICK_HOME"); h != "" {
		return h, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("image store: set CARRICK_HOME: %w", err)
	}
	return dataDir(runtime.GOOS, home, os.Getenv("XDG_DATA_HOME")), nil
}

// dataDir is the per-user data directory of carrick on goos.
func dataDir(goos, home, xdgDataHome string) string {
	if goos == "darwin" {
		return filepath.Join(home, "Library", "Application Support", "carrick")
	}
	if filepath.IsAbs(xdgDataHome) {
		return filepath.Join(xdgDataHome, "carrick")
	}
	return filepath.Join(home, ".local", "share", "carrick")
}

// Open opens (creating it if needed) the store rooted at root.
func Open(root string) (*Store, error) {
	for _, d := range []string{filepath.Join(root, "blobs", "sha256"), filepath.Join(root, "tmp")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("image store: %w", err)
		}
	}
	return &Store{root: root}, nil
}

// Root is the store's directory.
func (s *Store) Root() string { return s.root }

// BlobPath is where the blob with digest d lives (whether or not it does).
func (s *Store) BlobPath(d digest.Digest) string {
	return filepath.Join(s.root, "blobs", d.Algorithm().String(), d.Encoded())
}

// HasBlob reports whether the blob d is in the store.
func (s *Store) HasBlob(d digest.Digest) bool {
	_, err := os.Stat(s.BlobPath(d))
	return err == nil
}

// WriteBlob stores r's content as blob d, verifying the digest (and the
// size unless it is negative) while writing. The blob appears under its
// name only once complete and verified. It is a no-op if d is present.
func (s *Store) WriteBlob(d digest.Digest, size int64, r io.Reader) error {
	if err := d.Validate(); err != nil {
		return err
	}
	if d.Algorithm() != digest.SHA256 {
		return fmt.Errorf("blob %s: only sha256 is supported", d)
	}
	if s.HasBlob(d) {
		return nil
	}
	f, err := os.CreateTemp(filepath.Join(s.root, "tmp"), "blob-")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // fails harmlessly once renamed
	v := d.Verifier()
	n, err := io.Copy(io.MultiWriter(f, v), r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("blob %s: %w", d, err)
	}
	if size >= 0 && n != size {
		return fmt.Errorf("blob %s: size %d, expected %d", d, n, size)
	}
	if !v.Verified() {
		return fmt.Errorf("blob %s: content does not match its digest", d)
	}
	return os.Rename(tmp, s.BlobPath(d))
}

// ReadBlob returns the whole blob d, verified. For manifests and configs.
func (s *Store) ReadBlob(d digest.Digest) ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(s.BlobPath(d))
	if err != nil {
		return nil, err
	}
	if digest.FromBytes(b) != d {
		return nil, fmt.Errorf("blob %s is corrupt in the store", d)
	}
	return b, nil
}

// lockFile takes a flock on root/name, returning the unlock function.
func (s *Store) lockFile(name string, how int) (func(), error) {
	f, err := os.OpenFile(filepath.Join(s.root, name), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	for {
		err = unix.Flock(int(f.Fd()), how)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", name, err)
	}
	return func() { f.Close() }, nil // closing the file drops the lock
}

// writing holds off Prune while blobs not yet referenced are written.
func (s *Store) writing() (func(), error) { return s.lockFile("gc.lock", unix.LOCK_SH) }

// update runs fn on the index under the locks and saves it atomically if
// fn returns nil.
func (s *Store) update(fn func(idx *indexFile) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := s.lockFile("refs.lock", unix.LOCK_EX)
	if err != nil {
		return err
	}
	defer unlock()
	idx, err := s.readIndex()
	if err != nil {
		return err
	}
	if err := fn(idx); err != nil {
		return err
	}
	b, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Join(s.root, "tmp"), "refs-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(s.root, "refs.json"))
}

// readIndex reads refs.json; readers need no lock since it is replaced by rename.
func (s *Store) readIndex() (*indexFile, error) {
	idx := &indexFile{References: map[string]Record{}}
	b, err := os.ReadFile(filepath.Join(s.root, "refs.json"))
	if errors.Is(err, os.ErrNotExist) {
		return idx, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, idx); err != nil {
		return nil, fmt.Errorf("image store index %s: %w", filepath.Join(s.root, "refs.json"), err)
	}
	if idx.References == nil {
		idx.References = map[string]Record{}
	}
	return idx, nil
}

// register records refs (normalized keys) → rec. Every blob rec reaches
// must already be in the store.
func (s *Store) register(keys []string, rec Record) error {
	return s.update(func(idx *indexFile) error {
		for _, k := range keys {
			idx.References[k] = rec
		}
		return nil
	})
}

// List returns every reference in the store, sorted by name.
func (s *Store) List() ([]Image, error) {
	idx, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	out := make([]Image, 0, len(idx.References))
	for k, rec := range idx.References {
		img := Image{Name: k, Record: rec}
		if m, err := s.manifest(rec.Manifest.Digest); err == nil {
			img.Size = m.Config.Size
			for _, l := range m.Layers {
				img.Size += l.Size
			}
		}
		out = append(out, img)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// lookup finds ref: a reference ("busybox", "x/y:1", "…@sha256:…"), or an
// image ID or manifest digest ("sha256:<hex>"), or an unambiguous prefix
// of at least 12 hex digits of either.
func (s *Store) lookup(idx *indexFile, ref string) (string, Record, error) {
	if id := strings.TrimPrefix(ref, "sha256:"); len(id) >= 12 && isHex(id) {
		var found []string
		for k, rec := range idx.References {
			if strings.HasPrefix(rec.Config.Encoded(), id) || strings.HasPrefix(rec.Manifest.Digest.Encoded(), id) {
				found = append(found, k)
			}
		}
		sort.Strings(found)
		if len(found) > 0 {
			first := idx.References[found[0]]
			for _, k := range found[1:] {
				if idx.References[k].Config != first.Config {
					return "", Record{}, fmt.Errorf("image ID %s is ambiguous", ref)
				}
			}
			return found[0], first, nil
		}
	}
	r, err := ParseReference(ref)
	if err != nil {
		return "", Record{}, err
	}
	if rec, ok := idx.References[r.key()]; ok && (r.Digest == "" || rec.Manifest.Digest == r.Digest || rec.RepoDigest == r.Digest) {
		return r.key(), rec, nil
	}
	if r.Digest != "" { // name@digest of an image recorded under a tag
		for k, rec := range idx.References {
			if strings.HasPrefix(k, r.Name()+":") && (rec.Manifest.Digest == r.Digest || rec.RepoDigest == r.Digest) {
				return k, rec, nil
			}
		}
	}
	return "", Record{}, fmt.Errorf("%w: %s", ErrNotFound, r)
}

func isHex(s string) bool {
	for _, c := range s {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// manifest reads and parses the manifest blob d.
func (s *Store) manifest(d digest.Digest) (ocispec.Manifest, error) {
	var m ocispec.Manifest
	b, err := s.ReadBlob(d)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("manifest %s: %w", d, err)
	}
	return m, nil
}

// Resolve returns the image ref names with its manifest and config.
func (s *Store) Resolve(ref string) (*Resolved, error) {
	idx, err := s.readIndex()
	if err != nil {
		return nil, err
	}
	k, rec, err := s.lookup(idx, ref)
	if err != nil {
		return nil, err
	}
	res := &Resolved{Image: Image{Name: k, Record: rec}}
	if res.Manifest, err = s.manifest(rec.Manifest.Digest); err != nil {
		return nil, err
	}
	b, err := s.ReadBlob(res.Manifest.Config.Digest)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &res.Config); err != nil {
		return nil, fmt.Errorf("image config %s: %w", res.Manifest.Config.Digest, err)
	}
	res.Size = res.Manifest.Config.Size
	for _, l := range res.Manifest.Layers {
		res.Size += l.Size
	}
	return res, nil
}

// Tag makes dst name the image src names.
func (s *Store) Tag(src, dst string) error {
	r, err := ParseReference(dst)
	if err != nil {
		return err
	}
	if r.Digest != "" {
		return fmt.Errorf("tag %s: a tag cannot name a digest", dst)
	}
	return s.update(func(idx *indexFile) error {
		_, rec, err := s.lookup(idx, src)
		if err != nil {
			return err
		}
		rec.Added = time.Now().UTC()
		idx.References[r.key()] = rec
		return nil
	})
}

// Remove untags ref, returning the name it removed. The blobs stay until
// Prune. An image ID names the image only while one name refers to it, as
// with `docker rmi` without -f.
func (s *Store) Remove(ref string) (string, error) {
	name, _, err := s.remove(ref)
	return name, err
}

func (s *Store) remove(ref string) (string, Record, error) {
	var removed string
	var removedRec Record
	err := s.update(func(idx *indexFile) error {
		k, rec, err := s.lookup(idx, ref)
		if err != nil {
			return err
		}
		if r, err := ParseReference(ref); isHex(strings.TrimPrefix(ref, "sha256:")) && (err != nil || r.key() != k) {
			var names []string
			for k2, rec2 := range idx.References {
				if rec2.Config == rec.Config {
					names = append(names, k2)
				}
			}
			if len(names) > 1 {
				sort.Strings(names)
				return fmt.Errorf("image %s is referenced by %d names (%s); remove them by name", ref, len(names), strings.Join(names, ", "))
			}
		}
		delete(idx.References, k)
		removed, removedRec = k, rec
		return nil
	})
	return removed, removedRec, err
}

// Delete is docker's rmi: it removes ref's name and, when no other name
// is left for the same image (config digest), deletes the image's blobs
// that no other image shares, returning the image as deleted and the
// bytes freed. Other unreferenced blobs are left to Prune. It waits for
// pulls and loads in progress, which may be writing the same blobs.
func (s *Store) Delete(ref string) (name string, deleted *Resolved, freed int64, err error) {
	unlock, err := s.lockFile("gc.lock", unix.LOCK_EX)
	if err != nil {
		return "", nil, 0, err
	}
	defer unlock()
	res, err := s.Resolve(ref)
	if err != nil {
		return "", nil, 0, err
	}
	name, rec, err := s.remove(ref)
	if err != nil {
		return "", nil, 0, err
	}
	idx, err := s.readIndex()
	if err != nil {
		return name, nil, 0, err
	}
	keep, err := s.reached(idx)
	if err != nil || keep[rec.Config] {
		return name, nil, 0, err // still named, or unknown: delete nothing
	}
	dir := filepath.Join(s.root, "blobs", "sha256")
	for _, d := range append([]digest.Digest{rec.Manifest.Digest, rec.Config}, layerDigests(res.Manifest)...) {
		if keep[d] {
			continue
		}
		p := filepath.Join(dir, d.Encoded())
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		if err := os.Remove(p); err != nil {
			return name, nil, freed, err
		}
		freed += fi.Size()
	}
	return name, res, freed, nil
}

func layerDigests(m ocispec.Manifest) []digest.Digest {
	var ds []digest.Digest
	for _, l := range m.Layers {
		ds = append(ds, l.Digest)
	}
	return ds
}

// reached is every blob a reference of idx reaches: manifests, configs
// and layers.
func (s *Store) reached(idx *indexFile) (map[digest.Digest]bool, error) {
	keep := map[digest.Digest]bool{}
	for k, rec := range idx.References {
		m, err := s.manifest(rec.Manifest.Digest)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err) // deleting blobs on a hunch is worse
		}
		keep[rec.Manifest.Digest], keep[m.Config.Digest] = true, true
		for _, l := range m.Layers {
			keep[l.Digest] = true
		}
	}
	return keep, nil
}

// Prune deletes every blob no reference reaches, and leftovers of
// interrupted writes, returning the bytes freed. It waits for pulls and
// loads in progress to finish.
func (s *Store) Prune() (int64, error) {
	unlock, err := s.lockFile("gc.lock", unix.LOCK_EX)
	if err != nil {
		return 0, err
	}
	defer unlock()
	idx, err := s.readIndex()
	if err != nil {
		return 0, err
	}
	keep, err := s.reached(idx)
	if err != nil {
		return 0, fmt.Errorf("prune: %w", err)
	}
	var freed int64
	dir := filepath.Join(s.root, "blobs", "sha256")
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	for _, e := range ents {
		if keep[digest.NewDigestFromEncoded(digest.SHA256, e.Name())] {
			continue
		}
		if fi, err := e.Info(); err == nil {
			freed += fi.Size()
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return freed, err
		}
	}
	tmps, _ := os.ReadDir(filepath.Join(s.root, "tmp"))
	for _, e := range tmps {
		if strings.HasPrefix(e.Name(), "blob-") || strings.HasPrefix(e.Name(), "load-") {
			os.RemoveAll(filepath.Join(s.root, "tmp", e.Name()))
		}
	}
	return freed, nil
}

// putManifest parses a manifest's bytes; the caller stores it last.
func parseManifest(raw []byte) (ocispec.Manifest, error) {
	var m ocispec.Manifest
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(&m); err != nil {
		return m, fmt.Errorf("manifest: %w", err)
	}
	if m.Config.Digest == "" {
		return m, fmt.Errorf("manifest has no config")
	}
	return m, nil
}
