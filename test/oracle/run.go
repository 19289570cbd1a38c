//go:build linux

package oracle

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The parts of a run around the runner: the run directory (/work, /tmp),
// its manifest, collecting the output, and the notices emulators add.

// manifest describes RUN/work and RUN/tmp (see Result.Files).
func manifest(run string) ([]byte, error) {
	var b bytes.Buffer
	for _, top := range []string{"work", "tmp"} {
		err := filepath.WalkDir(filepath.Join(run, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(run, p)
			fi, err := d.Info()
			if err != nil {
				return err
			}
			st, _ := fi.Sys().(*syscall.Stat_t)
			fmt.Fprintf(&b, "/%s %s %04o %d:%d", rel, typeName(fi.Mode()), fi.Mode().Perm()|fi.Mode()&(fs.ModeSticky|fs.ModeSetuid|fs.ModeSetgid), st.Uid, st.Gid)
			switch {
			case fi.Mode().IsRegular():
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				fmt.Fprintf(&b, " %d %x", len(data), sha256.Sum256(data))
			case fi.Mode()&fs.ModeSymlink != 0:
				target, err := os.Readlink(p)
				if err != nil {
					return err
				}
				fmt.Fprintf(&b, " -> %s", target)
			}
			b.WriteByte('\n')
			return nil
		})
		if err != nil {
			return b.Bytes(), fmt.Errorf("describing /%s after the run: %w", top, err)
		}
	}
	return b.Bytes(), nil
}

func typeName(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return "file"
	case m.IsDir():
		return "dir"
	case m&fs.ModeSymlink != 0:
		return "symlink"
	case m&fs.ModeNamedPipe != 0:
		return "fifo"
	case m&fs.ModeSocket != 0:
		return "socket"
	case m&fs.ModeCharDevice != 0:
		return "chardev"
	case m&fs.ModeDevice != 0:
		return "blockdev"
	}
	return "other"
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d > 0 {
		return context.WithTimeout(ctx, d)
	}
	return context.WithCancel(ctx)
}

// checkRoot says what is wrong with a root, if anything.
func checkRoot(root string) error {
	if !filepath.IsAbs(root) {
		return fmt.Errorf("root %q: not an absolute path", root)
	}
	for _, d := range []string{"work", "tmp", "proc", "dev"} {
		if fi, err := os.Stat(filepath.Join(root, d)); err != nil || !fi.IsDir() {
			return fmt.Errorf("root %s lacks /%s: build it with `make fixtures` (test/fixtures/rootfs.sh; root, "+
				"Debian's apt repositories and qemu-user-static needed)", root, d)
		}
	}
	return nil
}

// checkQemuCopy makes sure the root's /qemu-aarch64-static is the host's.
func (o *Oracle) checkQemuCopy(root string) error {
	a, err1 := os.Stat(o.Qemu)
	b, err2 := os.Stat(filepath.Join(root, GuestQemu))
	if err1 != nil || err2 != nil || a.Size() != b.Size() || b.ModTime().Before(a.ModTime()) {
		return fmt.Errorf("%s%s is missing or not a copy of %s: run `make fixtures` (test/fixtures/rootfs.sh)",
			root, GuestQemu, o.Qemu)
	}
	return nil
}

// prepareRun makes a run directory: RUN/work with files and the volumes'
// mount points, RUN/tmp.
func prepareRun(files []File, vols []Volume) (run string, cleanup func(), err error) {
	run, err = os.MkdirTemp("", "carrick-oracle-run-")
	if err != nil {
		return "", nil, err
	}
	cleanup = func() {
		// A mount the namespace left behind is gone with it; nothing
		// here is mounted in the initial namespace.
		os.RemoveAll(run)
	}
	if err := populate(run, files); err != nil {
		cleanup()
		return "", nil, err
	}
	for _, v := range vols {
		if err := os.MkdirAll(filepath.Join(run, v.Guest), 0o755); err != nil {
			cleanup()
			return "", nil, err
		}
	}
	return run, cleanup, nil
}

func populate(run string, files []File) error {
	work := filepath.Join(run, "work")
	tmp := filepath.Join(run, "tmp")
	if err := os.Mkdir(work, 0o755); err != nil {
		return err
	}
	if err := os.Mkdir(tmp, 0o755); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o1777); err != nil {
		return err
	}
	for _, f := range files {
		p := filepath.Join(work, filepath.FromSlash(f.Path))
		if !strings.HasPrefix(p, work+string(filepath.Separator)) {
			return fmt.Errorf("file %q outside /work", f.Path)
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		mode := f.Mode.Perm()
		var err error
		switch {
		case f.Link != "":
			err = os.Symlink(f.Link, p)
		case f.Dir:
			if mode == 0 {
				mode = 0o755
			}
			if err = os.Mkdir(p, mode); err == nil {
				err = os.Chmod(p, mode|f.Mode&fs.ModeSticky)
			}
		default:
			if mode == 0 {
				mode = 0o644
			}
			if err = os.WriteFile(p, []byte(f.Data), mode); err == nil {
				err = os.Chmod(p, mode) // not narrowed by the umask
			}
		}
		if err != nil {
			return err
		}
	}
	// Fixed times, deepest first so that a directory's survives.
	var paths []string
	err := filepath.WalkDir(work, func(p string, _ fs.DirEntry, err error) error {
		paths = append(paths, p)
		return err
	})
	if err != nil {
		return err
	}
	ts := []unix.Timespec{unix.NsecToTimespec(FileTime.UnixNano()), unix.NsecToTimespec(FileTime.UnixNano())}
	for i := len(paths) - 1; i >= 0; i-- {
		if err := unix.UtimesNanoAt(unix.AT_FDCWD, paths[i], ts, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return err
		}
	}
	return nil
}

