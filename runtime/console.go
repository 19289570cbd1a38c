package runtime

import (
	"errors"
	"fmt"
	"net"
	"os"

	"github.com/creack/pty"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// console is the pty of a container whose process has terminal: true.
type console struct {
	master, tty *os.File
}

// newConsole opens the pty a terminal process needs, with runc's rules:
// a detached terminal needs a console socket, and a console socket needs
// a terminal. nil means no terminal.
func newConsole(s *specs.Spec, o CreateOpts) (*console, error) {
	term := s.Process.Terminal
	switch {
	case term && o.Detached && o.ConsoleSocket == "":
		return nil, errors.New("cannot allocate tty if runc will detach without setting console socket")
	case !term && o.ConsoleSocket != "":
		return nil, errors.New("cannot use console socket if runc will not detach or allocate tty")
	case !term || o.ConsoleSocket == "":
		// A foreground run with a terminal uses the caller's own stdio.
		return nil, nil
	}
	master, tty, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("open pty: %w", err)
	}
	// The process opens its terminal by name too (/dev/tty, /dev/console):
	// it must be the container user's, as runc arranges.
	if u := s.Process.User; u.UID != 0 || u.GID != 0 {
		if err := os.Chown(tty.Name(), int(u.UID), int(u.GID)); err != nil {
			master.Close()
			tty.Close()
			return nil, fmt.Errorf("console: %w", err)
		}
	}
	if sz := s.Process.ConsoleSize; sz != nil {
		pty.Setsize(master, &pty.Winsize{Rows: uint16(sz.Height), Cols: uint16(sz.Width)})
	}
	return &console{master: master, tty: tty}, nil
}

// send hands the master to the console socket: one message whose data is
// the pty's name and whose control data is one SCM_RIGHTS fd, as runc
// sends it and go-runc receives it.
func (c *console) send(socket string) error {
	conn, err := net.Dial("unix", socket)
	if err != nil {
		return fmt.Errorf("console socket: %w", err)
	}
	defer conn.Close()
	rights := unix.UnixRights(int(c.master.Fd()))
	if _, _, err := conn.(*net.UnixConn).WriteMsgUnix([]byte(c.master.Name()), rights, nil); err != nil {
		return fmt.Errorf("console socket: send the pty master: %w", err)
	}
	return nil
}

func (c *console) close() {
	if c != nil {
		c.master.Close()
		c.tty.Close()
	}
}
