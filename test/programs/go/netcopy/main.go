// netcopy moves a 3 MiB file through the paths Go takes without copying
// in user space: net/http serves it with sendfile(2) to a connection
// whose send buffer is small (so most calls write only part), and a TCP
// proxy in between relays both ways with io.Copy, which splices through
// a pipe. The client checks what arrives against the file.
package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"os"
)

func main() {
	data := make([]byte, 3<<20)
	rand.New(rand.NewSource(1)).Read(data)
	if err := os.WriteFile("blob", data, 0o644); err != nil {
		fmt.Println("write:", err)
		os.Exit(1)
	}
	want := sha256.Sum256(data)

	srv, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	go http.Serve(smallBuffers{srv}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, "blob")
	}))

	proxy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		os.Exit(1)
	}
	go func() {
		for {
			c, err := proxy.Accept()
			if err != nil {
				return
			}
			go relay(c, srv.Addr().String())
		}
	}()

	for i := range 3 {
		resp, err := http.Get("http://" + proxy.Addr().String() + "/blob")
		if err != nil {
			fmt.Println("get:", err)
			os.Exit(1)
		}
		got, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		sum := sha256.Sum256(got)
		fmt.Printf("request %d: status %d, %d bytes, err %v, same as the file: %v\n",
			i, resp.StatusCode, len(got), err, bytes.Equal(sum[:], want[:]))
	}
}

// relay copies both ways between c and a new connection to addr.
func relay(c net.Conn, addr string) {
	defer c.Close()
	up, err := net.Dial("tcp", addr)
	if err != nil {
		return
	}
	defer up.Close()
	done := make(chan struct{})
	go func() {
		io.Copy(up, c)
		up.(*net.TCPConn).CloseWrite()
		close(done)
	}()
	io.Copy(c, up)
	c.(*net.TCPConn).CloseWrite()
	<-done
}

// smallBuffers gives accepted connections a small send buffer, so a
// sendfile of the whole file writes only part of it each time.
type smallBuffers struct{ net.Listener }

func (l smallBuffers) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		c.(*net.TCPConn).SetWriteBuffer(8192)
	}
	return c, err
}
