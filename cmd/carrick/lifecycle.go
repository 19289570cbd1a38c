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

var containerPruneCommand = &cli.Command{
	Name:  "prune",
	Usage: "remove every container that is not running",
	Flags: []cli.Flag{&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "accepted: carrick never asks"}},
	Action: func(c *cli.Context) error {
		st, err := openStores()
		if err != nil {
			return exitErr(err)
		}
		freed, err := pruneContainers(st)
		if err != nil {
			return cli.Exit("container prune: "+err.Error(), 1)
		}
		fmt.Println("Total reclaimed space:", humanSize(freed))
		return nil
	},
}

// pruneContainers removes the created and exited containers, printing
// their IDs as docker does.
func pruneContainers(st *container.Store) (int64, error) {
	all, err := st.List()
	if err != nil {
		return 0, err
	}
	var freed int64
	header := false
	for _, r := range all {
		if s := st.Status(r).State; s == carrickrt.StatusRunning || s == carrickrt.StatusPaused {
			continue
		}
		n := st.DiskUsage(r)
		if err := st.Remove(r); err != nil {
			return freed, err
		}
		freed += n
		if !header {
			fmt.Println("Deleted Containers:")
			header = true
		}
		fmt.Println(r.ID)
	}
	if header {
		fmt.Println()
	}
	return freed, nil
}

var systemCommand = &cli.Command{
	Name:  "system",
	Usage: "manage the store as a whole",
	Subcommands: []*cli.Command{{
		Name:  "prune",
		Usage: "remove the containers that are not running, then prune images (with -a, every image no container uses)",
		Flags: []cli.Flag{&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "accepted: carrick never asks"},
			&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "also delete the images no container was made from"}},
		Action: func(c *cli.Context) error {
			st, err := openStores()
			if err != nil {
				return exitErr(err)
			}
			freed, err := pruneContainers(st)
			if err == nil && c.Bool("all") {
				var n int64
				n, err = pruneUnused(st)
				freed += n
			}
			if err == nil {
				var n int64
				n, err = st.Prune()
				freed += n
			}
			if err != nil {
				return cli.Exit("system prune: "+err.Error(), 1)
			}
			fmt.Println("Total reclaimed space:", humanSize(freed))
			return nil
		},
	}},
}

// containerCommand is docker's `container` group: the container commands
// under it (`ls` is ps).
var containerCommand = &cli.Command{
	Name:  "container",
	Usage: "manage containers (the container commands, ls for ps, and prune)",
}

func init() {
	for _, cmd := range []*cli.Command{runCommand, createCommand, startCommand, restartCommand, stopCommand, killCommand,
		rmCommand, waitCommand, execCommand, attachCommand, logsCommand, inspectCommand, topCommand, cpCommand,
		pauseCommand, unpauseCommand, renameCommand, exportCommand, diffCommand, commitCommand, psCommand} {
		c := *cmd
		if cmd == psCommand {
			c.Name, c.Aliases = "ls", []string{"list", "ps"}
		}
		containerCommand.Subcommands = append(containerCommand.Subcommands, &c)
	}
	containerCommand.Subcommands = append(containerCommand.Subcommands, containerPruneCommand)
}

var commitCommand = &cli.Command{
	Name:      "commit",
	Usage:     "make an image of a container's changes (its image plus one layer)",
	ArgsUsage: "CONTAINER [REPOSITORY[:TAG]]",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "message", Aliases: []string{"m"}, Usage: "the layer's history `COMMENT`"},
		&cli.StringFlag{Name: "author", Aliases: []string{"a"}, Usage: "the image's `AUTHOR`"},
		&cli.BoolFlag{Name: "pause", Aliases: []string{"p"}, Value: true, Usage: "pause a running container while its files are read"},
	},
	Action: func(c *cli.Context) error {
		if c.NArg() < 1 || c.NArg() > 2 {
			return cli.Exit("commit: want CONTAINER [REPOSITORY[:TAG]]", 125)
		}
		st, r, err := findContainer(c.Args().First())
		if err != nil {
			return exitErr(err)
		}
		if c.Bool("pause") && st.Status(r).State == carrickrt.StatusRunning {
			if err := st.Runtime().Pause(r.ID); err == nil {
				defer st.Runtime().Resume(r.ID)
			}
		}
		im, err := st.Commit(r, c.Args().Get(1), container.CommitOptions{Message: c.String("message"), Author: c.String("author")})
		if err != nil {
			return cli.Exit("commit: "+err.Error(), 1)
		}
		fmt.Println(im.ID())
		return nil
	},
}
