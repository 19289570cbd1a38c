//go:build linux

package image_test

import (
	"encoding/json"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/carrick-go/carrick/test/image/mkimage"
)

// imageRow is one line of `carrick images`.
type imageRow struct{ repo, tag, id string }

// listImages runs `carrick images` in the store h and parses its table.
func listImages(t *testing.T, h string) []imageRow {
	t.Helper()
	r := ctrIn(t, h, 0, "images")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if !regexp.MustCompile(`^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$`).MatchString(lines[0]) {
		t.Fatalf("images: want docker's header: %s", r.describe())
	}
	var rows []imageRow
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) < 5 {
			t.Fatalf("images: short line %q: %s", l, r.describe())
		}
		rows = append(rows, imageRow{f[0], f[1], f[2]})
	}
	return rows
}

func short(id string) string { return strings.TrimPrefix(id, "sha256:")[:12] }

// TestPullImages: pull (an image index resolved to linux/arm64, and a
// plain image), images, tag, rmi and image prune in a store of its own.
func TestPullImages(t *testing.T) {
	h := filepath.Join(t.TempDir(), "home")
	bbRepo := strings.TrimSuffix(reg.ref(busyboxRepo), ":1")
	r := ctrIn(t, h, 0, "pull", reg.ref(busyboxRepo))
	if !strings.Contains(r.stdout, reg.ref(busyboxRepo)) {
		t.Errorf("pull does not name what it pulled: %s", r.describe())
	}
	ctrIn(t, h, 0, "pull", reg.ref(busyboxRepo)) // again: up to date
	ctrIn(t, h, 0, "pull", reg.ref(debianRepo))

	rows := listImages(t, h)
	want := map[imageRow]bool{
		{bbRepo, "1", short(busyboxID)}:                                       true, // the index's arm64 image, not its amd64 one
		{strings.TrimSuffix(reg.ref(debianRepo), ":1"), "1", short(debianID)}: true,
	}
	if len(rows) != len(want) {
		t.Errorf("images: %v, want %v", rows, want)
	}
	for _, row := range rows {
		if !want[row] {
			t.Errorf("images: unexpected %v (want %v)", row, want)
		}
	}
	q := ctrIn(t, h, 0, "images", "-q")
	for _, id := range []string{busyboxID, debianID} {
		if !strings.Contains(q.stdout, short(id)+"\n") {
			t.Errorf("images -q lacks %s: %s", short(id), q.describe())
		}
	}

	// A repository's images only; --format and --digests.
	if r := ctrIn(t, h, 0, "images", "-q", bbRepo); r.stdout != short(busyboxID)+"\n" {
		t.Errorf("images -q REPOSITORY: %s", r.describe())
	}
	if r := ctrIn(t, h, 0, "images", "-q", bbRepo+":nope"); r.stdout != "" {
		t.Errorf("images REPOSITORY:TAG of no image: %s", r.describe())
	}
	if r := ctrIn(t, h, 0, "images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"); !strings.Contains(r.stdout, bbRepo+":1 "+short(busyboxID)+"\n") {
		t.Errorf("images --format: %s", r.describe())
	}
	if r := ctrIn(t, h, 0, "images", "--digests", bbRepo); !regexp.MustCompile(`\ARE  *TAG  *DIGEST  *IMAGE ID.*\n\S+  *1  *sha256:[0-9a-f]{64}  *` + short(busyboxID) + " ").MatchString(strings.Replace(r.stdout, "REPOSITORY", "RE", 1)) {
		t.Errorf("images --digests: %s", r.describe())
	}
	ctrIn(t, h, 125, "images", "--format", "{{.Nope}}")

	// tag: a second name for the same image; rmi of it leaves the first.
	ctrIn(t, h, 0, "tag", reg.ref(busyboxRepo), bbRepo+":retagged")
	found := false
	for _, row := range listImages(t, h) {
		found = found || row == imageRow{bbRepo, "retagged", short(busyboxID)}
	}
	if !found {
		t.Errorf("tag: images does not list %s:retagged", bbRepo)
	}
	if r := ctrIn(t, h, 0, "rmi", bbRepo+":retagged"); !strings.Contains(r.stdout, "Untagged: "+bbRepo+":retagged") || strings.Contains(r.stdout, "Deleted") {
		t.Errorf("rmi of one of two names: %s", r.describe())
	}
	ctrIn(t, h, 0, "run", "--rm", reg.ref(busyboxRepo), "true") // still there
	if r := carrickRun(h, nil, time.Minute, "rmi", bbRepo+":retagged"); r.status == 0 {
		t.Errorf("rmi of a removed name succeeded: %s", r.describe())
	}

	// rmi of an image's last name deletes it, as docker's: no blob and
	// no unpacked layer is left (no container uses them).
	for _, c := range []struct{ ref, id string }{{reg.ref(busyboxRepo), busyboxID}, {reg.ref(debianRepo), debianID}} {
		if r := ctrIn(t, h, 0, "rmi", c.ref); !strings.Contains(r.stdout, "Untagged: "+c.ref) || !strings.Contains(r.stdout, "Deleted: "+c.id) {
			t.Errorf("rmi of the last name: %s", r.describe())
		}
	}
	if rows := listImages(t, h); len(rows) != 0 {
		t.Errorf("images after rmi of all: %v", rows)
	}
	for _, d := range []string{"blobs/sha256", "layers"} {
		ents, err := os.ReadDir(filepath.Join(h, d))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if len(ents) != 0 {
			t.Errorf("rmi of every image left %d entries in %s", len(ents), d)
		}
	}
	ctrIn(t, h, 0, "image", "prune")
}

