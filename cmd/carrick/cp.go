package main

import (
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/carrick-go/carrick/container"
)

var cpCommand = &cli.Command{
	Name:  "cp",
	Usage: "copy files between a container and the host (a container's paths are from its /)",
	ArgsUsage: "CONTAINER:SRC DEST|-\n   carrick cp [options] SRC|- CONTAINER:DEST\n\n" +
		"   A directory's contents with SRC/. ; - is a tar stream on stdout or stdin",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "archive", Aliases: []string{"a"}, Usage: "keep owners (uid:gid) from the source"},
		&cli.BoolFlag{Name: "follow-link", Aliases: []string{"L"}, Usage: "follow a symbolic link that is SRC"},
	},
	Action: func(c *cli.Context) error {
		if c.NArg() != 2 {
			return cli.Exit("cp: want SRC and DEST, one of them CONTAINER:PATH", 125)
		}
		srcCtr, src := splitCopyArg(c.Args().Get(0))
		dstCtr, dst := splitCopyArg(c.Args().Get(1))
		o := container.CopyOptions{Archive: c.Bool("archive"), FollowLink: c.Bool("follow-link")}
		switch {
		case srcCtr != "" && dstCtr != "":
			return cli.Exit("cp: copying between containers is not supported", 125)
		case srcCtr == "" && dstCtr == "":
			return cli.Exit("cp: one of SRC and DEST must be CONTAINER:PATH", 125)
		}
		ref := srcCtr + dstCtr
		st, r, err := findContainer(ref)
		if err != nil {
			return exitErr(err)
		}
		switch {
		case srcCtr != "" && dst == "-":
			err = st.ArchiveFrom(r, src, os.Stdout, o)
		case srcCtr != "":
			err = st.CopyFrom(r, src, dst, o)
		case src == "-":
			err = st.ExtractTo(r, os.Stdin, dst)
		default:
			err = st.CopyTo(r, src, dst, o)
		}
		if err != nil {
			return cli.Exit("cp: "+err.Error(), 1)
		}
		return nil
	},
}

// splitCopyArg splits CONTAINER:PATH as docker does: a path that starts
// with / or . is the host's even with a colon in it.
func splitCopyArg(a string) (ctr, p string) {
	if a == "-" || strings.HasPrefix(a, "/") || strings.HasPrefix(a, ".") {
		return "", a
	}
	if i := strings.IndexByte(a, ':'); i > 0 {
		return a[:i], a[i+1:]
	}
	return "", a
}
