// Command carrick runs Linux ARM64 programs and containers as native host
// processes.
package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
)

func main() {
	app := &cli.App{
		Name:  "carrick",
		Usage: "run Linux ARM64 programs as native host processes",
		Commands: []*cli.Command{
			runELFCommand,
		},
		// Exit codes are the guest's; errors of carrick itself print here.
		ExitErrHandler: func(c *cli.Context, err error) {},
	}
	if err := app.Run(os.Args); err != nil {
		if ec, ok := err.(cli.ExitCoder); ok {
			if msg := ec.Error(); msg != "" {
				fmt.Fprintln(os.Stderr, "carrick:", msg)
			}
			os.Exit(ec.ExitCode())
		}
		fmt.Fprintln(os.Stderr, "carrick:", err)
		os.Exit(125)
	}
}
