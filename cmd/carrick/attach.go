package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/container"
	"github.com/carrick-go/carrick/sysemu/host"
)

// docker attach without a daemon: the keeper of a detached container
// (keeper.go) listens on a Unix socket and passes what the container
// prints to every attached client as it goes to the log, and the
// clients' input and window size to the container. Frames both ways are
// a kind byte, a big-endian 32-bit length, and the data.
const (
	frameStdin  = 0 // client → keeper: input
	frameStdout = 1 // keeper → client
	frameStderr = 2
	frameExit   = 3 // keeper → client: the exit status, in decimal
	frameResize = 4 // client → keeper: rows and columns, 16 bits each
	frameEOF    = 5 // client → keeper: the input ended
)

// attachSocket is where container id's keeper listens: a short path
// under the temporary directory (socket names are limited to about 100
// bytes), named from the store and the ID.
func attachSocket(st *container.Store, id string) (string, error) {
	dir, err := host.UserTempDir("attach")
	if err != nil {
		return "", err
	}
	h := sha256.Sum256([]byte(st.Home + "\x00" + id))
	return filepath.Join(dir, hex.EncodeToString(h[:10])+".sock"), nil
}

func writeFrame(w io.Writer, kind byte, data []byte) error {
	b := make([]byte, 5+len(data))
	b[0] = kind
	binary.BigEndian.PutUint32(b[1:], uint32(len(data)))
	copy(b[5:], data)
	_, err := w.Write(b)
	return err
}

func readFrame(r io.Reader) (kind byte, data []byte, err error) {
	var h [5]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(h[1:])
	if n > 1<<20 {
		return 0, nil, errors.New("attach: frame too large")
	}
	data = make([]byte, n)
	_, err = io.ReadFull(r, data)
	return h[0], data, err
}

var attachCommand = &cli.Command{
	Name:      "attach",
	Usage:     "attach this terminal to a detached container's input and output",
	ArgsUsage: "CONTAINER",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "no-stdin", Usage: "do not attach stdin"},
		&cli.StringFlag{Name: "detach-keys", Value: "ctrl-p,ctrl-q", Usage: "the key `SEQUENCE` that detaches"},
		&cli.BoolFlag{Name: "sig-proxy", Value: true, Usage: "pass the signals carrick gets to the container (not with a terminal)"},
	},
	Action: func(c *cli.Context) error {
		if c.NArg() != 1 {
			return cli.Exit("attach: want one CONTAINER", 125)
		}
		keys, err := parseDetachKeys(c.String("detach-keys"))
		if err != nil {
			return cli.Exit("attach: "+err.Error(), 125)
		}
		st, r, err := findContainer(c.Args().First())
		if err != nil {
			return exitErr(err)
		}
		if st.Status(r).State != "running" {
			return cli.Exit("You cannot attach to a stopped container, start it first", 1)
		}
		sock, err := attachSocket(st, r.ID)
		if err != nil {
			return cli.Exit("attach: "+err.Error(), 1)
		}
		// A keeper just started may not listen yet.
		var conn net.Conn
		for deadline := time.Now().Add(3 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if conn, err = net.Dial("unix", sock); err == nil || time.Now().After(deadline) {
				break
			}
		}
		if err != nil {
			return cli.Exit(fmt.Sprintf("attach: %s was not started detached by carrick (run -d or start): nothing to attach to", r.Name), 1)
		}
		defer conn.Close()
		return attach(conn, st, r, r.OpenStdin && !c.Bool("no-stdin"), keys, c.Bool("sig-proxy"))
	},
}

