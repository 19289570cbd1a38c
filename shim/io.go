package shim

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"sync"
	"syscall"

	"github.com/containerd/console"
	"github.com/containerd/fifo"
	runc "github.com/containerd/go-runc"
)

// stdio is what containerd asks for a process's standard streams: fifo
// paths (or file:// URIs) created by the client, and whether the process
// has a terminal.
type stdio struct {
	stdin, stdout, stderr string
	terminal              bool
}

func (s stdio) null() bool { return s.stdin == "" && s.stdout == "" && s.stderr == "" }

// procIO connects a process's streams to containerd's. Without a terminal
// the runtime gets pipes and the shim copies between them and the fifos;
// with one, the shim receives the pty master on a console socket and
// copies between it and the fifos (stdout only: a terminal has one output).
type procIO struct {
	stdio
	rio     runc.IO         // pipes handed to the runtime command
	socket  *runc.Socket    // console socket, with a terminal
	console console.Console // the pty master, once received
	stdinR  io.ReadCloser   // the stdin fifo
	copies  sync.WaitGroup  // output copies still running
	once    sync.Once
}

// newProcIO prepares the process's streams before the runtime command.
func newProcIO(ctx context.Context, s stdio) (*procIO, error) {
	p := &procIO{stdio: s}
	if s.terminal {
		sock, err := runc.NewTempConsoleSocket()
		if err != nil {
			return nil, fmt.Errorf("console socket: %w", err)
		}
		p.socket = sock
		return p, nil
	}
	if s.null() {
		rio, err := runc.NewNullIO()
		if err != nil {
			return nil, err
		}
		p.rio = rio
		return p, nil
	}
	rio, err := runc.NewPipeIO(os.Getuid(), os.Getgid(), func(o *runc.IOOption) {
		o.OpenStdin, o.OpenStdout, o.OpenStderr = s.stdin != "", s.stdout != "", s.stderr != ""
	})
	if err != nil {
		return nil, err
	}
	p.rio = rio
	if err := p.copyOut(ctx, s.stdout, rio.Stdout()); err != nil {
		p.close()
		return nil, err
	}
	if err := p.copyOut(ctx, s.stderr, rio.Stderr()); err != nil {
		p.close()
		return nil, err
	}
	if s.stdin != "" {
		in, err := openStdin(s.stdin)
		if err != nil {
			p.close()
			return nil, fmt.Errorf("stdin %s: %w", s.stdin, err)
		}
		p.stdinR = in
		w := rio.Stdin()
		go func() {
			io.Copy(w, in)
			w.Close()
		}()
	}
	return p, nil
}

// openStdin opens the client's stdin fifo without waiting for the
// client's end, and without a deadline: the open completes whenever the
// client opens it (a request's context would abandon it when the request
// returns, and the process would never see its input). close() ends a
// pending open.
func openStdin(path string) (io.ReadCloser, error) {
	return fifo.OpenFifo(context.Background(), path, syscall.O_RDONLY|syscall.O_NONBLOCK, 0)
}

// copyOut copies r (the process's output) to the client's path until the
// process and everything that inherited the stream close it.
func (p *procIO) copyOut(ctx context.Context, path string, r io.Reader) error {
	if path == "" || r == nil {
		return nil
	}
	w, err := openOutput(ctx, path)
	if err != nil {
		return err
	}
	p.copies.Add(1)
	go func() {
		defer p.copies.Done()
		io.Copy(w, r)
		w.Close()
	}()
	return nil
}

// openOutput opens a client's output: a fifo path, or a file:// URI
// (appended to, as containerd's runc shim does). Logging binaries
// (binary://) are not supported.
func openOutput(ctx context.Context, path string) (io.WriteCloser, error) {
	u, err := url.Parse(path)
	if err == nil && u.Scheme != "" && u.Scheme != "fifo" {
		if u.Scheme != "file" {
			return nil, fmt.Errorf("stdio %s: the %s:// scheme is not supported", path, u.Scheme)
		}
		return os.OpenFile(u.Path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	}
	if err == nil && u.Scheme == "fifo" {
		path = u.Path
	}
	w, err := fifo.OpenFifo(ctx, path, syscall.O_WRONLY, 0)
	if err != nil {
		return nil, fmt.Errorf("stdio %s: %w", path, err)
	}
	return w, nil
}

// consoleSocket is where the runtime sends the pty master, if any.
func (p *procIO) consoleSocket() runc.ConsoleSocket {
	if p.socket == nil {
		return nil
	}
	return p.socket
}

func (p *procIO) runcIO() runc.IO { return p.rio }

// afterStart runs once the runtime command has passed the streams on
// (go-runc already closed the shim's copies of the pipe ends the process
// uses, so output ends when the process's copies close): with a terminal,
// the pty master is received and copied.
func (p *procIO) afterStart(ctx context.Context) error {
	if p.socket == nil {
		return nil
	}
	con, err := p.socket.ReceiveMaster()
	p.socket.Close()
	p.socket = nil
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	p.console = con
	if p.stdin != "" {
		in, err := openStdin(p.stdin)
		if err != nil {
			return fmt.Errorf("stdin %s: %w", p.stdin, err)
		}
		p.stdinR = in
		go io.Copy(con, in)
	}
	if p.stdout != "" {
		w, err := openOutput(ctx, p.stdout)
		if err != nil {
			return err
		}
		p.copies.Add(1)
		go func() {
			defer p.copies.Done()
			// Reading the master fails (EIO) once no process holds the
			// terminal any more.
			io.Copy(w, con)
			w.Close()
		}()
	}
	return nil
}

// closeStdin is CloseIO: the process reads end of file.
func (p *procIO) closeStdin() {
	if p.stdinR != nil {
		p.stdinR.Close()
	}
	if p.rio != nil && p.rio.Stdin() != nil {
		p.rio.Stdin().Close()
	}
}

func (p *procIO) resize(w, h uint32) error {
	if p.console == nil {
		return fmt.Errorf("the process has no terminal")
	}
	return p.console.Resize(console.WinSize{Width: uint16(w), Height: uint16(h)})
}

// finish waits for the output copies after the process exited, then lets
// go of everything.
func (p *procIO) finish() {
	p.copies.Wait()
	p.close()
}

func (p *procIO) close() {
	p.once.Do(func() {
		if p.stdinR != nil {
			p.stdinR.Close()
		}
		if p.socket != nil {
			p.socket.Close()
		}
		if p.rio != nil {
			p.rio.Close()
		}
		if p.console != nil {
			p.console.Close()
		}
	})
}
