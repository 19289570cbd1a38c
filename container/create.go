package container

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/carrick-go/carrick/image"
	"github.com/carrick-go/carrick/rootfs"
	carrickrt "github.com/carrick-go/carrick/runtime"
)

// Options are `carrick create`'s (and run's) container options.
type Options struct {
	Image string
	Name  string
	// Args replace the image's Cmd when given. Entrypoint, when not nil,
	// replaces the image's Entrypoint (and drops its Cmd), as docker's
	// --entrypoint: "" clears it.
	Args       []string
	Entrypoint *string
	Env        []string // K=V, later ones win; after the image's
	WorkingDir string
	User       string
	Hostname   string
	Volumes    []Mount
	TTY        bool
	OpenStdin  bool
	AutoRemove bool
	ReadOnly   bool // the root is read-only (docker's --read-only); mounts are as given
}

// ErrNoCommand is returned when neither the image nor the user gives a
// command.
var ErrNoCommand = errors.New("no command specified")

// Create makes a container of an image already in the store: its bundle,
// with an empty writable root over the image's layers. It does not start
// anything.
func (s *Store) Create(o Options) (*Record, error) {
	img, err := s.Images.Resolve(o.Image)
	if err != nil {
		return nil, err
	}
	lowers, err := s.layers(img)
	if err != nil {
		return nil, err
	}
	id, name, err := s.reserve(o.Name)
	if err != nil {
		return nil, err
	}
	r, err := s.create(id, name, img, lowers, o)
	if err != nil {
		os.RemoveAll(s.Dir(id))
		return nil, err
	}
	return r, nil
}

func (s *Store) create(id, name string, img *image.Resolved, lowers []string, o Options) (*Record, error) {
	ic := img.Config.Config
	r := &Record{ID: id, Name: name, Image: o.Image, ImageRef: img.Name, ImageID: img.ID(),
		Hostname: o.Hostname, Mounts: o.Volumes, TTY: o.TTY, OpenStdin: o.OpenStdin,
		AutoRemove: o.AutoRemove, ReadOnly: o.ReadOnly, Lowers: lowers}
	if prev, err := s.load(id); err == nil {
		r.Created = prev.Created
	}
	entry, cmd := ic.Entrypoint, ic.Cmd
	if o.Entrypoint != nil {
		entry, cmd = nil, nil
		if *o.Entrypoint != "" {
			entry = []string{*o.Entrypoint}
		}
	}
	if len(o.Args) > 0 {
		cmd = o.Args
	}
	r.Entrypoint, r.Cmd = entry, cmd
	r.Args = append(append([]string{}, entry...), cmd...)
	if len(r.Args) == 0 {
		return nil, ErrNoCommand
	}
	if r.Hostname == "" {
		r.Hostname = ShortID(id)
	}
	r.WorkingDir = ic.WorkingDir
	if o.WorkingDir != "" {
		r.WorkingDir = o.WorkingDir
	}
	if r.WorkingDir == "" {
		r.WorkingDir = "/"
	}
	if !path.IsAbs(r.WorkingDir) {
		return nil, fmt.Errorf("the working directory %q is invalid: it needs to be an absolute path", r.WorkingDir)
	}
	r.User = ic.User
	if o.User != "" {
		r.User = o.User
	}
	r.Rootfs = filepath.Join(s.Dir(id), "rootfs")
	if err := os.Mkdir(r.Rootfs, 0o755); err != nil {
		return nil, err
	}
	if err := s.fill(r, img); err != nil {
		return nil, err
	}
	view, err := s.View(r)
	if err != nil {
		return nil, err
	}
	defer view.Close()
	u, err := resolveUser(view, r.User)
	if err != nil {
		return nil, err
	}
	r.Env = buildEnv(ic.Env, o.Env, r.Hostname, u.home, o.TTY)
	if err := mkdirAll(view, r.WorkingDir, u); err != nil {
		return nil, fmt.Errorf("working directory %s: %w", r.WorkingDir, err)
	}
	spec := s.spec(r, u)
	data, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(s.Dir(id), "config.json"), data, 0o600); err != nil {
		return nil, err
	}
	if err := s.Save(r); err != nil {
		return nil, err
	}
	return r, nil
}

