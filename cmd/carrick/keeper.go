package main

import (
	"encoding/binary"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
	"github.com/urfave/cli/v2"

	"github.com/carrick-go/carrick/container"
)

// KeeperCommand is the hidden mode that stands in for docker's daemon
// for a detached container: it copies the container's output into its
// log and to attached clients (attach.go), passes their input on, and for
// --rm removes the container once it has exited.
//
// Its files: fd 3 the log (locked), then with a terminal (mode "tty") the
// pty master at fd 4, else (modes "pipes", "pipes-stdin") the read ends of
// the container's stdout and stderr at fds 4 and 5 and, with -i, the
// write end of its stdin at fd 6. Mode "drain" (exec -dt) has only a pty
// master, at fd 3, whose output it reads and drops.
const KeeperCommand = "internal-keeper"

// startKeeper starts a keeper of container id, in a session of its own so
// that the caller's terminal cannot end it.
func startKeeper(id string, remove bool, mode string, files ...*os.File) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, KeeperCommand, id, strconv.FormatBool(remove), mode)
	cmd.ExtraFiles = files
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}

var keeperCommand = &cli.Command{
	Name:   KeeperCommand,
	Hidden: true,
	Action: func(c *cli.Context) error {
		st, rec, err := findContainer(c.Args().First())
		if err != nil {
			return err
		}
		mode := c.Args().Get(2)
		if mode == "drain" {
			// exec -dt: the pty master at fd 3, read until no process
			// holds the terminal (EIO).
			io.Copy(io.Discard, os.NewFile(3, "pty-master"))
			return nil
		}
		k := &keeper{log: container.ReopenLog(os.NewFile(3, "log")), clients: map[net.Conn]chan frame{}}
		var outputs []*os.File
		if mode == "tty" {
			k.input = os.NewFile(4, "pty-master")
			k.tty = k.input
			outputs = []*os.File{k.input}
		} else {
			outputs = []*os.File{os.NewFile(4, "stdout"), os.NewFile(5, "stderr")}
			if mode == "pipes-stdin" {
				k.input = os.NewFile(6, "stdin")
			}
		}
		// Without the socket the keeper still keeps the log; attach then
		// says there is nothing to attach to.
		if sock, err := attachSocket(st, rec.ID); err == nil {
			if ln, err := listen(sock); err == nil {
				defer os.Remove(sock)
				defer ln.Close()
				go k.accept(ln)
			}
		}
		var wg sync.WaitGroup
		for i, f := range outputs {
			kind, name := byte(frameStdout+i), []string{"stdout", "stderr"}[i]
			w := k.log.Stream(name)
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Ends at EOF once no process of the container holds the
				// pipe, or with EIO once none holds the terminal.
				buf := make([]byte, 32<<10)
				for {
					n, err := f.Read(buf)
					if n > 0 {
						w.Write(buf[:n])
						k.broadcast(kind, buf[:n])
					}
					if err != nil {
						break
					}
				}
				f.Close()
			}()
		}
		wg.Wait()
		k.log.Close()
		// The container's status, for the attached clients.
		for deadline := time.Now().Add(10 * time.Second); st.Status(rec).State != "exited" && time.Now().Before(deadline); {
			time.Sleep(50 * time.Millisecond)
		}
		k.finish(strconv.Itoa(st.Status(rec).ExitCode))
		if c.Args().Get(1) == "true" {
			for st.Status(rec).State != "exited" {
				time.Sleep(100 * time.Millisecond)
			}
			return st.Remove(rec)
		}
		return nil
	},
}

// listen makes the attach socket, replacing a stale one.
func listen(sock string) (net.Listener, error) {
	os.Remove(sock)
	return net.Listen("unix", sock)
}

type frame struct {
	kind byte
	data []byte
}

// keeper is the state the output copiers and attached clients share.
type keeper struct {
	log   *container.Log
	input *os.File // where clients' input goes, if anywhere
	tty   *os.File // the pty master, for window sizes
	mu    sync.Mutex
	// clients are the attached connections, each with its queue: a client
	// that falls 1024 writes behind is dropped rather than stall the
	// container.
	clients map[net.Conn]chan frame
	done    bool
	writers sync.WaitGroup // one per client, sending its queue
}

func (k *keeper) accept(ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		q := make(chan frame, 1024)
		k.mu.Lock()
		if k.done {
			k.mu.Unlock()
			conn.Close()
			return
		}
		k.clients[conn] = q
		k.writers.Add(1)
		k.mu.Unlock()
		go func() {
			defer k.writers.Done()
			for f := range q {
				if writeFrame(conn, f.kind, f.data) != nil {
					break
				}
			}
			conn.Close()
		}()
		go k.serve(conn)
	}
}

// serve takes a client's input frames.
func (k *keeper) serve(conn net.Conn) {
	for {
		kind, data, err := readFrame(conn)
		if err != nil {
			k.drop(conn)
			return
		}
		switch kind {
		case frameStdin:
			if k.input != nil {
				k.input.Write(data)
			}
		case frameEOF:
			// A terminal's input has no end; a pipe's is closed, as
			// docker closes a container's stdin when the attached one ends.
			if k.input != nil && k.tty == nil {
				k.input.Close()
			}
		case frameResize:
			if k.tty != nil && len(data) == 4 {
				pty.Setsize(k.tty, &pty.Winsize{Rows: binary.BigEndian.Uint16(data), Cols: binary.BigEndian.Uint16(data[2:])})
			}
		}
	}
}

func (k *keeper) drop(conn net.Conn) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if q, ok := k.clients[conn]; ok {
		delete(k.clients, conn)
		close(q)
	}
}

func (k *keeper) broadcast(kind byte, data []byte) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for conn, q := range k.clients {
		select {
		case q <- frame{kind, append([]byte(nil), data...)}:
		default:
			delete(k.clients, conn)
			close(q)
		}
	}
}

// finish tells every client the exit status and lets their queues drain.
func (k *keeper) finish(status string) {
	k.mu.Lock()
	k.done = true
	for conn, q := range k.clients {
		select {
		case q <- frame{frameExit, []byte(status)}:
		default:
		}
		close(q)
		delete(k.clients, conn)
	}
	k.mu.Unlock()
	// The writers send what is queued, unless a client stopped reading.
	sent := make(chan struct{})
	go func() { k.writers.Wait(); close(sent) }()
	select {
	case <-sent:
	case <-time.After(2 * time.Second):
	}
}
