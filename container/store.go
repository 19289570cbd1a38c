package container

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/opencontainers/go-digest"
	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/image"
	"github.com/carrick-go/carrick/image/unpack"
	carrickrt "github.com/carrick-go/carrick/runtime"
)

// ErrNotFound is returned (wrapped) when a name or ID matches no container.
var ErrNotFound = errors.New("no such container")

// ErrConflict is returned (wrapped) when a name is already taken.
var ErrConflict = errors.New("conflict")

// Store holds the containers of one carrick home.
type Store struct {
	Home   string
	Images *image.Store
	// Metadata is where layers and views keep Linux metadata; the zero
	// value is the runtime's default (host metadata as root on Linux,
	// xattrs otherwise), which containers must agree with.
	Metadata unpack.Metadata
}

// Open opens the containers and images of home ($CARRICK_HOME).
func Open(home string) (*Store, error) {
	imgs, err := image.Open(home)
	if err != nil {
		return nil, err
	}
	for _, d := range []string{"containers", "run", "layers"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o711); err != nil {
			return nil, err
		}
	}
	return &Store{Home: home, Images: imgs}, nil
}

// Runtime is the runtime state root the containers run under.
func (s *Store) Runtime() carrickrt.Root { return carrickrt.Root{Dir: filepath.Join(s.Home, "run")} }

// LayersDir is the cache of unpacked layers (one directory per digest).
func (s *Store) LayersDir() string { return filepath.Join(s.Home, "layers") }

// Dir is container id's bundle directory.
func (s *Store) Dir(id string) string { return filepath.Join(s.Home, "containers", id) }

// Record is what a container keeps beside its bundle: what docker shows
// of it, and what commands other than the one that made it need.
type Record struct {
	ID       string        `json:"id"`
	Name     string        `json:"name"`
	Image    string        `json:"image"`    // as the user named it
	ImageRef string        `json:"imageRef"` // the store's reference
	ImageID  digest.Digest `json:"imageId"`
	Created  time.Time     `json:"created"`
	Args     []string      `json:"args"` // entrypoint + command
	// Entrypoint and Cmd are Args' two parts, for commit.
	Entrypoint []string `json:"entrypoint,omitempty"`
	Cmd        []string `json:"cmd,omitempty"`
	Env        []string `json:"env"`
	WorkingDir string   `json:"workingDir"`
	User       string   `json:"user,omitempty"`
	Hostname   string   `json:"hostname"`
	Mounts     []Mount  `json:"mounts,omitempty"`
	TTY        bool     `json:"tty"`
	OpenStdin  bool     `json:"openStdin"`
	AutoRemove bool     `json:"autoRemove"`
	ReadOnly   bool     `json:"readOnly,omitempty"`
	// Lowers are the image's layer directories, top first, beneath the
	// container's own directory Rootfs.
	Lowers []string `json:"lowers"`
	Rootfs string   `json:"rootfs"`
	// Pid and StartedAt are the init's, once started.
	Pid       int       `json:"pid,omitempty"`
	StartedAt time.Time `json:"startedAt,omitzero"`
}

// Mount is a bind mount as the user gave it.
type Mount struct {
	Source      string `json:"source"`
	Destination string `json:"destination"`
	ReadOnly    bool   `json:"readOnly"`
}

// ShortID is the 12-character form docker prints.
func ShortID(id string) string {
	if len(id) > 12 {
		return id[:12]
	}
	return id
}

func (s *Store) recordFile(id string) string { return filepath.Join(s.Dir(id), "container.json") }

// Save writes the record atomically.
func (s *Store) Save(r *Record) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp := s.recordFile(r.ID) + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.recordFile(r.ID))
}

func (s *Store) load(id string) (*Record, error) {
	data, err := os.ReadFile(s.recordFile(id))
	if err != nil {
		return nil, err
	}
	var r Record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("container %s: bad record: %w", ShortID(id), err)
	}
	return &r, nil
}

