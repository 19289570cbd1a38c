// Command goroutines1k runs 1000 goroutines over GOMAXPROCS=4: a fan-out
// and fan-in through channels, a shared counter under a mutex and one of
// atomics, a chain of 1000 goroutines passing a token, and goroutines
// parked on one sync.Cond, all woken by Broadcast. Every figure printed is
// fixed by the program, not by the schedule.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
)

const n = 1000

// fanOut sends 0..n-1 to n workers and sums what they send back.
func fanOut() (count int, sum uint64) {
	in := make(chan int)
	out := make(chan uint64, 64)
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for x := range in {
				v := uint64(x)
				out <- v*v*v + 7
			}
		}()
	}
	go func() {
		for i := 0; i < 20*n; i++ {
			in <- i
		}
		close(in)
	}()
	go func() { wg.Wait(); close(out) }()
	for v := range out {
		count++
		sum += v
	}
	return count, sum
}

// counters has n goroutines each add to a mutex-guarded and an atomic
// counter, yielding in between so that they interleave.
func counters() (int, int64) {
	var mu sync.Mutex
	locked := 0
	var atomicSum atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < n; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				mu.Lock()
				locked += g
				mu.Unlock()
				atomicSum.Add(int64(i))
				if i%10 == 0 {
					runtime.Gosched()
				}
			}
		}(g)
	}
	wg.Wait()
	return locked, atomicSum.Load()
}

// chain passes a token through n goroutines linked by unbuffered channels,
// each adding its index, k times around.
func chain(k int) int {
	first := make(chan int)
	in := first
	for i := 0; i < n; i++ {
		out := make(chan int)
		go func(i int, in <-chan int, out chan<- int) {
			for v := range in {
				out <- v + i
			}
			close(out)
		}(i, in, out)
		in = out
	}
	total := 0
	go func() {
		for r := 0; r < k; r++ {
			first <- r
		}
		close(first)
	}()
	for v := range in {
		total += v
	}
	return total
}

// broadcast parks n goroutines on one condition variable and wakes them
// all with a single Broadcast.
func broadcast() int {
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	ready, woken, open := 0, 0, false
	var wg sync.WaitGroup
	for g := 0; g < n; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			ready++
			cond.Broadcast() // the main goroutine waits for all to be ready
			for !open {
				cond.Wait()
			}
			woken++
			mu.Unlock()
		}()
	}
	mu.Lock()
	for ready < n {
		cond.Wait()
	}
	open = true
	cond.Broadcast()
	mu.Unlock()
	wg.Wait()
	return woken
}

func main() {
	runtime.GOMAXPROCS(4)
	fmt.Println("GOMAXPROCS", runtime.GOMAXPROCS(0))
	c, s := fanOut()
	fmt.Println("fan-out:", c, s)
	l, a := counters()
	fmt.Println("counters:", l, a)
	fmt.Println("chain:", chain(20))
	fmt.Println("broadcast woke:", broadcast())
	var wg sync.WaitGroup
	results := make([]int, n)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			s := 0
			for j := 0; j <= i; j++ {
				s += j
			}
			results[i] = s
		}(i)
	}
	wg.Wait()
	ok := true
	for i, r := range results {
		ok = ok && r == i*(i+1)/2
	}
	fmt.Println("1000 results right:", ok, results[n-1])
}
