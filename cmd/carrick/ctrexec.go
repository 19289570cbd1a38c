package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"text/template"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/carrick-go/carrick/container"
	carrickrt "github.com/carrick-go/carrick/runtime"
)

var execCommand = &cli.Command{
	Name:      "exec",
	Usage:     "run a command in a running container",
	ArgsUsage: "CONTAINER COMMAND [ARG...]",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "interactive", Aliases: []string{"i"}},
		&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}},
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}},
		&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}},
		&cli.StringSliceFlag{Name: "env-file"},
		&cli.StringFlag{Name: "workdir", Aliases: []string{"w"}},
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}},
	},
	UseShortOptionHandling: true,
	Action:                 execInContainer,
}

func execInContainer(c *cli.Context) error {
	if c.NArg() < 2 {
		return cli.Exit("exec: want CONTAINER COMMAND [ARG...]", 125)
	}
	st, r, err := findContainer(c.Args().First())
	if err != nil {
		return exitErr(err)
	}
	if s := st.Status(r); s.State != carrickrt.StatusRunning {
		return cli.Exit(fmt.Sprintf("container %s is not running", container.ShortID(r.ID)), 125)
	}
	env, err := envOptions(c.StringSlice("env-file"), c.StringSlice("env"))
	if err != nil {
		return exitErr(err)
	}
	tty, input, detach := c.Bool("tty"), c.Bool("interactive"), c.Bool("detach")
	proc, err := st.ProcessFor(r, c.Args().Tail(), env, c.String("workdir"), c.String("user"), tty)
	if err != nil {
		return exitErr(err)
	}
	o := carrickrt.ExecOpts{Process: proc, Detach: detach, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	if !input || detach {
		null, err := os.Open(os.DevNull)
		if err != nil {
			return exitErr(err)
		}
		defer null.Close()
		o.Stdin = null
	}
	if detach {
		o.Stdout, o.Stderr = nil, nil
	}
	restore := func() {}
	defer func() { restore() }()
	var recv *consoleReceiver
	if tty {
		if recv, err = newConsoleReceiver(); err != nil {
			return exitErr(err)
		}
		defer recv.Close()
		o.ConsoleSocket = recv.Path()
		if input && !detach && isTerminal(os.Stdin) {
			if restore, err = rawTerminal(int(os.Stdin.Fd())); err != nil {
				return exitErr(err)
			}
		}
	}
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs)
	defer signal.Stop(sigs)
	finish := func() {}
	var hangup func()
	type result struct {
		cmd *attached
		err error
	}
	res := make(chan result, 1)
	go func() {
		cmd, err := st.Runtime().Exec(r.ID, o)
		if err != nil {
			res <- result{nil, startError(err)}
			return
		}
		res <- result{&attached{Cmd: cmd, finish: func() {}}, nil}
	}()
	if recv != nil {
		master, err := recv.Master()
		if err != nil {
			if x := <-res; x.err != nil {
				return exitErr(x.err)
			}
			return exitErr(err)
		}
		if detach {
			// A keeper holds the terminal, reading what the process
			// shows (docker keeps no log of an exec either).
			defer master.Close()
			if err := startKeeper(r.ID, false, "drain", master); err != nil {
				return exitErr(err)
			}
		} else {
			finish = proxyConsole(master, input, nil)
			hangup = func() { master.Close() }
		}
	}
	x := <-res
	if x.err != nil {
		finish()
		return exitErr(x.err)
	}
	if detach {
		x.cmd.Process.Release()
		return nil
	}
	x.cmd.hangup = hangup
	code := waitForwarding(x.cmd, sigs)
	finish()
	return cli.Exit("", code)
}

// inspected is a container as docker's inspect shows it (the fields
// scripts read).
type inspected struct {
	ID      string   `json:"Id"`
	Created string   `json:"Created"`
	Path    string   `json:"Path"`
	Args    []string `json:"Args"`
	State   struct {
		Status     string
		Running    bool
		Paused     bool
		Pid        int
		ExitCode   int
		StartedAt  string
		FinishedAt string
	}
	Image      string `json:"Image"`
	Name       string `json:"Name"`
	HostConfig struct {
		AutoRemove     bool
		Binds          []string
		ReadonlyRootfs bool
		NetworkMode    string
	}
	GraphDriver struct {
		Name string
		Data map[string]string
	}
	Mounts []struct {
		Type        string
		Source      string
		Destination string
		RW          bool
	}
	Config struct {
		Hostname   string
		User       string
		Tty        bool
		OpenStdin  bool
		Env        []string
		Cmd        []string
		Image      string
		WorkingDir string
	}
}

