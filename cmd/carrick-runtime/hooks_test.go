package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestFailingPoststartPoststop: as runc, a failing poststart hook fails
// start and ends the container; a failing poststop hook is delete's error,
// after the container is gone. The hooks after a failing one do not run.
func TestFailingPoststartPoststop(t *testing.T) {
	r := newRT(t)
	b, out := bundle(t, "sleep", "60")
	fail := specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c", "echo hook says no >&2; exit 1"}}
	after := specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c", "touch " + filepath.Join(out, "after")}}
	var s specs.Spec
	data, _ := os.ReadFile(filepath.Join(b, "config.json"))
	json.Unmarshal(data, &s)
	s.Hooks = &specs.Hooks{Poststart: []specs.Hook{fail, after}, Poststop: []specs.Hook{fail}}
	data, _ = json.Marshal(s)
	os.WriteFile(filepath.Join(b, "config.json"), data, 0o644)

	r.ok("create", "--bundle", b, "ps")
	if _, e, code := r.run("start", "ps"); code == 0 || !strings.Contains(e, "poststart hook #0") || !strings.Contains(e, "hook says no") {
		t.Fatalf("start with a failing poststart hook: exit %d, %s", code, e)
	}
	waitStatus(t, r, "ps", "stopped")
	if _, err := os.Stat(filepath.Join(out, "after")); err == nil {
		t.Fatal("the hook after the failing one ran")
	}
	if _, e, code := r.run("delete", "ps"); code == 0 || !strings.Contains(e, "poststop hook #0") {
		t.Fatalf("delete with a failing poststop hook: exit %d, %s", code, e)
	}
	if list := r.ok("list", "-q"); list != "" {
		t.Fatalf("the container outlived delete: %q", list)
	}
}

// TestOOMScoreAdj: process.oomScoreAdj is the container's host processes'
// own.
func TestOOMScoreAdj(t *testing.T) {
	r := newRT(t)
	b, _ := bundle(t, "sleep", "60")
	var s specs.Spec
	data, _ := os.ReadFile(filepath.Join(b, "config.json"))
	json.Unmarshal(data, &s)
	adj := 345
	s.Process.OOMScoreAdj = &adj
	data, _ = json.Marshal(s)
	os.WriteFile(filepath.Join(b, "config.json"), data, 0o644)
	r.ok("create", "--bundle", b, "oom")
	defer r.run("delete", "--force", "oom")
	st := r.state("oom")
	got, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(st.Pid), "oom_score_adj"))
	if err != nil || strings.TrimSpace(string(got)) != "345" {
		t.Fatalf("the init's oom_score_adj is %q (%v)", got, err)
	}
}
