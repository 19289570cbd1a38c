package rootfs

import (
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Host cost of common lookups (compare with a native stat: ~0.3-1 µs).
func benchFS(b *testing.B, mode MetadataMode) *FS {
	fs, _, _ := newTestFS(b, tree{"usr/lib/aarch64-linux-gnu/libc.so.6": "x", "lib": "->usr/lib"}, Options{Metadata: mode})
	return fs
}

func BenchmarkStat(b *testing.B) {
	for _, mode := range []MetadataMode{MetadataHost, MetadataXattr} {
		b.Run(mode.String(), func(b *testing.B) {
			fs := benchFS(b, mode)
			for b.Loop() {
				if _, e := fs.Stat(nil, "/lib/aarch64-linux-gnu/libc.so.6"); e != 0 {
					b.Fatal(e)
				}
			}
		})
	}
}

func BenchmarkOpenClose(b *testing.B) {
	fs := benchFS(b, MetadataHost)
	for b.Loop() {
		f, e := fs.Open(nil, "/usr/lib/aarch64-linux-gnu/libc.so.6", abi.O_RDONLY, 0)
		if e != 0 {
			b.Fatal(e)
		}
		f.Close()
	}
}
