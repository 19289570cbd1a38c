package container

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/carrick-go/carrick/image"
	"github.com/carrick-go/carrick/rootfs"
)

// CommitOptions are docker commit's.
type CommitOptions struct {
	Message string // the new layer's history comment (-m)
	Author  string // the image's author (-a)
}

// Commit makes an image of the container: its image with one more layer,
// the container's own directory (the overlay's upper layer, whose
// whiteouts are already OCI's), and the container's command and
// environment as the image's config, as docker commit does. ref names it
// (empty: untagged).
func (s *Store) Commit(r *Record, ref string, o CommitOptions) (*image.Image, error) {
	base, _, err := s.Images.V1Image(r.ImageID.String())
	if err != nil {
		return nil, fmt.Errorf("the container's image %s: %w", ShortID(r.ImageID.Encoded()), err)
	}
	mt, err := base.MediaType()
	if err != nil {
		return nil, err
	}
	layerType := types.DockerLayer
	if mt == types.OCIManifestSchema1 {
		layerType = types.OCILayer
	}
	tmp, err := os.CreateTemp(filepath.Join(s.Images.Root(), "tmp"), "commit-*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := s.writeUpper(r, tmp); err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromFile(tmp.Name(), tarball.WithMediaType(layerType))
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	img, err := mutate.Append(base, mutate.Addendum{Layer: layer, History: v1.History{
		Created: v1.Time{Time: now}, CreatedBy: strings.Join(r.Args, " "), Comment: o.Message, Author: o.Author}})
	if err != nil {
		return nil, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Created, cf.Author = v1.Time{Time: now}, o.Author
	if len(r.Entrypoint)+len(r.Cmd) > 0 { // a record from before they were kept: the image's
		cf.Config.Entrypoint, cf.Config.Cmd = r.Entrypoint, r.Cmd
	}
	cf.Config.Env = commitEnv(r, cf.Config.Env)
	cf.Config.WorkingDir, cf.Config.User = r.WorkingDir, r.User
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		return nil, err
	}
	return s.Images.Add(context.Background(), img, ref)
}

// commitEnv is the container's environment without what carrick added
// for it alone (buildEnv), as docker's committed config has only what the
// image and the user set: HOSTNAME, and HOME, TERM and the default PATH
// where the image had none.
func commitEnv(r *Record, imageEnv []string) []string {
	had := map[string]bool{}
	for _, kv := range imageEnv {
		k, _, _ := strings.Cut(kv, "=")
		had[k] = true
	}
	var out []string
	for _, kv := range r.Env {
		k, v, _ := strings.Cut(kv, "=")
		switch {
		case k == "HOSTNAME",
			k == "HOME" && !had[k],
			k == "TERM" && v == "xterm" && r.TTY && !had[k],
			k == "PATH" && v == defaultPath && !had[k]:
			continue
		}
		out = append(out, kv)
	}
	return out
}

// writeUpper writes the container's own directory to f as a gzipped
// layer tar, through a view of it alone (so owners come out as the
// container's, in either metadata mode). Whiteout markers are OCI's
// already; copy-ups in progress and the mount points made for volumes
// are left out.
func (s *Store) writeUpper(r *Record, f *os.File) error {
	fs, err := rootfs.New(r.Rootfs, rootfs.Options{Metadata: s.Metadata.RootfsMode()})
	if err != nil {
		return err
	}
	defer fs.Close()
	mountPoint := map[string]bool{}
	for _, m := range r.Mounts {
		mountPoint[path.Clean(m.Destination)] = true
	}
	zw := gzip.NewWriter(f)
	tw := tar.NewWriter(zw)
	w := &treeWriter{fs: fs, tw: tw, links: map[[2]uint64]string{}, skip: func(p string) bool {
		base := path.Base(p)
		return mountPoint[p] || strings.HasPrefix(base, ".wh..wh.") && base != ".wh..wh..opq"
	}}
	if err := w.add("/", "."); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Sync()
}
