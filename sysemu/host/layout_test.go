package host

import (
	"go/types"
	"reflect"
	"testing"
)

// field returns the arm64 offset and size of a field of an x/sys/unix
// struct.
func field(t *testing.T, st *types.Struct, name string) (off, size int64) {
	t.Helper()
	var fields []*types.Var
	for i := range st.NumFields() {
		fields = append(fields, st.Field(i))
	}
	offs := arm64Sizes.Offsetsof(fields)
	for i, f := range fields {
		if f.Name() == name {
			return offs[i], arm64Sizes.Sizeof(f.Type())
		}
	}
	t.Fatalf("no field %s", name)
	return 0, 0
}

// xstruct is x/sys/unix's struct name from src.
func xstruct(t *testing.T, src *srcPkg, name string) *types.Struct {
	t.Helper()
	sources(t)
	st, ok := src.structs[name]
	if !ok {
		t.Fatalf("x/sys/unix has no struct %s", name)
	}
	return st
}

// sameLayout checks that ours has every named field of theirs at the same
// offset with the same size, and the same total size.
func sameLayout(t *testing.T, ours any, theirs *types.Struct, what string) {
	t.Helper()
	rt := reflect.TypeOf(ours)
	if got, want := int64(rt.Size()), arm64Sizes.Sizeof(theirs); got != want {
		t.Errorf("%s: size %d, x/sys/unix's is %d", what, got, want)
	}
	for i := range theirs.NumFields() {
		name := theirs.Field(i).Name()
		if name == "_" {
			continue
		}
		off, size := field(t, theirs, name)
		f, ok := rt.FieldByName(name)
		if !ok {
			t.Errorf("%s: no field %s", what, name)
			continue
		}
		if int64(f.Offset) != off || int64(f.Type.Size()) != size {
			t.Errorf("%s.%s: offset %d size %d, x/sys/unix's %d and %d", what, name, f.Offset, f.Type.Size(), off, size)
		}
	}
}