// parseDetachKeys reads docker's form: "ctrl-X" and single characters,
// comma-separated.
func parseDetachKeys(s string) ([]byte, error) {
	var keys []byte
	for _, k := range bytes.Split([]byte(s), []byte(",")) {
		switch {
		case len(k) == 1:
			keys = append(keys, k[0])
		case len(k) == 6 && string(k[:5]) == "ctrl-":
			c := k[5]
			switch {
			case c >= 'a' && c <= 'z':
				keys = append(keys, c-'a'+1)
			case c == '@':
				keys = append(keys, 0)
			case c >= '[' && c <= '_':
				keys = append(keys, c-'['+27)
			default:
				return nil, fmt.Errorf("detach keys %q: unknown key %q", s, k)
			}
		default:
			return nil, fmt.Errorf("detach keys %q: unknown key %q", s, k)
		}
	}
	return keys, nil
}

// attach runs the client's side until the container exits (carrick then
// exits as it did) or the detach keys are typed.
func attach(conn net.Conn, st *container.Store, r *container.Record, input bool, keys []byte, sigProxy bool) error {
	restore := func() {}
	if r.TTY && input && isTerminal(os.Stdin) {
		rs, err := rawTerminal(int(os.Stdin.Fd()))
		if err != nil {
			return cli.Exit("attach: "+err.Error(), 125)
		}
		restore = rs
	}
	defer restore()
	if r.TTY {
		sendSize := func() {
			for _, f := range []*os.File{os.Stdout, os.Stdin} {
				if ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ); err == nil {
					var b [4]byte
					binary.BigEndian.PutUint16(b[:], ws.Row)
					binary.BigEndian.PutUint16(b[2:], ws.Col)
					writeFrame(conn, frameResize, b[:])
					return
				}
			}
		}
		sendSize()
		winch := make(chan os.Signal, 4)
		signal.Notify(winch, syscall.SIGWINCH)
		defer signal.Stop(winch)
		go func() {
			for range winch {
				sendSize()
			}
		}()
	} else if sigProxy {
		sigs := make(chan os.Signal, 8)
		signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2)
		defer signal.Stop(sigs)
		go func() {
			for s := range sigs {
				st.Runtime().Kill(r.ID, s.(syscall.Signal), false)
			}
		}()
	}
	detached := make(chan struct{})
	if input {
		go func() {
			if forwardInput(conn, os.Stdin, keys) {
				close(detached)
			}
		}()
	}
	code := make(chan int, 1)
	go func() {
		for {
			kind, data, err := readFrame(conn)
			if err != nil {
				// The keeper went away without an exit: what the store says.
				code <- -1
				return
			}
			switch kind {
			case frameStdout:
				os.Stdout.Write(data)
			case frameStderr:
				os.Stderr.Write(data)
			case frameExit:
				n, _ := strconv.Atoi(string(data))
				code <- n
				return
			}
		}
	}()
	select {
	case <-detached:
		restore()
		fmt.Fprintln(os.Stderr, "\r\nread escape sequence")
		return nil
	case n := <-code:
		if n < 0 {
			st.WaitLog(r.ID, 2*time.Second)
			n = st.Status(r).ExitCode
		}
		return cli.Exit("", n)
	}
}

// forwardInput sends in to the keeper until it ends (then an EOF frame)
// or the detach keys are typed (it reports true). Keys that begin the
// sequence but do not complete it are sent on.
func forwardInput(conn net.Conn, in io.Reader, keys []byte) bool {
	buf := make([]byte, 32<<10)
	matched := 0
	for {
		n, err := in.Read(buf)
		var out []byte
		for _, b := range buf[:n] {
			if len(keys) > 0 && b != keys[matched] && matched > 0 {
				out = append(out, keys[:matched]...)
				matched = 0
			}
			if len(keys) > 0 && b == keys[matched] {
				matched++
				if matched == len(keys) {
					writeFrame(conn, frameStdin, out)
					return true
				}
				continue
			}
			out = append(out, b)
		}
		if len(out) > 0 {
			if writeFrame(conn, frameStdin, out) != nil {
				return false
			}
		}
		if err != nil {
			writeFrame(conn, frameEOF, nil)
			return false
		}
	}
}
