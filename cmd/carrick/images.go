package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"
	"text/template"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/carrick-go/carrick/container"
	"github.com/carrick-go/carrick/image"
)

var insecureFlag = &cli.StringSliceFlag{Name: "insecure-registry", Usage: "use plain HTTP (or unverified TLS) for registry `HOST[:PORT]` (loopback registries always may)"}

var pullCommand = &cli.Command{
	Name:      "pull",
	Usage:     "pull a linux/arm64 image from a registry",
	ArgsUsage: "IMAGE[:TAG|@DIGEST]",
	Flags:     []cli.Flag{insecureFlag, &cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}}, &cli.StringFlag{Name: "platform"}},
	Action: func(c *cli.Context) error {
		if c.NArg() != 1 {
			return cli.Exit("pull: want one IMAGE", 125)
		}
		if p := c.String("platform"); p != "" && p != "linux/arm64" && p != "linux/arm64/v8" {
			return cli.Exit(fmt.Sprintf("--platform %s: carrick runs linux/arm64 images only", p), 125)
		}
		st, err := openStores()
		if err != nil {
			return cli.Exit(err.Error(), 125)
		}
		img, err := pull(st, c.Args().First(), c.StringSlice("insecure-registry"), c.Bool("quiet"))
		if err != nil {
			return cli.Exit(err.Error(), 125)
		}
		if c.Bool("quiet") {
			fmt.Println(img.Name)
		}
		return nil
	},
}

// pull fetches ref with progress on stderr-free stdout (bars on a
// terminal, one line per event otherwise), interruptible by Ctrl-C.
func pull(st *container.Store, ref string, insecure []string, quiet bool) (*image.Image, error) {
	return pullWith(st, ref, insecure, quiet, os.Stdout)
}

func pullWith(st *container.Store, ref string, insecure []string, quiet bool, w *os.File) (*image.Image, error) {
	r, err := image.ParseReference(ref)
	if err != nil {
		return nil, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	opts := image.PullOptions{}
	for _, h := range insecure {
		if h == r.Registry {
			opts.Insecure = true
		}
	}
	var pr *progress
	if !quiet {
		pr = newProgress(w)
		opts.Progress = pr
		fmt.Fprintf(w, "%s: pulling from %s\n", r.String(), r.Name())
	}
	img, err := st.Images.Pull(ctx, ref, opts)
	if pr != nil {
		pr.finish()
	}
	if err != nil {
		return nil, explainPull(r, err)
	}
	if !quiet {
		fmt.Fprintf(w, "Digest: %s\nStatus: downloaded %s\n", img.RepoDigest, img.Name)
	}
	return img, nil
}

// explainPull turns a transport error into the line a user can act on.
func explainPull(r image.Reference, err error) error {
	msg := err.Error()
	// The image package names the pull already.
	err = errors.New(strings.TrimPrefix(msg, "pull "+r.String()+": "))
	switch {
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "no such host"),
		strings.Contains(msg, "i/o timeout"), strings.Contains(msg, "network is unreachable"):
		return fmt.Errorf("pull %s: registry %s is unreachable: %v", r, r.Registry, err)
	case strings.Contains(msg, "server gave HTTP response to HTTPS client"):
		return fmt.Errorf("pull %s: registry %s speaks plain HTTP; add --insecure-registry %s", r, r.Registry, r.Registry)
	}
	return err
}

var imagesCommand = &cli.Command{
	Name:      "images",
	Usage:     "list the images in the store (of one repository, with REPOSITORY[:TAG])",
	ArgsUsage: "[REPOSITORY[:TAG]]",
	Flags: []cli.Flag{&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "IDs only"},
		&cli.BoolFlag{Name: "no-trunc"},
		&cli.BoolFlag{Name: "digests", Usage: "show the registry's digests"},
		&cli.StringFlag{Name: "format", Usage: "a Go `TEMPLATE` of .Repository .Tag .ID .Digest .CreatedSince .CreatedAt .Size; \"table …\" adds headers"}},
	Action: listImages,
}

