//go:build linux

package net

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestBusyboxWget: busybox wget in the guest against an HTTP server of the
// test on the host: a body to stdout, a redirect followed into a file, and
// a 404 (whose message must be the reference's).
func TestBusyboxWget(t *testing.T) {
	requireTools(t)
	body := pseudoRandom(300<<10, 11)
	var mu sync.Mutex
	var agents []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		agents = append(agents, r.UserAgent())
		mu.Unlock()
		switch r.URL.Path {
		case "/file":
			w.Write(body)
		case "/redirect":
			http.Redirect(w, r, "/file", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	notFound := map[emulator][]byte{}
	for _, emu := range emulators() {
		t.Run(string(emu), func(t *testing.T) {
			work := workDir(t)
			g := run(t, emu, busybox, work, nil, 60*time.Second, "/usr/bin/wget", "-q", "-O", "-", srv.URL+"/file")
			if g.status != 0 || !bytes.Equal(g.stdout.Bytes(), body) {
				t.Errorf("wget -O - /file: want exit 0 and the %d bytes served, got %d bytes\n%s",
					len(body), len(g.stdout.Bytes()), g.describe())
			}
			g = run(t, emu, busybox, work, nil, 60*time.Second, "/usr/bin/wget", "-q", "-O", "/work/out", srv.URL+"/redirect")
			if b, err := os.ReadFile(filepath.Join(work, "out")); g.status != 0 || !bytes.Equal(b, body) {
				t.Errorf("wget -O /work/out /redirect: want exit 0 and the %d bytes served in the file, got %d bytes (%v)\n%s",
					len(body), len(b), err, g.describe())
			}
			g = run(t, emu, busybox, work, nil, 60*time.Second, "/usr/bin/wget", "-q", "-O", "-", srv.URL+"/missing")
			if g.status == 0 {
				t.Errorf("wget of a 404 succeeded\n%s", g.describe())
			}
			notFound[emu] = append([]byte(fmt.Sprintf("exit %d\n", g.status)), g.stderr.Bytes()...)
		})
	}
	sameAsReference(t, "wget's report of a 404", notFound)
	for _, a := range agents {
		if !strings.Contains(a, "Wget") {
			t.Errorf("a request came with User-Agent %q, not busybox wget's", a)
		}
	}
}

// TestBusyboxNc: busybox nc in the guest as a client of a TCP server of the
// test, and as a server (nc -l) the test connects to.
func TestBusyboxNc(t *testing.T) {
	requireTools(t)
	// The host server answers each connection's first line and closes.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(60 * time.Second))
				line, err := bufio.NewReader(c).ReadString('\n')
				if err != nil {
					return
				}
				fmt.Fprintf(c, "host got %q\nbye\n", line)
			}()
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port

	transcripts := map[emulator][]byte{}
	for _, emu := range emulators() {
		t.Run(string(emu)+"/client", func(t *testing.T) {
			g := run(t, emu, busybox, workDir(t), strings.NewReader("hello from the guest\n"), 60*time.Second,
				"/usr/bin/nc", "127.0.0.1", strconv.Itoa(port))
			want := "host got \"hello from the guest\\n\"\nbye\n"
			if g.status != 0 || string(g.stdout.Bytes()) != want {
				t.Errorf("want exit 0 and %q\n%s", want, g.describe())
			}
			transcripts[emu] = append(g.stdout.Bytes(), g.stderr.Bytes()...)
		})
		t.Run(string(emu)+"/listen", func(t *testing.T) {
			lport := freePort(t)
			g := start(t, emu, busybox, workDir(t), strings.NewReader("from the guest's stdin\n"),
				"/usr/bin/nc", "-l", "-p", strconv.Itoa(lport))
			var c net.Conn
			deadline := time.Now().Add(portWait)
			for {
				var err error
				if c, err = net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", lport), time.Second); err == nil {
					break
				}
				if g.exited() || time.Now().After(deadline) {
					t.Fatalf("nc -l never accepted on %d: %v\n%s", lport, err, g.describe())
				}
				time.Sleep(100 * time.Millisecond)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(60 * time.Second))
			if _, err := io.WriteString(c, "from the host\n"); err != nil {
				t.Fatal(err)
			}
			c.(*net.TCPConn).CloseWrite()
			got, err := io.ReadAll(c)
			if err != nil || string(got) != "from the guest's stdin\n" {
				t.Errorf("the host read %q, %v; want the guest's stdin", got, err)
			}
			if !g.wait(60 * time.Second) {
				t.Fatalf("nc -l did not end after the host closed\n%s", g.describe())
			}
			if g.status != 0 || string(g.stdout.Bytes()) != "from the host\n" {
				t.Errorf("want exit 0 and what the host sent on stdout\n%s", g.describe())
			}
		})
	}
	sameAsReference(t, "nc's output", transcripts)
}
