//go:build linux

// Package oracle runs a Linux arm64 command line inside a root filesystem
// twice: under the oracle, qemu-aarch64-static chrooted into the root, and
// under carrick run-elf --rootfs, so that a test can compare their stdout,
// stderr and exit status (ARCHITECTURE.md §7, issue 3's Proof).
//
// The roots are test/fixtures/out/rootfs/{busybox,debian}, built by
// test/fixtures/rootfs.sh (`make fixtures`). Each carries a copy of
// qemu-aarch64-static at /qemu-aarch64-static, so that the oracle, chrooted,
// sees exactly the files carrick's guest sees.
//
// # One run
//
// Every run gets a fresh host directory RUN with RUN/work (filled from
// Spec.Files) and RUN/tmp (empty, mode 1777), seen by the guest as /work,
// its working directory, and /tmp. The rest of the root is shared by all
// runs: the oracle sees it read-only, so a case that writes elsewhere fails
// under the oracle instead of changing the fixture.
//
// The oracle (Oracle.Run) is /bin/sh (the host's), started in new mount and
// PID namespaces (and a user namespace, see below), that mounts
//
//	ROOT       onto itself, read-only
//	ROOT/work  RUN/work        ROOT/tmp  RUN/tmp
//	ROOT/proc  a new procfs    ROOT/sys  the host's /sys, read-only (if ROOT/sys exists)
//	ROOT/dev   a tmpfs with null, zero, full, random, urandom and tty bound
//	           from the host's, fd, stdin, stdout, stderr links and shm
//
// then runs `env -i ENV... unshare --root=ROOT --wd=/work /qemu-aarch64-static
// ARGV...` (exactly the guest's environment; chroot(2) and chdir(2); exec)
// as its child and exits with its status. The guest is not PID 1 (which
// would make it immune to its own default-action signals), and it is root
// with the supplementary groups of a login (just 0), as carrick models
// root, whatever the groups of the test process.
//
// Carrick (RunCarrick) runs as `carrick run-elf --rootfs ROOT -v RUN/work:/work
// -v RUN/tmp:/tmp -w /work -e K=V... ARGV...` with an otherwise empty
// environment.
//
// A Result holds stdout, stderr, the exit status (128+N for a guest killed
// by signal N) and a description of /work and /tmp after the run
// (Result.Files), so that a command that only writes files is compared too.
//
// # binfmt_misc
//
// qemu-user emulates one process: when the guest execs an arm64 program
// (bash running ls, python's subprocess), the kernel must know to run it
// with qemu, which binfmt_misc does. A registration is machine-wide, though,
// and carrick must never lean on it by accident (a carrick that ran a
// guest's execve as a host execve would seem to work). So qemu is
// registered only for the oracle's runs of cases marked Forks, and in the
// first of these modes that works (CARRICK_ORACLE_BINFMT forces one):
//
//   - userns: the oracle runs in a new user namespace (identity-mapped, so
//     file owners look the same) and mounts its own binfmt_misc instance
//     there (Linux 6.7 and later), in which it registers qemu-aarch64. The
//     registration is visible only inside that namespace and dies with it;
//     carrick, in the initial namespace, can never see it, even from another
//     test process running at the same time.
//   - global: /proc/sys/fs/binfmt_misc (mounted if needed) gets the
//     qemu-aarch64 entry for the duration of the run and loses it after,
//     under a lock that carrick's runs share: a sync.RWMutex in this process
//     and flock(2) on $TMPDIR/carrick-oracle-binfmt.lock across processes
//     that use this package (exclusive for the registration, shared for a
//     carrick run). Another program that runs carrick without this package
//     is not covered.
//   - none: cases marked Forks cannot run under the oracle; Run returns
//     ErrNoBinfmt for them and the test says so.
//
// Whatever the mode, RunCarrick refuses to run while a binfmt_misc entry
// of the initial namespace would hand arm64 ELF files to some interpreter.
package oracle

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// GuestQemu is where each root holds its copy of qemu-aarch64-static.
const GuestQemu = "/qemu-aarch64-static"

// MaxOutput bounds the stdout and the stderr kept of a run.
const MaxOutput = 16 << 20

