package image

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/opencontainers/go-digest"
)

// testImage is a random image of the given platform with a config that
// names an entrypoint, so Resolve has something to return.
func testImage(t *testing.T, arch string) v1.Image {
	t.Helper()
	img, err := random.Image(1024, 2)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture = "linux", arch
	cf.Config.Entrypoint = []string{"/bin/sh", "-c"}
	cf.Config.Cmd = []string{"echo " + arch}
	cf.Config.Env = []string{"PATH=/bin"}
	cf.Config.WorkingDir = "/work"
	cf.Config.User = "1000:1000"
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// startRegistry serves an in-memory registry on loopback. wrap, if not
// nil, sees every request first.
func startRegistry(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	var h http.Handler = registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

func push(t *testing.T, ref string, img v1.Image) {
	t.Helper()
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
}

func pushIndex(t *testing.T, ref string, imgs map[string]v1.Image) v1.ImageIndex {
	t.Helper()
	var adds []mutate.IndexAddendum
	for arch, img := range imgs {
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
			Platform: &v1.Platform{OS: "linux", Architecture: arch},
		}})
	}
	idx := mutate.AppendManifests(mutate.IndexMediaType(empty.Index, "application/vnd.oci.image.index.v1+json"), adds...)
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatal(err)
	}
	return idx
}

func openStore(t *testing.T) *Store {
	t.Helper()
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var noAuth = PullOptions{Keychain: authn.NewMultiKeychain()}

func digestOf(t *testing.T, f func() (v1.Hash, error)) digest.Digest {
	t.Helper()
	h, err := f()
	if err != nil {
		t.Fatal(err)
	}
	return digest.Digest(h.String())
}

// checkStored asserts that every blob of img is in s, byte for byte.
func checkStored(t *testing.T, s *Store, img v1.Image) {
	t.Helper()
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range m.Layers {
		layer, err := img.LayerByDigest(l.Digest)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := layer.Compressed()
		if err != nil {
			t.Fatal(err)
		}
		want, _ := io.ReadAll(rc)
		rc.Close()
		got, err := os.ReadFile(s.BlobPath(digest.Digest(l.Digest.String())))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("layer %s: stored %d bytes (err %v), want %d", l.Digest, len(got), err, len(want))
		}
	}
}

type recorder struct {
	mu     sync.Mutex
	events []ProgressEvent
}

func (r *recorder) Update(e ProgressEvent) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func TestPullSingleArch(t *testing.T) {
	host := startRegistry(t, nil)
	img := testImage(t, "arm64")
	push(t, host+"/test/app:1", img)

	s := openStore(t)
	rec := &recorder{}
	opts := noAuth
	opts.Progress = rec
	got, err := s.Pull(context.Background(), host+"/test/app:1", opts)
	if err != nil {
		t.Fatal(err)
	}
	if want := digestOf(t, img.Digest); got.Manifest.Digest != want {
		t.Errorf("manifest %s, want %s", got.Manifest.Digest, want)
	}
	if want := digestOf(t, img.ConfigName); got.ID() != want {
		t.Errorf("ID %s, want %s", got.ID(), want)
	}
	checkStored(t, s, img)

	res, err := s.Resolve(host + "/test/app:1")
	if err != nil {
		t.Fatal(err)
	}
	c := res.Config.Config
	if strings.Join(c.Entrypoint, " ") != "/bin/sh -c" || strings.Join(c.Cmd, " ") != "echo arm64" ||
		c.WorkingDir != "/work" || c.User != "1000:1000" || len(c.Env) != 1 {
		t.Errorf("config %+v", c)
	}
	if res.Config.Architecture != "arm64" || len(res.Manifest.Layers) != 2 {
		t.Errorf("arch %q, %d layers", res.Config.Architecture, len(res.Manifest.Layers))
	}

	// Progress: each of config, 2 layers, manifest started and done, no error.
	started, done := map[digest.Digest]bool{}, map[digest.Digest]bool{}
	for _, e := range rec.events {
		if e.Started {
			started[e.Digest] = true
		}
		if e.Done {
			if e.Err != nil {
				t.Errorf("progress error %v", e.Err)
			}
			done[e.Digest] = true
		}
	}
	if len(started) != 4 || len(done) != 4 {
		t.Errorf("progress: %d started, %d done, want 4", len(started), len(done))
	}

	// A second pull transfers nothing.
	rec.events = nil
	if _, err := s.Pull(context.Background(), host+"/test/app:1", opts); err != nil {
		t.Fatal(err)
	}
	for _, e := range rec.events {
		if e.Done && !e.Cached {
			t.Errorf("second pull fetched %s %s", e.Kind, e.Digest)
		}
	}
}