// limitedBuffer keeps at most MaxOutput bytes and counts the rest.
type limitedBuffer struct {
	bytes.Buffer
	dropped int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := MaxOutput - b.Len(); room < len(p) {
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		b.dropped += len(p) - max(room, 0)
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

// execute runs cmd with spec's stdin and output and collects the Result.
func execute(ctx context.Context, cmd *exec.Cmd, spec *Spec) (Result, error) {
	stdin := spec.Stdin
	if stdin == nil {
		devnull, err := os.Open(os.DevNull)
		if err != nil {
			return Result{}, err
		}
		defer devnull.Close()
		stdin = devnull
	}
	cmd.Stdin = stdin
	var stdout, stderr limitedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if spec.StdoutTee != nil {
		cmd.Stdout = io.MultiWriter(&stdout, spec.StdoutTee)
	}
	if spec.OutputDir != "" {
		files, err := outputFiles(spec.OutputDir)
		if err != nil {
			return Result{}, err
		}
		defer files[0].Close()
		defer files[1].Close()
		cmd.Stdout, cmd.Stderr = files[0], files[1]
	}
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err := cmd.Run()
	if spec.OutputDir != "" {
		readOutput(spec.OutputDir, "stdout", &stdout)
		readOutput(spec.OutputDir, "stderr", &stderr)
	}
	r := Result{Stdout: stdout.Bytes(), Stderr: stderr.Bytes(), Elapsed: time.Since(start)}
	if ctx.Err() != nil {
		r.Status = -1
		return r, fmt.Errorf("%w after %v", ErrTimeout, r.Elapsed.Round(time.Millisecond))
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.Status = 128 + int(ws.Signal())
		} else {
			r.Status = ee.ExitCode()
		}
	default:
		r.Status = -1
		return r, err
	}
	if stdout.dropped+stderr.dropped > 0 {
		return r, fmt.Errorf("output exceeded %d bytes", MaxOutput)
	}
	return r, nil
}

// stripShellReport removes the line the oracle's shell writes to the
// guest's stderr when the guest dies by a signal (dash reports "Segmentation
// fault" through the command's own redirections): it is not the guest's
// output, and carrick's run has no such shell.
func stripShellReport(stderr []byte, status int) []byte {
	if status <= 128 || status >= 128+65 {
		return stderr
	}
	msg := syscall.Signal(status - 128).String()
	body := bytes.TrimSuffix(stderr, []byte("\n"))
	i := bytes.LastIndexByte(body, '\n') + 1
	last := string(bytes.TrimSuffix(body[i:], []byte(" (core dumped)")))
	if strings.EqualFold(last, msg) {
		return stderr[:i]
	}
	return stderr
}

// outputFiles creates DIR/stdout and DIR/stderr.
func outputFiles(dir string) ([2]*os.File, error) {
	var f [2]*os.File
	for i, name := range []string{"stdout", "stderr"} {
		var err error
		if f[i], err = os.Create(filepath.Join(dir, name)); err != nil {
			if i == 1 {
				f[0].Close()
			}
			return f, err
		}
	}
	return f, nil
}

// readOutput copies DIR/NAME into b (which keeps its first MaxOutput bytes).
func readOutput(dir, name string, b *limitedBuffer) {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return
	}
	defer f.Close()
	io.Copy(b, f)
}

// spawnLine matches a line of qemu's -strace log where the guest creates a
// process or runs a program: fork, vfork, execve, execveat, clone3, or a
// clone without CLONE_THREAD (a thread is part of the process).
var spawnLine = regexp.MustCompile(`(?m)^\d+ (?:fork|vfork|execve|execveat|clone3?)\(.*$`)

// Spawns returns the lines of a -strace log where the guest starts another
// process or program.
func Spawns(trace []byte) []string {
	var found []string
	for _, m := range spawnLine.FindAll(trace, -1) {
		line := string(m)
		if strings.Contains(line, " clone(") && strings.Contains(line, "CLONE_THREAD") {
			continue
		}
		found = append(found, line)
	}
	return found
}

// deathNotice matches the line each emulator prints about a guest killed by
// a signal.
var deathNotice = regexp.MustCompile(`(?m)^(qemu: uncaught target signal \d+ .*|carrick: pid \d+ tid \d+ killed by .*)\n?`)

// StripDeathNotice removes the emulators' notes about a guest killed by a
// signal from its stderr.
func StripDeathNotice(b []byte) []byte { return deathNotice.ReplaceAll(b, nil) }
