// Command carrick runs Linux ARM64 programs and containers as native host
// processes.
package main

import (
	"fmt"
	"os"
	"runtime/pprof"

	"github.com/urfave/cli/v2"

	carrickrt "github.com/carrick-go/carrick/runtime"
)

func main() {
	carrickrt.RunHiddenMode(os.Args)
	// CARRICK_CPUPROFILE=FILE profiles carrick itself (docs/performance.md).
	if path := os.Getenv("CARRICK_CPUPROFILE"); path != "" {
		if f, err := os.Create(path); err == nil {
			pprof.StartCPUProfile(f)
			exit = func(code int) {
				pprof.StopCPUProfile()
				f.Close()
				os.Exit(code)
			}
		}
	}
	// -h is docker's --hostname; help is --help only.
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Usage: "show help"}
	app := &cli.App{
		Name:  "carrick",
		Usage: "run Linux ARM64 programs as native host processes",
		// docker splits no flag value at commas (--mount a=1,b=2, -e L=a,b).
		DisableSliceFlagSeparator: true,
		Commands: []*cli.Command{
			runELFCommand,
			runCommand, createCommand, startCommand, execCommand,
			psCommand, logsCommand, stopCommand, killCommand, rmCommand, waitCommand, inspectCommand, topCommand, cpCommand, attachCommand,
			restartCommand, pauseCommand, unpauseCommand, renameCommand, exportCommand, diffCommand, commitCommand, containerCommand, systemCommand,
			pullCommand, imagesCommand, rmiCommand, tagCommand, loadCommand, saveCommand, imageCommand,
			keeperCommand,
		},
		// Exit codes are the guest's; errors of carrick itself print here.
		ExitErrHandler: func(c *cli.Context, err error) {},
	}
	if err := app.Run(os.Args); err != nil {
		if ec, ok := err.(cli.ExitCoder); ok {
			if msg := ec.Error(); msg != "" {
				fmt.Fprintln(os.Stderr, "carrick:", msg)
			}
			exit(ec.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "carrick:", err)
		exit(125)
	}
	exit(0)
}

// exit ends carrick; profiling replaces it to flush the profile first.
var exit = os.Exit
