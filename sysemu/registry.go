package sysemu

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Registry lists the host processes that are the guest processes of one
// run (one container): a directory with one file per host pid, made by the
// first carrick process and inherited by path. It is what confines signals
// and process queries between processes: a guest may only name the host
// pids listed here (and its own children), never another host process.
//
// An entry records the process's start time, so a stale entry (a process
// killed before it could remove itself) never matches a later host
// process that reuses the pid.
type Registry struct {
	dir string
}

// RegistryInfo describes one registered process.
type RegistryInfo struct {
	Parent int    // host pid of its parent
	Start  uint64 // host start time (as hostProcFacts reports it); 0: look it up
}

// CreateRegistry makes a new, empty registry.
func CreateRegistry() (*Registry, error) {
	dir, err := os.MkdirTemp("", "carrick-procs-")
	if err != nil {
		return nil, err
	}
	return &Registry{dir: dir}, nil
}

// OpenRegistry opens the registry at path (a parent's Path).
func OpenRegistry(path string) (*Registry, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("registry %s: not a directory", path)
	}
	return &Registry{dir: path}, nil
}

// Path is the registry's host directory, for children to open.
func (r *Registry) Path() string { return r.dir }

// Destroy removes the registry (the first process, at the end of the run).
func (r *Registry) Destroy() error { return os.RemoveAll(r.dir) }

// Add lists pid. A zero info.Start is read from the host now.
func (r *Registry) Add(pid int, info RegistryInfo) error {
	if info.Start == 0 {
		_, start, ok := hostProcFacts(pid)
		if !ok {
			return fmt.Errorf("registry: process %d: %w", pid, os.ErrNotExist)
		}
		info.Start = start
	}
	tmp := filepath.Join(r.dir, fmt.Sprintf(".%d.tmp", pid))
	if err := os.WriteFile(tmp, []byte(fmt.Sprintf("%d %d\n", info.Parent, info.Start)), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(r.dir, strconv.Itoa(pid))) // readers never see half an entry
}

// Remove drops pid (it exited, or was reaped).
func (r *Registry) Remove(pid int) { os.Remove(filepath.Join(r.dir, strconv.Itoa(pid))) }

// Lookup returns pid's entry if pid is listed and is still the process that
// was registered.
func (r *Registry) Lookup(pid int) (RegistryInfo, bool) {
	if pid <= 0 {
		return RegistryInfo{}, false
	}
	b, err := os.ReadFile(filepath.Join(r.dir, strconv.Itoa(pid)))
	if err != nil {
		return RegistryInfo{}, false
	}
	var info RegistryInfo
	if _, err := fmt.Sscanf(string(b), "%d %d", &info.Parent, &info.Start); err != nil {
		return RegistryInfo{}, false
	}
	if _, start, ok := hostProcFacts(pid); !ok || start != info.Start {
		return RegistryInfo{}, false
	}
	return info, true
}

// Contains reports whether pid is a live registered process.
func (r *Registry) Contains(pid int) bool {
	_, ok := r.Lookup(pid)
	return ok
}

// List returns the live registered pids in increasing order.
func (r *Registry) List() []int {
	ents, err := os.ReadDir(r.dir)
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if pid, err := strconv.Atoi(e.Name()); err == nil && r.Contains(pid) {
			pids = append(pids, pid)
		}
	}
	sort.Ints(pids)
	return pids
}

// registries maps a process to the registry it joined (the lead's process
// start wires it; a process without one may only reach its own children).
var registries sync.Map // *Process → *Registry

// JoinRegistry lists the process in r and makes r the registry its
// signals and process queries are confined to. The returned function
// removes it again (call it when the process exits).
func (p *Process) JoinRegistry(r *Registry) (leave func(), err error) {
	if r == nil {
		return nil, errors.New("registry: nil")
	}
	if err := r.Add(p.hostPID, RegistryInfo{Parent: os.Getppid()}); err != nil {
		return nil, err
	}
	registries.Store(p, r)
	return func() {
		registries.Delete(p)
		r.Remove(p.hostPID)
	}, nil
}

// registry returns the process's registry, or nil.
func (p *Process) registry() *Registry {
	if r, ok := registries.Load(p); ok {
		return r.(*Registry)
	}
	return nil
}

// guestProcess reports whether host pid is a guest process this process
// may name: itself, a process of its registry, or its own host child
// (every host child of a carrick process is a guest process it started,
// registered or not yet).
func (p *Process) guestProcess(pid int) bool {
	if pid <= 0 {
		return false
	}
	if pid == p.hostPID {
		return true
	}
	if r := p.registry(); r != nil && r.Contains(pid) {
		return true
	}
	ppid, _, ok := hostProcFacts(pid)
	return ok && ppid == os.Getpid()
}

// guestProcesses lists the guest processes this process may signal
// (kill -1, and process groups): its registry's, or without one its own
// host children. Itself is not included.
func (p *Process) guestProcesses() []int {
	var pids []int
	if r := p.registry(); r != nil {
		for _, pid := range r.List() {
			if pid != p.hostPID {
				pids = append(pids, pid)
			}
		}
	}
	return append(pids, hostChildren(pids)...)
}
