package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/carrick-go/carrick/sysemu"
)

// RunChild is carrick's internal child mode: a guest process started by a
// guest's vfork + execve or fork in another carrick process. The spec arrives as
// JSON on fd 3, the guest's fds as fds 4 and up. The exit status is the
// guest's; a guest killed by a signal kills this process with that signal,
// so the guest parent's wait4 sees WIFSIGNALED.
func RunChild() {
	var spec sysemu.ChildSpec
	if err := json.NewDecoder(os.NewFile(3, "spec")).Decode(&spec); err != nil {
		fmt.Fprintln(os.Stderr, "carrick: child: bad spec:", err)
		os.Exit(127)
	}
	if spec.Fork != nil {
		newMachine, err := ChildBackend()
		if err != nil {
			fmt.Fprintln(os.Stderr, "carrick:", err)
			os.Exit(127)
		}
		p, err := sysemu.StartForked(&spec, newMachine)
		if err != nil {
			fmt.Fprintln(os.Stderr, "carrick:", err)
			os.Exit(127)
		}
		ExitLike(p)
	}
	files := map[int]*os.File{}
	for guest, host := range spec.FDs {
		files[guest] = os.NewFile(uintptr(host), fmt.Sprintf("fd%d", guest))
	}
	views := map[int]sysemu.InheritedView{}
	for guest, v := range spec.Views {
		iv := sysemu.InheritedView{Path: v.Path, Flags: v.Flags}
		if v.Host >= 0 {
			iv.File = os.NewFile(uintptr(v.Host), fmt.Sprintf("fd%d", guest))
		}
		views[guest] = iv
	}
	newMachine, err := ChildBackend()
	if err != nil {
		fmt.Fprintln(os.Stderr, "carrick:", err)
		os.Exit(127)
	}
	umask := spec.Umask
	p, err := sysemu.Start(sysemu.Config{
		Root: spec.Root, Mounts: spec.Mounts, Metadata: spec.Metadata, ReadOnlyRoot: spec.ReadOnlyRoot, Lowers: spec.Lowers, Dir: spec.Dir,
		Path: spec.Path, Argv: spec.Argv, Env: spec.Env,
		Files: files, Views: views, Umask: &umask, Ignored: spec.Ignored, Mask: spec.Mask,
		Shm: spec.Shm, Registry: spec.Registry, PidNS: spec.PidNS, Pid: spec.Pid,
		Hostname: spec.Hostname, Rlimits: spec.Rlimits, NoNewPrivs: spec.NoNewPrivs, Creds: spec.Creds,
	}, newMachine)
	if err != nil {
		// The vfork parent already saw execve succeed; like a failed exec
		// after the point of no return, the child dies (shells report 127).
		fmt.Fprintln(os.Stderr, "carrick:", err)
		if errors.Is(err, fs.ErrNotExist) {
			os.Exit(127)
		}
		os.Exit(126)
	}
	ExitLike(p)
}

// ExitLike runs the guest and ends this process the way the guest ended.
func ExitLike(p *sysemu.Process) { exitLike(p, nil) }

func exitLike(p *sysemu.Process, record func(sysemu.ExitStatus)) {
	p.ForwardHostSignals()
	st := p.Run()
	if record != nil {
		record(st)
	}
	if st.Signal != 0 {
		// The guest parent's wait must see death by this very signal.
		sysemu.DieBySignal(st.Signal)
		time.Sleep(100 * time.Millisecond)
		os.Exit(128 + st.Signal)
	}
	os.Exit(st.Code)
}

// RunHiddenMode runs the hidden mode args name, if any, and then never
// returns: a guest's child (internal-child), a container's init
// (internal-init) or an exec'd process (internal-exec). Every carrick
// program calls it first, so any of them can carry a guest.
func RunHiddenMode(args []string) {
	switch {
	case len(args) == 2 && args[1] == sysemu.ChildCommand:
		RunChild()
	case len(args) == 3 && args[1] == InitCommand:
		RunInit(args[2])
	case len(args) == 4 && args[1] == ExecCommand:
		RunExec(args[2], args[3])
	}
}
