package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	carrickrt "github.com/carrick-go/carrick/runtime"
)

var createFlags = []cli.Flag{
	&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: ".", Usage: "path to the bundle `DIR`"},
	&cli.StringFlag{Name: "pid-file", Usage: "write the init's host pid to `FILE`"},
	&cli.StringFlag{Name: "console-socket", Usage: "AF_UNIX socket `PATH` that receives the pty master"},
	&cli.BoolFlag{Name: "no-pivot", Usage: "accepted for runc compatibility"},
	&cli.BoolFlag{Name: "no-new-keyring", Usage: "accepted for runc compatibility"},
	&cli.IntFlag{Name: "preserve-fds", Usage: "pass `N` more fds (3…) to the container"},
}

var commands = []*cli.Command{
	{
		Name: "create", Usage: "create a container; its process waits for start", ArgsUsage: "ID",
		Flags: createFlags, Action: create,
	},
	{Name: "start", Usage: "run the program of a created container", ArgsUsage: "ID", Action: start},
	{
		Name: "run", Usage: "create and start a container; wait for it unless --detach", ArgsUsage: "ID",
		Flags: append([]cli.Flag{&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}},
			&cli.BoolFlag{Name: "keep"}, &cli.BoolFlag{Name: "no-subreaper"}}, createFlags...),
		Action: run,
	},
	{Name: "state", Usage: "print a container's state as JSON", ArgsUsage: "ID", Action: state},
	{
		Name: "kill", Usage: "signal a container's init (default SIGTERM)", ArgsUsage: "ID [SIGNAL]",
		Flags:  []cli.Flag{&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "signal every process of the container"}},
		Action: kill,
	},
	{
		Name: "delete", Usage: "delete a stopped (or created) container", ArgsUsage: "ID",
		Flags:  []cli.Flag{&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "kill a running container first"}},
		Action: deleteCmd,
	},
	{
		Name: "list", Usage: "list the containers",
		Flags: []cli.Flag{&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}}},
		Action: list,
	},
	{
		Name: "spec", Usage: "write a default config.json for arm64",
		Flags:  []cli.Flag{&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: "."}, &cli.BoolFlag{Name: "rootless"}},
		Action: specCmd,
	},
	{Name: "features", Usage: "print what this runtime recognizes (JSON)", Action: features},
}

func createOpts(c *cli.Context, detached bool) (carrickrt.CreateOpts, error) {
	if n := c.Int("preserve-fds"); n < 0 || n > 1000 {
		return carrickrt.CreateOpts{}, fmt.Errorf("--preserve-fds: bad count %d", n)
	}
	return carrickrt.CreateOpts{Bundle: c.String("bundle"), PidFile: c.String("pid-file"),
		Log: c.String("log"), LogFormat: c.String("log-format"),
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		ConsoleSocket: c.String("console-socket"), Detached: detached, PreserveFDs: c.Int("preserve-fds")}, nil
}

func create(c *cli.Context) error {
	id, err := idArg(c)
	if err != nil {
		return err
	}
	o, err := createOpts(c, true)
	if err != nil {
		return fail(err)
	}
	cmd, err := root(c).Create(id, o)
	if err != nil {
		return fail(err)
	}
	cmd.Process.Release()
	return nil
}

func start(c *cli.Context) error {
	id, err := idArg(c)
	if err != nil {
		return err
	}
	if err := root(c).Start(id); err != nil {
		return fail(err)
	}
	return nil
}

// run is create + start, then (unless detached) waits, forwarding signals
// to the container, and exits as the container did.
func run(c *cli.Context) error {
	id, err := idArg(c)
	if err != nil {
		return err
	}
	o, err := createOpts(c, c.Bool("detach"))
	if err != nil {
		return fail(err)
	}
	r := root(c)
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs)
	defer signal.Stop(sigs)
	cmd, err := r.Create(id, o)
	if err != nil {
		return fail(err)
	}
	if err := r.Start(id); err != nil {
		r.Delete(id, true)
		return fail(err)
	}
	if c.Bool("detach") {
		cmd.Process.Release()
		return nil
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case s := <-sigs:
			if s != syscall.SIGCHLD && s != syscall.SIGURG && s != syscall.SIGWINCH {
				cmd.Process.Signal(s)
			}
		case err := <-done:
			code := exitCode(cmd, err)
			if !c.Bool("keep") {
				r.Delete(id, true)
			}
			return cli.Exit("", code)
		}
	}
}

// exitCode is a finished init's status as a shell reports it.
func exitCode(cmd *exec.Cmd, err error) int {
	if cmd.ProcessState == nil {
		return 1
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return cmd.ProcessState.ExitCode()
}

func state(c *cli.Context) error {
	id, err := idArg(c)
	if err != nil {
		return err
	}
	st, err := root(c).State(id)
	if err != nil {
		return fail(err)
	}
	out, _ := json.MarshalIndent(st, "", "  ")
	fmt.Println(string(out))
	return nil
}

func kill(c *cli.Context) error {
	id, err := idArg(c)
	if err != nil {
		return err
	}
	sig := syscall.SIGTERM
	if c.NArg() > 1 {
		if sig, err = carrickrt.ParseSignal(c.Args().Get(1)); err != nil {
			return fail(err)
		}
	}
	if err := root(c).Kill(id, sig, c.Bool("all")); err != nil {
		return fail(err)
	}
	return nil
}

func deleteCmd(c *cli.Context) error {
	id, err := idArg(c)
	if err != nil {
		return err
	}
	if err := root(c).Delete(id, c.Bool("force")); err != nil {
		return fail(err)
	}
	return nil
}

func list(c *cli.Context) error {
	states, err := root(c).List()
	if err != nil {
		return fail(err)
	}
	switch {
	case c.Bool("quiet"):
		for _, s := range states {
			fmt.Println(s.ID)
		}
	case c.String("format") == "json":
		if states == nil {
			states = []carrickrt.State{}
		}
		out, _ := json.Marshal(states)
		fmt.Println(string(out))
	case c.String("format") == "table":
		w := tabwriter.NewWriter(os.Stdout, 12, 1, 3, ' ', 0)
		fmt.Fprintln(w, "ID\tPID\tSTATUS\tBUNDLE\tCREATED\tOWNER")
		for _, s := range states {
			fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\n", s.ID, s.Pid, s.Status, s.Bundle, s.Created.Format(time.RFC3339Nano), s.Owner)
		}
		w.Flush()
	default:
		return fail(fmt.Errorf("invalid format option %q", c.String("format")))
	}
	return nil
}

func specCmd(c *cli.Context) error {
	path := filepath.Join(c.String("bundle"), "config.json")
	if _, err := os.Stat(path); err == nil {
		return fail(errors.New("File config.json exists. Remove it first."))
	}
	data, _ := json.MarshalIndent(carrickrt.DefaultSpec(), "", "\t")
	if err := os.WriteFile(path, append(data, '\n'), 0o666); err != nil {
		return fail(err)
	}
	return nil
}

func features(c *cli.Context) error {
	out, _ := json.MarshalIndent(carrickrt.Features(), "", "    ")
	fmt.Println(string(out))
	return nil
}
