package host

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrCaseInsensitive is wrapped by CheckCaseSensitive's error for a
// directory on a case-insensitive file system.
var ErrCaseInsensitive = errors.New("case-insensitive file system")

// createExcl creates a new file, failing if the name exists; a test
// replaces it to play a case-insensitive file system.
var createExcl = func(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
}

// CheckCaseSensitive reports whether names that differ only in case are
// different files in dir, as Linux programs expect: it creates a probe
// file and its upper-case twin, then removes both. macOS's default APFS
// volume is case-insensitive; the error then says how to make one that is
// not.
func CheckCaseSensitive(dir string) error {
	lower, err := os.CreateTemp(dir, ".carrick-case-probe-*")
	if err != nil {
		return fmt.Errorf("checking case sensitivity of %s: %w", dir, err)
	}
	lower.Close()
	defer os.Remove(lower.Name())
	upperName := filepath.Join(dir, strings.ToUpper(filepath.Base(lower.Name())))
	upper, err := createExcl(upperName)
	if errors.Is(err, os.ErrExist) {
		return caseInsensitiveError(dir)
	}
	if err != nil {
		return fmt.Errorf("checking case sensitivity of %s: %w", dir, err)
	}
	upper.Close()
	defer os.Remove(upperName)
	a, errA := os.Stat(lower.Name())
	b, errB := os.Stat(upperName)
	if errA == nil && errB == nil && os.SameFile(a, b) {
		return caseInsensitiveError(dir) // a file system that ignored O_EXCL
	}
	return nil
}

// caseInsensitiveError is CheckCaseSensitive's error for dir.
func caseInsensitiveError(dir string) error {
	return fmt.Errorf("%s is on a %w: Linux programs need names that differ only in case "+
		"(Makefile and makefile) to be different files.\n"+
		"On macOS, create a case-sensitive APFS volume and keep carrick's data there:\n"+
		"  diskutil list    # find your APFS container, e.g. disk1 (\"Apple_APFS Container disk1\")\n"+
		"  diskutil apfs addVolume disk1 \"Case-sensitive APFS\" carrick\n"+
		"The volume appears at /Volumes/carrick; it shares the container's free space.",
		dir, ErrCaseInsensitive)
}
