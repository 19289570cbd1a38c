package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	carrickrt "github.com/carrick-go/carrick/runtime"
)

var execCommand = &cli.Command{
	Name: "exec", Usage: "run another process in a container", ArgsUsage: "ID [COMMAND [ARG...]]",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "process", Aliases: []string{"p"}, Usage: "the process as a JSON `FILE` (specs.Process)"},
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "do not wait for the process"},
		&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: "give the process a terminal"},
		&cli.StringFlag{Name: "console-socket", Usage: "AF_UNIX socket `PATH` that receives the pty master"},
		&cli.StringFlag{Name: "pid-file", Usage: "write the process's host pid to `FILE`"},
		&cli.StringFlag{Name: "cwd", Usage: "working `DIR` in the container"},
		&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "set `K=V`"},
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "run as `UID[:GID]`"},
		&cli.StringSliceFlag{Name: "additional-gids", Aliases: []string{"g"}, Usage: "supplementary `GID`s"},
		&cli.BoolFlag{Name: "no-new-privs"},
		&cli.StringSliceFlag{Name: "cap", Aliases: []string{"c"}},
		&cli.IntFlag{Name: "preserve-fds", Usage: "pass `N` more fds (3, 4, …) to the process"},
		&cli.StringFlag{Name: "process-label"},
		&cli.StringFlag{Name: "apparmor"},
		&cli.BoolFlag{Name: "ignore-paused"},
		&cli.StringFlag{Name: "cgroup"},
	},
	Action: execAction,
}

func init() { commands = append(commands, execCommand) }

// execFail is exec's failure: runc exits 255 for it.
func execFail(err error) error { return cli.Exit(err.Error(), 255) }

func execAction(c *cli.Context) error {
	if c.NArg() < 1 {
		return execFail(errors.New("exec: container id cannot be empty"))
	}
	id := c.Args().First()
	r := root(c)
	proc, err := execProcess(c, r, id)
	if err != nil {
		return execFail(err)
	}
	cmd, err := r.Exec(id, carrickrt.ExecOpts{Process: proc, PidFile: c.String("pid-file"), Detach: c.Bool("detach"),
		ConsoleSocket: c.String("console-socket"), Log: c.String("log"), LogFormat: c.String("log-format"),
		PreserveFDs: c.Int("preserve-fds"), Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	if err != nil {
		return execFail(err)
	}
	if c.Bool("detach") {
		cmd.Process.Release()
		return nil
	}
	err = cmd.Wait()
	return cli.Exit("", exitCode(cmd, err))
}

// execProcess is the process to run: --process's JSON, or the container's
// own process with the command, --env, --cwd and --tty applied (runc's
// way).
func execProcess(c *cli.Context, r carrickrt.Root, id string) (*specs.Process, error) {
	if path := c.String("process"); path != "" {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		var p specs.Process
		if err := json.Unmarshal(data, &p); err != nil {
			return nil, err
		}
		return &p, nil
	}
	if c.NArg() < 2 {
		return nil, errors.New("exec: no command (give one after the id, or --process)")
	}
	base, err := r.Process(id)
	if err != nil {
		return nil, err
	}
	p := *base
	p.Args = c.Args().Slice()[1:]
	p.Env = append(append([]string(nil), p.Env...), c.StringSlice("env")...)
	if d := c.String("cwd"); d != "" {
		p.Cwd = d
	}
	p.Terminal = c.Bool("tty")
	if u := c.String("user"); u != "" {
		uid, gid, err := parseUser(u)
		if err != nil {
			return nil, err
		}
		p.User = specs.User{UID: uid, GID: gid}
	}
	for _, g := range c.StringSlice("additional-gids") {
		n, err := strconv.ParseUint(g, 10, 32)
		if err != nil {
			return nil, fmt.Errorf("exec: invalid additional gid %q", g)
		}
		p.User.AdditionalGids = append(p.User.AdditionalGids, uint32(n))
	}
	return &p, nil
}

// parseUser reads runc's --user: UID[:GID], numbers only (runc resolves
// no names either).
func parseUser(s string) (uid, gid uint32, err error) {
	us, gs, hasGID := strings.Cut(s, ":")
	u, err := strconv.ParseUint(us, 10, 32)
	if err != nil {
		return 0, 0, fmt.Errorf("exec: invalid --user %q: UID[:GID] as numbers", s)
	}
	var g uint64
	if hasGID {
		if g, err = strconv.ParseUint(gs, 10, 32); err != nil {
			return 0, 0, fmt.Errorf("exec: invalid --user %q: UID[:GID] as numbers", s)
		}
	}
	return uint32(u), uint32(g), nil
}
