package programs

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// StatSources stats every source file of the module at top. go test
// caches a result keyed by the files the test looked at; carrick and the
// fixtures are built by child processes it cannot see, so without this a
// run could be replayed from the cache after the interpreter changed.
func StatSources(t testing.TB, top string) {
	t.Helper()
	skip := map[string]bool{".git": true, "bin": true, filepath.Join("test", "fixtures", "out"): true}
	err := filepath.WalkDir(top, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(top, path)
		if d.IsDir() {
			if skip[rel] {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".s", ".S", ".c", ".h", ".sh", ".py", ".mod", ".sum":
			_, err := os.Stat(path)
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
