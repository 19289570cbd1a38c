package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/carrick-go/carrick/container"
	"github.com/carrick-go/carrick/image"
	carrickrt "github.com/carrick-go/carrick/runtime"
)

var runCommand = &cli.Command{
	Name:                   "run",
	Usage:                  "run a command in a new container of an image",
	ArgsUsage:              "IMAGE [COMMAND [ARG...]]",
	Flags:                  append(append([]cli.Flag{}, createFlags...), &cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "run in the background and print the container's ID"}, insecureFlag),
	UseShortOptionHandling: true,
	Action:                 runContainer,
}

var createCommand = &cli.Command{
	Name:                   "create",
	Usage:                  "create a container of an image without starting it",
	ArgsUsage:              "IMAGE [COMMAND [ARG...]]",
	Flags:                  append(append([]cli.Flag{}, createFlags...), insecureFlag),
	UseShortOptionHandling: true,
	Action: func(c *cli.Context) error {
		_, rec, err := createContainer(c)
		if err != nil {
			return exitErr(err)
		}
		fmt.Println(rec.ID)
		return nil
	},
}

var startCommand = &cli.Command{
	Name:                   "start",
	Usage:                  "start created or stopped containers",
	ArgsUsage:              "CONTAINER...",
	Flags:                  []cli.Flag{&cli.BoolFlag{Name: "attach", Aliases: []string{"a"}, Usage: "attach stdout and stderr and exit as the container does"}, &cli.BoolFlag{Name: "interactive", Aliases: []string{"i"}, Usage: "attach stdin"}},
	UseShortOptionHandling: true,
	Action: func(c *cli.Context) error {
		if c.Bool("attach") || c.Bool("interactive") {
			if c.NArg() != 1 {
				return cli.Exit("start: attach to exactly one CONTAINER", 125)
			}
			st, rec, err := findContainer(c.Args().First())
			if err != nil {
				return exitErr(err)
			}
			return exitErr(startForeground(st, rec, c.Bool("interactive")))
		}
		return eachContainer(c, false, startDetached)
	},
}

// exitErr turns an error into carrick's exit: docker's status when it
// carries one, 125 (carrick's own failure) otherwise.
func exitErr(err error) error {
	if err == nil {
		return nil
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		return ec
	}
	var wc errWithCode
	if errors.As(err, &wc) {
		return cli.Exit(wc.Error(), wc.code)
	}
	return cli.Exit(err.Error(), 125)
}

// createContainer makes the container run or create asks for, pulling
// its image first when the store lacks it (as docker does).
func createContainer(c *cli.Context) (*container.Store, *container.Record, error) {
	o, err := containerOptions(c)
	if err != nil {
		return nil, nil, err
	}
	st, err := openStores()
	if err != nil {
		return nil, nil, err
	}
	_, err = st.Images.Resolve(o.Image)
	if c.Bool("pull") || errors.Is(err, image.ErrNotFound) {
		if err != nil {
			fmt.Fprintf(os.Stderr, "Unable to find image '%s' locally\n", o.Image)
		}
		if _, err := pullTo(st, o.Image, c.StringSlice("insecure-registry"), os.Stderr); err != nil {
			return nil, nil, err
		}
	} else if err != nil {
		return nil, nil, err
	}
	rec, err := st.Create(o)
	if err != nil {
		return nil, nil, err
	}
	return st, rec, nil
}

func runContainer(c *cli.Context) error {
	detach := c.Bool("detach")
	if c.Bool("tty") && !c.Bool("detach") && c.Bool("interactive") && !isTerminal(os.Stdin) {
		return cli.Exit("the input device is not a TTY", 1)
	}
	st, rec, err := createContainer(c)
	if err != nil {
		return exitErr(err)
	}
	if detach {
		if err := startDetached(st, rec); err != nil {
			return exitErr(err)
		}
		fmt.Println(rec.ID)
		return nil
	}
	return exitErr(startForeground(st, rec, rec.OpenStdin))
}

// launch creates the container's init in the runtime (after clearing a
// previous run's state) and lets it run.
func launch(st *container.Store, rec *container.Record, o carrickrt.CreateOpts) (*exec.Cmd, error) {
	rt := st.Runtime()
	if s, err := rt.State(rec.ID); err == nil {
		if s.Status != carrickrt.StatusStopped {
			return nil, fmt.Errorf("container %s is already %s", rec.Name, s.Status)
		}
		if err := rt.Delete(rec.ID, true); err != nil {
			return nil, err
		}
	}
	o.Bundle = st.Dir(rec.ID)
	cmd, err := rt.Create(rec.ID, o)
	if err != nil {
		return nil, startError(err)
	}
	rec.Pid = cmd.Process.Pid
	rec.StartedAt = time.Now().UTC()
	if err := st.Save(rec); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, err
	}
	if err := rt.Start(rec.ID); err != nil {
		rt.Delete(rec.ID, true)
		cmd.Wait()
		return nil, err
	}
	return cmd, nil
}

