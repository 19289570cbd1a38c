package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"syscall"

	"github.com/carrick-go/carrick/sysemu"
)

// Pids lists the host pids of the container's processes: the members of
// its pid namespace, the init first.
func (r Root) Pids(id string) ([]int, error) {
	rec, err := r.load(id)
	if err != nil {
		return nil, err
	}
	if r.status(rec) == StatusStopped {
		return []int{}, nil
	}
	pids := []int{rec.Pid}
	if sh, err := loadShared(r.dir(id)); err == nil && sh.PidNS != "" {
		var more []int
		for _, h := range sysemu.NSMembers(sh.PidNS) {
			if h != rec.Pid {
				more = append(more, h)
			}
		}
		sort.Ints(more)
		pids = append(pids, more...)
	}
	return pids, nil
}

// signalAll sends sig to every process of the container.
func (r Root) signalAll(id string, sig syscall.Signal) error {
	pids, err := r.Pids(id)
	if err != nil {
		return err
	}
	for _, p := range pids {
		syscall.Kill(p, sig)
	}
	return nil
}

func (r Root) pausedFile(id string) string { return filepath.Join(r.dir(id), "paused") }

// Pause stops every process of a running container (SIGSTOP: carrick has
// no freezer); its status is then paused.
func (r Root) Pause(id string) error {
	rec, err := r.load(id)
	if err != nil {
		return err
	}
	if st := r.status(rec); st != StatusRunning {
		return fmt.Errorf("container not running: %s", st)
	}
	if err := os.WriteFile(r.pausedFile(id), nil, 0o600); err != nil {
		return err
	}
	return r.signalAll(id, syscall.SIGSTOP)
}

// Resume continues a paused container.
func (r Root) Resume(id string) error {
	rec, err := r.load(id)
	if err != nil {
		return err
	}
	if r.status(rec) != StatusPaused {
		return errors.New("container not paused")
	}
	if err := r.signalAll(id, syscall.SIGCONT); err != nil {
		return err
	}
	return os.Remove(r.pausedFile(id))
}
