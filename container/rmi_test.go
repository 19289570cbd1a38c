package container

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/opencontainers/go-digest"
)

// TestRemoveImage: rmi untags; the last name of an image deletes its
// blobs and unpacked layers except what another image or a container
// still uses; a container's image is refused unless forced, and a forced
// removal leaves the container its layers.
func TestRemoveImage(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	shared := layerOf(t, entry{name: "shared", data: "both"})
	loadImage(t, s, "test/one:1", v1.Config{Cmd: []string{"/one"}}, shared, layerOf(t, entry{name: "one", data: "1"}))
	loadImage(t, s, "test/two:1", v1.Config{Cmd: []string{"/two"}}, shared, layerOf(t, entry{name: "two", data: "2"}))
	if err := s.Images.Tag("test/one:1", "test/alias:1"); err != nil {
		t.Fatal(err)
	}
	one, err := s.Images.Resolve("test/one:1")
	if err != nil {
		t.Fatal(err)
	}
	two, err := s.Images.Resolve("test/two:1")
	if err != nil {
		t.Fatal(err)
	}
	has := func(d digest.Digest) bool { return s.Images.HasBlob(d) }
	unpacked := func(d digest.Digest) bool {
		_, err := os.Stat(filepath.Join(s.LayersDir(), d.String()))
		return err == nil
	}
	c1, err := s.Create(Options{Image: "test/one:1"})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := s.Create(Options{Image: "test/two:1"})
	if err != nil {
		t.Fatal(err)
	}
	l1, l2, l3 := one.Manifest.Layers[0].Digest, one.Manifest.Layers[1].Digest, two.Manifest.Layers[1].Digest

	// A name among several: untagged only, though a container uses it.
	name, deleted, _, err := s.RemoveImage("test/one:1", false)
	if err != nil || deleted != nil || !strings.HasSuffix(name, "test/one:1") {
		t.Fatalf("rmi of one of two names: %q %v %v", name, deleted, err)
	}
	if !has(one.ID()) || !has(l2) {
		t.Fatalf("untagging deleted blobs")
	}
	// The last name of c1's image: refused.
	if _, _, _, err := s.RemoveImage("test/alias:1", false); err == nil || !strings.Contains(err.Error(), "must force") {
		t.Fatalf("rmi of a container's image: %v", err)
	}
	if _, err := s.Images.Resolve("test/alias:1"); err != nil {
		t.Fatalf("a refused rmi removed the name: %v", err)
	}
	if err := s.Remove(c1); err != nil {
		t.Fatal(err)
	}
	_, deleted, freed, err := s.RemoveImage("test/alias:1", false)
	if err != nil || deleted == nil || deleted.ID() != one.ID() || freed <= 0 {
		t.Fatalf("rmi of the last name: %v %v %d", deleted, err, freed)
	}
	if has(one.ID()) || has(one.Record.Manifest.Digest) || has(l2) || unpacked(l2) {
		t.Errorf("the deleted image's own blobs or layer are left")
	}
	if !has(l1) || !unpacked(l1) {
		t.Errorf("the layer the other image shares was deleted")
	}

	// Forced while c2 uses it: the image goes, c2 keeps its layers.
	if _, deleted, _, err := s.RemoveImage("test/two:1", true); err != nil || deleted == nil {
		t.Fatalf("rmi -f: %v %v", deleted, err)
	}
	if has(l1) || has(l3) || !unpacked(l1) || !unpacked(l3) {
		t.Errorf("rmi -f: blobs l1 %v l3 %v (want gone), unpacked l1 %v l3 %v (want kept)", has(l1), has(l3), unpacked(l1), unpacked(l3))
	}
	v, err := s.View(c2)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if got, ok := readGuest(t, v, "/two"); !ok || got != "2" {
		t.Errorf("c2 after rmi -f of its image reads /two %q", got)
	}
	if ents, _ := os.ReadDir(filepath.Join(s.Images.Root(), "blobs", "sha256")); len(ents) != 0 {
		t.Errorf("%d blobs left with no image", len(ents))
	}
}
