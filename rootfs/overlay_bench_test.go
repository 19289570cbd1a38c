package rootfs

import (
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Start cost and lookup cost of an overlay root with three lower layers
// against a plain root holding the same merged tree. Nothing is copied or
// walked at New: its cost must not depend on the layers' size.
func BenchmarkOverlay(b *testing.B) {
	const lib = "/usr/lib/aarch64-linux-gnu/libc.so.6"
	plain := func(b *testing.B) *ovEnv {
		return newOvFS(b, MetadataHost, tree{"usr/lib/aarch64-linux-gnu/libc.so.6": "x", "lib": "->usr/lib", "etc/a": "a"})
	}
	layered := func(b *testing.B) *ovEnv {
		env := newOvFS(b, MetadataHost, nil,
			tree{"etc/a": "a"},
			tree{"usr/lib/aarch64-linux-gnu/libc.so.6": "x"},
			tree{"lib": "->usr/lib", "usr/lib/other": "o", "usr/lib/aarch64-linux-gnu/.wh.gone": ""})
		env.opts.Lowers = env.lowers
		return env
	}
	for _, c := range []struct {
		name string
		mk   func(*testing.B) *ovEnv
	}{{"plain", plain}, {"lowers3", layered}} {
		b.Run("New+Open/"+c.name, func(b *testing.B) {
			env := c.mk(b)
			for b.Loop() {
				fs, err := New(env.upper, env.opts)
				if err != nil {
					b.Fatal(err)
				}
				f, e := fs.Open(nil, lib, abi.O_RDONLY, 0)
				if e != 0 {
					b.Fatal(e)
				}
				f.Close()
				fs.Close()
			}
		})
		b.Run("Open/"+c.name, func(b *testing.B) {
			fs := c.mk(b).fs
			for b.Loop() {
				f, e := fs.Open(nil, lib, abi.O_RDONLY, 0)
				if e != 0 {
					b.Fatal(e)
				}
				f.Close()
			}
		})
		b.Run("StatViaLink/"+c.name, func(b *testing.B) {
			fs := c.mk(b).fs
			for b.Loop() {
				if _, e := fs.Stat(nil, "/lib/aarch64-linux-gnu/libc.so.6"); e != 0 {
					b.Fatal(e)
				}
			}
		})
	}
}
