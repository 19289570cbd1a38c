package sysemu

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

func guestsOf(ms []rootfs.Mount) string {
	var g []string
	for _, m := range ms {
		g = append(g, m.Guest)
	}
	return strings.Join(g, " ")
}

// Which files are provided: those neither the root (a file, or a link
// whose target is in the root) nor a mount has; an empty file left as a
// mount point does not count.
func TestEtcMountsChoice(t *testing.T) {
	shm := filepath.Join(t.TempDir(), "shm")
	defer removeEtcDir(shm)
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "etc"), 0o755)
	ms, err := etcMounts(root, nil, "box", shm)
	if err != nil || guestsOf(ms) != "/etc/hostname /etc/hosts /etc/resolv.conf" {
		t.Fatalf("empty root: %v %v", guestsOf(ms), err)
	}
	if b, _ := os.ReadFile(ms[0].Host); string(b) != "box\n" {
		t.Errorf("hostname %q", b)
	}
	if b, _ := os.ReadFile(ms[1].Host); !strings.HasPrefix(string(b), "127.0.0.1\tlocalhost\n") || !strings.HasSuffix(string(b), "\tbox\n") {
		t.Errorf("hosts %q", b)
	}
	os.WriteFile(filepath.Join(root, "etc", "hostname"), nil, 0o644) // a mount point left behind
	os.WriteFile(filepath.Join(root, "etc", "hosts"), []byte("x\n"), 0o644)
	os.Symlink("/run/resolve/stub.conf", filepath.Join(root, "etc", "resolv.conf"))
	if ms, _ := etcMounts(root, nil, "box", shm); guestsOf(ms) != "/etc/hostname /etc/resolv.conf" {
		t.Errorf("hosts in the root, a dangling resolv.conf link: %v", guestsOf(ms))
	}
	os.MkdirAll(filepath.Join(root, "run", "resolve"), 0o755)
	os.WriteFile(filepath.Join(root, "run", "resolve", "stub.conf"), []byte("nameserver 127.0.0.53\n"), 0o644)
	os.WriteFile(filepath.Join(root, "etc", "hostname"), []byte("r\n"), 0o644)
	if ms, _ := etcMounts(root, nil, "box", shm); len(ms) != 0 {
		t.Errorf("the root has all three (resolv.conf by a link): %v", guestsOf(ms))
	}
	// A mount of /etc hides the root's: what it lacks is provided.
	vol := t.TempDir()
	os.WriteFile(filepath.Join(vol, "hostname"), []byte("v\n"), 0o644)
	if ms, _ := etcMounts(root, []rootfs.Mount{{Guest: "/etc/", Host: vol}}, "box", shm); guestsOf(ms) != "/etc/hosts /etc/resolv.conf" {
		t.Errorf("a mount of /etc with hostname only: %v", guestsOf(ms))
	}
	if ms, _ := etcMounts(t.TempDir(), []rootfs.Mount{{Guest: "/etc/hosts", Host: filepath.Join(vol, "hostname")}}, "box", shm); guestsOf(ms) != "/etc/hostname /etc/resolv.conf" {
		t.Errorf("an empty root and a mount of /etc/hosts: %v", guestsOf(ms))
	}
	if ms, _ := etcMounts("/", nil, "box", shm); len(ms) != 0 {
		t.Errorf("the host's root: %v", guestsOf(ms))
	}
}

// A read-only root still gets the files, writable.
func TestEtcMountsReadOnlyRoot(t *testing.T) {
	shm := filepath.Join(t.TempDir(), "shm")
	defer removeEtcDir(shm)
	root := t.TempDir()
	ms, err := etcMounts(root, nil, "box", shm)
	if err != nil || len(ms) != 3 {
		t.Fatalf("%v %v", guestsOf(ms), err)
	}
	fs, err := rootfs.New(root, rootfs.Options{Mounts: ms, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer fs.Close()
	f, e := fs.Open(fs.Root(), "/etc/hosts", abi.O_WRONLY|abi.O_APPEND, 0)
	if e != 0 {
		t.Fatalf("open /etc/hosts for writing: %v", e)
	}
	if _, err := unix.Write(f.Fd(), []byte("1.1.1.1\tone\n")); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if b, _ := os.ReadFile(ms[1].Host); !strings.HasSuffix(string(b), "1.1.1.1\tone\n") {
		t.Errorf("hosts after the write: %q", b)
	}
	if _, e := fs.Open(fs.Root(), "/etc/other", abi.O_WRONLY|abi.O_CREAT, 0o644); e != abi.EROFS {
		t.Errorf("creating in the read-only root: %v", e)
	}
}
