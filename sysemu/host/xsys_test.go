package host

import (
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The tests hold every darwin number here to x/sys/unix's generated darwin
// files, and every Linux one to sysemu/abi or, where abi lacks it, to
// x/sys/unix's generated Linux files: both sides come from the kernels'
// headers, not from this package.

// srcPkg is a type-checked set of Go files: their constants by name and
// their struct types, laid out for arm64.
type srcPkg struct {
	consts  map[string]int64
	structs map[string]*types.Struct
	tables  map[string][]tableEntry
}

// A tableEntry is a row of x/sys/unix's errorList or signalList.
type tableEntry struct {
	num  int64
	name string
}

var arm64Sizes = types.SizesFor("gc", "arm64")

// fakeImporter stands in for every import: the files are read for their
// constants and types, and only syscall's Errno and Signal matter.
type fakeImporter struct{}

func (fakeImporter) Import(path string) (*types.Package, error) {
	if path == "unsafe" {
		return types.Unsafe, nil
	}
	p := types.NewPackage(path, filepath.Base(path))
	for _, n := range []struct {
		name string
		kind types.BasicKind
	}{{"Errno", types.Uintptr}, {"Signal", types.Int}} {
		obj := types.NewTypeName(0, p, n.name, nil)
		types.NewNamed(obj, types.Typ[n.kind], nil)
		p.Scope().Insert(obj)
	}
	p.MarkComplete()
	return p, nil
}

func loadSrc(t *testing.T, files ...string) *srcPkg {
	t.Helper()
	fset := token.NewFileSet()
	var parsed []*ast.File
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parsing %s: %v", f, err)
		}
		parsed = append(parsed, af)
	}
	conf := types.Config{Importer: fakeImporter{}, Sizes: arm64Sizes, Error: func(error) {}}
	pkg, _ := conf.Check(parsed[0].Name.Name, fset, parsed, nil)
	sp := &srcPkg{consts: map[string]int64{}, structs: map[string]*types.Struct{}, tables: map[string][]tableEntry{}}
	for _, af := range parsed {
		for _, decl := range af.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if len(vs.Values) != 1 {
					continue
				}
				if cl, ok := vs.Values[0].(*ast.CompositeLit); ok {
					sp.tables[vs.Names[0].Name] = tableRows(cl)
				}
			}
		}
	}
	for _, name := range pkg.Scope().Names() {
		switch o := pkg.Scope().Lookup(name).(type) {
		case *types.Const:
			v := constant.ToInt(o.Val())
			if i, ok := constant.Int64Val(v); ok {
				sp.consts[name] = i
			} else if u, ok := constant.Uint64Val(v); ok {
				sp.consts[name] = int64(u)
			}
		case *types.TypeName:
			if s, ok := o.Type().Underlying().(*types.Struct); ok {
				sp.structs[name] = s
			}
		}
	}
	return sp
}

// tableRows reads rows of the form {num, "NAME", "description"}.
func tableRows(cl *ast.CompositeLit) []tableEntry {
	var rows []tableEntry
	for _, e := range cl.Elts {
		row, ok := e.(*ast.CompositeLit)
		if !ok || len(row.Elts) < 2 {
			continue
		}
		num, ok1 := row.Elts[0].(*ast.BasicLit)
		name, ok2 := row.Elts[1].(*ast.BasicLit)
		if !ok1 || !ok2 || num.Kind != token.INT || name.Kind != token.STRING {
			continue
		}
		n, err := strconv.ParseInt(num.Value, 0, 64)
		if err != nil {
			continue
		}
		rows = append(rows, tableEntry{n, strings.Trim(name.Value, `"`)})
	}
	return rows
}

var (
	srcOnce                     sync.Once
	darwinSrc, linuxSrc, abiSrc *srcPkg
	ourSrc                      *srcPkg
	srcErr                      string
)

// sources loads x/sys/unix's darwin arm64 and Linux arm64 files, sysemu/abi
// and this package.
func sources(t *testing.T) {
	t.Helper()
	srcOnce.Do(func() {
		out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/sys").Output()
		if err != nil {
			srcErr = "locating golang.org/x/sys: " + err.Error()
			return
		}
		dir := filepath.Join(strings.TrimSpace(string(out)), "unix")
		in := func(names ...string) []string {
			for i, n := range names {
				names[i] = filepath.Join(dir, n)
			}
			return names
		}
		darwinSrc = loadSrc(t, in("zerrors_darwin_arm64.go", "ztypes_darwin_arm64.go")...)
		linuxSrc = loadSrc(t, in("zerrors_linux.go", "zerrors_linux_arm64.go", "ztypes_linux.go", "ztypes_linux_arm64.go")...)
		abiSrc = loadSrc(t, goFiles(t, "../abi")...)
		ourSrc = loadSrc(t, goFiles(t, ".")...)
	})
	if srcErr != "" {
		t.Fatal(srcErr)
	}
	if ourSrc == nil {
		t.Fatal("the sources failed to load (see the first failing test)")
	}
}

func goFiles(t *testing.T, dir string) []string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var fs []string
	for _, e := range ents {
		if n := e.Name(); strings.HasSuffix(n, ".go") && !strings.HasSuffix(n, "_test.go") {
			fs = append(fs, filepath.Join(dir, n))
		}
	}
	return fs
}

// darwinVal is x/sys/unix's darwin value of name.
func darwinVal(t *testing.T, name string) int64 {
	t.Helper()
	sources(t)
	v, ok := darwinSrc.consts[name]
	if !ok {
		t.Fatalf("x/sys/unix has no darwin %s", name)
	}
	return v
}

// linuxVal is Linux's value of name: sysemu/abi's, else x/sys/unix's.
func linuxVal(t *testing.T, name string) int64 {
	t.Helper()
	sources(t)
	if v, ok := abiSrc.consts[name]; ok {
		return v
	}
	v, ok := linuxSrc.consts[name]
	if !ok {
		t.Fatalf("neither sysemu/abi nor x/sys/unix has Linux %s", name)
	}
	return v
}

// TestNamedConstants checks every darwinX and linuxX constant of this
// package against X in the headers' files.
func TestNamedConstants(t *testing.T) {
	sources(t)
	n := 0
	for name, v := range ourSrc.consts {
		var want int64
		switch {
		case strings.HasPrefix(name, "darwin") && name != "vdisableDarwin" && !strings.HasPrefix(name, "darwinDirent"):
			want = darwinVal(t, strings.TrimPrefix(name, "darwin"))
		case strings.HasPrefix(name, "linux") && name != "oSyncBitLinux" && name != "cmsgAlignLinux":
			want = linuxVal(t, strings.TrimPrefix(name, "linux"))
		default:
			continue
		}
		n++
		if v != want {
			t.Errorf("%s = %#x, the header says %#x", name, v, want)
		}
	}
	if n < 80 {
		t.Errorf("only %d named constants checked: is the source scan broken?", n)
	}
}
