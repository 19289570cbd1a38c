// Command carrick-codesign ad-hoc signs a darwin/arm64 binary with
// entitlements, from any host (see package packaging/codesign).
//
//	carrick-codesign --entitlements FILE [--identifier ID] BINARY
//	carrick-codesign --verify BINARY
//
// Signing rewrites BINARY in place (a temporary file renamed over it, with
// the same mode). Both forms exit 1 on failure.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/carrick-go/carrick/packaging/codesign"
)

func main() {
	entitlements := flag.String("entitlements", "", "XML plist of entitlements to embed")
	identifier := flag.String("identifier", "", "signing identifier (default: the file name)")
	verify := flag.Bool("verify", false, "check BINARY's signature and print it instead of signing")
	flag.Usage = func() {
		fmt.Fprintf(os.Stderr, "usage: %s --entitlements FILE [--identifier ID] BINARY\n       %s --verify BINARY\n", os.Args[0], os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 || (*verify == (*entitlements != "")) {
		flag.Usage()
		os.Exit(2)
	}
	path := flag.Arg(0)
	var err error
	if *verify {
		err = runVerify(path)
	} else {
		err = runSign(path, *entitlements, *identifier)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "carrick-codesign: %s: %v\n", path, err)
		os.Exit(1)
	}
}

func runVerify(path string) error {
	bin, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	sig, err := codesign.Verify(bin)
	if err != nil {
		return err
	}
	fmt.Printf("Identifier=%s\n", sig.Identifier)
	fmt.Printf("CodeDirectory v=%x size=%d flags=%#x(%s) hashes=%d+%d\n",
		sig.Version, sig.Size, sig.Flags, sig.FlagNames(), sig.CodeSlots, sig.SpecialSlots)
	fmt.Printf("CDHash=%x\n", sig.CDHash[:20])
	if sig.Entitlements == nil {
		fmt.Println("Entitlements: none")
	} else {
		fmt.Printf("Entitlements:\n%s\n", sig.Entitlements)
	}
	return nil
}

func runSign(path, entPath, id string) error {
	ent, err := os.ReadFile(entPath)
	if err != nil {
		return err
	}
	if id == "" {
		id = filepath.Base(path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	in, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, err := codesign.Sign(in, codesign.Options{Identifier: id, Entitlements: ent})
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".sign-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(out); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(fi.Mode().Perm()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	fmt.Printf("signed %s (identifier %s, %d bytes)\n", path, id, len(out))
	return nil
}
