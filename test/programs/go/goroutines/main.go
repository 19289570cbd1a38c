// Command goroutines exercises the scheduler with GOMAXPROCS=4: a channel
// pipeline, a worker pool with a WaitGroup, a Mutex-protected map, select
// with several ready channels, sync.Once, sync.Cond and a ping-pong
// between two goroutines. Every printed value is independent of the
// interleaving.
package main

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
)

func pipeline(n int) (int, uint64) {
	src := make(chan int)
	sq := make(chan int, 16)
	out := make(chan uint64, 4)
	go func() {
		for i := 1; i <= n; i++ {
			src <- i
		}
		close(src)
	}()
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range src {
				sq <- v * v
			}
		}()
	}
	go func() { wg.Wait(); close(sq) }()
	go func() {
		var s uint64
		for v := range sq {
			s += uint64(v) % 1000003
		}
		out <- s
	}()
	s := <-out
	return n, s
}

func pool() []string {
	type job struct{ id, n int }
	jobs := make(chan job)
	var mu sync.Mutex
	results := map[int]int{}
	var wg sync.WaitGroup
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				// collatz steps
				steps, x := 0, j.n
				for x != 1 {
					if x%2 == 0 {
						x /= 2
					} else {
						x = 3*x + 1
					}
					steps++
				}
				mu.Lock()
				results[j.id] = steps
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < 3000; i++ {
		jobs <- job{i, i + 1}
	}
	close(jobs)
	wg.Wait()
	best, bestID, total := 0, 0, 0
	for id, s := range results {
		total += s
		if s > best || (s == best && id < bestID) {
			best, bestID = s, id
		}
	}
	keys := make([]int, 0, len(results))
	for k := range results {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	var lines []string
	lines = append(lines, fmt.Sprintf("pool: %d results, total steps %d, longest n=%d (%d steps)", len(results), total, bestID+1, best))
	for _, k := range keys[:5] {
		lines = append(lines, fmt.Sprintf("  n=%d steps=%d", k+1, results[k]))
	}
	return lines
}

func selects() (int, int) {
	a := make(chan int, 100)
	b := make(chan int, 100)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for i := 0; i < 5000; i++ {
			a <- i
		}
	}()
	go func() {
		defer wg.Done()
		for i := 0; i < 5000; i++ {
			b <- 2 * i
		}
	}()
	go func() { wg.Wait(); close(done) }()
	sa, sb, got := 0, 0, 0
	for got < 10000 {
		select {
		case v := <-a:
			sa += v
			got++
		case v := <-b:
			sb += v
			got++
		case <-done:
			// drain what is left
			for got < 10000 {
				select {
				case v := <-a:
					sa += v
				case v := <-b:
					sb += v
				}
				got++
			}
		}
	}
	return sa, sb
}

func pingpong(rounds int) int {
	ping, pong := make(chan int), make(chan int)
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	v := 0
	for i := 0; i < rounds; i++ {
		ping <- v
		v = <-pong
	}
	close(ping)
	<-pong
	return v
}

func condQueue() int {
	var mu sync.Mutex
	c := sync.NewCond(&mu)
	var q []int
	closed := false
	var wg sync.WaitGroup
	sums := make([]int, 3)
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				mu.Lock()
				for len(q) == 0 && !closed {
					c.Wait()
				}
				if len(q) == 0 && closed {
					mu.Unlock()
					return
				}
				v := q[0]
				q = q[1:]
				mu.Unlock()
				sums[w] += v
			}
		}(w)
	}
	for i := 1; i <= 2000; i++ {
		mu.Lock()
		q = append(q, i)
		mu.Unlock()
		c.Signal()
	}
	mu.Lock()
	closed = true
	mu.Unlock()
	c.Broadcast()
	wg.Wait()
	return sums[0] + sums[1] + sums[2]
}

func main() {
	prev := runtime.GOMAXPROCS(4)
	_ = prev
	fmt.Println("GOMAXPROCS", runtime.GOMAXPROCS(0))
	n, s := pipeline(20000)
	fmt.Printf("pipeline: %d values, sum of squares mod p = %d\n", n, s)
	for _, l := range pool() {
		fmt.Println(l)
	}
	sa, sb := selects()
	fmt.Printf("select: a=%d b=%d\n", sa, sb)
	fmt.Printf("pingpong: %d\n", pingpong(10000))
	var once sync.Once
	var onceCount int
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() { defer wg.Done(); once.Do(func() { onceCount++ }) }()
	}
	wg.Wait()
	fmt.Printf("once: %d\n", onceCount)
	fmt.Printf("cond queue: %d\n", condQueue())
	// many short-lived goroutines
	res := make(chan int, 1000)
	for i := 0; i < 1000; i++ {
		go func(i int) { res <- i * 3 }(i)
	}
	t := 0
	for i := 0; i < 1000; i++ {
		t += <-res
	}
	fmt.Printf("1000 goroutines: %d\n", t)
}
