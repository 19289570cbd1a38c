// Package programs is the program-level differential suite: every test
// program under c/ (built at -O0 and -O2) and go/ (built with GOARCH=arm64)
// runs under qemu-aarch64-static, the oracle, and under carrick run-elf with
// the same argv, environment, working directory (fresh and empty for each
// run) and stdin (/dev/null). The
// two runs must produce byte-identical stdout and stderr and the same exit
// status (128+signal for a guest killed by a signal).
//
// Nothing is hard-coded: the expected output is whatever qemu produces in
// the same run. The one normalisation: when both runs end by the same
// signal, each emulator's own one-line death notice on stderr ("qemu:
// uncaught target signal ..." and "carrick: pid N tid N killed by ...") is
// left out of the comparison; everything the guest wrote is compared.
//
// Knobs (environment of `go test`):
//
//	CARRICK_TEST_JOBS         programs run at a time (default 2)
//	CARRICK_PROGRAM_TIMEOUT   per-program timeout under carrick (default 120s)
//	CARRICK_PROGRAMS          comma-separated subset of program names
//	CARRICK_FIXTURES          fixture directory (default test/fixtures/out)
package programs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	qemuBin     = "qemu-aarch64-static"
	crossCC     = "aarch64-linux-gnu-gcc"
	qemuTimeout = 60 * time.Second
	maxOutput   = 16 << 20
)

// guestEnv is the whole environment of both runs: nothing is inherited.
var guestEnv = []string{"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/nonexistent", "LANG=C"}

// program is one fixture binary and the argv it runs with.
type program struct {
	name string   // subtest name, e.g. "c/strings-O2" or "go/atomics"
	path string   // absolute path of the ARM64 binary
	args []string // guest arguments after argv[0]
}

// result is what one run of a program produced.
type result struct {
	stdout, stderr []byte
	status         int // exit code, or 128+signal
	err            error
	elapsed        time.Duration
}

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d
		}
		if filepath.Dir(d) == d {
			t.Fatalf("no go.mod above %s", dir)
		}
	}
}

func requireTools(t *testing.T) {
	t.Helper()
	var missing []string
	for _, tool := range []string{qemuBin, crossCC, "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		t.Fatalf("the program suite needs %s on PATH (Debian/Ubuntu: apt-get install qemu-user-static "+
			"gcc-aarch64-linux-gnu libc6-dev-arm64-cross); CI installs them, the suite never skips",
			strings.Join(missing, ", "))
	}
}