// TestImagePruneAll: image prune -a deletes the images no container was
// made from and keeps the others, as docker's.
func TestImagePruneAll(t *testing.T) {
	h := filepath.Join(t.TempDir(), "home")
	ctrIn(t, h, 0, "pull", reg.ref(busyboxRepo))
	ctrIn(t, h, 0, "pull", reg.ref(debianRepo))
	ctrIn(t, h, 0, "create", "--name", "keeps-busybox", reg.ref(busyboxRepo), "true")
	r := ctrIn(t, h, 0, "image", "prune", "-a", "-f")
	if !strings.Contains(r.stdout, "untagged: "+reg.ref(debianRepo)+"\ndeleted: "+debianID+"\n") || strings.Contains(r.stdout, "busybox") {
		t.Errorf("image prune -a: %s", r.describe())
	}
	if rows := listImages(t, h); len(rows) != 1 || rows[0].id != short(busyboxID) {
		t.Errorf("images after prune -a: %v", rows)
	}
	ctrIn(t, h, 0, "start", "-a", "keeps-busybox")
}

// TestInsecureRegistry: a registry that is not on loopback speaks plain
// HTTP only when named by --insecure-registry. The test registry is
// reached through a TCP relay on the host's first non-loopback IPv4
// address.
func TestInsecureRegistry(t *testing.T) {
	addr := relay(t, reg.addr)
	h := filepath.Join(t.TempDir(), "home")
	ref := addr + "/" + busyboxRepo
	r := carrickRun(h, nil, time.Minute, "pull", ref)
	if r.status == 0 {
		t.Fatalf("pull over plain HTTP from a non-loopback registry without --insecure-registry: %s", r.describe())
	}
	oneLineError(t, r, addr)
	ctrIn(t, h, 0, "pull", "--insecure-registry", addr, ref)
	if rows := listImages(t, h); len(rows) != 1 || rows[0].id != short(busyboxID) {
		t.Errorf("images after the insecure pull: %v", rows)
	}
}

// relay listens on the host's first non-loopback IPv4 address and copies
// every connection to and from target, until the test ends.
func relay(t *testing.T, target string) string {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	var ip net.IP
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			ip = n.IP
			break
		}
	}
	if ip == nil {
		t.Fatalf("the host has no non-loopback IPv4 address (%v) to serve a non-loopback registry on", addrs)
	}
	l, err := net.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				u, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer u.Close()
				go io.Copy(u, c)
				io.Copy(c, u)
			}()
		}
	}()
	return l.Addr().String()
}

// TestInspectImage: `carrick inspect IMAGE` shows docker's image fields:
// the ID, the platform chosen from the index, the config and the layers.
func TestInspectImage(t *testing.T) {
	needImages(t)
	r := ctr(t, 0, "inspect", reg.ref(busyboxRepo))
	var all []struct {
		ID           string `json:"Id"`
		Architecture string
		Os           string
		RepoTags     []string
		Config       struct {
			Env        []string
			Cmd        []string
			WorkingDir string
		}
		RootFS struct {
			Layers []string `json:"diff_ids"`
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &all); err != nil || len(all) != 1 {
		t.Fatalf("inspect: want a JSON array of one (%v): %s", err, r.describe())
	}
	im := all[0]
	if im.ID != busyboxID || im.Architecture != "arm64" || im.Os != "linux" || len(im.RepoTags) != 1 ||
		im.RepoTags[0] != reg.ref(busyboxRepo) || len(im.RootFS.Layers) != 2 {
		t.Errorf("inspect: %+v", im)
	}
	if im.Config.WorkingDir != mkimage.WorkDir || len(im.Config.Cmd) != 3 || im.Config.Cmd[2] != imageCmdEcho ||
		len(im.Config.Env) != 2 || im.Config.Env[1] != mkimage.ImageVar+"="+mkimage.ImageVal {
		t.Errorf("inspect's Config: %+v", im.Config)
	}
}
