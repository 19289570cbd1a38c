package main

import (
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/carrick-go/carrick/container"
)

// KeeperCommand is the hidden mode that stands in for docker's daemon
// for a detached container: it copies the container's output into its
// log (fd 3, locked) from the pipes of its stdout and stderr (fds 4 and
// 5) or from its pty master (fd 4), and for --rm removes the container
// once it has exited.
const KeeperCommand = "internal-keeper"

// startKeeper starts a keeper of container id with these files as fds
// 3…, in a session of its own so that the caller's terminal cannot end
// it.
func startKeeper(id string, remove bool, files ...*os.File) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, KeeperCommand, id, strconv.FormatBool(remove), strconv.Itoa(len(files)-1))
	cmd.ExtraFiles = files
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return err
	}
	return cmd.Process.Release()
}

var keeperCommand = &cli.Command{
	Name:   KeeperCommand,
	Hidden: true,
	Action: func(c *cli.Context) error {
		st, rec, err := findContainer(c.Args().First())
		if err != nil {
			return err
		}
		log := container.ReopenLog(os.NewFile(3, "log"))
		streams := []string{"stdout", "stderr"}
		if n, _ := strconv.Atoi(c.Args().Get(2)); n == 1 {
			streams = streams[:1] // a terminal: one stream
		}
		var wg sync.WaitGroup
		for i, name := range streams {
			f := os.NewFile(uintptr(4+i), name)
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Ends at EOF once no process of the container holds the
				// pipe, or with EIO once none holds the terminal.
				io.Copy(log.Stream(name), f)
				f.Close()
			}()
		}
		wg.Wait()
		log.Close()
		if c.Args().Get(1) != "true" {
			return nil
		}
		for st.Status(rec).State != "exited" {
			time.Sleep(100 * time.Millisecond)
		}
		return st.Remove(rec)
	},
}
