// Command mkimage builds the test image of a fixture root (mkimage.RootImage:
// the root, then a layer that adds, changes and deletes files) and pushes it
// to a registry; with -index, as a linux/arm64 + linux/amd64 image index.
// Used by test/bench/image.sh.
//
//	mkimage -root test/fixtures/out/rootfs/debian -delete /usr/bin/factor \
//	        -ref 127.0.0.1:5000/debian:bench
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/carrick-go/carrick/test/image/mkimage"
)

func main() {
	root := flag.String("root", "", "the root filesystem directory")
	deleted := flag.String("delete", "/etc/hostname", "the root's file the second layer deletes")
	ref := flag.String("ref", "", "where to push (REGISTRY/REPO:TAG; loopback registries over plain HTTP)")
	index := flag.Bool("index", false, "push an image index with a linux/amd64 image next to the arm64 one")
	flag.Parse()
	if *root == "" || *ref == "" || flag.NArg() > 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*root, *deleted, *ref, *index); err != nil {
		fmt.Fprintln(os.Stderr, "mkimage:", err)
		os.Exit(1)
	}
}

func run(root, deleted, ref string, index bool) error {
	start := time.Now()
	img, err := mkimage.RootImage(root, deleted, []string{"sh", "-c", "echo image-cmd $" + mkimage.ImageVar})
	if err != nil {
		return err
	}
	built := time.Since(start)
	var what any = img
	if index {
		amd, err := mkimage.Amd64Image()
		if err != nil {
			return err
		}
		if what, err = mkimage.Index(img, amd); err != nil {
			return err
		}
	}
	if err := mkimage.Push(context.Background(), ref, what); err != nil {
		return err
	}
	d, _ := img.Digest()
	size, _ := img.Size()
	fmt.Fprintf(os.Stderr, "mkimage: %s: %s (built in %.1fs, pushed in %.1fs; manifest %d bytes)\n",
		ref, d, built.Seconds(), (time.Since(start) - built).Seconds(), size)
	return nil
}
