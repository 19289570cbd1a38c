// Command nethttp is the Go networking probe of test/net: a net/http server
// and client, a TCP echo server and round-trip timers, built for linux/arm64
// and run under carrick and under qemu-aarch64 (the bench builds it for the
// host too, as the load side of the round-trip measurement).
//
//	nethttp selftest          server and client in this process; prints a
//	                          deterministic transcript
//	nethttp serve ADDR        the HTTP server on ADDR until killed
//	nethttp echo ADDR         a TCP echo server on ADDR until killed
//	nethttp rtt N             N one-byte TCP round trips inside this process;
//	                          prints p50 and p99 in microseconds
//	nethttp rttclient ADDR N  N one-byte round trips to an echo server
//
// The servers print "listening on ADDR" once they accept connections.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// blob is the deterministic body of /blob: n bytes of a simple generator.
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

// handler serves /hello?name=N, /blob?n=BYTES (streamed in pieces, so the
// response is chunked), /echo (POST: the body's length and sha256) and 404
// elsewhere.
func handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s\n", r.URL.Query().Get("name"))
	})
	mux.HandleFunc("/blob", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil || n < 0 || n > 64<<20 {
			http.Error(w, "bad n", http.StatusBadRequest)
			return
		}
		b := blob(n)
		for len(b) > 0 {
			k := min(len(b), 16<<10)
			w.Write(b[:k])
			b = b[k:]
		}
	})
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%d bytes sha256 %x\n", len(body), sha256.Sum256(body))
	})
	return mux
}

func main() {
	if len(os.Args) < 2 {
		fatal("usage: nethttp selftest | serve ADDR | echo ADDR | rtt N | rttclient ADDR N")
	}
	var err error
	switch os.Args[1] {
	case "selftest":
		err = selftest()
	case "serve":
		err = serve(arg(2))
	case "echo":
		err = echoServer(arg(2))
	case "rtt":
		err = rttLocal(atoi(arg(2)))
	case "rttclient":
		err = rttClient(arg(2), atoi(arg(3)))
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fatal(err.Error())
	}
}

func arg(i int) string {
	if len(os.Args) <= i {
		fatal("missing argument")
	}
	return os.Args[i]
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		fatal("bad count " + s)
	}
	return n
}

func fatal(msg string) {
	fmt.Fprintln(os.Stderr, "nethttp:", msg)
	os.Exit(1)
}

func serve(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	return http.Serve(ln, handler())
}

// selftest runs the server and the client in this process and prints what
// the client saw: nothing in it depends on timing or on the port.
func selftest() error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: handler()}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	base := "http://" + ln.Addr().String()
	client := &http.Client{Timeout: 60 * time.Second}

	get := func(path string) (int, []byte, error) {
		resp, err := client.Get(base + path)
		if err != nil {
			return 0, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		return resp.StatusCode, b, err
	}

	// Sequential requests on one kept-alive connection.
	reused := 0
	for i := range 5 {
		var info httptrace.GotConnInfo
		trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) { info = ci }}
		req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(), trace), "GET",
			fmt.Sprintf("%s/hello?name=seq%d", base, i), nil)
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		if info.Reused {
			reused++
		}
		fmt.Printf("GET /hello?name=seq%d: %d %q\n", i, resp.StatusCode, b)
	}
	fmt.Printf("connections reused: %d of 4\n", reused)

	// A chunked response and a large upload.
	code, b, err := get("/blob?n=1000000")
	if err != nil {
		return err
	}
	fmt.Printf("GET /blob?n=1000000: %d, %d bytes, equal %v\n", code, len(b), bytes.Equal(b, blob(1000000)))
	up := blob(300000)
	resp, err := client.Post(base+"/echo", "application/octet-stream", bytes.NewReader(up))
	if err != nil {
		return err
	}
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	want := fmt.Sprintf("300000 bytes sha256 %x\n", sha256.Sum256(up))
	fmt.Printf("POST /echo (300000 bytes): %d %q, as sent %v\n", resp.StatusCode, b, string(b) == want)
	code, b, err = get("/missing")
	if err != nil {
		return err
	}
	fmt.Printf("GET /missing: %d %q\n", code, b)

	// Concurrent requests, each on a connection of its own.
	const n = 20
	conc := &http.Client{Timeout: 60 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	lines := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := conc.Get(fmt.Sprintf("%s/hello?name=c%02d", base, i))
			if err != nil {
				lines[i] = "error: " + err.Error()
				return
			}
			b, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			lines[i] = fmt.Sprintf("%d %q %v", resp.StatusCode, b, err)
		}()
	}
	wg.Wait()
	sort.Strings(lines)
	for _, l := range lines {
		fmt.Println("concurrent:", l)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		return err
	}
	fmt.Printf("shutdown: %v\n", <-served)
	_, err = client.Get(base + "/hello")
	fmt.Printf("after shutdown: refused %v\n", err != nil && strings.Contains(err.Error(), "connection refused"))
	return nil
}

func echoServer(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Printf("listening on %s\n", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			return err
		}
		go echo(c)
	}
}

// echo writes back what c reads until EOF, then closes c. A loop of reads
// and writes, not io.Copy: that is splice(2) between two TCP connections,
// which the round-trip measurement should not depend on.
func echo(c net.Conn) {
	defer c.Close()
	b := make([]byte, 32<<10)
	for {
		n, err := c.Read(b)
		if n > 0 {
			if _, werr := c.Write(b[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// roundTrips does n one-byte exchanges over c and returns their durations.
func roundTrips(c net.Conn, n int) ([]time.Duration, error) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetNoDelay(true)
	}
	r := bufio.NewReader(c)
	d := make([]time.Duration, n)
	for i := range n {
		t0 := time.Now()
		if _, err := c.Write([]byte{byte(i)}); err != nil {
			return nil, err
		}
		b, err := r.ReadByte()
		if err != nil {
			return nil, err
		}
		if b != byte(i) {
			return nil, fmt.Errorf("round trip %d: got %d", i, b)
		}
		d[i] = time.Since(t0)
	}
	return d, nil
}

func report(d []time.Duration) {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	pct := func(p float64) float64 {
		return float64(d[min(len(d)-1, int(p*float64(len(d))))].Nanoseconds()) / 1e3
	}
	fmt.Printf("round_trips=%d p50_us=%.1f p99_us=%.1f\n", len(d), pct(0.50), pct(0.99))
}

// rttLocal times round trips between a client and an echo server that are
// both goroutines of this process.
func rttLocal(n int) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		c.(*net.TCPConn).SetNoDelay(true)
		echo(c)
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return err
	}
	defer c.Close()
	d, err := roundTrips(c, n)
	if err != nil {
		return err
	}
	report(d)
	return nil
}

func rttClient(addr string, n int) error {
	c, err := net.DialTimeout("tcp", addr, 30*time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Minute))
	d, err := roundTrips(c, n)
	if err != nil {
		return err
	}
	report(d)
	return nil
}
