package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/carrick-go/carrick/container"
)

func TestParseVolume(t *testing.T) {
	d := t.TempDir()
	newDir := filepath.Join(d, "made")
	cases := []struct {
		in   string
		want container.Mount
		err  string
	}{
		{d + ":/data", container.Mount{Source: d, Destination: "/data"}, ""},
		{d + ":/data:ro", container.Mount{Source: d, Destination: "/data", ReadOnly: true}, ""},
		{d + ":/data:rw,z", container.Mount{Source: d, Destination: "/data"}, ""},
		{newDir + ":/m", container.Mount{Source: newDir, Destination: "/m"}, ""},
		{"/x", container.Mount{}, "invalid volume specification"},
		{d + ":rel", container.Mount{}, "must be absolute"},
		{d + ":/a:bogus", container.Mount{}, "unknown mode"},
		{"named:/a", container.Mount{}, "named volumes are not supported"},
		{"a:b:c:d", container.Mount{}, "invalid volume specification"},
	}
	for _, c := range cases {
		got, err := parseVolume(c.in)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: %v, want error %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%q: %+v %v, want %+v", c.in, got, err, c.want)
		}
	}
	if st, err := os.Stat(newDir); err != nil || !st.IsDir() {
		t.Errorf("-v did not make the missing host directory: %v", err)
	}
}

func TestParseMount(t *testing.T) {
	d := t.TempDir()
	got, err := parseMount("type=bind,source=" + d + ",target=/t,readonly")
	if err != nil || got != (container.Mount{Source: d, Destination: "/t", ReadOnly: true}) {
		t.Errorf("%+v %v", got, err)
	}
	got, err = parseMount("type=bind,src=" + d + ",dst=/t,ro=false")
	if err != nil || got != (container.Mount{Source: d, Destination: "/t"}) {
		t.Errorf("%+v %v", got, err)
	}
	for in, want := range map[string]string{
		"type=volume,source=x,target=/t":                 "only type=bind",
		"type=bind,source=" + d + "/nope,target=/t":      "bind source path does not exist",
		"type=bind,target=/t":                            "needs source=",
		"type=bind,source=" + d + ",target=/t,color=red": "unknown field",
	} {
		if _, err := parseMount(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", in, err, want)
		}
	}
}

func TestEnvOptions(t *testing.T) {
	f := filepath.Join(t.TempDir(), "env")
	os.WriteFile(f, []byte("# comment\nA=1\n\n  B=two words\r\nFROM_CALLER\nUNSET_VAR_XYZ\n"), 0o644)
	t.Setenv("FROM_CALLER", "yes")
	got, err := envOptions([]string{f}, []string{"A=override", "C"})
	want := []string{"A=1", "B=two words", "FROM_CALLER=yes", "A=override"}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("%q %v, want %q", got, err, want)
	}
	if _, err := envOptions(nil, []string{"=x"}); err == nil {
		t.Errorf("=x accepted")
	}
}

// TestParseLogTime: docker's forms of logs --since/--until.
func TestParseLogTime(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Time{
		"10m":                            now.Add(-10 * time.Minute),
		"1h30m":                          now.Add(-90 * time.Minute),
		"1795888979":                     time.Unix(1795888979, 0),
		"1795888979.25":                  time.Unix(1795888979, 25e7),
		"2026-11-28T11:59:00Z":           time.Date(2026, 11, 28, 11, 59, 0, 0, time.UTC),
		"2026-11-28T11:59:00.5+01:00":    time.Date(2026, 11, 28, 10, 59, 0, 5e8, time.UTC),
		"2026-11-28T11:59:00.000000001Z": time.Date(2026, 11, 28, 11, 59, 0, 1, time.UTC),
		"2026-11-28T11:59:07":            time.Date(2026, 11, 28, 11, 59, 7, 0, time.Local),
		"2026-11-28":                     time.Date(2026, 11, 28, 0, 0, 0, 0, time.Local),
	} {
		got, err := parseLogTime(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("parseLogTime(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "yesterday", "12.3.4", "2026-13-01"} {
		if _, err := parseLogTime(bad, now); err == nil {
			t.Errorf("parseLogTime(%q) accepted", bad)
		}
	}
}
