package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"text/tabwriter"
	"text/template"

	"github.com/urfave/cli/v2"

	"github.com/carrick-go/carrick/container"
	carrickrt "github.com/carrick-go/carrick/runtime"
)

var psCommand = &cli.Command{
	Name:  "ps",
	Usage: "list containers (running ones, or all with -a)",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "all", Aliases: []string{"a"}},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "IDs only"},
		&cli.BoolFlag{Name: "no-trunc"},
		&cli.StringSliceFlag{Name: "filter", Aliases: []string{"f"},
			Usage: "`KEY=VALUE`: id, name (a regular expression), status, ancestor, exited; a key given twice matches either"},
		&cli.StringFlag{Name: "format", Usage: "a Go `TEMPLATE` of .ID .Image .Command .CreatedAt .RunningFor .Status .State .Names .Ports; \"table …\" adds headers"},
	},
	UseShortOptionHandling: true,
	Action: func(c *cli.Context) error {
		match, statusGiven, err := psFilters(c.StringSlice("filter"))
		if err != nil {
			return cli.Exit("ps: "+err.Error(), 125)
		}
		format := c.String("format")
		switch {
		case c.Bool("quiet"):
			format = "{{.ID}}"
		case format == "":
			format = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
		}
		table := strings.HasPrefix(format, "table ")
		format = strings.TrimPrefix(format, "table ")
		tmpl, err := template.New("ps").Parse(format + "\n")
		if err != nil {
			return cli.Exit("ps: --format: "+err.Error(), 125)
		}
		st, err := openStores()
		if err != nil {
			return exitErr(err)
		}
		all, err := st.List()
		if err != nil {
			return exitErr(err)
		}
		// Only a table's columns are aligned; other formats print as
		// they are, tabs included.
		var w interface {
			io.Writer
			Flush() error
		} = bufio.NewWriter(os.Stdout)
		if table {
			w = tabwriter.NewWriter(os.Stdout, 0, 8, 3, ' ', 0)
			fmt.Fprintln(w, psHeaders.Replace(format))
		}
		for _, r := range all {
			s := st.Status(r)
			// As docker's, a status filter looks at every container.
			if !c.Bool("all") && !statusGiven && s.State != carrickrt.StatusRunning && s.State != carrickrt.StatusPaused {
				continue
			}
			if !match(st, r, s) {
				continue
			}
			row := psRow(r, s, c.Bool("no-trunc"))
			if err := tmpl.Execute(w, row); err != nil {
				return cli.Exit("ps: --format: "+err.Error(), 125)
			}
		}
		return w.Flush()
	},
}

// psHeaders turn a table format's fields into docker's column titles.
var psHeaders = strings.NewReplacer("{{.ID}}", "CONTAINER ID", "{{.Image}}", "IMAGE", "{{.Command}}", "COMMAND",
	"{{.CreatedAt}}", "CREATED AT", "{{.RunningFor}}", "CREATED", "{{.Status}}", "STATUS", "{{.State}}", "STATE",
	"{{.Names}}", "NAMES", "{{.Ports}}", "PORTS")

// psFields are what a ps --format template sees, as docker names them.
type psFields struct {
	ID, Image, Command, CreatedAt, RunningFor, Status, State, Names, Ports string
}

func psRow(r *container.Record, s container.Status, noTrunc bool) psFields {
	id, cmd := container.ShortID(r.ID), strings.Join(r.Args, " ")
	if noTrunc {
		id = r.ID
	} else if len(cmd) > 20 {
		cmd = cmd[:19] + "…"
	}
	return psFields{ID: id, Image: r.Image, Command: strconv.Quote(cmd),
		CreatedAt: r.Created.Format("2006-01-02 15:04:05 -0700 MST"), RunningFor: ago(r.Created) + " ago",
		Status: statusText(r, s), State: s.State, Names: r.Name}
}

// psFilters reads docker's --filter KEY=VALUE list into one test: keys
// must all match, values of one key any. It reports whether a status
// filter was given (which lists stopped containers without -a).
func psFilters(filters []string) (func(*container.Store, *container.Record, container.Status) bool, bool, error) {
	byKey := map[string][]string{}
	for _, f := range filters {
		k, v, ok := strings.Cut(f, "=")
		if !ok {
			return nil, false, fmt.Errorf("--filter %q: want KEY=VALUE", f)
		}
		switch k {
		case "id", "status", "ancestor", "exited":
		case "name":
			if _, err := regexp.Compile(v); err != nil {
				return nil, false, fmt.Errorf("--filter %q: %v", f, err)
			}
		default:
			return nil, false, fmt.Errorf("--filter %q: carrick filters by id, name, status, ancestor and exited", f)
		}
		byKey[k] = append(byKey[k], v)
	}
	test := func(k, v string, st *container.Store, r *container.Record, s container.Status) bool {
		switch k {
		case "id":
			return strings.HasPrefix(r.ID, v)
		case "name":
			return regexp.MustCompile(v).MatchString(r.Name)
		case "status":
			return s.State == v
		case "exited":
			n, err := strconv.Atoi(v)
			return err == nil && s.State == "exited" && s.ExitCode == n
		case "ancestor":
			if v == r.Image || strings.HasPrefix(r.ImageID.Encoded(), strings.TrimPrefix(v, "sha256:")) {
				return true
			}
			res, err := st.Images.Resolve(v)
			return err == nil && res.ID() == r.ImageID
		}
		return false
	}
	match := func(st *container.Store, r *container.Record, s container.Status) bool {
		for k, vs := range byKey {
			any := false
			for _, v := range vs {
				any = any || test(k, v, st, r, s)
			}
			if !any {
				return false
			}
		}
		return true
	}
	return match, len(byKey["status"]) > 0 || len(byKey["exited"]) > 0, nil
}
