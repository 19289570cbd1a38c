// Command mkociarchive writes an OCI image-layout tar of a root filesystem
// directory, for `ctr image import` in the containerd end-to-end tests:
//
//	mkociarchive -rootfs DIR -ref REF -o OUT.tar [-cmd /bin/sh] [-env PATH=...]...
//
// -cmd and -entrypoint take one argument each and may be repeated to build
// the argument vector; -env and -exclude may be repeated too. The archive is
// written to OUT.tar.tmp and renamed into place, so a failed run leaves no
// partial archive under the final name.
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/carrick-go/carrick/test/ociarchive"
)

type list []string

func (l *list) String() string     { return strings.Join(*l, " ") }
func (l *list) Set(s string) error { *l = append(*l, s); return nil }

func main() {
	var (
		o       ociarchive.Options
		rootfs  = flag.String("rootfs", "", "root filesystem directory")
		out     = flag.String("o", "", "output archive")
		created = flag.String("created", "1970-01-01T00:00:00Z", "image creation time, RFC 3339")
	)
	flag.StringVar(&o.Ref, "ref", "", `full image reference, e.g. "carrick.test/busybox:latest"`)
	flag.StringVar(&o.Architecture, "arch", "arm64", "image architecture")
	flag.StringVar(&o.OS, "os", "linux", "image OS")
	flag.StringVar(&o.WorkingDir, "workdir", "", "working directory")
	flag.Var((*list)(&o.Cmd), "cmd", "Cmd argument (repeat for each)")
	flag.Var((*list)(&o.Entrypoint), "entrypoint", "Entrypoint argument (repeat for each)")
	flag.Var((*list)(&o.Env), "env", "NAME=value (repeat for each)")
	flag.Var((*list)(&o.Exclude), "exclude", "root-relative path to leave out, besides "+strings.Join(ociarchive.DefaultExclude, ", ")+" (repeatable)")
	flag.Parse()
	if *rootfs == "" || *out == "" || o.Ref == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	t, err := time.Parse(time.RFC3339, *created)
	if err != nil {
		fatal(err)
	}
	o.Created = t

	tmp := *out + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		fatal(err)
	}
	if err := ociarchive.Build(f, *rootfs, o); err != nil {
		f.Close()
		os.Remove(tmp)
		fatal(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		fatal(err)
	}
	if err := os.Rename(tmp, *out); err != nil {
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "mkociarchive:", err)
	os.Exit(1)
}
