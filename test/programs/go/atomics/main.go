// Command atomics is the Go concurrency proof: 4 goroutines (GOMAXPROCS=4,
// so on several OS threads) x 200000 increments of one shared counter with
// sync/atomic, then with a sync.Mutex, then with a CompareAndSwap loop.
// The exact totals are printed; any lost update changes them.
package main

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

const (
	workers = 4
	iters   = 200000
)

func run(f func(id int)) {
	var wg sync.WaitGroup
	var ready sync.WaitGroup
	start := make(chan struct{})
	for w := 0; w < workers; w++ {
		wg.Add(1)
		ready.Add(1)
		go func(id int) {
			defer wg.Done()
			ready.Done()
			<-start
			f(id)
		}(w)
	}
	ready.Wait()
	close(start)
	wg.Wait()
}

func main() {
	runtime.GOMAXPROCS(4)
	ok := true
	check := func(name string, got, want int64) {
		status := "OK"
		if got != want {
			status = "LOST UPDATES"
			ok = false
		}
		fmt.Printf("%s: %d (expected %d) %s\n", name, got, want, status)
	}

	var a int64
	run(func(int) {
		for i := 0; i < iters; i++ {
			atomic.AddInt64(&a, 1)
		}
	})
	check("atomic.AddInt64", a, workers*iters)

	var ai atomic.Int32
	var au atomic.Uint64
	run(func(id int) {
		for i := 0; i < iters; i++ {
			ai.Add(1)
			au.Add(uint64(id + 1))
		}
	})
	check("atomic.Int32", int64(ai.Load()), workers*iters)
	check("atomic.Uint64", int64(au.Load()), iters*(1+2+3+4))

	var mu sync.Mutex
	var m int64
	run(func(int) {
		for i := 0; i < iters; i++ {
			mu.Lock()
			m++
			mu.Unlock()
		}
	})
	check("sync.Mutex", m, workers*iters)

	var c int64
	run(func(int) {
		for i := 0; i < iters/4; i++ {
			for {
				old := atomic.LoadInt64(&c)
				if atomic.CompareAndSwapInt64(&c, old, old+1) {
					break
				}
			}
		}
	})
	check("CompareAndSwap loop", c, workers*iters/4)

	var rw sync.RWMutex
	var shared int64
	var reads atomic.Int64
	run(func(id int) {
		for i := 0; i < iters/8; i++ {
			if id%2 == 0 {
				rw.Lock()
				shared++
				rw.Unlock()
			} else {
				rw.RLock()
				_ = shared
				rw.RUnlock()
				reads.Add(1)
			}
		}
	})
	check("RWMutex writes", shared, 2*iters/8)
	check("RWMutex reads", reads.Load(), 2*iters/8)

	var sw atomic.Int64
	var swaps atomic.Int64
	run(func(id int) {
		for i := 0; i < iters/8; i++ {
			if sw.Swap(int64(id)) != int64(id) {
				swaps.Add(1)
			}
		}
	})
	fmt.Printf("Swap: final value in range: %v\n", sw.Load() >= 0 && sw.Load() < workers)
	if !ok {
		os.Exit(1)
	}
}
