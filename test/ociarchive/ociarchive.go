// Package ociarchive builds an OCI image-layout tar archive (what
// `ctr image import`, `skopeo ... oci-archive:` and umoci read) of one
// single-layer image from a root filesystem directory. The containerd
// end-to-end tests of carrick's shim use it to turn the arm64 fixture roots
// (test/fixtures/rootfs.sh) into images without a registry or a builder.
//
// The archive is reproducible: the same tree and Options give the same
// bytes. The walk is sorted, the layer records each file's own mode,
// owner and mtime (whole seconds) and nothing of the host (no user or group
// names, no atime or ctime), and the gzip header has no name or mtime.
package ociarchive

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Media types and annotation keys of the OCI image spec and containerd.
const (
	MediaTypeIndex    = "application/vnd.oci.image.index.v1+json"
	MediaTypeManifest = "application/vnd.oci.image.manifest.v1+json"
	MediaTypeConfig   = "application/vnd.oci.image.config.v1+json"
	MediaTypeLayerGz  = "application/vnd.oci.image.layer.v1.tar+gzip"

	// AnnotationRefName names the image in an OCI layout (skopeo, umoci).
	AnnotationRefName = "org.opencontainers.image.ref.name"
	// AnnotationImageName is what `ctr image import` names the image by;
	// it takes precedence over AnnotationRefName there.
	AnnotationImageName = "io.containerd.image.name"
)

// DefaultExclude is always left out of the layer: the fixture roots carry
// the oracle's x86_64 emulator, which has no business in an arm64 image.
var DefaultExclude = []string{"qemu-aarch64-static"}

// Options describe the image.
type Options struct {
	Ref          string   // full image reference, e.g. "carrick.test/busybox:latest"
	Architecture string   // default "arm64"
	OS           string   // default "linux"
	Env          []string // config.Env, "NAME=value"
	Cmd          []string
	Entrypoint   []string
	WorkingDir   string
	// Exclude lists root-relative paths to leave out, in addition to
	// DefaultExclude; a directory is left out with everything under it.
	Exclude []string
	// Created is the image's creation time (config.created and its history
	// entry); fixed by the caller for reproducible output. Zero leaves it
	// out.
	Created time.Time
}

// Descriptor is an OCI content descriptor.
type Descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Platform    *Platform         `json:"platform,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Platform is an OCI descriptor's platform.
type Platform struct {
	Architecture string `json:"architecture"`
	OS           string `json:"os"`
}

// Index is the OCI image index (index.json).
type Index struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Manifests     []Descriptor `json:"manifests"`
}

// Manifest is an OCI image manifest.
type Manifest struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType"`
	Config        Descriptor   `json:"config"`
	Layers        []Descriptor `json:"layers"`
}

// Config is an OCI image configuration.
type Config struct {
	Created      *time.Time    `json:"created,omitempty"`
	Architecture string        `json:"architecture"`
	OS           string        `json:"os"`
	Config       ExecConfig    `json:"config"`
	RootFS       RootFS        `json:"rootfs"`
	History      []HistoryItem `json:"history,omitempty"`
}

// ExecConfig is the part of Config a runtime turns into the process.
type ExecConfig struct {
	Env        []string `json:"Env,omitempty"`
	Entrypoint []string `json:"Entrypoint,omitempty"`
	Cmd        []string `json:"Cmd,omitempty"`
	WorkingDir string   `json:"WorkingDir,omitempty"`
}

// RootFS lists the uncompressed layers' digests.
type RootFS struct {
	Type    string   `json:"type"`
	DiffIDs []string `json:"diff_ids"`
}

// HistoryItem is one entry of Config.History.
type HistoryItem struct {
	Created   *time.Time `json:"created,omitempty"`
	CreatedBy string     `json:"created_by,omitempty"`
	Comment   string     `json:"comment,omitempty"`
}

