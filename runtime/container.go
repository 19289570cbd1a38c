package runtime

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// InitCommand is the hidden subcommand a carrick program runs as a
// container's init: `PROGRAM internal-init STATEDIR` (RunInit).
const InitCommand = "internal-init"

// CreateOpts are create's options (runc's flags).
type CreateOpts struct {
	Bundle  string
	PidFile string
	// Log and LogFormat are the global --log/--log-format: the init writes
	// its diagnostics there, never to the container's stdio.
	Log, LogFormat string
	// Stdin, Stdout and Stderr become the container's (runc's detached
	// pass-through: the caller's own fds, untouched).
	Stdin, Stdout, Stderr *os.File
	// ConsoleSocket, for a process with terminal: true, is where the pty
	// master goes (runc's protocol, console.go); the container's stdio is
	// then the pty, never the caller's fds.
	ConsoleSocket string
	// Detached says the caller will not wait (create, run -d): a terminal
	// then needs a console socket, as runc requires.
	Detached bool
	// PreserveFDs passes the caller's fds 3 … 3+N-1 to the container as
	// the same numbers (--preserve-fds).
	PreserveFDs int
}

// PreservedVar tells an init how many fds it carries for the container
// (--preserve-fds); its ready pipe is the fd after them.
const PreservedVar = "CARRICK_PRESERVED_FDS"

// ConsoleVar names a carrier's console: the host path of the pty slave on
// its stdio, which the guest sees at /dev/console and /dev/pts/N as runc's
// containers do (so ttyname and `tty` work).
const ConsoleVar = "CARRICK_CONSOLE"

// Create makes the container: its state directory and its init process,
// which has loaded the program and waits for Start before running it.
// The returned command is the init (already started), for a caller that
// waits for it (run).
func (r Root) Create(id string, o CreateOpts) (*exec.Cmd, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	b, err := LoadBundle(o.Bundle)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(r.Dir, 0o711); err != nil {
		return nil, err
	}
	if err := os.Mkdir(r.dir(id), 0o711); errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("%w: %s", ErrExist, id)
	} else if err != nil {
		return nil, err
	}
	cmd, err := r.create(id, b, o)
	if err != nil {
		os.RemoveAll(r.dir(id))
		return nil, err
	}
	return cmd, nil
}

func (r Root) create(id string, b *Bundle, o CreateOpts) (*exec.Cmd, error) {
	if err := unix.Mkfifo(r.fifo(id), 0o600); err != nil {
		return nil, fmt.Errorf("exec fifo: %w", err)
	}
	rec := &record{State: State{OCIVersion: b.Spec.Version, ID: id, Status: StatusCreated,
		Bundle: b.Dir, Rootfs: b.Rootfs, Created: time.Now().UTC(), Annotations: b.Spec.Annotations},
		Log: o.Log, LogFormat: o.LogFormat}
	if err := r.save(rec); err != nil {
		return nil, err
	}
	con, err := newConsole(b.Spec, o)
	if err != nil {
		return nil, err
	}
	defer con.close()
	cmd, err := startCarrier([]string{InitCommand, r.dir(id)}, o.PreserveFDs, o.Stdin, o.Stdout, o.Stderr, con)
	if err != nil {
		return nil, err
	}
	if con != nil {
		// Before create returns: the caller accepts only after we exit.
		if err := con.send(o.ConsoleSocket); err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			return nil, err
		}
	}
	rec.Pid = cmd.Process.Pid
	rec.InitStart, _ = processStart(rec.Pid)
	if err := r.save(rec); err != nil {
		cmd.Process.Kill()
		return nil, err
	}
	creating := rec.State
	creating.Status = "creating"
	for _, point := range []string{hookCreateRuntime, hookCreateContainer} {
		if err := runHooks(b.Spec.Hooks, point, creating); err != nil {
			cmd.Process.Kill()
			cmd.Wait()
			return nil, err
		}
	}
	if o.PidFile != "" {
		if err := writePidFile(o.PidFile, rec.Pid); err != nil {
			cmd.Process.Kill()
			return nil, err
		}
	}
	return cmd, nil
}

// hooks reads the hooks of the container's bundle (nil if it is gone).
func hooksOf(rec *record) *specs.Hooks {
	if b, err := LoadBundle(rec.Bundle); err == nil {
		return b.Spec.Hooks
	}
	return nil
}

// initReady is what a carrier writes on its ready pipe once the program
// is loaded; anything else is the reason it failed.
const initReady = "ready"

// startCarrier starts this binary in a carrier mode (args: internal-init
// or internal-exec and theirs): a host process that will carry a guest
// of the container. It gets the caller's fds 3 … 3+preserve-1, stdio (or
// the console's pty as stdio and controlling terminal), a session of its
// own (the container's processes are one group that kill --all reaches,
// and the caller's terminal signals do not), and a ready pipe after the
// preserved fds. It returns once the carrier has loaded the program, or
// with the reason it could not.
func startCarrier(args []string, preserve int, stdin, stdout, stderr *os.File, con *console) (*exec.Cmd, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	ready, readyW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer ready.Close()
	cmd := exec.Command(self, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, stdout, stderr
	for i := 0; i < preserve; i++ {
		cmd.ExtraFiles = append(cmd.ExtraFiles, os.NewFile(uintptr(3+i), fmt.Sprintf("fd%d", 3+i)))
	}
	cmd.ExtraFiles = append(cmd.ExtraFiles, readyW)
	cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", PreservedVar, preserve))
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if con != nil {
		cmd.Stdin, cmd.Stdout, cmd.Stderr = con.tty, con.tty, con.tty
		cmd.SysProcAttr.Setctty, cmd.SysProcAttr.Ctty = true, 0
		cmd.Env = append(cmd.Env, ConsoleVar+"="+con.tty.Name())
	}
	err = cmd.Start()
	readyW.Close()
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", args[0], err)
	}
	msg, _ := io.ReadAll(ready)
	if !bytes.Equal(msg, []byte(initReady)) {
		cmd.Process.Kill()
		cmd.Wait()
		reason := strings.TrimSpace(string(msg))
		if reason == "" {
			reason = "the container's process exited before it was ready"
		}
		return nil, errors.New(reason)
	}
	return cmd, nil
}

