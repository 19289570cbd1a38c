//go:build linux

// Package conformance runs third-party test suites (the Go standard
// library's tests, CPython's regression tests, carrick's own probes) under
// carrick and under the oracle, qemu-aarch64-static on the same root
// filesystem, and gives each test a verdict (docs/conformance.md):
//
//	MATCH          carrick's outcome equals the oracle's
//	DIFF           they disagree
//	CARRICK_CRASH  the test's process died under carrick before it said
//	TIMEOUT        carrick ran out of time before the test said
//	ORACLE_FAIL    the oracle itself did not pass it: never counted
//
// A committed baseline (baseline/SUITE.json) holds the verdicts of the last
// blessed run; a test that matched there and does not now is a REGRESSION
// and fails the run.
package conformance

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"time"
)

// Suite is one entry of the manifest (suites.json).
type Suite struct {
	Name string `json:"name"`
	// Kind says how the suite's units are found and prepared: "gotest"
	// (each unit a Go package, its test binary built with GOARCH=arm64),
	// "regrtest" (each unit a CPython test module in the root), "programs"
	// (each unit one of carrick's probe programs or oracle cases).
	Kind   string `json:"kind"`
	Rootfs string `json:"rootfs"` // a root under FIXTURES/rootfs
	// Command is the guest's argv; {test} is the unit's name, {bin} its
	// binary (gotest), {timeout} the unit's time limit in seconds less a
	// margin, so that the guest's own watchdog reports first.
	Command []string `json:"command,omitempty"`
	Env     []string `json:"env,omitempty"`
	// Parser turns a run's output into per-test outcomes: "gotest",
	// "regrtest" or "output" (the whole run is one outcome).
	Parser  string   `json:"parser"`
	Timeout Duration `json:"timeout"`
	// Tests are the units of the full tier, in order; for regrtest ["*"]
	// means every test module the root has.
	Tests []string `json:"tests"`
	// Smoke are the units of the smoke tier (make test).
	Smoke []string `json:"smoke"`
	// Exclude lists units not run, with the reason (they are listed in the
	// report, never counted as matching).
	Exclude map[string]string `json:"exclude,omitempty"`
	// Slow lists units of the full tier left out unless asked for (-slow):
	// those whose oracle run alone takes minutes, with the reason.
	Slow map[string]string `json:"slow,omitempty"`
}

// Manifest is suites.json.
type Manifest struct {
	Suites []*Suite `json:"suites"`
}

// Duration is a time.Duration written as "90s" in JSON.
type Duration time.Duration

func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// LoadManifest reads and checks a manifest.
func LoadManifest(path string) (*Manifest, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	seen := map[string]bool{}
	for _, s := range m.Suites {
		if err := s.check(); err != nil {
			return nil, fmt.Errorf("%s: suite %q: %v", path, s.Name, err)
		}
		if seen[s.Name] {
			return nil, fmt.Errorf("%s: suite %q twice", path, s.Name)
		}
		seen[s.Name] = true
	}
	return &m, nil
}

func (s *Suite) check() error {
	switch {
	case s.Name == "":
		return fmt.Errorf("no name")
	case !slices.Contains([]string{"gotest", "regrtest", "programs"}, s.Kind):
		return fmt.Errorf("unknown kind %q", s.Kind)
	case parsers[s.Parser] == nil:
		return fmt.Errorf("unknown parser %q", s.Parser)
	case s.Rootfs == "":
		return fmt.Errorf("no rootfs")
	case s.Timeout <= 0:
		return fmt.Errorf("no timeout")
	case s.Kind != "programs" && len(s.Command) == 0:
		return fmt.Errorf("no command")
	}
	return nil
}

// Suite finds a suite by name.
func (m *Manifest) Suite(name string) *Suite {
	for _, s := range m.Suites {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// key is a digest of the suite's definition: the oracle's cached results
// are valid only for the definition they were made with.
func (s *Suite) key() string {
	b, _ := json.Marshal(s)
	h := sha256.Sum256(append(b, cacheVersion...))
	return hex.EncodeToString(h[:8])
}

// cacheVersion changes when the harness's way of running or parsing does.
const cacheVersion = "3"
