package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestEtcFiles: a root without /etc/hostname, /etc/hosts and
// /etc/resolv.conf gets them from carrick (the hostname, localhost and
// the hostname, the host's resolvers), writable and shared by the tree; a
// root or a mount that has them keeps its own.
func TestEtcFiles(t *testing.T) {
	bin := buildCarrick(t)
	probe := `#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
static void cat(const char *p) {
	char b[4096] = {0};
	FILE *f = fopen(p, "r");
	if (!f) { printf("== %s missing\n", p); return; }
	size_t n = fread(b, 1, sizeof b - 1, f);
	fclose(f);
	printf("== %s %zu\n%s", p, n, b);
}
int main(int argc, char **argv) {
	if (argc > 1) { // the child: sees the parent's write
		cat("/etc/hosts");
		return 0;
	}
	cat("/etc/hostname"); cat("/etc/hosts"); cat("/etc/resolv.conf");
	FILE *f = fopen("/etc/hosts", "a");
	printf("append: %d\n", f && fputs("10.9.8.7\tadded\n", f) >= 0 && fclose(f) == 0);
	fflush(stdout);
	if (fork() == 0) { execl("/probe", "/probe", "child", NULL); _exit(127); }
	int st; wait(&st);
	return 0;
}`
	hostname, _ := os.Hostname()
	resolv, err := os.ReadFile("/etc/resolv.conf")
	if err != nil || !strings.Contains(string(resolv), "nameserver") {
		resolv = []byte("nameserver 8.8.8.8\nnameserver 8.8.4.4\n")
	}

	t.Run("provided", func(t *testing.T) {
		root := t.TempDir()
		cc(t, root, "probe", probe)
		code, out, stderr := run(t, bin, "run-elf", "--rootfs", root, "/probe")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{
			"== /etc/hostname " + strconv.Itoa(len(hostname)+1) + "\n" + hostname + "\n",
			"== /etc/hosts ", "127.0.0.1\tlocalhost\n", "::1\tlocalhost ip6-localhost ip6-loopback\n", "\t" + hostname + "\n",
			"== /etc/resolv.conf " + strconv.Itoa(len(resolv)) + "\n" + string(resolv),
			"append: 1\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
		// The child, another host process, reads the same file.
		if i := strings.Index(out, "append: 1\n"); i < 0 || !strings.Contains(out[i:], "10.9.8.7\tadded\n") {
			t.Errorf("the child does not see the parent's write to /etc/hosts:\n%s", out)
		}
		// The root keeps only the empty mount points.
		for _, f := range []string{"hostname", "hosts", "resolv.conf"} {
			if fi, err := os.Stat(filepath.Join(root, "etc", f)); err != nil || fi.Size() != 0 {
				t.Errorf("root's /etc/%s after the run: %v %v", f, fi, err)
			}
		}
		// A second run does not take those for the root's own files.
		_, out2, _ := run(t, bin, "run-elf", "--rootfs", root, "/probe")
		if before, _, _ := strings.Cut(out2, "append:"); !strings.Contains(before, "127.0.0.1\tlocalhost\n") ||
			strings.Contains(before, "10.9.8.7") {
			t.Errorf("second run (a fresh /etc/hosts expected):\n%s", out2)
		}
	})

	t.Run("kept", func(t *testing.T) {
		root := t.TempDir()
		cc(t, root, "probe", probe)
		os.MkdirAll(filepath.Join(root, "etc"), 0o755)
		os.WriteFile(filepath.Join(root, "etc", "hostname"), []byte("rootname\n"), 0o644)
		os.WriteFile(filepath.Join(root, "etc", "hosts"), []byte("1.2.3.4\trootname\n"), 0o644)
		vol := filepath.Join(t.TempDir(), "resolv")
		os.WriteFile(vol, []byte("nameserver 192.0.2.53\n"), 0o644)
		code, out, stderr := run(t, bin, "run-elf", "--rootfs", root, "-v", vol+":/etc/resolv.conf:ro", "/probe")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{
			"== /etc/hostname 9\nrootname\n", "== /etc/hosts 17\n1.2.3.4\trootname\n",
			"== /etc/resolv.conf 22\nnameserver 192.0.2.53\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("output lacks %q:\n%s", want, out)
			}
		}
	})
}
