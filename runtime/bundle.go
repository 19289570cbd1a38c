package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Bundle is an OCI bundle: a directory with config.json and the root file
// system it names.
type Bundle struct {
	Dir    string // absolute
	Spec   *specs.Spec
	Rootfs string   // absolute host path of root.path
	lowers []string // LowersAnnotation
}

// LoadBundle reads and checks dir/config.json, with runc's error messages
// where a caller may match them.
func LoadBundle(dir string) (*Bundle, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "config.json")
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("JSON specification file %s not found", path)
	}
	if err != nil {
		return nil, err
	}
	var spec specs.Spec
	if err := json.Unmarshal(data, &spec); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if err := checkSpec(&spec); err != nil {
		return nil, err
	}
	rootfs := spec.Root.Path
	if !filepath.IsAbs(rootfs) {
		rootfs = filepath.Join(dir, rootfs)
	}
	if st, err := os.Stat(rootfs); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("rootfs (%s) does not exist", rootfs)
	}
	b := &Bundle{Dir: dir, Spec: &spec, Rootfs: rootfs}
	if v, ok := spec.Annotations[LowersAnnotation]; ok {
		if err := json.Unmarshal([]byte(v), &b.lowers); err != nil || len(b.lowers) == 0 {
			return nil, fmt.Errorf("annotation %s: want a JSON array of directories, got %q", LowersAnnotation, v)
		}
	}
	for _, l := range b.lowers {
		if st, err := os.Stat(l); !filepath.IsAbs(l) || err != nil || !st.IsDir() {
			return nil, fmt.Errorf("annotation %s: lower directory %q is not an absolute path to a directory", LowersAnnotation, l)
		}
	}
	return b, nil
}

// checkSpec refuses what cannot be run: no process, no args, a relative
// cwd, a spec version that is not 1.x.
func checkSpec(s *specs.Spec) error {
	major, _, _ := strings.Cut(s.Version, ".")
	if s.Version == "" || major != "1" {
		return fmt.Errorf("unsupported spec version %q: carrick-runtime runs runtime-spec 1.x (it implements %s)", s.Version, specs.Version)
	}
	if s.Root == nil || s.Root.Path == "" {
		return errors.New("root.path must be set")
	}
	if s.Process == nil {
		return errors.New("process property must not be empty")
	}
	if len(s.Process.Args) == 0 {
		return errors.New("args must not be empty")
	}
	if !filepath.IsAbs(s.Process.Cwd) {
		return fmt.Errorf("cwd %q is not an absolute path", s.Process.Cwd)
	}
	return nil
}

// Unsupported lists the fields of s that carrick accepts but does not
// apply, so callers can report them rather than drop them silently.
func Unsupported(s *specs.Spec) []string {
	var out []string
	if s.Process != nil {
		if c := s.Process.Capabilities; c != nil {
			out = append(out, "process.capabilities (modeled: shown, not enforced)")
			for _, set := range [][]string{c.Bounding, c.Effective, c.Permitted, c.Inheritable, c.Ambient} {
				if _, unknown := abi.CapMask(set); len(unknown) > 0 {
					out = append(out, "process.capabilities: unknown "+strings.Join(unknown, ", "))
					break
				}
			}
		}
		if s.Process.ApparmorProfile != "" {
			out = append(out, "process.apparmorProfile")
		}
		if s.Process.SelinuxLabel != "" {
			out = append(out, "process.selinuxLabel")
		}
		if s.Process.User.Username != "" {
			out = append(out, "process.user.username (Windows only)")
		}
	}
	out = append(out, unsupportedMounts(s)...)
	if s.Process != nil && s.Process.OOMScoreAdj != nil && !hostOOMScoreAdj {
		out = append(out, "process.oomScoreAdj (no such setting on this host)")
	}
	if s.Linux != nil {
		if len(s.Linux.MaskedPaths) > 0 {
			out = append(out, "linux.maskedPaths")
		}
		if len(s.Linux.ReadonlyPaths) > 0 {
			out = append(out, "linux.readonlyPaths")
		}
		if s.Linux.Resources != nil {
			out = append(out, "linux.resources (no cgroups)")
		}
		if s.Linux.Seccomp != nil {
			out = append(out, "linux.seccomp")
		}
		if len(s.Linux.Devices) > 0 {
			out = append(out, "linux.devices")
		}
		if len(s.Linux.Sysctl) > 0 {
			out = append(out, "linux.sysctl")
		}
	}
	return out
}

// LowersAnnotation lists, top first as a JSON array of host paths,
// read-only directories that lie beneath root.path as an
// overlay (image layers under a container's own directory; see
// package container). carrick's own annotation: other runtimes ignore it.
const LowersAnnotation = "dev.carrick.rootfs.lowers"

// Lowers returns the bundle's overlay lower directories, if any.
func (b *Bundle) Lowers() []string { return b.lowers }