func TestPullIndexChoosesArm64(t *testing.T) {
	host := startRegistry(t, nil)
	arm, amd := testImage(t, "arm64"), testImage(t, "amd64")
	idx := pushIndex(t, host+"/multi:latest", map[string]v1.Image{"arm64": arm, "amd64": amd})

	s := openStore(t)
	got, err := s.Pull(context.Background(), host+"/multi", noAuth)
	if err != nil {
		t.Fatal(err)
	}
	if want := digestOf(t, arm.Digest); got.Manifest.Digest != want {
		t.Errorf("pulled %s, want the arm64 manifest %s", got.Manifest.Digest, want)
	}
	if want := digestOf(t, idx.Digest); got.RepoDigest != want {
		t.Errorf("repo digest %s, want the index %s", got.RepoDigest, want)
	}
	if got.Name != host+"/multi:latest" {
		t.Errorf("name %q", got.Name)
	}
	if s.HasBlob(digestOf(t, amd.Digest)) {
		t.Error("the amd64 manifest was stored too")
	}
	// Reachable by the index digest too, as docker's name@repo-digest.
	if _, err := s.Resolve(host + "/multi@" + got.RepoDigest.String()); err != nil {
		t.Error(err)
	}
}

func TestPullRefusesOtherArch(t *testing.T) {
	host := startRegistry(t, nil)
	push(t, host+"/amd:1", testImage(t, "amd64"))
	pushIndex(t, host+"/amdidx:1", map[string]v1.Image{"amd64": testImage(t, "amd64"), "s390x": testImage(t, "s390x")})

	s := openStore(t)
	_, err := s.Pull(context.Background(), host+"/amd:1", noAuth)
	if err == nil || !strings.Contains(err.Error(), "linux/amd64") || !strings.Contains(err.Error(), "linux/arm64") {
		t.Errorf("single amd64 image: err %v", err)
	}
	_, err = s.Pull(context.Background(), host+"/amdidx:1", noAuth)
	if err == nil || !strings.Contains(err.Error(), "it has linux/amd64, linux/s390x") {
		t.Errorf("amd64+s390x index: err %v", err)
	}
	if l, _ := s.List(); len(l) != 0 {
		t.Errorf("refused pulls registered %v", l)
	}
}

func TestPullCorruptBlob(t *testing.T) {
	img := testImage(t, "arm64")
	m, _ := img.Manifest()
	bad := m.Layers[1].Digest.String()
	host := startRegistry(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || !strings.HasSuffix(r.URL.Path, "/blobs/"+bad) {
				h.ServeHTTP(w, r)
				return
			}
			rr := httptest.NewRecorder()
			h.ServeHTTP(rr, r)
			b := rr.Body.Bytes()
			b[len(b)/2] ^= 0xff
			for k, v := range rr.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rr.Code)
			w.Write(b)
		})
	})
	push(t, host+"/corrupt:1", img)

	s := openStore(t)
	_, err := s.Pull(context.Background(), host+"/corrupt:1", noAuth)
	if err == nil || !strings.Contains(err.Error(), m.Layers[1].Digest.Hex) {
		t.Fatalf("pull of a corrupt layer: err %v, want one naming the layer", err)
	}
	t.Log(err)
	if l, _ := s.List(); len(l) != 0 {
		t.Errorf("failed pull registered %v", l)
	}
	if s.HasBlob(digest.Digest(bad)) {
		t.Error("the corrupt layer is in the store")
	}
	if s.HasBlob(digestOf(t, img.Digest)) {
		t.Error("the manifest is in the store")
	}
	if tmp, _ := os.ReadDir(filepath.Join(s.Root(), "tmp")); len(tmp) != 0 {
		t.Errorf("temp files left: %d", len(tmp))
	}
}