// imageFields are what an images --format template sees, as docker names
// them.
type imageFields struct {
	Repository, Tag, ID, Digest, CreatedSince, CreatedAt, Size string
}

var imageHeaders = strings.NewReplacer("{{.Repository}}", "REPOSITORY", "{{.Tag}}", "TAG", "{{.ID}}", "IMAGE ID",
	"{{.Digest}}", "DIGEST", "{{.CreatedSince}}", "CREATED", "{{.CreatedAt}}", "CREATED AT", "{{.Size}}", "SIZE")

func listImages(c *cli.Context) error {
	format := c.String("format")
	switch {
	case c.Bool("quiet"):
		format = "{{.ID}}"
	case format == "" && c.Bool("digests"):
		format = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
	case format == "":
		format = "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
	}
	table := strings.HasPrefix(format, "table ")
	format = strings.TrimPrefix(format, "table ")
	tmpl, err := template.New("images").Parse(format + "\n")
	if err != nil {
		return cli.Exit("images: --format: "+err.Error(), 125)
	}
	st, err := openStores()
	if err != nil {
		return cli.Exit(err.Error(), 125)
	}
	imgs, err := st.Images.List()
	if err != nil {
		return cli.Exit(err.Error(), 125)
	}
	sort.SliceStable(imgs, func(i, j int) bool { return imgs[i].Added.After(imgs[j].Added) })
	wantRepo, wantTag := "", ""
	if c.NArg() > 0 {
		wantRepo, wantTag = splitName(c.Args().First())
		if !strings.Contains(c.Args().First(), ":") || strings.LastIndex(c.Args().First(), ":") < strings.LastIndex(c.Args().First(), "/") {
			wantTag = ""
		}
	}
	var w interface {
		io.Writer
		Flush() error
	} = bufio.NewWriter(os.Stdout)
	if table {
		w = tabwriter.NewWriter(os.Stdout, 0, 8, 3, ' ', 0)
		fmt.Fprintln(w, imageHeaders.Replace(format))
	}
	seen := map[string]bool{}
	for _, im := range imgs {
		repo, tag := splitName(im.Name)
		if wantRepo != "" && (repo != wantRepo || wantTag != "" && tag != wantTag) {
			continue
		}
		id := shortImageID(im.ID().Encoded(), c.Bool("no-trunc"))
		if c.Bool("quiet") {
			if seen[id] {
				continue
			}
			seen[id] = true
		}
		f := imageFields{Repository: repo, Tag: tag, ID: id, Digest: "<none>", CreatedSince: "N/A", CreatedAt: "N/A", Size: humanSize(im.Size)}
		if im.RepoDigest != "" {
			f.Digest = im.RepoDigest.String()
		}
		if res, err := st.Images.Resolve(im.Name); err == nil && res.Config.Created != nil {
			f.CreatedSince = ago(*res.Config.Created) + " ago"
			f.CreatedAt = res.Config.Created.Format("2006-01-02 15:04:05 -0700 MST")
		}
		if err := tmpl.Execute(w, f); err != nil {
			return cli.Exit("images: --format: "+err.Error(), 125)
		}
	}
	return w.Flush()
}

// splitName shows a stored reference as docker does: docker.io/library/
// dropped, the tag (or <none> for a digest) apart.
func splitName(name string) (repo, tag string) {
	repo, tag = name, "<none>"
	if i := strings.Index(name, "@"); i >= 0 {
		repo = name[:i]
	} else if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		repo, tag = name[:i], name[i+1:]
	}
	repo = strings.TrimPrefix(repo, "docker.io/library/")
	repo = strings.TrimPrefix(repo, "docker.io/")
	return repo, tag
}

func shortImageID(hex string, full bool) string {
	if full || len(hex) <= 12 {
		return "sha256:" + hex
	}
	return hex[:12]
}

