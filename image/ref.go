package image

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/opencontainers/go-digest"
)

// DefaultRegistry is the registry a reference without a host names, as in
// docker: "busybox" is "docker.io/library/busybox:latest".
const DefaultRegistry = "docker.io"

// DefaultTag is the tag of a reference that names neither tag nor digest.
const DefaultTag = "latest"

// Reference is an image reference normalized the way docker normalizes
// it: registry host always present, "library/" added for official images
// on docker.io, "latest" when neither tag nor digest is given.
type Reference struct {
	Registry   string        // "docker.io", "localhost:5000", "ghcr.io"
	Repository string        // "library/busybox"
	Tag        string        // "" when only a digest was given
	Digest     digest.Digest // "" unless "@sha256:…" was given
}

var (
	// A path component of a repository (distribution's reference grammar).
	componentRE = regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$`)
	tagRE       = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	// A registry host: name or IPv4 or [IPv6], optional port.
	hostRE = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?$`)
)

// ParseReference parses and normalizes an image reference such as
// "busybox", "alpine:3.20", "localhost:5000/x/y@sha256:…" or
// "ghcr.io/org/app:v1@sha256:…".
func ParseReference(s string) (Reference, error) {
	var r Reference
	if s == "" {
		return r, fmt.Errorf("empty image reference")
	}
	rest := s
	if i := strings.IndexByte(rest, '@'); i >= 0 {
		d, err := digest.Parse(rest[i+1:])
		if err != nil {
			return r, fmt.Errorf("invalid reference %q: bad digest: %w", s, err)
		}
		if d.Algorithm() != digest.SHA256 {
			return r, fmt.Errorf("invalid reference %q: only sha256 digests are supported", s)
		}
		r.Digest = d
		rest = rest[:i]
	}
	// A tag is a colon after the last slash; a colon before it is a port.
	if i := strings.LastIndexByte(rest, ':'); i > strings.LastIndexByte(rest, '/') {
		r.Tag = rest[i+1:]
		rest = rest[:i]
		if !tagRE.MatchString(r.Tag) {
			return r, fmt.Errorf("invalid reference %q: bad tag %q", s, r.Tag)
		}
	}
	first, remainder, found := strings.Cut(rest, "/")
	if found && (strings.ContainsAny(first, ".:") || first == "localhost" || strings.ToLower(first) != first) {
		if !hostRE.MatchString(first) {
			return r, fmt.Errorf("invalid reference %q: bad registry host %q", s, first)
		}
		r.Registry, r.Repository = first, remainder
	} else {
		r.Registry, r.Repository = DefaultRegistry, rest
	}
	if r.Registry == "index.docker.io" || r.Registry == "registry-1.docker.io" {
		r.Registry = DefaultRegistry
	}
	if r.Registry == DefaultRegistry && !strings.Contains(r.Repository, "/") {
		r.Repository = "library/" + r.Repository
	}
	if r.Repository == "" {
		return r, fmt.Errorf("invalid reference %q: no repository", s)
	}
	for _, c := range strings.Split(r.Repository, "/") {
		if !componentRE.MatchString(c) {
			if strings.ToLower(c) != c {
				return r, fmt.Errorf("invalid reference %q: repository name must be lowercase", s)
			}
			return r, fmt.Errorf("invalid reference %q: bad repository component %q", s, c)
		}
	}
	if r.Tag == "" && r.Digest == "" {
		r.Tag = DefaultTag
	}
	return r, nil
}

// Name is the repository with its registry: "docker.io/library/busybox".
func (r Reference) Name() string { return r.Registry + "/" + r.Repository }

// String is the full normalized reference, tag and digest included.
func (r Reference) String() string {
	s := r.Name()
	if r.Tag != "" {
		s += ":" + r.Tag
	}
	if r.Digest != "" {
		s += "@" + r.Digest.String()
	}
	return s
}

// key is what the store's index records the reference under: name:tag for
// a tagged reference (a digest given with it only pins the pull), and
// name@digest for a digest-only one.
func (r Reference) key() string {
	if r.Tag != "" {
		return r.Name() + ":" + r.Tag
	}
	return r.Name() + "@" + r.Digest.String()
}

// remote is the reference to fetch: by digest when one was given.
func (r Reference) remote() string {
	if r.Digest != "" {
		return r.Name() + "@" + r.Digest.String()
	}
	return r.Name() + ":" + r.Tag
}
