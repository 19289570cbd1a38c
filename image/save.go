package image

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Save writes the images refs name as a docker-save archive (what
// `docker save` writes and `docker load` and `carrick load` read), each
// under its name; an image named twice is written once.
func (s *Store) Save(w io.Writer, refs []string) error {
	images := map[name.Reference]v1.Image{}
	for _, ref := range refs {
		res, err := s.Resolve(ref)
		if err != nil {
			return err
		}
		tag, err := name.NewTag(res.Name, name.StrictValidation)
		if err != nil {
			return fmt.Errorf("%s: save needs an image's name:tag: %w", ref, err)
		}
		img, err := s.v1Image(res)
		if err != nil {
			return fmt.Errorf("%s: %w", ref, err)
		}
		images[tag] = img
	}
	return tarball.MultiRefWrite(images, w)
}

// v1Image is a stored image as go-containerregistry reads one, its
// blobs read from the store as they are (compressed layers).
func (s *Store) v1Image(res *Resolved) (v1.Image, error) {
	raw, err := s.ReadBlob(res.Record.Manifest.Digest)
	if err != nil {
		return nil, err
	}
	m, err := parseManifest(raw)
	if err != nil {
		return nil, err
	}
	return partial.CompressedToImage(&storedImage{s: s, raw: raw, m: m})
}

type storedImage struct {
	s   *Store
	raw []byte
	m   ocispec.Manifest
}

func (i *storedImage) RawManifest() ([]byte, error) { return i.raw, nil }
func (i *storedImage) RawConfigFile() ([]byte, error) {
	return i.s.ReadBlob(i.m.Config.Digest)
}

func (i *storedImage) MediaType() (types.MediaType, error) {
	if i.m.MediaType != "" {
		return types.MediaType(i.m.MediaType), nil
	}
	return types.OCIManifestSchema1, nil
}

func (i *storedImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	if h.String() == i.m.Config.Digest.String() {
		b, err := i.RawConfigFile()
		if err != nil {
			return nil, err
		}
		return &storedLayer{s: i.s, d: ocispec.Descriptor{Digest: i.m.Config.Digest, Size: int64(len(b)), MediaType: i.m.Config.MediaType}, data: b}, nil
	}
	for _, l := range i.m.Layers {
		if l.Digest.String() == h.String() {
			return &storedLayer{s: i.s, d: l}, nil
		}
	}
	return nil, fmt.Errorf("blob %s is not in the image", h)
}

type storedLayer struct {
	s    *Store
	d    ocispec.Descriptor
	data []byte // the config, held
}

func (l *storedLayer) Digest() (v1.Hash, error) { return v1.NewHash(l.d.Digest.String()) }
func (l *storedLayer) Size() (int64, error)     { return l.d.Size, nil }
func (l *storedLayer) MediaType() (types.MediaType, error) {
	return types.MediaType(l.d.MediaType), nil
}

func (l *storedLayer) Compressed() (io.ReadCloser, error) {
	if l.data != nil {
		return io.NopCloser(bytes.NewReader(l.data)), nil
	}
	return os.Open(l.s.BlobPath(l.d.Digest))
}

// V1Image is the stored image ref names, as go-containerregistry reads
// one (to build another on it).
func (s *Store) V1Image(ref string) (v1.Image, *Resolved, error) {
	res, err := s.Resolve(ref)
	if err != nil {
		return nil, nil, err
	}
	img, err := s.v1Image(res)
	return img, res, err
}

// Add stores a linux/arm64 image made here (docker commit's) and names it
// ref, or leaves it untagged when ref is empty.
func (s *Store) Add(ctx context.Context, img v1.Image, ref string) (*Image, error) {
	key := ""
	if ref != "" {
		r, err := ParseReference(ref)
		if err != nil {
			return nil, err
		}
		if r.Digest != "" {
			return nil, fmt.Errorf("%s: name the image with a tag, not a digest", ref)
		}
		key = r.key()
	}
	done, err := s.writing()
	if err != nil {
		return nil, err
	}
	defer done()
	rec, err := s.putImage(ctx, img, "the image", nil)
	if err != nil {
		return nil, err
	}
	if key == "" {
		key = untagged + rec.Manifest.Digest.String()
	}
	if err := s.register([]string{key}, rec); err != nil {
		return nil, err
	}
	return &Image{Name: key, Record: rec}, nil
}
