package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/carrick-go/carrick/sysemu"
	"github.com/carrick-go/carrick/sysemu/loader"
	"github.com/carrick-go/carrick/vcpu"
	"github.com/carrick-go/carrick/vcpu/interp"
)

var runELFCommand = &cli.Command{
	Name:      "run-elf",
	Usage:     "run a Linux ARM64 ELF program",
	ArgsUsage: "PROGRAM [ARGS...]",
	Flags: []cli.Flag{
		&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "set an environment variable `K=V`"},
		&cli.StringFlag{Name: "cpu", Value: "auto", Usage: "CPU backend: auto, interp or hvf"},
		&cli.StringFlag{Name: "compat-report", Usage: "write what the guest used that carrick lacks to `FILE` (JSON)"},
	},
	// Guest arguments start at PROGRAM: flags after it are the guest's.
	SkipFlagParsing: false,
	Action:          runELF,
}

func backend(name string) (sysemu.NewMachine, error) {
	switch name {
	case "auto", "interp":
		return func(mem *vcpu.Memory) vcpu.Machine { return interp.NewMachine(mem) }, nil
	case "hvf":
		return nil, errors.New("the hvf backend is not available in this build")
	}
	return nil, fmt.Errorf("unknown --cpu %q (auto, interp, hvf)", name)
}

func runELF(c *cli.Context) error {
	if c.NArg() < 1 {
		return cli.Exit("run-elf: missing PROGRAM", 125)
	}
	newMachine, err := backend(c.String("cpu"))
	if err != nil {
		return cli.Exit(err.Error(), 125)
	}
	prog := c.Args().First()
	env := append(os.Environ(), c.StringSlice("env")...)
	p, err := sysemu.Start(sysemu.Config{
		Path:   prog,
		Argv:   c.Args().Slice(),
		Env:    env,
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
	}, newMachine)
	if err != nil {
		// Shell conventions: 127 not found, 126 found but cannot execute.
		if errors.Is(err, fs.ErrNotExist) {
			return cli.Exit(err.Error(), 127)
		}
		if errors.Is(err, loader.ErrNotELF) {
			return cli.Exit(err.Error()+": exec format error", 126)
		}
		return cli.Exit(err.Error(), 126)
	}
	st := p.Run()
	if path := c.String("compat-report"); path != "" {
		if err := writeCompatReport(path, p.Compat().Entries()); err != nil {
			fmt.Fprintln(os.Stderr, "carrick:", err)
		}
	}
	return cli.Exit("", st.ShellCode())
}

func writeCompatReport(path string, entries []sysemu.CompatEntry) error {
	b, err := json.MarshalIndent(struct {
		Unimplemented []sysemu.CompatEntry `json:"unimplemented"`
	}{entries}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