// carrierReady is the carrier's side: its preserved fd count and its
// ready pipe, and fail, which reports a reason there and exits.
func carrierReady() (preserved int, ready *os.File, fail func(error)) {
	preserved, _ = strconv.Atoi(os.Getenv(PreservedVar))
	os.Unsetenv(PreservedVar)
	os.Unsetenv(ConsoleVar) // read by consoleMounts, not for the guest's children
	ready = os.NewFile(uintptr(3+preserved), "ready")
	return preserved, ready, func(err error) {
		fmt.Fprint(ready, err.Error())
		os.Exit(1)
	}
}

// loadContainer is a carrier's view of its container: the record and the
// bundle.
func loadContainer(dir string) (*record, *Bundle, error) {
	r := Root{Dir: filepath.Dir(dir)}
	rec, err := r.load(filepath.Base(dir))
	if err != nil {
		return nil, nil, err
	}
	b, err := LoadBundle(rec.Bundle)
	return rec, b, err
}

// writePidFile writes pid as decimal, no newline, atomically (runc's way:
// runtime-tools and containerd parse the whole file with Atoi).
func writePidFile(path string, pid int) error {
	path, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path))
	if err := os.WriteFile(tmp, []byte(strconv.Itoa(pid)), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Start lets a created container's init run the program.
func (r Root) Start(id string) error {
	rec, err := r.load(id)
	if err != nil {
		return err
	}
	switch r.status(rec) {
	case StatusStopped:
		return errors.New("cannot start a container that has stopped")
	case StatusRunning:
		return errors.New("cannot start an already running container")
	}
	hooks := hooksOf(rec)
	st := rec.State
	st.Status = StatusCreated
	if err := runHooks(hooks, hookStartContainer, st); err != nil {
		return err
	}
	// Non-blocking, so a dead init cannot hang us: wait for its byte.
	f, err := os.OpenFile(r.fifo(id), os.O_RDONLY|unix.O_NONBLOCK, 0)
	if err != nil {
		return fmt.Errorf("open exec fifo: %w", err)
	}
	defer f.Close()
	deadline := time.Now().Add(30 * time.Second)
	buf := make([]byte, 1)
	for {
		if n, _ := f.Read(buf); n == 1 {
			break
		}
		if r.status(rec) == StatusStopped {
			return errors.New("cannot start a container that has stopped")
		}
		if time.Now().After(deadline) {
			return errors.New("the container's init did not take the start")
		}
		time.Sleep(2 * time.Millisecond)
	}
	if err := os.Remove(r.fifo(id)); err != nil {
		return err
	}
	// A failed poststart hook fails the start and ends the container, as
	// runc does (runtime-spec 1.2 said to warn and go on; runc and 1.3
	// do not).
	st.Status = StatusRunning
	if err := runHooks(hooks, hookPoststart, st); err != nil {
		r.signalAll(id, syscall.SIGKILL)
		syscall.Kill(rec.Pid, syscall.SIGKILL)
		return err
	}
	return nil
}

// Kill signals the container's init, or with all every process of it.
func (r Root) Kill(id string, sig syscall.Signal, all bool) error {
	rec, err := r.load(id)
	if err != nil {
		return err
	}
	if r.status(rec) == StatusStopped {
		if all {
			return nil
		}
		return errors.New("container not running")
	}
	if all {
		// Every member of its pid namespace, and the init's group.
		r.signalAll(id, sig)
		syscall.Kill(-rec.Pid, sig)
	}
	if err := syscall.Kill(rec.Pid, sig); err != nil && !all {
		return fmt.Errorf("kill container %s: %w", id, err)
	}
	return nil
}

// Delete removes a stopped container; a created one is killed first; a
// running one only with force.
func (r Root) Delete(id string, force bool) error {
	rec, err := r.load(id)
	if errors.Is(err, ErrNotExist) && force {
		return nil
	}
	if err != nil {
		return err
	}
	switch st := r.status(rec); {
	case st == StatusRunning && !force:
		return fmt.Errorf("cannot delete container %s that is not stopped: %s", id, st)
	case st == StatusPaused && !force:
		return fmt.Errorf("cannot delete container %s that is not stopped: %s", id, st)
	case st != StatusStopped:
		r.signalAll(id, syscall.SIGKILL)
		syscall.Kill(-rec.Pid, syscall.SIGKILL)
		syscall.Kill(rec.Pid, syscall.SIGKILL)
		for i := 0; i < 500 && r.status(rec) != StatusStopped; i++ {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if err := os.RemoveAll(r.dir(id)); err != nil {
		return err
	}
	st := rec.State
	st.Status, st.Pid = StatusStopped, 0
	// The container is gone either way; a failed poststop hook is still
	// delete's error, as runc reports it.
	return runHooks(hooksOf(rec), hookPoststop, st)
}

// ParseSignal reads a signal as runc does: a number (Linux's, whatever
// the host), or a name with or without SIG, in any case. The result is the
// host's signal; carrick turns host signals into the guest's numbers when
// it delivers them.
func ParseSignal(s string) (syscall.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		// Numbers are Linux's (the callers' ABI); the host's may differ.
		sig, ok := hostSignal(n)
		if !ok {
			return 0, fmt.Errorf("invalid signal %q", s)
		}
		return sig, nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("unknown signal %q", s)
}
