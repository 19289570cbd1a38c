package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/carrick-go/carrick/container"
	carrickrt "github.com/carrick-go/carrick/runtime"
)

// statusText is docker's STATUS column.
func statusText(r *container.Record, s container.Status) string {
	switch s.State {
	case carrickrt.StatusRunning:
		return "Up " + ago(r.StartedAt)
	case carrickrt.StatusPaused:
		return "Up " + ago(r.StartedAt) + " (Paused)"
	case "exited":
		if s.FinishedAt.IsZero() {
			return fmt.Sprintf("Exited (%d)", s.ExitCode)
		}
		return fmt.Sprintf("Exited (%d) %s ago", s.ExitCode, ago(s.FinishedAt))
	}
	return "Created"
}

// findContainer opens the stores and finds the container ref names.
func findContainer(ref string) (*container.Store, *container.Record, error) {
	st, err := openStores()
	if err != nil {
		return nil, nil, err
	}
	r, err := st.Find(ref)
	return st, r, err
}

// eachContainer runs fn for every CONTAINER argument, printing the
// argument on success as docker does, and fails if any failed.
func eachContainer(c *cli.Context, quiet bool, fn func(*container.Store, *container.Record) error) error {
	if c.NArg() == 0 {
		return cli.Exit(fmt.Sprintf("%s: want at least one CONTAINER", c.Command.Name), 125)
	}
	st, err := openStores()
	if err != nil {
		return exitErr(err)
	}
	code := 0
	for _, ref := range c.Args().Slice() {
		rec, err := st.Find(ref)
		if err == nil {
			err = fn(st, rec)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "carrick:", err)
			code = 1
			continue
		}
		if !quiet {
			fmt.Println(ref)
		}
	}
	return cli.Exit("", code)
}

var stopCommand = &cli.Command{
	Name:      "stop",
	Usage:     "stop containers: SIGTERM, then SIGKILL after the grace time",
	ArgsUsage: "CONTAINER...",
	Flags: []cli.Flag{&cli.IntFlag{Name: "time", Aliases: []string{"t"}, Value: 10, Usage: "grace `SECONDS`"},
		&cli.StringFlag{Name: "signal", Aliases: []string{"s"}, Value: "TERM"}},
	Action: func(c *cli.Context) error {
		sig, err := carrickrt.ParseSignal(c.String("signal"))
		if err != nil {
			return exitErr(err)
		}
		grace := time.Duration(c.Int("time")) * time.Second
		return eachContainer(c, false, func(st *container.Store, r *container.Record) error {
			return stopContainer(st, r, sig, grace)
		})
	},
}

// stopContainer sends sig, then SIGKILL to every process after grace,
// and waits for the container to exit. A container not running is left
// as it is.
func stopContainer(st *container.Store, r *container.Record, sig syscall.Signal, grace time.Duration) error {
	if s := st.Status(r); s.State != carrickrt.StatusRunning && s.State != carrickrt.StatusPaused {
		return nil
	}
	rt := st.Runtime()
	rt.Resume(r.ID) // a paused container gets the signal after it wakes
	rt.Kill(r.ID, sig, false)
	if waitExit(st, r, grace) {
		return nil
	}
	rt.Kill(r.ID, syscall.SIGKILL, true)
	if !waitExit(st, r, 10*time.Second) {
		return fmt.Errorf("container %s did not stop", r.Name)
	}
	return nil
}

