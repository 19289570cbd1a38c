package sysemu

import (
	"os"
	"sync"
)

// FDTable is a process's file descriptor table. For now it holds the host
// files the guest was started with.
type FDTable struct {
	mu sync.Mutex
	// files maps guest fds to host files; guarded by mu.
	files map[int]*os.File
	// cloexec holds the guest fds with FD_CLOEXEC; guarded by mu.
	cloexec map[int]bool
}

func newFDTable(stdin, stdout, stderr *os.File) *FDTable {
	t := &FDTable{files: map[int]*os.File{}, cloexec: map[int]bool{}}
	for fd, f := range []*os.File{stdin, stdout, stderr} {
		if f != nil {
			t.files[fd] = f
		}
	}
	return t
}

// Get returns the host fd behind a guest fd.
func (t *FDTable) Get(fd int) (int, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.files[fd]
	if !ok {
		return -1, false
	}
	return int(f.Fd()), true
}

// Close removes fd. The host files given at start belong to the caller and
// are not closed.
func (t *FDTable) Close(fd int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	_, ok := t.files[fd]
	delete(t.files, fd)
	delete(t.cloexec, fd)
	return ok
}

// CloseOnExec reports and SetCloseOnExec sets fd's FD_CLOEXEC flag.
func (t *FDTable) CloseOnExec(fd int) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cloexec[fd]
}

// SetCloseOnExec sets or clears fd's FD_CLOEXEC flag.
func (t *FDTable) SetCloseOnExec(fd int, on bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if on {
		t.cloexec[fd] = true
	} else {
		delete(t.cloexec, fd)
	}
}
