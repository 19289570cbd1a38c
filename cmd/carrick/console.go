package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// consoleReceiver is the console socket `run -t` and `exec -t` hand the
// runtime (runc's protocol): the runtime sends the pty master there, and
// carrick copies between it and the user's terminal.
type consoleReceiver struct {
	dir    string
	ln     *net.UnixListener
	master chan *os.File
	err    chan error
}

func newConsoleReceiver() (*consoleReceiver, error) {
	// A short path: socket names are limited to ~100 bytes.
	dir, err := os.MkdirTemp("", "carrick-console-")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "sock")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	r := &consoleReceiver{dir: dir, ln: ln, master: make(chan *os.File, 1), err: make(chan error, 1)}
	go r.accept()
	return r, nil
}

func (r *consoleReceiver) Path() string { return filepath.Join(r.dir, "sock") }

func (r *consoleReceiver) accept() {
	conn, err := r.ln.AcceptUnix()
	if err != nil {
		r.err <- err
		return
	}
	defer conn.Close()
	buf, oob := make([]byte, 4096), make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		r.err <- err
		return
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		r.err <- errors.New("console: no pty master received")
		return
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		r.err <- errors.New("console: no pty master received")
		return
	}
	// Non-blocking, so that Go polls it: Close then ends a pending Read
	// (hanging up the pty); the sender's Fd() made it blocking.
	unix.SetNonblock(fds[0], true)
	r.master <- os.NewFile(uintptr(fds[0]), "pty-master")
}

// Master waits for the runtime's pty master (it is sent before create
// returns).
func (r *consoleReceiver) Master() (*os.File, error) {
	select {
	case m := <-r.master:
		return m, nil
	case err := <-r.err:
		return nil, err
	case <-time.After(10 * time.Second):
		return nil, errors.New("console: the runtime sent no pty")
	}
}

func (r *consoleReceiver) Close() {
	r.ln.Close()
	os.RemoveAll(r.dir)
}

// rawTerminal puts the terminal on fd in raw mode, as docker does for
// -it, and returns what restores it.
func rawTerminal(fd int) (restore func(), err error) {
	old, err := unix.IoctlGetTermios(fd, ioctlGetTermios)
	if err != nil {
		return func() {}, err
	}
	raw := *old
	raw.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	raw.Oflag &^= unix.OPOST
	raw.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	raw.Cflag &^= unix.CSIZE | unix.PARENB
	raw.Cflag |= unix.CS8
	raw.Cc[unix.VMIN], raw.Cc[unix.VTIME] = 1, 0
	if err := unix.IoctlSetTermios(fd, ioctlSetTermios, &raw); err != nil {
		return func() {}, err
	}
	var once sync.Once
	return func() { once.Do(func() { unix.IoctlSetTermios(fd, ioctlSetTermios, old) }) }, nil
}

// isTerminal reports whether f is a terminal.
func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), ioctlGetTermios)
	return err == nil
}

// proxyConsole copies between the user's terminal and the container's
// pty: stdin to the master when input is on, the master to stdout (and
// log, when not nil), and
// window size changes to the pty. It returns what stops it: done waits
// (boundedly) for the output to drain.
func proxyConsole(master *os.File, input bool, log io.Writer) (done func()) {
	resize := func() {
		if ws, err := unix.IoctlGetWinsize(int(os.Stdout.Fd()), unix.TIOCGWINSZ); err == nil {
			pty.Setsize(master, &pty.Winsize{Rows: ws.Row, Cols: ws.Col})
		} else if ws, err := unix.IoctlGetWinsize(int(os.Stdin.Fd()), unix.TIOCGWINSZ); err == nil {
			pty.Setsize(master, &pty.Winsize{Rows: ws.Row, Cols: ws.Col})
		}
	}
	resize()
	winch := make(chan os.Signal, 4)
	signal.Notify(winch, syscall.SIGWINCH)
	go func() {
		for range winch {
			resize()
		}
	}()
	if input {
		go io.Copy(master, os.Stdin)
	}
	out := make(chan struct{})
	go func() {
		w := io.Writer(os.Stdout)
		if log != nil {
			w = io.MultiWriter(os.Stdout, log)
		}
		io.Copy(w, master) // ends with EIO once no one holds the slave
		close(out)
	}()
	return func() {
		signal.Stop(winch)
		close(winch)
		select {
		case <-out:
		case <-time.After(500 * time.Millisecond):
		}
		master.Close()
	}
}

// errWithCode is an error that carries docker's exit status.
type errWithCode struct {
	err  error
	code int
}

func (e errWithCode) Error() string { return e.err.Error() }

func withCode(code int, format string, args ...any) error {
	return errWithCode{fmt.Errorf(format, args...), code}
}