// Spec is one run of a command line inside a root.
type Spec struct {
	Root  string    // host path of the root filesystem
	Argv  []string  // Argv[0] is the program: a path inside the root
	Env   []string  // the guest's whole environment
	Stdin io.Reader // nil: /dev/null
	Files []File    // the initial content of /work
	// Forks: the command starts other programs (fork, vfork, clone of a
	// process, execve); the oracle registers qemu with binfmt_misc for it.
	Forks bool
	// Trace (oracle only): qemu logs the guest's system calls (-strace) to
	// a file of its own (not on /work or /tmp), returned in Result.Trace.
	Trace   bool
	Timeout time.Duration // 0: no limit but the context's
	// StdoutTee, if not nil, also gets the guest's stdout as it comes.
	StdoutTee io.Writer

	// Dir is the guest's working directory; "" is /work.
	Dir string
	// Volumes are host directories the guest sees under /work (the one
	// writable place both runners can make a mount point in).
	Volumes []Volume
	// OutputDir, if set, is a host directory where the guest's stdout and
	// stderr go as the files "stdout" and "stderr" instead of pipes (a
	// guest that hands its stdout to a grandchild then never blocks the
	// harness); the Result still holds their first MaxOutput bytes.
	OutputDir string
	// HostEnv is carrick's own (host) environment. carrick hands its
	// environment to the guest, as qemu-user does, except CARRICK_RUN_TAG,
	// which every host process of the run inherits and the guest never
	// sees: a run's leftovers are found by it (see KillTagged).
	HostEnv []string
	// CompatReport (carrick only): where carrick writes what the guest
	// used that it lacks (run-elf --compat-report).
	CompatReport string
}

// Volume is a bind mount of a host directory at Guest, a path under /work.
type Volume struct {
	Host, Guest string
	ReadOnly    bool
}

// guestDir is the working directory of spec.
func (s *Spec) guestDir() string {
	if s.Dir == "" {
		return "/work"
	}
	return s.Dir
}

// checkVolumes refuses volumes outside /work.
func (s *Spec) checkVolumes() error {
	for _, v := range s.Volumes {
		if !strings.HasPrefix(v.Guest, "/work/") || strings.Contains(v.Guest, "..") || strings.ContainsAny(v.Guest+v.Host, "\t\n") {
			return fmt.Errorf("volume %s:%s: the guest path must be under /work", v.Host, v.Guest)
		}
		if fi, err := os.Stat(v.Host); err != nil || !fi.IsDir() {
			return fmt.Errorf("volume %s: not a directory", v.Host)
		}
	}
	return nil
}

// Result is what one run produced.
type Result struct {
	Stdout, Stderr []byte
	Status         int // exit status, 128+N for a guest killed by signal N
	Elapsed        time.Duration
	Trace          []byte // qemu's -strace log, when Spec.Trace
	// Files describes /work and /tmp after the run, one line an entry:
	// path, type, permissions, owner, size and a hash of the content (or
	// the target of a symlink); not times, which the guest's own clock
	// sets.
	Files []byte
}

// ErrTimeout is returned (wrapped) when a run exceeds its time.
var ErrTimeout = errors.New("timed out")

// ErrNoBinfmt is returned for a Forks case when binfmt_misc is unavailable.
var ErrNoBinfmt = errors.New("binfmt_misc is unavailable: the oracle cannot run a program that starts other programs")

// BinfmtMode says how the oracle registers qemu with binfmt_misc.
type BinfmtMode string

// The binfmt modes (see the package comment).
const (
	BinfmtUserns BinfmtMode = "userns"
	BinfmtGlobal BinfmtMode = "global"
	BinfmtNone   BinfmtMode = "none"
)

// binfmtName is the name of the registration, in whichever instance.
const binfmtName = "qemu-aarch64"

// aarch64 ELF executables and shared objects (e_ident of a 64-bit
// little-endian ELF, e_type 2 or 3, e_machine 183): the magic and mask of
// Debian's qemu-user-static registration.
const (
	elfMagic = `\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00`
	elfMask  = `\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff`
)

// registration is the line written to binfmt_misc's register file. F: the
// kernel opens the interpreter now, so it need not exist in the chroot.
func registration(qemu string) string {
	// P (preserve-argv0): qemu-aarch64-static understands it and keeps a
	// program's argv[0] as its parent gave it (busybox applets, ash
	// re-running /proc/self/exe); F opens the interpreter at registration.
	return ":" + binfmtName + ":M::" + elfMagic + ":" + elfMask + ":" + qemu + ":PF"
}

