package runtime

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// RunInit is a container's init (`internal-init STATEDIR`, started by
// Create): it loads the program, tells create it is ready on fd 3, waits
// until Start opens the exec fifo, then runs the guest and exits as it
// did. It never returns.
func RunInit(dir string) {
	console := os.Getenv(ConsoleVar)
	preserved, ready, fail := carrierReady()
	r := Root{Dir: filepath.Dir(dir)}
	rec, b, err := loadContainer(dir)
	if err != nil {
		fail(err)
	}
	diag := diagnostics(rec.Log, rec.LogFormat)
	newMachine, err := ChildBackend()
	if err != nil {
		fail(err)
	}
	cfg, err := guestConfig(b, dir)
	if err != nil {
		fail(err)
	}
	cfg.Stdin, cfg.Stdout, cfg.Stderr, cfg.Log = os.Stdin, os.Stdout, os.Stderr, diag
	cfg.Mounts = append(cfg.Mounts, consoleMounts(console, true)...)
	cfg.Files = preservedFiles(preserved)
	if adj := b.Spec.Process.OOMScoreAdj; adj != nil {
		if err := setOOMScoreAdj(*adj); err != nil {
			fail(fmt.Errorf("process.oomScoreAdj: %w", err))
		}
	}
	for _, u := range Unsupported(b.Spec) {
		fmt.Fprintf(diag, "carrick-runtime: config.json: %s is not applied\n", u)
	}
	// The tree's shared directories are made here, not by the engine, so
	// that exec can join them (shared.json); the namespace's init removes
	// them when it exits.
	sh, err := newShared()
	if err != nil {
		fail(err)
	}
	cfg.Shm, cfg.Registry = sh.Shm, sh.Registry
	p, err := sysemu.Start(cfg, newMachine)
	if err != nil {
		sh.remove()
		fail(fmt.Errorf("container init: %w", err))
	}
	sh.PidNS = p.PidNSDir()
	if err := sh.save(dir); err != nil {
		fail(err)
	}
	fmt.Fprint(ready, initReady)
	ready.Close()
	// Blocks until Start opens the fifo to read.
	f, err := os.OpenFile(r.fifo(rec.ID), os.O_WRONLY, 0)
	if err != nil {
		fmt.Fprintf(diag, "carrick-runtime: exec fifo: %v\n", err)
		os.Exit(1)
	}
	f.Write([]byte{0})
	f.Close()
	exitRecording(dir, p)
}

// guestConfig turns the bundle's process and mounts into the guest's
// configuration. The container gets a private pid namespace: its init is
// pid 1.
func guestConfig(b *Bundle, dir string) (sysemu.Config, error) {
	s := b.Spec
	cfg := sysemu.Config{Root: b.Rootfs, Dir: s.Process.Cwd, Argv: s.Process.Args, Env: s.Process.Env,
		PidPrivate: true, Hostname: s.Hostname, NoNewPrivs: s.Process.NoNewPrivileges}
	if len(s.Process.Rlimits) > 0 {
		lim, err := rlimits(s.Process.Rlimits)
		if err != nil {
			return cfg, err
		}
		cfg.Rlimits = lim
	}
	u := s.Process.User
	cfg.Creds = &sysemu.Creds{UID: u.UID, GID: u.GID, Groups: u.AdditionalGids, Caps: capSets(s.Process.Capabilities)}
	if u.Umask != nil {
		umask := *u.Umask & 0o777
		cfg.Umask = &umask
	}
	prog := s.Process.Args[0]
	if !strings.Contains(prog, "/") {
		found, ok := lookPath(b.Rootfs, b.Lowers(), prog, s.Process.Env)
		if !ok {
			return cfg, fmt.Errorf("exec: %q: executable file not found in $PATH", prog)
		}
		prog = found
	}
	cfg.Path = prog
	cfg.ReadOnlyRoot = s.Root != nil && s.Root.Readonly
	cfg.Lowers = b.Lowers()
	ms, err := specMounts(b, dir)
	if err != nil {
		return cfg, err
	}
	cfg.Mounts = ms
	return cfg, nil
}

// capSets are the spec's capability sets (modeled: shown by /proc and
// capget; privilege follows the ids). Unknown names are ignored, as runc
// ignores them (Unsupported reports them).
func capSets(c *specs.LinuxCapabilities) *sysemu.CapSets {
	if c == nil {
		return nil
	}
	mask := func(names []string) uint64 { m, _ := abi.CapMask(names); return m }
	return &sysemu.CapSets{Bounding: mask(c.Bounding), Effective: mask(c.Effective), Permitted: mask(c.Permitted),
		Inheritable: mask(c.Inheritable), Ambient: mask(c.Ambient)}
}

