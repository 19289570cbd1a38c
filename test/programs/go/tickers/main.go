// Command tickers exercises the Go runtime's timers beyond go/timers:
// Timer.Reset and Stop, AfterFunc, Ticker.Reset, hundreds of concurrent
// timers, context deadlines, and time.Since across sleeps. Only facts
// that hold on any schedule are printed (a timer never fires early, a
// stopped timer never fires, ...), not durations.
package main

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"
)

func main() {
	runtime.GOMAXPROCS(4)

	// Stop before expiry: the timer never fires.
	t := time.NewTimer(50 * time.Millisecond)
	fmt.Println("stopped before firing:", t.Stop())
	select {
	case <-t.C:
		fmt.Println("stopped timer fired")
	case <-time.After(80 * time.Millisecond):
		fmt.Println("stopped timer stayed quiet")
	}

	// Reset to a later time: fires no earlier than the new deadline.
	start := time.Now()
	t = time.NewTimer(5 * time.Millisecond)
	t.Reset(30 * time.Millisecond)
	<-t.C
	fmt.Println("reset timer fired after its new deadline:", time.Since(start) >= 30*time.Millisecond)

	// AfterFunc runs its function on its own goroutine.
	var mu sync.Mutex
	var fired []int
	var wg sync.WaitGroup
	for i := 1; i <= 5; i++ {
		wg.Add(1)
		d := time.Duration(i) * 3 * time.Millisecond
		begin := time.Now()
		time.AfterFunc(d, func() {
			defer wg.Done()
			mu.Lock()
			if time.Since(begin) >= d {
				fired = append(fired, i)
			}
			mu.Unlock()
		})
	}
	cancelled := time.AfterFunc(time.Hour, func() { fmt.Println("cancelled AfterFunc ran") })
	fmt.Println("AfterFunc stopped:", cancelled.Stop())
	wg.Wait()
	sort.Ints(fired)
	fmt.Println("AfterFunc fired on time:", fired)

	// Ticker.Reset changes the period; ticks keep coming.
	tk := time.NewTicker(time.Hour)
	tk.Reset(2 * time.Millisecond)
	ticks := 0
	for range tk.C {
		ticks++
		if ticks == 10 {
			break
		}
	}
	tk.Stop()
	fmt.Println("ticks after Reset:", ticks)

	// 500 timers at once, from 500 goroutines.
	var late sync.WaitGroup
	early := make(chan int, 500)
	for i := 0; i < 500; i++ {
		late.Add(1)
		go func(i int) {
			defer late.Done()
			d := time.Duration(i%25) * time.Millisecond
			s := time.Now()
			<-time.After(d)
			if time.Since(s) < d {
				early <- i
			}
		}(i)
	}
	late.Wait()
	close(early)
	n := 0
	for range early {
		n++
	}
	fmt.Println("500 timers, fired early:", n)

	// A context deadline and a cancel.
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Millisecond)
	defer cancel()
	<-ctx.Done()
	fmt.Println("context:", ctx.Err())
	ctx2, cancel2 := context.WithCancel(context.Background())
	go func() { time.Sleep(5 * time.Millisecond); cancel2() }()
	<-ctx2.Done()
	fmt.Println("context:", ctx2.Err())

	// Sleeps add up, on the monotonic clock.
	s := time.Now()
	for i := 0; i < 10; i++ {
		time.Sleep(2 * time.Millisecond)
	}
	fmt.Println("ten 2ms sleeps took at least 20ms:", time.Since(s) >= 20*time.Millisecond)
}
