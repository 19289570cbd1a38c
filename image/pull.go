package image

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// Platform is the only platform carrick runs.
var Platform = ocispec.Platform{OS: "linux", Architecture: "arm64"}

// BlobKind says what a blob is, for progress reports.
type BlobKind string

// Blob kinds.
const (
	KindManifest BlobKind = "manifest"
	KindConfig   BlobKind = "config"
	KindLayer    BlobKind = "layer"
)

// ProgressEvent reports on one blob. Events for a blob come in order:
// one with Started, any number with Written growing, one with Done.
type ProgressEvent struct {
	Digest  digest.Digest
	Kind    BlobKind
	Size    int64 // expected size, -1 if unknown
	Written int64 // bytes stored so far
	Started bool
	Done    bool
	Cached  bool  // with Done: the store already had it, nothing was transferred
	Err     error // with Done: the blob failed
}

// Progress receives pull and load progress. Calls are serialized, but
// events of the layers being transferred at once interleave.
type Progress interface {
	Update(ProgressEvent)
}

// PullOptions tune a pull.
type PullOptions struct {
	// Insecure allows plain HTTP (and unverified TLS) to the registry.
	// Localhost and loopback registries use HTTP without it.
	Insecure bool
	// Keychain supplies credentials; nil means ~/.docker/config.json and
	// its credential helpers (authn.DefaultKeychain).
	Keychain authn.Keychain
	// Transport replaces the HTTP transport (tests, proxies).
	Transport http.RoundTripper
	Progress  Progress
}

// Pull fetches ref's linux/arm64 image into the store and records ref.
func (s *Store) Pull(ctx context.Context, ref string, opts PullOptions) (*Image, error) {
	r, err := ParseReference(ref)
	if err != nil {
		return nil, err
	}
	var nopts []name.Option
	if opts.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	nref, err := name.ParseReference(r.remote(), nopts...)
	if err != nil {
		return nil, fmt.Errorf("pull %s: %w", r, err)
	}
	kc := opts.Keychain
	if kc == nil {
		kc = authn.DefaultKeychain
	}
	ropts := []remote.Option{remote.WithContext(ctx), remote.WithAuthFromKeychain(kc)}
	if opts.Transport != nil {
		ropts = append(ropts, remote.WithTransport(opts.Transport))
	} else if opts.Insecure {
		t := remote.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig.InsecureSkipVerify = true
		ropts = append(ropts, remote.WithTransport(t))
	}

	desc, err := remote.Get(nref, ropts...)
	if err != nil {
		return nil, fmt.Errorf("pull %s: %w", r, err)
	}
	var img v1.Image
	if desc.MediaType.IsIndex() {
		idx, err := desc.ImageIndex()
		if err != nil {
			return nil, fmt.Errorf("pull %s: %w", r, err)
		}
		if img, err = chooseImage(idx, r.String()); err != nil {
			return nil, err
		}
	} else if img, err = desc.Image(); err != nil {
		return nil, fmt.Errorf("pull %s: %w", r, err)
	}

	done, err := s.writing()
	if err != nil {
		return nil, err
	}
	defer done()
	rec, err := s.putImage(ctx, img, r.String(), opts.Progress)
	if err != nil {
		return nil, fmt.Errorf("pull %s: %w", r, err)
	}
	rec.RepoDigest = digest.Digest(desc.Digest.String())
	if err := s.register([]string{r.key()}, rec); err != nil {
		return nil, err
	}
	return &Image{Name: r.key(), Record: rec}, nil
}

// chooseImage picks the linux/arm64 image of a multi-platform index.
func chooseImage(idx v1.ImageIndex, what string) (v1.Image, error) {
	im, err := idx.IndexManifest()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	var have []string
	for _, m := range im.Manifests {
		if !m.MediaType.IsImage() {
			continue
		}
		p := m.Platform
		if p == nil {
			continue
		}
		if p.OS == Platform.OS && p.Architecture == Platform.Architecture && (p.Variant == "" || p.Variant == "v8") {
			img, err := idx.Image(m.Digest)
			if err == nil {
				err = checkManifest(img, m.Digest)
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %w", what, err)
			}
			return img, nil
		}
		if p.OS != "unknown" { // attestation manifests
			have = append(have, platformString(p.OS, p.Architecture, p.Variant))
		}
	}
	sort.Strings(have)
	if len(have) == 0 {
		return nil, fmt.Errorf("%s has no %s image (its index names no platforms)", what, platformString(Platform.OS, Platform.Architecture, ""))
	}
	return nil, fmt.Errorf("%s has no %s image; it has %s", what, platformString(Platform.OS, Platform.Architecture, ""), strings.Join(have, ", "))
}

