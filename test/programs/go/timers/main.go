// Timers, sleeps, tickers and preemption: the Go runtime's netpoller
// (epoll_pwait on an eventfd) and its SIGURG-based preemption via tgkill.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

func main() {
	runtime.GOMAXPROCS(4)
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	fmt.Println("slept at least 20ms:", time.Since(start) >= 20*time.Millisecond)
	select {
	case <-time.After(10 * time.Millisecond):
		fmt.Println("timer fired")
	case <-make(chan int):
	}
	tk := time.NewTicker(5 * time.Millisecond)
	n := 0
	for range tk.C {
		n++
		if n == 5 {
			break
		}
	}
	tk.Stop()
	fmt.Println("ticks:", n)
	var wg sync.WaitGroup
	results := make([]int, 16)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			time.Sleep(time.Duration(i%4) * time.Millisecond)
			s := 0
			for j := 0; j < 200000; j++ { // long enough to be preempted
				s += j * i
			}
			results[i] = s
		}(i)
	}
	wg.Wait()
	fmt.Println("results:", results[3], results[15])
	ctx := make(chan struct{})
	go func() { time.Sleep(5 * time.Millisecond); close(ctx) }()
	select {
	case <-ctx:
		fmt.Println("closed before timeout")
	case <-time.After(5 * time.Second):
		fmt.Println("timeout")
	}
}