// View opens the container's root as its processes see it (without
// mounts), acting as root.
func (s *Store) View(r *Record) (*rootfs.FS, error) {
	// The metadata mode the layers were unpacked with and the runtime
	// opens the root with.
	return rootfs.New(r.Rootfs, rootfs.Options{Lowers: r.Lowers, Metadata: s.Metadata.RootfsMode()})
}

// defaultPath is docker's PATH for an image that sets none.
const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// buildEnv is the image's environment, then the user's, with docker's
// additions: PATH when missing, HOSTNAME, HOME from the user, TERM with a
// terminal.
func buildEnv(imageEnv, userEnv []string, hostname, home string, tty bool) []string {
	var out []string
	idx := map[string]int{}
	set := func(kv string, override bool) {
		k, _, _ := strings.Cut(kv, "=")
		if i, ok := idx[k]; ok {
			if override {
				out[i] = kv
			}
			return
		}
		idx[k] = len(out)
		out = append(out, kv)
	}
	set("PATH="+defaultPath, false)
	set("HOSTNAME="+hostname, false)
	for _, kv := range imageEnv {
		set(kv, true)
	}
	for _, kv := range userEnv {
		set(kv, true)
	}
	if tty {
		set("TERM=xterm", false)
	}
	set("HOME="+home, false)
	return out
}

// spec is the bundle's config.json: runtime's default (the engine's /proc,
// /dev, /sys…) with the container's process, root, hostname and binds.
func (s *Store) spec(r *Record, u user) *specs.Spec {
	sp := carrickrt.DefaultSpec()
	sp.Process.Terminal = r.TTY
	sp.Process.Args = r.Args
	sp.Process.Env = r.Env
	sp.Process.Cwd = r.WorkingDir
	sp.Process.User = specs.User{UID: u.uid, GID: u.gid, AdditionalGids: u.groups}
	sp.Process.NoNewPrivileges = false
	sp.Process.Rlimits = nil // the host's, as docker passes its daemon's
	sp.Root = &specs.Root{Path: r.Rootfs, Readonly: r.ReadOnly}
	sp.Hostname = r.Hostname
	for _, m := range r.Mounts {
		opts := []string{"rbind"}
		if m.ReadOnly {
			opts = append(opts, "ro")
		}
		sp.Mounts = append(sp.Mounts, specs.Mount{Destination: m.Destination, Type: "bind", Source: m.Source, Options: opts})
	}
	lowers, _ := json.Marshal(r.Lowers)
	sp.Annotations = map[string]string{
		carrickrt.LowersAnnotation:          string(lowers),
		"org.opencontainers.image.ref.name": r.ImageRef,
	}
	return sp
}

// ProcessFor is the process spec of `exec` in the container: its
// environment with env on top, its working directory unless cwd is given,
// and its user unless userSpec is.
func (s *Store) ProcessFor(r *Record, args, env []string, cwd, userSpec string, tty bool) (*specs.Process, error) {
	if userSpec == "" {
		userSpec = r.User
	}
	view, err := s.View(r)
	if err != nil {
		return nil, err
	}
	defer view.Close()
	u, err := resolveUser(view, userSpec)
	if err != nil {
		return nil, err
	}
	if cwd == "" {
		cwd = r.WorkingDir
	}
	if !path.IsAbs(cwd) {
		return nil, fmt.Errorf("the working directory %q is invalid: it needs to be an absolute path", cwd)
	}
	p := &specs.Process{Terminal: tty, Args: args, Cwd: cwd,
		User: specs.User{UID: u.uid, GID: u.gid, AdditionalGids: u.groups},
		Env:  buildEnv(r.Env, env, r.Hostname, u.home, tty)}
	return p, nil
}
