package container

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/klauspost/compress/zstd"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/carrick-go/carrick/image"
	"github.com/carrick-go/carrick/image/unpack"
)

// layers unpacks the image's layers that are not in the cache yet and
// returns their directories, top first (rootfs's and overlayfs's order).
func (s *Store) layers(img *image.Resolved) ([]string, error) {
	var digests, below []string // below: the layers under the next, top first
	for _, l := range img.Manifest.Layers {
		dir, err := unpack.LayerDir(s.LayersDir(), l.Digest.String())
		if err != nil {
			return nil, err
		}
		if _, err := os.Lstat(dir); err != nil {
			if err := s.unpackLayer(l, below); err != nil {
				return nil, err
			}
		}
		digests = append(digests, l.Digest.String())
		below = append([]string{dir}, below...)
	}
	lowers, err := unpack.Lowers(s.LayersDir(), digests)
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(lowers)-1; i < j; i, j = i+1, j-1 {
		lowers[i], lowers[j] = lowers[j], lowers[i]
	}
	return lowers, nil
}

// unpackLayer unpacks one layer blob into the cache (all or nothing:
// unpack.Unpack renames a complete tree into place).
// A hard link to a file of the layers below becomes a copy of it
// (unpack.Options.Lowers): the cached layer then holds what this image's
// lower layers had there, which any image sharing the layer's digest has
// too, unless its lower layers differ at that one path.
func (s *Store) unpackLayer(l ocispec.Descriptor, below []string) error {
	f, err := os.Open(s.Images.BlobPath(l.Digest))
	if err != nil {
		return fmt.Errorf("layer %s: %w", l.Digest, err)
	}
	defer f.Close()
	r, err := decompress(l.MediaType, bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return fmt.Errorf("layer %s: %w", l.Digest, err)
	}
	defer r.Close()
	_, err = unpack.Unpack(s.LayersDir(), l.Digest.String(), r, unpack.Options{Metadata: s.Metadata, Lowers: below})
	return err
}

// decompress reads a layer as a plain tar. The magic decides (gzip, zstd
// or none): some tools label gzip layers as plain tar; a layer whose
// media type names a compression it lacks is refused.
func decompress(mediaType string, r *bufio.Reader) (io.ReadCloser, error) {
	magic, _ := r.Peek(4)
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		return unpack.Gunzip(r)
	case len(magic) == 4 && string(magic) == "\x28\xb5\x2f\xfd":
		d, err := zstd.NewReader(r)
		if err != nil {
			return nil, err
		}
		return d.IOReadCloser(), nil
	case strings.Contains(mediaType, "zstd") || strings.Contains(mediaType, "gzip"):
		return nil, fmt.Errorf("layer is not %s", mediaType)
	}
	return io.NopCloser(r), nil
}

// overlayRoot: rootfs serves the layers beneath the container's own
// directory (rootfs.Options.Lowers); false copies the image into it.
const overlayRoot = true

// fill copies the image's layers into a container's root when there is no
// overlay.
func (s *Store) fill(r *Record, img *image.Resolved) error {
	if overlayRoot {
		return nil
	}
	r.Lowers = nil
	for _, l := range img.Manifest.Layers {
		f, err := os.Open(s.Images.BlobPath(l.Digest))
		if err != nil {
			return err
		}
		rd, err := decompress(l.MediaType, bufio.NewReaderSize(f, 1<<20))
		if err == nil {
			err = unpack.Apply(r.Rootfs, rd, unpack.Options{Metadata: s.Metadata})
			rd.Close()
		}
		f.Close()
		if err != nil {
			return fmt.Errorf("layer %s: %w", l.Digest, err)
		}
	}
	return nil
}
