//go:build linux

package net

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carrick-go/carrick/test/programs"
)

// nethttpWork returns a work directory holding progs/nethttp built for
// linux/arm64 as /work/nethttp.
func nethttpWork(t *testing.T) string {
	t.Helper()
	work := workDir(t)
	if err := goBuild(filepath.Join(work, "nethttp"), "./test/net/progs/nethttp", true); err != nil {
		t.Fatal(err)
	}
	return work
}

// blob is progs/nethttp's /blob body.
func blob(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

// TestGoHTTPSelftest: a Go net/http server and client in one guest program
// (keep-alive, chunked responses, an upload, concurrent connections,
// graceful shutdown); the transcript must be the reference's.
func TestGoHTTPSelftest(t *testing.T) {
	requireTools(t)
	work := nethttpWork(t)
	outputs := map[emulator][]byte{}
	for _, emu := range emulators() {
		t.Run(string(emu), func(t *testing.T) {
			g := run(t, emu, busybox, work, nil, 120*time.Second, "/work/nethttp", "selftest")
			out := g.stdout.Bytes()
			if g.status != 0 {
				t.Fatalf("want exit 0\n%s", g.describe())
			}
			for _, want := range []string{
				"connections reused: 4 of 4\n",
				"GET /blob?n=1000000: 200, 1000000 bytes, equal true\n",
				"as sent true\n",
				"GET /missing: 404",
				"after shutdown: refused true\n",
			} {
				if !bytes.Contains(out, []byte(want)) {
					t.Errorf("the transcript lacks %q\n%s", want, g.describe())
				}
			}
			if n := bytes.Count(out, []byte("concurrent: 200 ")); n != 20 {
				t.Errorf("%d of 20 concurrent requests succeeded\n%s", n, g.describe())
			}
			outputs[emu] = append(out, g.stderr.Bytes()...)
		})
	}
	sameAsReference(t, "the output of nethttp selftest", outputs)
}

// TestGoHTTPServerFromHost: the Go server in the guest, listening on both
// IPv4 and IPv6, and the host's net/http client: plain and chunked
// responses, an upload, 50 concurrent requests on connections of their own
// and 50 over a pool of kept-alive connections.
func TestGoHTTPServerFromHost(t *testing.T) {
	requireTools(t)
	work := nethttpWork(t)
	for _, emu := range emulators() {
		t.Run(string(emu), func(t *testing.T) {
			port := freePort(t)
			// ":PORT", as Go servers usually listen: one IPv6 socket on ::
			// that takes IPv4 connections too.
			g := start(t, emu, busybox, work, nil, "/work/nethttp", "serve", fmt.Sprintf(":%d", port))
			waitListening(t, g, port)
			base := fmt.Sprintf("http://127.0.0.1:%d", port)
			client := &http.Client{Timeout: 60 * time.Second}
			fetch := func(client *http.Client, method, path string, body []byte) (string, error) {
				if !strings.HasPrefix(path, "http:") {
					path = base + path
				}
				req, err := http.NewRequest(method, path, bytes.NewReader(body))
				if err != nil {
					return "", err
				}
				resp, err := client.Do(req)
				if err != nil {
					return "", err
				}
				defer resp.Body.Close()
				b, err := io.ReadAll(resp.Body)
				if err != nil {
					return "", err
				}
				if resp.StatusCode != 200 {
					return "", fmt.Errorf("%s %s: %s", method, path, resp.Status)
				}
				return string(b), nil
			}
			check := func(what, got, want string, err error) {
				t.Helper()
				if err != nil {
					t.Errorf("%s: %v", what, err)
				} else if got != want {
					t.Errorf("%s: got %d bytes %q, want %d bytes %q", what, len(got), programs.Clip(got), len(want), programs.Clip(want))
				}
			}
			got, err := fetch(client, "GET", "/hello?name=host", nil)
			check("GET /hello", got, "hello host\n", err)
			if want := fmt.Sprintf("listening on [::]:%d\n", port); string(g.stdout.Bytes()) != want {
				t.Errorf("the server printed %q, want %q", g.stdout.Bytes(), want)
			}
			got, err = fetch(client, "GET", fmt.Sprintf("http://[::1]:%d/hello?name=v6", port), nil)
			check("GET /hello over IPv6", got, "hello v6\n", err)
			got, err = fetch(client, "GET", "/blob?n=3000000", nil)
			check("GET /blob", got, string(blob(3000000)), err)
			up := blob(2 << 20)
			got, err = fetch(client, "POST", "/echo", up)
			check("POST /echo", got, fmt.Sprintf("%d bytes sha256 %x\n", len(up), sha256.Sum256(up)), err)

			pooled := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{MaxConnsPerHost: 4}}
			fresh := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
			t0 := time.Now()
			var wg sync.WaitGroup
			var mu sync.Mutex
			var failures []string
			for i := range 100 {
				c, kind := fresh, "fresh"
				if i%2 == 1 {
					c, kind = pooled, "pooled"
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					name := "r" + strconv.Itoa(i)
					got, err := fetch(c, "GET", "/hello?name="+name, nil)
					if err == nil && got != "hello "+name+"\n" {
						err = fmt.Errorf("got %q", got)
					}
					if err != nil {
						mu.Lock()
						failures = append(failures, fmt.Sprintf("%s request %d: %v", kind, i, err))
						mu.Unlock()
					}
				}()
			}
			wg.Wait()
			t.Logf("100 concurrent requests in %v", time.Since(t0).Round(time.Millisecond))
			if len(failures) > 0 {
				t.Errorf("%d of 100 concurrent requests failed:\n%s", len(failures), strings.Join(failures, "\n"))
			}
			if g.exited() || t.Failed() {
				t.Errorf("server:\n%s", g.describe())
			}
		})
	}
}
