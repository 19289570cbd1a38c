//go:build linux

// Command conformance runs the conformance suites of test/conformance under
// carrick and the oracle and compares the verdicts with the baselines
// (docs/conformance.md). It exits 1 when a test regressed.
//
//	conformance [-suites go,cpython] [-tier full|smoke] [-only UNITS] [-bless] [-resume]
//	conformance -report docs/compatibility.md
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/carrick-go/carrick/test/conformance"
)

func main() {
	top, _ := os.Getwd()
	home, _ := os.UserCacheDir()
	var (
		manifest = flag.String("manifest", "test/conformance/suites.json", "the suites")
		baseline = flag.String("baseline", "test/conformance/baseline", "the baselines' directory")
		suites   = flag.String("suites", "", "comma-separated suites (default: all)")
		tier     = flag.String("tier", "full", "full or smoke")
		only     = flag.String("only", "", "comma-separated units of the tier (default: all)")
		bless    = flag.Bool("bless", false, "record this run's verdicts in the baselines")
		resume   = flag.Bool("resume", false, "reuse carrick results of an earlier run of the same binary")
		slow     = flag.Bool("slow", false, "run the units the manifest marks slow too")
		jobs     = flag.Int("jobs", 2, "units run at a time (one runner at a time)")
		carrick  = flag.String("carrick", "bin/carrick", "the carrick binary")
		fixtures = flag.String("fixtures", "test/fixtures/out", "the fixtures (make fixtures)")
		cache    = flag.String("cache", filepath.Join(home, "carrick", "conformance"), "oracle results and test binaries")
		out      = flag.String("out", "", "carrick's results (default CACHE/results)")
		report   = flag.String("report", "", "only render the baselines into this markdown file")
	)
	flag.Parse()
	m, err := conformance.LoadManifest(*manifest)
	if err != nil {
		fail(err)
	}
	if *report != "" {
		bls := map[string]*conformance.Baseline{}
		for _, s := range m.Suites {
			if bls[s.Name], err = conformance.LoadBaseline(filepath.Join(*baseline, s.Name+".json"), s.Name); err != nil {
				fail(err)
			}
		}
		if err := conformance.WriteDoc(*report, m, bls); err != nil {
			fail(err)
		}
		return
	}
	if *out == "" {
		*out = filepath.Join(*cache, "results")
	}
	abs := func(p string) string { a, _ := filepath.Abs(p); return a }
	h := &conformance.Harness{Top: top, Fixtures: abs(*fixtures), Carrick: abs(*carrick), Cache: abs(*cache),
		Out: abs(*out), Jobs: *jobs, Resume: *resume, Slow: *slow, Log: os.Stderr}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := h.Check(ctx, m, conformance.Options{Suites: conformance.SplitList(*suites), Tier: *tier,
		Only: conformance.SplitList(*only), Bless: *bless, Baseline: *baseline, Out: os.Stdout})
	if err != nil {
		fail(err)
	}
	if len(res.Regressions) > 0 && !*bless {
		fmt.Fprintf(os.Stderr, "conformance: %d regressions\n", len(res.Regressions))
		os.Exit(1)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "conformance:", err)
	os.Exit(2)
}
