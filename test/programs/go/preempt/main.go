// Command preempt needs the Go runtime's asynchronous preemption (SIGURG
// sent with tgkill, the handler rewriting the interrupted PC): goroutines
// spin in loops without function calls, so they reach no cooperative
// preemption point, and the program ends only if the runtime can still
// stop them — to let another goroutine run on a single P, to stop the world
// for a garbage collection, and to run a timer.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// spin loops without calls until stop is set; the loop body has no
// preemption point of its own.
//
//go:noinline
func spin(stop *atomic.Bool, n *uint64) {
	x := uint64(1)
	for !stop.Load() {
		x = x*6364136223846793005 + 1442695040888963407
		*n++
	}
	_ = x
}

func main() {
	// One P: the spinner holds it until it is preempted, so the main
	// goroutine's sleep returns only through asynchronous preemption.
	runtime.GOMAXPROCS(1)
	var stop atomic.Bool
	var n uint64
	done := make(chan struct{})
	go func() { spin(&stop, &n); close(done) }()
	runtime.Gosched() // let the spinner take the P
	time.Sleep(20 * time.Millisecond)
	stop.Store(true)
	<-done
	fmt.Println("one P: main ran while a goroutine spun; spun:", n > 0)

	// A spinner on each of two Ps (the host has two cores or more);
	// runtime.GC must stop the world, which needs every spinner preempted.
	runtime.GOMAXPROCS(2)
	stop.Store(false)
	var wg sync.WaitGroup
	counts := make([]uint64, 2)
	for i := range counts {
		wg.Add(1)
		go func(i int) { defer wg.Done(); spin(&stop, &counts[i]) }(i)
	}
	time.Sleep(5 * time.Millisecond)
	var before runtime.MemStats
	runtime.ReadMemStats(&before) // stops the world too
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	fmt.Println("GC with 2 spinners: cycles", after.NumGC-before.NumGC >= 3)

	// A timer fires while every P is busy spinning.
	fired := make(chan struct{})
	time.AfterFunc(10*time.Millisecond, func() { close(fired) })
	<-fired
	stop.Store(true)
	wg.Wait()
	all := true
	for _, c := range counts {
		all = all && c > 0
	}
	fmt.Println("timer fired during spinning; every spinner ran:", all)

	// More spinners than Ps, each until it has seen all the others make
	// progress: they must be time-sliced.
	const g = 6
	var progress [g]atomic.Uint64
	var wg2 sync.WaitGroup
	for i := 0; i < g; i++ {
		wg2.Add(1)
		go func(i int) {
			defer wg2.Done()
			for {
				progress[i].Add(1)
				others := 0
				for j := range progress {
					if progress[j].Load() > 0 {
						others++
					}
				}
				if others == g {
					return
				}
			}
		}(i)
	}
	wg2.Wait()
	fmt.Println("6 spinners on 2 Ps all progressed")
}