// startError gives a failed start docker's status: 127 for a command
// that is not there, 126 for one that cannot be run.
func startError(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "executable file not found"), strings.Contains(msg, "no such file or directory"),
		strings.Contains(msg, "ENOENT"):
		return withCode(127, "%s", msg)
	case strings.Contains(msg, "permission denied"), strings.Contains(msg, "EACCES"),
		strings.Contains(msg, "exec format error"), strings.Contains(msg, "ENOEXEC"), strings.Contains(msg, "is a directory"):
		return withCode(126, "%s", msg)
	}
	return err
}

// startDetached starts the container with its output going to its log
// through a keeper process, which copies it there as docker's daemon
// would: from two pipes, or from the pty master with a terminal.
func startDetached(st *container.Store, rec *container.Record) error {
	// The log is locked before the container runs, and the lock passes to
	// the keeper with the file: `wait` and `logs` then never see an exit
	// before its output is in the log.
	log, err := st.OpenLog(rec.ID)
	if err != nil {
		return err
	}
	defer log.Close()
	null, err := os.Open(os.DevNull)
	if err != nil {
		return err
	}
	defer null.Close()
	o := carrickrt.CreateOpts{Stdin: null, Detached: true}
	if !rec.TTY {
		// With -i the container's stdin is a pipe the keeper holds open
		// for `attach`, as docker's daemon does.
		mode, files := "pipes", []*os.File{log.File()}
		var inW *os.File
		if rec.OpenStdin {
			inR, w, err := os.Pipe()
			if err != nil {
				return err
			}
			defer inR.Close()
			defer w.Close()
			o.Stdin, inW, mode = inR, w, "pipes-stdin"
		}
		outR, outW, err := os.Pipe()
		if err != nil {
			return err
		}
		defer outR.Close()
		defer outW.Close()
		errR, errW, err := os.Pipe()
		if err != nil {
			return err
		}
		defer errR.Close()
		defer errW.Close()
		o.Stdout, o.Stderr = outW, errW
		cmd, err := launch(st, rec, o)
		if err != nil {
			return err
		}
		cmd.Process.Release()
		files = append(files, outR, errR)
		if inW != nil {
			files = append(files, inW)
		}
		if err := startKeeper(rec.ID, rec.AutoRemove, mode, files...); err != nil {
			st.Runtime().Kill(rec.ID, syscall.SIGKILL, true)
			return err
		}
		return nil
	}
	recv, err := newConsoleReceiver()
	if err != nil {
		return err
	}
	defer recv.Close()
	o.ConsoleSocket = recv.Path()
	cmd, master, err := launchConsole(st, rec, o, recv, nil)
	if err != nil {
		return err
	}
	defer master.Close()
	cmd.Process.Release()
	if err := startKeeper(rec.ID, rec.AutoRemove, "tty", log.File(), master); err != nil {
		st.Runtime().Kill(rec.ID, syscall.SIGKILL, true)
		return err
	}
	return nil
}

// launchConsole launches the container with a console socket and
// returns its init and the pty master. The master arrives before the
// program runs (runtime.Create sends it); onMaster, if not nil, gets it
// then.
func launchConsole(st *container.Store, rec *container.Record, o carrickrt.CreateOpts, recv *consoleReceiver, onMaster func(*os.File)) (*exec.Cmd, *os.File, error) {
	type result struct {
		cmd *exec.Cmd
		err error
	}
	res := make(chan result, 1)
	go func() {
		cmd, err := launch(st, rec, o)
		res <- result{cmd, err}
	}()
	master, err := recv.Master()
	if err != nil {
		if r := <-res; r.err != nil {
			return nil, nil, r.err
		}
		return nil, nil, err
	}
	if onMaster != nil {
		onMaster(master)
	}
	r := <-res
	if r.err != nil {
		master.Close()
		return nil, nil, r.err
	}
	return r.cmd, master, nil
}