// Build writes to w an OCI image-layout tar of one image whose single layer
// is the tree at rootfs. The compressed layer is staged in a temporary file
// (its digest and size go into the manifest, which precedes it).
func Build(w io.Writer, rootfs string, o Options) error {
	if o.Ref == "" {
		return errors.New("ociarchive: empty Ref")
	}
	if o.Architecture == "" {
		o.Architecture = "arm64"
	}
	if o.OS == "" {
		o.OS = "linux"
	}
	exclude, err := excludeSet(o.Exclude)
	if err != nil {
		return err
	}
	// WalkDir does not follow a symlinked root.
	if rootfs, err = filepath.EvalSymlinks(rootfs); err != nil {
		return err
	}

	tmp, err := os.CreateTemp("", "ociarchive-layer-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()

	gzDigest := sha256.New()
	gzSize := &countWriter{}
	// BestSpeed: half the time of the default level on the debian root
	// (3-4 s against 7) for an archive 13% bigger; these are test images.
	zw, err := gzip.NewWriterLevel(io.MultiWriter(tmp, gzDigest, gzSize), gzip.BestSpeed)
	if err != nil {
		return err
	}
	diffDigest := sha256.New()
	if err := writeLayer(io.MultiWriter(zw, diffDigest), rootfs, exclude); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	layer := Descriptor{MediaType: MediaTypeLayerGz, Digest: digestOf(gzDigest), Size: gzSize.n}

	var created *time.Time
	if !o.Created.IsZero() {
		t := o.Created.UTC()
		created = &t
	}
	config, err := json.Marshal(Config{
		Created:      created,
		Architecture: o.Architecture,
		OS:           o.OS,
		Config: ExecConfig{
			Env:        o.Env,
			Entrypoint: o.Entrypoint,
			Cmd:        o.Cmd,
			WorkingDir: o.WorkingDir,
		},
		RootFS: RootFS{Type: "layers", DiffIDs: []string{digestOf(diffDigest)}},
		History: []HistoryItem{{
			Created:   created,
			CreatedBy: "carrick test/ociarchive.Build",
			Comment:   "carrick test image",
		}},
	})
	if err != nil {
		return err
	}
	manifest, err := json.Marshal(Manifest{
		SchemaVersion: 2,
		MediaType:     MediaTypeManifest,
		Config:        descriptorOf(MediaTypeConfig, config),
		Layers:        []Descriptor{layer},
	})
	if err != nil {
		return err
	}
	md := descriptorOf(MediaTypeManifest, manifest)
	md.Platform = &Platform{Architecture: o.Architecture, OS: o.OS}
	md.Annotations = map[string]string{
		AnnotationRefName:   o.Ref,
		AnnotationImageName: o.Ref,
	}
	index, err := json.Marshal(Index{SchemaVersion: 2, MediaType: MediaTypeIndex, Manifests: []Descriptor{md}})
	if err != nil {
		return err
	}

	tw := tar.NewWriter(w)
	// Explicit directory entries: skopeo, run by a user other than root,
	// fails to chown the directories it has to make up for missing ones.
	for _, dir := range []string{"blobs/", "blobs/sha256/"} {
		hdr := archiveHeader(dir, 0, o.Created)
		hdr.Typeflag, hdr.Mode = tar.TypeDir, 0o755
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
	}
	for _, f := range []struct {
		name string
		data []byte
	}{
		{"oci-layout", []byte(`{"imageLayoutVersion":"1.0.0"}`)},
		{"index.json", index},
		{blobPath(md.Digest), manifest},
		{blobPath(descriptorOf("", config).Digest), config},
	} {
		if err := writeFile(tw, f.name, f.data, o.Created); err != nil {
			return err
		}
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	hdr := archiveHeader(blobPath(layer.Digest), layer.Size, o.Created)
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	if n, err := io.Copy(tw, tmp); err != nil {
		return err
	} else if n != layer.Size {
		return fmt.Errorf("ociarchive: staged layer is %d bytes, wrote %d", layer.Size, n)
	}
	return tw.Close()
}

// writeLayer writes an uncompressed layer tar of the tree at rootfs to w,
// leaving out the root-relative paths in exclude (and what is under them).
// Entries are in sorted walk order, named relative to the root without a
// leading "./", directories with a trailing "/"; the root itself has no
// entry. A regular file met again through another hard link becomes a
// TypeLink to the first name. Sockets are skipped (tar cannot hold them).
func writeLayer(w io.Writer, rootfs string, exclude map[string]bool) error {
	tw := tar.NewWriter(w)
	links := map[[2]uint64]string{} // (dev, ino) -> first name, for hard links
	err := filepath.WalkDir(rootfs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(rootfs, p)
		if err != nil {
			return err
		}
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if exclude[rel] {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		hdr, err := entryHeader(p, rel, fi, links)
		if err != nil || hdr == nil {
			return err
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("ociarchive: %s: %w", rel, err)
		}
		if hdr.Typeflag != tar.TypeReg || hdr.Size == 0 {
			return nil
		}
		return copyFile(tw, p, hdr.Size)
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// entryHeader is the tar header of one file, or nil for one tar cannot
// hold. It records hard links it meets in links.
func entryHeader(p, rel string, fi fs.FileInfo, links map[[2]uint64]string) (*tar.Header, error) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil, fmt.Errorf("ociarchive: %s: no stat_t", rel)
	}
	hdr := &tar.Header{
		Name:    rel,
		Mode:    int64(fi.Mode().Perm()),
		Uid:     int(st.Uid),
		Gid:     int(st.Gid),
		ModTime: fi.ModTime().Truncate(time.Second),
	}
	// tar keeps setuid, setgid and sticky in the mode's high bits.
	if fi.Mode()&fs.ModeSetuid != 0 {
		hdr.Mode |= 0o4000
	}
	if fi.Mode()&fs.ModeSetgid != 0 {
		hdr.Mode |= 0o2000
	}
	if fi.Mode()&fs.ModeSticky != 0 {
		hdr.Mode |= 0o1000
	}
	switch m := fi.Mode(); {
	case m.IsRegular():
		key := [2]uint64{uint64(st.Dev), uint64(st.Ino)}
		if st.Nlink > 1 {
			if first, seen := links[key]; seen {
				hdr.Typeflag = tar.TypeLink
				hdr.Linkname = first
				return hdr, nil
			}
			links[key] = rel
		}
		hdr.Typeflag = tar.TypeReg
		hdr.Size = fi.Size()
	case m.IsDir():
		hdr.Typeflag = tar.TypeDir
		hdr.Name += "/"
	case m&fs.ModeSymlink != 0:
		target, err := os.Readlink(p)
		if err != nil {
			return nil, err
		}
		hdr.Typeflag = tar.TypeSymlink
		hdr.Linkname = target
	case m&fs.ModeDevice != 0:
		hdr.Typeflag = tar.TypeBlock
		if m&fs.ModeCharDevice != 0 {
			hdr.Typeflag = tar.TypeChar
		}
		hdr.Devmajor = int64(unix.Major(uint64(st.Rdev)))
		hdr.Devminor = int64(unix.Minor(uint64(st.Rdev)))
	case m&fs.ModeNamedPipe != 0:
		hdr.Typeflag = tar.TypeFifo
	default:
		return nil, nil
	}
	return hdr, nil
}

// copyFile copies exactly size bytes of the file at p into tw; a file
// that changed size since it was stat'ed is an error, not a corrupt tar.
func copyFile(tw *tar.Writer, p string, size int64) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	n, err := io.Copy(tw, io.LimitReader(f, size))
	if err != nil {
		return err
	}
	if n != size {
		return fmt.Errorf("ociarchive: %s shrank from %d to %d bytes while archived", p, size, n)
	}
	return nil
}

// excludeSet is DefaultExclude and extra as cleaned root-relative paths.
func excludeSet(extra []string) (map[string]bool, error) {
	set := map[string]bool{}
	for _, e := range append(append([]string{}, DefaultExclude...), extra...) {
		c := path.Clean("/" + filepath.ToSlash(e))
		if c == "/" {
			return nil, fmt.Errorf("ociarchive: exclude %q is the whole root", e)
		}
		set[strings.TrimPrefix(c, "/")] = true
	}
	return set, nil
}

// writeFile adds one small file of the image layout to tw.
func writeFile(tw *tar.Writer, name string, data []byte, mtime time.Time) error {
	if err := tw.WriteHeader(archiveHeader(name, int64(len(data)), mtime)); err != nil {
		return err
	}
	_, err := tw.Write(data)
	return err
}

// archiveHeader is the header of a file of the layout itself (not of the
// image's tree): root-owned, read-only, dated mtime.
func archiveHeader(name string, size int64, mtime time.Time) *tar.Header {
	if mtime.IsZero() {
		mtime = time.Unix(0, 0)
	}
	return &tar.Header{
		Typeflag: tar.TypeReg,
		Name:     name,
		Size:     size,
		Mode:     0o444,
		ModTime:  mtime.Truncate(time.Second),
	}
}

func blobPath(digest string) string {
	return "blobs/sha256/" + strings.TrimPrefix(digest, "sha256:")
}

func descriptorOf(mediaType string, data []byte) Descriptor {
	sum := sha256.Sum256(data)
	return Descriptor{MediaType: mediaType, Digest: "sha256:" + hex.EncodeToString(sum[:]), Size: int64(len(data))}
}

func digestOf(h hash.Hash) string {
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) {
	c.n += int64(len(p))
	return len(p), nil
}
