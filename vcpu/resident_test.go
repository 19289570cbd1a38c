package vcpu

import (
	"os"
	"testing"
)

// Resident reports the pages written, in runs, and nothing for pages only
// reserved: what fork copies.
func TestResidentRuns(t *testing.T) {
	m, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	ps := uint64(os.Getpagesize())
	base := uint64(1 << 30)
	if err := m.Map(base, 16*ps, ProtRead|ProtWrite); err != nil {
		t.Fatal(err)
	}
	for _, pg := range []uint64{2, 3, 7, 15} {
		if err := m.Write(base+pg*ps+5, []byte{1}); err != nil {
			t.Fatal(err)
		}
	}
	type run struct{ lo, hi uint64 }
	var got []run
	if err := m.Resident(base, 16*ps, func(lo, hi uint64) { got = append(got, run{(lo - base) / ps, (hi - base) / ps}) }); err != nil {
		t.Fatal(err)
	}
	want := []run{{2, 4}, {7, 8}, {15, 16}}
	if len(got) != len(want) {
		t.Fatalf("runs %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("runs %v, want %v", got, want)
		}
	}
}
