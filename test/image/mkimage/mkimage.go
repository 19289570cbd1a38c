// Package mkimage builds OCI images from host directories and pushes them
// to a registry, for the image tests (test/image) and the image benchmark
// (test/bench/image.sh). Layers are built in memory, compressed once, and
// keep the files' owners, modes, symlinks and hardlinks as the directory has
// them, the way a layer of `docker build` would.
package mkimage

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// epoch is the modification time of the files a FilesLayer makes, fixed so
// that a layer's digest depends only on its content.
var epoch = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// layer is a gzip-compressed layer held in memory, both digests computed
// while it was written.
type layer struct {
	gz             []byte
	digest, diffID v1.Hash
}

func (l *layer) Digest() (v1.Hash, error) { return l.digest, nil }
func (l *layer) DiffID() (v1.Hash, error) { return l.diffID, nil }
func (l *layer) Size() (int64, error)     { return int64(len(l.gz)), nil }
func (l *layer) MediaType() (types.MediaType, error) {
	return types.OCILayer, nil
}
func (l *layer) Compressed() (io.ReadCloser, error) {
	return io.NopCloser(bytes.NewReader(l.gz)), nil
}
func (l *layer) Uncompressed() (io.ReadCloser, error) {
	return gzip.NewReader(bytes.NewReader(l.gz))
}

// newLayer runs write on a tar writer and returns the compressed layer.
// BestSpeed: a 200 MB root compresses in a couple of seconds; the ratio is
// not what the tests measure.
func newLayer(write func(tw *tar.Writer) error) (v1.Layer, error) {
	var gzBuf bytes.Buffer
	gzHash, tarHash := sha256.New(), sha256.New()
	zw, err := gzip.NewWriterLevel(io.MultiWriter(&gzBuf, gzHash), gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	tw := tar.NewWriter(io.MultiWriter(zw, tarHash))
	if err := write(tw); err != nil {
		return nil, err
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	h := func(b []byte) v1.Hash { return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(b)} }
	return &layer{gz: gzBuf.Bytes(), digest: h(gzHash.Sum(nil)), diffID: h(tarHash.Sum(nil))}, nil
}

// DirLayer is a layer holding the tree under root, names relative to it,
// except the top-level names listed in skip.
func DirLayer(root string, skip ...string) (v1.Layer, error) {
	return newLayer(func(tw *tar.Writer) error {
		links := map[[2]uint64]string{} // (dev, inode) → first name, for hardlinks
		return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, err := filepath.Rel(root, p)
			if err != nil || rel == "." {
				return err
			}
			rel = filepath.ToSlash(rel)
			for _, s := range skip {
				if rel == s {
					if d.IsDir() {
						return filepath.SkipDir
					}
					return nil
				}
			}
			return addPath(tw, p, rel, links)
		})
	})
}

// addPath writes the header (and content) of the host file p as name.
func addPath(tw *tar.Writer, p, name string, links map[[2]uint64]string) error {
	fi, err := os.Lstat(p)
	if err != nil {
		return err
	}
	target := ""
	if fi.Mode()&fs.ModeSymlink != 0 {
		if target, err = os.Readlink(p); err != nil {
			return err
		}
	}
	hdr, err := tar.FileInfoHeader(fi, target)
	if err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	hdr.Name = name
	if fi.IsDir() {
		hdr.Name += "/"
	}
	// Host user names mean nothing in the guest; numeric ids are the truth.
	hdr.Uname, hdr.Gname = "", ""
	hdr.AccessTime, hdr.ChangeTime = time.Time{}, time.Time{}
	hdr.Format = tar.FormatPAX
	st, _ := fi.Sys().(*syscall.Stat_t)
	if st != nil && fi.Mode().IsRegular() && st.Nlink > 1 {
		key := [2]uint64{uint64(st.Dev), st.Ino}
		if first, ok := links[key]; ok {
			hdr.Typeflag, hdr.Linkname, hdr.Size = tar.TypeLink, first, 0
			return tw.WriteHeader(hdr)
		}
		links[key] = name
	}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return nil
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(tw, f)
	return err
}

// File is one entry of a FilesLayer.
type File struct {
	Path     string      // absolute guest path
	Body     string      // content of a regular file
	Mode     fs.FileMode // permission bits; fs.ModeDir for a directory
	UID, GID int
	Whiteout bool // delete Path from the layers below (an OCI whiteout)
	// HardLink makes Path a hard link to this absolute path, which may be
	// a file of a layer below.
	HardLink string
}

// FilesLayer is a layer holding files, in the order given (parents first).
func FilesLayer(files ...File) (v1.Layer, error) {
	return newLayer(func(tw *tar.Writer) error {
		for _, f := range files {
			name := strings.TrimPrefix(path.Clean(f.Path), "/")
			hdr := &tar.Header{Name: name, Mode: int64(f.Mode.Perm()), Uid: f.UID, Gid: f.GID,
				ModTime: epoch, Format: tar.FormatPAX}
			switch {
			case f.Whiteout:
				hdr.Name = path.Join(path.Dir(name), ".wh."+path.Base(name))
				hdr.Typeflag, hdr.Mode = tar.TypeReg, 0o644
			case f.HardLink != "":
				hdr.Typeflag, hdr.Linkname = tar.TypeLink, strings.TrimPrefix(path.Clean(f.HardLink), "/")
			case f.Mode.IsDir():
				hdr.Typeflag, hdr.Name = tar.TypeDir, name+"/"
			default:
				hdr.Typeflag, hdr.Size = tar.TypeReg, int64(len(f.Body))
			}
			if err := tw.WriteHeader(hdr); err != nil {
				return err
			}
			if hdr.Size > 0 {
				if _, err := io.WriteString(tw, f.Body); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// Image is a linux/ARCH OCI image of layers, bottom first, with cfg as its
// runtime configuration.
func Image(arch string, cfg v1.Config, layers ...v1.Layer) (v1.Image, error) {
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	cf, err := base.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Config, cf.Created = "linux", arch, cfg, v1.Time{Time: epoch}
	img, err := mutate.ConfigFile(base, cf)
	if err != nil {
		return nil, err
	}
	adds := make([]mutate.Addendum, len(layers))
	for i, l := range layers {
		adds[i] = mutate.Addendum{Layer: l, History: v1.History{Created: v1.Time{Time: epoch},
			CreatedBy: fmt.Sprintf("mkimage layer %d", i+1)}}
	}
	return mutate.Append(img, adds...)
}

// Index is an OCI image index of images, each under its config's platform.
func Index(images ...v1.Image) (v1.ImageIndex, error) {
	var adds []mutate.IndexAddendum
	for _, img := range images {
		cf, err := img.ConfigFile()
		if err != nil {
			return nil, err
		}
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
			Platform: &v1.Platform{OS: cf.OS, Architecture: cf.Architecture}}})
	}
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	return mutate.AppendManifests(idx, adds...), nil
}

// Push writes an image or an image index to ref. Registries on loopback
// are spoken to in plain HTTP (go-containerregistry's rule for Insecure).
func Push(ctx context.Context, ref string, what any) error {
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		return err
	}
	switch w := what.(type) {
	case v1.Image:
		return remote.Write(r, w, remote.WithContext(ctx))
	case v1.ImageIndex:
		return remote.WriteIndex(r, w, remote.WithContext(ctx))
	}
	return fmt.Errorf("push %s: %T is neither an image nor an index", ref, what)
}
