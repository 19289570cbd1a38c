package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"
)

// Container statuses, as runc prints them.
const (
	StatusCreated = "created"
	StatusRunning = "running"
	StatusStopped = "stopped"
	StatusPaused  = "paused"
)

// State is what `state` prints: runtime-spec's state with runc's extra
// fields (rootfs, created, owner).
type State struct {
	OCIVersion  string            `json:"ociVersion"`
	ID          string            `json:"id"`
	Status      string            `json:"status"`
	Pid         int               `json:"pid"`
	Bundle      string            `json:"bundle"`
	Rootfs      string            `json:"rootfs"`
	Created     time.Time         `json:"created"`
	Owner       string            `json:"owner"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// record is what the state directory keeps of a container.
type record struct {
	State
	// InitStart is the host start time of the init process, so that a
	// recycled pid is never taken for the container.
	InitStart uint64 `json:"initStart"`
	// Log and LogFormat are where the init writes its diagnostics.
	Log       string `json:"log,omitempty"`
	LogFormat string `json:"logFormat,omitempty"`
}

// Errors with runc's texts (the containerd shim matches "does not exist"
// and "not running").
var (
	ErrNotExist  = errors.New("container does not exist")
	ErrExist     = errors.New("container with given ID already exists")
	ErrInvalidID = errors.New("invalid container ID format")
)

var validID = regexp.MustCompile(`^[\w+.-]+$`)

func checkID(id string) error {
	if !validID.MatchString(id) || id == "." || id == ".." {
		return fmt.Errorf("%w: %q", ErrInvalidID, id)
	}
	return nil
}

// Root is a state directory: one subdirectory per container.
type Root struct{ Dir string }

func (r Root) dir(id string) string       { return filepath.Join(r.Dir, id) }
func (r Root) fifo(id string) string      { return filepath.Join(r.Dir, id, "exec.fifo") }
func (r Root) stateFile(id string) string { return filepath.Join(r.Dir, id, "state.json") }

func (r Root) load(id string) (*record, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(r.stateFile(id))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s", ErrNotExist, id)
	}
	if err != nil {
		return nil, err
	}
	var rec record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("container %s: bad state file: %w", id, err)
	}
	return &rec, nil
}

// save writes the record atomically.
func (r Root) save(rec *record) error {
	data, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	tmp := r.stateFile(rec.ID) + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, r.stateFile(rec.ID))
}

// status derives the status from the init process: gone (or another
// process under its pid) is stopped; alive and still waiting on the exec
// fifo is created; otherwise running.
func (r Root) status(rec *record) string {
	if rec.Pid <= 0 {
		return StatusStopped
	}
	start, alive := processStart(rec.Pid)
	if !alive || start != rec.InitStart {
		return StatusStopped
	}
	if _, err := os.Lstat(r.fifo(rec.ID)); err == nil {
		return StatusCreated
	}
	if _, err := os.Lstat(r.pausedFile(rec.ID)); err == nil {
		return StatusPaused
	}
	return StatusRunning
}

// State returns the container's state as `state` prints it.
func (r Root) State(id string) (*State, error) {
	rec, err := r.load(id)
	if err != nil {
		return nil, err
	}
	st := rec.State
	st.Status = r.status(rec)
	if st.Status == StatusStopped {
		st.Pid = 0
	}
	return &st, nil
}

// List returns every container's state, by id.
func (r Root) List() ([]State, error) {
	ents, err := os.ReadDir(r.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []State
	for _, e := range ents {
		if st, err := r.State(e.Name()); err == nil {
			out = append(out, *st)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}
