package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/carrick-go/carrick/container"
	"github.com/carrick-go/carrick/image"
)

// createFlags are docker's options of `run` and `create`.
var createFlags = []cli.Flag{
	&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: "give the container a terminal"},
	&cli.BoolFlag{Name: "interactive", Aliases: []string{"i"}, Usage: "keep stdin open"},
	&cli.BoolFlag{Name: "rm", Usage: "remove the container when it exits"},
	&cli.StringFlag{Name: "name", Usage: "the container's `NAME`"},
	&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "set `K=V` (K alone: the caller's value)"},
	&cli.StringSliceFlag{Name: "env-file", Usage: "read `FILE` of K=V lines"},
	&cli.StringSliceFlag{Name: "volume", Aliases: []string{"v"}, Usage: "bind mount `HOST:GUEST[:ro|rw]`"},
	&cli.StringSliceFlag{Name: "mount", Usage: "`type=bind,source=HOST,target=GUEST[,readonly]`"},
	&cli.StringFlag{Name: "workdir", Aliases: []string{"w"}, Usage: "working `DIR` in the container"},
	&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "`USER[:GROUP]` (names or ids)"},
	&cli.StringFlag{Name: "entrypoint", Usage: "replace the image's entrypoint with `CMD`"},
	&cli.StringFlag{Name: "hostname", Aliases: []string{"h"}, Usage: "the container's host `NAME`"},
	&cli.StringSliceFlag{Name: "publish", Aliases: []string{"p"}, Usage: "accepted, needs no mapping: guest sockets are host sockets"},
	&cli.BoolFlag{Name: "pull", Usage: "pull the image even if the store has it"},
	&cli.StringFlag{Name: "platform", Usage: "only linux/arm64 is run"},
	&cli.BoolFlag{Name: "read-only", Usage: "make the container's root read-only (volumes as given)"},
	&cli.StringFlag{Name: "network", Aliases: []string{"net"}, Usage: "only host: a container's sockets are the host's"},
}

// containerOptions reads createFlags; args are IMAGE [CMD...].
func containerOptions(c *cli.Context) (container.Options, error) {
	o := container.Options{
		Image: c.Args().First(), Args: c.Args().Tail(), Name: c.String("name"),
		WorkingDir: c.String("workdir"), User: c.String("user"), Hostname: c.String("hostname"),
		TTY: c.Bool("tty"), OpenStdin: c.Bool("interactive"), AutoRemove: c.Bool("rm"),
		ReadOnly: c.Bool("read-only"),
	}
	if o.Image == "" {
		return o, fmt.Errorf("%q requires at least 1 argument: IMAGE [COMMAND] [ARG...]", c.Command.Name)
	}
	if p := c.String("platform"); p != "" && p != "linux/arm64" && p != "linux/arm64/v8" {
		return o, fmt.Errorf("--platform %s: carrick runs linux/arm64 images only", p)
	}
	if n := c.String("network"); n != "" && n != "host" {
		return o, fmt.Errorf("--network %s: carrick's containers share the host's network (--network host); there are no other networks", n)
	}
	if c.IsSet("entrypoint") {
		e := c.String("entrypoint")
		o.Entrypoint = &e
	}
	env, err := envOptions(c.StringSlice("env-file"), c.StringSlice("env"))
	if err != nil {
		return o, err
	}
	o.Env = env
	for _, v := range c.StringSlice("volume") {
		m, err := parseVolume(v)
		if err != nil {
			return o, err
		}
		o.Volumes = append(o.Volumes, m)
	}
	for _, v := range c.StringSlice("mount") {
		m, err := parseMount(v)
		if err != nil {
			return o, err
		}
		o.Volumes = append(o.Volumes, m)
	}
	for _, p := range c.StringSlice("publish") {
		fmt.Fprintf(os.Stderr, "carrick: -p %s needs no mapping: the container's sockets are the host's, so its ports are open on the host as they are\n", p)
	}
	return o, nil
}

