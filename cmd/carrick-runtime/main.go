// Command carrick-runtime is an OCI runtime with runc's command-line
// contract: containerd's runc shim, go-runc and runtime-tools drive it as
// they drive runc. Each container's process is a host process running the
// carrick engine over the bundle's root file system.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/sirupsen/logrus"
	"github.com/urfave/cli/v2"

	carrickrt "github.com/carrick-go/carrick/runtime"
)

func main() {
	carrickrt.RunHiddenMode(os.Args)
	for _, c := range commands {
		// A container may be called "h" or "help": never a help topic.
		c.HideHelpCommand = true
	}
	app := &cli.App{
		Name:    "carrick-runtime",
		Usage:   "run OCI containers of Linux ARM64 programs as native host processes (runc's contract)",
		Version: "0.1.0",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "root", Value: defaultRoot(), Usage: "state `DIR` of the containers"},
			&cli.StringFlag{Name: "log", Usage: "append the runtime's log to `FILE`"},
			&cli.StringFlag{Name: "log-format", Value: "text", Usage: "log format: text or json"},
			&cli.BoolFlag{Name: "debug", Usage: "log debug messages"},
			&cli.BoolFlag{Name: "systemd-cgroup", Usage: "accepted for runc compatibility (carrick has no cgroups)"},
			&cli.StringFlag{Name: "rootless", Value: "auto", Usage: "accepted for runc compatibility"},
			&cli.StringFlag{Name: "criu", Usage: "accepted for runc compatibility"},
		},
		Before:   setupLog,
		Commands: commands,
		// Errors are logged and printed by fail; exit codes are chosen there.
		ExitErrHandler: func(c *cli.Context, err error) {},
	}
	if err := app.Run(os.Args); err != nil {
		var ec cli.ExitCoder
		if errors.As(err, &ec) {
			if msg := ec.Error(); msg != "" {
				logrus.Error(msg)
				if logOut != os.Stderr {
					fmt.Fprintln(os.Stderr, "carrick-runtime:", msg)
				}
			}
			os.Exit(ec.ExitCode())
		}
		logrus.Error(err)
		if logOut != os.Stderr {
			fmt.Fprintln(os.Stderr, "carrick-runtime:", err)
		}
		os.Exit(1)
	}
}

// defaultRoot is runc's default state directory, for carrick-runtime.
func defaultRoot() string {
	if os.Geteuid() != 0 {
		if d := os.Getenv("XDG_RUNTIME_DIR"); d != "" {
			return filepath.Join(d, "carrick-runtime")
		}
		return filepath.Join(os.TempDir(), fmt.Sprintf("carrick-runtime-%d", os.Geteuid()))
	}
	return "/run/carrick-runtime"
}

var logOut io.Writer = os.Stderr

// setupLog sends logrus to --log in --log-format, as runc does: containerd
// reads the last error line of the JSON log after a failed call.
func setupLog(c *cli.Context) error {
	switch c.String("log-format") {
	case "text":
		logrus.SetFormatter(&logrus.TextFormatter{DisableColors: true})
	case "json":
		logrus.SetFormatter(&logrus.JSONFormatter{})
	default:
		return cli.Exit(fmt.Sprintf("invalid log-format: %s", c.String("log-format")), 1)
	}
	if c.Bool("debug") {
		logrus.SetLevel(logrus.DebugLevel)
	}
	if p := c.String("log"); p != "" {
		f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return cli.Exit(err.Error(), 1)
		}
		logOut = f
	}
	logrus.SetOutput(logOut)
	if root := c.String("root"); root == "/" || root == "" {
		return cli.Exit("--root: refusing "+root, 1)
	}
	return nil
}

// root is the state directory of the invocation, made absolute.
func root(c *cli.Context) carrickrt.Root {
	dir, err := filepath.Abs(c.String("root"))
	if err != nil {
		dir = c.String("root")
	}
	return carrickrt.Root{Dir: dir}
}

// fail is a failed command: exit 1 with the message (runc's fatal).
func fail(err error) error { return cli.Exit(err.Error(), 1) }

// idArg returns the container id argument.
func idArg(c *cli.Context) (string, error) {
	if c.NArg() < 1 {
		return "", cli.Exit(fmt.Sprintf("%s: container id cannot be empty", c.Command.Name), 1)
	}
	return c.Args().First(), nil
}
