package host

import (
	"errors"
	"os"
	"strings"
	"testing"
)

func TestCheckCaseSensitive(t *testing.T) {
	dir := t.TempDir()
	if err := CheckCaseSensitive(dir); err != nil {
		t.Fatalf("%s (a Linux tmp dir): %v", dir, err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("probe files left behind: %v", ents)
	}
	if err := CheckCaseSensitive(dir + "/missing"); err == nil || errors.Is(err, ErrCaseInsensitive) {
		t.Errorf("a missing dir: %v", err)
	}
}

// TestCheckCaseInsensitive plays a case-insensitive file system: the
// upper-case twin is found to exist.
func TestCheckCaseInsensitive(t *testing.T) {
	dir := t.TempDir()
	old := createExcl
	defer func() { createExcl = old }()
	createExcl = func(name string) (*os.File, error) {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if strings.EqualFold(dir+"/"+e.Name(), name) {
				return nil, &os.PathError{Op: "open", Path: name, Err: os.ErrExist}
			}
		}
		return old(name)
	}
	err := CheckCaseSensitive(dir)
	if !errors.Is(err, ErrCaseInsensitive) {
		t.Fatalf("got %v, want ErrCaseInsensitive", err)
	}
	for _, want := range []string{dir, "diskutil list", `diskutil apfs addVolume disk1 "Case-sensitive APFS" carrick`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message lacks %q:\n%v", want, err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("probe files left behind: %v", ents)
	}
}
