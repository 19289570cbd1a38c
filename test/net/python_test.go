//go:build linux

package net

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carrick-go/carrick/test/programs"
)

// curl fetches url with the host's curl and returns the body; --fail makes
// an HTTP error a failure.
func curl(t *testing.T, url string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "curl", "-sS", "--fail", "--max-time", "50", url)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("curl %s: %v\n%s", url, err, stderr.Bytes())
	}
	return stdout.Bytes()
}

// pseudoRandom returns n deterministic bytes that do not compress.
func pseudoRandom(n int, seed uint32) []byte {
	b := make([]byte, n)
	x := seed | 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// site is the directory the guest's http.server serves: path -> content.
func site() map[string][]byte {
	return map[string][]byte{
		"alpha.txt":      []byte(strings.Repeat("alpha line\n", 40)),
		"beta.bin":       pseudoRandom(256<<10, 7),
		"with space.txt": []byte("a name that needs quoting\n"),
		"empty":          {},
		"sub/gamma.txt":  []byte("in a subdirectory\n"),
	}
}

// httpServer is `python3 -m http.server` with a listen backlog of 128
// instead of socketserver's 5: the module's own main, which runpy runs as
// -m does, with the same ThreadingHTTPServer. With a backlog of 5, a burst of
// 100 connections overflows the accept queue of a server that accepts at
// an emulator's pace; the host then completes them with SYN cookies and
// drops their first data segments, which the clients retransmit only after
// tens of seconds, under qemu as much as under carrick.
var httpServer = []string{"/usr/bin/python3", "-c",
	"import runpy, socketserver; socketserver.TCPServer.request_queue_size = 128; " +
		"runpy.run_module('http.server', run_name='__main__', alter_sys=True)"}

// TestPythonHTTPServer: `python3 -m http.server` (a ThreadingHTTPServer)
// in the guest serves a directory the test wrote; the host's curl fetches
// the listing and every file, and 100 concurrent requests from the host all
// get the right bodies. Then the plain command, without --bind.
func TestPythonHTTPServer(t *testing.T) {
	requireTools(t, "curl")
	files := site()
	listings := map[emulator][]byte{}
	serving := map[emulator][]byte{}
	for _, emu := range emulators() {
		t.Run(string(emu), func(t *testing.T) {
			work := workDir(t)
			for name, b := range files {
				p := filepath.Join(work, "site", name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			port := freePort(t)
			g := start(t, emu, debian, work, nil, append(httpServer, strconv.Itoa(port),
				"--bind", "127.0.0.1", "--directory", "/work/site")...)
			t0 := time.Now()
			waitListening(t, g, port)
			t.Logf("listening after %v", time.Since(t0).Round(time.Millisecond))
			base := fmt.Sprintf("http://127.0.0.1:%d/", port)

			listing := curl(t, base)
			for _, want := range []string{"Directory listing for /", `href="alpha.txt"`, `href="beta.bin"`,
				`href="with%20space.txt"`, `href="empty"`, `href="sub/"`} {
				if !bytes.Contains(listing, []byte(want)) {
					t.Errorf("the listing lacks %q:\n%s", want, listing)
				}
			}
			listings[emu] = listing
			if sub := curl(t, base+"sub/"); !bytes.Contains(sub, []byte(`href="gamma.txt"`)) {
				t.Errorf("the listing of sub/ lacks gamma.txt:\n%s", sub)
			}
			for name, want := range files {
				if got := curl(t, base+(&url.URL{Path: name}).EscapedPath()); !bytes.Equal(got, want) {
					t.Errorf("GET %s: %d bytes, want the %d bytes written", name, len(got), len(want))
				}
			}
			resp, err := (&http.Client{Timeout: 60 * time.Second}).Get(base + "missing")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("GET /missing: %s, want 404", resp.Status)
			}

			t0 = time.Now()
			if errs := parallelCurl(t, base, files, 100); len(errs) > 0 {
				t.Errorf("%d of 100 concurrent requests failed; first: %s\n%s", len(errs), errs[0], g.describe())
			}
			t.Logf("100 concurrent requests in %v", time.Since(t0).Round(time.Millisecond))
			if g.exited() {
				t.Errorf("the server ended\n%s", g.describe())
			}
			g.kill()

			// The command as users type it, without --bind: http.server
			// binds the first passive address getaddrinfo returns, 0.0.0.0
			// on Linux (glibc sorts :: after it), and says which.
			port = freePort(t)
			g = start(t, emu, debian, work, nil, "/usr/bin/python3", "-u", "-m", "http.server", strconv.Itoa(port),
				"--directory", "/work/site")
			waitListening(t, g, port)
			if got := curl(t, fmt.Sprintf("http://127.0.0.1:%d/", port)); !bytes.Equal(got, listing) {
				t.Errorf("the listing from the server without --bind differs: %s", programs.FirstDiff(listing, got))
			}
			serving[emu] = bytes.ReplaceAll(g.stdout.Bytes(), []byte(strconv.Itoa(port)), []byte("PORT"))
		})
	}
	sameAsReference(t, "the directory listing", listings)
	sameAsReference(t, "what http.server without --bind says it serves on", serving)
}

// parallelCurl fetches the files from base, n requests at once, with
// one `curl --parallel` (each transfer on a connection of its own) and
// returns what went wrong.
func parallelCurl(t *testing.T, base string, files map[string][]byte, n int) []string {
	t.Helper()
	var names []string
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	dir := t.TempDir()
	var cfg strings.Builder
	for i := range n {
		fmt.Fprintf(&cfg, "url = \"%s%s\"\noutput = \"%s/%d\"\n", base, (&url.URL{Path: names[i%len(names)]}).EscapedPath(), dir, i)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "curl", "--parallel", "--parallel-max", strconv.Itoa(n), "--parallel-immediate",
		"-sS", "--max-time", "100", "-K", "-", "-w", "%{http_code}\n")
	cmd.Stdin = strings.NewReader(cfg.String())
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	var errs []string
	if err := cmd.Run(); err != nil {
		errs = append(errs, fmt.Sprintf("curl --parallel: %v: %s", err, bytes.TrimSpace(stderr.Bytes())))
	}
	if codes := strings.Fields(stdout.String()); len(codes) != n || strings.Count(stdout.String(), "200") != n {
		errs = append(errs, fmt.Sprintf("HTTP statuses: %v (want %d times 200)", codes, n))
	}
	for i := range n {
		name := names[i%len(names)]
		b, err := os.ReadFile(filepath.Join(dir, strconv.Itoa(i)))
		if err != nil && len(files[name]) == 0 && errors.Is(err, os.ErrNotExist) {
			continue // curl creates no file for an empty body
		}
		if err != nil || !bytes.Equal(b, files[name]) {
			errs = append(errs, fmt.Sprintf("request %d (%s): %d bytes, %v (want the %d bytes written)", i, name, len(b), err, len(files[name])))
		}
	}
	return errs
}

// echoLine is line i of client n of testdata/asyncio_echo.py.
func echoLine(n, i int) string {
	return fmt.Sprintf("client %d line %d %s\n", n, i, strings.Repeat("x", i*37%300))
}

// TestPythonAsyncioEcho: an asyncio TCP echo server and its clients in one
// guest program; then the same server in the guest with clients on the host.
func TestPythonAsyncioEcho(t *testing.T) {
	requireTools(t)
	// What the guest's clients must report: the digests of their lines.
	var want strings.Builder
	for n := range 8 {
		h := sha256.New()
		for i := range 20 {
			io.WriteString(h, echoLine(n, i))
		}
		fmt.Fprintf(&want, "client %d: 20 lines echoed, sha256 %x, after EOF b''\n", n, h.Sum(nil)[:8])
	}
	want.WriteString("server closed\n")
	outputs := map[emulator][]byte{}
	for _, emu := range emulators() {
		t.Run(string(emu)+"/selftest", func(t *testing.T) {
			g := run(t, emu, debian, workDir(t, "asyncio_echo.py"), nil, 120*time.Second,
				"/usr/bin/python3", "asyncio_echo.py", "selftest")
			out := g.stdout.Bytes()
			if g.status != 0 || string(out) != want.String() {
				t.Fatalf("want exit 0 and\n%s\n%s", programs.Excerpt([]byte(want.String()), 10), g.describe())
			}
			outputs[emu] = append(out, g.stderr.Bytes()...)
		})
		t.Run(string(emu)+"/host-clients", func(t *testing.T) {
			port := freePort(t)
			g := start(t, emu, debian, workDir(t, "asyncio_echo.py"), nil,
				"/usr/bin/python3", "asyncio_echo.py", "serve", strconv.Itoa(port))
			waitListening(t, g, port)
			var wg sync.WaitGroup
			errs := make([]error, 10)
			for n := range errs {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[n] = echoClient(fmt.Sprintf("127.0.0.1:%d", port), n)
				}()
			}
			wg.Wait()
			for n, err := range errs {
				if err != nil {
					t.Errorf("host client %d: %v", n, err)
				}
			}
			if t.Failed() {
				t.Log(g.describe())
			}
		})
	}
	sameAsReference(t, "the output of asyncio_echo.py selftest", outputs)
}

// echoClient sends 20 lines to the echo server at addr, checks each echo,
// half-closes and expects the server to close too.
func echoClient(addr string, n int) error {
	c, err := net.DialTimeout("tcp", addr, 30*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(60 * time.Second))
	r := bufio.NewReader(c)
	for i := range 20 {
		line := echoLine(100+n, i)
		if _, err := io.WriteString(c, line); err != nil {
			return err
		}
		back, err := r.ReadString('\n')
		if err != nil {
			return fmt.Errorf("line %d: %v", i, err)
		}
		if back != line {
			return fmt.Errorf("line %d: sent %q, got %q", i, line, back)
		}
	}
	if err := c.(*net.TCPConn).CloseWrite(); err != nil {
		return err
	}
	rest, err := io.ReadAll(r)
	if err != nil || len(rest) > 0 {
		return fmt.Errorf("after the half-close: %q, %v (want EOF)", rest, err)
	}
	return nil
}

// TestPythonUnixFDs: a UNIX-socket server and client (two processes) pass
// an open file, a pipe and a socket with socket.send_fds/recv_fds; then an
// abstract name and autobind. The transcript must be the reference's.
func TestPythonUnixFDs(t *testing.T) {
	requireTools(t)
	outputs := map[emulator][]byte{}
	for _, emu := range emulators() {
		t.Run(string(emu), func(t *testing.T) {
			g := run(t, emu, debian, workDir(t, "unix_fds.py"), nil, 120*time.Second, "/usr/bin/python3", "unix_fds.py")
			out := g.stdout.Bytes()
			if g.status != 0 {
				t.Fatalf("want exit 0\n%s", g.describe())
			}
			// The facts the transcript must show, whatever the reference says.
			for _, want := range []string{
				"peer pid is the child: True\n",
				"pipe says: written by the client through the passed pipe\n",
				"client read from passed file: b'abcdef'\n",
				"server offset after the client read: 16 16\n",
				"peer of the passed socket got: b'through the passed socket'\n",
				"abstract name bound: True\n",
				"autobind name: 6 b'\\x00' True\n",
				"accepted peer is the autobound name: True\n",
				"abstract: b'over an abstract name'\n",
				"done\n",
			} {
				if !bytes.Contains(out, []byte(want)) {
					t.Errorf("the transcript lacks %q\n%s", want, g.describe())
				}
			}
			outputs[emu] = append(out, g.stderr.Bytes()...)
		})
	}
	sameAsReference(t, "the output of unix_fds.py", outputs)
}
