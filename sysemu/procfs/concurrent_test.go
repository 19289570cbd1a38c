package procfs

import (
	"sync"
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// TestConcurrent reads every tree from many goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	pr := NewProc(System{}, &fakeTable{procs: []Process{commProc{testProc()}}})
	trees := []*tree{&pr.tree, &NewSys(System{}).tree, &NewDev(DevConfig{}).tree}
	paths := [][]string{
		{"/self/maps", "/self/status", "/4242/task/4243/stat", "/stat", "/meminfo", "/self/fdinfo/3", "/sys/kernel/random/uuid"},
		{"/devices/system/cpu/online", "/kernel/mm/transparent_hugepage/hpage_pmd_size"},
		{"/urandom", "/zero", "/null"},
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				for j, tr := range trees {
					for _, p := range paths[j] {
						if _, e := tr.Stat(p); e != 0 {
							t.Errorf("stat %s: %d", p, e)
						}
						tr.ReadDir("/")
						f, e := tr.Open(p, abi.O_RDONLY)
						if e != 0 {
							t.Errorf("open %s: %d", p, e)
							continue
						}
						f.ReadAt(make([]byte, 512), 0)
						f.Close()
					}
				}
				f, _ := pr.Open("/4242/comm", abi.O_WRONLY)
				f.WriteAt([]byte("x"), 0)
			}
		}()
	}
	wg.Wait()
}
