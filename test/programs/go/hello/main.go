// args: one two

// Command hello is the smallest Go guest: fmt, os.Args, os.Getenv and an
// exit status taken from the argument count.
package main

import (
	"fmt"
	"os"
	"runtime"
)

func main() {
	fmt.Printf("Hello from Go on %s/%s: %d argument(s)\n", runtime.GOOS, runtime.GOARCH, len(os.Args)-1)
	for i, a := range os.Args[1:] {
		fmt.Printf("  arg[%d] = %q\n", i+1, a)
	}
	fmt.Printf("LANG=%q\n", os.Getenv("LANG"))
	fmt.Fprintln(os.Stderr, "hello on stderr")
	os.Exit(len(os.Args) - 1)
}