// checkManifest verifies that img's manifest is the one its index names:
// an archive's blobs are read from files nothing else checks.
func checkManifest(img v1.Image, want v1.Hash) error {
	raw, err := img.RawManifest()
	if err != nil {
		return err
	}
	if got := digest.FromBytes(raw); got.String() != want.String() {
		return fmt.Errorf("manifest %s: content has digest %s", want, got)
	}
	return nil
}

func platformString(os, arch, variant string) string {
	s := os + "/" + arch
	if variant != "" {
		s += "/" + variant
	}
	return s
}

// putImage stores img's config, layers and then manifest, and returns the
// record to register. The image must be linux/arm64.
func (s *Store) putImage(ctx context.Context, img v1.Image, what string, pr Progress) (Record, error) {
	var rec Record
	raw, err := img.RawManifest()
	if err != nil {
		return rec, err
	}
	m, err := parseManifest(raw)
	if err != nil {
		return rec, err
	}
	mt, err := img.MediaType()
	if err != nil {
		return rec, err
	}
	cfgRaw, err := img.RawConfigFile()
	if err != nil {
		return rec, err
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return rec, err
	}
	if cf.OS != Platform.OS || cf.Architecture != Platform.Architecture {
		return rec, fmt.Errorf("%s is a %s image; carrick runs %s images only", what,
			platformString(cf.OS, cf.Architecture, cf.Variant), platformString(Platform.OS, Platform.Architecture, ""))
	}
	var prMu sync.Mutex // Progress calls are serialized
	put := func(ctx context.Context, d digest.Digest, size int64, kind BlobKind, open func() (io.ReadCloser, error)) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		report := func(e ProgressEvent) {
			if pr != nil {
				e.Digest, e.Kind, e.Size = d, kind, size
				prMu.Lock()
				pr.Update(e)
				prMu.Unlock()
			}
		}
		report(ProgressEvent{Started: true})
		if s.HasBlob(d) {
			report(ProgressEvent{Done: true, Cached: true, Written: size})
			return nil
		}
		rc, err := open()
		if err == nil {
			err = s.WriteBlob(d, size, &progressReader{ctx: ctx, r: rc, report: report})
			rc.Close()
		}
		report(ProgressEvent{Done: true, Err: err, Written: size})
		return err
	}
	bytesOf := func(b []byte) func() (io.ReadCloser, error) {
		return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	if err := put(ctx, m.Config.Digest, m.Config.Size, KindConfig, bytesOf(cfgRaw)); err != nil {
		return rec, err
	}
	if err := s.putLayers(ctx, img, m.Layers, put); err != nil {
		return rec, err
	}
	md := digest.FromBytes(raw)
	if err := put(ctx, md, int64(len(raw)), KindManifest, bytesOf(raw)); err != nil {
		return rec, err
	}
	p := Platform
	p.Variant = cf.Variant
	rec = Record{
		Manifest: ocispec.Descriptor{MediaType: string(mt), Digest: md, Size: int64(len(raw)), Platform: &p},
		Config:   m.Config.Digest,
		Added:    time.Now().UTC(),
	}
	return rec, nil
}

// parallelLayers is how many layers a pull or load transfers at once, as
// docker's default max-concurrent-downloads.
const parallelLayers = 3

type putFunc func(ctx context.Context, d digest.Digest, size int64, kind BlobKind, open func() (io.ReadCloser, error)) error

// putLayers stores layers, parallelLayers at a time; the first failure
// cancels the rest.
func (s *Store) putLayers(ctx context.Context, img v1.Image, layers []ocispec.Descriptor, put putFunc) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	sem := make(chan struct{}, parallelLayers)
	var wg sync.WaitGroup
	for _, l := range layers {
		h, err := v1.NewHash(l.Digest.String())
		if err != nil {
			cancel(err)
			break
		}
		open := func() (io.ReadCloser, error) {
			layer, err := img.LayerByDigest(h)
			if err != nil {
				return nil, err
			}
			return layer.Compressed()
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := put(ctx, l.Digest, l.Size, KindLayer, open); err != nil {
				cancel(err) // the first cause wins
			}
		}()
	}
	wg.Wait()
	return context.Cause(ctx)
}

// progressReader reports bytes read, at most every 256 KiB, and stops on
// cancellation.
type progressReader struct {
	ctx     context.Context
	r       io.Reader
	n, last int64
	report  func(ProgressEvent)
}

func (p *progressReader) Read(b []byte) (int, error) {
	if err := p.ctx.Err(); err != nil {
		return 0, err
	}
	n, err := p.r.Read(b)
	p.n += int64(n)
	if p.n-p.last >= 256<<10 || (err == io.EOF && p.n != p.last) {
		p.last = p.n
		p.report(ProgressEvent{Written: p.n})
	}
	return n, err
}
