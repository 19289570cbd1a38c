package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/carrick-go/carrick/rootfs"
	carrickrt "github.com/carrick-go/carrick/runtime"
	"github.com/carrick-go/carrick/sysemu"
	"github.com/carrick-go/carrick/sysemu/host"
	"github.com/carrick-go/carrick/sysemu/loader"
)

var runELFCommand = &cli.Command{
	Name:      "run-elf",
	Usage:     "run a Linux ARM64 ELF program",
	ArgsUsage: "PROGRAM [ARGS...]",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "rootfs", Usage: "host `DIR` the guest sees as /; PROGRAM is a path inside it"},
		&cli.StringSliceFlag{Name: "volume", Aliases: []string{"v"}, Usage: "bind mount `HOST:GUEST[:ro]`"},
		&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "set an environment variable `K=V`"},
		&cli.StringSliceFlag{Name: "env-file", Usage: "read environment variables from `FILE` (K=V lines)"},
		&cli.StringFlag{Name: "workdir", Aliases: []string{"w"}, Usage: "initial working `DIR` of the guest"},
		&cli.StringFlag{Name: "metadata", Value: "auto", Usage: "where Linux owners, modes and device nodes live: auto, host or xattr"},
		&cli.StringFlag{Name: "cpu", Value: "auto", Usage: "CPU backend: auto, interp or hvf"},
		&cli.StringFlag{Name: "pid", Value: "host", Usage: "pid namespace: host (guest pids are host pids) or private (the program is pid 1; its exit ends every process it started)"},
		&cli.StringFlag{Name: "compat-report", Usage: "write what the guest used that carrick lacks to `FILE` (JSON)"},
	},
	// Guest arguments start at PROGRAM: flags after it are the guest's.
	SkipFlagParsing: false,
	Action:          runELF,
}

func runELF(c *cli.Context) error {
	if c.NArg() < 1 {
		return cli.Exit("run-elf: missing PROGRAM", 125)
	}
	newMachine, err := carrickrt.Backend(c.String("cpu"))
	if err != nil {
		return cli.Exit(err.Error(), 125)
	}
	os.Setenv(carrickrt.CPUVar, c.String("cpu"))
	prog := c.Args().First()
	mounts, err := parseVolumes(c.StringSlice("volume"))
	if err != nil {
		return cli.Exit(err.Error(), 125)
	}
	env, err := guestEnv(c)
	if err != nil {
		return cli.Exit(err.Error(), 125)
	}
	var meta sysemu.Metadata
	switch c.String("metadata") {
	case "auto":
	case "host":
		meta = sysemu.MetadataHost
	case "xattr":
		meta = sysemu.MetadataXattr
	default:
		return cli.Exit("--metadata must be auto, host or xattr", 125)
	}
	var private bool
	switch c.String("pid") {
	case "host":
	case "private":
		private = true
	default:
		return cli.Exit("--pid must be host or private", 125)
	}
	root := c.String("rootfs")
	if err := checkRootCase(root); err != nil {
		return cli.Exit("carrick: "+err.Error(), 125)
	}
	dir := c.String("workdir")
	if root == "" && dir == "" {
		// Without a rootfs the guest sees the host's files and starts
		// where the caller is, as qemu-user does.
		if wd, err := os.Getwd(); err == nil {
			dir = wd
		}
	}
	if root == "" && !strings.HasPrefix(prog, "/") {
		if abs, err := filepath.Abs(prog); err == nil {
			prog = abs
		}
	}
	if tty := stdinTerminal(); tty != "" {
		// The guest's /dev is carrick's own: the caller's terminal is
		// shown at its /dev/pts name, so that ttyname and `tty` work.
		mounts = append(mounts, rootfs.Mount{Guest: tty, Host: tty})
	}
	p, err := sysemu.Start(sysemu.Config{
		Root:       root,
		Mounts:     mounts,
		Metadata:   meta,
		PidPrivate: private,
		Dir:        dir,
		Path:       prog,
		Argv:       c.Args().Slice(),
		Env:        env,
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
	}, newMachine)
	if err != nil {
		// Shell conventions: 127 not found, 126 found but cannot execute.
		if errors.Is(err, fs.ErrNotExist) {
			return cli.Exit(err.Error()+" (no such file or directory)", 127)
		}
		if errors.Is(err, fs.ErrPermission) {
			return cli.Exit(err.Error()+" (permission denied)", 126)
		}
		if errors.Is(err, loader.ErrNotELF) || errors.Is(err, loader.ErrBadELF) || errors.Is(err, sysemu.ErrExecFormat) {
			return cli.Exit(err.Error()+" (exec format error)", 126)
		}
		return cli.Exit(err.Error(), 126)
	}
	stop := p.ForwardHostSignals()
	st := p.Run()
	stop()
	closeBounded(p)
	if path := c.String("compat-report"); path != "" {
		if err := writeCompatReport(path, p.Compat().Entries()); err != nil {
			fmt.Fprintln(os.Stderr, "carrick:", err)
		}
	}
	return cli.Exit("", st.ShellCode())
}