// Oracle runs command lines under qemu-aarch64-static.
type Oracle struct {
	Qemu   string // the host's qemu-aarch64-static (the binfmt interpreter)
	Binfmt BinfmtMode
	// Why names the reason for a mode weaker than userns.
	Why string

	mount, unshare, env string // host tools
}

// NewOracle finds the tools and picks the binfmt mode: CARRICK_ORACLE_BINFMT
// (userns, global, none) if set, else the first of userns, global, none that
// works here. It fails unless running as root with qemu-aarch64-static,
// mount and unshare on PATH.
func NewOracle() (*Oracle, error) {
	o := &Oracle{}
	var missing []string
	for _, tool := range []struct {
		name string
		dst  *string
	}{{"qemu-aarch64-static", &o.Qemu}, {"mount", &o.mount}, {"unshare", &o.unshare}, {"env", &o.env}} {
		p, err := exec.LookPath(tool.name)
		if err != nil {
			missing = append(missing, tool.name)
			continue
		}
		*tool.dst, _ = filepath.Abs(p)
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the oracle needs %s on PATH (Debian: apt-get install qemu-user-static util-linux mount)",
			strings.Join(missing, ", "))
	}
	if os.Geteuid() != 0 {
		return nil, errors.New("the oracle must run as root (chroot, mount and user namespaces); CI runs as root")
	}
	want := BinfmtMode(os.Getenv("CARRICK_ORACLE_BINFMT"))
	switch want {
	case "", "auto":
		if err := o.probeUserns(); err == nil {
			o.Binfmt = BinfmtUserns
		} else if err2 := probeGlobal(); err2 == nil {
			o.Binfmt = BinfmtGlobal
			o.Why = "no private binfmt_misc in a user namespace: " + err.Error()
		} else {
			o.Binfmt = BinfmtNone
			o.Why = "no private binfmt_misc in a user namespace: " + err.Error() + "; no global binfmt_misc: " + err2.Error()
		}
	case BinfmtUserns:
		if err := o.probeUserns(); err != nil {
			return nil, fmt.Errorf("CARRICK_ORACLE_BINFMT=userns: %w", err)
		}
		o.Binfmt = want
	case BinfmtGlobal:
		if err := probeGlobal(); err != nil {
			return nil, fmt.Errorf("CARRICK_ORACLE_BINFMT=global: %w", err)
		}
		o.Binfmt, o.Why = want, "CARRICK_ORACLE_BINFMT=global"
	case BinfmtNone:
		o.Binfmt, o.Why = want, "CARRICK_ORACLE_BINFMT=none"
	default:
		return nil, fmt.Errorf("CARRICK_ORACLE_BINFMT=%q: want userns, global or none", want)
	}
	return o, nil
}

// userNS is the SysProcAttr part that puts a child in a new user namespace
// mapped onto the initial one identically (every uid and gid is itself).
func userNS(a *syscall.SysProcAttr) {
	a.Cloneflags |= syscall.CLONE_NEWUSER
	all := []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 1<<32 - 1}}
	a.UidMappings, a.GidMappings = all, all
	a.GidMappingsEnableSetgroups = true
}

