package sysemu

import (
	"fmt"
	"net"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/procfs"
)

// The name-service files a container gets from its engine, as docker
// gives them: /etc/hostname (the container's hostname), /etc/hosts (the
// localhost lines and the hostname) and /etc/resolv.conf (the host's: the
// guest shares the host's network). Each is provided only when neither
// the root nor a mount has it; it is a file of the process tree's own
// directory (next to its /dev/shm, removed with it) bound at its path, so
// every process of the tree sees the same file, writes included, and a
// read-only root still gets it.

// etcFiles are the files provided, in the order they are mounted.
var etcFiles = []string{"/etc/hostname", "/etc/hosts", "/etc/resolv.conf"}

// etcDir is the tree's directory of provided files.
func etcDir(shm string) string { return shm + ".etc" }

// etcMounts writes the files root and mounts lack in etcDir(shm) and
// returns their mounts. A file that cannot be provided (its directory in
// the root cannot be written to make the mount point) is left out.
func etcMounts(root string, mounts []rootfs.Mount, hostname, shm string) ([]rootfs.Mount, error) {
	if root == "" || root == "/" {
		return nil, nil // the host's own files
	}
	if hostname == "" {
		hostname, _ = os.Hostname()
	}
	var out []rootfs.Mount
	for _, guest := range etcFiles {
		if etcProvided(root, mounts, guest) || !mountpointPossible(root, guest) {
			continue
		}
		dir := etcDir(shm)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("%s: %w", guest, err)
		}
		host := filepath.Join(dir, path.Base(guest))
		if _, err := os.Stat(host); err != nil {
			if err := os.WriteFile(host, etcContent(guest, hostname), 0o644); err != nil {
				return nil, fmt.Errorf("%s: %w", guest, err)
			}
		}
		out = append(out, rootfs.Mount{Guest: guest, Host: host})
	}
	return out, nil
}

// etcProvided reports whether the guest file exists in the root or a
// mount. An empty regular file in the root counts as missing: it is the
// mount point an earlier run left (runc leaves them too).
func etcProvided(root string, mounts []rootfs.Mount, guest string) bool {
	for i := len(mounts) - 1; i >= 0; i-- {
		m := mounts[i]
		g := path.Clean(m.Guest)
		if g == guest {
			return true
		}
		if m.Synthetic == nil && strings.HasPrefix(guest, g+"/") {
			_, err := os.Lstat(filepath.Join(m.Host, strings.TrimPrefix(guest, g)))
			return err == nil
		}
	}
	p := filepath.Join(root, guest)
	fi, err := os.Lstat(p)
	if err == nil && fi.Mode()&os.ModeSymlink != 0 {
		// A link (Ubuntu's resolv.conf to systemd-resolved's file)
		// counts if its target, inside the root, exists.
		t, _ := os.Readlink(p)
		if path.IsAbs(t) {
			t = filepath.Join(root, t)
		} else {
			t = filepath.Join(filepath.Dir(p), t)
		}
		if t != root && !strings.HasPrefix(t, filepath.Clean(root)+"/") {
			return false // outside the root: missing there
		}
		fi, err = os.Lstat(t)
	}
	return err == nil && !(fi.Mode().IsRegular() && fi.Size() == 0)
}

// mountpointPossible reports whether the mount point exists or its
// directory can take a new file.
func mountpointPossible(root, guest string) bool {
	p := filepath.Join(root, guest)
	if _, err := os.Lstat(p); err == nil {
		return true
	}
	for d := filepath.Dir(p); ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			return unix.Access(d, unix.W_OK) == nil
		}
		if d == root || d == filepath.Dir(d) {
			return false
		}
	}
}

// etcContent is a provided file's text.
func etcContent(guest, hostname string) []byte {
	switch guest {
	case "/etc/hostname":
		return []byte(hostname + "\n")
	case "/etc/hosts":
		return []byte("127.0.0.1\tlocalhost\n" +
			"::1\tlocalhost ip6-localhost ip6-loopback\n" +
			"fe00::0\tip6-localnet\n" +
			"ff00::0\tip6-mcastprefix\n" +
			"ff02::1\tip6-allnodes\n" +
			"ff02::2\tip6-allrouters\n" +
			hostAddr() + "\t" + hostname + "\n")
	}
	// resolv.conf: the host's, or docker's default servers when the
	// host has none.
	if b, err := os.ReadFile("/etc/resolv.conf"); err == nil && strings.Contains(string(b), "nameserver") {
		return b
	}
	return []byte("nameserver 8.8.8.8\nnameserver 8.8.4.4\n")
}

// hostAddr is the address the hostname maps to: the host's first global
// IPv4 address (the container shares it), else Debian's 127.0.1.1.
func hostAddr() string {
	n := procfs.HostNet()
	for _, a := range n.Addrs {
		l := n.Link(a.Index)
		if len(a.IP) == 4 && a.Scope == abi.RT_SCOPE_UNIVERSE && l != nil && l.Flags&abi.IFF_UP != 0 &&
			l.Flags&abi.IFF_LOOPBACK == 0 && !a.IP.IsLinkLocalUnicast() {
			return net.IP(a.IP).String()
		}
	}
	return "127.0.1.1"
}

// removeEtcDir removes the tree's provided files (with its /dev/shm).
func removeEtcDir(shm string) { os.RemoveAll(etcDir(shm)) }

// RemoveShm removes a process tree's /dev/shm directory and the files
// kept beside it, for a caller that made shm for the tree (the runtime,
// whose containers outlive their first process).
func RemoveShm(shm string) {
	os.RemoveAll(shm)
	removeEtcDir(shm)
}