// waitExit waits up to d for the container to exit.
func waitExit(st *container.Store, r *container.Record, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if st.Status(r).State == "exited" {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var killCommand = &cli.Command{
	Name:      "kill",
	Usage:     "send a signal (default KILL) to containers",
	ArgsUsage: "CONTAINER...",
	Flags:     []cli.Flag{&cli.StringFlag{Name: "signal", Aliases: []string{"s"}, Value: "KILL"}},
	Action: func(c *cli.Context) error {
		sig, err := carrickrt.ParseSignal(c.String("signal"))
		if err != nil {
			return exitErr(err)
		}
		return eachContainer(c, false, func(st *container.Store, r *container.Record) error {
			if s := st.Status(r); s.State != carrickrt.StatusRunning && s.State != carrickrt.StatusPaused {
				return fmt.Errorf("cannot kill container: %s: container %s is not running", r.Name, container.ShortID(r.ID))
			}
			return st.Runtime().Kill(r.ID, sig, sig == syscall.SIGKILL)
		})
	},
}

var rmCommand = &cli.Command{
	Name:      "rm",
	Usage:     "remove containers",
	ArgsUsage: "CONTAINER...",
	Flags: []cli.Flag{&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "kill a running container first"},
		&cli.BoolFlag{Name: "volumes", Aliases: []string{"v"}, Usage: "accepted (carrick has no volumes of its own)"}},
	UseShortOptionHandling: true,
	Action: func(c *cli.Context) error {
		return eachContainer(c, false, func(st *container.Store, r *container.Record) error {
			if s := st.Status(r); !c.Bool("force") && (s.State == carrickrt.StatusRunning || s.State == carrickrt.StatusPaused) {
				return fmt.Errorf("cannot remove container %s: container is %s: stop the container before removing or force remove", r.Name, s.State)
			}
			return st.Remove(r)
		})
	},
}

var waitCommand = &cli.Command{
	Name:      "wait",
	Usage:     "wait for containers to exit and print their exit codes",
	ArgsUsage: "CONTAINER...",
	Action: func(c *cli.Context) error {
		return eachContainer(c, true, func(st *container.Store, r *container.Record) error {
			for {
				s := st.Status(r)
				if s.State == "exited" {
					// As docker's: the exit is reported once the output
					// is in the log.
					st.WaitLog(r.ID, 5*time.Second)
					fmt.Println(s.ExitCode)
					return nil
				}
				if _, err := os.Stat(st.Dir(r.ID)); err != nil {
					return fmt.Errorf("container %s was removed", r.Name)
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	},
}

var logsCommand = &cli.Command{
	Name:      "logs",
	Usage:     "print a container's output, stdout and stderr in the order it came",
	ArgsUsage: "CONTAINER",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "follow", Aliases: []string{"f"}, Usage: "keep printing what comes until the container exits"},
		&cli.BoolFlag{Name: "timestamps", Aliases: []string{"t"}, Usage: "begin each line with its time"},
		&cli.StringFlag{Name: "tail", Aliases: []string{"n"}, Value: "all", Usage: "only the last `N` lines"},
		&cli.StringFlag{Name: "since", Usage: "only lines from `TIME` on (RFC 3339, Unix seconds, or a duration before now: 10m)"},
		&cli.StringFlag{Name: "until", Usage: "only lines up to `TIME` (as --since)"},
	},
	Action: func(c *cli.Context) error {
		if c.NArg() != 1 {
			return cli.Exit("logs: want one CONTAINER", 125)
		}
		tail := -1
		if v := c.String("tail"); v != "all" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return cli.Exit(fmt.Sprintf("logs: --tail %q: want a number or all", v), 125)
			}
			tail = max(n, -1) // docker: a negative N is all
		}
		var since, until time.Time
		for name, t := range map[string]*time.Time{"since": &since, "until": &until} {
			if v := c.String(name); v != "" {
				var err error
				if *t, err = parseLogTime(v, time.Now()); err != nil {
					return cli.Exit("logs: --"+name+": "+err.Error(), 125)
				}
			}
		}
		st, r, err := findContainer(c.Args().First())
		if err != nil {
			return exitErr(err)
		}
		exited := func() bool { return st.Status(r).State == "exited" }
		if exited() {
			st.WaitLog(r.ID, 2*time.Second) // what the copier still drains
		}
		lr, err := st.ReadLog(r.ID)
		if err != nil {
			return cli.Exit("logs: "+err.Error(), 125)
		}
		defer lr.Close()
		out, errw := bufio.NewWriter(os.Stdout), bufio.NewWriter(os.Stderr)
		print := func(e container.LogEntry) {
			if !since.IsZero() && e.Time.Before(since) || !until.IsZero() && e.Time.After(until) {
				return
			}
			// Flushing the other stream first keeps the order where both
			// reach one terminal.
			w := out
			if e.Stream == "stderr" {
				out.Flush()
				w = errw
			} else {
				errw.Flush()
			}
			if c.Bool("timestamps") {
				w.WriteString(e.Time.Format("2006-01-02T15:04:05.000000000Z07:00 "))
			}
			w.Write(e.Data)
		}
		// The whole log up to now, or its last lines.
		var last []container.LogEntry
		err = readLog(lr, func(e container.LogEntry) {
			if !since.IsZero() && e.Time.Before(since) || !until.IsZero() && e.Time.After(until) {
				return
			}
			switch {
			case tail < 0:
				print(e)
			case tail > 0:
				if len(last) == tail {
					last = last[1:]
				}
				last = append(last, e)
			}
		})
		if err != nil {
			return cli.Exit("logs: "+err.Error(), 125)
		}
		for _, e := range last {
			print(e)
		}
		for c.Bool("follow") {
			out.Flush()
			errw.Flush()
			done := exited() && st.WaitLog(r.ID, 0)
			if err := readLog(lr, print); err != nil {
				return cli.Exit("logs: "+err.Error(), 125)
			}
			if done {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		out.Flush()
		errw.Flush()
		return nil
	},
}

// parseLogTime reads docker's forms of a time for logs --since/--until:
// a duration before now, Unix seconds (with a fraction), or RFC 3339 in
// part (a time without a zone is local).
func parseLogTime(v string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(v); err == nil {
		return now.Add(-d), nil
	}
	if sec, frac, _ := strings.Cut(v, "."); sec != "" && strings.Trim(sec, "0123456789") == "" && strings.Trim(frac, "0123456789") == "" {
		s, err := strconv.ParseInt(sec, 10, 64)
		if err == nil {
			ns, _ := strconv.ParseInt((frac + "000000000")[:9], 10, 64)
			return time.Unix(s, ns), nil
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time: want RFC 3339, Unix seconds or a duration", v)
}

// readLog passes fn the entries of lr up to the end of the log as it is.
func readLog(lr *container.LogReader, fn func(container.LogEntry)) error {
	for {
		e, ok, err := lr.Next()
		if err != nil || !ok {
			return err
		}
		fn(e)
	}
}

var topCommand = &cli.Command{
	Name:      "top",
	Usage:     "show a container's processes, as the host's ps sees them",
	ArgsUsage: "CONTAINER",
	Action: func(c *cli.Context) error {
		if c.NArg() != 1 {
			return cli.Exit("top: want one CONTAINER", 125)
		}
		st, r, err := findContainer(c.Args().First())
		if err != nil {
			return exitErr(err)
		}
		pids, err := st.Runtime().Pids(r.ID)
		if err != nil || len(pids) == 0 {
			return cli.Exit(fmt.Sprintf("container %s is not running", r.Name), 125)
		}
		list := make([]string, len(pids))
		for i, p := range pids {
			list[i] = strconv.Itoa(p)
		}
		// The container's processes are host processes: the host's ps
		// describes them (procps and BSD ps take these options alike).
		ps := exec.Command("ps", "-o", "user,pid,ppid,etime,comm", "-p", strings.Join(list, ","))
		ps.Stdout, ps.Stderr = os.Stdout, os.Stderr
		if err := ps.Run(); err != nil {
			return cli.Exit("top: ps: "+err.Error(), 125)
		}
		return nil
	},
}