func discover(t *testing.T, top, fixtures string) []program {
	t.Helper()
	var progs []program
	csrc, err := filepath.Glob(filepath.Join(top, "test/programs/c/*.c"))
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range csrc {
		name := strings.TrimSuffix(filepath.Base(src), ".c")
		args := ArgsOf(src)
		for _, opt := range []string{"O0", "O2"} {
			progs = append(progs, program{
				name: "c/" + name + "-" + opt,
				path: filepath.Join(fixtures, "c", name+"-"+opt),
				args: args,
			})
		}
	}
	gosrc, err := filepath.Glob(filepath.Join(top, "test/programs/go/*/main.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range gosrc {
		name := filepath.Base(filepath.Dir(src))
		progs = append(progs, program{
			name: "go/" + name,
			path: filepath.Join(fixtures, "go", name),
			args: ArgsOf(src),
		})
	}
	if only := os.Getenv("CARRICK_PROGRAMS"); only != "" {
		want := map[string]bool{}
		for _, n := range strings.Split(only, ",") {
			want[strings.TrimSpace(n)] = true
		}
		var sel []program
		for _, p := range progs {
			base := strings.TrimSuffix(strings.TrimSuffix(p.name, "-O0"), "-O2")
			if want[p.name] || want[base] || want[filepath.Base(base)] {
				sel = append(sel, p)
			}
		}
		progs = sel
	}
	if len(progs) == 0 {
		t.Fatal("no test programs found")
	}
	return progs
}

// limitedBuffer keeps at most maxOutput bytes and notes the overflow.
type limitedBuffer struct {
	bytes.Buffer
	dropped int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxOutput - b.Len(); room < len(p) {
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		b.dropped += len(p) - max(room, 0)
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

func run(ctx context.Context, dir string, argv []string) result {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = guestEnv
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		return result{err: err}
	}
	defer devnull.Close()
	cmd.Stdin = devnull
	var stdout, stderr limitedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	start := time.Now()
	err = cmd.Run()
	r := result{stdout: stdout.Bytes(), stderr: stderr.Bytes(), elapsed: time.Since(start)}
	if stdout.dropped+stderr.dropped > 0 {
		r.err = fmt.Errorf("output exceeded %d bytes", maxOutput)
	}
	if ctx.Err() != nil {
		r.err = fmt.Errorf("timed out after %v", r.elapsed.Round(time.Millisecond))
		r.status = -1
		return r
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			r.status = 128 + int(ws.Signal())
		} else {
			r.status = ee.ExitCode()
		}
	default:
		r.err = err
		r.status = -1
	}
	return r
}

// deathNotice matches the line each emulator prints about a guest killed by
// a signal.
var deathNotice = regexp.MustCompile(`(?m)^(qemu: uncaught target signal \d+ .*|carrick: pid \d+ tid \d+ killed by .*)\n?`)

func stripDeathNotice(b []byte) []byte { return deathNotice.ReplaceAll(b, nil) }

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

func TestPrograms(t *testing.T) {
	requireTools(t)
	top := repoRoot(t)
	fixtures := os.Getenv("CARRICK_FIXTURES")
	if fixtures == "" {
		fixtures = filepath.Join(top, "test", "fixtures", "out")
	}
	fixtures, _ = filepath.Abs(fixtures)

	build := exec.Command(filepath.Join(top, "test", "fixtures", "build.sh"), fixtures)
	build.Dir = top
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("test/fixtures/build.sh %s: %v\n%s", fixtures, err, out)
	}
	// No core files from guests killed by a signal (qemu honours RLIMIT_CORE).
	if err := syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{}); err != nil {
		t.Logf("setrlimit(RLIMIT_CORE): %v", err)
	}
	tmp := t.TempDir()
	carrick := filepath.Join(tmp, "carrick")
	gobuild := exec.Command("go", "build", "-o", carrick, "./cmd/carrick")
	gobuild.Dir = top
	if out, err := gobuild.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/carrick: %v\n%s", err, out)
	}
	StatSources(t, top)

	progs := discover(t, top, fixtures)
	carrickTimeout := 120 * time.Second
	if d, err := time.ParseDuration(os.Getenv("CARRICK_PROGRAM_TIMEOUT")); err == nil && d > 0 {
		carrickTimeout = d
	}
	deadline, hasDeadline := t.Deadline()
	sem := make(chan struct{}, envInt("CARRICK_TEST_JOBS", 2))

	var mu sync.Mutex
	var passed, failed []string
	t.Cleanup(func() {
		sort.Strings(passed)
		sort.Strings(failed)
		t.Logf("%d/%d programs match qemu under carrick", len(passed), len(passed)+len(failed))
		if len(failed) > 0 {
			t.Logf("failing: %s", strings.Join(failed, " "))
		}
	})

	for _, p := range progs {
		t.Run(p.name, func(t *testing.T) {
			t.Parallel()
			sem <- struct{}{}
			defer func() { <-sem }()
			ok := false
			defer func() {
				mu.Lock()
				defer mu.Unlock()
				if ok {
					passed = append(passed, p.name)
				} else {
					failed = append(failed, p.name)
				}
			}()
			if _, err := os.Stat(p.path); err != nil {
				t.Fatalf("fixture missing: %v", err)
			}

			// Leave time to report the remaining programs instead of
			// letting the whole test binary time out.
			budget := func(want time.Duration) time.Duration {
				if !hasDeadline {
					return want
				}
				left := time.Until(deadline) - 30*time.Second
				return max(min(want, left), time.Second)
			}

			// Each run starts in the same, empty working directory.
			workdir := filepath.Join(tmp, "work", strings.NewReplacer("/", "_").Replace(p.name))
			fresh := func() {
				if err := os.RemoveAll(workdir); err != nil {
					t.Fatal(err)
				}
				if err := os.MkdirAll(workdir, 0o755); err != nil {
					t.Fatal(err)
				}
			}

			fresh()
			ctx, cancel := context.WithTimeout(context.Background(), budget(qemuTimeout))
			want := run(ctx, workdir, append([]string{qemuBin, p.path}, p.args...))
			cancel()
			if want.err != nil {
				t.Fatalf("oracle failed: qemu-aarch64-static %s: %v\nstderr:\n%s", p.path, want.err, Excerpt(want.stderr, 5))
			}

			fresh()
			ctx, cancel = context.WithTimeout(context.Background(), budget(carrickTimeout))
			got := run(ctx, workdir, append([]string{carrick, "run-elf", p.path}, p.args...))
			cancel()
			t.Logf("qemu %v, carrick %v", want.elapsed.Round(time.Millisecond), got.elapsed.Round(time.Millisecond))

			var problems []string
			if got.err != nil {
				problems = append(problems, fmt.Sprintf("carrick: %v", got.err))
			}
			if got.status != want.status {
				problems = append(problems, fmt.Sprintf("exit status: qemu %d, carrick %d", want.status, got.status))
			}
			if !bytes.Equal(got.stdout, want.stdout) {
				problems = append(problems, "stdout "+FirstDiff(want.stdout, got.stdout))
			}
			wantErr, gotErr := want.stderr, got.stderr
			if want.status > 128 && got.status == want.status {
				wantErr, gotErr = stripDeathNotice(wantErr), stripDeathNotice(gotErr)
			}
			if !bytes.Equal(gotErr, wantErr) {
				problems = append(problems, "stderr "+FirstDiff(wantErr, gotErr))
			}
			if len(problems) > 0 {
				t.Errorf("%s differs from qemu:\n  %s\n  carrick stderr:\n%s", strings.Join(append([]string{p.name}, p.args...), " "),
					strings.Join(problems, "\n  "), Excerpt(got.stderr, 5))
				return
			}
			ok = true
		})
	}
}
