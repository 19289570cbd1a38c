package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// yamlJSON renders a diagnostic the way tap-go does: JSON between --- and ....
func yamlJSON(t *testing.T, v map[string]string) string {
	t.Helper()
	b, err := json.MarshalIndent(v, "  ", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return "  ---\n  " + string(b) + "\n  ...\n"
}

func TestParse(t *testing.T) {
	inner := "TAP version 13\nok 1 - has expected hostname\nnot ok 2 - mounts[1] (/dev) found in order\n" +
		"ok 3 # SKIP linux.sysctl not set\n1..3\n"
	hostname := "TAP version 13\n" +
		yamlJSON(t, map[string]string{"stdout": inner, "stderr": ""}) +
		"not ok 1 - check hostname \"\"\n" +
		"ok 2 - hostname is set correctly\n" +
		yamlJSON(t, map[string]string{"stdout": "TAP version 13\nok 1 - x\n", "stderr": `time="2026-01-01T00:00:00Z" level=fatal msg="open /proc/self/uid_map: no such file or directory"`}) +
		"1..2\n"
	hooks := "TAP version 13\n" +
		yamlJSON(t, map[string]string{"error": "Hooks MUST be called in the listed order\nRefer to: https://example"}) +
		"1..0\n"
	attached := "TAP version 13\n" +
		"not ok 1 - create MUST generate an error\n" +
		yamlJSON(t, map[string]string{"error": "exit status 1", "stderr": "container 0b5c2a7e-9d0f-4e43-8a57-6f3a3c5e1d2a exists"}) +
		"ok 2 - bundle /tmp/ocitest123/x is kept\n1..2\n"
	for _, c := range []struct {
		name string
		out  string
		want Result
	}{
		{"nested runtimetest", hostname, Result{OK: 1, NotOK: 1, InnerOK: 3, InnerNotOK: 1, Failures: []string{
			"inner not ok: mounts[1] (/dev) found in order",
			`not ok: check hostname ""`,
			"inner incomplete TAP (no plan: the test stopped early)",
			"inner fatal: open /proc/self/uid_map: no such file or directory",
		}}},
		{"diagnostic without assertions", hooks, Result{Failures: []string{"diagnostic: Hooks MUST be called in the listed order"}}},
		{"diagnostic after an assertion", attached, Result{OK: 1, NotOK: 1, Failures: []string{"not ok: create MUST generate an error"}}},
		{"stopped early", "TAP version 13\nok 1 - a\nok 2 - b\n", Result{OK: 2, Failures: []string{"incomplete TAP (no plan: the test stopped early)"}}},
		{"no output", "", Result{}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := Parse(c.out); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Parse:\n got %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestFoldCaps(t *testing.T) {
	out := "TAP version 13\nnot ok 1 - unexpected bounding capability CAP_SYS_ADMIN not set\nnot ok 2 - has expected hostname\n" +
		"not ok 3 - expected inheritable capability CAP_CHOWN set\nok 4 - expected permitted capability CAP_KILL set\n1..4\n"
	want := []string{"not ok: 2 capability checks", "not ok: has expected hostname"}
	if got := Parse(out).Failures; !reflect.DeepEqual(got, want) {
		t.Errorf("Failures = %q, want %q", got, want)
	}
}

func TestNormalize(t *testing.T) {
	got := normalize("container 0b5c2a7e-9d0f-4e43-8a57-6f3a3c5e1d2a in /tmp/ocitest4242/rootfs, pid file /tmp/oci-pid77/pidfile ")
	want := "container <id> in /tmp/ocitestN/rootfs, pid file /tmp/oci-pidN/pidfile"
	if got != want {
		t.Errorf("normalize = %q, want %q", got, want)
	}
}

func TestCompare(t *testing.T) {
	base := &Expect{MinOK: 5, Failures: []string{"not ok: a", "not ok: b"}}
	for _, c := range []struct {
		name      string
		r         Result
		word      string
		regressed bool
	}{
		{"as expected", Result{OK: 5, Failures: []string{"not ok: a", "not ok: b"}}, "known failures", false},
		{"new failure", Result{OK: 6, Failures: []string{"not ok: a", "not ok: c"}}, "REGRESSED", true},
		{"fewer ok", Result{OK: 3, InnerOK: 1, Failures: []string{"not ok: a", "not ok: b"}}, "REGRESSED", true},
		{"fixed one", Result{OK: 6, Failures: []string{"not ok: a"}}, "improved", false},
		{"all fixed", Result{OK: 7}, "pass", false},
	} {
		v := compare("t", c.r, "0", base)
		if v.Word() != c.word || v.Regressed() != c.regressed {
			t.Errorf("%s: word %q regressed %v, want %q %v", c.name, v.Word(), v.Regressed(), c.word, c.regressed)
		}
	}
	flaky := &Expect{MinOK: 3, Flaky: []string{"not ok: race"}}
	if v := compare("t", Result{OK: 2, Failures: []string{"not ok: race"}}, "0", flaky); v.Regressed() {
		t.Errorf("a flaky failure regressed: %+v", v)
	}
	if v := compare("t", Result{OK: 3}, "0", flaky); v.Word() != "pass" {
		t.Errorf("without its flaky failure: %q, want pass", v.Word())
	}
	if v := compare("t", Result{Failures: []string{"exit status 1"}}, "1", nil); !v.Regressed() {
		t.Error("a failure with no baseline entry must regress")
	}
}

// TestRun drives the whole comparison over files, as run.sh does.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("tests.txt", "# comment\ncreate\tlifecycle\tnote\nkill\tlifecycle\tnote\nlinux_ns_path\texcluded\twhy\n")
	write("create.tap", "TAP version 13\nok 1 - a\nnot ok 2 - b\n1..2\n")
	write("create.rc", "0\n")
	write("kill.tap", "TAP version 13\nok 1 - a\n1..1\n")
	write("kill.rc", "timeout\n")
	tests, base := filepath.Join(dir, "tests.txt"), filepath.Join(dir, "baseline.txt")

	if err := run(tests, dir, base, "", true, false); err != nil {
		t.Fatalf("update: %v", err)
	}
	b, _ := os.ReadFile(base)
	for _, want := range []string{"create\tok\t1\n", "create\tfail\tnot ok: b\n", "kill\tfail\ttimed out\n"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("baseline lacks %q:\n%s", want, b)
		}
	}
	// Hand-written flaky lines survive an update and are not recorded as
	// known failures.
	if err := os.WriteFile(base, append(b, "kill\tflaky\ttimed out\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := run(tests, dir, base, "", true, false); err != nil {
		t.Fatalf("update: %v", err)
	}
	b, _ = os.ReadFile(base)
	if !strings.Contains(string(b), "kill\tflaky\ttimed out\n") || strings.Contains(string(b), "kill\tfail\ttimed out\n") {
		t.Errorf("flaky line not kept as such:\n%s", b)
	}
	md := filepath.Join(dir, "results.md")
	if err := run(tests, dir, base, md, false, false); err != nil {
		t.Fatalf("same results against their own baseline: %v", err)
	}
	m, _ := os.ReadFile(md)
	if !strings.Contains(string(m), "| `create` | lifecycle | known failures | 1 / 1 | — | 0 |") || strings.Contains(string(m), "linux_ns_path") {
		t.Errorf("markdown:\n%s", m)
	}
	write("create.tap", "TAP version 13\nok 1 - a\nnot ok 2 - c\n1..2\n")
	if err := run(tests, dir, base, "", false, false); err == nil || !strings.Contains(err.Error(), "create") {
		t.Errorf("a new failure: err = %v, want a regression of create", err)
	}
}
