package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

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