func TestPullUnknown(t *testing.T) {
	host := startRegistry(t, nil)
	s := openStore(t)
	if _, err := s.Pull(context.Background(), host+"/nothing:1", noAuth); err == nil {
		t.Error("pull of a missing image succeeded")
	}
}

func TestPullConcurrent(t *testing.T) {
	host := startRegistry(t, nil)
	img := testImage(t, "arm64")
	push(t, host+"/same:1", img)
	s := openStore(t)
	// A second Store on the same root behaves as another process would.
	s2, err := Open(s.Root())
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := s
			if i%2 == 1 {
				st = s2
			}
			ref := host + "/same:1"
			if _, errs[i] = st.Pull(context.Background(), ref, noAuth); errs[i] == nil && i >= 4 {
				// Tags under other names, so index updates race too.
				errs[i] = st.Tag(ref, host+"/copy:"+string(rune('a'+i)))
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("pull %d: %v", i, err)
		}
	}
	checkStored(t, s, img)
	l, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != 5 {
		t.Errorf("%d references, want 5: %v", len(l), l)
	}
}

// Credentials come from the docker config file ($DOCKER_CONFIG/config.json
// here, ~/.docker/config.json by default).
func TestPullAuthFromDockerConfig(t *testing.T) {
	host := startRegistry(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if u, p, ok := r.BasicAuth(); !ok || u != "carrick" || p != "s3cret" {
				w.Header().Set("WWW-Authenticate", `Basic realm="test"`)
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	img := testImage(t, "arm64")
	r, _ := name.ParseReference(host + "/private:1")
	if err := remote.Write(r, img, remote.WithAuth(&authn.Basic{Username: "carrick", Password: "s3cret"})); err != nil {
		t.Fatal(err)
	}

	cfg := t.TempDir()
	t.Setenv("DOCKER_CONFIG", cfg)
	s := openStore(t)
	if _, err := s.Pull(context.Background(), host+"/private:1", PullOptions{}); err == nil {
		t.Fatal("pull without credentials succeeded")
	}
	auth := base64.StdEncoding.EncodeToString([]byte("carrick:s3cret"))
	conf := `{"auths":{"` + host + `":{"auth":"` + auth + `"}}}`
	if err := os.WriteFile(filepath.Join(cfg, "config.json"), []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Pull(context.Background(), host+"/private:1", PullOptions{}); err != nil {
		t.Fatal(err)
	}
	checkStored(t, s, img)
}

// Insecure reaches a registry that is not on loopback over plain HTTP.
func TestPullInsecure(t *testing.T) {
	host := startRegistry(t, nil)
	img := testImage(t, "arm64")
	push(t, host+"/app:1", img)
	_, port, _ := net.SplitHostPort(host)
	// A name that is not loopback to go-containerregistry, dialled to the test server.
	far := "registry.carrick.invalid:" + port
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, host)
	}}
	s := openStore(t)
	_, err := s.Pull(context.Background(), far+"/app:1", PullOptions{Keychain: noAuth.Keychain, Transport: tr})
	if err == nil || !strings.Contains(err.Error(), "HTTPS") {
		t.Fatalf("pull without Insecure: %v, want it to have tried HTTPS", err)
	}
	got, err := s.Pull(context.Background(), far+"/app:1", PullOptions{Keychain: noAuth.Keychain, Transport: tr, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != far+"/app:1" {
		t.Errorf("name %q", got.Name)
	}
	checkStored(t, s, img)
}

func TestPullCanceled(t *testing.T) {
	host := startRegistry(t, nil)
	push(t, host+"/app:1", testImage(t, "arm64"))
	s := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Pull(ctx, host+"/app:1", noAuth); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled pull: %v", err)
	}
	if l, _ := s.List(); len(l) != 0 {
		t.Errorf("registered %v", l)
	}
}