// startForeground runs the container attached to this terminal or these
// fds, forwards signals to it, and exits as it does.
func startForeground(st *container.Store, rec *container.Record, input bool) error {
	o := carrickrt.CreateOpts{Stdin: os.Stdin}
	if !input {
		null, err := os.Open(os.DevNull)
		if err != nil {
			return err
		}
		defer null.Close()
		o.Stdin = null
	}
	log, err := st.OpenLog(rec.ID)
	if err != nil {
		return err
	}
	defer log.Close()
	var recv *consoleReceiver
	var streams *teeStreams
	if rec.TTY {
		if recv, err = newConsoleReceiver(); err != nil {
			return err
		}
		defer recv.Close()
		o.ConsoleSocket = recv.Path()
	} else {
		// As docker: the container writes to pipes, which carrick copies
		// to its own stdout and stderr and to the container's logs.
		if streams, err = newTeeStreams(log); err != nil {
			return err
		}
		o.Stdout, o.Stderr = streams.outW, streams.errW
	}
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs)
	defer signal.Stop(sigs)
	cmd, err := launchAttached(st, rec, o, recv, input, log.Stream("stdout"))
	if streams != nil {
		streams.started()
	}
	if err != nil {
		if streams != nil {
			streams.wait(0)
		}
		if rec.AutoRemove {
			st.Remove(rec)
		}
		return err
	}
	code := waitForwarding(cmd, sigs)
	cmd.finish()
	if streams != nil {
		streams.wait(5 * time.Second)
	}
	if rec.AutoRemove {
		if err := st.Remove(rec); err != nil {
			fmt.Fprintln(os.Stderr, "carrick: --rm:", err)
		}
	}
	return cli.Exit("", code)
}

// teeStreams copies a container's stdout and stderr pipes to carrick's
// own and to its logs.
type teeStreams struct {
	outW, errW *os.File
	done       chan struct{}
}

func newTeeStreams(log *container.Log) (*teeStreams, error) {
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, err
	}
	t := &teeStreams{outW: outW, errW: errW, done: make(chan struct{}, 2)}
	cp := func(dst io.Writer, stream string, src *os.File) {
		io.Copy(io.MultiWriter(dst, log.Stream(stream)), src)
		src.Close()
		t.done <- struct{}{}
	}
	go cp(os.Stdout, "stdout", outR)
	go cp(os.Stderr, "stderr", errR)
	return t, nil
}

// started closes carrick's copies of the write ends: the container holds
// its own, and EOF comes when its last process closes them.
func (t *teeStreams) started() {
	t.outW.Close()
	t.errW.Close()
}

// wait waits for both copies to reach EOF, at most d (a process the
// container left behind may hold its stdout open).
func (t *teeStreams) wait(d time.Duration) {
	timeout := time.After(d)
	for i := 0; i < 2; i++ {
		select {
		case <-t.done:
		case <-timeout:
			return
		}
	}
}

// attached is a running container's init with what its console needs.
type attached struct {
	*exec.Cmd
	finish func()
	// hangup, with a terminal, hangs up the container's pty (its
	// session then gets SIGHUP from the host's line discipline).
	hangup func()
}

func launchAttached(st *container.Store, rec *container.Record, o carrickrt.CreateOpts, recv *consoleReceiver, input bool, log io.Writer) (*attached, error) {
	if recv == nil {
		cmd, err := launch(st, rec, o)
		if err != nil {
			return nil, err
		}
		return &attached{Cmd: cmd, finish: func() {}}, nil
	}
	// With a terminal, the pty exists before the program runs: put this
	// terminal in raw mode and start copying before start. The terminal
	// is restored on every way out (finish, or the error here).
	restore := func() {}
	if input && isTerminal(os.Stdin) {
		r, err := rawTerminal(int(os.Stdin.Fd()))
		if err != nil {
			return nil, err
		}
		restore = r
	}
	// The copying starts once the master is here, before the program
	// runs, so nothing it prints is lost.
	var done func()
	cmd, master, err := launchConsole(st, rec, o, recv, func(m *os.File) { done = proxyConsole(m, input, log) })
	if err != nil {
		if done != nil {
			done()
		}
		restore()
		return nil, err
	}
	return &attached{Cmd: cmd, finish: func() { done(); restore() }, hangup: func() { master.Close() }}, nil
}

// waitForwarding waits for the init, passing the signals carrick gets to
// it (docker's --sig-proxy), and returns the exit status as docker gives
// it. With a terminal, carrick's own SIGHUP (the user's terminal went
// away) hangs up the container's terminal instead.
func waitForwarding(cmd *attached, sigs chan os.Signal) int {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case s := <-sigs:
			switch s {
			case syscall.SIGCHLD, syscall.SIGURG, syscall.SIGWINCH, syscall.SIGPIPE:
			case syscall.SIGHUP:
				if cmd.hangup != nil {
					cmd.hangup()
				} else {
					cmd.Process.Signal(s)
				}
			default:
				cmd.Process.Signal(s)
			}
		case err := <-done:
			return exitCode(cmd.Cmd, err)
		}
	}
}

// exitCode is a finished init's status as a shell reports it.
func exitCode(cmd *exec.Cmd, err error) int {
	if cmd.ProcessState == nil {
		return 125
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return cmd.ProcessState.ExitCode()
}

// pullTo pulls with progress on w.
func pullTo(st *container.Store, ref string, insecure []string, w *os.File) (*image.Image, error) {
	return pullWith(st, ref, insecure, false, w)
}