// envOptions reads --env-file files then -e values, as docker: a name
// without "=" takes the caller's value (and is dropped if unset).
func envOptions(files, vals []string) ([]string, error) {
	var env []string
	add := func(kv string) {
		if !strings.Contains(kv, "=") {
			v, ok := os.LookupEnv(kv)
			if !ok {
				return
			}
			kv += "=" + v
		}
		env = append(env, kv)
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--env-file: %w", err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimLeft(strings.TrimRight(line, "\r"), " \t")
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if strings.HasPrefix(line, "=") {
				return nil, fmt.Errorf("--env-file %s: invalid line %q: variable name is empty", path, line)
			}
			add(line)
		}
	}
	for _, kv := range vals {
		if kv == "" || strings.HasPrefix(kv, "=") {
			return nil, fmt.Errorf("invalid environment variable %q", kv)
		}
		add(kv)
	}
	return env, nil
}

// parseVolume reads -v HOST:GUEST[:ro|rw]. A missing host directory is
// made, as docker makes it; names that are not paths would be docker's
// named volumes, which carrick does not have.
func parseVolume(v string) (container.Mount, error) {
	parts := strings.Split(v, ":")
	if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
		return container.Mount{}, fmt.Errorf("invalid volume specification %q: want HOST:GUEST[:ro|rw]", v)
	}
	m := container.Mount{Source: parts[0], Destination: parts[1]}
	if len(parts) == 3 {
		for _, opt := range strings.Split(parts[2], ",") {
			switch opt {
			case "ro":
				m.ReadOnly = true
			case "rw", "z", "Z", "cached", "delegated", "consistent":
			default:
				return m, fmt.Errorf("invalid volume specification %q: unknown mode %q", v, opt)
			}
		}
	}
	if !strings.HasPrefix(m.Destination, "/") {
		return m, fmt.Errorf("invalid volume specification %q: the container path must be absolute", v)
	}
	if !strings.HasPrefix(m.Source, "/") && !strings.HasPrefix(m.Source, ".") && !strings.HasPrefix(m.Source, "~") {
		return m, fmt.Errorf("invalid volume specification %q: named volumes are not supported; give an absolute host path", v)
	}
	src, err := hostPath(m.Source)
	if err != nil {
		return m, err
	}
	if _, err := os.Stat(src); os.IsNotExist(err) {
		if err := os.MkdirAll(src, 0o755); err != nil {
			return m, fmt.Errorf("invalid volume specification %q: %w", v, err)
		}
	}
	m.Source = src
	return m, nil
}

// parseMount reads --mount type=bind,source=…,target=…[,readonly].
func parseMount(v string) (container.Mount, error) {
	var m container.Mount
	typ := ""
	for _, f := range strings.Split(v, ",") {
		k, val, hasVal := strings.Cut(f, "=")
		switch strings.ToLower(k) {
		case "type":
			typ = val
		case "source", "src":
			m.Source = val
		case "target", "destination", "dst":
			m.Destination = val
		case "readonly", "ro":
			m.ReadOnly = !hasVal || val == "true" || val == "1"
		case "bind-propagation", "consistency":
		default:
			return m, fmt.Errorf("invalid --mount %q: unknown field %q", v, k)
		}
	}
	if typ != "bind" {
		return m, fmt.Errorf("invalid --mount %q: only type=bind is supported", v)
	}
	if m.Source == "" || m.Destination == "" || !strings.HasPrefix(m.Destination, "/") {
		return m, fmt.Errorf("invalid --mount %q: needs source= and an absolute target=", v)
	}
	src, err := hostPath(m.Source)
	if err != nil {
		return m, err
	}
	if _, err := os.Stat(src); err != nil {
		return m, fmt.Errorf("invalid --mount %q: bind source path does not exist: %s", v, src)
	}
	m.Source = src
	return m, nil
}

func hostPath(p string) (string, error) {
	if rest, ok := strings.CutPrefix(p, "~"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		p = home + rest
	}
	return filepath.Abs(p)
}

// openStores opens $CARRICK_HOME's images and containers.
func openStores() (*container.Store, error) {
	home, err := image.DefaultRoot()
	if err != nil {
		return nil, err
	}
	return container.Open(home)
}