var rmiCommand = &cli.Command{
	Name:      "rmi",
	Usage:     "untag images, deleting an image whose last name goes",
	ArgsUsage: "IMAGE...",
	Flags:     []cli.Flag{&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "even if containers use it"}},
	Action: func(c *cli.Context) error {
		st, err := openStores()
		if err != nil {
			return cli.Exit(err.Error(), 125)
		}
		code := 0
		for _, ref := range c.Args().Slice() {
			if err := removeImage(st, ref, c.Bool("force")); err != nil {
				fmt.Fprintln(os.Stderr, "carrick:", err)
				code = 1
			}
		}
		return cli.Exit("", code)
	},
}

func removeImage(st *container.Store, ref string, force bool) error {
	name, deleted, _, err := st.RemoveImage(ref, force)
	if err != nil {
		return err
	}
	fmt.Println("Untagged:", name)
	if deleted != nil {
		fmt.Println("Deleted:", deleted.ID())
	}
	return nil
}

var tagCommand = &cli.Command{
	Name:      "tag",
	Usage:     "give an image another name",
	ArgsUsage: "SOURCE TARGET",
	Action: func(c *cli.Context) error {
		if c.NArg() != 2 {
			return cli.Exit("tag: want SOURCE TARGET", 125)
		}
		st, err := openStores()
		if err != nil {
			return cli.Exit(err.Error(), 125)
		}
		if err := st.Images.Tag(c.Args().Get(0), c.Args().Get(1)); err != nil {
			return cli.Exit(err.Error(), 125)
		}
		return nil
	},
}

var loadCommand = &cli.Command{
	Name:  "load",
	Usage: "load images from a docker-save or OCI-layout archive (tar, or tar.gz)",
	Flags: []cli.Flag{&cli.StringFlag{Name: "input", Aliases: []string{"i"}, Usage: "the archive `FILE` (default stdin)"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}}},
	Action: func(c *cli.Context) error {
		st, err := openStores()
		if err != nil {
			return cli.Exit(err.Error(), 125)
		}
		in := c.String("input")
		if in == "" {
			// The loader reads a file (it seeks): spool stdin.
			tmp, err := os.CreateTemp(filepath.Join(st.Images.Root(), "tmp"), "load-*")
			if err != nil {
				return cli.Exit(err.Error(), 125)
			}
			defer os.Remove(tmp.Name())
			if _, err := tmp.ReadFrom(os.Stdin); err != nil {
				return cli.Exit("load: reading stdin: "+err.Error(), 125)
			}
			tmp.Close()
			in = tmp.Name()
		}
		var pr image.Progress
		if !c.Bool("quiet") {
			p := newProgress(os.Stdout)
			defer p.finish()
			pr = p
		}
		imgs, err := st.Images.Load(context.Background(), in, pr)
		if err != nil {
			return cli.Exit("load: "+err.Error(), 125)
		}
		if p, ok := pr.(*progress); ok {
			p.finish()
		}
		for _, im := range imgs {
			if strings.HasPrefix(im.Name, "<none>") || im.Name == "" {
				fmt.Println("Loaded image ID:", im.ID())
			} else {
				fmt.Println("Loaded image:", im.Name)
			}
		}
		return nil
	},
}

