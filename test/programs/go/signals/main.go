//go:build linux

// Command signals uses os/signal: Notify for several signals sent to the
// process itself with syscall.Kill, Ignore, Stop and Reset, a signal sent
// to one thread with tgkill, and signal.NotifyContext. Go's runtime
// installs a handler for every signal, so this goes through sigaction,
// rt_sigprocmask, the signal frame, rt_sigreturn and the runtime's
// forwarding to channels.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// recv waits for one signal (or reports a timeout).
func recv(c <-chan os.Signal) string {
	select {
	case s := <-c:
		return s.String()
	case <-time.After(20 * time.Second):
		return "timeout"
	}
}

func main() {
	pid := os.Getpid()
	c := make(chan os.Signal, 8)
	signal.Notify(c, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGHUP)
	for _, s := range []syscall.Signal{syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGHUP} {
		if err := syscall.Kill(pid, s); err != nil {
			fmt.Println("kill:", err)
		}
		fmt.Println("got", recv(c))
	}

	// Many signals in a row: a standard signal is not queued twice, but
	// the channel sees at least one and at most as many as were sent.
	for i := 0; i < 50; i++ {
		syscall.Kill(pid, syscall.SIGUSR1)
	}
	first := recv(c)
	extra := 0
	for drained := false; !drained; {
		select {
		case <-c:
			extra++
		case <-time.After(100 * time.Millisecond):
			drained = true
		}
	}
	fmt.Println("burst:", first, extra < 50)

	// Ignored: the signal is discarded.
	signal.Ignore(syscall.SIGUSR2)
	syscall.Kill(pid, syscall.SIGUSR2)
	fmt.Println("ignored SIGUSR2, Ignored:", signal.Ignored(syscall.SIGUSR2))
	signal.Notify(c, syscall.SIGUSR2) // caught again
	syscall.Kill(pid, syscall.SIGUSR2)
	fmt.Println("got again", recv(c))

	// A second channel for the same signal: both get it.
	c2 := make(chan os.Signal, 1)
	signal.Notify(c2, syscall.SIGUSR1)
	syscall.Kill(pid, syscall.SIGUSR1)
	fmt.Println("two channels:", recv(c), recv(c2))
	signal.Stop(c2)

	// A signal sent to this thread alone.
	tid := syscall.Gettid()
	if err := syscall.Tgkill(pid, tid, syscall.SIGHUP); err != nil {
		fmt.Println("tgkill:", err)
	}
	fmt.Println("tgkill:", recv(c))

	// NotifyContext: the context ends when the signal comes.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	syscall.Kill(pid, syscall.SIGTERM)
	select {
	case <-ctx.Done():
		fmt.Println("NotifyContext:", context.Cause(ctx) != nil)
	case <-time.After(20 * time.Second):
		fmt.Println("NotifyContext: timeout")
	}
	stop()

	// After Reset the default action applies again: SIGTERM kills the
	// process (exit status 128+15 for the suite).
	signal.Reset()
	fmt.Println("resetting SIGTERM and sending it")
	os.Stdout.Sync()
	syscall.Kill(pid, syscall.SIGTERM)
	time.Sleep(20 * time.Second)
	fmt.Println("still alive")
}
