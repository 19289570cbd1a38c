package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/image"
)

// progress shows pulls and loads: a bar per blob redrawn in place on a
// terminal, otherwise one plain line when a blob starts and ends.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	order []string
	state map[string]*image.ProgressEvent
	drawn int // lines drawn last time (terminal)
}

func newProgress(f *os.File) *progress {
	_, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	return &progress{w: f, tty: err == nil, state: map[string]*image.ProgressEvent{}}
}

func (p *progress) Update(ev image.ProgressEvent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	id := ev.Digest.Encoded()
	if len(id) > 12 {
		id = id[:12]
	}
	if _, ok := p.state[id]; !ok {
		p.order = append(p.order, id)
	}
	e := ev
	p.state[id] = &e
	if !p.tty {
		switch {
		case ev.Done && ev.Err != nil:
			fmt.Fprintf(p.w, "%s: %s failed: %v\n", id, ev.Kind, ev.Err)
		case ev.Done && ev.Cached:
			fmt.Fprintf(p.w, "%s: %s already present\n", id, ev.Kind)
		case ev.Done:
			fmt.Fprintf(p.w, "%s: %s done (%s)\n", id, ev.Kind, humanSize(ev.Written))
		case ev.Started:
			fmt.Fprintf(p.w, "%s: %s pulling (%s)\n", id, ev.Kind, humanSize(ev.Size))
		}
		return
	}
	p.draw()
}

// draw redraws every blob's line (ANSI: up, clear line).
func (p *progress) draw() {
	var b strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", p.drawn)
	}
	for _, id := range p.order {
		ev := p.state[id]
		b.WriteString("\x1b[2K")
		switch {
		case ev.Done && ev.Err != nil:
			fmt.Fprintf(&b, "%s: failed: %v\n", id, ev.Err)
		case ev.Done && ev.Cached:
			fmt.Fprintf(&b, "%s: already present\n", id)
		case ev.Done:
			fmt.Fprintf(&b, "%s: done %s\n", id, humanSize(ev.Written))
		default:
			fmt.Fprintf(&b, "%s: %s %s\n", id, bar(ev.Written, ev.Size), sizeOf(ev.Written, ev.Size))
		}
	}
	p.drawn = len(p.order)
	io.WriteString(p.w, b.String())
}

func (p *progress) finish() {}

func bar(n, total int64) string {
	const width = 40
	if total <= 0 {
		return "[" + strings.Repeat(" ", width) + "]"
	}
	k := int(n * width / total)
	if k > width {
		k = width
	}
	head := ""
	if k < width {
		head = ">"
		return "[" + strings.Repeat("=", k) + head + strings.Repeat(" ", width-k-1) + "]"
	}
	return "[" + strings.Repeat("=", width) + "]"
}

func sizeOf(n, total int64) string {
	if total < 0 {
		return humanSize(n)
	}
	return humanSize(n) + "/" + humanSize(total)
}