var saveCommand = &cli.Command{
	Name:      "save",
	Usage:     "write images as a docker-save archive (for load, docker load, skopeo)",
	ArgsUsage: "IMAGE...",
	Flags:     []cli.Flag{&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE`, not stdout"}},
	Action: func(c *cli.Context) error {
		if c.NArg() == 0 {
			return cli.Exit("save: want at least one IMAGE", 125)
		}
		st, err := openStores()
		if err != nil {
			return cli.Exit(err.Error(), 125)
		}
		out := os.Stdout
		if o := c.String("output"); o != "" {
			// Written beside, renamed when whole: a failed save leaves no
			// archive that looks complete.
			if out, err = os.CreateTemp(filepath.Dir(o), ".carrick-save-*"); err != nil {
				return cli.Exit("save: "+err.Error(), 1)
			}
			defer os.Remove(out.Name())
		} else if isTerminal(out) {
			return cli.Exit("save: refusing to write an archive to a terminal: use -o FILE or redirect", 1)
		}
		w := bufio.NewWriterSize(out, 1<<20)
		err = st.Images.Save(w, c.Args().Slice())
		if err == nil {
			err = w.Flush()
		}
		if out != os.Stdout {
			if cerr := out.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				err = os.Rename(out.Name(), c.String("output"))
			}
		}
		if err != nil {
			return cli.Exit("save: "+err.Error(), 1)
		}
		return nil
	},
}

var imageCommand = &cli.Command{
	Name:  "image",
	Usage: "manage images",
	Subcommands: []*cli.Command{
		{Name: "ls", Usage: imagesCommand.Usage, Flags: imagesCommand.Flags, Action: listImages},
		{Name: "pull", Usage: pullCommand.Usage, ArgsUsage: pullCommand.ArgsUsage, Flags: pullCommand.Flags, Action: pullCommand.Action},
		{Name: "rm", Usage: rmiCommand.Usage, ArgsUsage: rmiCommand.ArgsUsage, Flags: rmiCommand.Flags, Action: rmiCommand.Action},
		{Name: "tag", Usage: tagCommand.Usage, ArgsUsage: tagCommand.ArgsUsage, Action: tagCommand.Action},
		{Name: "load", Usage: loadCommand.Usage, Flags: loadCommand.Flags, Action: loadCommand.Action},
		{Name: "save", Usage: saveCommand.Usage, ArgsUsage: saveCommand.ArgsUsage, Flags: saveCommand.Flags, Action: saveCommand.Action},
		{Name: "prune", Usage: "delete blobs and unpacked layers no image or container uses; with -a, also every image no container uses", Flags: []cli.Flag{
			&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "accepted: carrick never asks"},
			&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "also delete the images no container was made from"}},
			Action: pruneImages},
	},
}

func pruneImages(c *cli.Context) error {
	st, err := openStores()
	if err != nil {
		return cli.Exit(err.Error(), 125)
	}
	var freed int64
	if c.Bool("all") {
		n, err := pruneUnused(st)
		freed += n
		if err != nil {
			return cli.Exit(err.Error(), 125)
		}
	}
	n, err := st.Prune()
	freed += n
	if err != nil {
		return cli.Exit(err.Error(), 125)
	}
	fmt.Println("Total reclaimed space:", humanSize(freed))
	return nil
}

// ago is docker's "About a minute", "3 hours" style.
func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Second:
		return "Less than a second"
	case d < time.Minute:
		return fmt.Sprintf("%d seconds", int(d.Seconds()))
	case d < 2*time.Minute:
		return "About a minute"
	case d < time.Hour:
		return fmt.Sprintf("%d minutes", int(d.Minutes()))
	case d < 2*time.Hour:
		return "About an hour"
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	case d < 14*24*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d < 60*24*time.Hour:
		return fmt.Sprintf("%d weeks", int(d.Hours()/24/7))
	case d < 365*24*time.Hour:
		return fmt.Sprintf("%d months", int(d.Hours()/24/30))
	}
	return fmt.Sprintf("%d years", int(d.Hours()/24/365))
}

// humanSize is docker's decimal size ("7.05MB").
func humanSize(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	f := float64(n)
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%dB", n)
	}
	return fmt.Sprintf("%.3g%s", f, units[i])
}

// pruneUnused deletes every image no container was made from (image
// prune -a), printing what it untags and deletes as docker does.
func pruneUnused(st *container.Store) (int64, error) {
	imgs, err := st.Images.List()
	if err != nil {
		return 0, err
	}
	ctrs, err := st.List()
	if err != nil {
		return 0, err
	}
	used := map[string]bool{}
	for _, r := range ctrs {
		used[r.ImageID.String()] = true
	}
	var freed int64
	header := false
	for _, im := range imgs {
		if used[im.ID().String()] {
			continue
		}
		name, deleted, n, err := st.RemoveImage(im.Name, false)
		if err != nil {
			return freed, err
		}
		freed += n
		if !header {
			fmt.Println("Deleted Images:")
			header = true
		}
		fmt.Println("untagged:", name)
		if deleted != nil {
			fmt.Println("deleted:", deleted.ID())
		}
	}
	if header {
		fmt.Println()
	}
	return freed, nil
}
