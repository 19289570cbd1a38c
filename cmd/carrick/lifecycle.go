package main

import (
	"fmt"
	"os"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/carrick-go/carrick/container"
	carrickrt "github.com/carrick-go/carrick/runtime"
)

// docker's restart, pause, unpause, rename, export and diff.

var restartCommand = &cli.Command{
	Name:      "restart",
	Usage:     "stop containers (SIGTERM, then SIGKILL after the grace time) and start them detached",
	ArgsUsage: "CONTAINER...",
	Flags:     []cli.Flag{&cli.IntFlag{Name: "time", Aliases: []string{"t"}, Value: 10, Usage: "grace `SECONDS`"}},
	Action: func(c *cli.Context) error {
		grace := time.Duration(c.Int("time")) * time.Second
		return eachContainer(c, false, func(st *container.Store, r *container.Record) error {
			if err := stopContainer(st, r, syscall.SIGTERM, grace); err != nil {
				return err
			}
			st.WaitLog(r.ID, 5*time.Second)
			return startDetached(st, r)
		})
	},
}

var pauseCommand = &cli.Command{
	Name:      "pause",
	Usage:     "stop every process of containers until unpause",
	ArgsUsage: "CONTAINER...",
	Action: func(c *cli.Context) error {
		return eachContainer(c, false, func(st *container.Store, r *container.Record) error {
			switch st.Status(r).State {
			case carrickrt.StatusPaused:
				return fmt.Errorf("container %s is already paused", r.Name)
			case carrickrt.StatusRunning:
				return st.Runtime().Pause(r.ID)
			}
			return fmt.Errorf("container %s is not running", r.Name)
		})
	},
}

var unpauseCommand = &cli.Command{
	Name:      "unpause",
	Usage:     "let the processes of paused containers run again",
	ArgsUsage: "CONTAINER...",
	Action: func(c *cli.Context) error {
		return eachContainer(c, false, func(st *container.Store, r *container.Record) error {
			if st.Status(r).State != carrickrt.StatusPaused {
				return fmt.Errorf("container %s is not paused", r.Name)
			}
			return st.Runtime().Resume(r.ID)
		})
	},
}

var renameCommand = &cli.Command{
	Name:      "rename",
	Usage:     "give a container another name",
	ArgsUsage: "CONTAINER NEW_NAME",
	Action: func(c *cli.Context) error {
		if c.NArg() != 2 {
			return cli.Exit("rename: want CONTAINER and NEW_NAME", 125)
		}
		st, r, err := findContainer(c.Args().Get(0))
		if err != nil {
			return exitErr(err)
		}
		if err := st.Rename(r, c.Args().Get(1)); err != nil {
			return cli.Exit("rename: "+err.Error(), 1)
		}
		return nil
	},
}

var exportCommand = &cli.Command{
	Name:      "export",
	Usage:     "write a container's file system as a tar archive",
	ArgsUsage: "CONTAINER",
	Flags:     []cli.Flag{&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE`, not stdout"}},
	Action: func(c *cli.Context) error {
		if c.NArg() != 1 {
			return cli.Exit("export: want one CONTAINER", 125)
		}
		st, r, err := findContainer(c.Args().First())
		if err != nil {
			return exitErr(err)
		}
		out := os.Stdout
		if o := c.String("output"); o != "" {
			if out, err = os.Create(o); err != nil {
				return cli.Exit("export: "+err.Error(), 1)
			}
		} else if isTerminal(out) {
			return cli.Exit("export: refusing to write a tar archive to a terminal: use -o FILE or redirect", 1)
		}
		if err := st.ArchiveFrom(r, "/", out, container.CopyOptions{}); err != nil {
			if out != os.Stdout {
				out.Close()
				os.Remove(out.Name())
			}
			return cli.Exit("export: "+err.Error(), 1)
		}
		if out != os.Stdout {
			if err := out.Close(); err != nil {
				return cli.Exit("export: "+err.Error(), 1)
			}
		}
		return nil
	},
}

var diffCommand = &cli.Command{
	Name:      "diff",
	Usage:     "list what a container added (A), changed (C) and deleted (D) in its image's files",
	ArgsUsage: "CONTAINER",
	Action: func(c *cli.Context) error {
		if c.NArg() != 1 {
			return cli.Exit("diff: want one CONTAINER", 125)
		}
		st, r, err := findContainer(c.Args().First())
		if err != nil {
			return exitErr(err)
		}
		changes, err := st.Diff(r)
		if err != nil {
			return cli.Exit("diff: "+err.Error(), 1)
		}
		for _, ch := range changes {
			fmt.Printf("%c %s\n", ch.Kind, ch.Path)
		}
		return nil
	},
}