// preservedFiles are a carrier's fds 3… (--preserve-fds), the guest's
// fds of the same numbers.
func preservedFiles(n int) map[int]*os.File {
	if n == 0 {
		return nil
	}
	files := map[int]*os.File{}
	for i := 3; i < 3+n; i++ {
		files[i] = os.NewFile(uintptr(i), fmt.Sprintf("fd%d", i))
	}
	return files
}

// consoleMounts shows the carrier's console (a host pty slave) to the
// guest: at its own /dev/pts name, and, for the init, at /dev/console.
func consoleMounts(tty string, init bool) []rootfs.Mount {
	if tty == "" {
		return nil
	}
	var ms []rootfs.Mount
	if strings.HasPrefix(tty, "/dev/pts/") {
		ms = append(ms, rootfs.Mount{Guest: tty, Host: tty})
	}
	if init {
		ms = append(ms, rootfs.Mount{Guest: "/dev/console", Host: tty})
	}
	return ms
}

// lookPath finds name in the container's PATH, as runc does before exec,
// in the container's view (confined, through its overlay's lowers).
func lookPath(root string, lowers []string, name string, env []string) (string, bool) {
	pathVar := "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "PATH="); ok {
			pathVar = v
		}
	}
	view, err := rootfs.New(root, rootfs.Options{Lowers: lowers})
	if err != nil {
		return "", false
	}
	defer view.Close()
	for _, d := range strings.Split(pathVar, ":") {
		if !path.IsAbs(d) {
			continue
		}
		p := path.Join(d, name)
		// Lstat: the guest resolves a final link itself, confined.
		if _, e := view.Lstat(view.Root(), p); e == 0 {
			return p, true
		}
	}
	return "", false
}

// diagnostics is where carrick's own messages from inside a container go:
// the --log file, as JSON lines in json mode (containerd decodes it), and
// never the container's stdio.
func diagnostics(logPath, format string) io.Writer {
	if logPath == "" {
		return io.Discard
	}
	f, err := os.OpenFile(logPath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return io.Discard
	}
	if format != "json" {
		return f
	}
	return &jsonLines{w: f}
}

// jsonLines writes each line as one logrus-shaped JSON object.
type jsonLines struct {
	mu sync.Mutex
	w  io.Writer
}

func (j *jsonLines) Write(p []byte) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		b, _ := json.Marshal(map[string]string{"level": "warning", "msg": line, "time": time.Now().Format(time.RFC3339)})
		j.w.Write(append(b, '\n'))
	}
	return len(p), nil
}

// rlimits turns config.json's rlimits into the guest's limits, on top of
// the defaults a process starts with.
func rlimits(rs []specs.POSIXRlimit) (*[abi.RLIM_NLIMITS]abi.Rlimit, error) {
	lim := sysemu.DefaultRlimits()
	for _, r := range rs {
		i, ok := rlimitNames[r.Type]
		if !ok {
			return nil, fmt.Errorf("config.json: unknown rlimit type %q", r.Type)
		}
		if r.Soft > r.Hard {
			return nil, fmt.Errorf("config.json: %s: soft limit %d above hard limit %d", r.Type, r.Soft, r.Hard)
		}
		lim[i] = abi.Rlimit{Cur: r.Soft, Max: r.Hard}
	}
	return &lim, nil
}

var rlimitNames = map[string]int{
	"RLIMIT_CPU": abi.RLIMIT_CPU, "RLIMIT_FSIZE": abi.RLIMIT_FSIZE, "RLIMIT_DATA": abi.RLIMIT_DATA,
	"RLIMIT_STACK": abi.RLIMIT_STACK, "RLIMIT_CORE": abi.RLIMIT_CORE, "RLIMIT_RSS": abi.RLIMIT_RSS,
	"RLIMIT_NPROC": abi.RLIMIT_NPROC, "RLIMIT_NOFILE": abi.RLIMIT_NOFILE, "RLIMIT_MEMLOCK": abi.RLIMIT_MEMLOCK,
	"RLIMIT_AS": abi.RLIMIT_AS, "RLIMIT_LOCKS": abi.RLIMIT_LOCKS, "RLIMIT_SIGPENDING": abi.RLIMIT_SIGPENDING,
	"RLIMIT_MSGQUEUE": abi.RLIMIT_MSGQUEUE, "RLIMIT_NICE": abi.RLIMIT_NICE, "RLIMIT_RTPRIO": abi.RLIMIT_RTPRIO,
	"RLIMIT_RTTIME": abi.RLIMIT_RTTIME,
}
