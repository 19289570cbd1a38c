package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// onPty runs args with a new pty as its stdio and controlling terminal
// and returns what it printed (CRLF turned back into LF).
func onPty(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(args[0], args[1:]...)
	f, err := pty.Start(cmd)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := make(chan []byte)
	go func() { b, _ := io.ReadAll(f); out <- b }()
	done := make(chan error)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		<-done
		t.Fatalf("%s did not finish", args[0])
	}
	f.Close()
	var b []byte
	select {
	case b = <-out:
	case <-time.After(5 * time.Second):
	}
	return strings.ReplaceAll(string(b), "\r\n", "\n")
}

// TestTTYJobControl: tcgetpgrp/tcsetpgrp and the background SIGTTOU rule,
// under carrick (with and without a pid namespace) as under qemu.
func TestTTYJobControl(t *testing.T) {
	bin := buildCarrick(t)
	src, err := os.ReadFile("testdata/tty_jobctl.c")
	if err != nil {
		t.Fatal(err)
	}
	probe := cc(t, t.TempDir(), "tty_jobctl", string(src))
	want := onPty(t, "qemu-aarch64-static", probe)
	if !strings.Contains(want, "child stopped by SIGTTOU: 1") {
		t.Fatalf("the oracle's own run looks wrong:\n%s", want)
	}
	for _, flags := range [][]string{nil, {"--pid", "private"}} {
		got := onPty(t, append(append([]string{bin, "run-elf"}, flags...), probe)...)
		if got != want {
			t.Errorf("run-elf %v:\n%s\nqemu:\n%s", flags, got, want)
		}
	}
}

// TestCommFollowsExec: /proc/self/comm is named by exec's path (a link's
// own name), kept by fork, reset by exec.
func TestCommFollowsExec(t *testing.T) {
	bin := buildCarrick(t)
	src, err := os.ReadFile("testdata/comm_exec.c")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	probe := cc(t, dir, "comm_exec", string(src))
	link := filepath.Join(dir, "a-link-name")
	if err := os.Symlink(probe, link); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := run(t, bin, "run-elf", link, link)
	want := "started: a-link-name\nforked child: a-link-name\nrenamed: renamed\nafter exec: a-link-name\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d, stderr %q\ngot:\n%s\nwant:\n%s", code, errOut, out, want)
	}
}

// TestTerminalName: the caller's terminal is seen at its /dev/pts name in
// a root file system (tty, ttyname), as it is without one.
func TestTerminalName(t *testing.T) {
	bin := buildCarrick(t)
	root, _ := filepath.Abs("../../test/fixtures/out/rootfs/busybox")
	if _, err := os.Stat(root + ".stamp"); err != nil {
		t.Fatalf("fixtures missing (%v): run `make fixtures`", err)
	}
	out := onPty(t, bin, "run-elf", "--rootfs", root, "/bin/sh", "-c", "tty; [ -c \"$(tty)\" ] && echo chr")
	if !regexp.MustCompile(`^/dev/pts/\d+\nchr\n$`).MatchString(out) {
		t.Fatalf("tty printed %q", out)
	}
}