// probeUserns checks that a new user namespace (with new mount and PID
// namespaces) can do what the oracle's script does there: mount a
// binfmt_misc instance of its own and register qemu in it, mount a procfs
// (which a container that masks parts of /proc forbids) and bind /sys.
func (o *Oracle) probeUserns() error {
	dir, err := os.MkdirTemp("", "carrick-binfmt-probe-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for _, d := range []string{"binfmt", "proc", "sys"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	script := `set -e; m=$1 d=$2
"$m" --make-rprivate /
"$m" -t binfmt_misc binfmt_misc "$d/binfmt"
printf '%s' "$3" >"$d/binfmt/register"
test -e "$d/binfmt/` + binfmtName + `"
"$m" -t proc -o nosuid,nodev,noexec proc "$d/proc"
"$m" --rbind -o ro /sys "$d/sys"`
	cmd := exec.Command("/bin/sh", "-c", script, "probe", o.mount, dir, registration(o.Qemu))
	cmd.Env = []string{}
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID, Pdeathsig: syscall.SIGKILL}
	userNS(cmd.SysProcAttr)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%v: %s", err, bytes.TrimSpace(out))
	}
	return nil
}

const globalBinfmt = "/proc/sys/fs/binfmt_misc"

// probeGlobal checks that the initial namespace's binfmt_misc is mounted,
// mounting it if needed (as systemd does at boot).
func probeGlobal() error {
	if _, err := os.Stat(globalBinfmt + "/register"); err == nil {
		return nil
	}
	if err := unix.Mount("binfmt_misc", globalBinfmt, "binfmt_misc", 0, ""); err != nil {
		return fmt.Errorf("mount binfmt_misc on %s: %w", globalBinfmt, err)
	}
	if _, err := os.Stat(globalBinfmt + "/register"); err != nil {
		return err
	}
	return nil
}

// The lock that keeps carrick's runs apart from a global registration.
var (
	binfmtMu       sync.RWMutex
	binfmtLockPath = filepath.Join(os.TempDir(), "carrick-oracle-binfmt.lock")
)

// lockBinfmt takes the lock, shared (a carrick run) or exclusive (a
// registration), in this process and across processes; the returned
// function releases it.
func lockBinfmt(exclusive bool) (func(), error) {
	if exclusive {
		binfmtMu.Lock()
	} else {
		binfmtMu.RLock()
	}
	unlockMu := func() {
		if exclusive {
			binfmtMu.Unlock()
		} else {
			binfmtMu.RUnlock()
		}
	}
	f, err := os.OpenFile(binfmtLockPath, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		unlockMu()
		return nil, err
	}
	how := unix.LOCK_SH
	if exclusive {
		how = unix.LOCK_EX
	}
	for {
		err = unix.Flock(int(f.Fd()), how)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		unlockMu()
		return nil, fmt.Errorf("flock %s: %w", binfmtLockPath, err)
	}
	return func() {
		f.Close() // releases the flock
		unlockMu()
	}, nil
}

// registerGlobal adds the qemu-aarch64 entry to the initial namespace's
// binfmt_misc; the caller holds the exclusive lock. An entry of that name
// left by a run of this package that died is replaced; one made by someone
// else is an error.
func (o *Oracle) registerGlobal() (unregister func() error, err error) {
	entry := filepath.Join(globalBinfmt, binfmtName)
	if b, err := os.ReadFile(entry); err == nil {
		if !bytes.Contains(b, []byte("interpreter "+o.Qemu+"\n")) || !bytes.Contains(b, []byte("flags: F")) {
			return nil, fmt.Errorf("%s exists and is not the oracle's (%q): remove it (echo -1 > %s) or use CARRICK_ORACLE_BINFMT=userns",
				entry, bytes.TrimSpace(b), entry)
		}
		// Ours, from a run that died: nobody else holds the lock.
		if err := os.WriteFile(entry, []byte("-1"), 0); err != nil {
			return nil, fmt.Errorf("removing the stale %s: %w", entry, err)
		}
	}
	if err := os.WriteFile(filepath.Join(globalBinfmt, "register"), []byte(registration(o.Qemu)), 0); err != nil {
		return nil, fmt.Errorf("registering qemu with %s: %w", globalBinfmt, err)
	}
	return func() error { return os.WriteFile(entry, []byte("-1"), 0) }, nil
}

// ForeignBinfmt lists the enabled entries of the initial namespace's
// binfmt_misc (when it is mounted) that would run an arm64 ELF file with
// some interpreter: with one of these, a carrick that let the kernel exec a
// guest program would seem to work.
func ForeignBinfmt() []string {
	ents, err := os.ReadDir(globalBinfmt)
	if err != nil {
		return nil
	}
	var found []string
	for _, e := range ents {
		if e.Name() == "register" || e.Name() == "status" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(globalBinfmt, e.Name()))
		if err != nil || !bytes.HasPrefix(b, []byte("enabled")) {
			continue
		}
		// magic 7f454c46 02 01 01 ... e_type 0200, e_machine b700.
		if m := regexp.MustCompile(`(?m)^magic (\S+)`).FindSubmatch(b); m != nil &&
			strings.HasPrefix(string(m[1]), "7f454c4602") && len(m[1]) >= 40 && string(m[1][36:40]) == "b700" {
			found = append(found, fmt.Sprintf("%s/%s (%s)", globalBinfmt, e.Name(),
				strings.ReplaceAll(strings.TrimSpace(string(b)), "\n", "; ")))
		}
	}
	return found
}

// oracleScript is run by the host's /bin/sh in the new namespaces; see the
// package comment. $1 mount, $2 ROOT, $3 RUN, $4 the binfmt registration
// line (empty: none), $5 the trace file inside the root (empty: none); then
// the command that runs the guest (env -i ... unshare --root ... qemu ...).
const oracleScript = `
set -eu
mount=$1 root=$2 run=$3 reg=$4 trace=$5 vols=$6
shift 6
trap 'echo "` + setupFailed + `" >&2' EXIT
"$mount" --make-rprivate /
"$mount" --bind "$root" "$root"
"$mount" -o remount,bind,ro "$root"
"$mount" --bind "$run/work" "$root/work"
"$mount" --bind "$run/tmp" "$root/tmp"
if [ -n "$vols" ]; then
	printf '%s\n' "$vols" | while IFS='	' read -r h g ro; do
		"$mount" --bind "$h" "$root$g" || exit 1
		if [ "$ro" = ro ]; then "$mount" -o remount,bind,ro "$root$g" || exit 1; fi
	done
fi
"$mount" -t proc -o nosuid,nodev,noexec proc "$root/proc"
if [ -d "$root/sys" ]; then "$mount" --rbind -o ro /sys "$root/sys"; fi
"$mount" -t tmpfs -o mode=0755,size=1m,nosuid tmpfs "$root/dev"
for d in null zero full random urandom tty; do
	: >"$root/dev/$d"
	"$mount" --bind "/dev/$d" "$root/dev/$d"
done
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
mkdir -m 1777 "$root/dev/shm"
if [ -n "$reg" ]; then
	mkdir "$run/binfmt"
	"$mount" -t binfmt_misc binfmt_misc "$run/binfmt"
	printf '%s' "$reg" >"$run/binfmt/register"
fi
if [ -n "$trace" ]; then : >"$root$trace"; fi
trap - EXIT
set +e
"$@"
status=$?
if [ -n "$trace" ]; then cp "$root$trace" "$run/trace"; fi
exit $status
`

// setupFailed is how the script says that it could not prepare the run.
const setupFailed = "carrick-oracle: setting up the run failed"

// traceFile is where qemu writes its -strace log in a traced run: on the
// run's own /dev tmpfs, not on /work or /tmp.
const traceFile = "/dev/.oracle-strace"

// Run runs spec under the oracle. The error is about the harness (missing
// root, timeout, ErrNoBinfmt); the guest's failures are in the Result.
func (o *Oracle) Run(ctx context.Context, spec Spec) (Result, error) {
	if err := checkRoot(spec.Root); err != nil {
		return Result{}, err
	}
	if err := o.checkQemuCopy(spec.Root); err != nil {
		return Result{}, err
	}
	if spec.Forks && o.Binfmt == BinfmtNone {
		return Result{}, ErrNoBinfmt
	}
	if err := spec.checkVolumes(); err != nil {
		return Result{}, err
	}
	run, cleanup, err := prepareRun(spec.Files, spec.Volumes)
	if err != nil {
		return Result{}, err
	}
	defer cleanup()

	reg, trace := "", ""
	if spec.Forks && o.Binfmt == BinfmtUserns {
		reg = registration(o.Qemu)
	}
	if spec.Trace {
		trace = traceFile
	}
	// The command the script runs last: env -i (the guest gets exactly
	// spec.Env, nothing of the script's shell), unshare --root --wd (chroot
	// and chdir), qemu.
	var vols []string
	for _, v := range spec.Volumes {
		ro := "rw"
		if v.ReadOnly {
			ro = "ro"
		}
		vols = append(vols, v.Host+"\t"+v.Guest+"\t"+ro)
	}
	args := []string{"-c", oracleScript, "oracle", o.mount, spec.Root, run, reg, trace,
		strings.Join(vols, "\n"), o.env, "-i"}
	// qemu-user hands its environment to the guest in reverse order (it
	// builds a list by inserting at the head), so the guest gets spec.Env
	// in its order when qemu gets it reversed.
	for i := len(spec.Env) - 1; i >= 0; i-- {
		kv := spec.Env[i]
		if !strings.Contains(kv, "=") || strings.HasPrefix(kv, "=") {
			return Result{}, fmt.Errorf("environment entry %q is not K=V", kv)
		}
		args = append(args, kv)
	}
	args = append(args, o.unshare, "--root="+spec.Root, "--wd="+spec.guestDir(), "--", GuestQemu)
	if spec.Trace {
		args = append(args, "-strace", "-D", traceFile)
	}
	args = append(args, spec.Argv...)

	ctx, cancel := withTimeout(ctx, spec.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "/bin/sh", args...)
	cmd.Env = []string{}
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWPID,
		Pdeathsig:  syscall.SIGKILL,
		// root with the supplementary groups a login gives it
		// (initgroups: just 0), whatever those of the test process are:
		// carrick's modelled root has the same.
		Credential: &syscall.Credential{Uid: 0, Gid: 0, Groups: []uint32{0}},
	}
	if o.Binfmt == BinfmtUserns {
		userNS(cmd.SysProcAttr)
	}
	if spec.Forks && o.Binfmt == BinfmtGlobal {
		unlock, err := lockBinfmt(true)
		if err != nil {
			return Result{}, err
		}
		defer unlock()
		unregister, err := o.registerGlobal()
		if err != nil {
			return Result{}, err
		}
		defer func() {
			if uerr := unregister(); uerr != nil {
				panic(fmt.Sprintf("oracle: unregistering qemu from binfmt_misc: %v", uerr))
			}
		}()
	}
	res, err := execute(ctx, cmd, &spec)
	if err == nil && bytes.Contains(res.Stderr, []byte(setupFailed)) {
		return res, fmt.Errorf("the oracle could not set up the run (mode %s): %s", o.Binfmt, bytes.TrimSpace(res.Stderr))
	}
	if spec.Trace {
		res.Trace, _ = os.ReadFile(filepath.Join(run, "trace"))
	}
	res.Stderr = stripShellReport(res.Stderr, res.Status)
	if err == nil {
		res.Files, err = manifest(run)
	}
	return res, err
}

// RunCarrick runs spec under `carrick run-elf --rootfs` (carrick is the
// path of the binary). spec.Trace is ignored.
func RunCarrick(ctx context.Context, carrick string, spec Spec) (Result, error) {
	if err := checkRoot(spec.Root); err != nil {
		return Result{}, err
	}
	if len(spec.Argv) == 0 {
		return Result{}, errors.New("empty Argv")
	}
	unlock, err := lockBinfmt(false)
	if err != nil {
		return Result{}, err
	}
	defer unlock()
	if f := ForeignBinfmt(); len(f) > 0 {
		return Result{}, fmt.Errorf("binfmt_misc would run arm64 programs behind carrick's back, so its results "+
			"cannot be trusted; disable these (echo 0 > ENTRY): %s", strings.Join(f, ", "))
	}
	if err := spec.checkVolumes(); err != nil {
		return Result{}, err
	}
	run, cleanup, err := prepareRun(spec.Files, spec.Volumes)
	if err != nil {
		return Result{}, err
	}
	defer cleanup()
	args := []string{"run-elf", "--rootfs", spec.Root,
		"-v", filepath.Join(run, "work") + ":/work", "-v", filepath.Join(run, "tmp") + ":/tmp"}
	for _, v := range spec.Volumes {
		m := v.Host + ":" + v.Guest
		if v.ReadOnly {
			m += ":ro"
		}
		args = append(args, "-v", m)
	}
	args = append(args, "-w", spec.guestDir())
	if spec.CompatReport != "" {
		args = append(args, "--compat-report", spec.CompatReport)
	}
	for _, kv := range spec.Env {
		args = append(args, "-e", kv)
	}
	args = append(args, spec.Argv...)
	ctx, cancel := withTimeout(ctx, spec.Timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, carrick, args...)
	cmd.Env = append([]string{}, spec.HostEnv...) // the guest's environment is the -e list
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	res, err := execute(ctx, cmd, &spec)
	if err == nil {
		res.Files, err = manifest(run)
	}
	return res, err
}