var inspectCommand = &cli.Command{
	Name:      "inspect",
	Usage:     "show containers (or images) as JSON",
	ArgsUsage: "NAME|ID...",
	Flags:     []cli.Flag{&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Usage: "Go `TEMPLATE` applied to each"}},
	Action: func(c *cli.Context) error {
		st, err := openStores()
		if err != nil {
			return exitErr(err)
		}
		var tmpl *template.Template
		if f := c.String("format"); f != "" {
			if tmpl, err = template.New("format").Funcs(template.FuncMap{"json": func(v any) string {
				b, _ := json.Marshal(v)
				return string(b)
			}}).Parse(f); err != nil {
				return cli.Exit("inspect: bad --format: "+err.Error(), 125)
			}
		}
		var out []any
		code := 0
		for _, ref := range c.Args().Slice() {
			var v any
			if r, err := st.Find(ref); err == nil {
				v = inspectContainer(st, r)
			} else if img, ierr := st.Images.Resolve(ref); ierr == nil {
				v = map[string]any{"Id": img.ID().String(), "RepoTags": []string{img.Name},
					"Architecture": img.Config.Architecture, "Os": img.Config.OS, "Config": img.Config.Config,
					"Size": img.Size, "RootFS": img.Config.RootFS}
			} else {
				fmt.Fprintln(os.Stderr, "carrick: no such object:", ref)
				code = 1
				continue
			}
			if tmpl != nil {
				if err := tmpl.Execute(os.Stdout, v); err != nil {
					return cli.Exit("inspect: "+err.Error(), 125)
				}
				fmt.Println()
				continue
			}
			out = append(out, v)
		}
		if tmpl == nil {
			if out == nil {
				out = []any{}
			}
			b, _ := json.MarshalIndent(out, "", "    ")
			fmt.Println(string(b))
		}
		return cli.Exit("", code)
	},
}

func inspectContainer(st *container.Store, r *container.Record) *inspected {
	v := &inspected{ID: r.ID, Created: r.Created.Format(time.RFC3339Nano), Path: r.Args[0], Args: r.Args[1:],
		Image: r.ImageID.String(), Name: "/" + r.Name}
	s := st.Status(r)
	v.State.Status = s.State
	v.State.Running = s.State == carrickrt.StatusRunning || s.State == carrickrt.StatusPaused
	v.State.Paused = s.State == carrickrt.StatusPaused
	v.State.Pid, v.State.ExitCode = s.Pid, s.ExitCode
	zero := "0001-01-01T00:00:00Z"
	v.State.StartedAt, v.State.FinishedAt = zero, zero
	if !r.StartedAt.IsZero() {
		v.State.StartedAt = r.StartedAt.Format(time.RFC3339Nano)
	}
	if !s.FinishedAt.IsZero() {
		v.State.FinishedAt = s.FinishedAt.UTC().Format(time.RFC3339Nano)
	}
	v.HostConfig.AutoRemove = r.AutoRemove
	v.HostConfig.ReadonlyRootfs = r.ReadOnly
	v.HostConfig.NetworkMode = "host" // the only one: guest sockets are host sockets
	v.HostConfig.Binds = []string{}
	for _, m := range r.Mounts {
		mode := "rw"
		if m.ReadOnly {
			mode = "ro"
		}
		v.HostConfig.Binds = append(v.HostConfig.Binds, m.Source+":"+m.Destination+":"+mode)
		v.Mounts = append(v.Mounts, struct {
			Type        string
			Source      string
			Destination string
			RW          bool
		}{"bind", m.Source, m.Destination, !m.ReadOnly})
	}
	v.GraphDriver.Name = "carrick"
	v.GraphDriver.Data = map[string]string{"UpperDir": r.Rootfs}
	if len(r.Lowers) > 0 {
		v.GraphDriver.Data["LowerDir"] = joinList(r.Lowers)
	}
	v.Config.Hostname, v.Config.User, v.Config.Tty, v.Config.OpenStdin = r.Hostname, r.User, r.TTY, r.OpenStdin
	v.Config.Env, v.Config.Cmd, v.Config.Image, v.Config.WorkingDir = r.Env, r.Args, r.Image, r.WorkingDir
	return v
}

func joinList(l []string) string {
	s := ""
	for i, x := range l {
		if i > 0 {
			s += string(os.PathListSeparator)
		}
		s += x
	}
	return s
}
