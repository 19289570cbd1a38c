package main

import (
	"io"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"
)

// KeeperCommand is the hidden mode that stands in for docker's daemon
// where a detached container needs someone: it holds a detached
// terminal's pty master (fd 3), writing what the container prints to its
// log, and for --rm removes the container once it has exited.
const KeeperCommand = "internal-keeper"

// startKeeper starts a keeper of container id, in a session of its own so
// that the caller's terminal cannot end it.
func startKeeper(id string, master *os.File, remove bool) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.Command(self, KeeperCommand, id, strconv.FormatBool(remove))
	if master != nil {
		cmd.ExtraFiles = []*os.File{master}
	}
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
		if master := os.NewFile(3, "pty-master"); master != nil {
			if _, err := master.Stat(); err == nil {
				outPath, _ := st.LogFiles(rec.ID)
				if log, err := os.OpenFile(outPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600); err == nil {
					// Ends with EIO once no process of the container holds
					// the terminal.
					io.Copy(log, master)
					log.Close()
				}
				master.Close()
			}
		}
		if c.Args().Get(1) != "true" {
			return nil
		}
		for st.Status(rec).State != "exited" {
			time.Sleep(100 * time.Millisecond)
		}
		return st.Remove(rec)
	},
}
