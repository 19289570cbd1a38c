package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/carrick-go/carrick/sysemu"
)

// ExecCommand is the hidden subcommand that carries an exec'd process:
// `PROGRAM internal-exec STATEDIR PROCESS.json` (RunExec).
const ExecCommand = "internal-exec"

// shared are the directories a container's processes share: its pid
// namespace, /dev/shm and the process registry.
type shared struct {
	PidNS, Shm, Registry string
}

func newShared() (*shared, error) {
	shm, err := os.MkdirTemp("", "carrick-shm-")
	if err != nil {
		return nil, err
	}
	os.Chmod(shm, 0o777|os.ModeSticky)
	reg, err := sysemu.CreateRegistry()
	if err != nil {
		os.RemoveAll(shm)
		return nil, err
	}
	return &shared{Shm: shm, Registry: reg.Path()}, nil
}

func (s *shared) remove() {
	sysemu.RemoveShm(s.Shm)
	os.RemoveAll(s.Registry)
}

func (s *shared) save(dir string) error {
	data, _ := json.Marshal(s)
	return writeAtomic(filepath.Join(dir, "shared.json"), data)
}

func loadShared(dir string) (*shared, error) {
	data, err := os.ReadFile(filepath.Join(dir, "shared.json"))
	if err != nil {
		return nil, err
	}
	var s shared
	return &s, json.Unmarshal(data, &s)
}

func writeAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// ExecOpts are exec's options.
type ExecOpts struct {
	Process               *specs.Process
	PidFile               string
	Detach                bool
	ConsoleSocket         string
	PreserveFDs           int
	Log, LogFormat        string
	Stdin, Stdout, Stderr *os.File
}

// Exec starts another process in a created or running container: it
// joins the container's file view, pid namespace (with the next pid),
// /dev/shm and process tree. The returned command is the exec'd process,
// for a caller that waits (not detached).
func (r Root) Exec(id string, o ExecOpts) (*exec.Cmd, error) {
	rec, err := r.load(id)
	if err != nil {
		return nil, err
	}
	if st := r.status(rec); st == StatusStopped {
		return nil, errors.New("cannot exec in a stopped container")
	}
	if o.Process == nil || len(o.Process.Args) == 0 {
		return nil, errors.New("exec: args must not be empty")
	}
	if o.Process.Cwd == "" {
		o.Process.Cwd = "/"
	}
	b, err := LoadBundle(rec.Bundle)
	if err != nil {
		return nil, err
	}
	spec := *b.Spec
	spec.Process = o.Process
	con, err := newConsole(&spec, CreateOpts{ConsoleSocket: o.ConsoleSocket, Detached: o.Detach})
	if err != nil {
		return nil, err
	}
	defer con.close()
	pf, err := os.CreateTemp(r.dir(id), "exec-*.json")
	if err != nil {
		return nil, err
	}
	json.NewEncoder(pf).Encode(o.Process)
	pf.Close()
	cmd, err := startCarrier([]string{ExecCommand, r.dir(id), pf.Name()}, o.PreserveFDs, o.Stdin, o.Stdout, o.Stderr, con)
	os.Remove(pf.Name())
	if err != nil {
		return nil, err
	}
	if con != nil {
		if err := con.send(o.ConsoleSocket); err != nil {
			cmd.Process.Kill()
			return nil, err
		}
	}
	if o.PidFile != "" {
		if err := writePidFile(o.PidFile, cmd.Process.Pid); err != nil {
			cmd.Process.Kill()
			return nil, err
		}
	}
	return cmd, nil
}

// RunExec is an exec'd process (`internal-exec STATEDIR PROCESS.json`):
// it joins the container and runs the program at once. It never returns.
func RunExec(dir, processFile string) {
	console := os.Getenv(ConsoleVar)
	preserved, ready, fail := carrierReady()
	rec, b, err := loadContainer(dir)
	if err != nil {
		fail(err)
	}
	data, err := os.ReadFile(processFile)
	if err != nil {
		fail(err)
	}
	var proc specs.Process
	if err := json.Unmarshal(data, &proc); err != nil {
		fail(fmt.Errorf("exec: process: %w", err))
	}
	b.Spec.Process = &proc
	if adj := proc.OOMScoreAdj; adj != nil {
		if err := setOOMScoreAdj(*adj); err != nil {
			fail(fmt.Errorf("process.oomScoreAdj: %w", err))
		}
	}
	sh, err := loadShared(dir)
	if err != nil {
		fail(fmt.Errorf("exec: the container's init has not published its namespace: %w", err))
	}
	cfg, err := guestConfig(b, dir)
	if err != nil {
		fail(err)
	}
	cfg.PidPrivate = false
	cfg.PidNS, cfg.Shm, cfg.Registry = sh.PidNS, sh.Shm, sh.Registry
	if cfg.Pid, err = sysemu.AllocPid(sh.PidNS); err != nil {
		fail(err)
	}
	cfg.Stdin, cfg.Stdout, cfg.Stderr, cfg.Log = os.Stdin, os.Stdout, os.Stderr, diagnostics(rec.Log, rec.LogFormat)
	cfg.Mounts = append(cfg.Mounts, consoleMounts(console, false)...)
	cfg.Files = preservedFiles(preserved)
	newMachine, err := ChildBackend()
	if err != nil {
		fail(err)
	}
	p, err := sysemu.Start(cfg, newMachine)
	if err != nil {
		fail(fmt.Errorf("exec: %w", err))
	}
	fmt.Fprint(ready, initReady)
	ready.Close()
	exitRecording(dir, p)
}

// Process is the container's own process from its bundle (exec's base).
func (r Root) Process(id string) (*specs.Process, error) {
	rec, err := r.load(id)
	if err != nil {
		return nil, err
	}
	b, err := LoadBundle(rec.Bundle)
	if err != nil {
		return nil, err
	}
	return b.Spec.Process, nil
}
