package unpack

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
)

// digestRE is an OCI digest (algorithm:encoded), which is also a safe
// single file name.
var digestRE = regexp.MustCompile(`^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$`)

// LayerDir returns where layer digest lives in cacheDir.
func LayerDir(cacheDir, digest string) (string, error) {
	if !digestRE.MatchString(digest) {
		return "", fmt.Errorf("unpack: bad digest %q", digest)
	}
	return filepath.Join(cacheDir, digest), nil
}

// Unpack unpacks the uncompressed layer tar with this digest into
// cacheDir/<digest> once and returns that directory. Whiteouts are kept as
// marker files (Options.KeepWhiteouts is forced). The tree is built in a
// temporary directory beside it and renamed into place, so the cache
// never holds a partial layer: a failed unpack leaves nothing, and of two
// concurrent unpacks of one digest the first rename wins. The digest is
// trusted: the caller verifies the blob it decompresses.
func Unpack(cacheDir, digest string, layer io.Reader, opts Options) (string, error) {
	final, err := LayerDir(cacheDir, digest)
	if err != nil {
		return "", err
	}
	if _, err := os.Lstat(final); err == nil {
		return final, nil
	}
	if err := os.MkdirAll(cacheDir, 0o700); err != nil {
		return "", fmt.Errorf("unpack: %w", err)
	}
	tmp, err := os.MkdirTemp(cacheDir, ".tmp-")
	if err != nil {
		return "", fmt.Errorf("unpack: %w", err)
	}
	opts.KeepWhiteouts = true
	if err := Apply(tmp, layer, opts); err != nil {
		os.RemoveAll(tmp)
		return "", fmt.Errorf("unpack %s: %w", digest, err)
	}
	if err := os.Rename(tmp, final); err != nil {
		os.RemoveAll(tmp)
		if _, serr := os.Lstat(final); serr == nil {
			return final, nil // another unpack got there first
		}
		return "", fmt.Errorf("unpack %s: %w", digest, err)
	}
	return final, nil
}

// Lowers returns the cached directories of an image's layers, in the
// manifest's order (base first), checking each is there. overlayfs's
// lowerdir lists the same directories top first.
func Lowers(cacheDir string, digests []string) ([]string, error) {
	out := make([]string, 0, len(digests))
	for _, d := range digests {
		dir, err := LayerDir(cacheDir, d)
		if err != nil {
			return nil, err
		}
		st, err := os.Stat(dir)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("unpack: layer %s is not unpacked", d)
		}
		if err != nil {
			return nil, fmt.Errorf("unpack: %w", err)
		}
		if !st.IsDir() {
			return nil, fmt.Errorf("unpack: %s is not a directory", dir)
		}
		out = append(out, dir)
	}
	return out, nil
}
