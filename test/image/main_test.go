//go:build linux

// Package image_test proves carrick's docker-style images end to end with
// real components: Debian's registry server (docker-registry) serving
// images built from the fixture roots by test/image/mkimage, the carrick
// binary pulling, loading and running them, skopeo writing the archives
// `carrick load` reads, tmux driving `carrick run -t`, and
// qemu-aarch64-static in a chroot of the same root as the reference for
// what guests print.
//
// Needs root (the reference chroots), the fixture roots (`make fixtures`)
// and docker-registry, skopeo, tmux and qemu-aarch64-static (.ci/run
// installs them). It fails, never skips, when one is missing.
package image_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/carrick-go/carrick/test/image/mkimage"
	"github.com/carrick-go/carrick/test/programs"
)

var (
	top      string // the module root
	fixtures string // test/fixtures/out or CARRICK_FIXTURES
	carrickB string // the carrick binary under test
	tmpTop   string // this test binary's scratch directory
	reg      *registry

	// home is the store the images were pulled into once, shared by the
	// tests that only run containers; pullErr says why it is not usable.
	home    string
	pullErr error
)

// The images the registry serves, as refs relative to it.
const (
	busyboxRepo  = "carrick-test/busybox:1"   // index: linux/arm64 + linux/amd64
	debianRepo   = "carrick-test/debian:1"    // linux/arm64 image
	amd64Repo    = "carrick-test/amd64only:1" // linux/amd64 image only
	busyboxGone  = "/bin/rev"                 // what the second layer deletes
	debianGone   = "/usr/bin/factor"
	imageCmdEcho = "echo image-cmd $" + mkimage.ImageVar + " $(pwd)"
)

// Image IDs (config digests) of what was pushed, for `carrick images`.
var busyboxID, debianID string

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	fail := func(err error) int {
		fmt.Fprintln(os.Stderr, "test/image:", err)
		return 1
	}
	var err error
	if top, err = moduleRoot(); err != nil {
		return fail(err)
	}
	fixtures = os.Getenv("CARRICK_FIXTURES")
	if fixtures == "" {
		fixtures = filepath.Join(top, "test", "fixtures", "out")
	}
	if fixtures, err = filepath.Abs(fixtures); err != nil {
		return fail(err)
	}
	if os.Geteuid() != 0 {
		return fail(fmt.Errorf("must run as root: the reference runs in a chroot; CI runs as root"))
	}
	for _, tool := range []string{"docker-registry", "skopeo", "tmux", "qemu-aarch64-static", "chroot"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fail(fmt.Errorf("needs %s on PATH (.ci/run installs it); the suite never skips", tool))
		}
	}
	for _, r := range []string{"busybox", "debian"} {
		if _, err := os.Stat(filepath.Join(fixtures, "rootfs", r+".stamp")); err != nil {
			return fail(fmt.Errorf("rootfs %s is missing (%v): build it with `make fixtures`", r, err))
		}
	}
	if tmpTop, err = os.MkdirTemp("", "carrick-image-"); err != nil {
		return fail(err)
	}
	defer os.RemoveAll(tmpTop)
	carrickB = filepath.Join(tmpTop, "carrick")
	build := exec.Command("go", "build", "-o", carrickB, "./cmd/carrick")
	build.Dir = top
	if out, err := build.CombinedOutput(); err != nil {
		return fail(fmt.Errorf("go build ./cmd/carrick: %v\n%s", err, out))
	}
	if reg, err = startRegistry(filepath.Join(tmpTop, "registry")); err != nil {
		return fail(err)
	}
	defer reg.stop()
	if err := pushImages(); err != nil {
		return fail(err)
	}
	home = filepath.Join(tmpTop, "home")
	pullErr = pullInto(home, busyboxRepo, debianRepo)

	code := m.Run()
	if left := programs.Survivors(carrickB); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: carrick processes left behind: %v\n", left)
		for _, pid := range left {
			syscall.Kill(pid, syscall.SIGKILL)
		}
		code = 1
	}
	return code
}

// pushImages builds the test images of the fixture roots and pushes them.
func pushImages() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := []string{"sh", "-c", imageCmdEcho}
	bb, err := mkimage.RootImage(filepath.Join(fixtures, "rootfs", "busybox"), busyboxGone, cmd)
	if err != nil {
		return err
	}
	deb, err := mkimage.RootImage(filepath.Join(fixtures, "rootfs", "debian"), debianGone, cmd)
	if err != nil {
		return err
	}
	amd, err := mkimage.Amd64Image()
	if err != nil {
		return err
	}
	idx, err := mkimage.Index(bb, amd)
	if err != nil {
		return err
	}
	for _, p := range []struct {
		repo string
		what any
	}{{busyboxRepo, idx}, {debianRepo, deb}, {amd64Repo, amd}} {
		if err := mkimage.Push(ctx, reg.ref(p.repo), p.what); err != nil {
			return fmt.Errorf("push %s: %w", p.repo, err)
		}
	}
	h, err := bb.ConfigName()
	if err != nil {
		return err
	}
	busyboxID = h.String()
	if h, err = deb.ConfigName(); err != nil {
		return err
	}
	debianID = h.String()
	return nil
}

// pullInto pulls repos of the registry into the store home with carrick.
func pullInto(home string, repos ...string) error {
	for _, r := range repos {
		res := carrickRun(home, nil, 5*time.Minute, "pull", reg.ref(r))
		if res.status != 0 {
			return fmt.Errorf("carrick pull %s: %s", r, res.describe())
		}
	}
	return nil
}

// needImages fails the test when the shared store could not be filled.
func needImages(t *testing.T) {
	t.Helper()
	if pullErr != nil {
		t.Fatalf("the shared store has no images: %v", pullErr)
	}
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no go.mod above %s", dir)
		}
	}
}