// parseVolumes turns -v HOST:GUEST[:ro|:rw] into mounts.
func parseVolumes(vols []string) ([]rootfs.Mount, error) {
	var out []rootfs.Mount
	for _, v := range vols {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || !strings.HasPrefix(parts[1], "/") {
			return nil, fmt.Errorf("bad -v %q: want HOST:GUEST[:ro] with an absolute GUEST path", v)
		}
		m := rootfs.Mount{Host: parts[0], Guest: parts[1]}
		if len(parts) == 3 {
			switch parts[2] {
			case "ro":
				m.ReadOnly = true
			case "rw":
			default:
				return nil, fmt.Errorf("bad -v %q: mode must be ro or rw", v)
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// RunTagVar names a label of the run's host processes: carrick keeps it
// in its own environment, which every host process of the guest inherits
// (so a harness can find and end exactly one run's processes), and never
// passes it to the guest.
const RunTagVar = "CARRICK_RUN_TAG"

// guestEnv builds the guest environment: the caller's (as qemu-user passes
// it) but RunTagVar, then --env-file lines, then -e values; later ones win.
func guestEnv(c *cli.Context) ([]string, error) {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, RunTagVar+"=") && !strings.HasPrefix(kv, carrickrt.CPUVar+"=") {
			env = append(env, kv)
		}
	}
	for _, path := range c.StringSlice("env-file") {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--env-file: %w", err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if !strings.Contains(line, "=") {
				line += "=" + os.Getenv(line) // docker: a bare name takes the caller's value
			}
			env = append(env, line)
		}
	}
	env = append(env, c.StringSlice("env")...)
	// Keep the last value of each name.
	seen := map[string]int{}
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if i, ok := seen[k]; ok {
			out[i] = kv
			continue
		}
		seen[k] = len(out)
		out = append(out, kv)
	}
	return out, nil
}

func writeCompatReport(path string, entries []sysemu.CompatEntry) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // paths like /proc/<pid>/smaps stay readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(struct {
		Unimplemented []sysemu.CompatEntry `json:"unimplemented"`
	}{entries}); err != nil {
		return err
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}

// closeBounded releases the process (its /dev/shm and registry directories
// above all), but does not let a thread stuck in a host call hold up the
// exit: the host reclaims the rest when this process ends.
func closeBounded(p *sysemu.Process) {
	done := make(chan struct{})
	go func() {
		p.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
	}
}

// checkRootCase refuses a container root on a case-insensitive file system
// (macOS's default APFS volume): Linux programs there would see Makefile
// and makefile as one file. A root carrick cannot write to is not checked
// (the guest could not create such twins there either).
func checkRootCase(root string) error {
	if root == "" || runtime.GOOS != "darwin" {
		return nil
	}
	if err := host.CheckCaseSensitive(root); errors.Is(err, host.ErrCaseInsensitive) {
		return err
	}
	return nil
}

// stdinTerminal is the /dev/pts path of the terminal on stdin, if any
// (found through /proc, so only on Linux hosts; macOS names its ptys
// /dev/ttysN, which Linux programs would not look for in /dev/pts).
func stdinTerminal() string {
	tty, err := os.Readlink("/proc/self/fd/0")
	if err != nil || !strings.HasPrefix(tty, "/dev/pts/") {
		return "" // not a pty slave
	}
	return tty
}
