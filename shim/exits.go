package shim

import (
	"sync"
	"time"

	runc "github.com/containerd/go-runc"

	"github.com/carrick-go/carrick/runtime"
)

// exit is the end of one host process, with its status as containerd
// reports it (the code, or 128+signal).
type exit struct {
	pid    int
	status int
	at     time.Time
}

// exitQueue carries exits from their sources to the service, in order. It
// is unbounded so that a source never waits on the service: the service
// may itself be waiting on a runtime command whose exit the same source
// must deliver.
type exitQueue struct {
	mu    sync.Mutex
	items []exit
	ready chan struct{}
}

func newExitQueue() *exitQueue { return &exitQueue{ready: make(chan struct{}, 1)} }

func (q *exitQueue) push(e exit) {
	q.mu.Lock()
	q.items = append(q.items, e)
	q.mu.Unlock()
	select {
	case q.ready <- struct{}{}:
	default:
	}
}

// run hands every exit to handle, one at a time, forever.
func (q *exitQueue) run(handle func(exit)) {
	for range q.ready {
		for {
			q.mu.Lock()
			if len(q.items) == 0 {
				q.mu.Unlock()
				break
			}
			e := q.items[0]
			q.items = q.items[1:]
			q.mu.Unlock()
			handle(e)
		}
	}
}

// exitSource learns how container processes end.
type exitSource interface {
	// monitor runs the runtime's commands; nil means go-runc's own.
	monitor() runc.ProcessMonitor
	// watch is told of a container process (pid, of container id under
	// the runtime root) once its pid is known.
	watch(pid int, root, id string)
}

// recordWatcher is the exit source where the shim cannot be a subreaper:
// it waits until the pid is gone (hostWaitGone: kqueue on macOS, a pidfd
// on Linux) and reads the exit record the process left. A process that
// left none was killed by SIGKILL, the one signal the runtime cannot
// catch to write it.
type recordWatcher struct{ q *exitQueue }

func (recordWatcher) monitor() runc.ProcessMonitor { return nil }

func (w recordWatcher) watch(pid int, root, id string) {
	go func() {
		hostWaitGone(pid)
		status, ok := runtime.ReadExit(root, id, pid)
		if !ok {
			status = 128 + 9
		}
		w.q.push(exit{pid: pid, status: status, at: time.Now()})
	}()
}
