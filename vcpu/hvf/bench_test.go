package hvf

import (
	"path/filepath"
	"testing"

	"github.com/carrick-go/carrick/sysemu"
	"github.com/carrick-go/carrick/vcpu/interp"
)

// BenchmarkEL1Model runs one program on the plain interpreter and through
// the hvf engine on the EL1 model (every access translated in software):
// the ratio is the model's cost, not a Mac's.
//
//	go test ./vcpu/hvf -run XXX -bench EL1Model -benchtime 3x
func BenchmarkEL1Model(b *testing.B) {
	t := &testing.T{}
	fx := filepath.Join("..", "..", "test", "fixtures", "out")
	for _, prog := range []run{
		{filepath.Join(fx, "c"), []string{"/sieve-O2"}},
		{filepath.Join(fx, "c"), []string{"/malloc-O2"}},
		{filepath.Join(fx, "go"), []string{"/goroutines"}},
	} {
		for _, be := range []struct {
			name string
			m    sysemu.NewMachine
		}{{"interp", interp.New}, {"hvf-on-model", newModel}} {
			b.Run(filepath.Base(prog.argv[0])+"/"+be.name, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if r := runWith(t, prog, be.m); r.status != (sysemu.ExitStatus{}) {
						b.Fatalf("exit %+v: %s", r.status, r.log)
					}
				}
			})
		}
	}
}
