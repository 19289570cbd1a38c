package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v2"
)

// The subcommands that report or change a running container.
func init() {
	commands = append(commands,
		&cli.Command{
			Name: "ps", Usage: "list the host pids of a container's processes", ArgsUsage: "ID",
			Flags:  []cli.Flag{&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table"}},
			Action: ps,
		},
		&cli.Command{Name: "pause", Usage: "stop every process of a container", ArgsUsage: "ID", Action: pause},
		&cli.Command{Name: "resume", Usage: "continue a paused container", ArgsUsage: "ID", Action: resume},
		&cli.Command{
			Name: "events", Usage: "print the container's statistics as JSON lines", ArgsUsage: "ID",
			Flags:  []cli.Flag{&cli.DurationFlag{Name: "interval", Value: 5 * time.Second}, &cli.BoolFlag{Name: "stats"}},
			Action: events,
		},
		&cli.Command{
			Name: "update", Usage: "update resource limits (carrick has no cgroups: accepted, not applied)", ArgsUsage: "ID",
			Flags:           []cli.Flag{&cli.StringFlag{Name: "resources", Aliases: []string{"r"}}},
			SkipFlagParsing: false, Action: update,
		},
	)
}

func ps(c *cli.Context) error {
	id, err := idArg(c)
	if err != nil {
		return err
	}
	pids, err := root(c).Pids(id)
	if err != nil {
		return fail(err)
	}
	if c.String("format") == "json" {
		out, _ := json.Marshal(pids)
		fmt.Println(string(out))
		return nil
	}
	fmt.Println("PID")
	for _, p := range pids {
		fmt.Println(p)
	}
	return nil
}

func pause(c *cli.Context) error {
	id, err := idArg(c)
	if err != nil {
		return err
	}
	if err := root(c).Pause(id); err != nil {
		return fail(err)
	}
	return nil
}

func resume(c *cli.Context) error {
	id, err := idArg(c)
	if err != nil {
		return err
	}
	if err := root(c).Resume(id); err != nil {
		return fail(err)
	}
	return nil
}

// events prints runc's stats events; carrick has no cgroups, so the data
// carries only what it knows: the pids.
func events(c *cli.Context) error {
	id, err := idArg(c)
	if err != nil {
		return err
	}
	for {
		pids, err := root(c).Pids(id)
		if err != nil {
			return fail(err)
		}
		ev := map[string]any{"type": "stats", "id": id, "data": map[string]any{"pids": map[string]any{"current": len(pids)}}}
		out, _ := json.Marshal(ev)
		fmt.Println(string(out))
		if c.Bool("stats") {
			return nil
		}
		time.Sleep(c.Duration("interval"))
	}
}

// update reads the LinuxResources JSON (from --resources FILE or -, stdin)
// to check it, and records that nothing was applied.
func update(c *cli.Context) error {
	id, err := idArg(c)
	if err != nil {
		return err
	}
	if _, err := root(c).State(id); err != nil {
		return fail(err)
	}
	var in io.Reader = os.Stdin
	if p := c.String("resources"); p != "" && p != "-" {
		f, err := os.Open(p)
		if err != nil {
			return fail(err)
		}
		defer f.Close()
		in = f
	}
	if p := c.String("resources"); p != "" {
		var res map[string]any
		if err := json.NewDecoder(in).Decode(&res); err != nil {
			return fail(fmt.Errorf("update: bad resources JSON: %w", err))
		}
	}
	logrus.Warnf("update %s: resource limits are not applied (carrick has no cgroups)", id)
	return nil
}