// List returns every container, newest first.
func (s *Store) List() ([]*Record, error) {
	ents, err := os.ReadDir(filepath.Join(s.Home, "containers"))
	if err != nil {
		return nil, err
	}
	var out []*Record
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		if r, err := s.load(e.Name()); err == nil {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

// Find returns the container a name, an ID or a unique ID prefix names,
// as docker resolves them (an exact name or ID first).
func (s *Store) Find(ref string) (*Record, error) {
	all, err := s.List()
	if err != nil {
		return nil, err
	}
	ref = strings.TrimPrefix(ref, "/")
	var prefix []*Record
	for _, r := range all {
		if r.ID == ref || r.Name == ref {
			return r, nil
		}
		if ref != "" && strings.HasPrefix(r.ID, ref) {
			prefix = append(prefix, r)
		}
	}
	switch len(prefix) {
	case 1:
		return prefix[0], nil
	case 0:
		return nil, fmt.Errorf("%w: %s", ErrNotFound, ref)
	}
	return nil, fmt.Errorf("multiple containers found with provided prefix: %s", ref)
}

// lock serializes the creation and removal of containers across carrick
// processes, so that two cannot take one name.
func (s *Store) lock() (func(), error) {
	f, err := os.OpenFile(filepath.Join(s.Home, "containers", ".lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

var validName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]*$`)

// reserve makes a new container directory, under a name no other
// container has (a generated one if name is empty).
func (s *Store) reserve(name string) (id, taken string, err error) {
	if name != "" && !validName.MatchString(name) {
		return "", "", fmt.Errorf("invalid container name %q, only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name)
	}
	unlock, err := s.lock()
	if err != nil {
		return "", "", err
	}
	defer unlock()
	all, err := s.List()
	if err != nil {
		return "", "", err
	}
	names := map[string]string{}
	for _, r := range all {
		names[r.Name] = r.ID
	}
	if other, ok := names[name]; ok {
		return "", "", fmt.Errorf("%w: the container name %q is already in use by container %q; remove (or rename) that container to reuse the name", ErrConflict, name, other)
	}
	var b [32]byte
	rand.Read(b[:])
	id = hex.EncodeToString(b[:])
	for name == "" {
		if n := randomName(); names[n] == "" {
			name = n
		}
	}
	if err := os.Mkdir(s.Dir(id), 0o711); err != nil {
		return "", "", err
	}
	// The record is written under the lock so the name is taken now.
	if err := s.Save(&Record{ID: id, Name: name, Created: time.Now().UTC()}); err != nil {
		os.RemoveAll(s.Dir(id))
		return "", "", err
	}
	return id, name, nil
}

var (
	nameLeft  = []string{"brisk", "calm", "eager", "gentle", "keen", "lucid", "merry", "nimble", "quiet", "steady", "tidy", "witty"}
	nameRight = []string{"albatross", "badger", "curlew", "dunlin", "egret", "fulmar", "gannet", "heron", "kestrel", "osprey", "plover", "wren"}
)

// randomName is a docker-like adjective_noun name.
func randomName() string {
	var b [3]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s_%s%d", nameLeft[int(b[0])%len(nameLeft)], nameRight[int(b[1])%len(nameRight)], b[2]%100)
}

// Status is a container's state as docker shows it.
type Status struct {
	State      string // created, running, paused, exited
	Pid        int
	ExitCode   int
	FinishedAt time.Time
}

// Rename gives the container another name, free and valid.
func (s *Store) Rename(r *Record, name string) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("invalid container name %q, only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name)
	}
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	all, err := s.List()
	if err != nil {
		return err
	}
	for _, o := range all {
		if o.Name == name {
			if o.ID == r.ID {
				return fmt.Errorf("renaming a container with the same name as its current name")
			}
			return fmt.Errorf("%w: the container name %q is already in use by container %q; remove (or rename) that container to reuse the name", ErrConflict, name, o.ID)
		}
	}
	cur, err := s.load(r.ID)
	if err != nil {
		return err
	}
	cur.Name = name
	if err := s.Save(cur); err != nil {
		return err
	}
	r.Name = name
	return nil
}

// Status reads the container's state from the runtime and its exit record.
func (s *Store) Status(r *Record) Status {
	st, err := s.Runtime().State(r.ID)
	if err != nil {
		// Never created in the runtime (a failed create), or deleted.
		if r.Pid == 0 {
			return Status{State: "created"}
		}
		return s.exited(r)
	}
	switch st.Status {
	case carrickrt.StatusStopped:
		if r.Pid == 0 {
			return Status{State: "created"}
		}
		return s.exited(r)
	case carrickrt.StatusCreated:
		return Status{State: "created"}
	}
	return Status{State: st.Status, Pid: st.Pid}
}

func (s *Store) exited(r *Record) Status {
	out := Status{State: "exited"}
	if code, ok := carrickrt.ReadExit(s.Runtime().Dir, r.ID, r.Pid); ok {
		out.ExitCode = code
		if fi, err := os.Stat(carrickrt.ExitFile(s.Runtime().Dir, r.ID, r.Pid)); err == nil {
			out.FinishedAt = fi.ModTime()
		}
	} else {
		// No record: the carrier itself was killed (SIGKILL).
		out.ExitCode = 137
	}
	return out
}

// Remove deletes the container: its runtime state (killing what still
// runs) and its directory. Its image's layers stay.
func (s *Store) Remove(r *Record) error {
	unlock, err := s.lock()
	if err != nil {
		return err
	}
	defer unlock()
	if err := s.Runtime().Delete(r.ID, true); err != nil && !errors.Is(err, carrickrt.ErrNotExist) {
		return err
	}
	return os.RemoveAll(s.Dir(r.ID))
}

// Prune deletes the image blobs no reference reaches (image.Store.Prune)
// and the unpacked layers that no image and no container uses.
func (s *Store) Prune() (int64, error) {
	freed, err := s.Images.Prune()
	if err != nil {
		return freed, err
	}
	n, err := s.pruneLayers(nil)
	return freed + n, err
}

// RemoveImage is docker's rmi: it untags ref and, when that was the
// image's last name, deletes the image (its blobs and the unpacked layers
// no other image or container uses). As docker's, removing the last name
// of an image a container was made from is refused unless force; forced,
// the container keeps its layers and runs on.
func (s *Store) RemoveImage(ref string, force bool) (untagged string, deleted *image.Resolved, freed int64, err error) {
	res, err := s.Images.Resolve(ref)
	if err != nil {
		return "", nil, 0, err
	}
	names := 0
	imgs, err := s.Images.List()
	if err != nil {
		return "", nil, 0, err
	}
	for _, im := range imgs {
		if im.ID() == res.ID() {
			names++
		}
	}
	if !force && names == 1 {
		ctrs, err := s.List()
		if err != nil {
			return "", nil, 0, err
		}
		for _, r := range ctrs {
			if r.ImageID == res.ID() {
				return "", nil, 0, fmt.Errorf("conflict: unable to remove repository reference %q (must force) - container %s is using its referenced image %s",
					ref, ShortID(r.ID), ShortID(res.ID().Encoded()))
			}
		}
	}
	untagged, deleted, freed, err = s.Images.Delete(ref)
	if err != nil || deleted == nil {
		return untagged, deleted, freed, err
	}
	mine := map[string]bool{}
	for _, l := range deleted.Manifest.Layers {
		mine[l.Digest.String()] = true
	}
	n, err := s.pruneLayers(mine)
	return untagged, deleted, freed + n, err
}

// pruneLayers deletes the unpacked layers that no image and no container
// uses, of those in only (every layer when only is nil).
func (s *Store) pruneLayers(only map[string]bool) (int64, error) {
	var freed int64
	unlock, err := s.lock()
	if err != nil {
		return freed, err
	}
	defer unlock()
	keep := map[string]bool{}
	imgs, err := s.Images.List()
	if err != nil {
		return freed, err
	}
	for _, im := range imgs {
		res, err := s.Images.Resolve(im.Name)
		if err != nil {
			return freed, err // never delete what an unreadable image may need
		}
		for _, l := range res.Manifest.Layers {
			keep[l.Digest.String()] = true
		}
	}
	ctrs, err := s.List()
	if err != nil {
		return freed, err
	}
	for _, r := range ctrs {
		for _, l := range r.Lowers {
			keep[filepath.Base(l)] = true
		}
	}
	ents, err := os.ReadDir(s.LayersDir())
	if err != nil {
		return freed, err
	}
	for _, e := range ents {
		if keep[e.Name()] || only != nil && !only[e.Name()] {
			continue
		}
		if strings.HasPrefix(e.Name(), ".tmp-") {
			// An unpack in progress elsewhere, unless it is old.
			if fi, err := e.Info(); err != nil || time.Since(fi.ModTime()) < time.Hour {
				continue
			}
		}
		p := filepath.Join(s.LayersDir(), e.Name())
		freed += treeSize(p)
		if err := os.RemoveAll(p); err != nil {
			return freed, err
		}
	}
	return freed, nil
}

// DiskUsage is the bytes of the container's own files (its writes, logs
// and bundle).
func (s *Store) DiskUsage(r *Record) int64 { return treeSize(s.Dir(r.ID)) }

// treeSize is the bytes of the regular files under p.
func treeSize(p string) int64 {
	var n int64
	filepath.WalkDir(p, func(_ string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
