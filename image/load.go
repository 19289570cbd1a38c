package image

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Annotations that name an image in an OCI layout's index.json.
const (
	annotationRefName   = "org.opencontainers.image.ref.name" // skopeo, umoci; may be a bare tag
	annotationImageName = "io.containerd.image.name"          // containerd, `ctr export`
)

// untagged prefixes the index key of an image an archive gave no name;
// the image is then found by its ID.
const untagged = "<none>@"

// Load stores the images of a `docker save` archive or of an OCI image
// layout tar and records their names. A `docker save` archive is read
// through its manifest.json (docker 25 and later write both formats into
// one tar; manifest.json carries the tags docker gave). Images that are
// not linux/arm64 are refused before anything is recorded.
func (s *Store) Load(ctx context.Context, archive string, pr Progress) ([]Image, error) {
	done, err := s.writing()
	if err != nil {
		return nil, err
	}
	defer done()
	tarPath, cleanup, err := s.gunzip(archive)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", archive, err)
	}
	defer cleanup()
	imgs, err := s.load(ctx, tarPath, pr)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", archive, err)
	}
	return imgs, nil
}

// gunzip returns the path of archive's tar: archive itself, or for a
// gzip-compressed archive (`docker save | gzip`) a decompressed copy in
// the store's tmp, since both archive readers need to reopen the tar.
func (s *Store) gunzip(archive string) (string, func(), error) {
	f, err := os.Open(archive)
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	var magic [2]byte
	if n, _ := io.ReadFull(f, magic[:]); n < 2 || magic != [2]byte{0x1f, 0x8b} {
		return archive, func() {}, nil
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return "", nil, err
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		return "", nil, err
	}
	out, err := os.CreateTemp(filepath.Join(s.root, "tmp"), "load-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() { os.Remove(out.Name()) }
	_, err = io.Copy(out, zr)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		cleanup()
		return "", nil, fmt.Errorf("gunzip: %w", err)
	}
	return out.Name(), cleanup, nil
}

func (s *Store) load(ctx context.Context, archive string, pr Progress) ([]Image, error) {
	names, err := tarNames(archive)
	if err != nil {
		return nil, err
	}
	var imgs []Image
	switch {
	case names["manifest.json"]:
		imgs, err = s.loadDocker(ctx, archive, pr)
	case names["index.json"]:
		imgs, err = s.loadLayout(ctx, archive, pr)
	default:
		err = errors.New("neither a docker save archive (manifest.json) nor an OCI image layout (index.json)")
	}
	return imgs, err
}

// tarNames lists the regular files of a tar, names cleaned.
func tarNames(p string) (map[string]bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	names := map[string]bool{}
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names, nil
		}
		if err != nil {
			return nil, fmt.Errorf("not a tar archive: %w", err)
		}
		if h.Typeflag == tar.TypeReg {
			names[path.Clean(h.Name)] = true
		}
	}
}

type loaded struct {
	img  v1.Image
	keys []string
}

// storeAll puts every image, then registers each; nothing is recorded
// unless every image of the archive is stored.
func (s *Store) storeAll(ctx context.Context, all []loaded, pr Progress) ([]Image, error) {
	recs := make([]Record, len(all))
	for i, l := range all {
		what := "image"
		if len(l.keys) > 0 {
			what = l.keys[0]
		}
		var err error
		if recs[i], err = s.putImage(ctx, l.img, what, pr); err != nil {
			return nil, err
		}
	}
	var out []Image
	for i, l := range all {
		keys := l.keys
		if len(keys) == 0 {
			keys = []string{untagged + recs[i].Manifest.Digest.String()}
		}
		if err := s.register(keys, recs[i]); err != nil {
			return nil, err
		}
		for _, k := range keys {
			out = append(out, Image{Name: k, Record: recs[i]})
		}
	}
	return out, nil
}

func (s *Store) loadDocker(ctx context.Context, archive string, pr Progress) ([]Image, error) {
	opener := func() (io.ReadCloser, error) { return os.Open(archive) }
	m, err := tarball.LoadManifest(opener)
	if err != nil {
		return nil, fmt.Errorf("manifest.json: %w", err)
	}
	if len(m) == 0 {
		return nil, errors.New("manifest.json lists no images")
	}
	var all []loaded
	for _, d := range m {
		var l loaded
		var tag *name.Tag
		for _, t := range d.RepoTags {
			r, err := ParseReference(t)
			if err != nil {
				return nil, fmt.Errorf("manifest.json tag %q: %w", t, err)
			}
			l.keys = append(l.keys, r.key())
			if tag == nil {
				nt, err := name.NewTag(t)
				if err != nil {
					return nil, fmt.Errorf("manifest.json tag %q: %w", t, err)
				}
				tag = &nt
			}
		}
		if tag == nil && len(m) > 1 {
			// tarball.Image can only pick an untagged image when it is alone.
			return nil, fmt.Errorf("untagged image %s in an archive of %d images is not supported", d.Config, len(m))
		}
		if l.img, err = tarball.Image(opener, tag); err != nil {
			return nil, err
		}
		all = append(all, l)
	}
	return s.storeAll(ctx, all, pr)
}

func (s *Store) loadLayout(ctx context.Context, archive string, pr Progress) ([]Image, error) {
	dir, err := os.MkdirTemp(filepath.Join(s.root, "tmp"), "load-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	if err := extract(ctx, archive, dir); err != nil {
		return nil, err
	}
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, err
	}
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, err
	}
	var all []loaded
	for _, d := range im.Manifests {
		var l loaded
		if n := layoutName(d.Annotations); n != "" {
			r, err := ParseReference(n)
			if err != nil {
				return nil, fmt.Errorf("index.json name %q: %w", n, err)
			}
			if r.Tag == "" {
				return nil, fmt.Errorf("index.json name %q has no tag", n)
			}
			l.keys = []string{r.key()}
		}
		what := d.Digest.String()
		if len(l.keys) > 0 {
			what = l.keys[0]
		}
		switch {
		case d.MediaType.IsIndex():
			child, err := idx.ImageIndex(d.Digest)
			if err != nil {
				return nil, err
			}
			if l.img, err = chooseImage(child, what); err != nil {
				return nil, err
			}
		case d.MediaType.IsImage():
			if d.Platform != nil && d.Platform.OS == "unknown" {
				continue // an attestation, not an image
			}
			if l.img, err = idx.Image(d.Digest); err != nil {
				return nil, err
			}
			if err := checkManifest(l.img, d.Digest); err != nil {
				return nil, err
			}
		default:
			continue
		}
		all = append(all, l)
	}
	if len(all) == 0 {
		return nil, errors.New("index.json lists no images")
	}
	return s.storeAll(ctx, all, pr)
}

// layoutName is the image name an OCI layout index entry carries: the
// containerd annotation, else ref.name when it is a full reference (the
// spec also allows a bare tag such as "latest", which names no repository).
func layoutName(a map[string]string) string {
	if n := a[annotationImageName]; n != "" {
		return n
	}
	n := a[annotationRefName]
	if !strings.ContainsAny(n, "/:@") {
		return ""
	}
	return n
}

// extract unpacks the regular files and directories of an OCI layout tar
// into dir, refusing names that would land outside it.
func extract(ctx context.Context, archive, dir string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		rel := path.Clean(h.Name)
		if path.IsAbs(rel) || rel == ".." || strings.HasPrefix(rel, "../") {
			return fmt.Errorf("archive entry %q is outside the archive", h.Name)
		}
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o644)
			if err != nil {
				return err
			}
			_, err = io.Copy(out, tr)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return err
			}
		}
	}
}
