package runtime

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/carrick-go/carrick/sysemu"
)

// A container's init and exec'd processes leave a record of how their
// guest ended in the container's state directory before they exit. A
// parent or subreaper learns it from wait4 anyway; the record is for a
// watcher that is neither (the shim on macOS, which has no subreapers,
// watches the pid with kqueue and reads the record).

// exitRecord is the file's content: the exit code, or the signal that
// killed the guest.
type exitRecord struct {
	Code   int `json:"code"`
	Signal int `json:"signal,omitempty"`
}

// ExitFile is where the process pid of container id under the runtime
// root records its exit.
func ExitFile(root, id string, pid int) string {
	return filepath.Join(root, id, "exit-"+strconv.Itoa(pid))
}

// ReadExit returns the exit status of pid as containerd reports it (the
// code, or 128+signal), if the process left a record.
func ReadExit(root, id string, pid int) (int, bool) {
	data, err := os.ReadFile(ExitFile(root, id, pid))
	if err != nil {
		return 0, false
	}
	var rec exitRecord
	if json.Unmarshal(data, &rec) != nil {
		return 0, false
	}
	if rec.Signal != 0 {
		return 128 + rec.Signal, true
	}
	return rec.Code, true
}

// exitRecording runs the guest like ExitLike, recording its end under the
// container's state directory dir first.
func exitRecording(dir string, p *sysemu.Process) {
	exitLike(p, func(st sysemu.ExitStatus) {
		data, _ := json.Marshal(exitRecord{Code: st.Code, Signal: st.Signal})
		path := ExitFile(filepath.Dir(dir), filepath.Base(dir), os.Getpid())
		if err := writeAtomic(path, data); err != nil {
			fmt.Fprintln(os.Stderr, "carrick-runtime: exit record:", err)
		}
	})
}
